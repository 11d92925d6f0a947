package cimir.sim;

import static cimir.sim.Asm.word;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.isa.IsaAsmPrinter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** SEND/RECV rendezvous, barriers and deadlocks across cores. */
class TransferTest {
  /**
   * Core 0 loads 8 bytes from global memory and sends them to core 1's output memory (id 3);
   * core 1 adds one to each byte's word and sends it back (id 4) into core 0's input memory,
   * which stores it to global memory. Core 0 reaches the first SEND before core 1's RECV
   * (round robin starts with core 0), and core 1 reaches the second SEND before core 0's RECV,
   * so both orders of arrival are taken.
   */
  @Test
  void twoCoresExchangeData() throws SimulationException {
    String asm = """
        # core 0
        G_LI r30, 1315968
        G_LI r10, 786432
        G_LI r2, 8
        MEM_CPY r30, r2, r10, 0
        G_LI r1, 1
        G_LI r11, 1048576
        G_LI r3, 3
        SEND r10, r1, r11, r2, r3
        G_LI r12, 786560
        G_LI r4, 4
        RECV r1, r11, r12, r2, r4
        G_LI r31, 1315984
        MEM_CPY r12, r2, r31, 0

        # core 1
        G_LI r0, 0
        G_LI r10, 786432
        G_LI r11, 1048576
        G_LI r2, 8
        G_LI r3, 3
        RECV r0, r10, r11, r2, r3
        SC_LD r11, r5, 0
        SC_ADDI r5, r5, 1
        SC_ST r11, r5, 0
        SC_LD r11, r5, 4
        SC_ADDI r5, r5, 1
        SC_ST r11, r5, 4
        G_LI r12, 786560
        G_LI r4, 4
        SEND r11, r0, r12, r2, r4
        """;
    byte[] global = new byte[24];
    Asm.putWord(global, 0, 1000);
    Asm.putWord(global, 4, -1);
    FunctionalSimulator sim = new FunctionalSimulator(Asm.CIMFLOW, Asm.parse(asm), global);
    FunctionalSimulator.Result r = sim.run(Asm.GUARD);
    assertEquals(1001, word(global, 16));
    assertEquals(0, word(global, 20));
    assertEquals(1000, word(global, 0), "the source is left alone");
    assertEquals(2, r.transfers());
    assertEquals(0, r.barriers());
    assertEquals(13, r.executed()[0]);
    assertEquals(15, r.executed()[1]);
    assertTrue(sim.global() == global, "the simulator works on the array given");
  }

  @Test
  void aSendAndItsReceiveMustAgree() {
    String asm = """
        # core 0
        G_LI r1, 1
        G_LI r2, 8
        G_LI r10, 786432
        SEND r10, r1, r10, r2, r0
        # core 1
        G_LI r2, 4
        G_LI r10, 786432
        RECV r0, r10, r10, r2, r0
        """;
    SimulationException e = Asm.failure(asm, new byte[0]);
    assertEquals(1, e.core());
    assertEquals(2, e.pc());
    assertEquals("core 1, pc 2 'RECV r0, r10, r10, r2, r0': core 0, pc 3 'SEND r10, r1, r10, r2,"
        + " r0' sends 8 bytes to address 786432, but core 1, pc 2 'RECV r0, r10, r10, r2, r0'"
        + " receives 4 bytes at address 786432", e.getMessage());
  }

  @Test
  void aCoreCannotSendToItselfOrToACoreThatDoesNotExist() {
    SimulationException self = Asm.failure("# core 2\nG_LI r1, 2\nSEND r0, r1, r0, r0, r0\n",
        new byte[0]);
    assertEquals("the destination core is the core itself", self.reason());
    assertEquals(2, self.core());
    SimulationException none = Asm.failure("# core 0\nG_LI r1, 64\nRECV r1, r0, r0, r0, r0\n",
        new byte[0]);
    assertEquals("the source core 64 does not exist (cores 0..63)", none.reason());
  }

  /**
   * Core 1 stores 42 to global memory and then reaches the barrier; core 0, which runs first,
   * waits at the barrier, then loads the word and copies it. Without the barriers core 0 reads
   * the word before core 1 has written it.
   */
  @Test
  void aBarrierOrdersTwoCores() throws SimulationException {
    String core0 = """
        # core 0
        G_LI r1, 2
        G_LI r2, 7
        BARRIER r1, r2
        G_LI r30, 1315968
        SC_LDG r30, r5, 0
        SC_STG r30, r5, 4
        """;
    String core1 = """
        # core 1
        G_LI r1, 2
        G_LI r2, 7
        G_LI r30, 1315968
        G_LI r5, 42
        SC_STG r30, r5, 0
        BARRIER r1, r2
        """;
    byte[] global = new byte[8];
    FunctionalSimulator.Result r = Asm.run(core0 + core1, global);
    assertEquals(42, word(global, 4));
    assertEquals(1, r.barriers());
    assertEquals(6, r.executed()[0]);
    assertEquals(6, r.executed()[1]);

    byte[] unordered = new byte[8];
    Asm.run((core0 + core1).replace("BARRIER r1, r2\n", ""), unordered);
    assertEquals(0, word(unordered, 4));
    assertEquals(42, word(unordered, 0));
  }

