package cimir.dialect.hw;

import java.util.List;
import java.util.Optional;

/**
 * The two chips of the papers (DESIGN section 4), every value with its source. `reference/...`
 * names the research notes in the shared folder; CIMFlow's simulator configuration is in the
 * repository as `dialects/src/test/resources/cimflow/config.json` (its keys are quoted below) with
 * the NoC table `flit16dim8.json`. A value no paper gives says `cimir default: not in the paper`.
 */
public final class HwPresets {
  private HwPresets() {}

  /** The preset names, in the order `--help` and messages list them. */
  public static List<String> names() {
    return List.of("cimflow", "dynaplasia");
  }

  /** The preset called `name`, or empty. */
  public static Optional<HardwareModel> byName(String name) {
    return switch (name) {
      case "cimflow" -> Optional.of(cimflow());
      case "dynaplasia" -> Optional.of(dynaplasia());
      default -> Optional.empty();
    };
  }

  // CIMFlow's DAC configuration (config.json), the raw numbers the energies derive from.
  /** `sim_config.period_ns`. */
  static final double PERIOD_NS = 2.0;
  /** `cim_unit_config.sram.read_dynamic_power_per_bit_mW`. */
  static final double SRAM_READ_MW_PER_BIT = 0.006041917;
  /** `cim_unit_config.sram.write_dynamic_power_per_bit_mW`. */
  static final double SRAM_WRITE_MW_PER_BIT = 0.04382;
  /** `cim_unit_config.sram.static_power_mW`, per macro. */
  static final double SRAM_STATIC_MW = 0.017165088;
  /** `cim_unit_config.ipu.static_power_mW`, per macro group. */
  static final double IPU_STATIC_MW = 6.05E-05;
  /** `cim_unit_config.adder_tree.dynamic_power_mW` and `static_power_mW`, per column. */
  static final double ADDER_TREE_MW = 1.13E-01;
  static final double ADDER_TREE_STATIC_MW = 4.80E-05;
  /** `cim_unit_config.shift_adder`, per column. */
  static final double SHIFT_ADDER_MW = 1.02E-01;
  static final double SHIFT_ADDER_STATIC_MW = 2.96E-05;
  /** `cim_unit_config.result_adder`, per column. */
  static final double RESULT_ADDER_MW = 1.84E-02;
  static final double RESULT_ADDER_STATIC_MW = 5.55E-05;
  /** `input_memory.hardware_config.read_dynamic_power_mW` (the three local SRAMs are alike). */
  static final double LOCAL_READ_MW = 8.04582792;
  /** `input_memory.hardware_config.static_power_mW`, per local SRAM. */
  static final double LOCAL_STATIC_MW = 0.05417496;
  /** `cim_input_reg_buffer.hardware_config.static_power_mW`. */
  static final double REG_BUFFER_STATIC_MW = 0.003404;
  /** `simd_unit_config` functor `adder-32` (bound to `add` on 32-bit inputs), per lane. */
  static final double ADDER32_MW = 0.01385;
  static final double ADDER32_STATIC_MW = 3.50E-05;

