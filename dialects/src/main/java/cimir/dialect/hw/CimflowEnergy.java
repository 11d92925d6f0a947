package cimir.dialect.hw;

/**
 * CIMFlow's energy model turned into cimir's per-event energies. CIMFlow's simulator charges
 * every component its dynamic power for the cycles it is busy (E[pJ] = P[mW] x t[ns]) and its
 * static power for the whole run (reference/cimflow.md 1.6); the preset and the loader of
 * CIMFlow's configuration both derive their numbers here, from the same inputs.
 */
final class CimflowEnergy {
  private CimflowEnergy() {}

  /**
   * One 8-bit MAC in a macro. Per input bit, one macro reads the selected slice
   * (rows x columns x weightBits bits) and runs one adder tree, shift adder and result adder per
   * column for one cycle; that is rows x columns products of a weight by one input bit, and
   * `inputBits` of those make a MAC: E_MAC = E_bit x inputBits / (rows x columns). With the DAC
   * numbers: (0.006041917 x 2048 + (0.113 + 0.102 + 0.0184) x 8) mW x 2 ns = 28.48 pJ per input
   * bit, x 8 / 256 = 0.890 pJ. The input processing unit (0.0174 pJ per group and input bit,
   * under 0.01 %) is left out, as the reference's derivation does.
   */
  static double macPj(double sramReadMwPerBit, double adderTreeMw, double shiftAdderMw,
      double resultAdderMw, int rows, int columns, int weightBits, int inputBits,
      double periodNs) {
    double perInputBit = (sramReadMwPerBit * rows * columns * weightBits
        + (adderTreeMw + shiftAdderMw + resultAdderMw) * columns) * periodNs;
    return perInputBit * inputBits / ((double) rows * columns);
  }

  /** One byte through a memory port of `widthBytes` busy for one cycle: P x t / width. */
  static double pjPerByte(double dynamicMw, int widthBytes, double periodNs) {
    return dynamicMw * periodNs / widthBytes;
  }

  /** One element operation on one lane of a SIMD functor, one cycle. */
  static double pjPerOp(double dynamicMwPerLane, double periodNs) {
    return dynamicMwPerLane * periodNs;
  }

  /** One weight byte written into a macro: 8 bits at the per-bit write power for one cycle. */
  static double weightWritePjPerByte(double writeMwPerBit, double periodNs) {
    return writeMwPerBit * periodNs * 8;
  }
}
