package cimir.sim.timing;

import cimir.dialect.isa.Field;
import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import cimir.sim.Fault;
import cimir.sim.Memories;
import cimir.sim.Scalar;
import java.util.ArrayList;
import java.util.List;

/**
 * One core of the timing simulator: its registers and PC, run exactly so that addresses,
 * lengths and branches are right; when each unit and register is free; the memory ranges of
 * unfinished instructions (the range scoreboard). Memory contents are not modelled: a load
 * (SC_LD, SC_LDG) yields 0, which cimir's lowering never relies on (it emits no loads).
 */
final class TimingCore {
  /**
   * An instruction with its field values as ints, its unit (null for a branch, which resolves
   * at decode) and the registers it reads and writes.
   */
  record Op(Instruction kind, int[] f, IsaInst source, Unit unit, int[] grfReads,
      int[] grfWrites, int[] srfReads, int[] srfWrites) {}

  /** Bytes `[start, end)` an unfinished instruction reads or writes until cycle `until`. */
  record Access(long start, long end, boolean write, long until) {}

  /** What a blocked core waits for; `ready` is the cycle the instruction could issue. */
  sealed interface Wait permits SendWait, RecvWait, BarrierWait, TagWait {}

  record SendWait(int to, int id, long src, long dst, int bytes, long ready) implements Wait {}

  record RecvWait(int from, int id, long dst, int bytes, long ready) implements Wait {}

  record BarrierWait(int id, int count, long ready) implements Wait {}

  record TagWait(int from, int id, int count, long ready) implements Wait {}

  private static final int REGISTERS = 32;
  private static final int MAX_RANGES = 8;

  final int id;
  final Op[] code;
  final int[] grf = new int[REGISTERS];
  final int[] srf = new int[REGISTERS];
  private final long[] grfReady = new long[REGISTERS];
  private final long[] srfReady = new long[REGISTERS];
  private final long[] unitFree = new long[Unit.values().length];
  private final List<Access> pending = new ArrayList<>();
  /** The ranges of the instruction being issued. */
  private final long[] rangeStart = new long[MAX_RANGES];
  private final long[] rangeEnd = new long[MAX_RANGES];
  private final boolean[] rangeWrite = new boolean[MAX_RANGES];
  private int ranges;
  int pc;
  /** The first cycle the next instruction may issue. */
  long time;
  /** The last cycle any unit of the core is busy. */
  long lastEnd;
  long executed;
  /** Per PC, the operator the instruction belongs to (-1: none); null when not attributed. */
  int[] operator;
  /** The issue and end cycles of the last instruction retired. */
  long retiredIssue;
  long retiredEnd;
  /** The cycle after the previous instruction issued (for the operators' own cycles). */
  long previousIssue;
  /** Barriers passed: the stage the core is in. */
  int stage;
  Wait wait;
  /**
   * Per macro group, the end of its last product and of its last control instruction: the
   * CIM unit and the CIM control unit run concurrently on different groups, in order on one.
   */
  private final long[] mvmEnd;
  private final long[] controlEnd;
  private final int macrosPerGroup;
  /** The macro groups `[groupFirst, groupEnd)` of the CIM instruction being issued. */
  int groupFirst;
  int groupEnd;

  TimingCore(int id, List<IsaInst> program, int groups, int macrosPerGroup) {
    this.id = id;
    this.mvmEnd = new long[groups];
    this.controlEnd = new long[groups];
    this.macrosPerGroup = macrosPerGroup;
    this.code = new Op[program.size()];
    for (int i = 0; i < code.length; i++) {
      code[i] = decode(program.get(i));
    }
  }

  boolean ended() {
    return pc >= code.length;
  }

  boolean runnable() {
    return !ended() && wait == null;
  }

  /** An address: `base` read as unsigned 32 bits, plus `offset`. */
  static long address(int base, long offset) {
    return Integer.toUnsignedLong(base) + offset;
  }

  /** Forgets the ranges of the previous instruction. */
  void clearRanges() {
    ranges = 0;
  }

  void read(long start, long bytes) {
    addRange(start, bytes, false);
  }

  void write(long start, long bytes) {
    addRange(start, bytes, true);
  }

  private void addRange(long start, long bytes, boolean write) {
    if (bytes <= 0) {
      return;
    }
    rangeStart[ranges] = start;
    rangeEnd[ranges] = start + bytes;
    rangeWrite[ranges] = write;
    ranges++;
  }

