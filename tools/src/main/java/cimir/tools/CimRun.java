package cimir.tools;

import cimir.dialect.hw.HardwareModel;
import cimir.pass.PassRegistry;
import cimir.sim.timing.TimingReport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The cim-run driver: the whole flow in one command. An ONNX file or a built-in model is
 * imported, compiled by a named pipeline (or explicit passes) down to per-core ISA programs,
 * and timed on the simulated chip; the summary puts the simulation beside the cost model's
 * prediction and the lower bound, stage by stage, and says where the time goes. `--check` also
 * runs the program on real bytes and compares its outputs with the int8 reference
 * interpreter's, bit for bit.
 */
@Command(name = "cim-run", mixinStandardHelpOptions = true, versionProvider = Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Compiles a model for a CIM chip and simulates it: latency, energy and a"
        + " per-stage table beside the cost model's prediction.")
public final class CimRun extends ToolCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL.onnx",
      description = "an ONNX model (default: the built-in --model)")
  Path input;

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "resnet18",
      description = "a built-in model (the repository's models; --list-models), used when no"
          + " file is given (default: resnet18)")
  String model;

  @Option(names = "--pipeline", paramLabel = "NAME", defaultValue = "default",
      description = "the named pipeline: cimflow, cmswitch or default (default: default)")
  String pipeline;

  @Option(names = "--pass", paramLabel = "PASSES",
      description = "explicit passes instead of a named pipeline, from the imported graph to"
          + " meta-to-isa")
  String passes;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
      description = "inferences through each stage, its weights loaded once: the named"
          + " pipeline's segment, mode-alloc and meta-to-isa optimise and compile for N"
          + " (default: 1)")
  int batch;

  @Mixin ArchOptions arch = new ArchOptions();

  @Option(names = "--check", description = "also simulate on real data and compare the"
      + " outputs with the int8 reference interpreter's, bit for bit")
  boolean check;

  @Option(names = "--report", paramLabel = "FILE",
      description = "write every figure as JSON: the prediction, the lower bound, the"
          + " simulation per stage, core and unit")
  Path report;

  @Option(names = "--trace", paramLabel = "FILE",
      description = "write Chrome trace events of the simulation (Perfetto opens them)")
  Path trace;

  @Option(names = "--keep-ir", paramLabel = "DIR",
      description = "write the IR after the import and after every pass into DIR"
          + " (00-import.cim, 01-canonicalize.cim, ...), with its locations (the ONNX"
          + " nodes each op and instruction comes from)")
  Path keepIr;

  @Option(names = "--noc-table", paramLabel = "FILE",
      description = "cost transfers by CIMFlow's per-pair NoC table (flit16dim8.json)")
  Path nocTable;

  @Option(names = "--max-cycles", paramLabel = "N", defaultValue = "1000000000000",
      description = "stop with an error when the simulation passes this many cycles")
  long maxCycles;

  @Option(names = "--progress", negatable = true, description = "show a progress line on"
      + " standard error (default: when it is a terminal)")
  Boolean progress;

  @Option(names = "--list-models", description = "list the built-in models and exit")
  boolean listModels;

  @Option(names = "-o", paramLabel = "FILE", description = "output file (default: standard output)")
  String output;

  /** Runs cim-run in-process; returns the exit status (0 ok, 1 diagnostic, 2 usage). */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    return ToolCommand.run(new CimRun(), args, stdin, stdout, stderr);
  }

  public static void main(String[] args) {
    System.exit(Tools.onBigStack(() -> run(args, System.in, System.out, System.err)));
  }

  @Override
  public Integer call() throws IOException {
    if (listModels) {
      for (String m : BuiltinModels.NAMES) {
        stdout.println(m);
      }
      return 0;
    }
    if (!arch.check("cim-run", stderr)) {
      return 1;
    }
    if (batch < 1 || batch > 4096) {
      stderr.println("cim-run: error: --batch must be between 1 and 4096, not " + batch);
      return 1;
    }
    if (batch > 1 && passes != null) {
      stderr.println("cim-run: error: --batch applies to a named pipeline; with --pass, give"
          + " segment, mode-alloc and meta-to-isa their own batch option");
      return 1;
    }
    BuiltinModels.Source source;
    try {
      source = input != null ? BuiltinModels.file(input) : BuiltinModels.builtin(model, "cim-run");
    } catch (Flow.Failure e) {
      stderr.println(e.getMessage());
      return 1;
    }
    String file = source.file();
    PassRegistry registry = Registrations.passes();
    ProgressLine line = new ProgressLine(stderr, progress != null ? progress
        : System.console() != null);
    StringWriter events = trace != null ? new StringWriter() : null;
    Flow flow = new Flow(registry, "cim-run").arch(arch.arch, arch.archSet).keepIr(keepIr).check(check)
        .nocTable(nocTable).limits(maxCycles, 4_000_000_000L).trace(events).progress(line);
    Flow.Result r;
    try {
      r = flow.batch(batch).run(source.name(), file, source.onnx(), pipeline, passes);
    } catch (Flow.Failure e) {
      line.clear();
      stderr.println(e.getMessage());
      return 1;
    }
    line.clear();
    if (events != null && !Tools.writeOutput(trace.toString(), stdout, stderr, "cim-run",
        out -> {
          out.write(events.toString());
          return true;
        })) {
      return 1;
    }
    if (report != null && !Tools.writeOutput(report.toString(), stdout, stderr, "cim-run",
        out -> {
          out.write(CimSim.json(reportNode(r)));
          return true;
        })) {
      return 1;
    }
    String text = summary(r);
    if (!Tools.writeOutput(output, stdout, stderr, "cim-run", o -> {
      o.write(text);
      return true;
    })) {
      return 1;
    }
    stderr.printf(Locale.ROOT, "cim-run: compiled in %.2f s, simulated in %.2f s%n",
        r.compileNanos() * 1e-9, r.simulateNanos() * 1e-9);
    if (Boolean.FALSE.equals(r.outputsMatch())) {
      stderr.println(file + ": error: the simulated outputs differ from the int8 reference"
          + " interpreter's: " + r.mismatch());
      return 1;
    }
    return 0;
  }

  /** The readable summary: totals, the stage table, where the time goes. */
  static String summary(Flow.Result r) {
    HardwareModel hw = r.hw();
    TimingReport t = r.timing();
    StringBuilder out = new StringBuilder();
    int operators = r.stages().stream().mapToInt(Flow.StagePrediction::operators).sum();
    out.append(String.format(Locale.ROOT, "%s on %s (%d core%s, %.0f MHz), %s: %d"
        + " operators in %d stage%s, %d instructions%n", r.model(), hw.name(), hw.cores(),
        hw.cores() == 1 ? "" : "s", hw.clockMhz(), r.describePipeline(), operators, r.stages().size(),
        r.stages().size() == 1 ? "" : "s", r.staticInstructions()));
    double ms = 1e-3 / hw.clockMhz();
    double predicted = r.predictedCycles();
    double predictedPj = r.predictedEnergyPj();
    double staticPj = t.energyByUnit().getOrDefault("static", 0.0);
    double dynamicPj = t.energyPj() - staticPj;
    out.append(String.format(Locale.ROOT, "%-12s %12s %12s %17s%n", "", "cycles", "time",
        "dynamic energy"));
    out.append(String.format(Locale.ROOT, "%-12s %12d %9.3f ms %14.3f uJ   + %.3f uJ static"
        + " = %.3f uJ; %.3f W, %.4f TOPS, %.4f TOPS/W%n", "simulated", t.cycles(),
        t.cycles() * ms, dynamicPj * 1e-6, staticPj * 1e-6, t.energyPj() * 1e-6,
        t.averagePowerW(), t.tops(), t.topsPerWatt()));
    out.append(String.format(Locale.ROOT, "%-12s %12.0f %9.3f ms %14.3f uJ   (the cost model"
        + " on mode-alloc's allocation)%n", "predicted", predicted, predicted * ms,
        predictedPj * 1e-6));
    out.append(String.format(Locale.ROOT, "%-12s %12.0f %9.3f ms %14.3f uJ%n", "lower bound",
        r.bound().cycles(), r.bound().cycles() * ms, r.bound().energyPj() * 1e-6));
    out.append(String.format(Locale.ROOT, "simulated / predicted: latency %.2fx, energy %.2fx;"
        + " simulated / lower bound: latency %.2fx, energy %.2fx%n", ratio(t.cycles(),
        predicted), ratio(dynamicPj, predictedPj), ratio(t.cycles(), r.bound().cycles()),
        ratio(dynamicPj, r.bound().energyPj())));
    if (r.outputsMatch() != null) {
      out.append(r.outputsMatch()
          ? "functional: the outputs equal the int8 reference interpreter's, bit for bit\n"
          : "functional: the outputs DIFFER from the int8 reference interpreter's: "
              + r.mismatch() + "\n");
    }
    out.append('\n');
    out.append(String.format(Locale.ROOT, "%-5s %9s %8s %6s %7s %6s %5s %12s %12s %7s %6s"
        + " %13s%n", "stage", "operators", "products", "copies", "compute", "memory", "cores",
        "predicted", "simulated", "ratio", "share", "energy (uJ)"));
    boolean paired = r.stages().size() == t.stages().size();
    for (int k = 0; k < Math.max(r.stages().size(), t.stages().size()); k++) {
      Flow.StagePrediction p = k < r.stages().size() ? r.stages().get(k) : null;
      TimingReport.StageFigures s = paired || p == null ? (k < t.stages().size()
          ? t.stages().get(k) : null) : null;
      out.append(String.format(Locale.ROOT, "%-5d", k));
      out.append(p == null ? String.format(Locale.ROOT, " %9s %8s %6s %7s %6s %5s %12s", "",
          "", "", "", "", "", "") : String.format(Locale.ROOT, " %9d %8d %6d %7d %6d %5d %12.0f",
          p.operators(), p.products(), p.copies(), p.computeArrays(), p.memoryArrays(),
          p.cores(), p.cycles()));
      if (s == null) {
        out.append('\n');
        continue;
      }
      out.append(String.format(Locale.ROOT, " %12d %7s %5.1f%% %13.3f%n", s.cycles(),
          p == null ? "" : String.format(Locale.ROOT, "%.2f", ratio(s.cycles(), p.cycles())),
          share(s.cycles(), t.cycles()), s.energyPj() * 1e-6));
    }
    if (!paired) {
      out.append("(the program has ").append(t.stages().size()).append(" stages and the"
          + " prediction ").append(r.stages().size()).append(": stages are not paired)\n");
    }
    out.append("\nwhere the time goes: each unit's busy cycles over the active cores' cycles"
        + " (units overlap)\n");
    out.append(String.format(Locale.ROOT, "%-5s %6s %7s %11s %7s %9s %7s %13s%n", "stage",
        "active", "cim", "cim-control", "vector", "transfer", "scalar", "array MACs"));
    for (TimingReport.StageFigures s : t.stages()) {
      double coreCycles = (double) Math.max(1, s.activeCores()) * Math.max(1, s.cycles());
      out.append(String.format(Locale.ROOT,
          "%-5d %6d %6.1f%% %10.1f%% %6.1f%% %8.1f%% %6.1f%% %13d%n",
          s.index(), s.activeCores(), pct(s.busyCyclesByUnit().get("cim"), coreCycles),
          pct(s.busyCyclesByUnit().get("cim-control"), coreCycles),
          pct(s.busyCyclesByUnit().get("vector"), coreCycles),
          pct(s.busyCyclesByUnit().get("transfer"), coreCycles),
          pct(s.busyCyclesByUnit().get("scalar"), coreCycles), s.arrayMacs()));
    }
    operators(r, out);
    out.append(String.format(Locale.ROOT, "energy (uJ):"));
    for (var e : new java.util.TreeMap<>(t.energyByUnit()).entrySet()) {
      out.append(String.format(Locale.ROOT, " %s %.3f", e.getKey(), e.getValue() * 1e-6));
    }
    out.append(String.format(Locale.ROOT, "%nNoC: %d flits, %d flit-hops; global port busy"
        + " %.2f %% of the run%n", t.nocFlits(), t.nocFlitHops(),
        100 * t.utilisation().getOrDefault("global-port", 0.0)));
    if (t.cycles() > 1.2 * predicted) {
      out.append("note: the prediction streams rows between the operators of a stage, all"
          + " busy at once; the compiled program runs an operator once its producer has"
          + " finished (docs/design/meta-to-isa.md, 13)\n");
    }
    return out.toString();
  }

  /** How many operators the summary lists, the longest first. */
  static final int SLOWEST = 10;

  /**
   * The operators that took longest once their inputs were there (their busiest core's issue
   * cycles, waits for other cores left out), each beside what the cost model charges it alone
   * and its span (first issue to last end).
   */
  private static void operators(Flow.Result r, StringBuilder out) {
    Map<String, Double> predicted = new java.util.HashMap<>();
    for (Flow.StagePrediction p : r.stages()) {
      p.operatorCycles().forEach((k, v) -> predicted.merge(k, v, Double::sum));
    }
    out.append(operatorTable(r.timing(), predicted));
  }

  /**
   * The SLOWEST operators of a run by their own cycles, `predicted` (by name; empty when there
   * is no prediction) beside them; nothing when the program names no operators.
   */
  static String operatorTable(TimingReport t, Map<String, Double> predicted) {
    if (t.operators().isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    List<TimingReport.OperatorFigures> slowest = new ArrayList<>(t.operators());
    slowest.sort(java.util.Comparator.comparingLong(TimingReport.OperatorFigures::ownCycles)
        .reversed());
    out.append(String.format(Locale.ROOT, "%nthe %d slowest of %d operators (own: its busiest"
        + " core's cycles in it, waits for other cores left out;%s span: first issue to last"
        + " end; stalls: what most of its instructions' waits to issue were for)%n",
        Math.min(SLOWEST, slowest.size()), slowest.size(), predicted.isEmpty()
            ? "" : " predicted: the cost model's cycles for it alone;"));
    out.append(String.format(Locale.ROOT, "%12s %12s %7s %5s %12s %12s %12s %-18s  %s%n",
        "own", "predicted", "ratio", "cores", "instructions", "start", "span", "stalls",
        "operator"));
    for (TimingReport.OperatorFigures o : slowest.subList(0, Math.min(SLOWEST,
        slowest.size()))) {
      Double p = predicted.get(o.name());
      Map.Entry<String, Double> stall = o.mainStall();
      out.append(String.format(Locale.ROOT, "%12d %12s %7s %5d %12d %12d %12d %-18s  %s%n",
          o.ownCycles(), p == null ? "" : String.format(Locale.ROOT, "%.0f", p),
          p == null || p == 0 ? "" : String.format(Locale.ROOT, "%.2f", o.ownCycles() / p),
          o.cores(), o.instructions(), o.start(), o.span(), stall == null ? "none"
              : String.format(Locale.ROOT, "%s %.0f%%", stall.getKey(), 100 * stall.getValue()),
          o.name()));
    }
    return out.toString();
  }

  /** Every figure of the run as JSON. */
  private ObjectNode reportNode(Flow.Result r) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.put("model", r.model());
    root.put("pipeline", r.pipeline());
    root.put("batch", r.batch());
    root.put("chip", r.hw().name());
    root.put("static_instructions", r.staticInstructions());
    ObjectNode predicted = root.putObject("predicted");
    predicted.put("cycles", r.predictedCycles());
    predicted.put("energy_pj", r.predictedEnergyPj());
    ArrayNode stages = predicted.putArray("stages");
    for (Flow.StagePrediction p : r.stages()) {
      ObjectNode o = stages.addObject();
      o.put("index", p.index());
      o.put("operators", p.operators());
      o.put("products", p.products());
      o.put("copies", p.copies());
      o.put("compute_arrays", p.computeArrays());
      o.put("memory_arrays", p.memoryArrays());
      o.put("cores", p.cores());
      o.put("cycles", p.cycles());
      o.put("energy_pj", p.energyPj());
      o.put("transition_cycles", p.transitionCycles());
      o.put("switches", p.switches());
      ObjectNode ops = o.putObject("operator_cycles");
      p.operatorCycles().forEach(ops::put);
    }
    ObjectNode bound = root.putObject("lower_bound");
    bound.put("cycles", r.bound().cycles());
    bound.put("energy_pj", r.bound().energyPj());
    root.set("simulated", CimSim.reportNode(r.hw(), r.timing(), nocTable));
    if (r.outputsMatch() != null) {
      root.put("outputs_match", r.outputsMatch());
    }
    return root;
  }

  private static double ratio(double a, double b) {
    return b == 0 ? 0 : a / b;
  }

  private static double share(double part, double whole) {
    return whole == 0 ? 0 : 100 * part / whole;
  }

  private static double pct(Long busy, double whole) {
    return busy == null ? 0 : 100.0 * busy / whole;
  }

  /** One line on standard error that says what the run is doing, rewritten in place. */
  static final class ProgressLine implements Flow.Progress {
    private final PrintStream err;
    private final boolean on;
    private final long start = System.nanoTime();
    private int width;

    ProgressLine(PrintStream err, boolean on) {
      this.err = err;
      this.on = on;
    }

    @Override
    public void phase(String what) {
      if (!on) {
        return;
      }
      String text = String.format(Locale.ROOT, "cim-run: %5.1f s  %s",
          (System.nanoTime() - start) * 1e-9, what);
      err.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
      err.flush();
      width = text.length();
    }

    void clear() {
      if (on && width > 0) {
        err.print("\r" + " ".repeat(width) + "\r");
        err.flush();
        width = 0;
      }
    }
  }
}
