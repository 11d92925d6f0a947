package cimir.lowering.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactAllocatorTest {
  /** The combinatorial path against exhaustive enumeration, on every objective. */
  @Test
  void equalsBruteForceOnRandomProblems() {
    Random rnd = new Random(7);
    int solved = 0;
    int feasible = 0;
    for (int trial = 0; trial < 600; trial++) {
      StageProblem.Objective objective =
          StageProblem.Objective.values()[trial % 3];
      StageProblem p = StageProblems.random(rnd, 3, 6, objective, trial % 4 != 0, trial % 2 == 0);
      double expected = StageProblems.bruteForce(p);
      Optional<Allocated> got = ExactAllocator.solve(p);
      assertTrue(got.isPresent(), "trial " + trial + ": the covering search gave up");
      solved += fanOut(p) ? 1 : 0;
      String what = "trial " + trial + " " + objective;
      if (Double.isInfinite(expected)) {
        assertTrue(!got.get().feasible(), what + ": nothing fits, yet " + got.get());
      } else {
        feasible++;
        assertTrue(got.get().feasible(), what + ": infeasible, brute force " + expected);
        assertEquals(expected, got.get().objective(), 1e-9 * Math.max(1, expected), what);
        assertEquals(got.get().objective(), p.evaluate(got.get().choice()).objective(), 0);
      }
    }
    assertTrue(solved >= 250, "only " + solved + " problems had a fan-out");
    assertTrue(feasible >= 300, "only " + feasible + " problems had an allocation");
  }

  /** Whether some operator feeds several consumers that may need buffers. */
  static boolean fanOut(StageProblem p) {
    return p.successors().stream().anyMatch(s -> s.stream()
        .filter(c -> p.ops().get(c).bytes() > 0).count() > 1);
  }

  /**
   * A chain of two convolutions, worked by hand. Chip: 2 cores of 2 arrays, OP_cim 2,
   * D_main 1, no dual mode. Convolution A: a=1, w=100, b=10; B: a=2, w=400, b=10. Batch 1, no
   * loads. Operators take whole cores, so each gets one: A may hold 2 copies, B only 1.
   * Periods: B alone takes 400 / (2 x 2) = 100 cycles; A takes 100/2 = 50 with one copy. The
   * memory roof 10/1 = 10 cycles is below. So the optimum is 100 cycles, B with one copy.
   */
  @Test
  void handWorkedChain() {
    StageProblem.Chip chip = new StageProblem.Chip(2, 2, 2, 1, 1, 1, false, 0, 0, 0);
    StageProblem p = new StageProblem(List.of(
        new StageProblem.Item("A", StageProblem.Use.WEIGHTS, 1, 100, 10, 0, 0, 0),
        new StageProblem.Item("B", StageProblem.Use.WEIGHTS, 2, 400, 10, 0, 0, 0)),
        List.of(new int[] {0, 1}), chip, 1, StageProblem.Objective.LATENCY, 0, true, 0, 0);
    Allocated a = ExactAllocator.solve(p).orElseThrow();
    assertEquals(100, a.objective(), 1e-9);
    assertEquals(1, a.choice().copies()[1]);
  }
}
