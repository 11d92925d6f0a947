package cimir.dialect.builtin;

import cimir.diag.DiagnosticEngine;
import cimir.ir.AttrConstraint;
import cimir.ir.Attribute;
import cimir.ir.Operation;
import java.util.HashMap;
import java.util.Map;
import cimir.ir.Dialect;
import cimir.ir.OpDef;
import cimir.ir.Trait;
import cimir.ir.TypeConstraint;
import java.util.List;

/** The `builtin` dialect: the top-level `builtin.module`. */
public final class BuiltinDialect implements Dialect {
  public static final OpDef MODULE = OpDef.builder("builtin.module")
      .summary("a top-level container operation")
      .description("""
          A module holds one graph region with a single block of operations, such as functions.
          It may carry a symbol name and attributes.

          ```mlir
          module @net attributes {hw.arch = "cimflow"} {
            func.func @main(%arg0: tensor<4xi8>) -> tensor<4xi8> {
              return %arg0 : tensor<4xi8>
            }
          }
          ```""")
      .optionalAttr("sym_name", AttrConstraint.STRING, "the module's symbol name")
      .optionalAttr("sym_visibility", AttrConstraint.STRING, "the symbol's visibility")
      .regions(1)
      .traits(Trait.ISOLATED_FROM_ABOVE, Trait.GRAPH_REGION, Trait.NO_TERMINATOR,
          Trait.SINGLE_BLOCK, Trait.SYMBOL)
      .view(ModuleOp.class, ModuleOp::new)
      .inherentAttrsAreProperties()
      .verifier(BuiltinDialect::verifyModule)
      .build();

  public static final OpDef UNREALIZED_CAST = OpDef.builder("builtin.unrealized_conversion_cast")
      .summary("a cast between types that a conversion has not reconciled yet")
      .description("""
          Bridges a value of a converted type to users that still expect the old type during a
          dialect conversion. Conversions remove the casts they no longer need.

          ```mlir
          %1 = "builtin.unrealized_conversion_cast"(%0) : (i64) -> index
          ```""")
      .variadicOperand("inputs", TypeConstraint.ANY)
      .variadicResult("outputs", TypeConstraint.ANY)
      .traits(Trait.PURE)
      .build();

  /** The body takes no arguments and its symbols are unique, as in MLIR's symbol tables. */
  private static void verifyModule(Operation op, DiagnosticEngine diag) {
    if (op.region(0).isEmpty()) {
      return;
    }
    if (!op.region(0).entryBlock().arguments().isEmpty()) {
      diag.opError(op, "region should have no arguments");
      return;
    }
    Map<String, Operation> symbols = new HashMap<>();
    for (Operation inner : op.region(0).entryBlock()) {
      if (inner.attr("sym_name") instanceof Attribute.StringAttr name) {
        Operation previous = symbols.putIfAbsent(name.value(), inner);
        if (previous != null) {
          diag.error(inner.location(), "redefinition of symbol named '" + name.value() + "'")
              .attachNote(previous.location(), "see existing symbol definition here");
          return;
        }
      }
    }
  }

  @Override
  public String name() {
    return "builtin";
  }

  @Override
  public String summary() {
    return "the builtin module";
  }

  @Override
  public List<OpDef> ops() {
    return List.of(MODULE, UNREALIZED_CAST);
  }
}
