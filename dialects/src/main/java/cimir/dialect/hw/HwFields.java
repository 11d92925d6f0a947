package cimir.dialect.hw;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * cimir's JSON schema of a {@link HardwareModel} (docs/hw-schema.md), as one table: every leaf
 * field with its JSON path, its kind and the rule its value obeys. The loader, the validator
 * and `--arch-set` all read this table, so the three cannot disagree about a name.
 */
final class HwFields {
  private HwFields() {}

  enum Kind {
    INT("an integer"), LONG("an integer"), DOUBLE("a number"), BOOL("true or false"),
    STRING("a string");

    final String expected;

    Kind(String expected) {
      this.expected = expected;
    }
  }

  /** What a value must satisfy. */
  enum Rule {
    ANY, POSITIVE, NON_NEGATIVE, WEIGHT_BITS
  }

  /** One leaf of the schema: `core.macro.rows`, an int, positive. */
  record Field(String path, Kind kind, Rule rule, Function<HardwareModel, Object> get) {
    String key() {
      return path.substring(path.lastIndexOf('.') + 1);
    }

    String parent() {
      int dot = path.lastIndexOf('.');
      return dot < 0 ? "" : path.substring(0, dot);
    }
  }

  /** The optional `core.macrosPerCore`: K x T, or with only one of them, the other one. */
  static final String MACROS_PER_CORE = "core.macrosPerCore";

  /** The top-level `base`: a preset the file starts from. */
  static final String BASE = "base";

  static final List<Field> FIELDS = List.of(
      f("name", Kind.STRING, Rule.ANY, HardwareModel::name),
      f("cores", Kind.INT, Rule.POSITIVE, HardwareModel::cores),
      f("mesh.rows", Kind.INT, Rule.POSITIVE, HardwareModel::meshRows),
      f("mesh.cols", Kind.INT, Rule.POSITIVE, HardwareModel::meshCols),
      f("core.macroGroups", Kind.INT, Rule.POSITIVE, m -> m.core().macroGroups()),
      f("core.macrosPerGroup", Kind.INT, Rule.POSITIVE, m -> m.core().macrosPerGroup()),
      f("core.macro.rows", Kind.INT, Rule.POSITIVE, m -> m.core().macro().rows()),
      f("core.macro.columns", Kind.INT, Rule.POSITIVE, m -> m.core().macro().columns()),
      f("core.macro.rowSelect", Kind.INT, Rule.POSITIVE, m -> m.core().macro().rowSelect()),
      f("core.macro.weightBits", Kind.INT, Rule.WEIGHT_BITS,
          m -> m.core().macro().weightBits()),
      f("core.macro.inputBits", Kind.INT, Rule.POSITIVE, m -> m.core().macro().inputBits()),
      f("core.macro.outputBits", Kind.INT, Rule.POSITIVE, m -> m.core().macro().outputBits()),
      f("core.macro.dualMode", Kind.BOOL, Rule.ANY, m -> m.core().macro().dualMode()),
      f("core.macro.switchCycles", Kind.INT, Rule.POSITIVE,
          m -> m.core().macro().switchCycles()),
      f("core.macro.memoryBytesPerCycle", Kind.INT, Rule.POSITIVE,
          m -> m.core().macro().memoryBytesPerCycle()),
      f("core.local.inputBytes", Kind.LONG, Rule.NON_NEGATIVE,
          m -> m.core().local().inputBytes()),
      f("core.local.outputBytes", Kind.LONG, Rule.NON_NEGATIVE,
          m -> m.core().local().outputBytes()),
      f("core.local.weightBytes", Kind.LONG, Rule.NON_NEGATIVE,
          m -> m.core().local().weightBytes()),
      f("core.local.bytesPerCycle", Kind.INT, Rule.POSITIVE,
          m -> m.core().local().bytesPerCycle()),
      f("core.vector.lanes", Kind.INT, Rule.POSITIVE, m -> m.core().vector().lanes()),
      f("global.bytes", Kind.LONG, Rule.POSITIVE, m -> m.global().bytes()),
      f("global.bytesPerCycle", Kind.INT, Rule.POSITIVE, m -> m.global().bytesPerCycle()),
      f("noc.flitBytes", Kind.INT, Rule.POSITIVE, m -> m.noc().flitBytes()),
      f("noc.cyclesPerHop", Kind.INT, Rule.POSITIVE, m -> m.noc().cyclesPerHop()),
      f("clockMhz", Kind.DOUBLE, Rule.POSITIVE, HardwareModel::clockMhz),
      f("energy.macPj", Kind.DOUBLE, Rule.NON_NEGATIVE, m -> m.energy().macPj()),
      f("energy.localPjPerByte", Kind.DOUBLE, Rule.NON_NEGATIVE,
          m -> m.energy().localPjPerByte()),
      f("energy.globalPjPerByte", Kind.DOUBLE, Rule.NON_NEGATIVE,
          m -> m.energy().globalPjPerByte()),
      f("energy.nocPjPerFlitHop", Kind.DOUBLE, Rule.NON_NEGATIVE,
          m -> m.energy().nocPjPerFlitHop()),
      f("energy.vectorPjPerOp", Kind.DOUBLE, Rule.NON_NEGATIVE,
          m -> m.energy().vectorPjPerOp()),
      f("energy.switchPj", Kind.DOUBLE, Rule.NON_NEGATIVE, m -> m.energy().switchPj()),
      f("energy.weightWritePjPerByte", Kind.DOUBLE, Rule.NON_NEGATIVE,
          m -> m.energy().weightWritePjPerByte()),
      f("energy.staticMwPerCore", Kind.DOUBLE, Rule.NON_NEGATIVE,
          m -> m.energy().staticMwPerCore()));

