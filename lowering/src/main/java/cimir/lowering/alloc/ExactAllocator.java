package cimir.lowering.alloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The exact combinatorial solution of a {@link StageProblem}, fast enough to cost every
 * candidate stage of the segmentation DP.
 *
 * <p>Every objective grows with the period T and with the resources (copies, buffer arrays,
 * cores), so an optimum uses, for its period T, the fewest resources that reach T:
 *
 * <pre>
 *   u_i(T) = the least u with w_i / R_i(u) <= T
 *   r_i(T) = max(0, ceil((b_i / T - D_main) / D_cim))     buffer arrays operator i needs
 *   y(T)   = the least sum y with y_i + sum_{p in pred(i)} y_p >= r_i(T) for all i
 * </pre>
 *
 * and T is one of the breakpoints w_i / R_i(u) or b_i / (m D_cim + D_main). The least
 * feasible period T* comes from bisection (feasibility is monotone in T); the breakpoints from
 * T* up to the point where no cheaper resources can pay for a longer period are then costed
 * one by one with {@link StageProblem#evaluate}.
 *
 * <p>The covering y(T) is {@link BufferCovering}: greedy in topological order where every
 * operator has at most one consumer with a positive need, a small depth-first search over the
 * fan-outs otherwise. Only when that search exceeds its budget does {@link #solve} return
 * empty, and the caller uses the MIP.
 */
public final class ExactAllocator {
  private static final double TOLERANCE = 1e-9;
  /** Search nodes one covering may take before the caller falls back to the MIP. */
  private static final long COVERING_BUDGET = 20_000;

  private ExactAllocator() {}

  /**
   * The optimum of `p`: an optimal allocation, {@link Allocated#infeasible} when even the
   * smallest allocation breaks a capacity, or empty when a buffer covering exceeds its search
   * budget.
   */
  public static Optional<Allocated> solve(StageProblem p) {
    return search(p).optimum();
  }

  /**
   * What one search finds: the optimum (as {@link #solve}), and the allocation of least
   * period T* any allocation reaches, with the fewest resources reaching it, a lower bound on
   * every optimum's period (empty when nothing fits or a covering exceeds its budget).
   */
  public record Solution(Optional<Allocated> optimum, Optional<Allocated> leastPeriod) {}

  /** The optimum of `p` and its least period, from one bisection. */
  public static Solution search(StageProblem p) {
    int n = p.ops().size();
    long[] min = p.fewest().copies();
    StageProblem.Figures smallest = p.evaluate(p.fewest());
    if (!smallest.feasible()) {
      return new Solution(Optional.of(Allocated.infeasible(p)), Optional.empty());
    }
    double tMax = smallest.period();
    if (tMax == 0) {
      Allocated only = new Allocated(new StageProblem.Choice(min, new long[n]), smallest,
          Allocated.Status.OPTIMAL, 0, "exact");
      return new Solution(Optional.of(only), Optional.of(only));
    }
    List<List<Integer>> pred = p.predecessors();
    List<List<Integer>> succ = p.successors();
    double lo = 0;
    double hi = tMax;
    for (int iter = 0; iter < 200 && hi - lo > 1e-13 * hi; iter++) {
      double mid = (lo + hi) / 2;
      Needs needs = needs(p, mid, pred, succ);
      if (needs == null) {
        lo = mid;
      } else if (!needs.computeFits) {
        lo = mid;
      } else if (!needs.exact && !needs.fits) {
        return new Solution(Optional.empty(), Optional.empty());
      } else if (needs.fits) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    Needs atHi = needs(p, hi, pred, succ);
    if (atHi == null || !atHi.exact) {
      return new Solution(Optional.empty(), Optional.empty());
    }
    double tStar = p.evaluate(atHi.choice).period();
    Optional<Allocated> least = Optional.of(new Allocated(atHi.choice,
        p.evaluate(atHi.choice), Allocated.Status.FEASIBLE, 0, "exact"));
    double tEnd = tMax;
    if (p.objective() == StageProblem.Objective.LATENCY) {
      StageProblem.Figures f = p.evaluate(atHi.choice);
      double rest = f.latencyCost() - p.batch() * f.period();
      tEnd = Math.min(tMax, tStar + rest / Math.max(1, p.batch()));
    }
    double[] candidates = breakpoints(p, tStar, tEnd);
    Allocated best = null;
    for (double t : candidates) {
      Needs needs = needs(p, t, pred, succ);
      if (needs == null || !needs.fits) {
        continue; // a breakpoint a rounding below T*
      }
      if (!needs.exact) {
        return new Solution(Optional.empty(), least);
      }
      StageProblem.Figures f = p.evaluate(needs.choice);
      if (best == null || f.objective() < best.figures().objective()) {
        best = new Allocated(needs.choice, f, Allocated.Status.OPTIMAL, 0, "exact");
      }
    }
    return new Solution(Optional.of(best), least);
  }

  /** The fewest resources reaching period T, or null when no number of arrays reaches it. */
  private record Needs(StageProblem.Choice choice, boolean computeFits, boolean fits,
      boolean exact) {}

  private static Needs needs(StageProblem p, double t, List<List<Integer>> pred,
      List<List<Integer>> succ) {
    StageProblem.Chip chip = p.chip();
    int n = p.ops().size();
    long[] u = new long[n];
    long[] r = new long[n];
    long compute = 0;
    long cores = 0;
    for (int i = 0; i < n; i++) {
      StageProblem.Item it = p.ops().get(i);
      long copies = copiesFor(p, i, t);
      if (copies < 0 || copies * it.arraysPerCopy() > chip.arrays()) {
        return null;
      }
      u[i] = copies;
      compute += copies * it.arraysPerCopy();
      cores += p.cores(i, copies);
      if (it.bytes() > 0) {
        r[i] = Math.max(0, ceil((it.bytes() / t - chip.mainBytesPerCycle())
            / chip.memoryBytesPerCycle()));
      }
      if (r[i] > 0 && !chip.dualMode()) {
        return null;
      }
    }
    long[] y = BufferCovering.solve(r, pred, succ, COVERING_BUDGET);
    boolean exact = y != null;
    if (y == null) {
      y = new long[n];
      for (int i = 0; i < n; i++) { // feasible, not always fewest: the MIP decides
        long fed = 0;
        for (int q : pred.get(i)) {
          fed += y[q];
        }
        y[i] = Math.max(0, r[i] - fed);
      }
    }
    long memory = 0;
    for (long v : y) {
      memory += v;
    }
    boolean computeFits = (!chip.exclusiveCores() || cores <= chip.cores())
        && compute <= chip.arrays();
    boolean fits = computeFits && compute + memory <= chip.arrays();
    return new Needs(new StageProblem.Choice(u, y), computeFits, fits, exact);
  }

  /** u_i(T), the fewest copies giving operator i a period of at most T; -1 if none does. */
  static long copiesFor(StageProblem p, int i, double t) {
    StageProblem.Item it = p.ops().get(i);
    StageProblem.Chip chip = p.chip();
    double rate = it.work() / t;
    double perCopy = it.copyRate(chip);
    if (!p.duplicate()) {
      long least = it.minCopies();
      return it.work() == 0 || rate <= p.computeRate(i, least) * (1 + TOLERANCE) ? least : -1;
    }
    return switch (it.use()) {
      case WEIGHTS -> it.work() == 0 ? 1 : Math.max(1, ceil(rate / perCopy));
      case ACTIVATIONS -> rate <= chip.lanes() * (1 + TOLERANCE) ? 0
          : perCopy == 0 ? -1 : ceil((rate - chip.lanes()) / perCopy);
      case VECTOR -> rate <= chip.lanes() * (1 + TOLERANCE) ? 0 : -1;
      case MOVE -> 0;
    };
  }

  /** The periods in [from, to] at which some operator's fewest resources change. */
  private static double[] breakpoints(StageProblem p, double from, double to) {
    StageProblem.Chip chip = p.chip();
    List<Double> ts = new ArrayList<>();
    ts.add(from);
    for (int i = 0; i < p.ops().size(); i++) {
      StageProblem.Item it = p.ops().get(i);
      if (it.usesArrays() && it.work() > 0) {
        long most = copiesFor(p, i, from);
        long least = Math.max(it.minCopies(), copiesFor(p, i, to));
        for (long u = Math.max(least, 1); u <= most; u++) {
          ts.add(it.work() / p.computeRate(i, u));
        }
        if (least == 0 && it.use() == StageProblem.Use.ACTIVATIONS) {
          ts.add(it.work() / chip.lanes());
        }
      }
      if (it.bytes() > 0 && chip.dualMode()) {
        long most = Math.max(0, ceil((it.bytes() / from - chip.mainBytesPerCycle())
            / chip.memoryBytesPerCycle()));
        for (long m = 0; m <= most; m++) {
          ts.add(it.bytes() / (m * chip.memoryBytesPerCycle() + chip.mainBytesPerCycle()));
        }
      }
    }
    return ts.stream().mapToDouble(Double::doubleValue)
        .filter(t -> t >= from * (1 - TOLERANCE) && t <= to * (1 + TOLERANCE))
        .sorted().distinct().toArray();
  }

  /** ceil(x), forgiving x a relative rounding error just above an integer. */
  private static long ceil(double x) {
    return (long) Math.ceil(x - TOLERANCE * Math.max(1, Math.abs(x)));
  }
}
