package cimir.dialect.func;

import cimir.ir.Attribute;
import cimir.ir.Block;
import cimir.ir.Operation;
import cimir.ir.Type;

/** A typed view of `func.func`. */
public record FuncOp(Operation op) {
  public String name() {
    return op.attr("sym_name") instanceof Attribute.StringAttr s ? s.value() : null;
  }

  /** The signature, or null when the attribute is missing or malformed. */
  public Type.FunctionType type() {
    return op.attr("function_type") instanceof Attribute.TypeAttr t
        && t.value() instanceof Type.FunctionType f ? f : null;
  }

  public boolean isDeclaration() {
    return op.region(0).isEmpty();
  }

  public Block body() {
    return op.region(0).entryBlock();
  }

  /** The functions with a body at the top level of `module`, in order. */
  public static java.util.List<FuncOp> definitions(Operation module) {
    java.util.List<FuncOp> out = new java.util.ArrayList<>();
    for (Operation op : module.region(0).entryBlock()) {
      if (op.name().equals("func.func") && !op.region(0).isEmpty()) {
        out.add(new FuncOp(op));
      }
    }
    return out;
  }
}
