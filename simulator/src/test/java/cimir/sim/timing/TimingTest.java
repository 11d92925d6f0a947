package cimir.sim.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cimir.diag.DiagnosticEngine;
import cimir.diag.SourceManager;
import cimir.dialect.hw.CimflowConfigLoader;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwPresets;
import cimir.dialect.isa.IsaProgram;
import cimir.dialect.isa.Provenance;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.isa.IsaAsmParser;
import cimir.sim.SimulationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The timing model against hand calculations on the cimflow preset: 128 bytes per cycle of
 * local memory, 64 of global memory, 8-bit bit-serial inputs, 16-byte flits and 1 cycle per
 * hop on the 8 x 8 mesh, 32 vector lanes. Every program issues one instruction per cycle from
 * cycle 0, so the n-th instruction (from 0) issues at cycle n unless it stalls.
 */
class TimingTest {
  static final HardwareModel CIMFLOW = HwPresets.cimflow();
  static final long IMEM = 786432;
  static final long OMEM = 1048576;
  static final long GLOBAL = 1315968;
  static final long GUARD = 1_000_000;

  static IsaProgram parse(String asm) {
    DiagnosticEngine diag = new DiagnosticEngine(new SourceManager());
    Operation op = IsaAsmParser.parse("test.asm", asm, diag);
    if (op == null || diag.hasErrors()) {
      fail("the test program does not parse: " + diag.diagnostics().stream()
          .map(d -> d.location() + ": " + d.message()).toList());
    }
    return IsaProgram.fromOp(op);
  }

  static TimingReport time(HardwareModel hw, String asm) throws SimulationException {
    return new TimingSimulator(hw, parse(asm)).run(GUARD);
  }

  static TimingReport time(String asm) throws SimulationException {
    return time(CIMFLOW, asm);
  }

  /**
   * Three setup instructions issue at cycles 0..3, the MVM at 4 on all 16 groups; it takes
   * inputBits + CIM_STAGES - 1 = 8 + 4 - 1 = 11 cycles: it ends at 15, and holds the CIM unit
   * for its 8 input bits. It does 32 rows x 8 macros x 8 columns x 16 groups = 32768 MACs and
   * reads 16 x 32 input bytes.
   */
  @Test
  void oneMvmTakesTheInputBitsAndThePipelineFill() throws SimulationException {
    TimingReport r = time("""
        # core 0
        S_LI s4, 16
        S_LI s6, 32
        G_LI r1, 786432
        G_LI r2, 32
        CIM_MVM r1, r2, r0, r0, GRP
        """);
    assertEquals(11, TimingModel.mvmCycles(CIMFLOW));
    assertEquals(15, r.cycles());
    assertEquals(15, r.coreCycles()[0]);
    assertEquals(8, r.busyCyclesByUnit().get("cim"));
    assertEquals(32768 * CIMFLOW.energy().macPj(), r.energyByUnit().get("cim"), 1e-9);
    assertEquals(512 * CIMFLOW.energy().localPjPerByte(), r.energyByUnit().get("local"), 1e-9);
    double staticPj = CIMFLOW.energy().staticMwPerCore() * 64 * 15 * 2.0;
    assertEquals(staticPj, r.energyByUnit().get("static"), 1e-9);
    assertEquals(15 * 2e-9, r.seconds(), 1e-18);
    assertEquals(5, r.instructions());
  }

  /**
   * After the MVM of the test above (ends at 15), CIM_OUT on the same groups waits for their
   * sums and writes 16 groups x 16 outputs x 4 bytes = 1024 bytes at 128 per cycle on the CIM
   * control unit: 8 cycles, from 15 to 23.
   */
  @Test
  void cimOutWaitsForTheMvmAndWritesAtTheLocalBandwidth() throws SimulationException {
    TimingReport r = time("""
        # core 0
        S_LI s4, 16
        S_LI s6, 32
        G_LI r1, 786432
        G_LI r2, 32
        CIM_MVM r1, r2, r0, r0, GRP
        G_LI r3, 16
        G_LI r4, 1048576
        CIM_OUT r3, r0, r4
        """);
    assertEquals(23, r.cycles());
    assertEquals(8, r.busyCyclesByUnit().get("cim"));
    assertEquals(8, r.busyCyclesByUnit().get("cim-control"));
  }

