package cimir.dialect.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CIMFlow's DAC simulator configuration and NoC table (copied from cim-sim's
 * config/2024dac/) read into a model, against the `cimflow` preset.
 */
class CimflowConfigLoaderTest {
  static final Path CONFIG = Path.of("src", "test", "resources", "cimflow", "config.json");
  static final Path TABLE = Path.of("src", "test", "resources", "cimflow", "flit16dim8.json");

  /**
   * The fields config.json does not give; the loader takes them from the preset. Bit widths of
   * inputs and outputs are set by the program (special registers CIM_IBW, CIM_OBW), CIMFlow has
   * no dual mode, and the switch energy is a cimir default.
   */
  static final List<String> FROM_PRESET = List.of("core.macro.inputBits",
      "core.macro.outputBits", "core.macro.dualMode", "core.macro.switchCycles",
      "core.macro.memoryBytesPerCycle", "energy.switchPj");

  @TempDir
  Path dir;

  @Test
  void theDacConfigurationIsTheCimflowPreset() throws HwException {
    HardwareModel loaded = CimflowConfigLoader.load(CONFIG, TABLE);
    assertEquals("cimflow-config", loaded.name());
    Map<String, Object> got = HwFields.flatten(loaded);
    Map<String, Object> want = HwFields.flatten(HwPresets.cimflow());
    assertTrue(want.keySet().containsAll(FROM_PRESET), FROM_PRESET.toString());
    for (String path : want.keySet()) {
      if (path.equals("name")) {
        continue;
      }
      if (FROM_PRESET.contains(path)) {
        assertEquals(want.get(path), got.get(path), path + " (from the preset)");
      } else if (want.get(path) instanceof Double d) {
        // the same arithmetic on the same numbers, up to the order of additions
        assertEquals(d, (Double) got.get(path), Math.abs(d) * 1e-12, path);
      } else {
        assertEquals(want.get(path), got.get(path), path);
      }
    }
    // What the configuration does give, checked against its raw numbers:
    // macro_total_cnt 128 / macro_group_size 8 = K 16; 1 / period_ns 2 = 500 MHz
    assertEquals(16, loaded.core().macroGroups());
    assertEquals(500.0, loaded.clockMhz());
    assertEquals(0.12571606125, loaded.energy().localPjPerByte(), 1e-15);
    assertEquals(2.501442544, loaded.energy().staticMwPerCore(), 1e-12);
  }

  @Test
  void theLoaderReadsTheConfigurationNotThePreset() throws IOException, HwException {
    // CIMFlow's T = 4 variant: 64 macros in groups of 4, an 8-B bus, a 2.5 ns clock
    String text = Files.readString(CONFIG).replace("\"macro_total_cnt\": 128",
        "\"macro_total_cnt\": 64").replace("\"macro_group_size\": 8", "\"macro_group_size\": 4")
        .replace("\"bus_width_byte\": 16", "\"bus_width_byte\": 8")
        .replace("\"period_ns\": 2.0", "\"period_ns\": 2.5");
    Path config = dir.resolve("config-mg4-b8.json");
    Files.writeString(config, text);
    Files.copy(TABLE, dir.resolve("flit16dim8.json"));
    // The configuration names ../config/2024dac/flit16dim8.json; the one next to it is used.
    HardwareModel m = CimflowConfigLoader.load(config);
    assertEquals(4, m.core().macrosPerGroup());
    assertEquals(16, m.core().macroGroups());
    assertEquals(8, m.noc().flitBytes());
    assertEquals(400.0, m.clockMhz());
    // 0.04382 mW x 2.5 ns x 8 bits
    assertEquals(0.8764, m.energy().weightWritePjPerByte(), 1e-12);
    // HwLoader recognizes CIMFlow's format by its chip_config
    assertEquals(m, HwLoader.load(config));
  }

  @Test
  void nocTableHopEnergyAndLatency() throws HwException {
    CimflowConfigLoader.NocTable t = CimflowConfigLoader.readNocTable(TABLE, 64);
    // one-hop pairs on 8 x 8: 8 rows x 7 links x 2 directions x 2 (rows and columns) = 224
    List<Double> energies = t.energies(8, 1);
    assertEquals(224, energies.size());
    for (double e : energies) {
      assertEquals(20.37, e / 1);
    }
    assertEquals(20.37, t.pjPerFlitHop(8));
    // cores 0 and 1 are neighbours, 0 and 9 two hops apart: 20.37 pJ per hop
    assertEquals(20.37, t.energy(0, 1));
    assertEquals(2 * 20.37, t.energy(0, 9), 1e-9);
    // about hops + 1 cycles: one hop takes 2 cycles for most pairs (2 to 4)
    List<Double> latencies = t.latencies(8, 1);
    assertEquals(2.0, Collections.min(latencies));
    assertTrue(Collections.max(latencies) <= 4.0);
    long two = latencies.stream().filter(l -> l == 2.0).count();
    assertTrue(two > latencies.size() / 2, two + " of " + latencies.size());
    // corner to corner, 14 hops: 15 or 16 cycles, so one cycle more per hop
    for (double l : t.latencies(8, 14)) {
      assertTrue(l == 15.0 || l == 16.0, Double.toString(l));
    }
    assertEquals(1, t.cyclesPerHop(8));
    // global memory (-1) to any core: 6 cycles
    assertEquals(6.0, t.latency(-1, 0));
  }

  /** The position of `value` on the first line that contains `key`. */
  private static String at(String text, String key, String value) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(key)) {
        return (i + 1) + ":" + (lines[i].indexOf(value, lines[i].indexOf(key)) + 1);
      }
    }
    throw new AssertionError(key);
  }

  private String error(String text) throws IOException {
    Path config = dir.resolve("config.json");
    Files.writeString(config, text);
    HwException e = assertThrows(HwException.class, () -> CimflowConfigLoader.load(config,
        TABLE));
    return e.getMessage().replace(config.toString(), "F");
  }

  @Test
  void problemsPointIntoTheConfiguration() throws IOException {
    String bad = Files.readString(CONFIG).replace("\"macro_total_cnt\": 128",
        "\"macro_total_cnt\": 100");
    assertEquals("F:" + at(bad, "\"macro_total_cnt\"", "100") + ": error: T does not divide the"
        + " macro count: 'macro_total_cnt' = 100 is not a multiple of 'macro_group_size' = 8",
        error(bad));
    String missing = Files.readString(CONFIG).replace("\"core_cnt\": 64,", "");
    assertEquals("F:" + at(missing, "\"chip_config\"", "{") + ": error: missing field 'core_cnt'"
        + " in 'chip_config'", error(missing));
    String zero = Files.readString(CONFIG).replace("\"bus_width_byte\": 16",
        "\"bus_width_byte\": 0");
    assertEquals("F:" + at(zero, "\"bus_width_byte\"", "0") + ": error: 'noc.flitBytes' must be"
        + " positive, but is 0", error(zero));
    String text = Files.readString(CONFIG).replace("\"core_cnt\": 64", "\"core_cnt\": \"64\"");
    assertEquals("F:" + at(text, "\"core_cnt\"", "\"64\"") + ": error: 'chip_config.core_cnt'"
        + " must be an integer, but got a string", error(text));
  }
}
