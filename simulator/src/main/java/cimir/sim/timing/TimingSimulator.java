package cimir.sim.timing;

import static cimir.dialect.isa.VecFunct.DEQUANTIZE;
import static cimir.dialect.isa.VecFunct.LAYER_NORM;
import static cimir.dialect.isa.VecFunct.LUT;
import static cimir.dialect.isa.VecFunct.QUANTIZE_F;
import static cimir.dialect.isa.VecFunct.VEC_QUANTIZE;
import static cimir.dialect.isa.VecFunct.VEC_RESADD_QUANTIZE;
import static cimir.dialect.isa.VecFunct.VEC_RESMUL_QUANTIZE;
import static cimir.dialect.isa.VecFunct.VSET;
import static cimir.dialect.isa.VecFunct.VSMUL;
import static cimir.dialect.isa.VecFunct.VS_DIV;
import static cimir.sim.timing.TimingCore.address;

import cimir.dialect.hw.AddressMap;
import cimir.dialect.hw.CimflowConfigLoader;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import cimir.dialect.isa.Provenance;
import cimir.sim.Fault;
import cimir.sim.Memories;
import cimir.sim.SimulationException;
import cimir.sim.Tags;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Times an ISA program on the chip, event by event (DESIGN 7; the model's formulas are in
 * {@link TimingModel}): per core, in-order issue with a register and memory-range scoreboard
 * over decoupled units; a chip-wide global memory port; SEND/RECV over the mesh with per-link
 * contention; barriers. The registers are run exactly, the data is not.
 *
 * <p>Cores advance in order of their next issue cycle: the core with the earliest one runs
 * until it passes the next core's or blocks at a SEND, RECV or BARRIER, whose partners wake it.
 * The shared resources (the global port, the links) are booked in intervals ({@link Timeline}),
 * so the order in which requests are simulated does not hand a stalled request's late slot to
 * the requests after it. Faults, the instruction guard and deadlocks are reported as the
 * functional simulator reports them.
 */
public final class TimingSimulator {
  /** The cores at an open barrier, and how many it waits for. */
  private record Arrivals(int count, List<TimingCore> cores) {}

  private final HardwareModel hw;
  private final AddressMap map;
  private final long globalBase;
  /** The end of the macro space: a write below it writes arrays. */
  private final long macroEnd;
  /** The memories' places, to check every range an instruction touches. */
  private final Memories space;
  private final TimingCore[] cores;
  private final Mesh mesh;
  private final Map<Integer, Arrivals> openBarriers = new HashMap<>();
  private final Tags tags = new Tags();
  /** Cores in order of their next issue cycle, then of their ids. */
  private static final Comparator<TimingCore> ORDER =
      Comparator.comparingLong((TimingCore c) -> c.time).thenComparingInt(c -> c.id);

  private final PriorityQueue<TimingCore> queue = new PriorityQueue<>(ORDER);
  private final Timeline globalPort = new Timeline();
  /** Where the run's events go, or null. */
  private ChromeTrace trace;
  private Writer traceOut;
  /** The issue cycle of the core being run: no later request of a resource is ready before. */
  private long now;
  private long limit;
  private long maxCycles = Long.MAX_VALUE;
  private boolean checkAddresses = true;
  private long total;
  /** CIMFlow's per-pair NoC table, or null for the mesh. */
  private final CimflowConfigLoader.NocTable table;
  /** Table NoC: each node's injection port (cores, then the global memory), one FIFO each. */
  private final Timeline[] injection;
  private final Ledger ledger;
  private OperatorLedger operators = new OperatorLedger(List.of(), 0);
  private final long[] busy = new long[Unit.values().length];
  /** Cycles the CIM control units of all cores spent in CIM_SWITCH (a part of their busy). */
  private long switchBusy;
  private long globalPortBusy;
  private long nocFlits;
  private long nocFlitHops;

  public TimingSimulator(HardwareModel hw, IsaProgram program) {
    this(hw, program, null);
  }

