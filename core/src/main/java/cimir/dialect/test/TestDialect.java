package cimir.dialect.test;

import cimir.ir.AttrConstraint;
import cimir.ir.Dialect;
import cimir.ir.OpDef;
import cimir.ir.Trait;
import cimir.ir.Type;
import cimir.ir.TypeConstraint;
import java.util.List;

/**
 * The `test` dialect: ops that supply values and exercise the IR machinery in tests, so one
 * dialect's tests need not depend on another (as mlir/test/lib does for MLIR).
 */
public final class TestDialect implements Dialect {
  public static final OpDef OP = OpDef.builder("test.op")
      .summary("an op that accepts anything")
      .description("""
          Any operands, results, attributes, regions and successors: a stand-in producer and
          consumer of values in tests. It is verified only structurally, and like an
          unregistered op its regions may be graph regions.

          ```mlir
          %0:2 = "test.op"(%arg0) {any = 1 : i32} : (tensor<4xi8>) -> (i32, f32)
          ```""")
      .variadicOperand("operands", TypeConstraint.ANY)
      .variadicResult("results", TypeConstraint.ANY)
      .variadicRegions()
      .variadicSuccessors()
      .traits(Trait.GRAPH_REGION)
      .build();

  public static final OpDef CONSTANT = OpDef.builder("test.constant")
      .summary("a constant integer")
      .description("""
          ```mlir
          %0 = "test.constant"() {value = 0 : i64} : () -> index
          ```""")
      .attr("value", AttrConstraint.I64, "the constant")
      .result("result", TypeConstraint.ANY)
      .traits(Trait.PURE)
      .build();

  public static final OpDef ADD = OpDef.builder("test.add")
      .summary("adds two values of the same type")
      .description("""
          ```mlir
          %2 = "test.add"(%0, %1) : (index, index) -> index
          ```""")
      .operand("lhs", TypeConstraint.ANY)
      .operand("rhs", TypeConstraint.ANY)
      .result("result", TypeConstraint.ANY)
      .traits(Trait.PURE, Trait.SAME_OPERANDS_AND_RESULT_TYPE)
      .build();

  public static final OpDef NEGATE = OpDef.builder("test.negate")
      .summary("negates a value")
      .description("""
          ```mlir
          %1 = "test.negate"(%0) : (index) -> index
          ```""")
      .operand("input", TypeConstraint.ANY)
      .result("result", TypeConstraint.ANY)
      .traits(Trait.PURE, Trait.SAME_OPERANDS_AND_RESULT_TYPE)
      .build();

  public static final OpDef I8_TENSOR = OpDef.builder("test.i8_tensor")
      .summary("an op with typed operands and attributes, to test constraint messages")
      .description("""
          ```mlir
          %1 = "test.i8_tensor"(%0) {strides = array<i64: 1, 1>} : (tensor<4xi8>) -> tensor<4xi8>
          ```""")
      .operand("input", TypeConstraint.tensorOf(TypeConstraint.exactly(Type.IntegerType.I8,
          "i8")))
      .result("output", TypeConstraint.tensorOf(TypeConstraint.exactly(Type.IntegerType.I8,
          "i8")))
      .attr("strides", AttrConstraint.DENSE_I64_ARRAY, "strides per spatial dimension")
      .optionalAttr("mode", AttrConstraint.stringEnum("fast", "exact"), "rounding mode")
      .verifier((op, diag) -> {
        long[] strides = ((cimir.ir.Attribute.DenseArrayAttr) op.attr("strides")).longValues();
        if (strides.length == 0) {
          diag.opError(op, "expects at least one stride");
          return;
        }
        for (long s : strides) {
          if (s <= 0) {
            diag.opError(op, "strides must be positive, but got " + s);
            return;
          }
        }
      })
      .build();

  public static final OpDef TERMINATOR = OpDef.builder("test.terminator")
      .summary("a terminator without successors")
      .description("""
          ```mlir
          "test.terminator"() : () -> ()
          ```""")
      .variadicOperand("operands", TypeConstraint.ANY)
      .traits(Trait.TERMINATOR)
      .build();

  public static final OpDef BR = OpDef.builder("test.br")
      .summary("a branch to one block")
      .description("""
          ```mlir
          "test.br"(%0)[^bb1] : (i32) -> ()
          ```""")
      .variadicOperand("operands", TypeConstraint.ANY)
      .successors(1)
      .traits(Trait.TERMINATOR)
      .verifier((op, diag) -> {
        var args = op.successors().get(0).arguments();
        if (args.size() != op.numOperands()) {
          diag.opError(op, "branch has " + op.numOperands() + " operands for successor #0, but"
              + " target block has " + args.size());
          return;
        }
        for (int i = 0; i < args.size(); i++) {
          if (!args.get(i).type().equals(op.operand(i).type())) {
            diag.opError(op, "type mismatch for bb argument #" + i + " of successor #0");
            return;
          }
        }
      })
      .build();

  public static final OpDef ISOLATED = OpDef.builder("test.isolated")
      .summary("an op whose region is isolated from above")
      .description("""
          ```mlir
          "test.isolated"() ({
            "test.op"() : () -> ()
          }) : () -> ()
          ```""")
      .variadicResult("results", TypeConstraint.ANY)
      .regions(1)
      .traits(Trait.ISOLATED_FROM_ABOVE)
      .build();

  public static final OpDef GRAPH = OpDef.builder("test.graph")
      .summary("an op with a graph region: uses may precede definitions")
      .description("""
          ```mlir
          "test.graph"() ({
            %0 = "test.op"(%1) : (i32) -> i32
            %1 = "test.op"(%0) : (i32) -> i32
          }) : () -> ()
          ```""")
      .regions(1)
      .traits(Trait.GRAPH_REGION, Trait.NO_TERMINATOR, Trait.SINGLE_BLOCK)
      .build();

  @Override
  public String name() {
    return "test";
  }

  /** Like MLIR's test dialect, unknown `test.*` ops are accepted, as unregistered ops. */
  @Override
  public boolean allowsUnknownOps() {
    return true;
  }

  @Override
  public String summary() {
    return "ops for testing the IR infrastructure";
  }

  @Override
  public List<OpDef> ops() {
    return List.of(OP, CONSTANT, ADD, NEGATE, I8_TENSOR, TERMINATOR, BR, ISOLATED, GRAPH);
  }
}
