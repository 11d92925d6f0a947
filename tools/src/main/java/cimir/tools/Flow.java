package cimir.tools;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphShapes;
import cimir.dialect.hw.CimflowConfigLoader;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwArch;
import cimir.dialect.hw.HwException;
import cimir.dialect.isa.IsaProgram;
import cimir.dialect.isa.Provenance;
import cimir.interp.Interpreter;
import cimir.interp.ModelInputs;
import cimir.interp.Tensor;
import cimir.ir.Attribute;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.ir.Verifier;
import cimir.lowering.cost.Demand;
import cimir.lowering.cost.LowerBound;
import cimir.lowering.metatoisa.MetaToIsaPass;
import cimir.lowering.onnx.OnnxFormatException;
import cimir.lowering.onnx.OnnxImportException;
import cimir.lowering.onnx.OnnxImporter;
import cimir.lowering.onnx.OnnxReader;
import cimir.pass.PassManager;
import cimir.pass.PassRegistry;
import cimir.pass.Pipeline;
import cimir.print.IrPrinter;
import cimir.sim.FunctionalSimulator;
import cimir.sim.MemoryImage;
import cimir.sim.SimulationException;
import cimir.sim.timing.TimingReport;
import cimir.sim.timing.TimingSimulator;
import cimir.transforms.segment.OperatorGraph;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole flow on one model, in one process: ONNX import, a pipeline of passes down to the
 * `isa` dialect, the cost model's prediction (each segment as `mode-alloc` leaves it, and the
 * lower bound), and the timing simulation of the compiled program; with `check`, the
 * functional simulation too, compared bit for bit with the int8 reference interpreter run on
 * the graph `quantize` produced. cim-run prints one run; cim-explore runs many.
 *
 * <p>Problems end in a {@link Failure} whose message is a complete diagnostic line, never in a
 * stack trace.
 */
final class Flow {
  /** A run that could not finish: `message` says where and why, in `file: error: ...` form. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message);
    }
  }

  /**
   * One segment as the cost model predicts it, with what `mode-alloc` gave it;
   * `operatorCycles`: per operator, by the names of its location, its own `alloc.latency` (the
   * ops of one name summed: a product and the requantize fused into it).
   */
  record StagePrediction(int index, int operators, int products, long copies, long computeArrays,
      long memoryArrays, long cores, double cycles, double energyPj, double transitionCycles,
      long switches, Map<String, Double> operatorCycles) {}

  /** The operators and the function's input and output bytes a lower bound is taken over. */
  private record Bounded(List<Demand> demands, long inputBytes, long outputBytes) {}

  /** What a run produced. */
  record Result(String model, HardwareModel hw, String pipeline, List<StagePrediction> stages,
      LowerBound bound, TimingReport timing, long staticInstructions, long compileNanos,
      long simulateNanos, List<PassManager.PassRecord> passes, Boolean outputsMatch,
      String mismatch, int batch) {
    /** "pipeline NAME[ at batch N]" or "passes P1,P2,...", as the run was asked for. */
    String describePipeline() {
      return pipeline.startsWith("--pass=") ? "passes " + pipeline.substring("--pass=".length())
          : "pipeline " + pipeline + (batch > 1 ? " at batch " + batch : "");
    }

    double predictedCycles() {
      return stages.stream().mapToDouble(StagePrediction::cycles).sum();
    }

    double predictedEnergyPj() {
      return stages.stream().mapToDouble(StagePrediction::energyPj).sum();
    }
  }

  /** Receives what the run is doing, for a progress line. */
  interface Progress {
    void phase(String what);
  }

  private final PassRegistry registry;
  private final String tool;
  private String arch;
  private String archSet;
  private Path keepIr;
  private boolean check;
  private Path nocTable;
  private long maxCycles = 1_000_000_000_000L;
  private long maxInstructions = 4_000_000_000L;
  private Writer trace;
  private Progress progress = what -> {};
  private int batch = 1;

  /** A flow of `tool` (its name starts the diagnostics that have no file). */
  Flow(PassRegistry registry, String tool) {
    this.registry = registry;
    this.tool = tool;
  }

  /** The hardware (a preset or file) and overrides; null: the pipeline's own chip. */
  Flow arch(String arch, String archSet) {
    this.arch = arch;
    this.archSet = archSet;
    return this;
  }

  /**
   * Compiles a named pipeline for `batch` inferences (its segment, mode-alloc and meta-to-isa
   * take the option); explicit passes carry their own.
   */
  Flow batch(int batch) {
    this.batch = batch;
    return this;
  }

