package cimir.rewrite;

import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Block;
import cimir.ir.Context;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every IR mutation a pattern makes goes through here, so drivers can follow what changed:
 * created ops, replaced and erased ops, in-place modifications.
 */
public class PatternRewriter {
  /** Told about every change; drivers use it to refill their worklists. */
  public interface Listener {
    default void created(Operation op) {}

    default void modified(Operation op) {}

    default void erased(Operation op) {}
  }

  private final Context ctx;
  private final Listener listener;
  private Block insertBlock;
  private Operation insertBefore;
  private final List<String> matchFailures = new ArrayList<>();

  public PatternRewriter(Context ctx, Listener listener) {
    this.ctx = ctx;
    this.listener = listener;
  }

  public Context context() {
    return ctx;
  }

  /** New ops go right before `op`. */
  public void setInsertionPoint(Operation op) {
    insertBlock = op.block();
    insertBefore = op;
  }

  /** New ops go right after `op`. */
  public void setInsertionPointAfter(Operation op) {
    insertBlock = op.block();
    insertBefore = op.nextInBlock();
  }

  /** Creates an op of a registered or unregistered name at the insertion point. */
  public Operation create(String name, List<Value> operands, List<Type> resultTypes,
      DictionaryAttr attributes, Location loc) {
    Operation op = Operation.create(name, ctx.lookupOp(name), operands, resultTypes, attributes,
        null, List.of(), 0, loc);
    insert(op);
    return op;
  }

  /** Inserts a detached op at the insertion point. */
  public void insert(Operation op) {
    insertBlock.insertBefore(op, insertBefore);
    listener.created(op);
  }

  /** Replaces every use of `op`'s results with `values`, then erases `op`. */
  public void replaceOp(Operation op, List<Value> values) {
    if (values.size() != op.numResults()) {
      throw new IllegalArgumentException("replaceOp: " + values.size() + " values for "
          + op.numResults() + " results");
    }
    for (Value v : values) {
      if (v.definingOp() == op) {
        throw new IllegalArgumentException("replaceOp: '" + op.name()
            + "' cannot be replaced by its own result");
      }
    }
    for (int i = 0; i < values.size(); i++) {
      for (var use : op.result(i).uses()) {
        listener.modified(use.owner());
      }
      op.result(i).replaceAllUsesWith(values.get(i));
    }
    eraseOp(op);
  }

  public void eraseOp(Operation op) {
    for (Value v : op.operands()) {
      if (v.definingOp() != null) {
        listener.modified(v.definingOp());
      }
    }
    op.erase();
    listener.erased(op);
  }

  /** Changes `op` in place through `change`, and says so. */
  public void modifyInPlace(Operation op, Consumer<Operation> change) {
    change.accept(op);
    listener.modified(op);
  }

  /** Records why a pattern did not apply (shown with debugging on); returns false. */
  public boolean notifyMatchFailure(Operation op, String reason) {
    matchFailures.add("'" + op.name() + "': " + reason);
    return false;
  }

  public List<String> matchFailures() {
    return matchFailures;
  }
}
