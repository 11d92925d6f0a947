package cimir.tools;

import cimir.dialect.func.FuncOp;
import cimir.dialect.hw.CimflowConfigLoader;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwArch;
import cimir.dialect.hw.HwException;
import cimir.dialect.isa.IsaProgram;
import cimir.dialect.isa.Provenance;
import cimir.interp.ModelInputs;
import cimir.interp.Tensor;
import cimir.ir.Attribute;
import cimir.ir.Context;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.sim.FunctionalSimulator;
import cimir.sim.MemoryImage;
import cimir.sim.SimulationException;
import cimir.sim.timing.TimingReport;
import cimir.sim.timing.TimingSimulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The cim-sim driver: runs a compiled program (a function whose work is an `isa.program`, as
 * the named pipelines make it) on the simulated chip. By default it times the program
 * (`cimir.sim.timing`: latency, energy, per unit; `--report`, `--trace`); a bare
 * `isa.program` (one imported from CIMFlow's JSON) will do. With `--functional` the memories
 * hold real bytes: the inputs and weights are placed as the program's memory image says, every core
 * executes, and the function's results are read back and printed as JSON, in cim-interp's
 * format; `--expect` compares them with a reference, bit for bit.
 */
@Command(name = "cim-sim", mixinStandardHelpOptions = true, versionProvider = Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Simulates a compiled isa program: its latency and energy, or with"
        + " --functional its real outputs.")
public final class CimSim extends ToolCommand {
  @Parameters(index = "0", arity = "0..1", defaultValue = "-", paramLabel = "INPUT",
      description = "a module with the compiled function, a program file (.json: CIMFlow's"
          + " program JSON; .bin; .s or .asm), or - for standard input (default)")
  String input;

  @Option(names = "--functional", description = "run on real data and print the results"
      + " (default: time the program and print latency and energy)")
  boolean functional;

  @Option(names = "--report", paramLabel = "FILE",
      description = "timing: write every figure as JSON (per unit, per core)")
  Path report;

  @Option(names = "--trace", paramLabel = "FILE",
      description = "timing: write Chrome trace events (a process per core, a thread per unit)"
          + " that Perfetto opens")
  Path trace;

  @Option(names = "--noc-table", paramLabel = "FILE",
      description = "timing: cost transfers and global accesses by CIMFlow's per-pair NoC"
          + " table (flit16dim8.json: cycles and pJ per flit) instead of the mesh model")
  Path nocTable;

  @Option(names = "--function", paramLabel = "NAME", defaultValue = "main",
      description = "the function to run (default: main)")
  String function;

  @Option(names = "--data-inputs", paramLabel = "N", defaultValue = "1",
      description = "leading arguments that are data inputs, x[i] = ((i mod 17) - 8) / 8; the"
          + " others are weights drawn as docs/int8.md says (default: 1)")
  int dataInputs;

  @Option(names = "--expect", paramLabel = "FILE",
      description = "a cim-interp JSON output the results must equal bit for bit")
  Path expect;

  @Option(names = "--max-instructions", paramLabel = "N", defaultValue = "4000000000",
      description = "stop with an error after this many instructions over all cores")
  long maxInstructions;

  @Option(names = "--unchecked-addresses", description = "timing: do not check that every"
      + " range lies in one memory (CIMFlow's own programs mix two address maps)")
  boolean uncheckedAddresses;

  @Option(names = "--max-cycles", paramLabel = "N", defaultValue = "1000000000000",
      description = "timing: stop with an error when the run passes this many cycles")
  long maxCycles;

  @Option(names = "--stats", description = "print the instructions each core executed to"
      + " standard error")
  boolean stats;

  @Mixin ArchOptions arch = new ArchOptions();

  @Option(names = "-o", paramLabel = "FILE", description = "output file (default: standard output)")
  String output;

  /** Runs cim-sim in-process; returns the exit status (0 ok, 1 diagnostic, 2 usage). */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    return ToolCommand.run(new CimSim(), args, stdin, stdout, stderr);
  }

  public static void main(String[] args) {
    System.exit(Tools.onBigStack(() -> run(args, System.in, System.out, System.err)));
  }

  @Override
  public Integer call() throws IOException {
    if (!arch.check("cim-sim", stderr)) {
      return 1;
    }
    Context ctx = Registrations.newContext();
    Operation module = ModuleInput.read(ctx, input, stdin, arch, stderr);
    if (module == null) {
      return 1;
    }
    String file = SourceText.displayName(input);
    Operation func = ModuleInput.function(module, function);
    Operation program = null;
    if (func != null) {
      for (Operation op : new FuncOp(func).body()) {
        if (op.name().equals("isa.program")) {
          program = op;
        }
      }
    }
    if (program == null && !functional) { // timing needs no data: a bare program will do
      List<Operation> found = new ArrayList<>();
      module.walk(op -> {
        if (op.name().equals("isa.program")) {
          found.add(op);
        }
      });
      program = found.size() == 1 ? found.get(0) : null;
    }
    if (program == null) {
      ctx.diagnostics().error(new Location.Name(file, null), "no function '@" + function
          + "' whose work is an 'isa.program' (compile it with a named pipeline first)");
      ctx.diagnostics().flush(stderr);
      return 1;
    }
    HardwareModel hw;
    try {
      hw = HwArch.resolve(module);
      hw = hw != null ? hw : HwArch.load("cimflow");
    } catch (HwException e) {
      stderr.println(file + ": error: cannot resolve the hardware: " + e.detail());
      return 1;
    }
    if (!functional) {
      return time(hw, program, file, ctx);
    }
    // Inference k of a batch program gets the k-th rule input (ModelInputs), as cim-run's check.
    int batch = MemoryImage.batch(program);
    List<List<Tensor>> images = new ArrayList<>();
    for (int k = 0; k < batch; k++) {
      List<Tensor> args;
      try {
        args = ModelInputs.arguments(func, dataInputs, k);
      } catch (IllegalArgumentException e) {
        stderr.println(file + ": error: " + e.getMessage());
        return 1;
      }
      try {
        images.add(MemoryImage.operands(program, args));
      } catch (IllegalArgumentException e) {
        ctx.diagnostics().opError(program, e.getMessage().replace("the program ", ""));
        ctx.diagnostics().flush(stderr);
        return 1;
      }
    }
    if (batch > 1) {
      stderr.println("cim-sim: the program runs " + batch + " inferences; the results shown"
          + " are the first's");
    }
    List<Tensor> results;
    try {
      FunctionalSimulator sim = new FunctionalSimulator(hw, IsaProgram.fromOp(program),
          MemoryImage.buildImages(program, images));
      FunctionalSimulator.Result run = sim.run(maxInstructions);
      results = MemoryImage.results(program, sim.global());
      if (stats) {
        long total = 0;
        for (int c = 0; c < run.executed().length; c++) {
          total += run.executed()[c];
        }
        stderr.println("cim-sim: " + total + " instructions executed over "
            + run.executed().length + " cores, " + plural(run.transfers(), "transfer") + ", "
            + plural(run.barriers(), "barrier"));
      }
    } catch (SimulationException e) {
      report(e, program, file, ctx);
      return 1;
    } catch (IllegalArgumentException e) {
      stderr.println(file + ": error: the program's memory image: " + e.getMessage());
      return 1;
    }
    if (expect != null && !matches(results, file)) {
      return 1;
    }
    String json = CimInterp.toJson(results);
    return Tools.writeOutput(output, stdout, stderr, "cim-sim", out -> {
      out.write(json);
      return true;
    }) ? 0 : 1;
  }

  /** Times the program: a summary on stdout, `--report` and `--trace` files on request. */
  private int time(HardwareModel hw, Operation program, String file, Context ctx)
      throws IOException {
    CimflowConfigLoader.NocTable table = null;
    if (nocTable != null) {
      try {
        table = CimflowConfigLoader.readNocTable(nocTable, hw.cores());
      } catch (HwException e) {
        stderr.println(e.getMessage());
        return 1;
      }
    }
    TimingSimulator sim = new TimingSimulator(hw, IsaProgram.fromOp(program), table)
        .maxCycles(maxCycles).checkAddresses(!uncheckedAddresses)
        .attribute(Provenance.of(program));
    java.io.StringWriter events = trace != null ? new java.io.StringWriter() : null;
    if (events != null) {
      sim.traceTo(events);
    }
    TimingReport r;
    try {
      r = sim.run(maxInstructions);
    } catch (SimulationException e) {
      report(e, program, file, ctx);
      return 1;
    }
    if (events != null && !Tools.writeOutput(trace.toString(), stdout, stderr, "cim-sim",
        out -> {
          out.write(events.toString());
          return true;
        })) {
      return 1;
    }
    if (report != null && !Tools.writeOutput(report.toString(), stdout, stderr, "cim-sim",
        out -> {
          out.write(json(reportNode(hw, r, nocTable)));
          return true;
        })) {
      return 1;
    }
    String out = summary(hw, r);
    return Tools.writeOutput(output, stdout, stderr, "cim-sim", o -> {
      o.write(out);
      return true;
    }) ? 0 : 1;
  }

  /** The readable summary of a timing run, a table of its stages included. */
  private String summary(HardwareModel hw, TimingReport r) {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "latency: %d cycles, %.3f us at %.0f MHz%n",
        r.cycles(), r.seconds() * 1e6, hw.clockMhz()));
    text.append(String.format(Locale.ROOT, "energy: %.3f uJ, average power %.3f W%n",
        r.energyPj() * 1e-6, r.averagePowerW()));
    text.append("instructions: ").append(r.instructions()).append(", NoC: ")
        .append(r.nocFlits()).append(" flits, ").append(r.nocFlitHops()).append(" flit-hops")
        .append(nocTable == null ? "" : " (CIMFlow's table " + nocTable + ")").append('\n');
    text.append("energy by unit (uJ):");
    for (var e : new TreeMap<>(r.energyByUnit()).entrySet()) {
      text.append(String.format(Locale.ROOT, " %s %.3f", e.getKey(), e.getValue() * 1e-6));
    }
    text.append("\nbusy cycles by unit, summed over cores:");
    for (var e : new TreeMap<>(r.busyCyclesByUnit()).entrySet()) {
      text.append(' ').append(e.getKey()).append(' ').append(e.getValue());
    }
    text.append(String.format(Locale.ROOT, "%nthroughput: %.4f TOPS, %.4f TOPS/W (%d array"
        + " MACs)%n", r.tops(), r.topsPerWatt(), r.arrayMacs()));
    text.append("utilisation:");
    for (var e : r.utilisation().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .toList()) {
      text.append(String.format(Locale.ROOT, " %s %.2f %%", e.getKey(), 100 * e.getValue()));
    }
    text.append('\n');
    text.append(String.format(Locale.ROOT, "%-6s %12s %7s %12s %14s %7s %12s%n", "stage",
        "cycles", "share", "instructions", "array MACs", "arrays", "energy (uJ)"));
    for (TimingReport.StageFigures s : r.stages()) {
      text.append(String.format(Locale.ROOT, "%-6d %12d %6.1f%% %12d %14d %6.2f%% %12.3f%n",
          s.index(), s.cycles(), r.cycles() == 0 ? 0 : 100.0 * s.cycles() / r.cycles(),
          s.instructions(), s.arrayMacs(), 100 * s.arrayUtilisation(), s.energyPj() * 1e-6));
    }
    text.append(CimRun.operatorTable(r, Map.of()));
    return text.toString();
  }

  /** `node` as indented JSON text with a final newline. */
  static String json(JsonNode node) throws IOException {
    return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
  }

  /** Every figure of a timing run, as JSON: the chip's, each stage's and each core's. */
  static ObjectNode reportNode(HardwareModel hw, TimingReport r, Path nocTable) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.put("chip", hw.name());
    root.put("noc", r.noc());
    if (nocTable != null) {
      root.put("noc_table", nocTable.toString());
    }
    root.put("cycles", r.cycles());
    root.put("seconds", r.seconds());
    root.put("energy_pj", r.energyPj());
    root.put("average_power_w", r.averagePowerW());
    root.put("tops", r.tops());
    root.put("tops_per_w", r.topsPerWatt());
    root.put("array_macs", r.arrayMacs());
    root.put("instructions", r.instructions());
    root.put("noc_flits", r.nocFlits());
    root.put("noc_flit_hops", r.nocFlitHops());
    sorted(root.putObject("energy_pj_by_unit"), r.energyByUnit());
    ObjectNode busy = root.putObject("busy_cycles_by_unit");
    new TreeMap<>(r.busyCyclesByUnit()).forEach(busy::put);
    sorted(root.putObject("utilisation"), r.utilisation());
    ArrayNode stages = root.putArray("stages");
    for (TimingReport.StageFigures s : r.stages()) {
      ObjectNode o = stages.addObject();
      o.put("index", s.index());
      o.put("start", s.start());
      o.put("end", s.end());
      o.put("cycles", s.cycles());
      o.put("instructions", s.instructions());
      o.put("array_macs", s.arrayMacs());
      o.put("array_utilisation", s.arrayUtilisation());
      o.put("energy_pj", s.energyPj());
      sorted(o.putObject("energy_pj_by_unit"), s.energyByUnit());
      o.put("active_cores", s.activeCores());
      ObjectNode stageBusy = o.putObject("busy_cycles_by_unit");
      new TreeMap<>(s.busyCyclesByUnit()).forEach(stageBusy::put);
    }
    ArrayNode operators = root.putArray("operators");
    for (TimingReport.OperatorFigures op : r.operators()) {
      ObjectNode o = operators.addObject();
      o.put("name", op.name());
      o.put("start", op.start());
      o.put("end", op.end());
      o.put("own_cycles", op.ownCycles());
      o.put("instructions", op.instructions());
      o.put("cores", op.cores());
      ObjectNode opBusy = o.putObject("busy_cycles_by_unit");
      new TreeMap<>(op.busyCyclesByUnit()).forEach(opBusy::put);
      ObjectNode opStalls = o.putObject("stall_cycles");
      new TreeMap<>(op.stallCycles()).forEach(opStalls::put);
    }
    ArrayNode perCore = root.putArray("cores");
    for (TimingReport.CoreFigures c : r.cores()) {
      ObjectNode o = perCore.addObject();
      o.put("id", c.id());
      o.put("cycles", c.cycles());
      o.put("instructions", c.instructions());
      o.put("array_macs", c.arrayMacs());
      o.put("energy_pj", c.energyPj());
      sorted(o.putObject("energy_pj_by_unit"), c.energyByUnit());
    }
    ArrayNode cycles = root.putArray("core_cycles");
    for (long c : r.coreCycles()) {
      cycles.add(c);
    }
    return root;
  }

  private static void sorted(ObjectNode into, Map<String, Double> values) {
    new TreeMap<>(values).forEach(into::put);
  }

  /** A fault or deadlock, at the faulting instruction's source line when the program has one. */
  private void report(SimulationException e, Operation program, String file, Context ctx) {
    Operation at = instructionOp(program, e.core(), e.pc());
    if (at != null) {
      ctx.diagnostics().error(at.location(), e.getMessage());
      ctx.diagnostics().flush(stderr);
    } else {
      stderr.println(file + ": error: " + e.getMessage());
    }
  }

  /** The op of instruction `pc` of core `core` in the program, for its source location. */
  private static Operation instructionOp(Operation program, int core, int pc) {
    for (Operation c : program.region(0).entryBlock()) {
      if (c.attr("id") instanceof Attribute.IntegerAttr id && id.value().intValue() == core
          && !c.region(0).isEmpty()) {
        List<Operation> insts = c.region(0).entryBlock().ops();
        return pc >= 0 && pc < insts.size() ? insts.get(pc) : null;
      }
    }
    return null;
  }

  private static String plural(long n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  /** Whether the results equal `--expect`'s outputs bit for bit; reports the first mismatch. */
  private boolean matches(List<Tensor> results, String file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(expect));
    } catch (IOException e) {
      stderr.println(expect + ": error: cannot read the expected outputs: " + e.getMessage());
      return false;
    }
    JsonNode outputs = root.get("outputs");
    if (outputs == null || !outputs.isArray() || outputs.size() != results.size()) {
      stderr.println(expect + ": error: expected an \"outputs\" array of " + results.size()
          + " tensor(s)");
      return false;
    }
    for (int i = 0; i < results.size(); i++) {
      Tensor t = results.get(i);
      JsonNode values = outputs.get(i).get("values");
      if (values == null || values.size() != t.size()) {
        stderr.println(expect + ": error: output #" + i + " has "
            + (values == null ? 0 : values.size()) + " values, the program " + t.size());
        return false;
      }
      for (int k = 0; k < t.size(); k++) {
        boolean same = t.isFloat()
            ? Float.floatToIntBits(t.floats()[k]) == Float.floatToIntBits(
                (float) values.get(k).asDouble())
            : t.ints()[k] == values.get(k).asLong();
        if (!same) {
          stderr.println(file + ": error: output #" + i + " element " + k + " is "
              + (t.isFloat() ? t.floats()[k] : t.ints()[k]) + ", expected " + values.get(k));
          return false;
        }
      }
    }
    return true;
  }
}