  /**
   * Per operator, by the names of the instructions' locations. Operator a: the set-up and the
   * MVM, issued at 0..4, the MVM ending at 15; each instruction costs its issue cycle: own 5.
   * Operator b: two G_LI at 5 and 6, then CIM_OUT waits for the sums until 15 and ends at 23:
   * own 1 + 1 + (15 - 7 + 1) = 11, span 5 to 23. The last G_LI, at an unnamed location,
   * belongs to no operator.
   */
  @Test
  void timeIsAccountedToTheOperatorsTheLocationsName() throws SimulationException {
    IsaProgram p = parse("""
        # core 0
        S_LI s4, 16
        S_LI s6, 32
        G_LI r1, 786432
        G_LI r2, 32
        CIM_MVM r1, r2, r0, r0, GRP
        G_LI r3, 16
        G_LI r4, 1048576
        CIM_OUT r3, r0, r4
        G_LI r5, 1
        """);
    Location a = new Location.Name("a", null);
    Location b = new Location.Name("b", null);
    Operation op = p.toOp(Location.Unknown.INSTANCE, Map.of(0, List.of(a, a, a, a, a, b, b, b,
        Location.Unknown.INSTANCE)));
    TimingReport r = new TimingSimulator(CIMFLOW, p).attribute(Provenance.of(op)).run(GUARD);
    assertEquals(2, r.operators().size());
    TimingReport.OperatorFigures fa = r.operators().get(0);
    TimingReport.OperatorFigures fb = r.operators().get(1);
    assertEquals(List.of("a", 0L, 15L, 5L, 5L, 1), List.of(fa.name(), fa.start(), fa.end(),
        fa.ownCycles(), fa.instructions(), fa.cores()));
    assertEquals(List.of("b", 5L, 23L, 11L, 3L, 1), List.of(fb.name(), fb.start(), fb.end(),
        fb.ownCycles(), fb.instructions(), fb.cores()));
    assertEquals(8, fa.busyCyclesByUnit().get("cim"));
    assertEquals(4, fa.busyCyclesByUnit().get("scalar"));
    assertEquals(8, fb.busyCyclesByUnit().get("cim-control"));
    assertEquals(18, fb.span());
    assertTrue(new TimingSimulator(CIMFLOW, p).run(GUARD).operators().isEmpty());
  }

  /**
   * Each operator's stalls, by cause, in the order the issue rule takes its terms. b: the
   * second MVM's slot is 5, the CIM unit takes it at 4 + 8 = 12 (busy-cim 7); it ends at 23.
   * c: CIM_OUT's slot is 15, its groups' sums are there at 23 (macro-groups 8). d: SC_LDG
   * issues at 25 and ends at 25 + 1 + 6 = 32; the add reading its register has slot 26
   * (registers 6). e: a local copy of 1280 bytes issues at 34 and ends at 44; a load of a
   * word it writes has slot 35 (memory 9). Own cycles are the issue cycles plus the stalls.
   */
  @Test
  void stallsAreSplitByCause() throws SimulationException {
    IsaProgram p = parse("""
        # core 0
        S_LI s4, 16
        S_LI s6, 32
        G_LI r1, 786432
        G_LI r2, 32
        CIM_MVM r1, r2, r0, r0, GRP
        CIM_MVM r1, r2, r0, r0, GRP
        G_LI r3, 16
        G_LI r4, 1048576
        CIM_OUT r3, r0, r4
        G_LI r5, 1315968
        SC_LDG r5, r6, 0
        SC_ADDI r6, r7, 1
        G_LI r8, 1280
        MEM_CPY r4, r8, r1, 0
        SC_LD r1, r9, 0
        """);
    Location none = Location.Unknown.INSTANCE;
    Location a = new Location.Name("a", null);
    Location b = new Location.Name("b", null);
    Location c = new Location.Name("c", null);
    Location d = new Location.Name("d", null);
    Location e = new Location.Name("e", null);
    Operation op = p.toOp(none, Map.of(0, List.of(a, a, a, a, a, b, none, none, c, none, d, d,
        none, e, e)));
    TimingReport r = new TimingSimulator(CIMFLOW, p).attribute(Provenance.of(op)).run(GUARD);
    Map<String, Map<String, Long>> stalls = new java.util.TreeMap<>();
    for (TimingReport.OperatorFigures o : r.operators()) {
      Map<String, Long> nonzero = new java.util.TreeMap<>();
      o.stallCycles().forEach((k, v) -> {
        if (v != 0) {
          nonzero.put(k, v);
        }
      });
      stalls.put(o.name(), nonzero);
      long total = o.stallCycles().values().stream().mapToLong(Long::longValue).sum();
      assertEquals(o.ownCycles(), o.instructions() + total, o.name());
    }
    assertEquals(Map.of("a", Map.of(), "b", Map.of("busy-cim", 7L), "c",
        Map.of("macro-groups", 8L), "d", Map.of("registers", 6L), "e", Map.of("memory", 9L)),
        stalls);
    assertEquals(null, r.operators().get(0).mainStall());
    assertEquals(Map.entry("memory", 1.0), r.operators().get(4).mainStall());
  }

