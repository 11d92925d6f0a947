package cimir.sim;

import cimir.dialect.hw.AddressMap;
import cimir.dialect.hw.HardwareModel;
import java.util.Arrays;

/**
 * One core's CIM unit, functionally (docs/design/meta-to-isa.md, 14): K macro groups of T
 * arrays, each group with T x columns int32 accumulators, each array in compute or memory
 * mode. Array `slot` is macro `slot mod T` of group `slot / T`; its weights are the bytes of
 * its part of the macro space, weight (row selection `r`, input `k`, column `j`) at byte
 * `r x rows x columns + k x columns + j`, a signed int8.
 */
final class CimUnit {
  /** The CIM_MVM flag of a grouped product, the only form cimir emits. */
  static final int GRP = 32;
  /** The CIM_SWITCH flag that switches to memory mode. */
  static final int TOM = 32;

  private final HardwareModel.Macro macro;
  private final int groups;
  private final int perGroup;
  private final long arrayBytes;
  private final int[][] acc;
  /** By group, the element columns CIM_CFG left active (all at reset). */
  private final boolean[][] active;
  private final boolean[] memoryMode;

  CimUnit(HardwareModel hw) {
    this.macro = hw.core().macro();
    this.groups = hw.core().macroGroups();
    this.perGroup = hw.core().macrosPerGroup();
    this.arrayBytes = AddressMap.of(hw).arrayBytes();
    this.acc = new int[groups][perGroup * macro.columns()];
    this.active = new boolean[groups][perGroup * macro.columns()];
    for (boolean[] a : active) {
      Arrays.fill(a, true);
    }
    this.memoryMode = new boolean[hw.core().macros()];
  }

  /**
   * CIM_MVM: group `first + i` (i < count) multiplies the `length` int8 inputs at `input +
   * i x step` by row selection `row` of its T arrays and adds into its accumulators.
   */
  void mvm(Memories mem, long input, int length, int row, int flags, int first, int count,
      int step) throws Fault {
    if (flags != GRP) {
      throw new Fault("CIM_MVM is implemented with the flag GRP alone, not with flags "
          + flags);
    }
    checkGroups(first, count);
    if (length < 0 || length > macro.rows()) {
      throw new Fault("the input length " + length + " is outside 0.." + macro.rows()
          + ", the rows of a macro");
    }
    if (row < 0 || row >= macro.rowSelect()) {
      throw new Fault("the row selection " + row + " is outside 0.." + (macro.rowSelect() - 1));
    }
    if (macro.weightBits() != 8) {
      throw new Fault("the functional simulator multiplies 8-bit weights, the macros hold "
          + macro.weightBits() + "-bit ones");
    }
    for (int g = first; g < first + count; g++) {
      for (int t = 0; t < perGroup; t++) {
        int slot = g * perGroup + t;
        if (memoryMode[slot]) {
          throw new Fault("array " + slot + " (macro " + t + " of macro group " + g
              + ") is in memory mode and holds no weights to multiply by");
        }
      }
    }
    byte[] weights = mem.macroSpace();
    int columns = macro.columns();
    long rowOffset = (long) row * macro.rows() * columns;
    for (int i = 0; i < count; i++) {
      int g = first + i;
      Memories.Span x = mem.local(input + (long) i * step, length,
          "the input of macro group " + g);
      int[] sums = acc[g];
      for (int t = 0; t < perGroup; t++) {
        int base = (int) ((g * perGroup + t) * arrayBytes + rowOffset);
        for (int j = 0; j < columns; j++) {
          if (!active[g][t * columns + j]) {
            continue;
          }
          int sum = 0;
          for (int k = 0; k < length; k++) {
            sum += x.bytes()[x.offset() + k] * weights[base + k * columns + j];
          }
          sums[t * columns + j] += sum;
        }
      }
    }
  }

  /**
   * CIM_OUT: group `first + i` (i < count) writes its first `n` accumulators as int32 to
   * `output + 4 i n` and clears all of them.
   */
  void out(Memories mem, int n, long output, int maskRegister, int flags, int first, int count)
      throws Fault {
    if (maskRegister != 0 || flags != 0) {
      throw new Fault("CIM_OUT is implemented without a column mask (mask register r0) and"
          + " without flags");
    }
    checkGroups(first, count);
    if (n < 0 || n > perGroup * macro.columns()) {
      throw new Fault("the output count " + n + " is outside 0.." + perGroup * macro.columns()
          + ", the accumulators of a macro group");
    }
    for (int i = 0; i < count; i++) {
      int g = first + i;
      Memories.Span out = mem.local(output + 4L * i * n, 4L * n,
          "the output of macro group " + g);
      for (int j = 0; j < n; j++) {
        LittleEndian.write(out.bytes(), out.offset() + 4 * j, 4, acc[g][j]);
      }
      Arrays.fill(acc[g], 0);
    }
  }

  /**
   * CIM_CFG: the element columns of group `group` (of every group when `broadcast`) active
   * in later products are the set bits of the mask at `mask`: bit `t x columns + j`, least
   * significant bit first in each byte, for column `j` of macro `t`. A product leaves an
   * inactive column's accumulator as it is.
   */
  void configure(Memories mem, int group, long mask, boolean broadcast) throws Fault {
    int bits = perGroup * macro.columns();
    if (!broadcast && (group < 0 || group >= groups)) {
      throw new Fault("macro group " + group + " is not among the core's groups 0.."
          + (groups - 1));
    }
    Memories.Span m = mem.local(mask, (bits + 7) / 8, "the column mask");
    boolean[] columns = new boolean[bits];
    for (int b = 0; b < bits; b++) {
      columns[b] = (m.bytes()[m.offset() + b / 8] >> (b % 8) & 1) != 0;
    }
    for (int g = broadcast ? 0 : group; g < (broadcast ? groups : group + 1); g++) {
      System.arraycopy(columns, 0, active[g], 0, bits);
    }
  }

  /** CIM_SWITCH: arrays `first .. first + count - 1` to memory mode or to compute mode. */
  void switchMode(int first, int count, int flags) throws Fault {
    boolean toMemory = (flags & TOM) != 0;
    if (first < 0 || count < 0 || (long) first + count > memoryMode.length) {
      throw new Fault("arrays " + first + " .. " + ((long) first + count - 1) + " are not all"
          + " among the core's arrays 0.." + (memoryMode.length - 1));
    }
    if (toMemory && !macro.dualMode()) {
      throw new Fault("the macros of this chip are not dual-mode, so no array can switch to"
          + " memory mode");
    }
    Arrays.fill(memoryMode, first, first + count, toMemory);
  }

  /** Groups `first .. first + count - 1` must exist, at least one (s9 and s4). */
  private void checkGroups(int first, int count) throws Fault {
    if (count <= 0) {
      throw new Fault("no macro group is active: special register 4 is " + count);
    }
    if (first < 0 || (long) first + count > groups) {
      throw new Fault("macro groups " + first + " .. " + ((long) first + count - 1)
          + " (special registers 9 and 4) are not all among the core's groups 0.."
          + (groups - 1));
    }
  }
}
