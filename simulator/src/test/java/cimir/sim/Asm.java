package cimir.sim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import cimir.diag.DiagnosticEngine;
import cimir.diag.SourceManager;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwPresets;
import cimir.dialect.isa.IsaProgram;
import cimir.ir.Operation;
import cimir.isa.IsaAsmParser;

/**
 * Small programs in assembly for the tests, run on the cimflow preset unless a test names
 * another chip. The cimflow address map (AddressMap.of): macro space 0 (128 arrays of 4096
 * bytes), weight memory 524288, input memory 786432, output memory 1048576, input register
 * buffer 1310720 (1 KiB), global memory from 1315968.
 */
final class Asm {
  static final HardwareModel CIMFLOW = HwPresets.cimflow();
  static final HardwareModel DYNAPLASIA = HwPresets.dynaplasia();
  static final long WMEM = 524288;
  static final long IMEM = 786432;
  static final long OMEM = 1048576;
  static final long IBUF = 1310720;
  static final long GLOBAL = 1315968;
  /** Enough for any test: no program here runs this many instructions. */
  static final long GUARD = 1_000_000;

  private Asm() {}

  static IsaProgram parse(String asm) {
    DiagnosticEngine diag = new DiagnosticEngine(new SourceManager());
    Operation op = IsaAsmParser.parse("test.asm", asm, diag);
    if (op == null || diag.hasErrors()) {
      fail("the test program does not parse: " + diag.diagnostics().stream()
          .map(d -> d.location() + ": " + d.message()).toList());
    }
    return IsaProgram.fromOp(op);
  }

  static FunctionalSimulator.Result run(HardwareModel hw, String asm, byte[] global)
      throws SimulationException {
    return new FunctionalSimulator(hw, parse(asm), global).run(GUARD);
  }

  static FunctionalSimulator.Result run(String asm, byte[] global) throws SimulationException {
    return run(CIMFLOW, asm, global);
  }

  /** The exception the program stops with. */
  static SimulationException failure(HardwareModel hw, String asm, byte[] global) {
    return assertThrows(SimulationException.class, () -> run(hw, asm, global));
  }

  static SimulationException failure(String asm, byte[] global) {
    return failure(CIMFLOW, asm, global);
  }

  /** Instructions that put the 32-bit `value` into register `r` (r0 must hold 0). */
  static String li(int r, int value) {
    return "G_LI r" + r + ", " + (value >>> 16) + "\n"
        + "SC_SLLI r" + r + ", r" + r + ", 16\n"
        + "G_LI r29, " + (value & 0xffff) + "\n"
        + "SC_OR r" + r + ", r29, r" + r + "\n";
  }

  static int word(byte[] bytes, int at) {
    return (int) LittleEndian.read(bytes, at, 4);
  }

  static void putWord(byte[] bytes, int at, int value) {
    LittleEndian.write(bytes, at, 4, value);
  }
}