  /**
   * The CIM unit is a pipeline: a second product on the same groups, ready at 5, enters once
   * the first one's 8 input bits are in, at 4 + 8 = 12, and ends at 12 + 11 = 23; the CIM_OUT
   * after both waits for the second's sums: 23 to 31. Unpipelined, it would end at 15 + 11 =
   * 26 and the run at 34.
   */
  @Test
  void productsFollowEachOtherAnInputBitWidthApart() throws SimulationException {
    TimingReport r = time("""
        # core 0
        S_LI s4, 16
        S_LI s6, 32
        G_LI r1, 786432
        G_LI r2, 32
        CIM_MVM r1, r2, r0, r0, GRP
        CIM_MVM r1, r2, r0, r0, GRP
        G_LI r3, 16
        G_LI r4, 1048576
        CIM_OUT r3, r0, r4
        """);
    assertEquals(31, r.cycles());
    assertEquals(16, r.busyCyclesByUnit().get("cim"));
    assertEquals(8, r.busyCyclesByUnit().get("cim-control"));
  }

  /**
   * An MVM on groups 0..7 issues at 4 and ends at 15. A CIM_OUT of 16 sums on groups 8..15
   * (512 bytes, 4 cycles) issued at 8 runs beside it on the control unit: the run ends at 15.
   * On groups 0..7 it waits for the product's sums instead: 15 to 19.
   */
  @Test
  void cimOutOfOtherGroupsOverlapsTheProduct() throws SimulationException {
    String program = """
        # core 0
        S_LI s4, 8
        S_LI s6, 32
        G_LI r1, 786432
        G_LI r2, 32
        CIM_MVM r1, r2, r0, r0, GRP
        S_LI s9, %d
        G_LI r3, 16
        G_LI r4, 1048576
        CIM_OUT r3, r0, r4
        """;
    assertEquals(15, time(program.formatted(8)).cycles());
    assertEquals(19, time(program.formatted(0)).cycles());
  }

  /**
   * A global copy of 4096 bytes into macro 0 (group 0) issues at 3 and ends at 3 + 4096 / 64
   * + 6 = 73. An MVM on group 1 issued at 9 does not wait for it (it ends at 20; the run at
   * 73); an MVM on group 0 reads those weights, so it starts at 73 and ends at 84.
   */
  @Test
  void aProductWaitsForTheWeightsOfItsGroups() throws SimulationException {
    String program = """
        # core 0
        G_LI r1, %d
        G_LI r2, 4096
        G_LI r3, 0
        MEM_CPY r1, r2, r3, 0
        S_LI s4, 1
        S_LI s6, 32
        S_LI s9, %d
        G_LI r4, 786432
        G_LI r5, 32
        CIM_MVM r4, r5, r0, r0, GRP
        """;
    assertEquals(73, time(program.formatted(GLOBAL, 1)).cycles());
    assertEquals(84, time(program.formatted(GLOBAL, 0)).cycles());
  }

