package cimir.dialect.hw;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules every hardware model obeys, whatever it came from: counts, sizes, bandwidths and
 * the clock are positive (a local buffer may be 0 bytes: Dynaplasia has no weight buffer),
 * energies are at least 0, the mesh has room for the cores, weights have 1 to 16 bits. Each
 * problem names the schema field (docs/hw-schema.md) it is about.
 */
public final class HwValidator {
  private HwValidator() {}

  /**
   * One broken rule.
   *
   * @param paths the schema fields involved, the one to point at first (`mesh`, then `cores`)
   * @param message what is wrong, naming the fields
   */
  public record Problem(List<String> paths, String message) {
    public Problem {
      paths = List.copyOf(paths);
    }

    /** The field the problem is about. */
    public String path() {
      return paths.get(0);
    }
  }

  /** Every problem of `m`, in schema order; empty when `m` is valid. */
  public static List<Problem> check(HardwareModel m) {
    List<Problem> out = new ArrayList<>();
    if (m.name() == null || m.name().isEmpty()) {
      out.add(new Problem(List.of("name"), "'name' must not be empty"));
    }
    for (HwFields.Field f : HwFields.FIELDS) {
      Object v = f.get().apply(m);
      String bad = switch (f.rule()) {
        case ANY -> null;
        case POSITIVE -> v instanceof Double d ? (d > 0 && Double.isFinite(d) ? null
            : "must be positive") : ((Number) v).longValue() > 0 ? null : "must be positive";
        case NON_NEGATIVE -> v instanceof Double d ? (d >= 0 && Double.isFinite(d) ? null
            : "must not be negative") : ((Number) v).longValue() >= 0 ? null
            : "must not be negative";
        case WEIGHT_BITS -> ((Number) v).intValue() >= 1 && ((Number) v).intValue() <= 16 ? null
            : "must be between 1 and 16";
      };
      if (bad != null) {
        out.add(new Problem(List.of(f.path()), "'" + f.path() + "' " + bad + ", but is "
            + HwFields.show(v)));
      }
    }
    if (m.meshRows() > 0 && m.meshCols() > 0 && m.cores() > 0
        && (long) m.meshRows() * m.meshCols() < m.cores()) {
      out.add(new Problem(List.of("mesh", "cores"), "the mesh of " + m.meshRows() + " x "
          + m.meshCols() + " = " + (long) m.meshRows() * m.meshCols()
          + " places is too small for 'cores' = " + m.cores()));
    }
    HardwareModel.Core c = m.core();
    if ((long) c.macroGroups() * c.macrosPerGroup() > Integer.MAX_VALUE) {
      out.add(new Problem(List.of("core.macroGroups", "core.macrosPerGroup"), "'core.macroGroups'"
          + " x 'core.macrosPerGroup' = " + c.macroGroups() + " x " + c.macrosPerGroup()
          + " macros per core is too many"));
    }
    return out;
  }

  /** Throws the first problem of `m` as coming from `source` (a preset, `--arch-set`). */
  public static HardwareModel validate(HardwareModel m, String source) throws HwException {
    List<Problem> problems = check(m);
    if (!problems.isEmpty()) {
      throw new HwException(source, problems.get(0).message());
    }
    return m;
  }
}
