package cimir.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The TAG signals a run has seen, which WAIT counts (both simulators): `TAG rs` signals sync
 * id `GRF[rs]`; `WAIT rs, rt, rd` blocks until id `GRF[rt]` has been signalled `GRF[rd]` times
 * by core `GRF[rs]`, or by any core when `GRF[rs]` is 0 (CIMFlow's ISA). Signals are counted,
 * never consumed.
 */
public final class Tags {
  private final Map<Long, List<Long>> byCore = new HashMap<>();
  private final Map<Integer, List<Long>> byId = new HashMap<>();

  /** Core `core` signals `id` at cycle `time`. */
  public void tag(int core, int id, long time) {
    byCore.computeIfAbsent(key(core, id), k -> new ArrayList<>()).add(time);
    byId.computeIfAbsent(id, k -> new ArrayList<>()).add(time);
  }

  /** Signals of `id` a WAIT on core `from` (0: any) counts so far. */
  public int seen(int from, int id) {
    return times(from, id).size();
  }

  /** The cycle of the `n`-th (1-based) of those signals in time order; -1 when fewer came. */
  public long nth(int from, int id, int n) {
    List<Long> t = new ArrayList<>(times(from, id));
    if (t.size() < n) {
      return -1;
    }
    Collections.sort(t);
    return n <= 0 ? 0 : t.get(n - 1);
  }

  /** A WAIT's source core exists (0: any) and its count is not negative. */
  public static void check(int from, int count, int cores) throws Fault {
    if (from < 0 || from >= cores) {
      throw new Fault("WAIT for a TAG from core " + from + ", which does not exist (cores 0.."
          + (cores - 1) + ", 0 for any)");
    }
    if (count < 0) {
      throw new Fault("WAIT for " + count + " signals");
    }
  }

  private List<Long> times(int from, int id) {
    List<Long> t = from == 0 ? byId.get(id) : byCore.get(key(from, id));
    return t == null ? List.of() : t;
  }

  private static long key(int core, int id) {
    return ((long) core << 32) | (id & 0xffffffffL);
  }

  /** `3 signals of TAG 5 from core 2 (1 seen)`, for a deadlock report. */
  public String waitsFor(int from, int id, int expected) {
    return expected + " signal" + (expected == 1 ? "" : "s") + " of TAG " + id + " from "
        + (from == 0 ? "any core" : "core " + from) + " (" + seen(from, id) + " seen)";
  }
}