  /**
   * Faults as the functional core would unless every range of the instruction being issued
   * lies inside one memory: global memory for SC_LDG and SC_STG, either for MEM_CPY, a local
   * memory for the rest.
   */
  void checkRanges(Instruction kind, Memories space, long globalBase) throws Fault {
    for (int i = 0; i < ranges; i++) {
      long start = rangeStart[i];
      boolean global = switch (kind) {
        case SC_LDG, SC_STG -> true;
        case MEM_CPY -> start >= globalBase;
        default -> false;
      };
      String what = switch (kind) {
        case SC_LD, SC_ST, SC_LDG, SC_STG -> "the word";
        case MEM_CPY, SEND, RECV -> rangeWrite[i] ? "the destination" : "the source";
        default -> rangeWrite[i] ? "the output" : "an input";
      };
      space.check(start, rangeEnd[i] - start, global, what);
    }
  }

  /** The first cycle `op` may issue by the issue slot, its unit and its registers. */
  long earliest(Op op) {
    return registersReady(op, unitReady(op));
  }

  /** The first cycle `op` may issue by the issue slot and its unit. */
  long unitReady(Op op) {
    return op.unit() == null ? time : Math.max(time, unitFree[op.unit().ordinal()]);
  }

  /** The first cycle from `t` on at which `op`'s registers are no longer being written. */
  long registersReady(Op op, long t) {
    for (int r : op.grfReads()) {
      t = Math.max(t, grfReady[r]);
    }
    for (int r : op.grfWrites()) {
      t = Math.max(t, grfReady[r]);
    }
    for (int r : op.srfReads()) {
      t = Math.max(t, srfReady[r]);
    }
    for (int r : op.srfWrites()) {
      t = Math.max(t, srfReady[r]);
    }
    return t;
  }

  /**
   * The first cycle from `t` on at which the current ranges conflict with no unfinished
   * access: a pending write blocks reads and writes of its bytes, a pending read blocks writes.
   */
  long rangesReady(long t) {
    pending.removeIf(a -> a.until() <= time);
    long ready = t;
    for (Access a : pending) {
      for (int i = 0; i < ranges; i++) {
        boolean overlaps = a.start() < rangeEnd[i] && rangeStart[i] < a.end();
        if (overlaps && (a.write() || rangeWrite[i])) {
          ready = Math.max(ready, a.until());
        }
      }
    }
    return ready;
  }

  /**
   * Whether `op`, the instruction being issued, is a CIM instruction; if so, sets the macro
   * groups it uses, clipped to the core's. CIM_MVM and CIM_OUT: `s9 .. s9 + s4 - 1`; CIM_CFG:
   * its group, or all with the broadcast flag; CIM_SWITCH: the groups holding its arrays.
   */
  boolean cimGroups(Op op) {
    int[] f = op.f();
    int all = mvmEnd.length;
    long first;
    long end;
    switch (op.kind()) {
      case CIM_MVM, CIM_OUT -> {
        first = srf[9];
        end = first + Math.max(0, srf[4]);
      }
      case CIM_CFG -> {
        boolean broadcast = (f[2] & 1) != 0;
        first = broadcast ? 0 : grf[f[0]];
        end = broadcast ? all : first + 1;
      }
      case CIM_SWITCH -> {
        first = Math.floorDiv(grf[f[0]], macrosPerGroup);
        end = Math.floorDiv((long) grf[f[0]] + Math.max(0, grf[f[1]]) + macrosPerGroup - 1,
            macrosPerGroup);
      }
      default -> {
        return false;
      }
    }
    groupFirst = (int) Math.max(0, Math.min(all, first));
    groupEnd = (int) Math.max(0, Math.min(all, end));
    return true;
  }

  /**
   * The first cycle from `t` on at which CIM instruction `op` may start on its groups (set by
   * cimGroups): a product waits for the groups' control (a readout clears the accumulators, a
   * mask changes the columns), a control instruction for their products and control.
   */
  long groupsReady(Op op, long t) {
    long ready = t;
    for (int g = groupFirst; g < groupEnd; g++) {
      ready = Math.max(ready, controlEnd[g]);
      if (op.unit() == Unit.CIM_CONTROL) {
        ready = Math.max(ready, mvmEnd[g]);
      }
    }
    return ready;
  }

  /** CIM instruction `op` keeps its groups (set by cimGroups) until cycle `until`. */
  void groupsBusy(Op op, long until) {
    long[] ends = op.unit() == Unit.CIM ? mvmEnd : controlEnd;
    for (int g = groupFirst; g < groupEnd; g++) {
      ends[g] = Math.max(ends[g], until);
    }
  }

  /** `unit` takes its next instruction from cycle `t` on (a pipelined unit, before `end`). */
  void freeUnit(Unit unit, long t) {
    unitFree[unit.ordinal()] = t;
  }

