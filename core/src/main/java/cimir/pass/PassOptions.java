package cimir.pass;

import java.util.List;
import java.util.Map;

/** The checked option values of one pass instance, with typed getters. */
public final class PassOptions {
  private final List<PassOption> declared;
  private final Map<String, String> values;

  PassOptions(List<PassOption> declared, Map<String, String> values) {
    this.declared = declared;
    this.values = values;
  }

  /** Every option at its default. */
  public static PassOptions defaults(List<PassOption> declared) {
    return new PassOptions(declared, Map.of());
  }

  private String raw(String key) {
    String v = values.get(key);
    if (v != null) {
      return v;
    }
    for (PassOption o : declared) {
      if (o.key().equals(key)) {
        return o.defaultValue();
      }
    }
    throw new IllegalArgumentException("undeclared option '" + key + "'");
  }

  public long getInt(String key) {
    return Long.parseLong(raw(key));
  }

  public double getDouble(String key) {
    return Double.parseDouble(raw(key));
  }

  public boolean getBool(String key) {
    return Boolean.parseBoolean(raw(key));
  }

  public String getString(String key) {
    return raw(key);
  }

  public long getDurationMillis(String key) {
    return parseDurationMillis(raw(key));
  }

  /** `500ms`, `5s`, `2m` or a plain number of seconds; -1 when malformed. */
  static long parseDurationMillis(String text) {
    try {
      if (text.endsWith("ms")) {
        return Math.round(Double.parseDouble(text.substring(0, text.length() - 2)));
      }
      if (text.endsWith("s")) {
        return Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000);
      }
      if (text.endsWith("m")) {
        return Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 60000);
      }
      return Math.round(Double.parseDouble(text) * 1000);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
