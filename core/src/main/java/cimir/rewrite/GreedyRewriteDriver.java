package cimir.rewrite;

import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Trait;
import cimir.ir.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies patterns to every op nested in a root until nothing changes, as MLIR's greedy
 * driver: a worklist seeded with all ops; after a change, the ops around it are revisited;
 * pure ops without uses are erased.
 */
public final class GreedyRewriteDriver {
  /**
   * How a run ended: whether a fixpoint was reached within the budget, how many rewrites were
   * made, and the op of the last rewrite (null when there was none).
   */
  public record Result(boolean converged, long rewrites, Operation last) {}

  private GreedyRewriteDriver() {}

  /**
   * Rewrites until nothing matches. A run that would need more than `maxRewrites` rewrites
   * (erasing a dead op counts as one) stops after the first rewrite over budget and reports
   * that it did not converge.
   */
  public static Result apply(Context ctx, Operation root, List<RewritePattern> patterns,
      long maxRewrites) {
    List<RewritePattern> ordered = new ArrayList<>(patterns);
    ordered.sort(Comparator.comparingInt(RewritePattern::benefit).reversed());
    Deque<Operation> worklist = new ArrayDeque<>();
    Set<Operation> queued = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Operation> erased = Collections.newSetFromMap(new IdentityHashMap<>());
    root.walk(op -> {
      if (op != root) {
        worklist.add(op);
        queued.add(op);
      }
    });
    PatternRewriter rewriter = new PatternRewriter(ctx, new PatternRewriter.Listener() {
      @Override
      public void created(Operation op) {
        enqueue(op);
      }

      @Override
      public void modified(Operation op) {
        enqueue(op);
      }

      @Override
      public void erased(Operation op) {
        erased.add(op);
      }

      private void enqueue(Operation op) {
        if (op != root && queued.add(op)) {
          worklist.add(op);
        }
      }
    });
    Map<String, List<RewritePattern>> byRoot = new java.util.HashMap<>();
    long rewrites = 0;
    Operation last = null;
    while (!worklist.isEmpty()) {
      Operation op = worklist.poll();
      queued.remove(op);
      if (erased.contains(op) || op.block() == null) {
        continue;
      }
      boolean changed = false;
      if (isTriviallyDead(op)) {
        rewriter.eraseOp(op);
        changed = true;
      } else {
        List<RewritePattern> candidates = byRoot.computeIfAbsent(op.name(), n -> ordered
            .stream().filter(p -> p.rootName() == null || p.rootName().equals(n)).toList());
        for (RewritePattern p : candidates) {
          rewriter.setInsertionPoint(op);
          if (p.matchAndRewrite(op, rewriter)) {
            changed = true;
            break;
          }
        }
      }
      if (changed) {
        rewrites++;
        last = op;
        if (rewrites > maxRewrites) {
          return new Result(false, rewrites, last);
        }
      }
    }
    return new Result(true, rewrites, last);
  }

  private static boolean isTriviallyDead(Operation op) {
    if (!op.hasTrait(Trait.PURE) || op.numRegions() > 0 || op.numResults() == 0) {
      return false;
    }
    for (Value r : op.results()) {
      if (r.hasUses()) {
        return false;
      }
    }
    return true;
  }
}