  /** Writes the IR after the import and after every pass into `dir`, numbered. */
  Flow keepIr(Path dir) {
    this.keepIr = dir;
    return this;
  }

  /** Also simulates functionally and compares with the int8 reference interpreter. */
  Flow check(boolean check) {
    this.check = check;
    return this;
  }

  Flow nocTable(Path table) {
    this.nocTable = table;
    return this;
  }

  Flow limits(long maxCycles, long maxInstructions) {
    this.maxCycles = maxCycles;
    this.maxInstructions = maxInstructions;
    return this;
  }

  Flow trace(Writer out) {
    this.trace = out;
    return this;
  }

  Flow progress(Progress p) {
    this.progress = p;
    return this;
  }

  /** The chip a named pipeline is written for when no `--arch` is given. */
  static String defaultArch(String pipeline) {
    return "cmswitch".equals(pipeline) ? "dynaplasia" : "cimflow";
  }

  /**
   * Runs the flow on the ONNX bytes of `model` (shown as `file`), with the named `pipeline`
   * or, when `passes` is not null, that textual pipeline.
   */
  Result run(String model, String file, byte[] onnx, String pipeline, String passes)
      throws Failure, IOException {
    long start = System.nanoTime();
    String text = passes != null ? passes : registry.pipeline(pipeline);
    if (text == null) {
      throw new Failure(tool + ": error: unknown pipeline '" + pipeline + "' (known: "
          + String.join(", ", registry.pipelineNames()) + ")");
    }
    String label = passes != null ? "--pass=" + passes : pipeline;
    if (passes == null && batch > 1) {
      text = PipelineOptions.set(text, Map.of("batch", Integer.toString(batch)));
    }
    Context ctx = Registrations.newContext();
    progress.phase("importing " + file);
    Operation module;
    try {
      module = OnnxImporter.importModel(ctx, OnnxReader.read(onnx), Map.of());
    } catch (OnnxFormatException e) {
      throw new Failure(e.format(file));
    } catch (OnnxImportException e) {
      throw new Failure(e.format(file));
    }
    if (!Verifier.verify(ctx, module)) {
      throw new Failure(diagnostics(ctx) + file + ": error: the imported module does not"
          + " verify (a cimir bug; please report it with the model)");
    }
    HardwareModel hw;
    try {
      HwArch.Spec spec = new HwArch.Spec(arch != null ? arch : defaultArch(pipeline), archSet);
      hw = spec.model();
      module.setAttr(HwArch.ATTR_NAME, spec.attr());
    } catch (HwException e) {
      throw new Failure(e.source() != null ? e.getMessage() : tool + ": " + e.getMessage());
    }
    Pipeline parsed = Pipeline.parse(text, registry, ctx.diagnostics());
    if (parsed == null || ctx.diagnostics().hasErrors()) {
      throw new Failure(diagnostics(ctx).strip());
    }
    Snapshots snapshots = new Snapshots(ctx, keepIr, progress, batchOf(parsed));
    snapshots.write("import", module);
    PassManager pm = new PassManager(ctx, parsed).listen(snapshots);
    if (!pm.check(module, Registrations.stages()) || !pm.run(module, PassManager.Instrumentation.DEFAULT)) {
      throw new Failure(diagnostics(ctx).strip());
    }
    if (snapshots.failure != null) {
      throw new Failure(snapshots.failure);
    }
    Operation func = FuncOp.definitions(module).isEmpty() ? null
        : FuncOp.definitions(module).get(0).op();
    Operation program = func == null ? null : programOf(func);
    if (program == null) {
      throw new Failure(file + ": error: the passes '" + text + "' do not end in an"
          + " 'isa.program' (the flow simulates compiled programs; end them in meta-to-isa)");
    }
    if (snapshots.stages == null) {
      throw new Failure(file + ": error: the passes '" + text + "' never segment the model, so"
          + " there is no prediction to put beside the simulation (run segment and mode-alloc)");
    }
    long compiled = System.nanoTime();
    IsaProgram isa = IsaProgram.fromOp(program);
    CimflowConfigLoader.NocTable table = null;
    if (nocTable != null) {
      try {
        table = CimflowConfigLoader.readNocTable(nocTable, hw.cores());
      } catch (HwException e) {
        throw new Failure(e.getMessage());
      }
    }
    progress.phase("simulating " + instructions(isa) + " instructions on "
        + hw.cores() + " cores");
    TimingSimulator sim = new TimingSimulator(hw, isa, table).maxCycles(maxCycles)
        .attribute(Provenance.of(program));
    if (trace != null) {
      sim.traceTo(trace);
    }
    TimingReport timing;
    try {
      timing = sim.run(maxInstructions);
    } catch (SimulationException e) {
      throw new Failure(file + ": error: the compiled program: " + e.getMessage());
    }
    Boolean match = null;
    String mismatch = null;
    if (check) {
      if (snapshots.expected.isEmpty()) {
        throw new Failure(file + ": error: --check needs a pipeline that runs 'quantize' (its"
            + " int8 graph is the reference)");
      }
      progress.phase("simulating functionally");
      mismatch = functional(hw, isa, program, snapshots, file);
      match = mismatch == null;
    }
    long done = System.nanoTime();
    return new Result(model, hw, label, snapshots.stages, snapshots.bound(hw), timing,
        instructions(isa), compiled - start, done - compiled, pm.records(), match,
        mismatch, snapshots.batch);
  }