  /**
   * With `table` non-null, transfers and global accesses cost what CIMFlow's NoC table says
   * (TimingModel), for a like-for-like comparison with CIMFlow's simulator; it must cover
   * every core of `hw`.
   */
  public TimingSimulator(HardwareModel hw, IsaProgram program,
      CimflowConfigLoader.NocTable table) {
    if (table != null && table.cores() < hw.cores()) {
      throw new IllegalArgumentException("the NoC table covers cores 0.." + (table.cores() - 1)
          + ", but '" + hw.name() + "' has cores 0.." + (hw.cores() - 1));
    }
    for (int id : program.cores().keySet()) {
      if (id < 0 || id >= hw.cores()) {
        throw new IllegalArgumentException("the program has a core " + id + ", but '"
            + hw.name() + "' has cores 0.." + (hw.cores() - 1));
      }
    }
    this.hw = hw;
    this.map = AddressMap.of(hw);
    this.globalBase = map.global();
    this.macroEnd = map.wmem();
    this.space = Memories.layout(map);
    this.mesh = new Mesh(hw.meshRows(), hw.meshCols(), hw.noc().cyclesPerHop());
    this.table = table;
    this.injection = new Timeline[hw.cores() + 1];
    for (int i = 0; i < injection.length; i++) {
      injection[i] = new Timeline();
    }
    this.ledger = new Ledger(hw.cores());
    this.cores = new TimingCore[hw.cores()];
    for (int c = 0; c < cores.length; c++) {
      cores[c] = new TimingCore(c, program.cores().getOrDefault(c, List.of()),
          hw.core().macroGroups(), hw.core().macrosPerGroup());
    }
  }

  /**
   * Writes the next run's instructions to `out` as Chrome trace events (a process per core, a
   * thread per unit), which Perfetto opens; the writer stays open.
   */
  public TimingSimulator traceTo(Writer out) {
    this.traceOut = out;
    return this;
  }

  /**
   * Whether a range outside every memory faults (the default). CIMFlow's own 4-convolution
   * program needs `false`: its glue code and its kernels were generated for two different
   * address maps (docs/design/meta-to-isa.md, 2.2), and CIMFlow's timing mode never checks.
   */
  public TimingSimulator checkAddresses(boolean check) {
    this.checkAddresses = check;
    return this;
  }

  /**
   * Accounts the next run's time to the operators `provenance` names (TimingReport.operators);
   * without it, to none.
   */
  public TimingSimulator attribute(Provenance provenance) {
    this.operators = new OperatorLedger(provenance.operators(), cores.length);
    for (TimingCore c : cores) {
      c.operator = provenance.ofCore(c.id, c.code.length);
    }
    return this;
  }

  /** Stops the next run with a fault when an instruction would end after cycle `cycles`. */
  public TimingSimulator maxCycles(long cycles) {
    this.maxCycles = cycles;
    return this;
  }

  /**
   * Times every core to its end; throws on a fault or deadlock. `maxInstructions`: a guard
   * over all cores.
   */
  public TimingReport run(long maxInstructions) throws SimulationException {
    checkFields();
    limit = maxInstructions;
    if (traceOut != null) {
      trace = new ChromeTrace(traceOut, hw.nsPerCycle());
    }
    for (TimingCore c : cores) {
      if (c.runnable()) {
        queue.add(c);
        if (trace != null) {
          trace.core(c.id);
        }
      }
    }
    while (!queue.isEmpty()) {
      TimingCore c = queue.poll();
      TimingCore next = queue.peek();
      now = c.time;
      while (c.runnable() && (next == null || ORDER.compare(c, next) < 0)) {
        step(c);
      }
      if (c.runnable()) {
        queue.add(c);
      }
    }
    List<SimulationException.Blocked> blocked = new ArrayList<>();
    for (TimingCore c : cores) {
      if (c.wait != null) {
        blocked.add(new SimulationException.Blocked(c.id, c.pc, c.code[c.pc].source(),
            waitsFor(c.wait)));
      }
    }
    if (trace != null) {
      trace.finish();
    }
    if (!blocked.isEmpty()) {
      throw SimulationException.deadlock(blocked);
    }
    return report();
  }

