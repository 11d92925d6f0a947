package cimir.tools;

import cimir.dialect.hw.HwArch;
import cimir.dialect.hw.HwException;
import cimir.dialect.hw.HwOverrides;
import cimir.lowering.graphtoop.Hardware;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A design-space sweep: named axes, each with its values, whose cartesian product is the set of
 * points (the first axis outermost). Axes come from a sweep file, one `NAME = V1, V2, ...` per
 * line (`#` starts a comment), and from `--sweep NAME=V1,V2` flags, which replace the file's
 * axis of the same name. An axis is a flow parameter (`model`, `pipeline`, `arch`, `strategy`,
 * `policy`, `objective`, `batch`) or a hardware key of `--arch-set` (T, K, B, C, P, Q or a field
 * path of docs/hw-schema.md). Every value is checked when the sweep is read, so that a typo is a
 * diagnostic at its line and column, not a sweep of failed points.
 */
final class Sweep {
  /** A problem in the sweep, already formatted as a diagnostic line. */
  static final class Error extends Exception {
    Error(String message) {
      super(message);
    }
  }

  /** One value as written, and where: `file:line:col` or `--sweep 'text'`. */
  record Value(String text, String where) {}

  /** One axis: its name and values in order. */
  record Axis(String name, List<Value> values) {
    boolean hardware() {
      return !FLOW_AXES.containsKey(name);
    }

    /** Whether every value is a number (the axis can be an x axis). */
    boolean numeric() {
      return values.stream().allMatch(v -> v.text().matches("-?[0-9]+(\\.[0-9]+)?"));
    }
  }

  /** The flow's own axes and their values (null: checked otherwise). */
  static final Map<String, List<String>> FLOW_AXES = flowAxes();

  private static Map<String, List<String>> flowAxes() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("model", null);
    m.put("pipeline", null);
    m.put("arch", null);
    // The values of segment's and mode-alloc's options of the same names (docs/passes.md).
    m.put("strategy", List.of("dp", "greedy", "greedy-nodup", "layerwise"));
    m.put("policy", List.of("mip", "all-compute"));
    m.put("objective", List.of("latency", "energy", "edp"));
    m.put("batch", null);
    return java.util.Collections.unmodifiableMap(m);
  }

  private final Map<String, Axis> axes = new LinkedHashMap<>();

  /** Reads a sweep file's text; `file` names it in diagnostics. */
  void readFile(String file, String text) throws Error {
    Map<String, Axis> seen = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String body = hash >= 0 ? line.substring(0, hash) : line;
      if (body.isBlank()) {
        continue;
      }
      int eq = body.indexOf('=');
      String at = file + ":" + (i + 1) + ":";
      if (eq < 0) {
        throw new Error(at + (indent(body) + 1) + ": error: expected 'NAME = VALUE, ...', but got '"
            + body.strip() + "'");
      }
      String name = body.substring(0, eq).strip();
      if (name.isEmpty()) {
        throw new Error(at + (indent(body) + 1) + ": error: expected a parameter name before '='");
      }
      String where = at + (indent(body) + 1);
      if (seen.containsKey(name)) {
        throw new Error(where + ": error: parameter '" + name + "' is given twice");
      }
      List<Value> values = new ArrayList<>();
      int col = eq + 1;
      for (String item : body.substring(eq + 1).split(",", -1)) {
        int lead = indent(item);
        String v = item.strip();
        String vWhere = at + (col + lead + 1);
        if (v.isEmpty()) {
          throw new Error(vWhere + ": error: empty value for '" + name + "'");
        }
        values.add(new Value(v, vWhere));
        col += item.length() + 1;
      }
      seen.put(name, new Axis(name, values));
      checkName(name, where);
    }
    axes.putAll(seen);
  }

  /** Adds (or replaces) an axis from `--sweep NAME=V1,V2`. */
  void addFlag(String text) throws Error {
    String where = "cim-explore: --sweep '" + text + "'";
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new Error(where + ": error: expected NAME=V1,V2,...");
    }
    String name = text.substring(0, eq).strip();
    checkName(name, where);
    List<Value> values = new ArrayList<>();
    for (String item : text.substring(eq + 1).split(",", -1)) {
      if (item.isBlank()) {
        throw new Error(where + ": error: empty value for '" + name + "'");
      }
      values.add(new Value(item.strip(), where));
    }
    axes.put(name, new Axis(name, values));
  }

  private static void checkName(String name, String where) throws Error {
    if (FLOW_AXES.containsKey(name)) {
      return;
    }
    try {
      HwOverrides.parse(name + "=0");
    } catch (HwException e) {
      if (e.detail().startsWith("unknown key")) {
        throw new Error(where + ": error: unknown parameter '" + name + "'; parameters are "
            + String.join(", ", FLOW_AXES.keySet()) + ", and the hardware keys of --arch-set"
            + " (T, K, B, C, P, Q, or a field path such as core.macro.rows or clockMhz)");
      }
    }
  }

  /**
   * Checks every value: pipelines against `pipelines`, chips as presets or files, enums
   * against their options, hardware values by their field's kind.
   */
  void check(List<String> pipelines) throws Error {
    for (Axis a : axes.values()) {
      for (Value v : a.values()) {
        String problem = problem(a.name(), v.text(), pipelines);
        if (problem != null) {
          throw new Error(v.where() + ": error: " + problem);
        }
      }
    }
  }

  private static String problem(String name, String value, List<String> pipelines) {
    switch (name) {
      case "model":
        return value.endsWith(".onnx") || BuiltinModels.NAMES.contains(value) ? null
            : "unknown model '" + value + "' (a file ending in .onnx or a built-in model: "
                + String.join(", ", BuiltinModels.NAMES) + ")";
      case "pipeline":
        return pipelines.contains(value) ? null : "unknown pipeline '" + value + "' (known: "
            + String.join(", ", pipelines) + ")";
      case "arch":
        try {
          new HwArch.Spec(value, "").model();
          return null;
        } catch (HwException e) {
          return e.detail();
        }
      case "batch": {
        String wrong = Hardware.BATCH_OPTION.check(value);
        return wrong == null ? null : "batch: " + wrong + ", but got '" + value + "'";
      }
      default:
        List<String> known = FLOW_AXES.get(name);
        if (known != null) {
          return known.contains(value) ? null : "unknown " + name + " '" + value + "' (known: "
              + String.join(", ", known) + ")";
        }
        try {
          HwOverrides.parse(name + "=" + value);
          return null;
        } catch (HwException e) {
          return e.detail();
        }
    }
  }

  List<Axis> axes() {
    return List.copyOf(axes.values());
  }

  /** Every point: one value per axis, in axis order (the first axis outermost). */
  List<Map<String, String>> points() {
    List<Map<String, String>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (Axis a : axes.values()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> p : out) {
        for (Value v : a.values()) {
          Map<String, String> q = new LinkedHashMap<>(p);
          q.put(a.name(), v.text());
          next.add(q);
        }
      }
      out = next;
    }
    return out;
  }

  /** `name=value name=value`: how a point is named in results and progress. */
  static String key(Map<String, String> point) {
    StringBuilder b = new StringBuilder();
    point.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return b.toString();
  }

  private static int indent(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