  /** Runs the program on real bytes; null when its outputs are the reference's, else why not. */
  private String functional(HardwareModel hw, IsaProgram isa, Operation program,
      Snapshots snapshots, String file) throws Failure {
    List<List<Tensor>> images = new ArrayList<>();
    for (List<Tensor> arguments : snapshots.arguments) {
      try {
        images.add(MemoryImage.operands(program, arguments));
      } catch (IllegalArgumentException e) {
        throw new Failure(file + ": error: " + e.getMessage());
      }
    }
    if (images.size() != MemoryImage.batch(program)) {
      throw new Failure(file + ": error: the program runs " + MemoryImage.batch(program)
          + " inferences, the reference " + images.size());
    }
    byte[] global;
    try {
      FunctionalSimulator sim = new FunctionalSimulator(hw, isa,
          MemoryImage.buildImages(program, images));
      sim.run(maxInstructions);
      global = sim.global();
    } catch (SimulationException e) {
      throw new Failure(file + ": error: the compiled program, run on data: "
          + e.getMessage());
    }
    for (int n = 0; n < images.size(); n++) {
      String why = mismatch(MemoryImage.results(program, global, n), snapshots.expected.get(n));
      if (why != null) {
        return images.size() == 1 ? why : "inference " + n + ": " + why;
      }
    }
    return null;
  }

  /** Null when `got` are bit for bit the `expected` tensors, else the first difference. */
  private static String mismatch(List<Tensor> got, List<Tensor> expected) {
    if (got.size() != expected.size()) {
      return got.size() + " results, the interpreter " + expected.size();
    }
    for (int i = 0; i < got.size(); i++) {
      Tensor g = got.get(i);
      Tensor e = expected.get(i);
      if (g.size() != e.size()) {
        return "result #" + i + " has " + g.size() + " elements, the interpreter's " + e.size();
      }
      for (int k = 0; k < g.size(); k++) {
        boolean same = g.isFloat()
            ? Float.floatToIntBits(g.floats()[k]) == Float.floatToIntBits(e.floats()[k])
            : g.ints()[k] == e.ints()[k];
        if (!same) {
          return "result #" + i + " element " + k + " is "
              + (g.isFloat() ? g.floats()[k] : g.ints()[k]) + ", the interpreter's "
              + (e.isFloat() ? e.floats()[k] : e.ints()[k]);
        }
      }
    }
    return null;
  }

