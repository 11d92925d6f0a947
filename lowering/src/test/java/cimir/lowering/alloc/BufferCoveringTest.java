package cimir.lowering.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferCoveringTest {
  /** The search against enumeration of every y up to the largest need, on random DAGs. */
  @Test
  void equalsEnumerationOnRandomDags() {
    Random rnd = new Random(11);
    int fanOuts = 0;
    for (int trial = 0; trial < 400; trial++) {
      int n = 1 + rnd.nextInt(6);
      List<List<Integer>> pred = new ArrayList<>();
      List<List<Integer>> succ = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pred.add(new ArrayList<>());
        succ.add(new ArrayList<>());
      }
      for (int i = 1; i < n; i++) {
        for (int p = 0; p < i; p++) {
          if (rnd.nextInt(2) == 0) {
            pred.get(i).add(p);
            succ.get(p).add(i);
          }
        }
      }
      long[] r = new long[n];
      for (int i = 0; i < n; i++) {
        r[i] = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(5);
      }
      long[] y = BufferCovering.solve(r, pred, succ, 1_000_000);
      assertNotNull(y);
      for (int i = 0; i < n; i++) {
        long fed = y[i];
        for (int p : pred.get(i)) {
          fed += y[p];
        }
        assertTrue(fed >= r[i], "trial " + trial + ": row " + i + " uncovered");
      }
      assertEquals(enumerate(r, pred, new long[n], 0), sum(y), "trial " + trial);
      for (int i = 0; i < n; i++) {
        fanOuts += succ.get(i).stream().filter(c -> r[c] > 0).count() > 1 ? 1 : 0;
      }
    }
    assertTrue(fanOuts >= 100, "only " + fanOuts + " fan-outs");
  }

  /**
   * A residual branch worked by hand: x feeds a and b, both feed c. Needs x 0, a 3, b 3, c 4.
   * The greedy gives y = (0, 3, 3, 0) = 6. One array on x's output serves both branches, which
   * then need 2 each, and those 4 also meet c: y = (1, 2, 2, 0), 5 arrays. (y_x = 2 leaves c
   * short: 2 + 1 + 1 + 2 = 6; y_x = 3 leaves c with nothing from a and b: 3 + 4 = 7.)
   */
  @Test
  void residualBranch() {
    List<List<Integer>> pred = List.of(List.of(), List.of(0), List.of(0), List.of(1, 2));
    List<List<Integer>> succ = List.of(List.of(1, 2), List.of(3), List.of(3), List.of());
    long[] y = BufferCovering.solve(new long[] {0, 3, 3, 4}, pred, succ, 1000);
    assertEquals(5, sum(y));
    assertArrayEquals(new long[] {1, 2, 2, 0}, y);
  }

  @Test
  void givesUpPastItsBudget() {
    List<List<Integer>> pred = List.of(List.of(), List.of(0), List.of(0));
    List<List<Integer>> succ = List.of(List.of(1, 2), List.of(), List.of());
    assertNull(BufferCovering.solve(new long[] {0, 50, 50}, pred, succ, 3));
  }

  private static long enumerate(long[] r, List<List<Integer>> pred, long[] y, int i) {
    int n = r.length;
    if (i == n) {
      for (int j = 0; j < n; j++) {
        long fed = y[j];
        for (int p : pred.get(j)) {
          fed += y[p];
        }
        if (fed < r[j]) {
          return Long.MAX_VALUE;
        }
      }
      return sum(y);
    }
    long best = Long.MAX_VALUE;
    for (long v = 0; v <= 4; v++) {
      y[i] = v;
      best = Math.min(best, enumerate(r, pred, y, i + 1));
    }
    y[i] = 0;
    return best;
  }

  private static long sum(long[] y) {
    long s = 0;
    for (long v : y) {
      s += v;
    }
    return s;
  }
}
