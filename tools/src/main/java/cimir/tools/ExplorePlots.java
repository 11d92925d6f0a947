package cimir.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The plots of a finished sweep (XChart, each as SVG and PNG): latency and energy against every
 * numeric axis that varies, a line per combination of the other varying axes with the
 * prediction dashed beside it; grouped bars for every other varying axis (a bar per value, a
 * group per combination of the rest); simulated cycles per stage, stacked, for every point;
 * and energy against latency with the Pareto front. XChart draws text as outlines, so each SVG
 * also says in its `title` and `desc` what is drawn: the chart's title, its axis titles and its
 * series, read from the chart that was rendered.
 */
final class ExplorePlots {
  private ExplorePlots() {}

  private record Metric(String file, String title, String axis, ToDoubleFunction<JsonNode> sim,
      ToDoubleFunction<JsonNode> pred) {}

  private static final List<Metric> METRICS = List.of(
      new Metric("latency", "latency", "latency (ms)", f -> f.path("sim_ms").asDouble(),
          f -> f.path("pred_ms").asDouble()),
      new Metric("energy", "energy", "energy (uJ)", f -> f.path("sim_energy_uj").asDouble(),
          f -> f.path("pred_energy_uj").asDouble()));

  /** Writes the plots into `dir`; returns the files written, in order. */
  static List<Path> write(Path dir, List<Sweep.Axis> axes, List<ObjectNode> records)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    List<ObjectNode> ok = records.stream().filter(r -> "ok".equals(r.path("status").asText()))
        .toList();
    List<Path> written = new ArrayList<>();
    List<Sweep.Axis> varying = axes.stream().filter(a -> a.values().size() > 1).toList();
    if (ok.isEmpty()) {
      return written;
    }
    for (Sweep.Axis x : varying) {
      List<Sweep.Axis> rest = varying.stream().filter(a -> a != x).toList();
      for (Metric m : METRICS) {
        Chart<?, ?> chart = x.numeric() ? against(x, rest, ok, m) : grouped(x, rest, ok, m);
        String name = m.file() + (x.numeric() ? "-vs-" : "-by-") + x.name();
        written.addAll(save(dir, name, chart));
      }
    }
    written.addAll(save(dir, "stages", stages(varying, ok)));
    written.addAll(save(dir, "pareto", pareto(varying, ok)));
    return written;
  }

  /** A line per combination of `rest`, simulated solid and predicted dashed, against `x`. */
  private static XYChart against(Sweep.Axis x, List<Sweep.Axis> rest, List<ObjectNode> ok,
      Metric m) {
    XYChart c = new XYChartBuilder().width(720).height(480)
        .title(m.title() + " against " + x.name()).xAxisTitle(x.name()).yAxisTitle(m.axis())
        .build();
    style(c.getStyler());
    Map<String, List<ObjectNode>> series = groups(rest, ok);
    java.awt.Color[] palette = c.getStyler().getSeriesColors();
    int n = 0;
    for (var e : series.entrySet()) {
      java.awt.Color colour = palette[n++ % palette.length];
      List<ObjectNode> pts = new ArrayList<>(e.getValue());
      pts.sort((a, b) -> Double.compare(value(a, x), value(b, x)));
      double[] xs = pts.stream().mapToDouble(p -> value(p, x)).toArray();
      String label = e.getKey().isEmpty() ? "simulated" : e.getKey();
      XYSeries sim = c.addSeries(label, xs, pts.stream().mapToDouble(p -> m.sim().applyAsDouble(
          p.path("figures"))).toArray());
      sim.setMarker(SeriesMarkers.CIRCLE);
      sim.setLineColor(colour);
      sim.setMarkerColor(colour);
      XYSeries pred = c.addSeries(label + " (predicted)", xs, pts.stream().mapToDouble(p ->
          m.pred().applyAsDouble(p.path("figures"))).toArray());
      pred.setLineStyle(SeriesLines.DASH_DASH);
      pred.setMarker(SeriesMarkers.NONE);
      pred.setLineColor(colour);
    }
    return c;
  }

  /** A bar per value of `x` (simulated), a group per combination of `rest`. */
  private static CategoryChart grouped(Sweep.Axis x, List<Sweep.Axis> rest,
      List<ObjectNode> ok, Metric m) {
    CategoryChart c = new CategoryChartBuilder().width(720).height(480)
        .title(m.title() + " by " + x.name() + " (simulated)")
        .xAxisTitle(rest.isEmpty() ? x.name() : names(rest)).yAxisTitle(m.axis()).build();
    style(c.getStyler());
    Map<String, List<ObjectNode>> groups = groups(rest, ok);
    // Only groups where every value of x finished, so that the bars stay comparable.
    List<String> cats = new ArrayList<>();
    for (var e : groups.entrySet()) {
      if (x.values().stream().allMatch(v -> find(e.getValue(), x, v.text()) != null)) {
        cats.add(e.getKey().isEmpty() ? "all" : e.getKey());
      }
    }
    if (cats.isEmpty()) {
      return c;
    }
    for (Sweep.Value v : x.values()) {
      List<Double> ys = new ArrayList<>();
      for (var e : groups.entrySet()) {
        ObjectNode p = find(e.getValue(), x, v.text());
        if (x.values().stream().allMatch(w -> find(e.getValue(), x, w.text()) != null)) {
          ys.add(m.sim().applyAsDouble(p.path("figures")));
        }
      }
      c.addSeries(v.text(), cats, ys);
    }
    return c;
  }

  /** Simulated cycles of every stage, stacked, a bar per point. */
  private static CategoryChart stages(List<Sweep.Axis> varying, List<ObjectNode> ok) {
    CategoryChart c = new CategoryChartBuilder().width(960).height(540)
        .title("simulated cycles per stage").xAxisTitle(varying.isEmpty() ? "point"
            : names(varying)).yAxisTitle("cycles").build();
    style(c.getStyler());
    c.getStyler().setStacked(true);
    int most = ok.stream().mapToInt(r -> r.path("stages").size()).max().orElse(0);
    c.getStyler().setLegendVisible(most <= 12);
    List<String> cats = ok.stream().map(r -> label(varying, r)).toList();
    for (int k = 0; k < most; k++) {
      List<Double> ys = new ArrayList<>();
      for (ObjectNode r : ok) {
        JsonNode s = r.path("stages").path(k);
        ys.add(s.path("sim_cycles").asDouble(0));
      }
      c.addSeries("stage " + k, cats, ys);
    }
    return c;
  }

  /** Energy against latency for every point (a series per value of the first varying axis)
   * and the front of the points that no other point beats in both. */
  private static XYChart pareto(List<Sweep.Axis> varying, List<ObjectNode> ok) {
    XYChart c = new XYChartBuilder().width(720).height(480)
        .title("energy against latency (simulated)").xAxisTitle("latency (ms)")
        .yAxisTitle("energy (uJ)").build();
    style(c.getStyler());
    Sweep.Axis by = varying.stream().filter(a -> !a.numeric()).findFirst()
        .orElse(varying.isEmpty() ? null : varying.get(0));
    Map<String, List<ObjectNode>> series = groups(by == null ? List.of() : List.of(by), ok);
    for (var e : series.entrySet()) {
      c.addSeries(e.getKey().isEmpty() ? "points" : e.getKey(),
          e.getValue().stream().mapToDouble(p -> p.path("figures").path("sim_ms").asDouble())
              .toArray(),
          e.getValue().stream().mapToDouble(p -> p.path("figures").path("sim_energy_uj")
              .asDouble()).toArray()).setXYSeriesRenderStyle(
                  org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
    }
    List<ObjectNode> front = front(ok);
    c.addSeries("Pareto front", front.stream().mapToDouble(p -> p.path("figures")
        .path("sim_ms").asDouble()).toArray(), front.stream().mapToDouble(p -> p
            .path("figures").path("sim_energy_uj").asDouble()).toArray());
    return c;
  }

  /** The points no other point beats in both latency and energy, by latency. */
  static List<ObjectNode> front(List<ObjectNode> ok) {
    List<ObjectNode> sorted = new ArrayList<>(ok);
    sorted.sort((a, b) -> {
      int k = Double.compare(a.path("figures").path("sim_ms").asDouble(),
          b.path("figures").path("sim_ms").asDouble());
      return k != 0 ? k : Double.compare(a.path("figures").path("sim_energy_uj").asDouble(),
          b.path("figures").path("sim_energy_uj").asDouble());
    });
    List<ObjectNode> front = new ArrayList<>();
    double best = Double.POSITIVE_INFINITY;
    for (ObjectNode p : sorted) {
      double e = p.path("figures").path("sim_energy_uj").asDouble();
      if (e < best) {
        front.add(p);
        best = e;
      }
    }
    return front;
  }

  private static void style(Styler s) {
    s.setChartBackgroundColor(java.awt.Color.WHITE);
    if (s instanceof org.knowm.xchart.style.AxesChartStyler a) {
      a.setXAxisLabelRotation(s instanceof org.knowm.xchart.style.CategoryStyler ? 20 : 0);
    }
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
    s.setAntiAlias(true);
  }

  /** The records grouped by their values of `axes` (the label joins them), in sweep order. */
  private static Map<String, List<ObjectNode>> groups(List<Sweep.Axis> axes,
      List<ObjectNode> ok) {
    Map<String, List<ObjectNode>> out = new LinkedHashMap<>();
    for (ObjectNode r : ok) {
      out.computeIfAbsent(label(axes, r), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  private static String label(List<Sweep.Axis> axes, ObjectNode r) {
    List<String> parts = new ArrayList<>();
    for (Sweep.Axis a : axes) {
      String v = r.path("parameters").path(a.name()).asText();
      parts.add(a.numeric() ? a.name() + "=" + v : v);
    }
    return String.join(" ", parts);
  }

  private static String names(List<Sweep.Axis> axes) {
    return String.join(", ", axes.stream().map(Sweep.Axis::name).toList());
  }

  private static ObjectNode find(List<ObjectNode> rs, Sweep.Axis x, String value) {
    for (ObjectNode r : rs) {
      if (r.path("parameters").path(x.name()).asText().equals(value)) {
        return r;
      }
    }
    return null;
  }

  private static double value(ObjectNode r, Sweep.Axis x) {
    return Double.parseDouble(r.path("parameters").path(x.name()).asText());
  }

  /** The chart as NAME.svg (with its title and description) and NAME.png. */
  private static List<Path> save(Path dir, String name, Chart<?, ?> chart) throws IOException {
    if (chart.getSeriesMap().isEmpty()) {
      return List.of();
    }
    ByteArrayOutputStream svg = new ByteArrayOutputStream();
    VectorGraphicsEncoder.saveVectorGraphic(chart, svg,
        VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    String text = svg.toString(StandardCharsets.UTF_8);
    int open = text.indexOf('>', text.indexOf("<svg")) + 1;
    String desc = "x axis: " + chart.getXAxisTitle() + "; y axis: " + chart.getYAxisTitle()
        + "; series: " + String.join(" | ", chart.getSeriesMap().keySet());
    text = text.substring(0, open) + "\n  <title>" + xml(chart.getTitle()) + "</title>\n  <desc>"
        + xml(desc) + "</desc>" + text.substring(open);
    Path svgFile = dir.resolve(name + ".svg");
    Path pngFile = dir.resolve(name + ".png");
    replace(svgFile, text.getBytes(StandardCharsets.UTF_8));
    replace(pngFile, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    return List.of(svgFile, pngFile);
  }

  private static void replace(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
