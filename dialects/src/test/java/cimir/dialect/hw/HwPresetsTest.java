package cimir.dialect.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The presets' derived numbers, each worked out by hand in a comment. */
class HwPresetsTest {
  @Test
  void cimflowMacroGeometryAndChipCapacity() {
    HardwareModel m = HwPresets.cimflow();
    // 32 compartments x 8 elements x 16 rows x 8 bits = 32768 bits = 4096 bytes
    assertEquals(32768, m.core().macro().bits());
    assertEquals(4096, m.core().macro().bytes());
    // 16 groups x 8 macros
    assertEquals(128, m.core().macros());
    // 64 cores x 128 macros = 8192 macros x 4 KiB = 32 MiB
    assertEquals(8192, m.totalMacros());
    assertEquals(32L << 20, m.weightCapacityBytes());
    // 8192 macros x 32 x 8 one-bit products per cycle / 8 input bits = 262144 MACs per cycle
    assertEquals(262144.0, m.peakMacsPerCycle());
    // 32 x 16 = 512-deep dot products
    assertEquals(512, m.core().macro().reductionDepth());
    assertEquals(2.0, m.nsPerCycle());
    assertEquals(8 * 8, m.meshRows() * m.meshCols());
  }

  @Test
  void cimflowEnergiesRoundToTheReferenceFigures() {
    HardwareModel.Energy e = HwPresets.cimflow().energy();
    // (0.006041917 mW x 2048 bits + (0.113 + 0.102 + 0.0184) mW x 8) x 2 ns = 28.48209 pJ
    // per input bit; x 8 bits / (32 x 8) products = 0.890065 pJ per MAC ("about 0.89")
    assertEquals(0.890065376, e.macPj(), 1e-12);
    // 8.04582792 mW x 2 ns / 128 B = 0.125716 pJ ("0.126")
    assertEquals(0.12571606125, e.localPjPerByte(), 1e-12);
    assertEquals(0.0, e.globalPjPerByte());
    assertEquals(20.37, e.nocPjPerFlitHop());
    // 0.01385 mW x 2 ns ("0.028")
    assertEquals(0.0277, e.vectorPjPerOp(), 1e-12);
    // 0.04382 mW x 2 ns = 0.08764 pJ per bit, x 8 = 0.70112 ("0.70")
    assertEquals(0.70112, e.weightWritePjPerByte(), 1e-12);
    // one macro row: 8 columns x 8 bits = 8 bytes x 0.70112
    assertEquals(5.60896, e.switchPj(), 1e-12);
    // 128 x 0.017165088 + 16 x 6.05e-5 + (4.8e-5 + 2.96e-5 + 5.55e-5) x 8 x 128
    // + 3 x 0.05417496 + 0.003404 + 32 x 3.5e-5
    // = 2.19713126 + 0.000968 + 0.1362944 + 0.16252488 + 0.003404 + 0.00112 = 2.50144254
    assertEquals(2.501442544, e.staticMwPerCore(), 1e-12);
    assertEquals(500.0, HwPresets.cimflow().clockMhz());
  }

  @Test
  void dynaplasiaArrays() {
    HardwareModel m = HwPresets.dynaplasia();
    // 320 x 320 bit cells = 102400 bits = 12800 8-bit weights in 320 rows x 40 columns
    assertEquals(102400, m.core().macro().bits());
    assertEquals(12800, m.core().macro().weights());
    assertEquals(12800, m.core().macro().bytes());
    assertEquals(96, m.totalMacros());
    // 96 x 102400 bits = 9.83 Mbit, the chip's "9.6 Mb" (cmswitch.md 1.2)
    assertEquals(9830400, m.totalMacros() * m.core().macro().bits());
    assertTrue(m.core().macro().dualMode());
    assertEquals(1, m.core().macro().switchCycles());
    // 32 bit per cycle
    assertEquals(4, m.core().macro().memoryBytesPerCycle());
    // buffer 10 KB x 8 = 81920 bytes, split into input and output halves
    assertEquals(81920, m.core().local().inputBytes() + m.core().local().outputBytes());
    assertEquals(0, m.core().local().weightBytes());
    // a 320-cell row written at 0.08764 pJ per bit
    assertEquals(320 * 0.08764, m.energy().switchPj(), 1e-9);
    // 96 arrays x 320 x 40 products per cycle / 8 bits
    assertEquals(153600.0, m.peakMacsPerCycle());
  }

  @Test
  void presetsAreValidAndFoundByName() {
    assertEquals(java.util.List.of("cimflow", "dynaplasia"), HwPresets.names());
    for (String name : HwPresets.names()) {
      HardwareModel m = HwPresets.byName(name).orElseThrow();
      assertEquals(name, m.name());
      assertEquals(java.util.List.of(), HwValidator.check(m));
    }
    assertFalse(HwPresets.byName("cimflow2").isPresent());
  }
}
