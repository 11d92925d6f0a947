package cimir.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A finished sweep's tables: `results.csv` (a row per point: its parameters, status, the
 * simulated, predicted and lower-bound figures, the reason of a failure), `stages.csv` (a row
 * per stage of every point) and `results.json` (the axes and every record). Wall-clock times
 * stay in the journal, so that the same sweep writes the same bytes.
 */
final class ExploreResults {
  /** The figures of a point, in column order. */
  static final List<String> FIGURES = List.of("stages", "operators", "instructions",
      "sim_cycles", "sim_ms", "sim_energy_uj", "sim_dynamic_energy_uj", "pred_inferences",
      "pred_cycles", "pred_ms", "pred_energy_uj", "bound_cycles", "bound_energy_uj",
      "sim_over_pred", "sim_over_bound", "pred_switch_share", "pred_transition_share",
      "sim_switch_share", "switches", "tops", "tops_per_w");

  /** The figures of a stage, in column order. */
  static final List<String> STAGE_FIGURES = List.of("index", "operators", "products", "copies",
      "compute_arrays", "memory_arrays", "cores", "pred_cycles", "pred_energy_uj",
      "transition_cycles", "sim_cycles", "sim_energy_uj");

  private ExploreResults() {}

  static String csv(List<Sweep.Axis> axes, List<ObjectNode> records) {
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>();
    axes.forEach(a -> header.add(a.name()));
    header.addAll(List.of("status", "chip", "cores"));
    header.addAll(FIGURES);
    header.add("reason");
    row(out, header);
    for (ObjectNode r : records) {
      List<String> cells = parameters(axes, r);
      cells.add(r.path("status").asText());
      cells.add(r.path("chip").asText(""));
      cells.add(r.has("cores") ? r.get("cores").asText() : "");
      for (String f : FIGURES) {
        cells.add(number(r.path("figures").get(f)));
      }
      cells.add(r.path("reason").asText(""));
      row(out, cells);
    }
    return out.toString();
  }

  static String stagesCsv(List<Sweep.Axis> axes, List<ObjectNode> records) {
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>();
    axes.forEach(a -> header.add(a.name()));
    header.addAll(STAGE_FIGURES.stream().map(s -> s.equals("index") ? "stage" : s).toList());
    row(out, header);
    for (ObjectNode r : records) {
      for (JsonNode s : r.path("stages")) {
        List<String> cells = parameters(axes, r);
        for (String f : STAGE_FIGURES) {
          cells.add(number(s.get(f)));
        }
        row(out, cells);
      }
    }
    return out.toString();
  }

  static String json(List<Sweep.Axis> axes, List<ObjectNode> records) {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = m.createObjectNode();
    ObjectNode ax = root.putObject("axes");
    for (Sweep.Axis a : axes) {
      ArrayNode values = ax.putArray(a.name());
      a.values().forEach(v -> values.add(v.text()));
    }
    ArrayNode points = root.putArray("points");
    for (ObjectNode r : records) {
      ObjectNode copy = r.deepCopy();
      copy.remove("wall_s");
      points.add(copy);
    }
    try {
      return m.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> parameters(List<Sweep.Axis> axes, ObjectNode r) {
    List<String> cells = new ArrayList<>();
    axes.forEach(a -> cells.add(r.path("parameters").path(a.name()).asText()));
    return cells;
  }

  /** Whole numbers without a fraction, others with six significant digits; empty if absent. */
  static String number(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return "";
    }
    if (n.isIntegralNumber()) {
      return n.asText();
    }
    double d = n.asDouble();
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.[0-9]*?)0+(e|$)", "$1$2")
        .replaceAll("\\.(e|$)", "$1");
  }

  private static void row(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      if (i > 0) {
        out.append(',');
      }
      if (c.contains(",") || c.contains("\"") || c.contains("\n")) {
        out.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        out.append(c);
      }
    }
    out.append('\n');
  }
}
