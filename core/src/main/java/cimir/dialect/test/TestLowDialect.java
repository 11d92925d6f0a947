package cimir.dialect.test;

import cimir.ir.AttrConstraint;
import cimir.ir.Dialect;
import cimir.ir.OpDef;
import cimir.ir.Trait;
import cimir.ir.Type;
import cimir.ir.TypeConstraint;
import java.util.List;

/** The `testlow` dialect: the target of the worked conversion example, on i64 values only. */
public final class TestLowDialect implements Dialect {
  private static final TypeConstraint I64 = TypeConstraint.exactly(Type.IntegerType.I64, "i64");

  public static final OpDef CONSTANT = OpDef.builder("testlow.constant")
      .summary("a constant i64")
      .description("""
          ```mlir
          %0 = "testlow.constant"() {value = 0 : i64} : () -> i64
          ```""")
      .attr("value", AttrConstraint.I64, "the constant")
      .result("result", I64)
      .traits(Trait.PURE)
      .build();

  public static final OpDef ADD = binary("add", "adds two i64");

  public static final OpDef SUB = binary("sub", "subtracts two i64");

  private static OpDef binary(String mnemonic, String summary) {
    String name = "testlow." + mnemonic;
    return OpDef.builder(name)
        .summary(summary)
        .description("```mlir\n%2 = \"" + name + "\"(%0, %1) : (i64, i64) -> i64\n```")
        .operand("lhs", I64)
        .operand("rhs", I64)
        .result("result", I64)
        .traits(Trait.PURE)
        .build();
  }

  @Override
  public String name() {
    return "testlow";
  }

  @Override
  public String summary() {
    return "the lowered test dialect, target of the conversion example";
  }

  @Override
  public List<OpDef> ops() {
    return List.of(CONSTANT, ADD, SUB);
  }
}
