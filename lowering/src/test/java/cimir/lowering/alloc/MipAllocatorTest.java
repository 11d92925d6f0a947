package cimir.lowering.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MipAllocatorTest {
  private static final double TOLERANCE = 1e-5;

  /** SCIP's optimum against exhaustive enumeration, on every objective. */
  @Test
  void equalsBruteForceOnRandomProblems() {
    Random rnd = new Random(3);
    MipAllocator mip = new MipAllocator(Double.POSITIVE_INFINITY);
    int feasible = 0;
    for (int trial = 0; trial < 240; trial++) {
      StageProblem.Objective objective = StageProblem.Objective.values()[trial % 3];
      StageProblem p = StageProblems.random(rnd, 3, 6, objective, trial % 4 != 0);
      double expected = StageProblems.bruteForce(p);
      Allocated got = mip.solve(p);
      String what = "trial " + trial + " " + objective;
      if (Double.isInfinite(expected)) {
        assertTrue(!got.feasible(), what + ": nothing fits, yet " + got);
        continue;
      }
      feasible++;
      assertEquals(Allocated.Status.OPTIMAL, got.status(), what);
      assertEquals(expected, got.objective(), TOLERANCE * Math.max(1, expected), what);
    }
    assertTrue(feasible >= 120, "only " + feasible + " problems had an allocation");
  }

  /**
   * The exact combinatorial path equals SCIP on larger random problems than brute force can
   * take (up to 6 operators, 40 arrays).
   */
  @Test
  void exactPathEqualsScip() {
    Random rnd = new Random(5);
    MipAllocator mip = new MipAllocator(Double.POSITIVE_INFINITY);
    int compared = 0;
    int fanOuts = 0;
    for (int trial = 0; trial < 300; trial++) {
      StageProblem.Objective objective = StageProblem.Objective.values()[trial % 3];
      StageProblem p = StageProblems.random(rnd, 6, 40, objective, trial % 3 != 0,
          trial % 2 == 0);
      Optional<Allocated> exact = ExactAllocator.solve(p);
      assertTrue(exact.isPresent(), "trial " + trial + ": the covering search gave up");
      fanOuts += ExactAllocatorTest.fanOut(p) ? 1 : 0;
      Allocated scip = mip.solve(p);
      String what = "trial " + trial + " " + objective;
      assertEquals(exact.get().feasible(), scip.feasible(), what);
      if (scip.feasible()) {
        compared++;
        assertEquals(scip.objective(), exact.get().objective(),
            TOLERANCE * Math.max(1, scip.objective()), what);
      }
    }
    assertTrue(compared >= 120, "only " + compared + " problems compared");
    assertTrue(fanOuts >= 140, "only " + fanOuts + " problems had a fan-out");
  }
}
