package cimir.dialect.hw;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CIMFlow's own simulator configuration (cim-sim's `config.json`, reference/cimflow.md
 * 1.3-1.6) and its NoC table (`flit16dim8.json`: 65 x 65 `latency` and `energy` tables by core
 * id -1..63, -1 the global memory) into a {@link HardwareModel} named `cimflow-config`.
 *
 * <p>What the configuration gives: the core count, the macro geometry and grouping, the local
 * and global memories, the SIMD functor of 32-bit additions, the NoC flit width, the clock and
 * every power number, turned into cimir's energies as {@link CimflowEnergy} says. What it does
 * not give is taken from {@link HwPresets#cimflow()}: the input and output bit widths (set by the
 * program through special registers), the dual-mode fields and the mode-switch energy. The mesh
 * is square, sqrt(core_cnt) on a side; the NoC's pJ per flit and hop and cycles per hop come from
 * the table: the median energy of the one-hop pairs, and the slope of the median latency from one
 * hop to the longest route.
 */
public final class CimflowConfigLoader {
  private CimflowConfigLoader() {}

  /** The model's name. */
  public static final String NAME = "cimflow-config";

  /**
   * Reads `config`, with the NoC table its `network_config.network_config_file_path` names,
   * resolved against the configuration's folder, or else the file of that name next to it.
   */
  public static HardwareModel load(Path config) throws HwException {
    String name = config.toString();
    JsonTree.Obj root = object(name, JsonTree.read(config, name), "the configuration");
    JsonTree.Obj chip = new Cfg(name).obj(root, "chip_config");
    JsonTree.Obj network = new Cfg(name).obj(chip, "network_config");
    JsonTree.Node tablePath = new Cfg(name).req(network, "network_config_file_path");
    if (!(tablePath instanceof JsonTree.Str s)) {
      throw JsonTree.error(name, tablePath, "'" + tablePath.path() + "' must be a string, but"
          + " got " + JsonTree.describe(tablePath));
    }
    Path dir = config.getParent() == null ? Path.of("") : config.getParent();
    Path table = dir.resolve(s.value());
    Path file = Path.of(s.value()).getFileName();
    if (!Files.exists(table) && file != null && Files.exists(dir.resolve(file))) {
      table = dir.resolve(file);
    } else if (!Files.exists(table)) {
      throw JsonTree.error(name, s, "no NoC table '" + s.value() + "'" + (file == null ? ""
          : " (nor '" + file + "' next to the configuration)"));
    }
    return load(config, table);
  }

