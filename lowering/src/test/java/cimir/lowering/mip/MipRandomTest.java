package cimir.lowering.mip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Random small pure-integer programs, each solved by SCIP and by enumerating every integer point
 * in the bounds (at most 5^4 of them) in exact integer arithmetic.
 */
class MipRandomTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  /** lhs <= a . x <= rhs, with Long.MIN_VALUE / MAX_VALUE for a missing side. */
  record Row(long[] a, long lhs, long rhs) {
    boolean holds(long[] x) {
      long sum = 0;
      for (int j = 0; j < x.length; j++) {
        sum += a[j] * x[j];
      }
      return lhs <= sum && sum <= rhs;
    }

    @Override
    public String toString() {
      return (lhs == Long.MIN_VALUE ? "-inf" : lhs) + " <= " + Arrays.toString(a) + " . x <= "
          + (rhs == Long.MAX_VALUE ? "inf" : rhs);
    }
  }

  record Problem(long[] lb, long[] ub, boolean[] binary, long[] c, boolean maximize,
      List<Row> rows) {
    /** The best objective over all integer points, or null if none is feasible. */
    Long bruteForce() {
      int n = lb.length;
      long[] x = lb.clone();
      Long best = null;
      while (true) {
        if (feasible(x)) {
          long value = objective(x);
          if (best == null || (maximize ? value > best : value < best)) {
            best = value;
          }
        }
        int j = 0;
        while (j < n && x[j] == ub[j]) {
          x[j] = lb[j];
          j++;
        }
        if (j == n) {
          return best;
        }
        x[j]++;
      }
    }

    boolean feasible(long[] x) {
      for (int j = 0; j < x.length; j++) {
        if (x[j] < lb[j] || x[j] > ub[j]) {
          return false;
        }
      }
      return rows.stream().allMatch(r -> r.holds(x));
    }

    long objective(long[] x) {
      long sum = 0;
      for (int j = 0; j < x.length; j++) {
        sum += c[j] * x[j];
      }
      return sum;
    }

    @Override
    public String toString() {
      return (maximize ? "max " : "min ") + Arrays.toString(c) + " . x, x in "
          + Arrays.toString(lb) + " .. " + Arrays.toString(ub) + ", binary "
          + Arrays.toString(binary) + ", " + rows;
    }

    static Problem random(Random random) {
      int n = 2 + random.nextInt(3);
      long[] lb = new long[n];
      long[] ub = new long[n];
      boolean[] binary = new boolean[n];
      long[] c = new long[n];
      for (int j = 0; j < n; j++) {
        binary[j] = random.nextInt(4) == 0;
        lb[j] = binary[j] ? 0 : -3 + random.nextInt(5);
        ub[j] = binary[j] ? 1 : lb[j] + random.nextInt(5);
        c[j] = -5 + random.nextInt(11);
      }
      List<Row> rows = new ArrayList<>();
      int m = 1 + random.nextInt(3);
      for (int i = 0; i < m; i++) {
        long[] a = new long[n];
        long lo = 0;
        long hi = 0;
        for (int j = 0; j < n; j++) {
          a[j] = -4 + random.nextInt(9);
          lo += Math.min(a[j] * lb[j], a[j] * ub[j]);
          hi += Math.max(a[j] * lb[j], a[j] * ub[j]);
        }
        // Sides around the reachable range [lo, hi], so some rows cut and some are infeasible.
        long s = lo - 1 + random.nextInt((int) (hi - lo) + 3);
        long t = lo - 1 + random.nextInt((int) (hi - lo) + 3);
        switch (random.nextInt(4)) {
          case 0 -> rows.add(new Row(a, Long.MIN_VALUE, s));
          case 1 -> rows.add(new Row(a, s, Long.MAX_VALUE));
          case 2 -> rows.add(new Row(a, Math.min(s, t), Math.max(s, t)));
          default -> rows.add(new Row(a, s, s));
        }
      }
      return new Problem(lb, ub, binary, c, random.nextBoolean(), rows);
    }
  }

  /** Solves with SCIP and checks against brute force; returns whether it was feasible. */
  static boolean check(Problem p, Mip.Params params, String label)
      throws ScipUnavailableException {
    Long best = p.bruteForce();
    int n = p.lb().length;
    try (Mip mip = Mip.create(label)) {
      Mip.Var[] x = new Mip.Var[n];
      for (int j = 0; j < n; j++) {
        x[j] = p.binary()[j] ? mip.binaryVar("x" + j, p.c()[j])
            : mip.intVar("x" + j, p.lb()[j], p.ub()[j], p.c()[j]);
      }
      for (Row row : p.rows()) {
        double[] a = new double[n];
        for (int j = 0; j < n; j++) {
          a[j] = row.a()[j];
        }
        mip.addLinear("r", x, a, row.lhs() == Long.MIN_VALUE ? -INF : row.lhs(),
            row.rhs() == Long.MAX_VALUE ? INF : row.rhs());
      }
      if (p.maximize()) {
        mip.maximize();
      }
      Mip.Result r = mip.solve(params);
      if (best == null) {
        assertEquals(Mip.Status.INFEASIBLE, r.status(), label + " " + p);
        return false;
      }
      assertEquals(Mip.Status.OPTIMAL, r.status(), label + " " + p);
      assertEquals(best, r.objective(), 1e-6, label);
      long[] point = new long[n];
      for (int j = 0; j < n; j++) {
        point[j] = (long) r.value(x[j]);
      }
      assertTrue(p.feasible(point), label + " returned an infeasible point");
      assertEquals((long) best, p.objective(point), label);
      return true;
    }
  }

  @Test
  void agreesWithEnumeration() throws ScipUnavailableException {
    Random random = new Random(20240601);
    int feasible = 0;
    int count = 250;
    for (int k = 0; k < count; k++) {
      Problem p = Problem.random(random);
      if (check(p, Mip.Params.DEFAULT.withSeed(k % 5), "problem " + k)) {
        feasible++;
      }
    }
    // Both answers must be exercised for the comparison to mean anything.
    assertTrue(feasible >= 25 && count - feasible >= 25, feasible + " of " + count + " feasible");
  }

  /** Independent SCIP instances solving at the same time in four threads. */
  @Test
  void instancesSolveInParallel() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = 1000 + t;
        results.add(pool.submit(() -> {
          Random random = new Random(seed);
          int feasible = 0;
          for (int k = 0; k < 40; k++) {
            if (check(Problem.random(random), Mip.Params.DEFAULT, "thread " + seed + "/" + k)) {
              feasible++;
            }
          }
          return feasible;
        }));
      }
      for (Future<Integer> f : results) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** SCIP's concurrent solver, on two threads, gives the same optima. */
  @Test
  void concurrentSolverAgrees() throws ScipUnavailableException {
    Random random = new Random(99);
    for (int k = 0; k < 8; k++) {
      check(Problem.random(random), Mip.Params.DEFAULT.withThreads(2), "concurrent " + k);
    }
  }
}
