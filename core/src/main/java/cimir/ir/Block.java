package cimir.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** A basic block: arguments and an intrusive list of operations, inside a region. */
public final class Block implements Iterable<Operation> {
  private final List<BlockArgument> arguments = new ArrayList<>();
  private Region parent;
  private Operation first;
  private Operation last;
  private int size;

  public Block() {}

  public Region parent() {
    return parent;
  }

  void setParent(Region region) {
    this.parent = region;
  }

  public Operation parentOp() {
    return parent == null ? null : parent.parentOp();
  }

  public boolean isEntryBlock() {
    return parent != null && !parent.blocks().isEmpty() && parent.blocks().get(0) == this;
  }

  // ---- Arguments ----

  public List<BlockArgument> arguments() {
    return Collections.unmodifiableList(arguments);
  }

  public BlockArgument argument(int i) {
    return arguments.get(i);
  }

  public BlockArgument addArgument(Type type, Location location) {
    BlockArgument a = new BlockArgument(this, arguments.size(), type, location);
    arguments.add(a);
    return a;
  }

  public void eraseArgument(int i) {
    arguments.remove(i);
    for (int j = i; j < arguments.size(); j++) {
      arguments.get(j).setIndex(j);
    }
  }

  // ---- Operations ----

  public Operation first() {
    return first;
  }

  public Operation last() {
    return last;
  }

  public boolean isEmpty() {
    return first == null;
  }

  public int size() {
    return size;
  }

  /** The last operation, or null when the block is empty. */
  public Operation terminator() {
    return last;
  }

  public void append(Operation op) {
    insertBefore(op, null);
  }

  /** Inserts `op` before `anchor`, or at the end when `anchor` is null. */
  public void insertBefore(Operation op, Operation anchor) {
    if (op.block != null) {
      throw new IllegalStateException("operation is already in a block");
    }
    op.block = this;
    if (anchor == null) {
      op.prev = last;
      op.next = null;
      if (last != null) {
        last.next = op;
      } else {
        first = op;
      }
      last = op;
    } else {
      op.next = anchor;
      op.prev = anchor.prev;
      if (anchor.prev != null) {
        anchor.prev.next = op;
      } else {
        first = op;
      }
      anchor.prev = op;
    }
    size++;
  }

  /** Unlinks `op` from this block without touching its uses. */
  public void remove(Operation op) {
    if (op.block != this) {
      throw new IllegalStateException("operation is not in this block");
    }
    if (op.prev != null) {
      op.prev.next = op.next;
    } else {
      first = op.next;
    }
    if (op.next != null) {
      op.next.prev = op.prev;
    } else {
      last = op.prev;
    }
    op.prev = null;
    op.next = null;
    op.block = null;
    size--;
  }

  /** A snapshot of the operations, safe to mutate the block while iterating it. */
  public List<Operation> ops() {
    List<Operation> out = new ArrayList<>(size);
    for (Operation op = first; op != null; op = op.next) {
      out.add(op);
    }
    return out;
  }

  @Override
  public Iterator<Operation> iterator() {
    return new Iterator<>() {
      private Operation cursor = first;

      @Override
      public boolean hasNext() {
        return cursor != null;
      }

      @Override
      public Operation next() {
        Operation op = cursor;
        cursor = cursor.next;
        return op;
      }
    };
  }

  /** The blocks that branch here: one entry per successor use, in region order. */
  public List<Block> predecessors() {
    List<Block> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    for (Block b : parent.blocks()) {
      Operation t = b.last;
      for (Operation op = b.first; op != null; op = op.next) {
        if (op != t && op.successors().isEmpty()) {
          continue;
        }
        for (Block s : op.successors()) {
          if (s == this) {
            out.add(b);
          }
        }
      }
    }
    return out;
  }
}
