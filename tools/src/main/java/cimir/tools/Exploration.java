package cimir.tools;

import cimir.pass.PassRegistry;
import cimir.sim.timing.TimingReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The points of a sweep, run through the whole flow ({@link Flow}), and their journal: every
 * finished point is appended to `points.jsonl` as one JSON line and flushed, so that a sweep
 * that is interrupted resumes where it stopped (a line cut short by the interruption is
 * dropped and its point runs again). A point that cannot be compiled or simulated is a record
 * too, with status `failed` and the diagnostic as its reason.
 */
final class Exploration {
  /** The journal's file name inside the output directory. */
  static final String JOURNAL = "points.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PassRegistry registry;
  private final String archSet;
  private final long maxCycles;
  private final Map<String, BuiltinModels.Source> models = new ConcurrentHashMap<>();

  Exploration(PassRegistry registry, String archSet, long maxCycles) {
    this.registry = registry;
    this.archSet = archSet;
    this.maxCycles = maxCycles;
  }

  /** Runs one point; never throws for a problem of the point (that is a failed record). */
  ObjectNode run(Map<String, String> point) {
    ObjectNode rec = JSON.createObjectNode();
    rec.put("point", Sweep.key(point));
    ObjectNode params = rec.putObject("parameters");
    point.forEach(params::put);
    String model = point.getOrDefault("model", "resnet18");
    String pipeline = point.getOrDefault("pipeline", "default");
    String arch = point.getOrDefault("arch", Flow.defaultArch(pipeline));
    List<String> hw = new ArrayList<>();
    if (archSet != null && !archSet.isBlank()) {
      hw.add(archSet);
    }
    point.forEach((k, v) -> {
      if (!Sweep.FLOW_AXES.containsKey(k)) {
        hw.add(k + "=" + v);
      }
    });
    Map<String, String> options = new LinkedHashMap<>();
    for (String o : List.of("strategy", "policy", "objective", "batch")) {
      if (point.containsKey(o)) {
        options.put(o, point.get(o));
      }
    }
    try {
      BuiltinModels.Source source = source(model);
      String passes = PipelineOptions.set(registry.pipeline(pipeline), options);
      Flow.Result r = new Flow(registry, "cim-explore").arch(arch, String.join(",", hw))
          .limits(maxCycles, 4_000_000_000L).run(source.name(), source.file(), source.onnx(),
              pipeline, passes);
      record(rec, r);
    } catch (Flow.Failure e) {
      rec.put("status", "failed");
      rec.put("reason", e.getMessage().strip());
    } catch (IOException | RuntimeException | StackOverflowError e) {
      // A problem of cimir itself, reported with the point so that the sweep goes on.
      rec.put("status", "failed");
      rec.put("reason", "internal error: " + e);
    }
    return rec;
  }

  private BuiltinModels.Source source(String model) throws Flow.Failure {
    BuiltinModels.Source s = models.get(model);
    if (s == null) {
      s = model.endsWith(".onnx") ? BuiltinModels.file(Path.of(model))
          : BuiltinModels.builtin(model, "cim-explore");
      models.put(model, s);
    }
    return s;
  }