  /**
   * CIMFlow's DAC configuration (reference/cimflow.md 1.2-1.6): 64 cores on an 8 x 8 mesh, 16
   * groups of 8 macros of 4 KiB per core (512 KiB, 32 MiB on chip), 500 MHz, 28 nm energies.
   * The energies are derived from the configuration's power numbers without rounding: the
   * reference rounds them to 0.89 pJ per MAC, 0.126 pJ per local byte, 0.028 pJ per vector
   * element, 0.70 pJ per written weight byte and 2.5 mW of static power per core.
   */
  public static HardwareModel cimflow() {
    HardwareModel.Macro macro = new HardwareModel.Macro(
        32, // rows: macro_size.compartment_cnt_per_macro, H (cimflow.md 1.2)
        8, // columns: macro_size.element_cnt_per_compartment, W (1.2)
        16, // rowSelect: macro_size.row_cnt_per_element, m (1.2)
        8, // weightBits: macro_size.bit_width_per_row, n (1.2)
        8, // inputBits: 8-bit activations, one bit per cycle (1.2, 1.5)
        32, // outputBits: "CIM output 32 b" (1.5)
        false, // dualMode: CIMFlow's macros only compute (DESIGN 4: dual mode off by default)
        1, // switchCycles: cimir default: not in the paper (CMSwitch's 1 cycle)
        32); // memoryBytesPerCycle: cimir default: not in the paper (a quarter of the 128-B port)
    HardwareModel.LocalMemory local = new HardwareModel.LocalMemory(
        262144, // inputBytes: input_memory size_byte, 256 KiB (1.3)
        262144, // outputBytes: output_memory size_byte, 256 KiB (1.3)
        262144, // weightBytes: weight_memory size_byte, 256 KiB (1.3)
        128); // bytesPerCycle: width_byte of the three, 1-cycle read and write (1.3)
    HardwareModel.Core core = new HardwareModel.Core(
        16, // macroGroups K: CLI -k default (1.5); macro_total_cnt 128 / macro_group_size 8
        8, // macrosPerGroup T: cim_unit_config.macro_group_size, CLI -t default (1.5)
        macro, local,
        new HardwareModel.VectorUnit(32)); // lanes: functor_cnt of adder-32 (1.6)
    HardwareModel.Energy energy = new HardwareModel.Energy(
        // macPj: CIM SRAM read + adder tree + shift adder + result adder, 0.890 pJ (1.6)
        CimflowEnergy.macPj(SRAM_READ_MW_PER_BIT, ADDER_TREE_MW, SHIFT_ADDER_MW,
            RESULT_ADDER_MW, 32, 8, 8, 8, PERIOD_NS),
        // localPjPerByte: 8.046 mW x 2 ns per 128-B access = 0.1257 pJ (1.3, 1.6)
        CimflowEnergy.pjPerByte(LOCAL_READ_MW, 128, PERIOD_NS),
        0, // globalPjPerByte: global_memory_config powers are 0 in the DAC config (1.3)
        20.37, // nocPjPerFlitHop: flit16dim8.json energy, 20.37 pJ x hops per flit (1.4)
        // vectorPjPerOp: adder-32, 0.01385 mW per lane x 2 ns = 0.0277 pJ (1.6)
        CimflowEnergy.pjPerOp(ADDER32_MW, PERIOD_NS),
        // switchPj: cimir default: not in the paper. Writing one macro row, the
        // columns x weightBits = 64 bits one input row meets: 8 B x 0.701 pJ = 5.61 pJ
        8 * CimflowEnergy.weightWritePjPerByte(SRAM_WRITE_MW_PER_BIT, PERIOD_NS),
        // weightWritePjPerByte: 0.04382 mW per bit x 2 ns = 0.0876 pJ per bit, x 8 (1.6)
        CimflowEnergy.weightWritePjPerByte(SRAM_WRITE_MW_PER_BIT, PERIOD_NS),
        // staticMwPerCore: the static powers of one core's components, 2.50 mW (1.6): 128
        // macros' SRAM, 16 input processing units, 3 adders per column of 128 macros, the three
        // local SRAMs, the CIM input register buffer, the 32 lanes of adder-32 (the other SIMD
        // functors are 0 mW in the DAC config)
        SRAM_STATIC_MW * 128 + IPU_STATIC_MW * 16
            + (ADDER_TREE_STATIC_MW + SHIFT_ADDER_STATIC_MW + RESULT_ADDER_STATIC_MW) * 8 * 128
            + LOCAL_STATIC_MW + LOCAL_STATIC_MW + LOCAL_STATIC_MW // weight, input, output
            + REG_BUFFER_STATIC_MW + ADDER32_STATIC_MW * 32);
    return new HardwareModel("cimflow",
        64, // cores: chip_config.core_cnt, C (1.1, 1.5)
        8, 8, // mesh: 8 x 8, P = Q = sqrt(C) ("dim8" of flit16dim8.json; 1.1, 1.4)
        core,
        new HardwareModel.GlobalMemory(
            33554432, // bytes: global_memory_config size_byte, 32 MiB (1.3)
            64), // bytesPerCycle: width_byte, 1-cycle access (1.3)
        new HardwareModel.Noc(
            16, // flitBytes: network_config.bus_width_byte, B (1.4, 1.5)
            1), // cyclesPerHop: flit16dim8.json latency is about hops + 1 cycles per flit (1.4)
        1000.0 / PERIOD_NS, // clockMhz: sim_config.period_ns = 2 ns, 500 MHz (1.5)
        energy);
  }