  /** The inferences the pipeline's `meta-to-isa` compiles for. */
  private static int batchOf(Pipeline pipeline) {
    int batch = 1;
    List<Pipeline.Node> nodes = new ArrayList<>(pipeline.nodes());
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i) instanceof Pipeline.PassNode p && p.pass() instanceof MetaToIsaPass m) {
        batch = m.batch();
      } else if (nodes.get(i) instanceof Pipeline.NestNode n) {
        nodes.addAll(n.nodes());
      }
    }
    return batch;
  }

  private static long instructions(IsaProgram isa) {
    return isa.cores().values().stream().mapToLong(List::size).sum();
  }

  private static Operation programOf(Operation func) {
    for (Operation op : new FuncOp(func).body()) {
      if (op.name().equals("isa.program")) {
        return op;
      }
    }
    return null;
  }

  private static String diagnostics(Context ctx) {
    StringBuilder out = new StringBuilder();
    for (var d : ctx.diagnostics().diagnostics()) {
      out.append(ctx.diagnostics().format(d)).append('\n');
    }
    return out.toString();
  }

  /**
   * Watches the passes: reports progress, writes the IR after each when asked, takes the
   * prediction from the segments while they exist (the last pass that leaves them wins, so
   * `mode-alloc`'s allocation is what is predicted; the lower bound is computed once, from
   * that pass's operators), and runs the reference interpreter on
   * the int8 graph right after `quantize`.
   */
  private final class Snapshots implements PassManager.Listener {
    private final Context ctx;
    private final Path dir;
    private final Progress progress;
    private int written;
    List<StagePrediction> stages;
    /** What the lower bound is computed from, once the passes are done. */
    private Bounded bounded;
    /** Per inference of the batch, the int8 graph's arguments and the interpreter's results. */
    final List<List<Tensor>> arguments = new ArrayList<>();
    final List<List<Tensor>> expected = new ArrayList<>();
    private final int batch;
    String failure;

    Snapshots(Context ctx, Path dir, Progress progress, int batch) {
      this.ctx = ctx;
      this.dir = dir;
      this.progress = progress;
      this.batch = batch;
    }

    @Override
    public void beforePass(String argument, int index, int count) {
      progress.phase("[" + (index + 1) + "/" + count + "] " + argument);
    }

    @Override
    public void afterPass(String argument, Operation module) {
      write(argument, module);
      List<FuncOp> funcs = FuncOp.definitions(module);
      if (funcs.isEmpty()) {
        return;
      }
      FuncOp f = funcs.get(0);
      predict(f);
      if (check && argument.equals("quantize") && expected.isEmpty()) {
        for (int k = 0; k < batch; k++) {
          arguments.add(ModelInputs.arguments(f.op(), 1, k));
          expected.add(Interpreter.run(f.op(), arguments.get(k)));
        }
      }
    }

    void write(String argument, Operation module) {
      if (dir == null || failure != null) {
        return;
      }
      String name = String.format("%02d-%s.cim", written++, argument);
      Path target = dir.resolve(name);
      try {
        java.nio.file.Files.createDirectories(dir);
        boolean ok = Tools.writeOutput(target.toString(), System.out, new java.io.PrintStream(
            java.io.OutputStream.nullOutputStream()), "cim-run", out -> {
              IrPrinter.print(module, out, new IrPrinter.Options(false, true));
              out.write('\n');
              return true;
            });
        if (!ok) {
          failure = target + ": error: could not write the IR";
        }
      } catch (IOException | RuntimeException e) {
        failure = target + ": error: could not write the IR: " + e.getMessage();
      }
    }

    /** The segments' predicted figures and the lower bound, if `f` is segmented. */
    private void predict(FuncOp f) {
      List<StagePrediction> found = new ArrayList<>();
      List<Demand> demands = new ArrayList<>();
      for (Operation op : f.body()) {
        if (!op.name().equals("op.segment")) {
          continue;
        }
        GraphAttrs a = new GraphAttrs(op.attributes());
        if (!(op.attr("alloc.latency") instanceof Attribute.FloatAttr)) {
          return;
        }
        int operators = 0;
        int products = 0;
        long copies = 0;
        Map<String, Double> operatorCycles = new LinkedHashMap<>();
        for (Operation inner : op.region(0).entryBlock()) {
          if (!OperatorGraph.OPERATORS.contains(inner.name())) {
            continue;
          }
          operators++;
          String name = inner.location() == null ? null : inner.location().names();
          if (name != null) {
            operatorCycles.merge(name, new GraphAttrs(inner.attributes()).f("alloc.latency", 0),
                Double::sum);
          }
          demands.add(Demand.fromAttributes(inner));
          long c = new GraphAttrs(inner.attributes()).i64("alloc.copies", 0);
          if (c > 0) {
            products++;
            copies += c;
          }
        }
        found.add(new StagePrediction((int) a.i64("index", found.size()), operators, products,
            copies, a.i64("alloc.compute_arrays", 0), a.i64("alloc.memory_arrays", 0),
            a.i64("alloc.cores", 0), a.f("alloc.latency", 0), a.f("alloc.energy", 0),
            a.f("alloc.transition_cycles", 0), a.i64("alloc.switches", 0), operatorCycles));
      }
      if (found.isEmpty()) {
        return;
      }
      long inputBytes = 0;
      for (int i = 0; i < f.body().arguments().size(); i++) {
        if (!Demand.isWeight(f.body().argument(i), 1)) {
          inputBytes += GraphShapes.product(GraphShapes.shapeOf(f.body().argument(i).type(), 0));
        }
      }
      long outputBytes = 0;
      for (Value v : f.body().terminator().operands()) {
        outputBytes += GraphShapes.product(GraphShapes.shapeOf(v.type(), 0));
      }
      stages = found;
      bounded = new Bounded(demands, inputBytes, outputBytes);
    }

    /** The lower bound of what the last segmented pass left, on `hw`. */
    LowerBound bound(HardwareModel hw) {
      return LowerBound.of(bounded.demands(), bounded.inputBytes(), bounded.outputBytes(), hw,
          batch);
    }
  }
}