  /**
   * A loop of 10 iterations of an add and a branch back: the branch reads the add's result a
   * cycle later, when it is ready, and resolves at decode, so every iteration takes 2 cycles:
   * 2 + 20 = 22.
   */
  @Test
  void aLoopTakesOneCyclePerInstruction() throws SimulationException {
    TimingReport r = time("""
        # core 0
        G_LI r1, 0
        G_LI r2, 10
        SC_ADDI r1, r1, 1
        BLT r1, r2, -1
        """);
    assertEquals(22, r.cycles());
    assertEquals(22, r.instructions());
    assertEquals(12, r.busyCyclesByUnit().get("scalar"));
  }

  /**
   * The trace of the MVM program: valid JSON, a process per core with its four unit threads,
   * the MVM on the CIM unit (thread 1) from cycle 4 for 11 cycles, 8 ns and 22 ns at 2 ns per
   * cycle, and one event per instruction.
   */
  @Test
  void aTraceHoldsAnEventPerInstruction() throws Exception {
    StringWriter out = new StringWriter();
    new TimingSimulator(CIMFLOW, parse("""
        # core 0
        S_LI s4, 16
        S_LI s6, 32
        G_LI r1, 786432
        G_LI r2, 32
        CIM_MVM r1, r2, r0, r0, GRP
        """)).traceTo(out).run(GUARD);
    JsonNode events = new ObjectMapper().readTree(out.toString()).get("traceEvents");
    assertEquals(1 + Unit.values().length + 5, events.size());
    assertTrue(out.toString().contains("{\"name\":\"CIM_MVM\",\"ph\":\"X\",\"pid\":0,"
        + "\"tid\":1,\"ts\":0.008000,\"dur\":0.016000}"), out.toString());
  }

  /**
   * REDUCE has its own unit: 100 elements take ceil(100 / 32) = 4 cycles into the 5-level tree
   * of 32 lanes, plus the vector latency of 2: 11 cycles from cycle 4, ending at 15. The
   * VEC_OP after it issues at 5 on the vector unit and ends at 5 + 4 + 2 = 11, before it.
   */
  @Test
  void aReduceRunsBesideTheVectorUnit() throws SimulationException {
    TimingReport r = time("""
        # core 0
        G_LI r1, 786432
        G_LI r2, 100
        G_LI r3, 1048576
        G_LI r4, 1049600
        REDUCE_SUM r1, r2, r3
        VEC_ADD_1 r1, r1, r4, r2
        """);
    assertEquals(15, r.cycles());
    assertEquals(11, r.busyCyclesByUnit().get("reduce"));
    assertEquals(6, r.busyCyclesByUnit().get("vector"));
  }

  /** 1000 bytes at 128 bytes per cycle: ceil(1000 / 128) = 8 cycles from cycle 3, ending at 11. */
  @Test
  void aLocalCopyRunsAtTheLocalBandwidth() throws SimulationException {
    TimingReport r = time("""
        # core 0
        G_LI r1, 786432
        G_LI r2, 1000
        G_LI r3, 1048576
        MEM_CPY r1, r2, r3, 0
        """);
    assertEquals(11, r.cycles());
    assertEquals(8, r.busyCyclesByUnit().get("transfer"));
    assertEquals(2000 * CIMFLOW.energy().localPjPerByte(), r.energyByUnit().get("local"), 1e-9);
  }

  private static final String GLOBAL_COPY = """
      G_LI r1, 1315968
      G_LI r2, 640
      G_LI r3, 786432
      MEM_CPY r1, r2, r3, 0
      """;