  /**
   * The Dynaplasia-like chip CMSwitch evaluates (reference/cmswitch.md 1.2, Table 2): one core
   * of 96 dual-mode 320 x 320-cell arrays with 8-bit weights (12,800 weights each, 1.2 MB in
   * all), 32-bit-per-cycle internal bandwidth, 1-cycle mode switches. The paper reports no
   * energy: its energies are CIMFlow's 28 nm numbers, as documented defaults.
   */
  public static HardwareModel dynaplasia() {
    HardwareModel c = cimflow();
    HardwareModel.Macro macro = new HardwareModel.Macro(
        320, // rows: array size 320 x 320 bit cells (cmswitch.md 1.2, Table 2)
        40, // columns: 320 bit cells / 8-bit weights (1.2)
        1, // rowSelect: every row is a word line, nothing is time-multiplexed (1.2)
        8, // weightBits: "8-bit weights and 8-bit activations for all models" (1.2)
        8, // inputBits: 8-bit activations (1.2)
        32, // outputBits: cimir default: not in the paper (CIMFlow's 32-bit accumulators)
        true, // dualMode: "switchable arrays", compute or memory mode (1.1, 1.2)
        1, // switchCycles: "switch latency 1 cycle" (1.2)
        4); // memoryBytesPerCycle: "internal bandwidth 32 bit/cycle" per array (1.2)
    HardwareModel.LocalMemory local = new HardwareModel.LocalMemory(
        // "buffer 10 KB x 8" (1.2) = 81920 bytes, split in halves, cimir default: not in the
        // paper: the input and output buffers of an operator (CMSwitch's memory-mode arrays
        // take those two roles too, 1.1)
        40960, // inputBytes: 4 x 10 KB
        40960, // outputBytes: 4 x 10 KB
        0, // weightBytes: none; weights stream from main memory into the arrays (1.2)
        32); // bytesPerCycle: cimir default: not in the paper
    HardwareModel.Core core = new HardwareModel.Core(
        96, // macroGroups K: "96 switchable arrays" (1.2), each working on its own
        1, // macrosPerGroup T: CMSwitch flattens the chip to arrays (1.1)
        macro, local,
        new HardwareModel.VectorUnit(32)); // lanes: cimir default: not in the paper
    HardwareModel.Energy e = c.energy();
    HardwareModel.Energy energy = new HardwareModel.Energy(
        e.macPj(), // cimir default: not in the paper (CIMFlow's 28 nm MAC, 0.890 pJ)
        e.localPjPerByte(), // cimir default: not in the paper (CIMFlow's local SRAM)
        // cimir default: not in the paper (CIMFlow's DAC global memory, 0; CIMFlow's 0.9 V
        // configuration has about 1 pJ per byte for a CACTI main memory)
        e.globalPjPerByte(),
        e.nocPjPerFlitHop(), // cimir default: not in the paper (one core: no hop is ever made)
        e.vectorPjPerOp(), // cimir default: not in the paper (CIMFlow's adder-32 lane)
        // switchPj: cimir default: not in the paper. Writing one 320-cell row at CIMFlow's
        // 0.0876 pJ per bit: 40 B x 0.701 pJ = 28.0 pJ (CMSwitch switches by driving the
        // global input lines of the array)
        40 * e.weightWritePjPerByte(),
        e.weightWritePjPerByte(), // cimir default: not in the paper (CIMFlow's SRAM write)
        e.staticMwPerCore()); // cimir default: not in the paper (one CIMFlow core, 2.50 mW)
    return new HardwareModel("dynaplasia",
        1, // cores: CMSwitch models the chip as one set of arrays (cmswitch.md 1.1)
        1, 1, // mesh: 1 x 1, no network
        core,
        new HardwareModel.GlobalMemory(
            4L << 30, // bytes: main memory, cimir default: not in the paper (4 GiB)
            32), // bytesPerCycle: cimir default: not in the paper ("a parameter", DESIGN 4)
        new HardwareModel.Noc(
            16, // flitBytes: cimir default: not in the paper (no NoC with one core)
            1), // cyclesPerHop: cimir default: not in the paper
        500, // clockMhz: cimir default: not in the paper ("a parameter"; CIMFlow's 500 MHz)
        energy);
  }
}