  /** Reads `config` with the NoC table `nocTable`. */
  public static HardwareModel load(Path config, Path nocTable) throws HwException {
    String name = config.toString();
    JsonTree.Obj root = object(name, JsonTree.read(config, name), "the configuration");
    Cfg c = new Cfg(name);
    HardwareModel preset = HwPresets.cimflow();
    HardwareModel.Macro pm = preset.core().macro();

    JsonTree.Obj chip = c.obj(root, "chip_config");
    int cores = c.integer(chip, "core_cnt", "cores");
    int side = (int) Math.round(Math.sqrt(cores));
    if (cores > 0 && side * side != cores) {
      throw JsonTree.error(name, chip.get("core_cnt"), "CIMFlow's mesh is square, but"
          + " 'chip_config.core_cnt' = " + cores + " is not a square number");
    }
    c.where.put("mesh", c.where.get("cores"));
    JsonTree.Obj core = c.obj(chip, "core_config");
    JsonTree.Obj cim = c.obj(core, "cim_unit_config");
    int total = c.integer(cim, "macro_total_cnt", "core.macroGroups");
    int t = c.integer(cim, "macro_group_size", "core.macrosPerGroup");
    if (t > 0 && total % t != 0) {
      throw JsonTree.error(name, cim.get("macro_total_cnt"), "T does not divide the macro count:"
          + " 'macro_total_cnt' = " + total + " is not a multiple of 'macro_group_size' = " + t);
    }
    int k = t > 0 ? total / t : 0;
    JsonTree.Obj size = c.obj(cim, "macro_size");
    int rows = c.integer(size, "compartment_cnt_per_macro", "core.macro.rows");
    int columns = c.integer(size, "element_cnt_per_compartment", "core.macro.columns");
    int rowSelect = c.integer(size, "row_cnt_per_element", "core.macro.rowSelect");
    int weightBits = c.integer(size, "bit_width_per_row", "core.macro.weightBits");
    HardwareModel.Macro macro = new HardwareModel.Macro(rows, columns, rowSelect, weightBits,
        pm.inputBits(), pm.outputBits(), pm.dualMode(), pm.switchCycles(),
        pm.memoryBytesPerCycle());

    JsonTree.Obj localUnit = c.obj(core, "local_memory_unit_config");
    JsonTree.Arr memories = c.arr(localUnit, "local_memory_list");
    JsonTree.Obj input = c.obj(c.named(memories, "input_memory"), "hardware_config");
    JsonTree.Obj output = c.obj(c.named(memories, "output_memory"), "hardware_config");
    JsonTree.Obj weight = c.obj(c.named(memories, "weight_memory"), "hardware_config");
    long inputBytes = c.longInteger(input, "size_byte", "core.local.inputBytes");
    long outputBytes = c.longInteger(output, "size_byte", "core.local.outputBytes");
    long weightBytes = c.longInteger(weight, "size_byte", "core.local.weightBytes");
    // The narrowest of the three ports (all 128 B in the DAC configuration).
    int width = c.integer(input, "width_byte", "core.local.bytesPerCycle");
    for (JsonTree.Obj m : List.of(output, weight)) {
      int w = c.integer(m, "width_byte", null);
      if (w < width) {
        width = w;
        c.where.put("core.local.bytesPerCycle", m.get("width_byte").pos());
      }
    }
    HardwareModel.LocalMemory local = new HardwareModel.LocalMemory(inputBytes, outputBytes,
        weightBytes, width);

    JsonTree.Obj simd = c.obj(core, "simd_unit_config");
    JsonTree.Obj adder = c.addFunctor(simd);
    int lanes = c.integer(adder, "functor_cnt", "core.vector.lanes");

    JsonTree.Obj global = c.obj(c.obj(chip, "global_memory_config"), "hardware_config");
    long globalBytes = c.longInteger(global, "size_byte", "global.bytes");
    int globalWidth = c.integer(global, "width_byte", "global.bytesPerCycle");

    JsonTree.Obj network = c.obj(chip, "network_config");
    int flit = c.integer(network, "bus_width_byte", "noc.flitBytes");

    JsonTree.Obj sim = c.obj(root, "sim_config");
    double period = c.number(sim, "period_ns", "clockMhz");
    if (!(period > 0)) {
      throw JsonTree.error(name, sim.get("period_ns"), "'sim_config.period_ns' must be positive,"
          + " but is " + HwFields.show(period));
    }

    NocTable table = readNocTable(nocTable, cores);
    int cyclesPerHop = table.cyclesPerHop(side);
    double pjPerFlitHop = table.pjPerFlitHop(side);

    JsonTree.Obj sram = c.obj(cim, "sram");
    JsonTree.Obj tree = c.obj(cim, "adder_tree");
    JsonTree.Obj shift = c.obj(cim, "shift_adder");
    JsonTree.Obj result = c.obj(cim, "result_adder");
    double macPj = CimflowEnergy.macPj(c.number(sram, "read_dynamic_power_per_bit_mW", null),
        c.number(tree, "dynamic_power_mW", null), c.number(shift, "dynamic_power_mW", null),
        c.number(result, "dynamic_power_mW", null), rows, columns, weightBits, pm.inputBits(),
        period);
    c.where.put("energy.macPj", sram.pos());
    double localPj = CimflowEnergy.pjPerByte(c.number(input, "read_dynamic_power_mW",
        "energy.localPjPerByte"), c.integer(input, "width_byte", null), period);
    double globalPj = CimflowEnergy.pjPerByte(c.number(global, "read_dynamic_power_mW",
        "energy.globalPjPerByte"), globalWidth, period);
    double vectorPj = CimflowEnergy.pjPerOp(c.number(adder, "dynamic_power_per_functor_mW",
        "energy.vectorPjPerOp"), period);
    double writePj = CimflowEnergy.weightWritePjPerByte(c.number(sram,
        "write_dynamic_power_per_bit_mW", "energy.weightWritePjPerByte"), period);
    // Static power of one core, as HwPresets.cimflow() adds it up: the macros' SRAM, one input
    // processing unit per group, three adders per column of every macro, every local memory,
    // every SIMD functor lane.
    int macros = k * t;
    double staticMw = c.number(sram, "static_power_mW", null) * macros
        + c.number(c.obj(cim, "ipu"), "static_power_mW", null) * k
        + (c.number(tree, "static_power_mW", null) + c.number(shift, "static_power_mW", null)
        + c.number(result, "static_power_mW", null)) * columns * macros;
    for (JsonTree.Node m : memories.items()) {
      staticMw += c.number(c.obj(object(name, m, "a local memory"), "hardware_config"),
          "static_power_mW", null);
    }
    for (JsonTree.Node f : c.arr(simd, "functor_list").items()) {
      JsonTree.Obj functor = object(name, f, "a functor");
      staticMw += c.number(functor, "static_power_per_functor_mW", null)
          * c.integer(functor, "functor_cnt", null);
    }
    c.where.put("energy.staticMwPerCore", cim.pos());
    HardwareModel.Energy energy = new HardwareModel.Energy(macPj, localPj, globalPj,
        pjPerFlitHop, vectorPj, preset.energy().switchPj(), writePj, staticMw);

    HardwareModel m = new HardwareModel(NAME, cores, side, side,
        new HardwareModel.Core(k, t, macro, local, new HardwareModel.VectorUnit(lanes)),
        new HardwareModel.GlobalMemory(globalBytes, globalWidth),
        new HardwareModel.Noc(flit, cyclesPerHop), 1000.0 / period, energy);
    List<HwValidator.Problem> problems = HwValidator.check(m);
    if (!problems.isEmpty()) {
      HwValidator.Problem p = problems.get(0);
      JsonTree.Pos at = null;
      for (String path : p.paths()) {
        at = at != null ? at : c.where.get(path);
      }
      throw JsonTree.error(name, at != null ? at : root.pos(), p.message());
    }
    return m;
  }

