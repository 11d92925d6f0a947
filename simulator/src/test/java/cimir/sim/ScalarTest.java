package cimir.sim;

import static cimir.sim.Asm.GLOBAL;
import static cimir.sim.Asm.IBUF;
import static cimir.sim.Asm.IMEM;
import static cimir.sim.Asm.li;
import static cimir.sim.Asm.word;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import cimir.isa.IsaAsmPrinter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scalar functions, register moves, branches, word loads and stores, MEM_CPY with its offsets,
 * and the faults of each, against values worked out by hand.
 */
class ScalarTest {
  /** `x op y` and `x opI y` (when y fits 11 bits), stored to global memory and read back. */
  @ParameterizedTest
  @CsvSource({
      "ADD, 2147483647, 1, -2147483648", // wraps
      "ADD, 7, -9, -2",
      "SUB, 3, 10, -7",
      "MUL, -6, 7, -42",
      "MUL, 65536, 65536, 0", // wraps
      "DIV, -7, 2, -3", // truncates toward zero, as C
      "DIV, 7, -2, -3",
      "MOD, -7, 2, -1", // the sign of the dividend, as C
      "MOD, 7, -2, 1",
      "SLL, 3, 4, 48",
      "SRL, -16, 2, 1073741820", // 0xfffffff0 >>> 2 = 0x3ffffffc
      "SRA, -16, 2, -4",
      "MIN, -5, 3, -5",
      "MAX, -5, 3, 3",
      "AND, 12, 10, 8",
      "OR, 12, 10, 14",
      "EQ, 4, 4, 1",
      "NE, 4, 4, 0",
      "GT, -1, -2, 1", // signed
      "GT, -2, -1, 0",
      "LT, -1, 2, 1",
      "LT, 2, -1, 0",
  })
  void scalarFunctions(String op, int x, int y, int expected) throws SimulationException {
    boolean imm = y >= -1024 && y <= 1023;
    String asm = "# core 0\nG_LI r0, 0\n" + li(30, (int) GLOBAL) + li(1, x) + li(2, y)
        + "SC_" + op + " r1, r2, r3\n"
        + "SC_STG r30, r3, 0\n"
        + (imm ? "SC_" + op + "I r1, r4, " + y + "\nSC_STG r30, r4, 4\n" : "");
    byte[] global = new byte[8];
    Asm.run(asm, global);
    assertEquals(expected, word(global, 0), op + " " + x + ", " + y);
    if (imm) {
      assertEquals(expected, word(global, 4), op + "I " + x + ", " + y);
    }
  }

  @Test
  void divisionAndRemainderByZeroFault() {
    for (String op : new String[] {"DIV", "MOD"}) {
      String asm = "# core 0\nG_LI r1, 5\nG_LI r2, 0\nSC_" + op + " r1, r2, r3\n";
      SimulationException e = Asm.failure(asm, new byte[0]);
      assertEquals(0, e.core());
      assertEquals(2, e.pc());
      assertEquals("SC_" + op + " r1, r2, r3", IsaAsmPrinter.print(e.instruction()));
      assertEquals((op.equals("DIV") ? "division" : "remainder") + " by zero", e.reason());
      assertEquals("core 0, pc 2 'SC_" + op + " r1, r2, r3': " + e.reason(), e.getMessage());
    }
  }

  @Test
  void registerMoves() throws SimulationException {
    String asm = """
        # core 0
        G_LI r30, 1315968
        G_LI r5, 2097151
        S_LI s7, 99
        SG_MOV s7, r6
        GS_MOV r5, s8
        SG_MOV s8, r7
        SC_STG r30, r6, 0
        SC_STG r30, r7, 4
        """;
    byte[] global = new byte[8];
    FunctionalSimulator.Result r = Asm.run(asm, global);
    assertEquals(99, word(global, 0));
    assertEquals(2097151, word(global, 4));
    assertEquals(8, r.executed()[0]);
    assertEquals(0, r.executed()[1]);
  }

