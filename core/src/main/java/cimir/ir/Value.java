package cimir.ir;

import java.util.ArrayList;
import java.util.List;

/** An SSA value: an operation result or a block argument, with its type and its uses. */
public abstract sealed class Value permits OpResult, BlockArgument {
  private Type type;
  OpOperand firstUse;

  Value(Type type) {
    this.type = type;
  }

  public Type type() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  /** The block that defines this value. */
  public abstract Block parentBlock();

  /** The defining operation, or null for a block argument. */
  public abstract Operation definingOp();

  public boolean hasUses() {
    return firstUse != null;
  }

  /** The uses, in no particular order. */
  public List<OpOperand> uses() {
    List<OpOperand> out = new ArrayList<>();
    for (OpOperand u = firstUse; u != null; u = u.nextUse) {
      out.add(u);
    }
    return out;
  }

  /** Makes every use of this value use `other` instead. */
  public void replaceAllUsesWith(Value other) {
    if (other == this) {
      return;
    }
    while (firstUse != null) {
      firstUse.set(other);
    }
  }
}
