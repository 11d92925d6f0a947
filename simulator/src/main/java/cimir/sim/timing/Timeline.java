package cimir.sim.timing;

import java.util.Map;
import java.util.TreeMap;

/**
 * A resource that serves one request at a time, booked in intervals: a request takes the
 * earliest gap at or after the cycle it is ready, so a request booked later may run before
 * one booked earlier for a later time (the cores are simulated in order of their issue cycles,
 * but a stalled instruction books a late interval). Intervals that end before every future
 * request (`floor`) are forgotten.
 */
final class Timeline {
  /** Booked intervals `[start, end)`, by start, disjoint. */
  private final TreeMap<Long, Long> booked = new TreeMap<>();

  /** The earliest cycle at or after `earliest` from which `length` cycles are free. */
  long earliestFit(long earliest, long length) {
    long start = earliest;
    Map.Entry<Long, Long> before = booked.floorEntry(start);
    if (before != null && before.getValue() > start) {
      start = before.getValue();
    }
    for (Map.Entry<Long, Long> e : booked.tailMap(start, true).entrySet()) {
      if (e.getKey() >= start + length) {
        break;
      }
      start = e.getValue();
    }
    return start;
  }

  /**
   * Books `[start, start + length)`, which `earliestFit` found free; forgets the intervals that
   * end at or before `floor`, the earliest cycle any later request can be ready.
   */
  void book(long start, long length, long floor) {
    while (!booked.isEmpty() && booked.firstEntry().getValue() <= floor) {
      booked.pollFirstEntry();
    }
    if (length > 0) {
      booked.put(start, start + length);
    }
  }
}
