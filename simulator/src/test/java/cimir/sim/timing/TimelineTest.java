package cimir.sim.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Interval bookings against a brute-force calendar of busy cycles. */
class TimelineTest {
  @Test
  void aRequestTakesTheFirstGapThatHoldsIt() {
    Timeline t = new Timeline();
    t.book(10, 5, 0); // 10..14
    t.book(15, 5, 0); // 15..19, adjacent
    t.book(25, 5, 0); // 25..29
    assertEquals(0, t.earliestFit(0, 10));
    assertEquals(30, t.earliestFit(0, 11));
    assertEquals(20, t.earliestFit(12, 5));
    assertEquals(30, t.earliestFit(12, 6));
    assertEquals(20, t.earliestFit(15, 1));
  }

  /** Random requests never overlap and start at the first cycle from which they fit. */
  @Test
  void bookingsMatchABruteForceCalendar() {
    Random random = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      Timeline t = new Timeline();
      boolean[] busy = new boolean[4000];
      for (int i = 0; i < 40; i++) {
        long earliest = random.nextInt(200);
        int length = 1 + random.nextInt(20);
        long start = t.earliestFit(earliest, length);
        long expected = earliest;
        while (!free(busy, expected, length)) {
          expected++;
        }
        assertEquals(expected, start);
        for (long c = start; c < start + length; c++) {
          assertTrue(!busy[(int) c]);
          busy[(int) c] = true;
        }
        t.book(start, length, 0);
      }
    }
  }

  private static boolean free(boolean[] busy, long start, int length) {
    for (long c = start; c < start + length; c++) {
      if (busy[(int) c]) {
        return false;
      }
    }
    return true;
  }
}
