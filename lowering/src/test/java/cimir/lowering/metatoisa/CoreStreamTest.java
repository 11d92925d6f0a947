package cimir.lowering.metatoisa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Constants, loops and registers of {@link CoreStream}, checked by running the emitted scalar
 * code on a small evaluator written from the instruction semantics (G_LI, SC_RR, SC_RI, BLT),
 * not from the emitter.
 */
class CoreStreamTest {
  /** Runs scalar code; counts how often each instruction index executes. */
  private static int[] run(List<IsaInst> code, int[] regs, int[] executed) {
    int pc = 0;
    int steps = 0;
    while (pc < code.size()) {
      if (++steps > 10_000_000) {
        throw new AssertionError("no end");
      }
      IsaInst i = code.get(pc);
      executed[pc]++;
      long[] v = i.values().stream().mapToLong(Long::longValue).toArray();
      switch (i.kind()) {
        case G_LI -> regs[(int) v[0]] = (int) v[1];
        case SC_RI -> regs[(int) v[1]] = scalar((int) v[2], regs[(int) v[0]], (int) v[3]);
        case SC_RR -> regs[(int) v[2]] = scalar((int) v[3], regs[(int) v[0]],
            regs[(int) v[1]]);
        case BLT -> {
          if (regs[(int) v[0]] < regs[(int) v[1]]) {
            pc += (int) v[2];
            continue;
          }
        }
        default -> { }
      }
      pc++;
    }
    return regs;
  }

  private static int scalar(int funct, int a, int b) {
    return switch (funct) {
      case 0 -> a + b;
      case 1 -> a - b;
      case 2 -> a * b;
      case 4 -> a << b;
      case 11 -> a | b;
      default -> throw new AssertionError("funct " + funct);
    };
  }

  @Test
  void constantsOfEveryWidthLoadExactly() {
    Random rnd = new Random(7);
    long[] edges = {0, 1, 1023, 1024, (1 << 21) - 1, 1 << 21, -1, -1024, -1025,
        Integer.MAX_VALUE, Integer.MIN_VALUE, 1315968 + 11_000_000};
    for (int k = 0; k < 2000; k++) {
      long value = k < edges.length ? edges[k] : rnd.nextInt();
      CoreStream s = new CoreStream(0);
      int r = s.reg(value);
      for (IsaInst i : s.code()) {
        assertTrue(i.rangeErrors().isEmpty(), i + " " + i.rangeErrors());
      }
      int[] regs = run(s.code(), new int[32], new int[s.size()]);
      assertEquals((int) value, regs[r], "constant " + value);
      assertEquals(0, regs[CoreStream.ZERO]);
      assertTrue(s.size() <= 1 + 7, "at most 7 instructions for a 32-bit constant");
    }
  }

  @Test
  void loopsRunTheirBodyExactlyTheirTripCountNested() {
    for (long outer : new long[] {1, 2, 5}) {
      for (long inner : new long[] {1, 3, 70_000}) {
        CoreStream s = new CoreStream(0);
        int count = s.reg(0);
        int[] bodyAt = new int[1];
        s.loop(outer, i -> s.loop(inner, j -> {
          bodyAt[0] = s.size();
          s.addi(count, count, 1);
        }));
        int[] executed = new int[s.size()];
        int[] regs = run(s.code(), new int[32], executed);
        assertEquals(outer * inner, regs[count]);
        assertEquals(outer * inner, executed[bodyAt[0]]);
        s.free(count);
        assertTrue(s.balanced(), "the loops gave their registers back");
      }
    }
  }

  @Test
  void registersComeBackWhenScopesClose() {
    CoreStream s = new CoreStream(0);
    s.loop(4, i -> s.loop(4, j -> s.free(s.reg(12345678))));
    assertTrue(s.balanced());
  }

  @Test
  void specialRegistersAreWrittenOnlyWhenTheyChangeOutsideLoops() {
    CoreStream s = new CoreStream(0);
    s.sli(4, 16);
    s.sli(4, 16);
    s.loop(3, i -> s.sli(4, 16)); // a loop forgets: written once inside it
    long writes = s.code().stream().filter(i -> i.kind() == Instruction.S_LI).count();
    assertEquals(2, writes);
  }
}