  /**
   * The figures of a finished run, in the record; the prediction and the simulation are both
   * of the run's batch.
   */
  private static void record(ObjectNode rec, Flow.Result r) {
    TimingReport t = r.timing();
    double mhz = r.hw().clockMhz();
    rec.put("status", "ok");
    rec.put("chip", r.hw().name());
    rec.put("cores", r.hw().cores());
    rec.put("clock_mhz", mhz);
    ObjectNode f = rec.putObject("figures");
    double staticPj = t.energyByUnit().getOrDefault("static", 0.0);
    double predicted = r.predictedCycles();
    double transition = r.stages().stream().mapToDouble(Flow.StagePrediction::transitionCycles)
        .sum();
    f.put("stages", r.stages().size());
    f.put("operators", r.stages().stream().mapToInt(Flow.StagePrediction::operators).sum());
    f.put("instructions", r.staticInstructions());
    f.put("sim_cycles", t.cycles());
    f.put("sim_ms", t.cycles() / (mhz * 1e3));
    f.put("sim_energy_uj", t.energyPj() * 1e-6);
    f.put("sim_dynamic_energy_uj", (t.energyPj() - staticPj) * 1e-6);
    f.put("pred_cycles", predicted);
    f.put("pred_ms", predicted / (mhz * 1e3));
    f.put("pred_energy_uj", r.predictedEnergyPj() * 1e-6);
    f.put("bound_cycles", r.bound().cycles());
    f.put("bound_energy_uj", r.bound().energyPj() * 1e-6);
    f.put("pred_inferences", r.batch());
    f.put("sim_over_pred", predicted == 0 ? 0 : t.cycles() / predicted);
    f.put("sim_over_bound", r.bound().cycles() == 0 ? 0 : t.cycles() / r.bound().cycles());
    // A switch costs the macro's switch cycles; the transition adds weight loads and spills.
    long switches = r.stages().stream().mapToLong(Flow.StagePrediction::switches).sum();
    double switchCycles = (double) switches * r.hw().core().macro().switchCycles();
    long activeCores = Arrays.stream(t.coreCycles()).filter(x -> x > 0).count();
    f.put("pred_switch_share", predicted == 0 ? 0 : switchCycles / predicted);
    f.put("pred_transition_share", predicted == 0 ? 0 : transition / predicted);
    f.put("sim_switch_share", t.cycles() == 0 ? 0 : (double) t.busyCyclesByUnit()
        .getOrDefault("cim-switch", 0L) / (Math.max(1, activeCores) * t.cycles()));
    f.put("switches", switches);
    f.put("tops", t.tops());
    f.put("tops_per_w", t.topsPerWatt());
    ArrayNode stages = rec.putArray("stages");
    boolean paired = r.stages().size() == t.stages().size();
    for (int k = 0; k < r.stages().size(); k++) {
      Flow.StagePrediction p = r.stages().get(k);
      ObjectNode s = stages.addObject();
      s.put("index", p.index());
      s.put("operators", p.operators());
      s.put("products", p.products());
      s.put("copies", p.copies());
      s.put("compute_arrays", p.computeArrays());
      s.put("memory_arrays", p.memoryArrays());
      s.put("cores", p.cores());
      s.put("pred_cycles", p.cycles());
      s.put("pred_energy_uj", p.energyPj() * 1e-6);
      s.put("transition_cycles", p.transitionCycles());
      if (paired) {
        s.put("sim_cycles", t.stages().get(k).cycles());
        s.put("sim_energy_uj", t.stages().get(k).energyPj() * 1e-6);
      }
    }
    ObjectNode wall = rec.putObject("wall_s");
    wall.put("compile", r.compileNanos() * 1e-9);
    wall.put("simulate", r.simulateNanos() * 1e-9);
  }

  /**
   * The records of an earlier run of the sweep in `dir`, by point; lines that do not parse (the
   * last one, when a run was interrupted while writing it) are dropped, and the journal is
   * rewritten without them.
   */
  static Map<String, ObjectNode> resume(Path dir) throws IOException {
    Map<String, ObjectNode> done = new LinkedHashMap<>();
    Path journal = dir.resolve(JOURNAL);
    if (!Files.exists(journal)) {
      return done;
    }
    boolean dropped = false;
    for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        dropped = true;
        continue;
      }
      if (n instanceof ObjectNode o && o.path("point").isTextual()
          && o.path("status").isTextual()) {
        done.put(o.get("point").asText(), o);
      } else {
        dropped = true;
      }
    }
    if (dropped) {
      Path tmp = Files.createTempFile(dir, ".points", ".tmp");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (ObjectNode o : done.values()) {
          w.write(JSON.writeValueAsString(o));
          w.write('\n');
        }
      }
      Files.move(tmp, journal, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return done;
  }

  /** Appends finished points to the journal, each flushed as it comes. */
  static final class Journal implements AutoCloseable {
    private final BufferedWriter out;

    Journal(Path dir, boolean fresh) throws IOException {
      out = Files.newBufferedWriter(dir.resolve(JOURNAL), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.WRITE, fresh
              ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
    }

    synchronized void append(ObjectNode rec) throws IOException {
      out.write(JSON.writeValueAsString(rec));
      out.write('\n');
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