  /**
   * 640 bytes from global memory: the port for 640 / 64 = 10 cycles from cycle 3, then
   * GLOBAL_LATENCY = 6 to the core: 3 + 10 + 6 = 19. On two cores at once, core 0 holds the
   * port for cycles 3..12 and core 1 gets it at 13: 13 + 10 + 6 = 29.
   */
  @Test
  void globalCopiesShareOnePort() throws SimulationException {
    TimingReport one = time("# core 0\n" + GLOBAL_COPY);
    assertEquals(19, one.cycles());
    assertEquals(10, one.busyCyclesByUnit().get("global-port"));
    assertEquals(640 * CIMFLOW.energy().globalPjPerByte(), one.energyByUnit().get("global"),
        1e-9);

    TimingReport two = time("# core 0\n" + GLOBAL_COPY + "# core 1\n" + GLOBAL_COPY);
    assertEquals(19, two.coreCycles()[0]);
    assertEquals(29, two.coreCycles()[1]);
    assertEquals(29, two.cycles());
    assertEquals(20, two.busyCyclesByUnit().get("global-port"));
  }

  /**
   * Core 0 loads 640 bytes (port 3..12, ends at 19) and then stores them, which waits for the
   * load: the store books the port for 19..28 and ends at 35. Core 1's 320-byte load, ready at
   * 5 and simulated after that booking, takes the gap 13..17 and ends at 24.
   */
  @Test
  void aLaterRequestTakesAGapInThePort() throws SimulationException {
    TimingReport r = time("# core 0\n" + GLOBAL_COPY + """
        G_LI r5, 1318016
        MEM_CPY r3, r2, r5, 0
        # core 1
        G_LI r7, 0
        G_LI r7, 0
        G_LI r1, 1316992
        G_LI r2, 320
        G_LI r3, 787456
        MEM_CPY r1, r2, r3, 0
        """);
    assertEquals(35, r.coreCycles()[0]);
    assertEquals(24, r.coreCycles()[1]);
    assertEquals(25, r.busyCyclesByUnit().get("global-port"));
  }

  /** `bytes` bytes from core `from` to core `to`, both ends issuing at cycle 3 (+ `delay`). */
  private static String transfer(int from, int to, int bytes, int delay) {
    return "# core " + from + "\nG_LI r1, " + to + "\nG_LI r2, " + bytes
        + "\nG_LI r3, 786432\nSEND r3, r1, r3, r2, r0\n"
        + "# core " + to + "\n" + "G_LI r4, 0\n".repeat(delay) + "G_LI r1, " + from
        + "\nG_LI r2, " + bytes + "\nG_LI r3, 786432\nRECV r1, r3, r3, r2, r0\n";
  }

  /**
   * Core 0 at (0, 0) to core 63 at (7, 7): 14 hops; 100 bytes are ceil(100 / 16) = 7 flits;
   * 14 x 1 + 7 - 1 = 20 cycles from the rendezvous at 3, so both end at 23. When the receiver
   * issues 5 cycles later, the transfer starts and ends 5 cycles later.
   */
  @Test
  void aSendTakesTheHopsAndTheFlits() throws SimulationException {
    TimingReport r = time(transfer(0, 63, 100, 0));
    assertEquals(23, r.cycles());
    assertEquals(23, r.coreCycles()[0]);
    assertEquals(23, r.coreCycles()[63]);
    assertEquals(7, r.nocFlits());
    assertEquals(98, r.nocFlitHops());
    assertEquals(98 * CIMFLOW.energy().nocPjPerFlitHop(), r.energyByUnit().get("noc"), 1e-9);
    assertEquals(40, r.busyCyclesByUnit().get("transfer"));

    assertEquals(28, time(transfer(0, 63, 100, 5)).cycles());
  }

  /**
   * Core 0 to core 2 (links 0->1, 1->2) and core 1 to core 3 (links 1->2, 2->3), 32 bytes (2
   * flits) each, all four ends at cycle 3. The first holds link 1->2 in cycles 4 and 5 and
   * ends at 3 + 2 + 1 = 6; the second waits for that link: it starts at 6 and ends at 9.
   */
  @Test
  void transfersSharingALinkWaitForEachOther() throws SimulationException {
    TimingReport r = time(transfer(0, 2, 32, 0) + transfer(1, 3, 32, 0));
    assertEquals(6, r.coreCycles()[0]);
    assertEquals(6, r.coreCycles()[2]);
    assertEquals(9, r.coreCycles()[1]);
    assertEquals(9, r.coreCycles()[3]);
  }

