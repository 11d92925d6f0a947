package cimir.dialect.hw;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line overrides of a model, `--arch-set=T=4,B=8,core.macro.rows=320`: comma-separated
 * `KEY=VALUE` items applied in order. A key is one of the design-space aliases of CIMFlow's CLI
 * (T, K, B, C) and of the mesh (P, Q), or any field path of cimir's schema (docs/hw-schema.md),
 * including `core.macrosPerCore` (which sets K to the count / T). The result is validated.
 */
public final class HwOverrides {
  private HwOverrides() {}

  /** Where override problems are reported. */
  public static final String SOURCE = "--arch-set";

  /** The aliases, in the order messages list them. */
  public static final Map<String, String> ALIASES = aliases();

  private static Map<String, String> aliases() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("T", "core.macrosPerGroup");
    m.put("K", "core.macroGroups");
    m.put("B", "noc.flitBytes");
    m.put("C", "cores");
    m.put("P", "mesh.rows");
    m.put("Q", "mesh.cols");
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * One item: the key as written, the schema path it sets and the value.
   *
   * @param key `T` or `core.macro.rows`
   * @param path the schema path (`core.macrosPerGroup`)
   * @param value an Integer, Long, Double, Boolean or String as the field's kind says
   */
  public record Setting(String key, String path, Object value) {}

  /** Parses `spec` (empty or null: no settings); checks keys and value types. */
  public static List<Setting> parse(String spec) throws HwException {
    List<Setting> out = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    for (String item : spec.split(",", -1)) {
      String s = item.strip();
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new HwException(SOURCE, "expected KEY=VALUE, but got '" + s + "'; keys are "
            + keys());
      }
      String key = s.substring(0, eq).strip();
      String text = s.substring(eq + 1).strip();
      String path = ALIASES.getOrDefault(key, key);
      HwFields.Field f = HwFields.field(path);
      HwFields.Kind kind = f != null ? f.kind() : path.equals(HwFields.MACROS_PER_CORE)
          ? HwFields.Kind.INT : null;
      if (kind == null) {
        throw new HwException(SOURCE, "unknown key '" + key + "'; keys are " + keys());
      }
      out.add(new Setting(key, path, value(key, path, kind, text)));
    }
    return out;
  }

  /** `aliases T (core.macrosPerGroup), ... and the field paths of docs/hw-schema.md`. */
  private static String keys() {
    List<String> a = new ArrayList<>();
    ALIASES.forEach((k, v) -> a.add(k + " (" + v + ")"));
    return "the aliases " + String.join(", ", a) + ", or a field path such as core.macro.rows"
        + " or clockMhz (docs/hw-schema.md)";
  }

  private static Object value(String key, String path, HwFields.Kind kind, String text)
      throws HwException {
    String named = key.equals(path) ? "'" + key + "'" : "'" + key + "' (" + path + ")";
    String bad = named + " must be " + kind.expected + ", but got '" + text + "'";
    try {
      return switch (kind) {
        case INT -> Integer.parseInt(text);
        case LONG -> Long.parseLong(text);
        case DOUBLE -> {
          if (!text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
            throw new NumberFormatException();
          }
          double d = Double.parseDouble(text);
          if (!Double.isFinite(d)) {
            throw new NumberFormatException();
          }
          yield d;
        }
        case BOOL -> switch (text) {
          case "true" -> true;
          case "false" -> false;
          default -> throw new NumberFormatException();
        };
        case STRING -> text;
      };
    } catch (NumberFormatException e) {
      throw new HwException(SOURCE, bad);
    }
  }

  /** `m` with `spec` applied, validated. */
  public static HardwareModel apply(HardwareModel m, String spec) throws HwException {
    return apply(m, parse(spec));
  }

  /** `m` with `settings` applied in order, validated. */
  public static HardwareModel apply(HardwareModel m, List<Setting> settings) throws HwException {
    if (settings.isEmpty()) {
      return m;
    }
    Map<String, Object> v = HwFields.flatten(m);
    for (Setting s : settings) {
      if (s.path().equals(HwFields.MACROS_PER_CORE)) {
        int total = (Integer) s.value();
        int t = (Integer) v.get("core.macrosPerGroup");
        if (total <= 0) {
          throw new HwException(SOURCE, "'" + s.key() + "' must be positive, but is " + total);
        }
        if (t > 0 && total % t != 0) {
          throw new HwException(SOURCE, "T does not divide the macro count: '" + s.key()
              + "' = " + total + " is not a multiple of 'core.macrosPerGroup' = " + t);
        }
        v.put("core.macroGroups", t > 0 ? total / t : 0);
      } else {
        v.put(s.path(), s.value());
      }
    }
    HardwareModel out = HwFields.build(v);
    List<HwValidator.Problem> problems = HwValidator.check(out);
    if (!problems.isEmpty()) {
      HwValidator.Problem p = problems.get(0);
      Setting cause = null;
      for (Setting s : settings) {
        String set = s.path().equals(HwFields.MACROS_PER_CORE) ? "core.macroGroups" : s.path();
        for (String path : p.paths()) {
          cause = set.equals(path) || set.startsWith(path + ".") ? s : cause;
        }
      }
      throw new HwException(SOURCE, p.message() + (cause == null ? "" : " (set by '"
          + cause.key() + "=" + HwFields.show(cause.value()) + "')"));
    }
    return out;
  }
}