  private TimingReport report() {
    long cycles = 0;
    long[] coreCycles = new long[cores.length];
    long instructions = 0;
    for (TimingCore c : cores) {
      coreCycles[c.id] = c.lastEnd;
      cycles = Math.max(cycles, c.lastEnd);
      instructions += c.executed;
    }
    double ns = hw.nsPerCycle();
    double seconds = cycles * ns * 1e-9;
    double staticMw = hw.energy().staticMwPerCore(); // mW x ns = pJ
    Map<String, Double> energy = new LinkedHashMap<>();
    for (Ledger.Kind k : Ledger.Kind.values()) {
      energy.put(k.key, ledger.total(k));
    }
    energy.put("static", staticMw * hw.cores() * cycles * ns);
    double totalPj = energy.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Long> busyByUnit = new LinkedHashMap<>();
    Map<String, Double> utilisation = new LinkedHashMap<>();
    long macroCycles = 0;
    long macs = 0;
    List<TimingReport.StageFigures> stages = new ArrayList<>();
    long start = 0;
    List<Ledger.Stage> ran = ledger.stages();
    for (int k = 0; k < ran.size(); k++) {
      Ledger.Stage s = ran.get(k);
      Map<String, Double> pj = byKind(s.pj, staticMw * hw.cores() * (s.end - start) * ns);
      Map<String, Long> stageBusy = new LinkedHashMap<>();
      for (Unit u : Unit.values()) {
        stageBusy.put(u.key, s.busy[u.ordinal()]);
      }
      stages.add(new TimingReport.StageFigures(k, start, s.end, s.instructions, s.arrayMacs,
          sum(pj), pj, share(s.macroCycles, hw.totalMacros() * (s.end - start)), stageBusy,
          s.activeCores.cardinality()));
      macroCycles += s.macroCycles;
      macs += s.arrayMacs;
      start = s.end;
    }
    utilisation.put("arrays", share(macroCycles, hw.totalMacros() * cycles));
    for (Unit u : Unit.values()) {
      busyByUnit.put(u.key, busy[u.ordinal()]);
      utilisation.put(u.key, share(busy[u.ordinal()], (long) hw.cores() * cycles));
    }
    busyByUnit.put("cim-switch", switchBusy);
    busyByUnit.put("global-port", globalPortBusy);
    busyByUnit.put("noc-links", nocFlitHops);
    utilisation.put("global-port", share(globalPortBusy, cycles));
    utilisation.put("noc-links", share(nocFlitHops, (long) mesh.links() * cycles));
    List<TimingReport.CoreFigures> perCore = new ArrayList<>();
    for (TimingCore c : cores) {
      Map<String, Double> pj = byKind(ledger.corePj(c.id), staticMw * cycles * ns);
      perCore.add(new TimingReport.CoreFigures(c.id, c.lastEnd, c.executed,
          ledger.coreMacs(c.id), sum(pj), pj));
    }
    return new TimingReport(cycles, seconds, totalPj, coreCycles, energy, busyByUnit,
        instructions, nocFlits, nocFlitHops, macs, utilisation, perCore, stages,
        operators.figures(), table == null ? "mesh" : "table");
  }