  private static HardwareModel withFlitBytes(HardwareModel hw, int flitBytes) {
    return new HardwareModel(hw.name(), hw.cores(), hw.meshRows(), hw.meshCols(), hw.core(),
        hw.global(), new HardwareModel.Noc(flitBytes, hw.noc().cyclesPerHop()), hw.clockMhz(),
        hw.energy());
  }

  /** Wider flits never slow a program down, and they shorten a long transfer. */
  @Test
  void widerFlitsNeverSlowAProgramDown() throws SimulationException {
    HardwareModel wide = withFlitBytes(CIMFLOW, 32);
    String[] programs = {transfer(0, 63, 100, 0), transfer(0, 2, 32, 0) + transfer(1, 3, 32, 0),
        transfer(5, 40, 4096, 3) + transfer(6, 41, 1000, 0)};
    for (String p : programs) {
      assertTrue(time(wide, p).cycles() <= time(p).cycles(), p);
    }
    // 4096 bytes to core 35 at (4, 3), 7 hops: 7 + 256 - 1 cycles at 16 bytes, 7 + 128 - 1 at 32.
    assertEquals(3 + 7 + 256 - 1, time(transfer(0, 35, 4096, 0)).cycles());
    assertEquals(3 + 7 + 128 - 1, time(wide, transfer(0, 35, 4096, 0)).cycles());
  }

