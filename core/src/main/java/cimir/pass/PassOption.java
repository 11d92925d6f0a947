package cimir.pass;

import java.util.List;

/**
 * A typed pass option: its key (kebab-case), kind, default value as text and description.
 * Values are checked when a pipeline is parsed, before anything runs.
 */
public record PassOption(String key, Kind kind, String defaultValue, String description,
    List<String> choices) {
  /** The value types an option can take. */
  public enum Kind { INT, COUNT, POSITIVE, DOUBLE, BOOL, STRING, DURATION, ENUM }

  public static PassOption integer(String key, long dflt, String description) {
    return new PassOption(key, Kind.INT, Long.toString(dflt), description, List.of());
  }

  /** A non-negative integer, such as a count or a budget. */
  public static PassOption count(String key, long dflt, String description) {
    return new PassOption(key, Kind.COUNT, Long.toString(dflt), description, List.of());
  }

  /** An integer from 1 to `max`, such as a number of inferences (`choices` holds `max`). */
  public static PassOption positive(String key, long dflt, long max, String description) {
    return new PassOption(key, Kind.POSITIVE, Long.toString(dflt), description,
        List.of(Long.toString(max)));
  }

  public static PassOption bool(String key, boolean dflt, String description) {
    return new PassOption(key, Kind.BOOL, Boolean.toString(dflt), description, List.of());
  }

  public static PassOption string(String key, String dflt, String description) {
    return new PassOption(key, Kind.STRING, dflt, description, List.of());
  }

  public static PassOption duration(String key, String dflt, String description) {
    return new PassOption(key, Kind.DURATION, dflt, description, List.of());
  }

  public static PassOption choice(String key, String dflt, String description, String... values) {
    return new PassOption(key, Kind.ENUM, dflt, description, List.of(values));
  }

  /** Null when `value` suits this option, else what is wrong with it. */
  public String check(String value) {
    switch (kind) {
      case INT:
        try {
          Long.parseLong(value);
          return null;
        } catch (NumberFormatException e) {
          return "expected an integer";
        }
      case COUNT:
        try {
          return Long.parseLong(value) >= 0 ? null : "expected a non-negative integer";
        } catch (NumberFormatException e) {
          return "expected a non-negative integer";
        }
      case POSITIVE:
        long max = Long.parseLong(choices.get(0));
        try {
          long v = Long.parseLong(value);
          return v >= 1 && v <= max ? null : "expected an integer from 1 to " + max;
        } catch (NumberFormatException e) {
          return "expected an integer from 1 to " + max;
        }
      case DOUBLE:
        try {
          Double.parseDouble(value);
          return null;
        } catch (NumberFormatException e) {
          return "expected a number";
        }
      case BOOL:
        return value.equals("true") || value.equals("false") ? null
            : "expected 'true' or 'false'";
      case DURATION:
        return PassOptions.parseDurationMillis(value) >= 0 ? null
            : "expected a duration such as 500ms, 5s or 2m";
      case ENUM:
        return choices.contains(value) ? null
            : "expected one of " + String.join(", ", choices);
      default:
        return null;
    }
  }
}
