package cimir.dialect.builtin;

import cimir.ir.Attribute;
import cimir.ir.Block;
import cimir.ir.Operation;

/** A typed view of `builtin.module`. */
public record ModuleOp(Operation op) {
  public Block body() {
    return op.region(0).entryBlock();
  }

  /** The symbol name, or null for an anonymous module. */
  public String symName() {
    return op.attr("sym_name") instanceof Attribute.StringAttr s ? s.value() : null;
  }
}
