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

  /** Bytes that values leave free for the kernels' working buffers. */
  private long reserve;

  /**
   * Keeps `bytes` (at least a quarter of the core's local memory) free of values: the
   * kernels' working buffers cannot go to global memory, values can.
   */
  void reserve(long bytes) {
    long total = 0;
    for (Pool p : pools) {
      total += p.bytes();
    }
    reserve = Math.min(total, Math.max(bytes, total / 4));
  }

  /** A buffer for a value: as {@link #alloc}, but only while the reserve stays free. */
  Block allocValue(long bytes, String... prefer) {
    long total = 0;
    for (Pool p : pools) {
      total += p.bytes();
    }
    return used + bytes > total - reserve ? null : alloc(bytes, prefer);
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

  /** Whether buffers of all these sizes could be had now, any pools, first fit. */
  boolean fits(long... sizes) {
    List<TreeMap<Long, Long>> saved = new ArrayList<>();
    for (TreeMap<Long, Long> h : holes) {
      saved.add(new TreeMap<>(h));
    }
    long savedUsed = used;
    long savedPeak = peak;
    boolean ok = true;
    long[] sorted = sizes.clone();
    java.util.Arrays.sort(sorted);
    for (int i = sorted.length - 1; i >= 0; i--) {
      long size = sorted[i];
      if (size > 0 && allocBest(size) == null) {
        ok = false;
        break;
      }
    }
    holes.clear();
    holes.addAll(saved);
    used = savedUsed;
    peak = savedPeak;
    return ok;
  }

  /** A buffer of `bytes` in the smallest hole of any pool that holds it (best fit), or null. */
  Block allocBest(long bytes) {
    long size = Math.max(4, (bytes + 3) & ~3L);
    int bestPool = -1;
    long bestAt = 0;
    long bestLen = Long.MAX_VALUE;
    for (int p = 0; p < pools.size(); p++) {
      for (var hole : holes.get(p).entrySet()) {
        long len = hole.getValue() - hole.getKey();
        if (len >= size && len < bestLen) {
          bestPool = p;
          bestAt = hole.getKey();
          bestLen = len;
        }
      }
    }
    if (bestPool < 0) {
      return null;
    }
    TreeMap<Long, Long> free = holes.get(bestPool);
    long end = free.remove(bestAt);
    if (bestAt + size < end) {
      free.put(bestAt + size, end);
    }
    used += size;
    peak = Math.max(peak, used);
    return new Block(pools.get(bestPool), bestAt, size);
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

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int p = 0; p < pools.size(); p++) {
      b.append(pools.get(p).name()).append(holes.get(p)).append(' ');
    }
    return b.toString();
  }

  /** The end (exclusive) of the pool that holds address `addr`, or -1 when none does. */
  long poolEnd(long addr) {
    for (Pool p : pools) {
      if (addr >= p.base() && addr < p.base() + p.bytes()) {
        return p.base() + p.bytes();
      }
    }
    return -1;
  }

  /** Bytes in use now. */
  long used() {
    return used;
  }

  /** Bytes of all pools. */
  long total() {
    long total = 0;
    for (Pool p : pools) {
      total += p.bytes();
    }
    return total;
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