  /**
   * Random straight-line programs on two cores: the latency is at least each core's
   * instruction count and each unit's busy time (a unit does one instruction at a time), and
   * at least the global port's.
   */
  @Test
  void latencyNeverBeatsTheBusiestUnit() throws SimulationException {
    Random random = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      StringBuilder asm = new StringBuilder();
      int[] counts = new int[2];
      for (int core = 0; core < 2; core++) {
        asm.append("# core ").append(core).append('\n');
        asm.append("G_LI r1, 786432\nG_LI r3, 1048576\nG_LI r5, 1315968\nS_LI s4, 16\n");
        counts[core] = 4;
        for (int i = 0; i < 30; i++) {
          int n = 1 + random.nextInt(2000);
          switch (random.nextInt(5)) {
            case 0 -> asm.append("G_LI r2, ").append(n).append("\nMEM_CPY r1, r2, r3, 0\n");
            case 1 -> asm.append("G_LI r2, ").append(n).append("\nMEM_CPY r5, r2, r1, 0\n");
            case 2 -> asm.append("G_LI r2, 32\nCIM_MVM r1, r2, r0, r0, GRP\n");
            case 3 -> asm.append("G_LI r2, ").append(n).append("\nVEC_ADD_1 r1, r3, r3, r2\n");
            default -> asm.append("G_LI r4, ").append(n).append("\nSC_ADDI r4, r4, 1\n");
          }
          counts[core] += 2;
        }
      }
      TimingReport r = time(asm.toString());
      for (int core = 0; core < 2; core++) {
        assertTrue(r.coreCycles()[core] >= counts[core]);
      }
      assertEquals(counts[0] + counts[1], r.instructions());
      for (long busy : r.busyCyclesByUnit().values()) {
        // two cores: the busiest unit of one of them did at least half of the sum
        assertTrue(2 * r.cycles() >= busy, r.busyCyclesByUnit() + " in " + r.cycles());
      }
      assertTrue(r.cycles() >= r.busyCyclesByUnit().get("global-port"));
      TimingReport single = time(asm.substring(0, asm.indexOf("# core 1")));
      for (String unit : new String[] {"scalar", "cim", "cim-control", "vector", "transfer"}) {
        assertTrue(single.cycles() >= single.busyCyclesByUnit().get(unit),
            unit + ": " + single.busyCyclesByUnit() + " in " + single.cycles());
      }
    }
  }

  /**
   * SC_LDG r5 issues at 1, holds the port for a cycle and ends at 1 + 1 + 6 = 8; an add that
   * reads r5 issues at 8 and ends at 9. An add of another register issues at 2.
   */
  @Test
  void aReaderOfAPendingRegisterWaits() throws SimulationException {
    TimingReport dependent = time("""
        # core 0
        G_LI r1, 1315968
        SC_LDG r1, r5, 0
        SC_ADDI r5, r6, 1
        """);
    assertEquals(9, dependent.cycles());
    TimingReport independent = time("""
        # core 0
        G_LI r1, 1315968
        SC_LDG r1, r5, 0
        SC_ADDI r7, r6, 1
        """);
    assertEquals(8, independent.cycles());
  }

  /**
   * A global load of 640 bytes into the input memory ends at 19 (see the port test); a vector
   * add of 32 elements that reads them waits until then and takes ceil(32 / 32) + 2 = 3
   * cycles: 22. One that reads other bytes issues at 5 and ends at 8, under the load.
   */
  @Test
  void aReaderOfAPendingRangeWaits() throws SimulationException {
    String load = "# core 0\n" + GLOBAL_COPY + "G_LI r4, 32\n";
    assertEquals(22, time(load + "VEC_ADD_1 r3, r3, r3, r4\n").cycles());
    TimingReport apart = time(load + "G_LI r6, 1048576\nVEC_ADD_1 r6, r6, r6, r4\n");
    assertEquals(19, apart.cycles());
    assertEquals(3, apart.busyCyclesByUnit().get("vector"));
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
    SimulationException e = assertThrows(SimulationException.class, () -> time(asm));
    assertTrue(e.isDeadlock());
    assertEquals(0, e.core());
    assertEquals(4, e.pc());
    assertEquals("deadlock: core 0, pc 4 'RECV r1, r10, r10, r2, r3' waits for core 1 to send"
        + " 16 bytes with id 5 (core 1 has ended)", e.getMessage());
  }

  /** A SEND and a RECV that disagree on the size fault, as in the functional simulator. */
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
    SimulationException e = assertThrows(SimulationException.class, () -> time(asm));
    // The RECV issues at 2, the SEND at 3: the fault is the later one's.
    assertEquals(0, e.core());
    assertEquals(3, e.pc());
    assertEquals("core 0, pc 3 'SEND r10, r1, r10, r2, r0': core 0, pc 3 'SEND r10, r1, r10, r2,"
        + " r0' sends 8 bytes to address 786432, but core 1, pc 2 'RECV r0, r10, r10, r2, r0'"
        + " receives 4 bytes at address 786432", e.getMessage());
  }

  /**
   * Core 1 arrives at the barrier at 2, core 0 once its 640-byte global load ends at 19; both
   * leave at 19 + BARRIER_LATENCY = 21, and core 1's next instruction ends at 22.
   */
  @Test
  void aBarrierWaitsForTheLastArrival() throws SimulationException {
    TimingReport r = time("# core 0\n" + GLOBAL_COPY + "G_LI r7, 2\nBARRIER r7, r0\n"
        + "# core 1\nG_LI r7, 2\nBARRIER r7, r0\nG_LI r8, 1\n");
    assertEquals(21, r.coreCycles()[0]);
    assertEquals(22, r.coreCycles()[1]);
  }

  /**
   * The barrier test's two stages: [0, 21) with core 0's six instructions and core 1's two,
   * the load's global energy and 21 cycles of static power; [21, 22) with core 1's last one.
   */
  @Test
  void stagesEndAtTheirBarriers() throws SimulationException {
    TimingReport r = time("# core 0\n" + GLOBAL_COPY + "G_LI r7, 2\nBARRIER r7, r0\n"
        + "# core 1\nG_LI r7, 2\nBARRIER r7, r0\nG_LI r8, 1\n");
    assertEquals(2, r.stages().size());
    TimingReport.StageFigures first = r.stages().get(0);
    TimingReport.StageFigures second = r.stages().get(1);
    assertEquals(0, first.start());
    assertEquals(21, first.end());
    assertEquals(8, first.instructions());
    assertEquals(640 * CIMFLOW.energy().globalPjPerByte(), first.energyByUnit().get("global"),
        1e-9);
    double staticMw = CIMFLOW.energy().staticMwPerCore();
    assertEquals(staticMw * 64 * 21 * 2.0, first.energyByUnit().get("static"), 1e-9);
    assertEquals(21, second.start());
    assertEquals(22, second.end());
    assertEquals(1, second.instructions());
    assertEquals(r.energyPj(), first.energyPj() + second.energyPj(), 1e-6);
    // By core: core 0's dynamic energy is the load's; each core has its static share.
    assertEquals(640 * (CIMFLOW.energy().globalPjPerByte() + CIMFLOW.energy().localPjPerByte())
        + staticMw * 22 * 2.0, r.cores().get(0).energyPj(), 1e-9);
    assertEquals(6, r.cores().get(0).instructions());
    assertEquals(3, r.cores().get(1).instructions());
  }

  private static final java.nio.file.Path NOC_TABLE = java.nio.file.Path.of("..", "dialects",
      "src", "test", "resources", "cimflow", "flit16dim8.json");

  /**
   * With CIMFlow's table, 100 bytes from core 0 to core 63 are 7 flits of lat[0][63] cycles
   * each after the handshake (lat[0][63] + lat[63][0]) from the rendezvous at 3; the energy is
   * the 7 flits and the request at e[0][63] and the ready at e[63][0]. A 640-byte load on core
   * 0 issued at 3: the request (lat[0][-1]), then 40 flits of lat[-1][0].
   */
  @Test
  void theNocTableCostsFlitsByThePair() throws Exception {
    CimflowConfigLoader.NocTable table = CimflowConfigLoader.readNocTable(NOC_TABLE, 64);
    TimingReport r = new TimingSimulator(CIMFLOW, parse(transfer(0, 63, 100, 0)), table)
        .run(GUARD);
    long there = Math.round(table.latency(0, 63));
    long back = Math.round(table.latency(63, 0));
    assertEquals(3 + there + back + 7 * there, r.cycles());
    assertEquals(8 * table.energy(0, 63) + table.energy(63, 0), r.energyByUnit().get("noc"),
        1e-9);
    assertEquals("table", r.noc());

    TimingReport load = new TimingSimulator(CIMFLOW, parse("# core 0\n" + GLOBAL_COPY), table)
        .run(GUARD);
    assertEquals(3 + Math.round(table.latency(0, -1)) + 40 * Math.round(table.latency(-1, 0)),
        load.cycles());
  }

  /**
   * Core 1's TAG issues at 1 and signals at its end, 2; core 0's WAIT (ready at 3) issues at
   * 2 + TAG_LATENCY = 4 and ends at 5, its next instruction at 6. A WAIT for a second signal
   * that never comes is a deadlock.
   */
  @Test
  void aWaitIssuesWhenTheTagsSignalArrives() throws SimulationException {
    TimingReport r = time("""
        # core 0
        G_LI r1, 1
        G_LI r2, 9
        G_LI r3, 1
        WAIT r1, r2, r3
        G_LI r4, 0
        # core 1
        G_LI r2, 9
        TAG r2
        """);
    assertEquals(6, r.coreCycles()[0]);
    assertEquals(2, r.coreCycles()[1]);
    SimulationException e = assertThrows(SimulationException.class, () -> time("""
        # core 0
        G_LI r2, 9
        G_LI r3, 2
        WAIT r0, r2, r3
        # core 1
        G_LI r2, 9
        TAG r2
        """));
    assertTrue(e.isDeadlock());
    assertEquals("deadlock: core 0, pc 2 'WAIT r0, r2, r3' waits for 2 signals of TAG 9 from"
        + " any core (1 seen)", e.getMessage());
  }

  @Test
  void theInstructionGuardStopsARunawayLoop() {
    SimulationException e = assertThrows(SimulationException.class,
        () -> new TimingSimulator(CIMFLOW, parse("# core 0\nJMP 0\n")).run(100));
    assertEquals("the run exceeds 100 instructions over all cores", e.reason());
  }
}
