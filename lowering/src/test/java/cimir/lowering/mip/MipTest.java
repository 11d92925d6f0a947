package cimir.lowering.mip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Small problems whose answers are worked out by hand in the comments, and the limits. */
class MipTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double EPS = 1e-6;

  @Test
  void version() throws ScipUnavailableException {
    assertEquals(10, Mip.scipMajorVersion());
    assertTrue(Mip.scipVersion().startsWith("10."), Mip.scipVersion());
  }

  /**
   * max x + y, 2x + y <= 4, x + 2y <= 4, x, y >= 0. Twice the first minus the second, both
   * tight: 3x = 4, so x = 4/3 and y = 4 - 2x = 4/3, objective 8/3; the other vertices (2, 0)
   * and (0, 2) give 2.
   */
  @Test
  void linearProgramHasTheFractionalVertex() throws ScipUnavailableException {
    try (Mip mip = Mip.create("lp")) {
      Mip.Var x = mip.continuousVar("x", 0, INF, 1);
      Mip.Var y = mip.continuousVar("y", 0, INF, 1);
      mip.addLinear("a", new Mip.Var[] {x, y}, new double[] {2, 1}, -INF, 4);
      mip.addLinear("b", new Mip.Var[] {x, y}, new double[] {1, 2}, -INF, 4);
      mip.maximize();
      Mip.Result r = mip.solve(Mip.Params.DEFAULT);
      assertEquals(Mip.Status.OPTIMAL, r.status());
      assertEquals(8.0 / 3, r.objective(), EPS);
      assertEquals(4.0 / 3, r.value(x), EPS);
      assertEquals(4.0 / 3, r.value(y), EPS);
      assertEquals(8.0 / 3, r.dualBound(), EPS);
      assertEquals(0, r.gap(), EPS);
    }
  }

  /**
   * The same with integer x, y: x + y = 3 needs (0, 3), (1, 2), (2, 1) or (3, 0), which break
   * x + 2y <= 4 (6, 5) or 2x + y <= 4 (5, 6); x + y = 2 is reached by (1, 1): 3 <= 4, 3 <= 4.
   * With and without presolve.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void integerProgramLosesTheFraction(boolean presolve) throws ScipUnavailableException {
    try (Mip mip = Mip.create("ip")) {
      Mip.Var x = mip.intVar("x", 0, INF, 1);
      Mip.Var y = mip.intVar("y", 0, INF, 1);
      mip.addLinear("a", new Mip.Var[] {x, y}, new double[] {2, 1}, -INF, 4);
      mip.addLinear("b", new Mip.Var[] {x, y}, new double[] {1, 2}, -INF, 4);
      mip.maximize();
      Mip.Result r = mip.solve(Mip.Params.DEFAULT.withPresolve(presolve));
      assertEquals(Mip.Status.OPTIMAL, r.status());
      assertEquals(2, r.objective(), EPS);
      assertEquals(2, r.value(x) + r.value(y), EPS);
      assertTrue(2 * r.value(x) + r.value(y) <= 4 && r.value(x) + 2 * r.value(y) <= 4);
    }
  }

  /**
   * min 2x + 3y, x + y >= 2.5, x - y <= 1, x integer, y >= 0 real. x is the cheaper unit, but
   * y >= max(2.5 - x, x - 1): x = 0 costs 3 * 2.5 = 7.5; x = 1 costs 2 + 3 * 1.5 = 6.5; x = 2
   * costs 4 + 3 * 1 = 7; x = 3 costs 6 + 3 * 2 = 12. The optimum is x = 1, y = 1.5, cost 6.5
   * (the LP relaxation would take x = 1.75, y = 0.75 for 5.75).
   */
  @Test
  void mixedProgram() throws ScipUnavailableException {
    try (Mip mip = Mip.create()) {
      Mip.Var x = mip.intVar("x", 0, 10, 2);
      Mip.Var y = mip.continuousVar("y", 0, INF, 3);
      Map<Mip.Var, Double> cover = new LinkedHashMap<>();
      cover.put(x, 1.0);
      cover.put(y, 1.0);
      mip.addLinear("cover", cover, 2.5, INF);
      mip.addLinear("link", new Mip.Var[] {x, y}, new double[] {1, -1}, -INF, 1);
      mip.minimize();
      Mip.Result r = mip.solve(Mip.Params.DEFAULT);
      assertEquals(Mip.Status.OPTIMAL, r.status());
      assertEquals(6.5, r.objective(), EPS);
      assertEquals(1, r.value(x));
      assertEquals(1.5, r.value(y), EPS);
    }
  }

  /**
   * Knapsack of capacity 9 over (value, weight) (10, 4), (13, 6), (7, 3): {1, 2} weighs 10; {1,
   * 3} gives 17 for 7; {2, 3} gives 20 for 9, the best.
   */
  @Test
  void binaryKnapsack() throws ScipUnavailableException {
    try (Mip mip = Mip.create()) {
      Mip.Var a = mip.binaryVar("a", 10);
      Mip.Var b = mip.binaryVar("b", 13);
      Mip.Var c = mip.binaryVar("c", 7);
      mip.addLinear("weight", new Mip.Var[] {a, b, c}, new double[] {4, 6, 3}, -INF, 9);
      mip.maximize();
      Mip.Result r = mip.solve(Mip.Params.DEFAULT);
      assertEquals(Mip.Status.OPTIMAL, r.status());
      assertEquals(20, r.objective(), EPS);
      assertEquals(0, r.value(a));
      assertEquals(1, r.value(b));
      assertEquals(1, r.value(c));
      assertEquals(Mip.Type.BINARY, a.type());
    }
  }

  /** 2x = 3 has the real solution 1.5 but no integer one. */
  @Test
  void infeasibleByIntegrality() throws ScipUnavailableException {
    try (Mip mip = Mip.create()) {
      Mip.Var x = mip.intVar("x", 0, 3, 1);
      mip.addLinear("odd", new Mip.Var[] {x}, new double[] {2}, 3, 3);
      Mip.Result r = mip.solve(Mip.Params.DEFAULT);
      assertEquals(Mip.Status.INFEASIBLE, r.status());
      assertFalse(r.hasSolution());
      assertThrows(IllegalStateException.class, r::objective);
      assertEquals(INF, r.dualBound());
    }
  }

  @Test
  void infeasibleLinearProgram() throws ScipUnavailableException {
    try (Mip mip = Mip.create()) {
      Mip.Var x = mip.continuousVar("x", 0, INF, 1);
      Mip.Var y = mip.continuousVar("y", 0, INF, 1);
      mip.addLinear("atLeast5", new Mip.Var[] {x, y}, new double[] {1, 1}, 5, INF);
      mip.addLinear("atMost3", new Mip.Var[] {x, y}, new double[] {1, 1}, -INF, 3);
      assertEquals(Mip.Status.INFEASIBLE, mip.solve(Mip.Params.DEFAULT).status());
    }
  }

  /** min -x with x <= 3 + y and y unbounded above: x = y = t is feasible for every t. */
  @Test
  void unbounded() throws ScipUnavailableException {
    try (Mip mip = Mip.create()) {
      Mip.Var x = mip.continuousVar("x", 0, INF, -1);
      Mip.Var y = mip.intVar("y", 0, INF, 0);
      mip.addLinear("c", new Mip.Var[] {x, y}, new double[] {1, -1}, -INF, 3);
      Mip.Result r = mip.solve(Mip.Params.DEFAULT);
      assertEquals(Mip.Status.UNBOUNDED, r.status());
      assertEquals(Double.NEGATIVE_INFINITY, r.dualBound());
    }
  }

  /** Equal-sum market split: tiny, but far beyond 0.01 s for LP-based branch and bound. */
  @Test
  void timeLimitWithoutSolution() throws ScipUnavailableException {
    Random random = new Random(7);
    int n = 30;
    try (Mip mip = Mip.create("market-split")) {
      Mip.Var[] x = new Mip.Var[n];
      for (int j = 0; j < n; j++) {
        x[j] = mip.binaryVar("x" + j, 0);
      }
      for (int i = 0; i < 4; i++) {
        double[] a = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
          a[j] = random.nextInt(100);
          sum += a[j];
        }
        double half = Math.floor(sum / 2);
        mip.addLinear("split" + i, x, a, half, half);
      }
      long start = System.nanoTime();
      Mip.Result r = mip.solve(Mip.Params.DEFAULT.withTimeLimit(0.01));
      double wall = (System.nanoTime() - start) / 1e9;
      assertEquals(Mip.Status.TIME_LIMIT, r.status());
      assertTrue(wall < 2, "returned after " + wall + " s");
    }
  }

  /**
   * A 300-item, 20-constraint knapsack stopped after 0.05 s: TIME_LIMIT, and whatever solution it
   * has (heuristics find one early) fits every capacity and is below the dual bound.
   */
  @Test
  void timeLimitWithSolution() throws ScipUnavailableException {
    Random random = new Random(11);
    int n = 300;
    int m = 20;
    double[][] w = new double[m][n];
    double[] capacity = new double[m];
    try (Mip mip = Mip.create("knapsack")) {
      Mip.Var[] x = new Mip.Var[n];
      for (int j = 0; j < n; j++) {
        x[j] = mip.binaryVar("x" + j, 1 + random.nextInt(1000));
      }
      for (int i = 0; i < m; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
          w[i][j] = 1 + random.nextInt(1000);
          sum += w[i][j];
        }
        capacity[i] = Math.floor(sum / 4);
        mip.addLinear("cap" + i, x, w[i], -INF, capacity[i]);
      }
      mip.maximize();
      Mip.Result r = mip.solve(Mip.Params.DEFAULT.withTimeLimit(0.05));
      assertEquals(Mip.Status.TIME_LIMIT, r.status());
      if (r.hasSolution()) {
        for (int i = 0; i < m; i++) {
          double load = 0;
          for (int j = 0; j < n; j++) {
            load += w[i][j] * r.value(x[j]);
          }
          assertTrue(load <= capacity[i] + EPS, "capacity " + i);
        }
        assertTrue(r.objective() <= r.dualBound() + EPS);
      }
    }
  }

  /** With a 5 % gap allowed, the answer is within 5 % of the dual bound (or optimal). */
  @Test
  void gapLimit() throws ScipUnavailableException {
    Random random = new Random(1);
    int n = 40;
    try (Mip mip = Mip.create()) {
      Mip.Var[] x = new Mip.Var[n];
      for (int j = 0; j < n; j++) {
        x[j] = mip.binaryVar("x" + j, 10 + random.nextInt(90));
      }
      for (int i = 0; i < 5; i++) {
        double[] w = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
          w[j] = 5 + random.nextInt(95);
          sum += w[j];
        }
        mip.addLinear("cap" + i, x, w, -INF, Math.floor(sum / 2));
      }
      mip.maximize();
      Mip.Result r = mip.solve(Mip.Params.DEFAULT.withGap(0.05));
      assertTrue(r.status() == Mip.Status.GAP_LIMIT || r.status() == Mip.Status.OPTIMAL,
          r.toString());
      assertTrue(r.gap() <= 0.05, r.toString());
      assertTrue(r.objective() >= r.dualBound() / 1.05 - EPS, r.toString());
    }
  }

  @Test
  void resultsOutliveTheProblemAndProblemsRejectMisuse() throws ScipUnavailableException {
    Mip mip = Mip.create();
    Mip.Var x = mip.intVar("x", -2, 5, 1);
    Mip.Result r;
    try (Mip other = Mip.create()) {
      Mip.Var foreign = other.intVar("f", 0, 1, 0);
      assertThrows(IllegalArgumentException.class,
          () -> mip.addLinear("c", new Mip.Var[] {foreign}, new double[] {1}, 0, 1));
      assertThrows(IllegalArgumentException.class, () -> mip.intVar("bad", 3, 2, 0));
      assertThrows(IllegalArgumentException.class,
          () -> mip.addLinear("c", new Mip.Var[] {x}, new double[] {1}, 2, 1));
      assertThrows(IllegalArgumentException.class,
          () -> mip.addLinear("c", new Mip.Var[] {x}, new double[] {1, 2}, 0, 1));
      r = mip.solve(Mip.Params.DEFAULT);
      assertThrows(IllegalStateException.class, () -> mip.intVar("late", 0, 1, 0));
      assertThrows(IllegalStateException.class, () -> mip.solve(Mip.Params.DEFAULT));
      assertThrows(IllegalArgumentException.class, () -> r.value(foreign));
    } finally {
      mip.close();
    }
    mip.close(); // twice is fine
    assertThrows(IllegalStateException.class, mip::minimize);
    assertEquals(Mip.Status.OPTIMAL, r.status());
    assertEquals(-2, r.value(x)); // min x over [-2, 5]
    assertEquals(-2, r.objective(), EPS);
  }

  @Test
  void paramsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> Mip.Params.DEFAULT.withTimeLimit(0));
    assertThrows(IllegalArgumentException.class, () -> Mip.Params.DEFAULT.withGap(-1));
    assertThrows(IllegalArgumentException.class, () -> Mip.Params.DEFAULT.withThreads(0));
    assertThrows(IllegalArgumentException.class, () -> Mip.Params.DEFAULT.withSeed(-1));
  }

  @Test
  void failedCallsNameTheFunctionAndTheCode() {
    ScipException e = assertThrows(ScipException.class, () -> ScipLibrary.check(-6, "SCIPsolve"));
    assertEquals("SCIPsolve failed: SCIP_LPERROR (-6)", e.getMessage());
    assertEquals(-6, e.retcode());
    ScipLibrary.check(1, "SCIPsolve");
  }
}
