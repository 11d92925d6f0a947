package cimir.sim;

import cimir.dialect.hw.HardwareModel;
import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import java.util.List;

/**
 * One core of the functional simulator: its registers, PC, local memories, CIM unit and vector
 * unit, and the instructions that only touch those (everything but SEND, RECV and BARRIER,
 * which {@link FunctionalSimulator} matches across cores). Registers hold 32-bit two's
 * complement values; an address is a register's value read as unsigned plus an offset.
 */
final class Core {
  /** An instruction with its field values as ints, in the order of `Instruction.fields()`. */
  record Decoded(Instruction kind, int[] f, IsaInst source) {}

  /** What a blocked core waits for. */
  sealed interface Wait permits SendWait, RecvWait, BarrierWait, TagWait {}

  /** A SEND of `bytes` bytes from local `src` to `dst` of core `to`, tagged `id`. */
  record SendWait(int to, int id, long src, long dst, int bytes) implements Wait {}

  /** A RECV of `bytes` bytes from core `from` into local `dst`, tagged `id`. */
  record RecvWait(int from, int id, long dst, int bytes) implements Wait {}

  /** Arrived at barrier `id`, which `count` cores must reach. */
  record BarrierWait(int id, int count) implements Wait {}

  /** WAIT: `count` signals of TAG `id` from core `from` (0: any). */
  record TagWait(int from, int id, int count) implements Wait {}

  static final int REGISTERS = 32;

  final int id;
  final Decoded[] code;
  final int[] grf = new int[REGISTERS];
  final int[] srf = new int[REGISTERS];
  final Memories mem;
  private final CimUnit cim;
  private final VectorUnit vector;
  int pc;
  long executed;
  /** What the core waits for, or null while it can run. */
  Wait wait;

  Core(int id, List<IsaInst> program, Memories mem, HardwareModel hw) {
    this.id = id;
    this.code = new Decoded[program.size()];
    for (int i = 0; i < code.length; i++) {
      IsaInst inst = program.get(i);
      int[] f = new int[inst.values().size()];
      for (int j = 0; j < f.length; j++) {
        f[j] = (int) (long) inst.values().get(j);
      }
      code[i] = new Decoded(inst.kind(), f, inst);
    }
    this.mem = mem;
    this.cim = new CimUnit(hw);
    this.vector = new VectorUnit(mem, srf);
  }

  /** Past its last instruction. */
  boolean ended() {
    return pc >= code.length;
  }

  /** Neither ended nor blocked. */
  boolean runnable() {
    return !ended() && wait == null;
  }

  /** An address: `base` read as unsigned 32 bits, plus `offset`. */
  static long address(int base, long offset) {
    return Integer.toUnsignedLong(base) + offset;
  }

  /** Executes `d`, the instruction at the PC, other than SEND, RECV or BARRIER; the next PC. */
  int execute(Decoded d) throws Fault {
    int[] f = d.f();
    int[] r = grf;
    switch (d.kind()) {
      case G_LI -> r[f[0]] = f[1];
      case S_LI -> srf[f[0]] = f[1];
      case GS_MOV -> srf[f[1]] = r[f[0]];
      case SG_MOV -> r[f[1]] = srf[f[0]];
      case SC_RR -> r[f[2]] = scalar(f[3], r[f[0]], r[f[1]]);
      case SC_RI -> r[f[1]] = scalar(f[2], r[f[0]], f[3]);
      case SC_LD -> {
        Memories.Span s = mem.local(address(r[f[0]], f[2]), 4, "the word");
        r[f[1]] = LittleEndian.readInt(s.bytes(), s.offset());
      }
      case SC_ST -> {
        Memories.Span s = mem.local(address(r[f[0]], f[2]), 4, "the word");
        LittleEndian.write(s.bytes(), s.offset(), 4, r[f[1]]);
      }
      case SC_LDG -> {
        Memories.Span s = mem.global(address(r[f[0]], f[2]), 4, "the word");
        r[f[1]] = LittleEndian.readInt(s.bytes(), s.offset());
      }
      case SC_STG -> {
        Memories.Span s = mem.global(address(r[f[0]], f[2]), 4, "the word");
        LittleEndian.write(s.bytes(), s.offset(), 4, r[f[1]]);
      }
      case MEM_CPY -> copy(f);
      case BEQ, BNE, BGT, BLT -> {
        return Scalar.taken(d.kind(), r[f[0]], r[f[1]]) ? target(f[2]) : pc + 1;
      }
      case JMP -> {
        return target(f[0]);
      }
      case CIM_MVM -> cim.mvm(mem, address(r[f[0]], 0), r[f[1]], r[f[2]], f[4], srf[9], srf[4],
          srf[6]);
      case CIM_OUT -> cim.out(mem, r[f[0]], address(r[f[2]], 0), f[1], f[3], srf[9], srf[4]);
      case CIM_CFG -> cim.configure(mem, r[f[0]], address(r[f[1]], 0), (f[2] & 1) != 0);
      case CIM_SWITCH -> cim.switchMode(r[f[0]], r[f[1]], f[2]);
      case VEC_OP -> vector.execute(f[4], f[5], address(r[f[0]], 0), address(r[f[1]], 0),
          address(r[f[2]], 0), r[f[3]]);
      case REDUCE -> vector.reduce(f[3], address(r[f[0]], 0), address(r[f[2]], 0), r[f[1]]);
      case SEND, RECV, BARRIER, WAIT, TAG -> throw new IllegalStateException(d.kind() + " across cores");
    }
    return pc + 1;
  }

  /** MEM_CPY: `GRF[rt]` bytes from `GRF[rs]` to `GRF[rd]`, `imm` added as the mask says. */
  private void copy(int[] f) throws Fault {
    int imm = f[3];
    int mask = f[4];
    long src = address(grf[f[0]], (mask & 2) != 0 ? imm : 0);
    long dst = address(grf[f[2]], (mask & 1) != 0 ? imm : 0);
    int n = grf[f[1]];
    if (mem.isGlobal(src) && mem.isGlobal(dst)) {
      throw new Fault("copies from global memory " + Memories.range(src, n)
          + " to global memory " + Memories.range(dst, n));
    }
    Memories.Span from = mem.any(src, n, "the source");
    Memories.Span to = mem.any(dst, n, "the destination");
    System.arraycopy(from.bytes(), from.offset(), to.bytes(), to.offset(), n);
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

  /** A scalar function on 32-bit integers: see {@link Scalar#apply}. */
  static int scalar(int funct, int x, int y) throws Fault {
    return Scalar.apply(funct, x, y);
  }
}
