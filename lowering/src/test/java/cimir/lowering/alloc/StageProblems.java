package cimir.lowering.alloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random small allocation problems and their brute-force optimum, for the allocator tests. */
final class StageProblems {
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
    return new StageProblem(ops, edges, chip, 1 + rnd.nextInt(8), objective, previous,
        rnd.nextInt(5) != 0, rnd.nextInt(100), rnd.nextInt(100));
  }

  /** The best objective over every allocation (infinite when none fits). */
  static double bruteForce(StageProblem p) {
    int n = p.ops().size();
    long arrays = p.chip().arrays();
    long[] lo = new long[2 * n];
    long[] hi = new long[2 * n];
    for (int i = 0; i < n; i++) {
      StageProblem.Item it = p.ops().get(i);
      lo[i] = it.minCopies();
      hi[i] = p.mostCopies(i);
      hi[n + i] = p.chip().dualMode() ? arrays : 0;
    }
    long[] x = lo.clone();
    double best = Double.POSITIVE_INFINITY;
    while (true) {
      long[] u = java.util.Arrays.copyOfRange(x, 0, n);
      long[] y = java.util.Arrays.copyOfRange(x, n, 2 * n);
      StageProblem.Figures f = p.evaluate(new StageProblem.Choice(u, y));
      if (f.feasible()) {
        best = Math.min(best, f.objective());
      }
      int d = 0;
      while (d < 2 * n && x[d] == hi[d]) {
        x[d] = lo[d];
        d++;
      }
      if (d == 2 * n) {
        return best;
      }
      x[d]++;
    }
  }
}
