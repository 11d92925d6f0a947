package cimir.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphAttrs;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.parse.IrParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * cim-run against the tools it chains: its simulated figures are cim-sim's on the program it
 * kept, its prediction is the sum of the segments' `alloc.*` attributes in the IR it kept after
 * mode-alloc, `--check` passes on real models, and the built-in models are the repository's.
 */
class CimRunTest {
  private static final Path MODELS = Path.of("..", "models");

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = CimRun.run(args, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static Run sim(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = CimSim.run(args, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource({"tiny_cnn_weights, cimflow", "tiny_cnn_bn_dw, cmswitch",
      "tiny_transformer, default"})
  void figuresAreThoseOfTheToolsItChains(String model, String pipeline, @TempDir Path dir)
      throws Exception {
    Path ir = dir.resolve("ir");
    Path report = dir.resolve("run.json");
    Run r = run("--model=" + model, "--pipeline=" + pipeline, "--check",
        "--keep-ir=" + ir, "--report=" + report);
    assertEquals(0, r.status, r.err);
    assertTrue(r.out.contains("functional: the outputs equal the int8 reference interpreter's,"
        + " bit for bit"), r.out);
    JsonNode run = new ObjectMapper().readTree(report.toFile());
    assertTrue(run.get("outputs_match").asBoolean());

    List<String> kept;
    try (Stream<Path> files = Files.list(ir)) {
      kept = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(List.of("00-import.cim", "01-canonicalize.cim", "02-quantize.cim",
        "03-graph-to-op.cim", "04-segment.cim", "05-mode-alloc.cim", "06-place.cim",
        "07-op-to-meta.cim", "08-meta-to-isa.cim"), kept);

    // The program it kept, timed by cim-sim, gives the figures it reported.
    Path simReport = dir.resolve("sim.json");
    Run s = sim(ir.resolve("08-meta-to-isa.cim").toString(), "--report=" + simReport);
    assertEquals(0, s.status, s.err);
    JsonNode simulated = new ObjectMapper().readTree(simReport.toFile());
    assertEquals(simulated, run.get("simulated"));

    // The prediction is the segments' allocation as mode-alloc left it.
    Context ctx = Registrations.newContext();
    Operation allocated = IrParser.parse(ctx, "05-mode-alloc.cim",
        Files.readString(ir.resolve("05-mode-alloc.cim")), 0);
    double latency = 0;
    double energy = 0;
    int segments = 0;
    for (Operation op : FuncOp.definitions(allocated).get(0).body()) {
      if (op.name().equals("op.segment")) {
        GraphAttrs a = new GraphAttrs(op.attributes());
        latency += a.f("alloc.latency", 0);
        energy += a.f("alloc.energy", 0);
        segments++;
      }
    }
    assertTrue(segments > 0);
    assertEquals(latency, run.get("predicted").get("cycles").asDouble(), 1e-9 * latency);
    assertEquals(energy, run.get("predicted").get("energy_pj").asDouble(), 1e-9 * energy);
    assertEquals(segments, run.get("predicted").get("stages").size());

    // Nothing a later run could mistake: the same flags give the same summary.
    assertEquals(r.out, run("--model=" + model, "--pipeline=" + pipeline, "--check").out);
  }

  /**
   * At batch 3 every inference's outputs are checked against the interpreter on its own input;
   * against the same plan compiled for one inference, the run costs more but less than three
   * times as much, and its weight loads (the operators' "(weights)" parts) execute as often.
   */
  @Test
  void aBatchRunsEveryInferenceAndLoadsTheWeightsOnce(@TempDir Path dir) throws Exception {
    Path three = dir.resolve("three.json");
    Run r = run("--model=tiny_cnn_weights", "--pipeline=cimflow", "--batch=3", "--check",
        "--report=" + three);
    assertEquals(0, r.status, r.err);
    String passes = PipelineOptions.set(Registrations.passes().pipeline("cimflow"),
        java.util.Map.of("batch", "3"));
    assertTrue(r.out.contains("pipeline cimflow at batch 3"), r.out);
    Path one = dir.resolve("one.json");
    assertEquals(0, run("--model=tiny_cnn_weights", "--pass=" + passes.replace(
        "meta-to-isa{batch=3}", "meta-to-isa"), "--report=" + one).status);
    ObjectMapper json = new ObjectMapper();
    JsonNode r1 = json.readTree(one.toFile());
    JsonNode r3 = json.readTree(three.toFile());
    long c1 = r1.get("simulated").get("cycles").asLong();
    long c3 = r3.get("simulated").get("cycles").asLong();
    assertEquals(3, r3.get("batch").asInt());
    assertTrue(c1 < c3 && c3 < 3 * c1, c1 + " cycles for one inference, " + c3 + " for three");
    assertTrue(weightLoadInstructions(r1) > 0);
    assertEquals(weightLoadInstructions(r1), weightLoadInstructions(r3));

    Run bad = run("--model=tiny_cnn_weights", "--batch=0");
    assertEquals(1, bad.status);
    assertEquals("cim-run: error: --batch must be between 1 and 4096, not 0\n", bad.err);
  }

  private static long weightLoadInstructions(JsonNode report) {
    long n = 0;
    for (JsonNode op : report.get("simulated").get("operators")) {
      if (op.get("name").asText().endsWith(" (weights)")) {
        n += op.get("instructions").asLong();
      }
    }
    return n;
  }

  @Test
  void theBuiltInModelsAreTheRepositorysModels() throws Exception {
    TreeSet<String> files = new TreeSet<>();
    try (Stream<Path> list = Files.list(MODELS)) {
      list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx"))
          .forEach(n -> files.add(n.substring(0, n.length() - 5)));
    }
    assertEquals(files, new TreeSet<>(BuiltinModels.NAMES));
    for (String name : BuiltinModels.NAMES) {
      assertArrayEquals(Files.readAllBytes(MODELS.resolve(name + ".onnx")),
          BuiltinModels.bytes(name), name);
    }
    Run list = run("--list-models");
    assertEquals(String.join("\n", BuiltinModels.NAMES) + "\n", list.out);
  }

  @Test
  void aFileAndTheSameBuiltInModelGiveTheSameRun() {
    Run file = run(MODELS.resolve("tiny_cnn_weights.onnx").toString(), "--pipeline=cimflow");
    Run builtIn = run("--model=tiny_cnn_weights", "--pipeline=cimflow");
    assertEquals(0, file.status, file.err);
    assertEquals(builtIn.out, file.out);
  }

  @Test
  void aFailedRunLeavesNoReportBehind(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("run.json");
    Run r = run("--model=tiny_cnn_weights", "--max-cycles=100", "--report=" + report);
    assertEquals(1, r.status);
    assertTrue(r.err.matches("(?s).*error: the compiled program: core \\d+, pc \\d+ .*"), r.err);
    assertFalse(r.err.contains("Exception"), r.err);
    assertFalse(Files.exists(report));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count(), "no temporary file is left behind");
    }
  }
}
