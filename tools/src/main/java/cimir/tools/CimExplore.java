package cimir.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The cim-explore driver: a design-space sweep over models, pipelines, strategies, objectives,
 * batch sizes and hardware parameters, every point compiled and simulated by the whole flow,
 * in parallel, with a progress bar; the results as CSV, JSON and plots. A sweep resumes from
 * its journal when it is run again into the same directory.
 */
@Command(name = "cim-explore", mixinStandardHelpOptions = true, versionProvider = Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Sweeps hardware parameters, strategies and models through the whole flow:"
        + " every point compiled and simulated, results as CSV, JSON and plots.")
public final class CimExplore extends ToolCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "SWEEP",
      description = "a sweep file: one 'NAME = V1, V2, ...' per line, '#' comments")
  Path sweepFile;

  @Option(names = {"-s", "--sweep"}, paramLabel = "NAME=V1,V2",
      description = "an axis of the sweep (replaces the file's axis of that name): model,"
          + " pipeline, arch, strategy, policy, objective, batch, or a hardware key (T, K, B, C,"
          + " P, Q, clockMhz, core.macro.rows, ...)")
  List<String> sweeps = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "explore-out",
      description = "the output directory: results.csv, stages.csv, results.json, plots/ and"
          + " the journal points.jsonl (default: explore-out)")
  Path output;

  @Option(names = {"-j", "--jobs"}, paramLabel = "N",
      description = "points run at once (default: the number of processors)")
  Integer jobs;

  @Option(names = "--arch-set", paramLabel = "KEY=VALUE,...",
      description = "hardware overrides applied to every point before the swept ones")
  String archSet;

  @Option(names = "--fresh", description = "ignore the results of an earlier run in DIR")
  boolean fresh;

  @Option(names = "--max-new-points", paramLabel = "N",
      description = "stop after N points of this run (the sweep resumes on the next run)")
  Integer maxNewPoints;

  @Option(names = "--no-plots", description = "do not write the plots")
  boolean noPlots;

  @Option(names = "--max-cycles", paramLabel = "N", defaultValue = "1000000000000",
      description = "a point whose simulation passes this many cycles fails")
  long maxCycles;

  @Option(names = "--progress", negatable = true, description = "show the progress bar on"
      + " standard error (default: when it is a terminal)")
  Boolean progress;

  @Option(names = "--dry-run", description = "print the points and exit")
  boolean dryRun;

  /** Runs cim-explore in-process; returns the exit status (0 ok, 1 diagnostic, 2 usage). */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    return ToolCommand.run(new CimExplore(), args, stdin, stdout, stderr);
  }

  public static void main(String[] args) {
    System.exit(Tools.onBigStack(() -> run(args, System.in, System.out, System.err)));
  }

  @Override
  public Integer call() throws IOException {
    var registry = Registrations.passes();
    Sweep sweep = new Sweep();
    try {
      if (sweepFile != null) {
        String text;
        try {
          text = Files.readString(sweepFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          stderr.println(sweepFile + ": error: could not open sweep file: no such file");
          return 1;
        } catch (IOException | RuntimeException e) {
          stderr.println(sweepFile + ": error: could not read sweep file: " + e.getMessage());
          return 1;
        }
        sweep.readFile(sweepFile.toString(), text);
      }
      for (String s : sweeps) {
        sweep.addFlag(s);
      }
      sweep.check(List.copyOf(registry.pipelineNames()));
    } catch (Sweep.Error e) {
      stderr.println(e.getMessage());
      return 1;
    }
    if (archSet != null) {
      try {
        cimir.dialect.hw.HwOverrides.parse(archSet);
      } catch (cimir.dialect.hw.HwException e) {
        stderr.println(e.getMessage());
        return 1;
      }
    }
    if (jobs != null && jobs < 1 || maxNewPoints != null && maxNewPoints < 0) {
      stderr.println("cim-explore: error: --jobs must be at least 1 and --max-new-points at"
          + " least 0");
      return 1;
    }
    List<Map<String, String>> points = sweep.points();
    if (dryRun) {
      points.forEach(p -> stdout.println(Sweep.key(p)));
      return 0;
    }
    try {
      Files.createDirectories(output);
    } catch (IOException | RuntimeException e) {
      stderr.println(output + ": error: could not create the output directory: "
          + e.getMessage());
      return 1;
    }
    Map<String, ObjectNode> done = fresh ? new java.util.LinkedHashMap<>()
        : Exploration.resume(output);
    List<Map<String, String>> todo = new ArrayList<>();
    int reused = 0;
    for (Map<String, String> p : points) {
      if (done.containsKey(Sweep.key(p))) {
        reused++;
      } else {
        todo.add(p);
      }
    }
    if (maxNewPoints != null && todo.size() > maxNewPoints) {
      todo = new ArrayList<>(todo.subList(0, maxNewPoints));
    }
    if (reused > 0) {
      stderr.println("cim-explore: resuming: " + reused + " of " + points.size()
          + " points done in an earlier run");
    }
    long start = System.nanoTime();
    int threads = Math.max(1, Math.min(todo.size(), jobs != null ? jobs
        : Runtime.getRuntime().availableProcessors()));
    Exploration exploration = new Exploration(registry, archSet, maxCycles);
    boolean bar = progress != null ? progress : System.console() != null;
    try (Exploration.Journal journal = new Exploration.Journal(output, fresh)) {
      runPoints(exploration, journal, todo, threads, bar, reused, points.size(), done);
    } catch (ExecutionException e) {
      stderr.println("cim-explore: error: internal error: " + e.getCause());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    double seconds = (System.nanoTime() - start) * 1e-9;
    List<ObjectNode> records = new ArrayList<>();
    for (Map<String, String> p : points) {
      ObjectNode r = done.get(Sweep.key(p));
      if (r != null) {
        records.add(r);
      }
    }
    stderr.printf(Locale.ROOT, "cim-explore: %d points run in %.1f s on %d thread%s%n",
        todo.size(), seconds, threads, threads == 1 ? "" : "s");
    if (records.size() < points.size()) {
      stdout.printf(Locale.ROOT, "cim-explore: stopped with %d of %d points done; run the same"
          + " command again to resume%n", records.size(), points.size());
      return 0;
    }
    List<Sweep.Axis> axes = sweep.axes();
    if (!write(output.resolve("results.csv"), ExploreResults.csv(axes, records))
        || !write(output.resolve("stages.csv"), ExploreResults.stagesCsv(axes, records))
        || !write(output.resolve("results.json"), ExploreResults.json(axes, records))) {
      return 1;
    }
    List<Path> plotted = List.of();
    if (!noPlots) {
      try {
        plotted = ExplorePlots.write(output.resolve("plots"), axes, records);
      } catch (IOException | RuntimeException e) {
        stderr.println(output.resolve("plots") + ": error: could not write the plots: " + e);
        return 1;
      }
    }
    stdout.print(summary(records, output, plotted.size()));
    return 0;
  }

  private void runPoints(Exploration exploration, Exploration.Journal journal,
      List<Map<String, String>> todo, int threads, boolean bar, int reused, int total,
      Map<String, ObjectNode> done) throws IOException, ExecutionException,
      InterruptedException {
    if (todo.isEmpty()) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(null, r, "cim-explore", 256L << 20);
      t.setDaemon(true);
      return t;
    });
    ProgressBar pb = bar ? new ProgressBarBuilder().setTaskName("cim-explore")
        .setInitialMax(total).startsFrom(reused, Duration.ZERO).setUpdateIntervalMillis(250)
        .setConsumer(new ConsoleProgressBarConsumer(stderr, 110)).build() : null;
    try {
      ExecutorCompletionService<ObjectNode> cs = new ExecutorCompletionService<>(pool);
      for (Map<String, String> p : todo) {
        cs.submit(() -> exploration.run(p));
      }
      for (int i = 0; i < todo.size(); i++) {
        Future<ObjectNode> f = cs.take();
        ObjectNode rec = f.get();
        journal.append(rec);
        done.put(rec.get("point").asText(), rec);
        if (pb != null) {
          pb.setExtraMessage(rec.get("point").asText() + " " + rec.get("status").asText());
          pb.step();
        }
      }
    } finally {
      if (pb != null) {
        pb.close();
      }
      pool.shutdownNow();
    }
  }

  private boolean write(Path file, String text) throws IOException {
    return Tools.writeOutput(file.toString(), stdout, stderr, "cim-explore", out -> {
      out.write(text);
      return true;
    });
  }

  /** A line per point, the best points, and what was written. */
  static String summary(List<ObjectNode> records, Path output, int plots) {
    StringBuilder out = new StringBuilder();
    int width = Math.max(5, records.stream().mapToInt(r -> r.get("point").asText().length())
        .max().orElse(5));
    out.append(String.format(Locale.ROOT, "%-" + width + "s  %-6s %13s %13s %8s %13s%n",
        "point", "status", "sim cycles", "pred cycles", "sim/pred", "energy (uJ)"));
    long failed = 0;
    for (ObjectNode r : records) {
      JsonNode f = r.path("figures");
      if ("ok".equals(r.path("status").asText())) {
        out.append(String.format(Locale.ROOT, "%-" + width + "s  %-6s %13d %13.0f %8s %13.1f%n",
            r.get("point").asText(), "ok", f.path("sim_cycles").asLong(),
            f.path("pred_cycles").asDouble(), f.has("sim_over_pred") ? String.format(
                Locale.ROOT, "%.2f", f.get("sim_over_pred").asDouble()) : "-",
            f.path("sim_energy_uj").asDouble()));
      } else {
        failed++;
        String reason = r.path("reason").asText();
        int nl = reason.indexOf('\n');
        out.append(String.format(Locale.ROOT, "%-" + width + "s  %-6s %s%n",
            r.get("point").asText(), "failed", nl < 0 ? reason : reason.substring(0, nl)));
      }
    }
    List<ObjectNode> ok = records.stream().filter(r -> "ok".equals(r.path("status").asText()))
        .toList();
    if (!ok.isEmpty()) {
      ObjectNode fast = ok.stream().min((a, b) -> Double.compare(a.path("figures")
          .path("sim_cycles").asDouble(), b.path("figures").path("sim_cycles").asDouble()))
          .get();
      ObjectNode frugal = ok.stream().min((a, b) -> Double.compare(a.path("figures")
          .path("sim_energy_uj").asDouble(), b.path("figures").path("sim_energy_uj")
              .asDouble())).get();
      out.append("fastest: ").append(fast.get("point").asText()).append("; least energy: ")
          .append(frugal.get("point").asText()).append("; Pareto front: ")
          .append(ExplorePlots.front(ok).size()).append(" point(s)\n");
    }
    out.append(String.format(Locale.ROOT, "%d points, %d failed; wrote %s, %s, %s", records.size(),
        failed, output.resolve("results.csv"), output.resolve("stages.csv"),
        output.resolve("results.json")));
    out.append(plots > 0 ? String.format(Locale.ROOT, " and %d plot files in %s%n", plots,
        output.resolve("plots")) : "\n");
    return out.toString();
  }
}
