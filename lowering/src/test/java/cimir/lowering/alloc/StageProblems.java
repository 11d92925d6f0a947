package cimir.lowering.alloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random small allocation problems and their brute-force optimum, for the allocator tests. */
public final class StageProblems {
  private StageProblems() {}

  /** A random problem of 1-`maxOps` operators on a chip of at most `maxArrays` arrays. */
  static StageProblem random(Random rnd, int maxOps, int maxArrays,
      StageProblem.Objective objective, boolean dualMode) {
    return random(rnd, maxOps, maxArrays, objective, dualMode, false);
  }

  /**
   * As above; with `fanOut`, at least 3 operators where operator 0 feeds 1 and 2, both moving
   * bytes: the buffer covering is then a general set-multicover, not an in-forest.
   */
  static StageProblem random(Random rnd, int maxOps, int maxArrays,
      StageProblem.Objective objective, boolean dualMode, boolean fanOut) {
    int n = fanOut ? 3 + rnd.nextInt(Math.max(1, maxOps - 2)) : 1 + rnd.nextInt(maxOps);
    List<StageProblem.Item> ops = new ArrayList<>();
    StageProblem.Use[] uses = StageProblem.Use.values();
    for (int i = 0; i < n; i++) {
      StageProblem.Use use = uses[rnd.nextInt(uses.length)];
      long a = use == StageProblem.Use.WEIGHTS || use == StageProblem.Use.ACTIVATIONS
          ? 1 + rnd.nextInt(2) : 0;
      double work = use == StageProblem.Use.MOVE ? 0 : 1 + rnd.nextInt(2000);
      double bytes = rnd.nextInt(4) == 0 && !(fanOut && (i == 1 || i == 2))
          ? 0 : 1 + rnd.nextInt(3000);
      ops.add(new StageProblem.Item("op" + i, use, a, work, bytes, rnd.nextInt(50),
          rnd.nextInt(500), rnd.nextInt(1000)));
    }
    List<int[]> edges = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      for (int p = 0; p < i; p++) {
        if (rnd.nextInt(3) == 0 || fanOut && p == 0 && i <= 2) {
          edges.add(new int[] {p, i});
        }
      }
    }
    long arraysPerCore = 1 + rnd.nextInt(3);
    long cores = Math.max(1, Math.min(3, maxArrays / arraysPerCore - rnd.nextInt(2)));
    StageProblem.Chip chip = new StageProblem.Chip(cores, arraysPerCore, 1 + rnd.nextInt(8),
        1 + rnd.nextInt(4), 1 + rnd.nextInt(8), 1 + rnd.nextInt(8), dualMode,
        rnd.nextInt(6), rnd.nextInt(40), rnd.nextDouble());
    long previous = rnd.nextInt((int) chip.arrays() + 1);
    long batch = 1 + rnd.nextInt(8);
    boolean duplicate = rnd.nextInt(5) != 0;
    double fixedCycles = rnd.nextInt(100);
    double fixedPj = rnd.nextInt(100);
    double lambda = objective == StageProblem.Objective.WEIGHTED ? 0.05 + rnd.nextDouble() : 0;
    return new StageProblem(ops, edges, chip, batch, objective, previous, duplicate,
        fixedCycles, fixedPj, lambda);
  }

  /** The best objective over every allocation (infinite when none fits). */
  static double bruteForce(StageProblem p) {
    double[] best = {Double.POSITIVE_INFINITY};
    forEachFeasible(p, f -> best[0] = Math.min(best[0], f.objective()));
    return best[0];
  }

  /** The figures of every allocation of `p` that fits, by enumeration. */
  public static void forEachFeasible(StageProblem p,
      java.util.function.Consumer<StageProblem.Figures> sink) {
    int n = p.ops().size();
    long arrays = p.chip().arrays();
    long[] lo = new long[2 * n];
    long[] hi = new long[2 * n];
    for (int i = 0; i < n; i++) {
      StageProblem.Item it = p.ops().get(i);
      lo[i] = it.minCopies();
      hi[i] = p.mostCopies(i);
      hi[n + i] = p.chip().dualMode() ? arrays : 0;
      if (lo[i] > hi[i]) {
        return; // one copy needs more arrays than the chip has
      }
    }
    long[] x = lo.clone();
    while (true) {
      long[] u = java.util.Arrays.copyOfRange(x, 0, n);
      long[] y = java.util.Arrays.copyOfRange(x, n, 2 * n);
      StageProblem.Figures f = p.evaluate(new StageProblem.Choice(u, y));
      if (f.feasible()) {
        sink.accept(f);
      }
      int d = 0;
      while (d < 2 * n && x[d] == hi[d]) {
        x[d] = lo[d];
        d++;
      }
      if (d == 2 * n) {
        return;
      }
      x[d]++;
    }
  }
}