  /**
   * `op` issued at `issue` and completes at `end`: its unit and destination registers are busy
   * until then, its ranges pending; the next instruction may issue a cycle after it.
   */
  void retire(Op op, long issue, long end) {
    if (op.unit() != null) {
      unitFree[op.unit().ordinal()] = end;
    }
    for (int r : op.grfWrites()) {
      grfReady[r] = end;
    }
    for (int r : op.srfWrites()) {
      srfReady[r] = end;
    }
    time = issue + 1;
    if (end > time) {
      for (int i = 0; i < ranges; i++) {
        pending.add(new Access(rangeStart[i], rangeEnd[i], rangeWrite[i], end));
      }
    }
    lastEnd = Math.max(lastEnd, end);
    retiredIssue = issue;
    retiredEnd = end;
    executed++;
  }

  /**
   * The register effects of `op`, the instruction at the PC (not SEND, RECV or BARRIER), as
   * the functional core has them; the next PC.
   */
  int execute(Op op) throws Fault {
    int[] f = op.f();
    int[] r = grf;
    switch (op.kind()) {
      case G_LI -> r[f[0]] = f[1];
      case S_LI -> srf[f[0]] = f[1];
      case GS_MOV -> srf[f[1]] = r[f[0]];
      case SG_MOV -> r[f[1]] = srf[f[0]];
      case SC_RR -> r[f[2]] = Scalar.apply(f[3], r[f[0]], r[f[1]]);
      case SC_RI -> r[f[1]] = Scalar.apply(f[2], r[f[0]], f[3]);
      case SC_LD, SC_LDG -> r[f[1]] = 0;
      case BEQ, BNE, BGT, BLT -> {
        return Scalar.taken(op.kind(), r[f[0]], r[f[1]]) ? target(f[2]) : pc + 1;
      }
      case JMP -> {
        return target(f[0]);
      }
      default -> { }
    }
    return pc + 1;
  }

  /** The PC `offset` instructions from this one, which must be in the stream or just past. */
  private int target(int offset) throws Fault {
    long next = (long) pc + offset;
    if (next < 0 || next > code.length) {
      throw new Fault("the branch target " + next + " lies outside 0.." + code.length
          + ", the core's instructions and its end");
    }
    return (int) next;
  }

  private static Op decode(IsaInst inst) {
    Instruction kind = inst.kind();
    int[] f = new int[inst.values().size()];
    for (int j = 0; j < f.length; j++) {
      f[j] = (int) (long) inst.values().get(j);
    }
    int[] grfWrites = switch (kind) {
      case G_LI -> new int[] {f[0]};
      case SC_RR -> new int[] {f[2]};
      case SC_RI, SC_LD, SC_LDG, SG_MOV -> new int[] {f[1]};
      default -> new int[0];
    };
    int[] srfWrites = switch (kind) {
      case S_LI -> new int[] {f[0]};
      case GS_MOV -> new int[] {f[1]};
      default -> new int[0];
    };
    int[] srfReads = switch (kind) {
      case SG_MOV -> new int[] {f[0]};
      case CIM_MVM -> new int[] {4, 6, 9};
      case CIM_OUT -> new int[] {4, 9};
      case VEC_OP -> new int[] {16, 17, 18, 19, 20, 21, 22};
      default -> new int[0];
    };
    List<Integer> reads = new ArrayList<>();
    List<Field> fields = kind.fields();
    for (int j = 0; j < fields.size(); j++) {
      if (fields.get(j).kind() == Field.Kind.REGISTER && !contains(grfWrites, f[j])) {
        reads.add(f[j]);
      }
    }
    int[] grfReads = reads.stream().mapToInt(Integer::intValue).toArray();
    return new Op(kind, f, inst, unitOf(kind), grfReads, grfWrites, srfReads, srfWrites);
  }

  private static boolean contains(int[] values, int v) {
    for (int x : values) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  /** The unit an instruction occupies; null for a branch. */
  private static Unit unitOf(Instruction kind) {
    return switch (kind) {
      case CIM_MVM -> Unit.CIM;
      case CIM_CFG, CIM_OUT, CIM_SWITCH -> Unit.CIM_CONTROL;
      case VEC_OP -> Unit.VECTOR;
      case REDUCE -> Unit.REDUCE;
      case MEM_CPY, SC_LDG, SC_STG, SEND, RECV, WAIT, TAG, BARRIER -> Unit.TRANSFER;
      case BEQ, BNE, BGT, BLT, JMP -> null;
      default -> Unit.SCALAR;
    };
  }
}
