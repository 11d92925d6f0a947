package cimir.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChartBuilder;
import org.w3c.dom.Document;

/**
 * cim-explore on a 16-point sweep of the small models: the progress bar, an interrupted sweep
 * that resumes to exactly the bytes of an uninterrupted one, a point that equals cim-run on the
 * same configuration written by hand, the plots read back from their SVG, and the Pareto front
 * against brute force.
 */
class CimExploreTest {
  private static final List<String> SWEEP = List.of(
      "--sweep=model=tiny_cnn_weights,tiny_cnn_bn_dw",
      "--sweep=strategy=dp,greedy,greedy-nodup,layerwise", "--sweep=T=4,8");

  private record Run(int status, String out, String err) {}

  @TempDir static Path dir;
  private static Path full;
  private static Run fullRun;

  private static Run explore(List<String> base, String... more) {
    List<String> args = new ArrayList<>(base);
    args.addAll(List.of(more));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = CimExplore.run(args.toArray(String[]::new), new ByteArrayInputStream(
        new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @BeforeAll
  static void sweepOnce() {
    full = dir.resolve("full");
    fullRun = explore(SWEEP, "-o", full.toString(), "--progress", "--jobs=2");
  }

  @Test
  void sixteenPointsWithAProgressBar() throws Exception {
    assertEquals(0, fullRun.status(), fullRun.err());
    assertTrue(fullRun.err().contains("16/16"), fullRun.err());
    List<String> rows = Files.readAllLines(full.resolve("results.csv"));
    assertEquals(17, rows.size());
    assertEquals("model,strategy,T,status", String.join(",",
        List.of(rows.get(0).split(",")).subList(0, 4)));
    for (String row : rows.subList(1, rows.size())) {
      assertEquals("ok", row.split(",")[3], row);
    }
    JsonNode json = new ObjectMapper().readTree(full.resolve("results.json").toFile());
    assertEquals(16, json.get("points").size());
    assertEquals(4, json.get("axes").get("strategy").size());
    assertTrue(fullRun.out().contains("16 points, 0 failed"), fullRun.out());
  }

  @Test
  void anInterruptedSweepResumesToTheSameResults() throws Exception {
    Path part = dir.resolve("part");
    Run first = explore(SWEEP, "-o", part.toString(), "--max-new-points=5", "--jobs=1");
    assertEquals(0, first.status(), first.err());
    assertTrue(first.out().contains("stopped with 5 of 16 points done"), first.out());
    assertFalse(Files.exists(part.resolve("results.csv")));
    Path journal = part.resolve(Exploration.JOURNAL);
    assertEquals(5, Files.readAllLines(journal).size());
    // The line a kill would cut short.
    Files.writeString(journal, "{\"point\":\"model=tiny_cnn_we", StandardOpenOption.APPEND);
    Run second = explore(SWEEP, "-o", part.toString(), "--progress");
    assertEquals(0, second.status(), second.err());
    assertTrue(second.err().contains("resuming: 5 of 16 points done"), second.err());
    assertTrue(second.err().contains("16/16"), second.err());
    assertTrue(second.err().contains("11 points run"), second.err());
    List<String> lines = Files.readAllLines(journal);
    assertEquals(16, lines.size());
    for (String l : lines) {
      new ObjectMapper().readTree(l);
    }
    for (String f : List.of("results.csv", "stages.csv", "results.json",
        "plots/latency-by-strategy.svg", "plots/pareto.png")) {
      assertArrayEquals(Files.readAllBytes(full.resolve(f)), Files.readAllBytes(part.resolve(f)),
          f);
    }
    Run third = explore(SWEEP, "-o", part.toString());
    assertTrue(third.err().contains("resuming: 16 of 16") && third.err().contains("0 points run"),
        third.err());
  }

  @Test
  void aPointIsCimRunOnTheSameConfiguration(@TempDir Path tmp) throws Exception {
    Run e = explore(List.of("--sweep=model=tiny_cnn_bn_dw", "--sweep=pipeline=cimflow",
        "--sweep=strategy=greedy", "--sweep=objective=energy", "--sweep=B=8", "--no-plots"),
        "-o", tmp.resolve("e").toString());
    assertEquals(0, e.status(), e.err());
    // The cimflow pipeline with the swept options, written out by hand.
    Path report = tmp.resolve("r.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = CimRun.run(new String[] {"--model=tiny_cnn_bn_dw", "--arch=cimflow",
        "--arch-set=B=8", "--report=" + report, "--pass=canonicalize,quantize,graph-to-op,"
            + "segment{policy=all-compute max-states=1 strategy=greedy objective=energy},"
            + "mode-alloc{policy=all-compute objective=energy},place,op-to-meta,meta-to-isa"},
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true,
            StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
    assertEquals(0, status);
    JsonNode r = new ObjectMapper().readTree(report.toFile());
    JsonNode point = new ObjectMapper().readTree(tmp.resolve("e/results.json").toFile())
        .get("points").get(0);
    assertEquals(r.get("simulated").get("cycles").asLong(),
        point.get("figures").get("sim_cycles").asLong());
    assertEquals(r.get("predicted").get("cycles").asDouble(),
        point.get("figures").get("pred_cycles").asDouble(), 1e-9);
    assertEquals(r.get("predicted").get("stages").size(), point.get("stages").size());
  }

  @Test
  void optionsGoOnSegmentAndModeAlloc() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("strategy", "greedy");
    o.put("policy", "mip");
    assertEquals("canonicalize,segment{policy=mip max-states=1 strategy=greedy},"
        + "mode-alloc{policy=mip},place", PipelineOptions.set(
            "canonicalize,segment{policy=all-compute max-states=1},mode-alloc,place", o));
  }

  @Test
  void groupedBarsReadBackFromTheSvg() throws Exception {
    Path svg = full.resolve("plots/latency-by-strategy.svg");
    String text = Files.readString(svg);
    Document doc = parse(svg);
    assertEquals("latency by strategy (simulated)", doc.getElementsByTagName("title").item(0)
        .getTextContent());
    assertEquals("x axis: model, T; y axis: latency (ms); series: dp | greedy | greedy-nodup"
        + " | layerwise", doc.getElementsByTagName("desc").item(0).getTextContent());
    // A bar per group (2 models x 2 values of T) and a legend entry, in each series' colour.
    Color[] palette = new CategoryChartBuilder().build().getStyler().getSeriesColors();
    for (int i = 0; i < 4; i++) {
      assertEquals(5, fills(text, palette[i]), "series " + i);
    }
    assertEquals(0, fills(text, palette[4]));
  }

  @Test
  void linesAgainstTheNumericAxisReadBackFromTheSvg() throws Exception {
    Document doc = parse(full.resolve("plots/latency-vs-T.svg"));
    String desc = doc.getElementsByTagName("desc").item(0).getTextContent();
    assertTrue(desc.startsWith("x axis: T; y axis: latency (ms); series: "), desc);
    List<String> series = List.of(desc.substring(desc.indexOf("series: ") + 8).split(" \\| "));
    assertEquals(16, series.size(), desc);
    for (String m : List.of("tiny_cnn_weights", "tiny_cnn_bn_dw")) {
      for (String s : List.of("dp", "greedy", "greedy-nodup", "layerwise")) {
        assertTrue(series.contains(m + " " + s) && series.contains(m + " " + s
            + " (predicted)"), desc);
      }
    }
    try (Stream<Path> files = Files.list(full.resolve("plots"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      for (String n : List.of("energy-by-model", "energy-by-strategy", "energy-vs-T",
          "latency-by-model", "latency-by-strategy", "latency-vs-T", "pareto", "stages")) {
        assertTrue(names.contains(n + ".svg") && names.contains(n + ".png"), names.toString());
      }
    }
  }

  @Test
  void paretoFrontIsTheUndominatedPoints() {
    Random rnd = new Random(7);
    ObjectMapper m = new ObjectMapper();
    for (int trial = 0; trial < 200; trial++) {
      List<ObjectNode> pts = new ArrayList<>();
      for (int i = 0; i < 1 + rnd.nextInt(12); i++) {
        ObjectNode p = m.createObjectNode();
        p.putObject("figures").put("sim_ms", rnd.nextInt(6)).put("sim_energy_uj",
            rnd.nextInt(6));
        pts.add(p);
      }
      List<ObjectNode> front = ExplorePlots.front(pts);
      for (ObjectNode p : pts) {
        double l = p.get("figures").get("sim_ms").asDouble();
        double e = p.get("figures").get("sim_energy_uj").asDouble();
        boolean dominated = pts.stream().anyMatch(q -> {
          double ql = q.get("figures").get("sim_ms").asDouble();
          double qe = q.get("figures").get("sim_energy_uj").asDouble();
          return ql <= l && qe <= e && (ql < l || qe < e);
        });
        boolean duplicateKept = front.stream().anyMatch(q -> q != p
            && q.get("figures").equals(p.get("figures")));
        // Undominated points are on the front (one of equal points stands for all).
        assertEquals(!dominated, front.contains(p) || duplicateKept, p.toString());
      }
    }
  }

  private static int fills(String svg, Color c) {
    Matcher mt = Pattern.compile("fill:rgb\\(" + c.getRed() + "," + c.getGreen() + ","
        + c.getBlue() + "\\)").matcher(svg);
    int n = 0;
    while (mt.find()) {
      n++;
    }
    return n;
  }

  private static Document parse(Path svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return f.newDocumentBuilder().parse(svg.toFile());
  }
}
