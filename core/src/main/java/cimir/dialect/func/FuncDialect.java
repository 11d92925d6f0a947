package cimir.dialect.func;

import cimir.ir.AttrConstraint;
import cimir.ir.Dialect;
import cimir.ir.OpDef;
import cimir.ir.Operation;
import cimir.ir.Trait;
import cimir.ir.Type;
import cimir.ir.TypeConstraint;
import java.util.List;

/** The `func` dialect: `func.func` and `func.return`, printed in MLIR's custom forms. */
public final class FuncDialect implements Dialect {
  public static final OpDef FUNC = OpDef.builder("func.func")
      .summary("a function with a name, a signature and a body")
      .description("""
          A function is a symbol with a function type and one region, its body; a function without
          a body is a declaration. The entry block's arguments are the function's arguments.

          ```mlir
          func.func @add(%arg0: tensor<4xi8>, %arg1: tensor<4xi8>) -> tensor<4xi8> {
            %0 = "test.op"(%arg0, %arg1) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
            return %0 : tensor<4xi8>
          }
          ```""")
      .attr("sym_name", AttrConstraint.STRING, "the function's name")
      .attr("function_type", AttrConstraint.FUNCTION_TYPE, "the signature")
      .optionalAttr("sym_visibility", AttrConstraint.STRING, "public, private or nested")
      .optionalAttr("arg_attrs", AttrConstraint.ARRAY, "one dictionary per argument")
      .optionalAttr("res_attrs", AttrConstraint.ARRAY, "one dictionary per result")
      .regions(1)
      .traits(Trait.ISOLATED_FROM_ABOVE, Trait.SYMBOL, Trait.REQUIRES_TERMINATOR)
      .view(FuncOp.class, FuncOp::new)
      .inherentAttrsAreProperties()
      .verifier(FuncDialect::verifyFunc)
      .build();

  public static final OpDef RETURN = OpDef.builder("func.return")
      .summary("returns from a function")
      .description("""
          Ends the body of a `func.func`; its operands must match the function's result types.

          ```mlir
          return %0 : tensor<4xi8>
          ```""")
      .variadicOperand("operands", TypeConstraint.ANY)
      .traits(Trait.PURE, Trait.TERMINATOR)
      .verifier(FuncDialect::verifyReturn)
      .build();

  private static void verifyFunc(Operation op, cimir.diag.DiagnosticEngine diag) {
    FuncOp f = new FuncOp(op);
    if (f.type() == null || op.region(0).isEmpty()) {
      return;
    }
    List<Type> inputs = f.type().inputs();
    var args = op.region(0).entryBlock().arguments();
    if (args.size() != inputs.size()) {
      diag.opError(op, "entry block must have " + inputs.size()
          + " arguments to match function signature");
      return;
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (!args.get(i).type().equals(inputs.get(i))) {
        diag.opError(op, "type of entry block argument #" + i + "('"
            + cimir.print.IrPrinter.typeToString(args.get(i).type())
            + "') must match the type of the corresponding argument in function signature('"
            + cimir.print.IrPrinter.typeToString(inputs.get(i)) + "')");
        return;
      }
    }
  }

  private static void verifyReturn(Operation op, cimir.diag.DiagnosticEngine diag) {
    Operation parent = op.parentOp();
    if (parent == null || parent.def() != FUNC) {
      diag.opError(op, "expects parent op 'func.func'");
      return;
    }
    FuncOp f = new FuncOp(parent);
    if (f.type() == null) {
      return;
    }
    List<Type> results = f.type().results();
    if (op.numOperands() != results.size()) {
      diag.opError(op, "has " + op.numOperands() + " operands, but enclosing function (@"
          + f.name() + ") returns " + results.size());
      return;
    }
    for (int i = 0; i < results.size(); i++) {
      if (!op.operand(i).type().equals(results.get(i))) {
        diag.error(op.location(), "type of return operand " + i + " ('"
            + cimir.print.IrPrinter.typeToString(op.operand(i).type())
            + "') doesn't match function result type ('"
            + cimir.print.IrPrinter.typeToString(results.get(i)) + "') in function @" + f.name());
        return;
      }
    }
  }

  @Override
  public String name() {
    return "func";
  }

  @Override
  public String summary() {
    return "functions and returns";
  }

  @Override
  public List<OpDef> ops() {
    return List.of(FUNC, RETURN);
  }
}
