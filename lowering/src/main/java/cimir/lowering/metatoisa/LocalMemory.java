package cimir.lowering.metatoisa;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One core's local memories during one stage: first-fit allocation with freeing, over named
 * pools (the input, output and weight memories, and the arrays in memory mode). A request
 * names the pools it prefers, in order; a buffer is 4-byte aligned so that int32 vectors
 * are.
 */
final class LocalMemory {
  /** A memory of a core: its name, first address and size. */
  record Pool(String name, long base, long bytes) {}

  /** A buffer: where it is and how large. */
  record Block(Pool pool, long addr, long bytes) {}

  private final List<Pool> pools = new ArrayList<>();
  /** Per pool, the free ranges: start to end (exclusive). */
  private final List<TreeMap<Long, Long>> holes = new ArrayList<>();
  private long peak;
  private long used;

  void add(Pool pool) {
    if (pool.bytes() <= 0) {
      return;
    }
    pools.add(pool);
    TreeMap<Long, Long> free = new TreeMap<>();
    free.put(pool.base(), pool.base() + pool.bytes());
    holes.add(free);
  }

  /** A buffer of `bytes` in the first of the named pools with room, or null. */
  Block alloc(long bytes, String... prefer) {
    long size = Math.max(4, (bytes + 3) & ~3L);
    for (String name : prefer) {
      for (int p = 0; p < pools.size(); p++) {
        if (!pools.get(p).name().equals(name)) {
          continue;
        }
        TreeMap<Long, Long> free = holes.get(p);
        for (var hole : free.entrySet()) {
          if (hole.getValue() - hole.getKey() >= size) {
            long at = hole.getKey();
            long end = hole.getValue();
            free.remove(at);
            if (at + size < end) {
              free.put(at + size, end);
            }
            used += size;
            peak = Math.max(peak, used);
            return new Block(pools.get(p), at, size);
          }
        }
      }
    }
    return null;
  }

  void free(Block b) {
    TreeMap<Long, Long> free = holes.get(pools.indexOf(b.pool()));
    long start = b.addr();
    long end = b.addr() + b.bytes();
    var before = free.floorEntry(start);
    if (before != null && before.getValue() == start) {
      start = before.getKey();
      free.remove(before.getKey());
    }
    Long after = free.get(end);
    if (after != null) {
      free.remove(end);
      end = after;
    }
    free.put(start, end);
    used -= b.bytes();
  }

  /** The most bytes in use at once. */
  long peak() {
    return peak;
  }

  /** The largest pool among `names`, for messages. */
  long largest(String... names) {
    long best = 0;
    for (Pool p : pools) {
      if (List.of(names).contains(p.name())) {
        best = Math.max(best, p.bytes());
      }
    }
    return best;
  }
}