  /** A counted loop (1 + ... + 10), branches taken and not taken on signed values, a jump. */
  @Test
  void branchesAndJumps() throws SimulationException {
    String asm = """
        # core 0
        G_LI r0, 0
        G_LI r30, 1315968
        G_LI r1, 0
        G_LI r2, 10
        G_LI r3, 0
        SC_ADDI r1, r1, 1
        SC_ADD r3, r1, r3
        BLT r1, r2, -2
        SC_STG r30, r3, 0
        SC_SUBI r0, r4, 1
        G_LI r5, 1
        G_LI r6, 0
        BGT r4, r5, 2
        SC_ADDI r6, r6, 1
        BGT r5, r4, 2
        SC_ADDI r6, r6, 10
        BEQ r4, r4, 2
        SC_ADDI r6, r6, 100
        BNE r4, r4, 2
        SC_ADDI r6, r6, 1000
        JMP 2
        SC_ADDI r6, r6, 1023
        SC_STG r30, r6, 4
        """;
    byte[] global = new byte[8];
    FunctionalSimulator.Result r = Asm.run(asm, global);
    assertEquals(55, word(global, 0));
    // taken: BGT 1 > -1, BEQ; not taken: BGT -1 > 1 (signed), BNE; JMP skips 1023
    assertEquals(1 + 1000, word(global, 4));
    // 5 before the loop, 3 x 10 in it, 12 after it (15, 3 of them skipped)
    assertEquals(5 + 30 + 12, r.executed()[0]);
  }

  @Test
  void wordsInLocalAndGlobalMemory() throws SimulationException {
    String asm = """
        # core 0
        G_LI r30, 1315968
        G_LI r10, 786432
        SC_LDG r30, r1, 8
        SC_ST r10, r1, 100
        SC_LD r10, r2, 100
        SC_ADDI r2, r2, 1
        SC_STG r30, r2, 12
        SC_LD r10, r3, 96
        SC_STG r30, r3, 16
        """;
    byte[] global = new byte[20];
    Asm.putWord(global, 8, -123456789);
    Asm.putWord(global, 16, 77);
    Asm.run(asm, global);
    assertEquals(-123456789, word(global, 8));
    assertEquals(-123456788, word(global, 12));
    assertEquals(0, word(global, 16), "local memory starts zeroed");
    // little-endian
    assertEquals((byte) 0xec, global[12]);
  }

  /** MEM_CPY: global to local and back, with the offset on the source, destination or both. */
  @Test
  void copiesWithOffsets() throws SimulationException {
    String asm = """
        # core 0
        G_LI r30, 1315968
        G_LI r10, 786432
        G_LI r4, 4
        MEM_CPY_S r30, r4, r10, 3
        G_LI r31, 1316000
        MEM_CPY_D r10, r4, r31, 5
        G_LI r13, 786434
        MEM_CPY_SD r13, r4, r31, -2
        G_LI r5, 16
        G_LI r11, 1310720
        MEM_CPY r30, r5, r11, 0
        G_LI r12, 1316016
        MEM_CPY r11, r5, r12, 0
        """;
    byte[] global = new byte[64];
    for (int i = 0; i < 16; i++) {
      global[i] = (byte) (i + 1);
    }
    Asm.run(asm, global);
    byte[] expected = new byte[64];
    for (int i = 0; i < 16; i++) {
      expected[i] = (byte) (i + 1);
      expected[48 + i] = (byte) (i + 1); // through the input register buffer
    }
    // global 3..6 (4..7) to local 0..3, then to global 37..40 (32 + 5) and 30..33 (32 - 2)
    for (int i = 0; i < 4; i++) {
      expected[37 + i] = (byte) (4 + i);
      expected[30 + i] = (byte) (4 + i);
    }
    assertArrayEquals(expected, global);
  }

  @Test
  void globalToGlobalCopyFaults() {
    String asm = """
        # core 0
        G_LI r30, 1315968
        G_LI r31, 1316000
        G_LI r4, 4
        MEM_CPY r30, r4, r31, 0
        """;
    SimulationException e = Asm.failure(asm, new byte[64]);
    assertEquals(3, e.pc());
    assertEquals("core 0, pc 3 'MEM_CPY r30, r4, r31, 0': copies from global memory"
        + " [1315968, 1315972) to global memory [1316000, 1316004)", e.getMessage());
  }