  /** The objects of the schema, parents first. */
  static final List<String> OBJECTS = List.of("", "mesh", "core", "core.macro", "core.local",
      "core.vector", "global", "noc", "energy");

  private static Field f(String path, Kind kind, Rule rule, Function<HardwareModel, Object> get) {
    return new Field(path, kind, rule, get);
  }

  static Field field(String path) {
    for (Field f : FIELDS) {
      if (f.path().equals(path)) {
        return f;
      }
    }
    return null;
  }

  static boolean isObject(String path) {
    return OBJECTS.contains(path);
  }

  /** The member names an object may have, in schema order (objects and leaves). */
  static List<String> members(String object) {
    List<String> out = new ArrayList<>();
    if (object.isEmpty()) {
      out.add(BASE);
    }
    for (Field f : FIELDS) {
      addChild(out, object, f.path());
      if (f.path().equals("core.macrosPerGroup") && object.equals("core")) {
        out.add("macrosPerCore");
      }
    }
    return out;
  }

  private static void addChild(List<String> out, String object, String path) {
    String prefix = object.isEmpty() ? "" : object + ".";
    if (!path.startsWith(prefix)) {
      return;
    }
    String rest = path.substring(prefix.length());
    int dot = rest.indexOf('.');
    String child = dot < 0 ? rest : rest.substring(0, dot);
    if (!out.contains(child)) {
      out.add(child);
    }
  }

  /** Every leaf of `m`, by path, in schema order. */
  static Map<String, Object> flatten(HardwareModel m) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field f : FIELDS) {
      out.put(f.path(), f.get().apply(m));
    }
    return out;
  }

  /** The model whose leaves are `v` (every path of {@link #FIELDS} present). */
  static HardwareModel build(Map<String, Object> v) {
    HardwareModel.Macro macro = new HardwareModel.Macro(i(v, "core.macro.rows"),
        i(v, "core.macro.columns"), i(v, "core.macro.rowSelect"), i(v, "core.macro.weightBits"),
        i(v, "core.macro.inputBits"), i(v, "core.macro.outputBits"),
        (Boolean) v.get("core.macro.dualMode"), i(v, "core.macro.switchCycles"),
        i(v, "core.macro.memoryBytesPerCycle"));
    HardwareModel.LocalMemory local = new HardwareModel.LocalMemory(l(v, "core.local.inputBytes"),
        l(v, "core.local.outputBytes"), l(v, "core.local.weightBytes"),
        i(v, "core.local.bytesPerCycle"));
    HardwareModel.Core core = new HardwareModel.Core(i(v, "core.macroGroups"),
        i(v, "core.macrosPerGroup"), macro, local,
        new HardwareModel.VectorUnit(i(v, "core.vector.lanes")));
    HardwareModel.Energy energy = new HardwareModel.Energy(d(v, "energy.macPj"),
        d(v, "energy.localPjPerByte"), d(v, "energy.globalPjPerByte"),
        d(v, "energy.nocPjPerFlitHop"), d(v, "energy.vectorPjPerOp"), d(v, "energy.switchPj"),
        d(v, "energy.weightWritePjPerByte"), d(v, "energy.staticMwPerCore"));
    return new HardwareModel((String) v.get("name"), i(v, "cores"), i(v, "mesh.rows"),
        i(v, "mesh.cols"), core, new HardwareModel.GlobalMemory(l(v, "global.bytes"),
        i(v, "global.bytesPerCycle")), new HardwareModel.Noc(i(v, "noc.flitBytes"),
        i(v, "noc.cyclesPerHop")), d(v, "clockMhz"), energy);
  }

  private static int i(Map<String, Object> v, String path) {
    return ((Number) v.get(path)).intValue();
  }

  private static long l(Map<String, Object> v, String path) {
    return ((Number) v.get(path)).longValue();
  }

  private static double d(Map<String, Object> v, String path) {
    return ((Number) v.get(path)).doubleValue();
  }

  /** A value as a message shows it: 500 rather than 500.0. */
  static String show(Object value) {
    if (value instanceof Double d) {
      return Double.isFinite(d) ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString()
          : d.toString();
    }
    return String.valueOf(value);
  }
}
