package cimir.ir;

/** One use of a value: operand number `index` of `owner`. Uses form a list on the value. */
public final class OpOperand {
  private final Operation owner;
  private final int index;
  private Value value;
  OpOperand nextUse;
  private OpOperand prevUse;

  OpOperand(Operation owner, int index, Value value) {
    this.owner = owner;
    this.index = index;
    link(value);
  }

  public Operation owner() {
    return owner;
  }

  public int index() {
    return index;
  }

  public Value get() {
    return value;
  }

  /** Points this use at another value, moving it between use lists. */
  public void set(Value next) {
    unlink();
    link(next);
  }

  void unlink() {
    if (value == null) {
      return;
    }
    if (prevUse != null) {
      prevUse.nextUse = nextUse;
    } else {
      value.firstUse = nextUse;
    }
    if (nextUse != null) {
      nextUse.prevUse = prevUse;
    }
    prevUse = null;
    nextUse = null;
    value = null;
  }

  private void link(Value v) {
    value = v;
    if (v == null) {
      return;
    }
    nextUse = v.firstUse;
    if (nextUse != null) {
      nextUse.prevUse = this;
    }
    v.firstUse = this;
  }
}