  private static JsonTree.Obj object(String file, JsonTree.Node n, String what)
      throws HwException {
    if (n instanceof JsonTree.Obj o) {
      return o;
    }
    throw JsonTree.error(file, n, "expected " + what + " to be a JSON object, but got "
        + JsonTree.describe(n));
  }

  /** Reads a configuration's fields with positions; remembers where each cimir field came from. */
  private static final class Cfg {
    final String file;
    final Map<String, JsonTree.Pos> where = new HashMap<>();

    Cfg(String file) {
      this.file = file;
    }

    JsonTree.Node req(JsonTree.Obj parent, String key) throws HwException {
      JsonTree.Node n = parent.get(key);
      if (n == null) {
        throw JsonTree.error(file, parent, "missing field '" + key + "'"
            + (parent.path().isEmpty() ? "" : " in '" + parent.path() + "'"));
      }
      return n;
    }

    JsonTree.Obj obj(JsonTree.Obj parent, String key) throws HwException {
      JsonTree.Node n = req(parent, key);
      if (!(n instanceof JsonTree.Obj o)) {
        throw JsonTree.error(file, n, "'" + n.path() + "' must be an object, but got "
            + JsonTree.describe(n));
      }
      return o;
    }

    JsonTree.Arr arr(JsonTree.Obj parent, String key) throws HwException {
      JsonTree.Node n = req(parent, key);
      if (!(n instanceof JsonTree.Arr a)) {
        throw JsonTree.error(file, n, "'" + n.path() + "' must be an array, but got "
            + JsonTree.describe(n));
      }
      return a;
    }

    /** The element of `list` whose `name` is `name`. */
    JsonTree.Obj named(JsonTree.Arr list, String name) throws HwException {
      for (JsonTree.Node n : list.items()) {
        if (n instanceof JsonTree.Obj o && o.get("name") instanceof JsonTree.Str s
            && s.value().equals(name)) {
          return o;
        }
      }
      throw JsonTree.error(file, list, "no entry named '" + name + "' in '" + list.path() + "'");
    }

    /** The SIMD functor the `add` instruction uses on 32-bit inputs (partial sums). */
    JsonTree.Obj addFunctor(JsonTree.Obj simd) throws HwException {
      JsonTree.Arr instructions = arr(simd, "instruction_list");
      JsonTree.Obj add = named(instructions, "add");
      for (JsonTree.Node b : arr(add, "functor_binding_list").items()) {
        if (b instanceof JsonTree.Obj binding
            && binding.get("input_bit_width") instanceof JsonTree.Obj widths
            && widths.get("input1") instanceof JsonTree.Num n && n.integral()
            && n.bigInteger().equals(BigInteger.valueOf(32))) {
          JsonTree.Node functor = req(binding, "functor_name");
          if (!(functor instanceof JsonTree.Str s)) {
            throw JsonTree.error(file, functor, "'" + functor.path() + "' must be a string");
          }
          return named(arr(simd, "functor_list"), s.value());
        }
      }
      throw JsonTree.error(file, add, "the 'add' instruction has no functor for 32-bit inputs");
    }

    int integer(JsonTree.Obj parent, String key, String field) throws HwException {
      JsonTree.Node n = req(parent, key);
      remember(field, n);
      return (Integer) HwLoader.value(file, n.path(), HwFields.Kind.INT, n);
    }