  /** Dynamic energies by kind plus `staticPj`, keyed as the report keys them. */
  private static Map<String, Double> byKind(double[] pj, double staticPj) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Ledger.Kind k : Ledger.Kind.values()) {
      out.put(k.key, pj[k.ordinal()]);
    }
    out.put("static", staticPj);
    return out;
  }

  private static double sum(Map<String, Double> pj) {
    return pj.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }

  /** Every field of every instruction in its range (a register below 32, say). */
  private void checkFields() throws SimulationException {
    for (TimingCore c : cores) {
      for (int pc = 0; pc < c.code.length; pc++) {
        IsaInst inst = c.code[pc].source();
        List<String> errors = inst.rangeErrors();
        if (!errors.isEmpty()) {
          throw SimulationException.fault(c.id, pc, inst, String.join("; ", errors));
        }
      }
    }
  }

  private void step(TimingCore c) throws SimulationException {
    TimingCore.Op op = c.code[c.pc];
    try {
      switch (op.kind()) {
        case SEND -> send(c, op);
        case RECV -> recv(c, op);
        case BARRIER -> barrier(c, op);
        case TAG -> tag(c, op);
        case WAIT -> await(c, op);
        default -> local(c, op);
      }
    } catch (Fault f) {
      throw SimulationException.fault(c.id, c.pc, op.source(), f.getMessage());
    }
  }

  /** An instruction that involves no other core. */
  private void local(TimingCore c, TimingCore.Op op) throws Fault, SimulationException {
    int[] f = op.f();
    int[] r = c.grf;
    int[] s = c.srf;
    HardwareModel.Core core = hw.core();
    c.clearRanges();
    long unitAt = c.unitReady(op);
    long issue = c.registersReady(op, unitAt);
    long registersAt = issue;
    switch (op.kind()) {
      case SC_LD, SC_LDG -> c.read(address(r[f[0]], f[2]), 4);
      case SC_ST, SC_STG -> c.write(address(r[f[0]], f[2]), 4);
      case MEM_CPY -> {
        c.read(copySource(op, r), r[f[1]]);
        c.write(copyDestination(op, r), r[f[1]]);
      }
      case CIM_MVM -> c.read(address(r[f[0]], 0),
          (long) Math.max(0, s[4] - 1) * s[6] + r[f[1]]);
      case CIM_OUT -> c.write(address(r[f[2]], 0), 4L * r[f[0]] * Math.max(0, s[4]));
      case VEC_OP -> vectorRanges(c, f);
      case REDUCE -> {
        c.read(address(r[f[0]], 0), Math.max(0, r[f[1]]) * width(s[16]));
        c.write(address(r[f[2]], 0), width(s[20]));
      }
      default -> { }
    }
    if (checkAddresses) {
      c.checkRanges(op.kind(), space, globalBase);
    }
    boolean cim = c.cimGroups(op);
    if (op.kind() == Instruction.CIM_MVM || op.kind() == Instruction.CIM_SWITCH) {
      // A product reads its groups' weights, a switch changes its arrays: both wait for the
      // copies into those arrays, and later copies into them wait for these.
      long first = map.array((long) c.groupFirst * hw.core().macrosPerGroup());
      long bytes = map.array((long) c.groupEnd * hw.core().macrosPerGroup()) - first;
      if (op.kind() == Instruction.CIM_MVM) {
        c.read(first, bytes);
      } else {
        c.write(first, bytes);
      }
    }
    issue = c.rangesReady(issue);
    long memoryAt = issue;
    if (cim) {
      issue = c.groupsReady(op, issue);
    }
    if (c.operator != null) {
      operators.stalled(c.operator[c.pc], op.unit(), unitAt - c.time, registersAt - unitAt,
          memoryAt - registersAt, issue - memoryAt);
    }
    long end = issue + 1;
    switch (op.kind()) {
      case SC_LD, SC_ST -> ledger.charge(c, Ledger.Kind.LOCAL,
          4 * hw.energy().localPjPerByte());
      case SC_LDG, SC_STG -> {
        end = global(c, op.kind() == Instruction.SC_LDG, issue, 4);
        ledger.charge(c, Ledger.Kind.GLOBAL, 4 * hw.energy().globalPjPerByte());
      }
      case MEM_CPY -> {
        long src = copySource(op, r);
        long dst = copyDestination(op, r);
        long n = Integer.toUnsignedLong(r[f[1]]);
        boolean fromGlobal = src >= globalBase;
        boolean toGlobal = dst >= globalBase;
        if (fromGlobal && toGlobal) {
          throw new Fault("copies from global memory " + range(src, n) + " to global memory "
              + range(dst, n));
        }
        if (fromGlobal || toGlobal) {
          end = global(c, fromGlobal, issue, n);
          ledger.charge(c, Ledger.Kind.GLOBAL, n * hw.energy().globalPjPerByte());
          ledger.charge(c, Ledger.Kind.LOCAL, n * hw.energy().localPjPerByte());
        } else {
          end = issue + TimingModel.localCycles(hw, n);
          ledger.charge(c, Ledger.Kind.LOCAL, 2 * n * hw.energy().localPjPerByte());
        }
        if (dst < macroEnd) { // weights (or memory-mode data) written into arrays
          ledger.charge(c, Ledger.Kind.CIM, n * hw.energy().weightWritePjPerByte());
        }
      }
      case CIM_MVM -> {
        long groups = Math.max(0, s[4]);
        end = issue + TimingModel.mvmCycles(hw);
        long macs = TimingModel.mvmMacs(hw, groups, r[f[1]]);
        ledger.charge(c, Ledger.Kind.CIM, macs * hw.energy().macPj());
        ledger.charge(c, Ledger.Kind.LOCAL, groups * Math.max(0, r[f[1]])
            * hw.energy().localPjPerByte());
        ledger.multiply(c, macs, groups * core.macrosPerGroup() * TimingModel.mvmInterval(hw));
      }
      case CIM_OUT -> {
        long groups = Math.max(0, s[4]);
        long outputs = Math.max(0, r[f[0]]);
        end = issue + TimingModel.outCycles(hw, outputs, groups);
        ledger.charge(c, Ledger.Kind.LOCAL, 4 * outputs * groups
            * hw.energy().localPjPerByte());
      }
      case CIM_SWITCH -> {
        end = issue + Math.max(1, core.macro().switchCycles());
        switchBusy += end - issue;
        ledger.charge(c, Ledger.Kind.CIM, Math.max(0, r[f[1]]) * hw.energy().switchPj());
      }
      case VEC_OP -> {
        long n = Math.max(0, r[f[3]]);
        end = issue + TimingModel.vectorCycles(hw, n);
        ledger.charge(c, Ledger.Kind.VECTOR, n * hw.energy().vectorPjPerOp());
        ledger.charge(c, Ledger.Kind.LOCAL, vectorBytes(c, f) * hw.energy().localPjPerByte());
      }
      case REDUCE -> {
        long n = Math.max(0, r[f[1]]);
        end = issue + TimingModel.reduceCycles(hw, n);
        ledger.charge(c, Ledger.Kind.VECTOR, n * hw.energy().vectorPjPerOp());
        ledger.charge(c, Ledger.Kind.LOCAL, (n * width(s[16]) + width(s[20]))
            * hw.energy().localPjPerByte());
      }
      default -> { }
    }
    if (cim) {
      c.groupsBusy(op, end);
    }
    int next = c.execute(op);
    c.retire(op, issue, end);
    // The unit is busy until `held`: a product holds the pipelined CIM unit for its input bits.
    long held = end;
    if (op.kind() == Instruction.CIM_MVM) {
      held = issue + TimingModel.mvmInterval(hw);
      c.freeUnit(Unit.CIM, held);
    }
    if (op.unit() != null) {
      busy(c, op.unit(), held - issue);
      if (trace != null) {
        trace.event(c.id, op.unit(), op.kind().name(), issue, held);
      }
    }
    complete(c, next);
  }

  private static long copySource(TimingCore.Op op, int[] r) {
    int[] f = op.f();
    return address(r[f[0]], (f[4] & 2) != 0 ? f[3] : 0);
  }

  private static long copyDestination(TimingCore.Op op, int[] r) {
    int[] f = op.f();
    return address(r[f[2]], (f[4] & 1) != 0 ? f[3] : 0);
  }

  /**
   * A global access of `bytes` bytes by core `c` (a load when `load`), ready at `issue`; its
   * end. On the mesh: through the one global port. With the NoC table: a request flit and the
   * data's flits between the core and the global memory (node -1), the data holding its
   * sender's injection port, the answer (data or acknowledgement) after the request.
   */
  private long global(TimingCore c, boolean load, long issue, long bytes) {
    if (table == null) {
      long hold = TimingModel.globalPortCycles(hw, bytes);
      long start = globalPort.earliestFit(issue, hold);
      globalPort.book(start, hold, now);
      globalPortBusy += hold;
      return start + hold + TimingModel.GLOBAL_LATENCY;
    }
    int from = load ? -1 : c.id;
    int to = load ? c.id : -1;
    long flits = TimingModel.flits(hw, bytes);
    long perFlit = Math.round(table.latency(from, to));
    long hold = flits * perFlit;
    // A load's data leaves after its request arrives; a store's acknowledgement follows it.
    long ready = load ? issue + Math.round(table.latency(to, from)) : issue;
    Timeline port = injection[node(from)];
    long start = port.earliestFit(ready, hold);
    port.book(start, hold, now);
    if (load) {
      globalPortBusy += hold;
    }
    ledger.charge(c, Ledger.Kind.NOC, flits * table.energy(from, to) + table.energy(to, from));
    return start + hold + (load ? 0 : Math.round(table.latency(to, from)));
  }

  /** The index of a node's injection port: cores by id, the global memory (-1) last. */
  private int node(int id) {
    return id < 0 ? cores.length : id;
  }

  /**
   * The ranges of a VEC_OP: inputs of `GRF[re]` elements of their widths (special registers 16
   * to 19, in bits), the records, tables and scalars some functions read instead, the output.
   */
  private static void vectorRanges(TimingCore c, int[] f) {
    int[] r = c.grf;
    int[] s = c.srf;
    long n = Math.max(0, r[f[3]]);
    int funct = f[4];
    int inputs = f[5];
    c.read(address(r[f[0]], 0), funct == VSET ? width(s[16]) : n * width(s[16]));
    if (inputs >= 2) {
      long in2 = switch (funct) {
        case VEC_QUANTIZE -> 8 * n;
        case LUT -> 256;
        case VSMUL, VS_DIV, DEQUANTIZE, QUANTIZE_F -> width(s[17]);
        case VSET -> 0;
        default -> n * width(s[17]);
      };
      c.read(address(r[f[1]], 0), in2);
    }
    if (inputs >= 3) {
      boolean record = funct == VEC_RESADD_QUANTIZE || funct == VEC_RESMUL_QUANTIZE;
      c.read(address(s[21], 0), record ? 11 : n * width(s[18]));
    }
    if (inputs >= 4) {
      c.read(address(s[22], 0), funct == LAYER_NORM ? 4 : n * width(s[19]));
    }
    c.write(address(r[f[2]], 0), n * width(s[20]));
  }

  /** Bytes a VEC_OP reads and writes, from the ranges `vectorRanges` gave. */
  private static long vectorBytes(TimingCore c, int[] f) {
    int[] s = c.srf;
    long n = Math.max(0, c.grf[f[3]]);
    long bytes = (f[4] == VSET ? 1 : n) * width(s[16]) + n * width(s[20]);
    for (int k = 2; k <= f[5]; k++) {
      bytes += n * width(s[15 + k]);
    }
    return bytes;
  }

  /** Bytes of an element `bits` wide; at least one. */
  private static long width(int bits) {
    return Math.max(1, (bits + 7) / 8);
  }

  /** The instruction at `c`'s PC has completed; `next` is its next PC. */
  private void complete(TimingCore c, int next) throws SimulationException {
    if (total == limit) {
      throw SimulationException.fault(c.id, c.pc, c.code[c.pc].source(), "the run exceeds "
          + limit + " instructions over all cores");
    }
    if (c.lastEnd > maxCycles) {
      throw SimulationException.fault(c.id, c.pc, c.code[c.pc].source(), "the run passes "
          + maxCycles + " cycles (--max-cycles)");
    }
    total++;
    ledger.completed(c, c.lastEnd);
    if (c.operator != null) {
      Instruction kind = c.code[c.pc].kind();
      boolean sync = kind == Instruction.SEND || kind == Instruction.RECV
          || kind == Instruction.BARRIER || kind == Instruction.WAIT;
      operators.completed(c.operator[c.pc], c.id, c.retiredIssue, c.retiredEnd,
          sync ? 1 : c.retiredIssue - c.previousIssue + 1);
      c.previousIssue = c.retiredIssue + 1;
    }
    c.pc = next;
  }

  /** SEND rs, rt, rd, re, rf: `GRF[re]` bytes at `GRF[rs]` to core `GRF[rt]`, at `GRF[rd]`. */
  private void send(TimingCore c, TimingCore.Op op) throws Fault, SimulationException {
    int[] f = op.f();
    int to = c.grf[f[1]];
    checkPeer(c, to, "destination");
    c.clearRanges();
    long src = address(c.grf[f[0]], 0);
    int bytes = c.grf[f[3]];
    c.read(src, bytes);
    if (checkAddresses) {
      c.checkRanges(op.kind(), space, globalBase);
    }
    long ready = c.rangesReady(c.earliest(op));
    TimingCore.SendWait s = new TimingCore.SendWait(to, c.grf[f[4]], src,
        address(c.grf[f[2]], 0), bytes, ready);
    TimingCore receiver = cores[to];
    if (receiver.wait instanceof TimingCore.RecvWait r && r.from() == c.id
        && r.id() == s.id()) {
      rendezvous(c, s, receiver, r, receiver);
    } else {
      c.wait = s;
    }
  }

  /** RECV rs, rt, rd, re, rf: `GRF[re]` bytes from core `GRF[rs]` into `GRF[rd]`. */
  private void recv(TimingCore c, TimingCore.Op op) throws Fault, SimulationException {
    int[] f = op.f();
    int from = c.grf[f[0]];
    checkPeer(c, from, "source");
    c.clearRanges();
    long dst = address(c.grf[f[2]], 0);
    int bytes = c.grf[f[3]];
    c.write(dst, bytes);
    if (checkAddresses) {
      c.checkRanges(op.kind(), space, globalBase);
    }
    long ready = c.rangesReady(c.earliest(op));
    TimingCore.RecvWait r = new TimingCore.RecvWait(from, c.grf[f[4]], dst, bytes, ready);
    TimingCore sender = cores[from];
    if (sender.wait instanceof TimingCore.SendWait s && s.to() == c.id && s.id() == r.id()) {
      rendezvous(sender, s, c, r, sender);
    } else {
      c.wait = r;
    }
  }

  private void checkPeer(TimingCore c, int peer, String role) throws Fault {
    if (peer < 0 || peer >= cores.length) {
      throw new Fault("the " + role + " core " + peer + " does not exist (cores 0.."
          + (cores.length - 1) + ")");
    }
    if (peer == c.id) {
      throw new Fault("the " + role + " core is the core itself");
    }
  }

  /**
   * Both ends of a transfer have issued: it starts when the later did and the route's links
   * let it, and holds both transfer units until its last flit arrives. `waiting` is the end
   * that arrived first, which wakes.
   */
  private void rendezvous(TimingCore sender, TimingCore.SendWait s, TimingCore receiver,
      TimingCore.RecvWait r, TimingCore waiting) throws Fault, SimulationException {
    if (s.bytes() != r.bytes()) { // the receiver's address counts (meta-to-isa.md A11)
      throw new Fault(SimulationException.at(sender.id, sender.pc,
          sender.code[sender.pc].source()) + " sends " + s.bytes() + " bytes to address "
          + s.dst() + ", but " + SimulationException.at(receiver.id, receiver.pc,
              receiver.code[receiver.pc].source()) + " receives " + r.bytes()
          + " bytes at address " + r.dst());
    }
    long bytes = Integer.toUnsignedLong(s.bytes());
    int hops = mesh.hops(sender.id, receiver.id);
    long flits = TimingModel.flits(hw, bytes);
    long rendezvous = Math.max(s.ready(), r.ready());
    long end;
    if (table == null) {
      long start = mesh.reserve(sender.id, receiver.id, rendezvous, flits, now);
      end = start + TimingModel.transferCycles(hw, bytes, hops);
      ledger.charge(sender, Ledger.Kind.NOC, flits * hops * hw.energy().nocPjPerFlitHop());
    } else {
      // The handshake (the sender's request, the receiver's ready), then the data's flits,
      // each the table's cycles, holding the sender's injection port (reference 1.4).
      long there = Math.round(table.latency(sender.id, receiver.id));
      long back = Math.round(table.latency(receiver.id, sender.id));
      long hold = flits * there;
      Timeline port = injection[node(sender.id)];
      long start = port.earliestFit(rendezvous + there + back, hold);
      port.book(start, hold, now);
      end = start + hold;
      ledger.charge(sender, Ledger.Kind.NOC, (flits + 1) * table.energy(sender.id, receiver.id)
          + table.energy(receiver.id, sender.id));
    }
    nocFlits += flits;
    nocFlitHops += flits * hops;
    ledger.charge(sender, Ledger.Kind.LOCAL, bytes * hw.energy().localPjPerByte());
    ledger.charge(receiver, Ledger.Kind.LOCAL, bytes * hw.energy().localPjPerByte());
    for (TimingCore c : new TimingCore[] {sender, receiver}) {
      c.wait = null;
      c.retire(c.code[c.pc], rendezvous, end);
      busy(c, Unit.TRANSFER, end - rendezvous);
      if (trace != null) {
        trace.event(c.id, Unit.TRANSFER, c.code[c.pc].kind().name(), rendezvous, end);
      }
      complete(c, c.pc + 1);
    }
    wake(waiting);
  }

  /** BARRIER rs, rt: wait until `GRF[rs]` cores have arrived at barrier `GRF[rt]`. */
  private void barrier(TimingCore c, TimingCore.Op op) throws Fault, SimulationException {
    int[] f = op.f();
    int count = c.grf[f[0]];
    int id = c.grf[f[1]];
    if (count < 1 || count > cores.length) {
      throw new Fault("a barrier of " + count + " cores on a chip of " + cores.length);
    }
    Arrivals arrivals = openBarriers.computeIfAbsent(id, k -> new Arrivals(count,
        new ArrayList<>()));
    if (arrivals.count() != count) {
      TimingCore first = arrivals.cores().get(0);
      throw new Fault("the barrier " + id + " waits for " + count + " cores here, but for "
          + arrivals.count() + " at " + SimulationException.at(first.id, first.pc,
              first.code[first.pc].source()));
    }
    // A barrier orders memory: it arrives once every earlier instruction has completed.
    long ready = Math.max(c.earliest(op), c.lastEnd);
    c.wait = new TimingCore.BarrierWait(id, count, ready);
    arrivals.cores().add(c);
    if (arrivals.cores().size() < count) {
      return;
    }
    openBarriers.remove(id);
    long release = 0;
    for (TimingCore a : arrivals.cores()) {
      release = Math.max(release, ((TimingCore.BarrierWait) a.wait).ready());
    }
    release += TimingModel.BARRIER_LATENCY;
    for (TimingCore a : arrivals.cores()) {
      if (trace != null) {
        trace.event(a.id, Unit.TRANSFER, "BARRIER", ((TimingCore.BarrierWait) a.wait).ready(),
            release);
      }
      a.wait = null;
      a.clearRanges();
      a.retire(a.code[a.pc], release - 1, release);
      complete(a, a.pc + 1);
      ledger.leave(a, release);
      if (a != c) {
        wake(a);
      }
    }
  }

  /** TAG rs: signals `GRF[rs]` when it ends, and releases the WAITs it completes. */
  private void tag(TimingCore c, TimingCore.Op op) throws SimulationException {
    c.clearRanges();
    long issue = c.earliest(op);
    long end = issue + 1;
    tags.tag(c.id, c.grf[op.f()[0]], end);
    finish(c, op, issue, end);
    for (TimingCore w : cores) {
      if (w.wait instanceof TimingCore.TagWait t && tags.seen(t.from(), t.id()) >= t.count()) {
        w.wait = null;
        long at = Math.max(t.ready(), tags.nth(t.from(), t.id(), t.count())
            + TimingModel.TAG_LATENCY);
        finish(w, w.code[w.pc], at, at + 1);
        wake(w);
      }
    }
  }

  /** WAIT rs, rt, rd: until TAG `GRF[rt]` from core `GRF[rs]` (0: any) came `GRF[rd]` times. */
  private void await(TimingCore c, TimingCore.Op op) throws Fault, SimulationException {
    int[] f = op.f();
    TimingCore.TagWait t = new TimingCore.TagWait(c.grf[f[0]], c.grf[f[1]], c.grf[f[2]],
        c.earliest(op));
    Tags.check(t.from(), t.count(), cores.length);
    c.clearRanges();
    if (tags.seen(t.from(), t.id()) >= t.count()) {
      long at = t.count() == 0 ? t.ready() : Math.max(t.ready(),
          tags.nth(t.from(), t.id(), t.count()) + TimingModel.TAG_LATENCY);
      finish(c, op, at, at + 1);
    } else {
      c.wait = t;
    }
  }

  /** `unit` of `c` was busy for `cycles`: counted for the chip and for `c`'s stage. */
  private void busy(TimingCore c, Unit unit, long cycles) {
    busy[unit.ordinal()] += cycles;
    ledger.busy(c, unit, cycles);
    if (c.operator != null) {
      operators.busy(c.operator[c.pc], unit, cycles);
    }
  }

  /** `op`, a synchronisation on the transfer unit, ran on `c` from `issue` to `end`. */
  private void finish(TimingCore c, TimingCore.Op op, long issue, long end)
      throws SimulationException {
    c.retire(op, issue, end);
    busy(c, Unit.TRANSFER, end - issue);
    if (trace != null) {
      trace.event(c.id, Unit.TRANSFER, op.kind().name(), issue, end);
    }
    complete(c, c.pc + 1);
  }

  /** A core that was blocked can run again. */
  private void wake(TimingCore c) {
    if (c.runnable()) {
      queue.add(c);
    }
  }

  /** `core 1 to receive 64 bytes with id 3 (core 1 has ended)`, as the functional one says. */
  private String waitsFor(TimingCore.Wait w) {
    if (w instanceof TimingCore.TagWait t) {
      return tags.waitsFor(t.from(), t.id(), t.count());
    }
    if (w instanceof TimingCore.SendWait s) {
      return SimulationException.toReceive(s.to(), s.bytes(), s.id(), cores[s.to()].ended());
    }
    if (w instanceof TimingCore.RecvWait r) {
      return SimulationException.toSend(r.from(), r.bytes(), r.id(), cores[r.from()].ended());
    }
    TimingCore.BarrierWait b = (TimingCore.BarrierWait) w;
    return SimulationException.toGather(b.id(), b.count(),
        openBarriers.get(b.id()).cores().size());
  }

  /** `[a, b)`. */
  private static String range(long addr, long n) {
    return "[" + addr + ", " + (addr + n) + ")";
  }
}
