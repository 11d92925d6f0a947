package cimir.lowering.alloc;

import java.util.Arrays;
import java.util.List;

/**
 * The fewest memory-mode arrays meeting every operator's buffer need, where an array buffering
 * a producer also serves, in place, the inputs of its consumers.
 *
 * <pre>
 *   minimise   sum_i y_i
 *   subject to y_i + sum_{p in pred(i)} y_p >= r_i      for every operator i
 *              y_i >= 0 integer
 * </pre>
 *
 * <p>Operators are in topological order, so the columns covering row i (y_i and its
 * predecessors' y_p) are all decided once y_i is: y_i >= s_i = r_i - sum_p y_p is forced. An
 * operator with at most one needing consumer c takes exactly s_i, because any surplus helps
 * only c, and y_c covers c at least as well. An operator whose buffer feeds several needing
 * consumers (a fan-out, as at a residual branch) may take more, up to the largest residual
 * need of those consumers; those values are searched depth first, pruned by the cost so far
 * plus the largest residual need of any row still open (a row's residual is met only by
 * columns still open, each adding one per array). Without fan-outs the search is one path,
 * the greedy rule. The search gives up after a budget of nodes; the caller then falls back to
 * the MIP.
 */
final class BufferCovering {
  private final long[] r;
  private final List<List<Integer>> pred;
  private final List<List<Integer>> succ;
  private final long[] y;
  private long[] best;
  private long bestCost = Long.MAX_VALUE;
  private long budget;

  private BufferCovering(long[] r, List<List<Integer>> pred, List<List<Integer>> succ,
      long budget) {
    this.r = r;
    this.pred = pred;
    this.succ = succ;
    this.y = new long[r.length];
    this.budget = budget;
  }

  /**
   * An optimal y for needs `r`, or null when the search exceeds `budget` nodes.
   */
  static long[] solve(long[] r, List<List<Integer>> pred, List<List<Integer>> succ,
      long budget) {
    BufferCovering c = new BufferCovering(r, pred, succ, budget);
    c.search(0, 0);
    return c.budget < 0 ? null : c.best;
  }

  private void search(int from, long cost) {
    if (--budget < 0) {
      return;
    }
    int n = r.length;
    int i = from;
    for (; i < n && !fanOut(i); i++) { // forced: the greedy step
      y[i] = 0;
      y[i] = residual(i);
      cost += y[i];
    }
    if (i == n) {
      if (cost < bestCost) {
        bestCost = cost;
        best = y.clone();
      }
      return;
    }
    Arrays.fill(y, i, n, 0);
    long open = 0;
    for (int j = i; j < n; j++) {
      open = Math.max(open, residual(j));
    }
    if (cost + open >= bestCost) {
      return;
    }
    long forced = residual(i);
    long most = forced;
    for (int c : succ.get(i)) {
      if (r[c] > 0) {
        most = Math.max(most, residual(c));
      }
    }
    for (long v = forced; v <= most && budget >= 0; v++) {
      y[i] = v;
      search(i + 1, cost + v);
      Arrays.fill(y, i + 1, n, 0);
    }
  }

  /** Whether operator i's buffer may serve several consumers that need one. */
  private boolean fanOut(int i) {
    int needing = 0;
    for (int c : succ.get(i)) {
      needing += r[c] > 0 ? 1 : 0;
    }
    return needing > 1;
  }

  /** What row j still needs from the columns not yet decided (y_j and later ones are 0). */
  private long residual(int j) {
    long fed = y[j];
    for (int p : pred.get(j)) {
      fed += y[p];
    }
    return Math.max(0, r[j] - fed);
  }
}
