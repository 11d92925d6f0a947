package cimir.pass;

import cimir.ir.Context;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Verifier;
import cimir.print.IrPrinter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a pipeline on a module: checks before anything runs that every pass's anchor and
 * required stages are satisfied, runs each pass on its anchor ops, verifies the IR after every
 * pass, and records per-pass time and statistics.
 */
public final class PassManager {
  /** What to report while running. */
  public record Instrumentation(boolean verifyEach, PrintStream printIrAfterAll,
      IrPrinter.Options printOptions, PrintStream reports, boolean solverLog) {
    public static final Instrumentation DEFAULT =
        new Instrumentation(true, null, IrPrinter.Options.DEFAULT, System.err, false);
  }

  /** The time and statistics of one pass run, for `--timing` and `--pass-statistics`. */
  public record PassRecord(String argument, long nanos, Map<String, Long> statistics) {}

  /** Told before and after each pass runs (progress lines, IR snapshots between passes). */
  public interface Listener {
    /** Pass `index` (0-based) of `count`, `argument`, is about to run. */
    default void beforePass(String argument, int index, int count) {}

    /** Pass `argument` ran and the IR verified; `module` is the top-level op. */
    default void afterPass(String argument, Operation module) {}
  }

  private final Context ctx;
  private final Pipeline pipeline;
  private final List<PassRecord> records = new ArrayList<>();
  private Listener listener = new Listener() {};
  private int passCount;
  private int passIndex;

  public PassManager(Context ctx, Pipeline pipeline) {
    this.ctx = ctx;
    this.pipeline = pipeline;
  }

  /** Tells `l` about every pass this manager runs from now on. */
  public PassManager listen(Listener l) {
    listener = l;
    return this;
  }

  /** The passes of a pipeline, nested ones included, each counted once. */
  private static int count(List<Pipeline.Node> nodes) {
    int n = 0;
    for (Pipeline.Node node : nodes) {
      n += node instanceof Pipeline.NestNode nest ? count(nest.nodes()) : 1;
    }
    return n;
  }

  public List<PassRecord> records() {
    return records;
  }

  /**
   * Checks anchors and stages against `module` without running anything; reports the first
   * problem and returns false.
   */
  public boolean check(Operation module, List<Stage> knownStages) {
    Set<Stage> have = new HashSet<>();
    for (Stage s : knownStages) {
      if (s.present().test(module)) {
        have.add(s);
      }
    }
    return check(pipeline.nodes(), "builtin.module", have);
  }

  private boolean check(List<Pipeline.Node> nodes, String anchor, Set<Stage> have) {
    for (Pipeline.Node n : nodes) {
      if (n instanceof Pipeline.NestNode nest) {
        if (!check(nest.nodes(), nest.opName(), have)) {
          return false;
        }
        continue;
      }
      Pipeline.PassNode node = (Pipeline.PassNode) n;
      Pass pass = node.pass();
      String argument = node.info().argument();
      if (!anchor.equals("builtin.module") && !pass.anchor().equals(anchor)) {
        pipelineError("can't run '" + argument + "' pass on '" + anchor + "' op");
        return false;
      }
      for (Stage s : pass.requires()) {
        if (!have.contains(s)) {
          pipelineError("pass '" + argument + "' requires the IR to be '" + s.name()
              + "' (" + s.description() + "), but no earlier pass makes it so and the input"
              + " is not");
          return false;
        }
      }
      have.addAll(pass.produces());
    }
    return true;
  }

  private void pipelineError(String message) {
    ctx.diagnostics().error(new Location.FileLineCol(Pipeline.SOURCE, 1, 1), message);
  }

  /** Runs the pipeline; returns false when a pass failed or the IR did not verify after it. */
  public boolean run(Operation module, Instrumentation instr) {
    passCount = count(pipeline.nodes());
    passIndex = 0;
    return run(pipeline.nodes(), module, instr);
  }

  private boolean run(List<Pipeline.Node> nodes, Operation root, Instrumentation instr) {
    for (Pipeline.Node n : nodes) {
      if (n instanceof Pipeline.NestNode nest) {
        for (Operation target : anchors(root, nest.opName())) {
          if (!run(nest.nodes(), target, instr)) {
            return false;
          }
        }
        continue;
      }
      Pipeline.PassNode node = (Pipeline.PassNode) n;
      Pass pass = node.pass();
      Map<String, Long> stats = PassContext.newStatistics();
      PassContext pc = new PassContext(ctx, stats, instr.reports(), instr.solverLog());
      listener.beforePass(node.info().argument(), passIndex, passCount);
      passIndex++;
      long start = System.nanoTime();
      for (Operation target : anchors(root, pass.anchor())) {
        pass.run(target, pc);
        if (pc.failed()) {
          break;
        }
      }
      records.add(new PassRecord(node.info().argument(), System.nanoTime() - start, stats));
      if (pc.failed() || ctx.diagnostics().hasErrors()) {
        return false;
      }
      if (instr.printIrAfterAll() != null) {
        instr.printIrAfterAll().print("// -----// IR Dump After " + pass.getClass().getSimpleName()
            + " (" + node.info().argument() + ") //----- //\n");
        instr.printIrAfterAll().print(IrPrinter.toString(topOf(root), instr.printOptions()));
        instr.printIrAfterAll().println();
      }
      if (instr.verifyEach() && !Verifier.verify(ctx, topOf(root))) {
        return false;
      }
      listener.afterPass(node.info().argument(), topOf(root));
    }
    return true;
  }

  private static Operation topOf(Operation op) {
    Operation top = op;
    while (top.parentOp() != null) {
      top = top.parentOp();
    }
    return top;
  }

  /** `root` itself when it has that name, else the ops of that name nested in it. */
  private static List<Operation> anchors(Operation root, String name) {
    List<Operation> out = new ArrayList<>();
    if (root.name().equals(name)) {
      out.add(root);
      return out;
    }
    root.walk(op -> {
      if (op != root && op.name().equals(name)) {
        out.add(op);
      }
    });
    return out;
  }

  /** MLIR's execution time report. */
  public void printTiming(PrintStream err, long parseNanos, long outputNanos, long totalNanos) {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("Parser", parseNanos);
    for (PassRecord r : records) {
      rows.merge(r.argument(), r.nanos(), Long::sum);
    }
    rows.put("Output", outputNanos);
    String bar = "===" + "-".repeat(73) + "===";
    err.println(bar);
    err.println("                         ... Execution time report ...");
    err.println(bar);
    err.printf("  Total Execution Time: %.4f seconds%n%n", totalNanos / 1e9);
    err.println("  ----Wall Time----  ----Name----");
    for (Map.Entry<String, Long> e : rows.entrySet()) {
      err.printf("  %8.4f (%5.1f%%)  %s%n", e.getValue() / 1e9,
          100.0 * e.getValue() / Math.max(1, totalNanos), e.getKey());
    }
    err.printf("  %8.4f (100.0%%)  Total%n", totalNanos / 1e9);
  }

  /** MLIR's pass statistics report. */
  public void printStatistics(PrintStream err) {
    String bar = "===" + "-".repeat(73) + "===";
    err.println(bar);
    err.println("                         ... Pass statistics report ...");
    err.println(bar);
    for (PassRecord r : records) {
      err.println(r.argument());
      for (Map.Entry<String, Long> s : r.statistics().entrySet()) {
        err.println("  (S) " + s.getValue() + " " + s.getKey());
      }
    }
  }
}
