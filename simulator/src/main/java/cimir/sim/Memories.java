package cimir.sim;

import cimir.dialect.hw.AddressMap;
import java.util.List;

/**
 * What one core addresses: its local memories at the places the address map gives them (the
 * macro space, the weight, input and output memories, the input register buffer), and the
 * global memory every core shares, from `AddressMap.global()` on. A range of bytes must lie
 * inside one memory; the gap between the buffer and global memory belongs to none. Local
 * memories start zeroed and are allocated at their first use, so idle cores cost nothing.
 */
public final class Memories {
  /** Where a range of bytes lives: `length` bytes of `bytes` from `offset`. */
  record Span(byte[] bytes, int offset, int length) {}

  /** One local memory; its bytes exist from the first access on. */
  private static final class Region {
    final String name;
    final long base;
    final long size;
    byte[] bytes;

    Region(String name, long base, long size) {
      this.name = name;
      this.base = base;
      this.size = size;
    }

    boolean holds(long addr, long n) {
      return addr >= base && addr + n <= base + size;
    }

    byte[] bytes() {
      if (bytes == null) {
        bytes = new byte[(int) size];
      }
      return bytes;
    }
  }

  private final List<Region> local;
  private final Region macro;
  private final long globalBase;
  private final byte[] global;
  private final long globalBytes;

  /**
   * The address space alone, for checking ranges without data (the timing simulator). Its
   * global memory has no end, as the functional simulator's ends only where the program's
   * memory image does: the lowering does not yet hold a program to the chip's global capacity
   * (the LLaMA decode block on the cimflow preset reaches past its 32 MiB).
   */
  public static Memories layout(AddressMap map) {
    return new Memories(map, null, Long.MAX_VALUE / 2);
  }

  Memories(AddressMap map, byte[] global) {
    this(map, global, global.length);
  }

  private Memories(AddressMap map, byte[] global, long globalBytes) {
    this.macro = new Region("macro space", map.macro(), map.arrays() * map.arrayBytes());
    this.local = List.of(macro, new Region("weight memory", map.wmem(), map.wmemBytes()),
        new Region("input memory", map.imem(), map.imemBytes()),
        new Region("output memory", map.omem(), map.omemBytes()),
        new Region("input register buffer", map.ibuf(), AddressMap.IBUF_BYTES));
    this.globalBase = map.global();
    this.global = global;
    this.globalBytes = globalBytes;
  }

  /** The macro space's bytes: array `slot`'s at `slot x arrayBytes`. */
  byte[] macroSpace() {
    return macro.bytes();
  }

  boolean isGlobal(long addr) {
    return addr >= globalBase;
  }

  /** `n` bytes at `addr` in a local memory; `what` names the operand in a fault. */
  Span local(long addr, long n, String what) throws Fault {
    Region r = localRegion(addr, n, what);
    return new Span(r.bytes(), (int) (addr - r.base), (int) n);
  }

  private Region localRegion(long addr, long n, String what) throws Fault {
    checkSize(n, what);
    if (isGlobal(addr)) {
      throw new Fault(what + " " + range(addr, n) + " is in global memory, which this"
          + " operand cannot address");
    }
    for (Region r : local) {
      if (r.holds(addr, n)) {
        return r;
      }
    }
    throw new Fault(what + " " + range(addr, n) + " lies in no local memory" + near(addr));
  }

  /** `n` bytes at `addr` in global memory. */
  Span global(long addr, long n, String what) throws Fault {
    checkGlobal(addr, n, what);
    return new Span(global, (int) (addr - globalBase), (int) n);
  }

  private void checkGlobal(long addr, long n, String what) throws Fault {
    checkSize(n, what);
    if (!isGlobal(addr)) {
      throw new Fault(what + " " + range(addr, n) + " is not in global memory, which starts at "
          + globalBase);
    }
    if (addr + n > globalBase + globalBytes) {
      throw new Fault(what + " " + range(addr, n) + " runs past the end of global memory ("
          + (globalBase + globalBytes) + ")");
    }
  }

  /**
   * Faults as `local` (or `global`, when `global` is true) would on `n` bytes at `addr`,
   * touching no data.
   */
  public void check(long addr, long n, boolean global, String what) throws Fault {
    if (global) {
      checkGlobal(addr, n, what);
    } else {
      localRegion(addr, n, what);
    }
  }

  /** `n` bytes at `addr`, global memory when `addr` is at or after its start. */
  Span any(long addr, long n, String what) throws Fault {
    return isGlobal(addr) ? global(addr, n, what) : local(addr, n, what);
  }

  private static void checkSize(long n, String what) throws Fault {
    if (n < 0 || n > Integer.MAX_VALUE) {
      throw new Fault(what + " has a size of " + n + " bytes");
    }
  }

  /** ` (it runs past the end of the input memory [786432, 1048576))`, or nothing. */
  private String near(long addr) {
    for (Region r : local) {
      if (addr >= r.base && addr < r.base + r.size) {
        return " (it runs past the end of the " + r.name + " " + range(r.base, r.size) + ")";
      }
    }
    return "";
  }

  /** `[a, b)`. */
  static String range(long addr, long n) {
    return "[" + addr + ", " + (addr + n) + ")";
  }
}
