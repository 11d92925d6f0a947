package cimir.lowering.metatoisa;

import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import cimir.ir.Location;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * One core's instruction stream as it is generated: emission, constants of any size, loops,
 * general registers by scope and a shadow of the special registers.
 *
 * <p>Registers (docs/design/meta-to-isa.md, 8.6): r0 holds 0 and is never written after the
 * first instruction; r1..r31 are taken and given back in scopes ({@link #alloc}, {@link
 * #free}), so a kernel that needs more than 31 live registers is a compile-time error, never a
 * spill. Special registers are written by S_LI only when the value differs from what the core
 * holds, as far as the stream knows; a loop forgets what it knows at its head and exit, since
 * its body may change them on every iteration.
 *
 * <p>Loops (8.5) are bottom-tested with bounds known at compile time:
 * <pre>
 *   G_LI i, 0;  G_LI n, trips
 * L: body;  SC_RI ADD i, i, 1;  BLT i, n, L - .
 * </pre>
 * Two instructions of overhead per iteration; a loop of one trip is its body with i = r0.
 */
final class CoreStream {
  /** The register that holds 0. */
  static final int ZERO = 0;

  /** Scalar function codes (SC_RR, SC_RI). */
  static final int ADD = 0;
  static final int SUB = 1;
  static final int MUL = 2;
  static final int DIV = 3;
  static final int SLL = 4;
  static final int MOD = 7;
  static final int MIN = 8;
  static final int MAX = 9;
  static final int OR = 11;

  /** What a loop body emits, given the register that counts its iterations from 0. */
  interface Body {
    void emit(int counter);
  }

  final int core;
  private final List<IsaInst> code = new ArrayList<>();
  /** Per instruction, the location of the meta op it lowers. */
  private final List<Location> locations = new ArrayList<>();
  /** The location the next instructions get: the meta op being lowered. */
  Location at = Location.Unknown.INSTANCE;
  private final BitSet free = new BitSet(32);
  private final long[] special = new long[32];

  CoreStream(int core) {
    this.core = core;
    free.set(1, 32);
    Arrays.fill(special, -1);
    emit(Instruction.G_LI, ZERO, 0);
  }

  List<IsaInst> code() {
    return code;
  }

  List<Location> locations() {
    return locations;
  }

  int size() {
    return code.size();
  }

  void emit(Instruction kind, long... fields) {
    code.add(IsaInst.of(kind, fields));
    locations.add(at);
  }

  /** A free general register. */
  int alloc() {
    int r = free.nextSetBit(1);
    if (r < 0) {
      throw new IllegalStateException("core " + core + " ran out of general registers");
    }
    free.clear(r);
    return r;
  }

  void free(int... regs) {
    for (int r : regs) {
      if (r != ZERO) {
        free.set(r);
      }
    }
  }

  /** How many general registers are free. */
  int freeRegisters() {
    return free.cardinality();
  }

  /** A fresh register holding `value`. */
  int reg(long value) {
    int r = alloc();
    li(r, value);
    return r;
  }

  /**
   * `GRF[rd] = value` for any 32-bit value: one G_LI (21 bits unsigned), one SC_RI from r0
   * (11 bits signed), or the upper bits, a shift by 10 and an OR of the lower 10.
   */
  void li(int rd, long value) {
    if (value != (int) value) {
      throw new IllegalStateException("constant " + value + " needs more than 32 bits");
    }
    if (value >= 0 && value < (1L << 21)) {
      emit(Instruction.G_LI, rd, value);
    } else if (value >= -1024 && value < 0) {
      emit(Instruction.SC_RI, ZERO, rd, ADD, value);
    } else {
      li(rd, value >> 10);
      emit(Instruction.SC_RI, rd, rd, SLL, 10);
      if ((value & 1023) != 0) {
        emit(Instruction.SC_RI, rd, rd, OR, value & 1023);
      }
    }
  }

  /** `GRF[rd] = GRF[rs] + imm`, nothing when that changes nothing. */
  void addi(int rd, int rs, long imm) {
    if (imm != 0 || rd != rs) {
      opi(ADD, rd, rs, imm);
    }
  }

  /**
   * `GRF[rd] = GRF[rs] op imm` for a scalar function code and any 32-bit immediate, through a
   * scratch register when it needs more than SC_RI's 11 bits.
   */
  void opi(int op, int rd, int rs, long imm) {
    if (imm >= -1024 && imm < 1024) {
      emit(Instruction.SC_RI, rs, rd, op, imm);
      return;
    }
    int t = reg(imm);
    emit(Instruction.SC_RR, rs, t, rd, op);
    free(t);
  }

  /** `GRF[rd] = GRF[rs] op GRF[rt]`. */
  void op(int op, int rd, int rs, int rt) {
    emit(Instruction.SC_RR, rs, rt, rd, op);
  }

  /** `SRF[rd] = value`, unless the core already holds it. */
  void sli(int rd, long value) {
    if (special[rd] != value) {
      emit(Instruction.S_LI, rd, value);
      special[rd] = value;
    }
  }

  /** Forgets what the special registers hold. */
  void forgetSpecials() {
    Arrays.fill(special, -1);
  }

  /** `body` `trips` times; nothing for 0 trips; the body inline with counter r0 for 1 trip. */
  void loop(long trips, Body body) {
    loopKeeping(trips, new int[0], body);
  }

  /**
   * `body` `trips` times (nothing for 0, inline with counter r0 for 1), the special registers
   * `kept` known through it: the body must leave them as it found them (checked), so that an
   * S_LI of their values in it is not emitted. Others are forgotten at its head and exit.
   */
  void loopKeeping(long trips, int[] kept, Body body) {
    long[] before = new long[kept.length];
    for (int k = 0; k < kept.length; k++) {
      before[k] = special[kept[k]];
    }
    if (trips <= 0) {
      return;
    }
    if (trips == 1) {
      body.emit(ZERO);
      return;
    }
    int i = alloc();
    int n = reg(trips);
    emit(Instruction.G_LI, i, 0);
    forgetSpecials();
    for (int k = 0; k < kept.length; k++) {
      special[kept[k]] = before[k];
    }
    int top = size();
    body.emit(i);
    for (int k = 0; k < kept.length; k++) {
      if (special[kept[k]] != before[k]) {
        throw new IllegalStateException("core " + core + ": a loop body changes special"
            + " register " + kept[k] + ", which it was to keep");
      }
    }
    emit(Instruction.SC_RI, i, i, ADD, 1);
    long offset = top - size();
    if (offset < -(1L << 15)) {
      throw new IllegalStateException("core " + core + ": a loop body of " + -offset
          + " instructions is beyond a branch's reach");
    }
    emit(Instruction.BLT, i, n, offset);
    forgetSpecials();
    for (int k = 0; k < kept.length; k++) {
      special[kept[k]] = before[k];
    }
    free(i, n);
  }

  /** Whether every register but r0 is free again: scopes were closed. */
  boolean balanced() {
    return free.cardinality() == 31;
  }
}
