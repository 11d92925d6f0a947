package cimir.dialect.hw;

/**
 * One parametric model of a CIM chip (DESIGN section 4): C cores on a P x Q mesh NoC and a
 * global memory; a core has K macro groups of T macros, local memories and a vector unit; a
 * macro stores a weight matrix and computes matrix-vector products bit-serially, and may be
 * dual-mode (plain SRAM of the same capacity in memory mode). Immutable; sizes in bytes,
 * times in cycles of the chip clock, energies in pJ.
 *
 * @param name the preset or file it came from
 * @param cores C, the number of cores
 * @param meshRows P, mesh rows (P x Q >= C)
 * @param meshCols Q, mesh columns
 * @param core what every core holds
 * @param global the global (off-chip or shared) memory
 * @param noc the network between cores and the global memory
 * @param clockMhz the clock
 * @param energy the energy table
 */
public record HardwareModel(String name, int cores, int meshRows, int meshCols, Core core,
    GlobalMemory global, Noc noc, double clockMhz, Energy energy) {

  /**
   * A core: K macro groups of T macros. Macros of one group share their input vector and hold
   * different output channels; groups work independently.
   */
  public record Core(int macroGroups, int macrosPerGroup, Macro macro, LocalMemory local,
      VectorUnit vector) {
    public int macros() {
      return macroGroups * macrosPerGroup;
    }
  }

  /**
   * A CIM macro (array). In one MVM it multiplies `rows` inputs by a `rows x columns` slice of
   * its weights, chosen among `rowSelect` stored slices (CIMFlow's m; 1 when every row is a
   * word line); inputs arrive one bit per cycle.
   *
   * @param rows inputs summed in parallel (CIMFlow: compartments, 32; Dynaplasia: 320)
   * @param columns outputs (weight elements per row; CIMFlow 8; Dynaplasia 320 cells / 8 bits)
   * @param rowSelect stored weight slices selectable per MVM (CIMFlow 16)
   * @param weightBits bits per weight
   * @param inputBits bits per input (one per cycle)
   * @param outputBits accumulator bits
   * @param dualMode whether the macro can switch to memory mode
   * @param switchCycles latency of one mode switch
   * @param memoryBytesPerCycle internal bandwidth in memory mode
   */
  public record Macro(int rows, int columns, int rowSelect, int weightBits, int inputBits,
      int outputBits, boolean dualMode, int switchCycles, int memoryBytesPerCycle) {
    /** Storage in bits: rows x columns x rowSelect weights of weightBits. */
    public long bits() {
      return (long) rows * columns * rowSelect * weightBits;
    }

    public long bytes() {
      return bits() / 8;
    }

    /** The deepest dot product one macro holds: rows x rowSelect. */
    public int reductionDepth() {
      return rows * rowSelect;
    }

    /** Weights one macro holds. */
    public long weights() {
      return (long) rows * columns * rowSelect;
    }
  }

  /** A core's local SRAMs (input, output, weight buffers) and their port width. */
  public record LocalMemory(long inputBytes, long outputBytes, long weightBytes,
      int bytesPerCycle) {}

  /** The vector (SIMD) unit: lanes of element operations per cycle. */
  public record VectorUnit(int lanes) {}

  /** The global memory: size and bandwidth. */
  public record GlobalMemory(long bytes, int bytesPerCycle) {}

  /** A 2-D mesh: flit width (B) and cycles per hop; flits pipeline over hops. */
  public record Noc(int flitBytes, int cyclesPerHop) {}

  /**
   * The energy table.
   *
   * @param macPj one 8-bit MAC in a macro
   * @param localPjPerByte one byte read or written in local SRAM
   * @param globalPjPerByte one byte read or written in global memory
   * @param nocPjPerFlitHop one flit over one hop
   * @param vectorPjPerOp one vector-unit element operation
   * @param switchPj one macro mode switch
   * @param weightWritePjPerByte one weight byte written into a macro
   * @param staticMwPerCore static power of one core
   */
  public record Energy(double macPj, double localPjPerByte, double globalPjPerByte,
      double nocPjPerFlitHop, double vectorPjPerOp, double switchPj, double weightWritePjPerByte,
      double staticMwPerCore) {}

  /** Macros on the chip. */
  public long totalMacros() {
    return (long) cores * core.macros();
  }

  /** Weight bytes the chip holds with every macro in compute mode. */
  public long weightCapacityBytes() {
    return totalMacros() * core.macro().bytes();
  }

  /**
   * Peak 8-bit-equivalent MACs per cycle of the chip: every macro does rows x columns
   * weight-by-input products per input bit-serial pass of `inputBits` cycles.
   */
  public double peakMacsPerCycle() {
    Macro m = core.macro();
    return (double) totalMacros() * m.rows() * m.columns() / m.inputBits();
  }

  /** Nanoseconds per cycle. */
  public double nsPerCycle() {
    return 1000.0 / clockMhz;
  }
}