  /**
   * The barrier test's ordering by TAG and WAIT: core 1 signals id 9 after its store, core 0
   * waits for one signal of id 9 from core 1 before its load; a WAIT from any core (0) for two
   * signals counts core 1's second TAG too. A WAIT nothing signals is a deadlock that says what
   * it waits for.
   */
  @Test
  void aWaitOrdersItsCoreAfterTheTag() throws SimulationException {
    String asm = """
        # core 0
        G_LI r1, 1
        G_LI r2, 9
        G_LI r3, 1
        WAIT r1, r2, r3
        G_LI r30, 1315968
        SC_LDG r30, r5, 0
        SC_STG r30, r5, 4
        G_LI r3, 2
        WAIT r0, r2, r3
        # core 1
        G_LI r2, 9
        G_LI r30, 1315968
        G_LI r5, 42
        SC_STG r30, r5, 0
        TAG r2
        TAG r2
        """;
    byte[] global = new byte[8];
    FunctionalSimulator.Result r = Asm.run(asm, global);
    assertEquals(42, word(global, 4));
    assertEquals(9, r.executed()[0]);
    assertEquals(6, r.executed()[1]);

    SimulationException e = Asm.failure(asm.replace("TAG r2\nTAG r2\n", "TAG r2\n"),
        new byte[8]);
    assertTrue(e.isDeadlock());
    assertEquals("deadlock: core 0, pc 8 'WAIT r0, r2, r3' waits for 2 signals of TAG 9 from"
        + " any core (1 seen)", e.getMessage());
  }

  /** A barrier of all 64 cores, reached twice by each (ids 0 and 1), one core idle between. */
  @Test
  void everyCoreReachesEveryBarrier() throws SimulationException {
    StringBuilder asm = new StringBuilder();
    for (int c = 0; c < 64; c++) {
      asm.append("# core ").append(c).append("\nG_LI r1, 64\nG_LI r2, 0\nBARRIER r1, r2\n")
          .append("G_LI r2, 1\nBARRIER r1, r2\n");
    }
    FunctionalSimulator.Result r = Asm.run(asm.toString(), new byte[0]);
    assertEquals(2, r.barriers());
    long[] five = new long[64];
    Arrays.fill(five, 5);
    assertArrayEquals(five, r.executed());
  }

  @Test
  void coresDisagreeingOnABarriersSizeFault() {
    String asm = """
        # core 0
        G_LI r1, 2
        BARRIER r1, r0
        # core 1
        G_LI r1, 3
        BARRIER r1, r0
        """;
    SimulationException e = Asm.failure(asm, new byte[0]);
    assertEquals(1, e.core());
    assertEquals("the barrier 0 waits for 3 cores here, but for 2 at core 0, pc 1 'BARRIER r1,"
        + " r0'", e.reason());
  }

  /** A RECV that no SEND matches: a deadlock naming the core, its PC and what it waits for. */
  @Test
  void aReceiveWithoutItsSendIsADeadlock() {
    String asm = """
        # core 0
        G_LI r1, 1
        G_LI r2, 16
        G_LI r3, 5
        G_LI r10, 786432
        RECV r1, r10, r10, r2, r3
        # core 1
        G_LI r1, 1
        """;
    SimulationException e = Asm.failure(asm, new byte[0]);
    assertTrue(e.isDeadlock());
    assertEquals(0, e.core());
    assertEquals(4, e.pc());
    assertEquals(1, e.blocked().size());
    SimulationException.Blocked b = e.blocked().get(0);
    assertEquals(0, b.core());
    assertEquals(4, b.pc());
    assertEquals("RECV r1, r10, r10, r2, r3", IsaAsmPrinter.print(b.instruction()));
    assertEquals("deadlock: core 0, pc 4 'RECV r1, r10, r10, r2, r3' waits for core 1 to send"
        + " 16 bytes with id 5 (core 1 has ended)", e.getMessage());
  }

  /**
   * Two cores that each receive before they send, one core at a barrier no other core
   * reaches, and a SEND whose id the receiver does not expect: every blocked core is named.
   */
  @Test
  void aDeadlockNamesEveryBlockedCore() {
    String asm = """
        # core 0
        G_LI r1, 1
        G_LI r2, 4
        RECV r1, r0, r0, r2, r0
        SEND r0, r1, r0, r2, r0
        # core 1
        RECV r0, r0, r0, r0, r0
        SEND r0, r0, r0, r0, r0
        # core 2
        G_LI r1, 2
        G_LI r2, 9
        BARRIER r1, r2
        # core 3
        G_LI r1, 4
        G_LI r2, 1
        SEND r0, r1, r0, r0, r2
        # core 4
        G_LI r1, 3
        RECV r1, r0, r0, r0, r0
        """;
    SimulationException e = Asm.failure(asm, new byte[0]);
    assertTrue(e.isDeadlock());
    assertEquals(5, e.blocked().size());
    assertEquals("deadlock: "
        + "core 0, pc 2 'RECV r1, r0, r0, r2, r0' waits for core 1 to send 4 bytes with id 0; "
        + "core 1, pc 0 'RECV r0, r0, r0, r0, r0' waits for core 0 to send 0 bytes with id 0; "
        + "core 2, pc 2 'BARRIER r1, r2' waits for barrier 9 to gather 2 cores (1 arrived); "
        + "core 3, pc 2 'SEND r0, r1, r0, r0, r2' waits for core 4 to receive 0 bytes with id 1;"
        + " core 4, pc 1 'RECV r1, r0, r0, r0, r0' waits for core 3 to send 0 bytes with id 0",
        e.getMessage());
    assertFalse(e.blocked().stream().anyMatch(b -> b.core() > 4));
  }
}