    long longInteger(JsonTree.Obj parent, String key, String field) throws HwException {
      JsonTree.Node n = req(parent, key);
      remember(field, n);
      return (Long) HwLoader.value(file, n.path(), HwFields.Kind.LONG, n);
    }

    double number(JsonTree.Obj parent, String key, String field) throws HwException {
      JsonTree.Node n = req(parent, key);
      remember(field, n);
      return (Double) HwLoader.value(file, n.path(), HwFields.Kind.DOUBLE, n);
    }

    private void remember(String field, JsonTree.Node n) {
      if (field != null) {
        where.put(field, n.pos());
      }
    }
  }

  /** Reads a NoC table for core ids -1 (the global memory) to `cores - 1`. */
  public static NocTable readNocTable(Path file, int cores) throws HwException {
    String name = file.toString();
    JsonTree.Obj root = object(name, JsonTree.read(file, name), "the NoC table");
    Cfg c = new Cfg(name);
    double[][] latency = table(c, c.obj(root, "latency"), cores);
    double[][] energy = table(c, c.obj(root, "energy"), cores);
    return new NocTable(cores, latency, energy);
  }

  private static double[][] table(Cfg c, JsonTree.Obj t, int cores) throws HwException {
    double[][] out = new double[cores + 1][cores + 1];
    for (int src = -1; src < cores; src++) {
      JsonTree.Obj row = c.obj(t, Integer.toString(src));
      for (int dst = -1; dst < cores; dst++) {
        if (dst != src) {
          double v = c.number(row, Integer.toString(dst), null);
          if (v < 0) {
            throw JsonTree.error(c.file, row.get(Integer.toString(dst)), "'" + row.path() + "."
                + dst + "' must not be negative, but is " + HwFields.show(v));
          }
          out[src + 1][dst + 1] = v;
        }
      }
    }
    return out;
  }

  /**
   * CIMFlow's NoC: per-flit latency (cycles) and energy (pJ) from every core or the global
   * memory (id -1) to every other, cores numbered row by row on the mesh.
   */
  public static final class NocTable {
    private final int cores;
    private final double[][] latency;
    private final double[][] energy;

    NocTable(int cores, double[][] latency, double[][] energy) {
      this.cores = cores;
      this.latency = latency;
      this.energy = energy;
    }

    /** Cores in the table (ids 0 to cores - 1, plus -1). */
    public int cores() {
      return cores;
    }

    /** Cycles per flit from `src` to `dst` (ids -1..cores-1, different). */
    public double latency(int src, int dst) {
      return latency[src + 1][dst + 1];
    }

    /** pJ per flit from `src` to `dst`. */
    public double energy(int src, int dst) {
      return energy[src + 1][dst + 1];
    }

    /** Manhattan distance of two cores on a mesh `cols` wide (row-major ids). */
    public static int hops(int src, int dst, int cols) {
      return Math.abs(src / cols - dst / cols) + Math.abs(src % cols - dst % cols);
    }

    /** The median energy of the core pairs one hop apart: pJ per flit and hop. */
    public double pjPerFlitHop(int cols) {
      return median(pairs(cols, 1, energy));
    }

    /**
     * Cycles per hop: the growth of the median latency from one hop to the longest route,
     * per hop, rounded, at least 1 (about hops + 1 cycles in the DAC table: 1).
     */
    public int cyclesPerHop(int cols) {
      int max = 0;
      for (int s = 0; s < cores; s++) {
        for (int d = 0; d < cores; d++) {
          max = Math.max(max, hops(s, d, cols));
        }
      }
      if (max <= 1) {
        return 1;
      }
      double slope = (median(pairs(cols, max, latency)) - median(pairs(cols, 1, latency)))
          / (max - 1);
      return (int) Math.max(1, Math.round(slope));
    }

    /** The values of `t` for the core pairs `hops` apart. */
    private List<Double> pairs(int cols, int hops, double[][] t) {
      List<Double> out = new ArrayList<>();
      for (int s = 0; s < cores; s++) {
        for (int d = 0; d < cores; d++) {
          if (s != d && hops(s, d, cols) == hops) {
            out.add(t[s + 1][d + 1]);
          }
        }
      }
      return out;
    }

    /** Latencies of the core pairs `hops` apart. */
    public List<Double> latencies(int cols, int hops) {
      return pairs(cols, hops, latency);
    }

    /** Energies of the core pairs `hops` apart. */
    public List<Double> energies(int cols, int hops) {
      return pairs(cols, hops, energy);
    }

    private static double median(List<Double> values) {
      if (values.isEmpty()) {
        return 0;
      }
      List<Double> sorted = new ArrayList<>(values);
      sorted.sort(null);
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
  }
}