  @Test
  void addressesOutsideEveryMemoryFault() {
    // the gap between the input register buffer and global memory
    SimulationException gap = Asm.failure("# core 0\nG_LI r1, " + (IBUF + 1024)
        + "\nG_LI r2, 4\nG_LI r30, 1315968\nMEM_CPY r30, r2, r1, 0\n", new byte[64]);
    assertEquals("the destination [1311744, 1311748) lies in no local memory", gap.reason());
    assertEquals(3, gap.pc());
    // past the end of the input memory (256 KiB)
    SimulationException past = Asm.failure("# core 0\nG_LI r1, " + (IMEM + 262144 - 2)
        + "\nSC_LD r1, r2, 0\n", new byte[0]);
    assertEquals("the word [1048574, 1048578) lies in no local memory (it runs past the end"
        + " of the input memory [786432, 1048576))", past.reason());
    // past the end of global memory, which is as large as the array given
    SimulationException global = Asm.failure("# core 0\nG_LI r30, 1315968\nSC_LDG r30, r1, 62\n",
        new byte[64]);
    assertEquals("the word [1316030, 1316034) runs past the end of global memory (1316032)",
        global.reason());
    // a local access with a global address, a global one with a local address
    SimulationException local = Asm.failure("# core 0\nG_LI r30, 1315968\nSC_LD r30, r1, 0\n",
        new byte[64]);
    assertEquals("the word [1315968, 1315972) is in global memory, which this operand cannot"
        + " address", local.reason());
    SimulationException notGlobal = Asm.failure("# core 0\nG_LI r1, 100\nSC_STG r1, r1, 0\n",
        new byte[64]);
    assertEquals("the word [100, 104) is not in global memory, which starts at 1315968",
        notGlobal.reason());
    // a register holding a negative number is an address above 2^31
    SimulationException negative = Asm.failure("# core 0\nSC_SUBI r0, r1, 4\nG_LI r2, 4\n"
        + "G_LI r3, 786432\nMEM_CPY r3, r2, r1, 0\n", new byte[64]);
    assertEquals("the destination [4294967292, 4294967296) runs past the end of global memory"
        + " (1316032)", negative.reason());
  }

  @Test
  void branchesOutsideTheStreamFault() {
    SimulationException e = Asm.failure("# core 0\nG_LI r1, 1\nJMP 5\n", new byte[0]);
    assertEquals("the branch target 6 lies outside 0..2, the core's instructions and its end",
        e.reason());
    assertEquals(1, e.pc());
  }

  @Test
  void theInstructionGuardStopsAnEndlessLoop() {
    SimulationException e = assertThrowsGuard("# core 0\nG_LI r1, 1\nJMP 0\n", 1000);
    assertEquals("the run exceeds 1000 instructions over all cores", e.reason());
    assertEquals(1, e.pc());
  }

  @Test
  void aRunOfExactlyTheGuardSucceeds() throws SimulationException {
    String asm = "# core 0\nG_LI r1, 1\nG_LI r2, 2\n# core 3\nG_LI r1, 1\n";
    FunctionalSimulator sim = new FunctionalSimulator(Asm.CIMFLOW, Asm.parse(asm), new byte[0]);
    long[] executed = sim.run(3).executed();
    assertEquals(64, executed.length);
    assertEquals(2, executed[0]);
    assertEquals(0, executed[1]);
    assertEquals(1, executed[3]);
    SimulationException e = assertThrowsGuard(asm, 2);
    assertEquals("core 3, pc 0 'G_LI r1, 1': the run exceeds 2 instructions over all cores",
        e.getMessage());
  }

  /** Fields out of their range (which the assembly parser rejects) fault before the run. */
  @Test
  void fieldsOutOfRangeFault() {
    IsaProgram program = new IsaProgram(new TreeMap<>(Map.of(5, List.of(
        IsaInst.of(Instruction.G_LI, 1, 1), IsaInst.of(Instruction.G_LI, 40, 1)))));
    SimulationException e = assertThrows(SimulationException.class,
        () -> new FunctionalSimulator(Asm.CIMFLOW, program, new byte[0]).run(Asm.GUARD));
    assertEquals("core 5, pc 1 'G_LI r40, 1': 'rd' is 40: expected an integer in 0..31",
        e.getMessage());
  }

  @Test
  void aProgramForMoreCoresThanTheChipIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new FunctionalSimulator(Asm.DYNAPLASIA, Asm.parse("# core 1\nG_LI r1, 1\n"),
            new byte[0]));
    assertEquals("the program has a core 1, but 'dynaplasia' has cores 0..0", e.getMessage());
  }

  private static SimulationException assertThrowsGuard(String asm, long guard) {
    return assertThrows(SimulationException.class,
        () -> new FunctionalSimulator(Asm.CIMFLOW, Asm.parse(asm), new byte[0]).run(guard));
  }
}
