package cimir.lowering.metatoisa;

import cimir.dialect.hw.AddressMap;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the scalar part of every core's stream (registers, branches, special registers) and
 * checks what the other instructions would touch: every address range of a copy, a vector
 * operation, a product or its output lies inside one memory of the address map (global memory
 * within the program's image), and collects the transfers and barriers in the order each core
 * issues them. Written from the instruction semantics of the `isa` dialect, not from the
 * lowering, so that it checks the lowering's address and register arithmetic.
 */
final class ProgramWalker {
  /** One SEND or RECV as issued: stage, the two cores (sender first), id, bytes, address. */
  record Transfer(int stage, int from, int to, long id, long bytes, long dst) {}

  private final AddressMap map;
  private final long imageBytes;
  private final int cores;
  private final int macroGroups;
  private final int rowSelect;
  final List<String> faults = new ArrayList<>();
  final List<List<Transfer>> sends = new ArrayList<>();
  final List<List<Transfer>> recvs = new ArrayList<>();
  /** Per core, in issue order: sends and receives (their ids). */
  final List<List<Transfer>> issued = new ArrayList<>();
  final long[] executed;
  final int[] barriers;

  ProgramWalker(AddressMap map, long imageBytes, int cores, int macroGroups, int rowSelect) {
    this.map = map;
    this.imageBytes = imageBytes;
    this.cores = cores;
    this.macroGroups = macroGroups;
    this.rowSelect = rowSelect;
    this.executed = new long[cores];
    this.barriers = new int[cores];
  }

  void run(IsaProgram program, long maxSteps) {
    for (Map.Entry<Integer, List<IsaInst>> e : program.cores().entrySet()) {
      sends.add(new ArrayList<>());
      recvs.add(new ArrayList<>());
      issued.add(new ArrayList<>());
      runCore(e.getKey(), e.getValue(), maxSteps);
    }
  }

  private void runCore(int core, List<IsaInst> code, long maxSteps) {
    long[] r = new long[32];
    long[] s = new long[32];
    int pc = 0;
    int stage = 0;
    long steps = 0;
    while (pc < code.size()) {
      if (++steps > maxSteps) {
        faults.add("core " + core + " runs more than " + maxSteps + " instructions");
        return;
      }
      IsaInst i = code.get(pc);
      long[] v = i.values().stream().mapToLong(Long::longValue).toArray();
      String at = "core " + core + " pc " + pc + " (" + i.kind() + ")";
      int next = pc + 1;
      switch (i.kind()) {
        case G_LI -> r[(int) v[0]] = v[1];
        case S_LI -> s[(int) v[0]] = v[1];
        case GS_MOV -> s[(int) v[1]] = r[(int) v[0]];
        case SG_MOV -> r[(int) v[1]] = s[(int) v[0]];
        case SC_RR -> r[(int) v[2]] = scalar((int) v[3], r[(int) v[0]], r[(int) v[1]]);
        case SC_RI -> r[(int) v[1]] = scalar((int) v[2], r[(int) v[0]], v[3]);
        case BEQ, BNE, BGT, BLT -> {
          long a = r[(int) v[0]];
          long b = r[(int) v[1]];
          boolean taken = switch (i.kind()) {
            case BEQ -> a == b;
            case BNE -> a != b;
            case BGT -> a > b;
            default -> a < b;
          };
          if (taken) {
            next = pc + (int) v[2];
          }
        }
        case JMP -> next = pc + (int) v[0];
        case MEM_CPY -> {
          long src = r[(int) v[0]] + ((v[4] & 2) != 0 ? v[3] : 0);
          long dst = r[(int) v[2]] + ((v[4] & 1) != 0 ? v[3] : 0);
          long n = r[(int) v[1]];
          boolean g1 = range(at + " source", src, n, true);
          boolean g2 = range(at + " destination", dst, n, true);
          if (g1 && g2) {
            faults.add(at + ": a copy from global to global memory");
          }
        }
        case VEC_OP -> {
          long len = r[(int) v[3]];
          int inputs = (int) v[5];
          int funct = (int) v[4];
          // VSET reads one element; VSMUL, VS_DIV, DEQUANTIZE and QUANTIZE_F a scalar input
          // 2; LUT a 256-byte table
          range(at + " input 1", r[(int) v[0]], (funct == 9 ? 1 : len) * s[16] / 8, false);
          long second = funct == 18 ? 256 : funct == 7 || funct == 14 || funct == 19
              || funct == 20 ? Math.max(1, s[17] / 8) : len * s[17] / 8;
          if (inputs >= 2) {
            range(at + " input 2", r[(int) v[1]], second, false);
          }
          if (inputs >= 3) {
            range(at + " input 3", s[21], 1, false);
          }
          if (inputs >= 4) {
            range(at + " input 4", s[22], 4, false);
          }
          range(at + " output", r[(int) v[2]], len * s[20] / 8, false);
        }
        case CIM_MVM -> {
          long groups = s[4];
          if (s[9] + groups > macroGroups || groups <= 0) {
            faults.add(at + ": groups " + s[9] + " + " + groups + " beyond " + macroGroups);
          }
          if (r[(int) v[2]] < 0 || r[(int) v[2]] >= rowSelect) {
            faults.add(at + ": row " + r[(int) v[2]]);
          }
          for (long g = 0; g < groups; g++) {
            range(at + " group " + g + " input", r[(int) v[0]] + g * s[6], r[(int) v[1]],
                false);
          }
        }
        case CIM_OUT -> range(at + " output", r[(int) v[2]], s[4] * r[(int) v[0]] * 4, false);
        case CIM_SWITCH -> {
          if (r[(int) v[0]] < 0 || r[(int) v[0]] + r[(int) v[1]] > map.arrays()) {
            faults.add(at + ": arrays " + r[(int) v[0]] + " + " + r[(int) v[1]]);
          }
        }
        case SEND -> {
          Transfer t = new Transfer(stage, core, (int) r[(int) v[1]], r[(int) v[4]],
              r[(int) v[3]], r[(int) v[2]]);
          range(at + " source", r[(int) v[0]], t.bytes(), false);
          sends.get(core).add(t);
          issued.get(core).add(t);
        }
        case RECV -> {
          Transfer t = new Transfer(stage, (int) r[(int) v[0]], core, r[(int) v[4]],
              r[(int) v[3]], r[(int) v[2]]);
          range(at + " destination", t.dst(), t.bytes(), false);
          recvs.get(core).add(t);
          issued.get(core).add(t);
        }
        case BARRIER -> {
          if (r[(int) v[0]] != cores || r[(int) v[1]] != stage) {
            faults.add(at + ": barrier of " + r[(int) v[0]] + " cores, id " + r[(int) v[1]]
                + " in stage " + stage);
          }
          stage++;
        }
        default -> { }
      }
      r[0] = 0;
      pc = next;
    }
    executed[core] = steps;
    barriers[core] = stage;
  }

  /**
   * Checks that [addr, addr + n) lies in one memory: the macro space, a local memory, the
   * input register buffer or (when `globalOk`) the program's global image. True when global.
   */
  private boolean range(String what, long addr, long n, boolean globalOk) {
    long end = addr + Math.max(n, 0);
    long[][] local = {{map.macro(), map.arrays() * map.arrayBytes()},
        {map.wmem(), map.wmemBytes()}, {map.imem(), map.imemBytes()},
        {map.omem(), map.omemBytes()}, {map.ibuf(), AddressMap.IBUF_BYTES}};
    for (long[] m : local) {
      if (addr >= m[0] && end <= m[0] + m[1]) {
        return false;
      }
    }
    if (globalOk && addr >= map.global() && end <= map.global() + imageBytes) {
      return true;
    }
    if (faults.size() < 20) {
      faults.add(what + ": [" + addr + ", " + end + ") is in no "
          + (globalOk ? "" : "local ") + "memory");
    }
    return false;
  }

  private static long scalar(int funct, long a, long b) {
    int x = (int) a;
    int y = (int) b;
    return switch (funct) {
      case 0 -> x + y;
      case 1 -> x - y;
      case 2 -> x * y;
      case 3 -> y == 0 ? 0 : x / y;
      case 4 -> x << y;
      case 5 -> x >>> y;
      case 6 -> x >> y;
      case 7 -> y == 0 ? 0 : x % y;
      case 8 -> Math.min(x, y);
      case 9 -> Math.max(x, y);
      case 10 -> x & y;
      case 11 -> x | y;
      case 12 -> x == y ? 1 : 0;
      case 13 -> x != y ? 1 : 0;
      case 14 -> x > y ? 1 : 0;
      default -> x < y ? 1 : 0;
    };
  }
}
