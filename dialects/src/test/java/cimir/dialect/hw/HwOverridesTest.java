package cimir.dialect.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** `--arch-set`: aliases, field paths, order, and the messages of bad keys and values. */
class HwOverridesTest {
  private static String error(String spec) {
    return assertThrows(HwException.class,
        () -> HwOverrides.apply(HwPresets.cimflow(), spec)).getMessage();
  }

  @Test
  void aliasesSetTheirFields() throws HwException {
    HardwareModel m = HwOverrides.apply(HwPresets.cimflow(), "T=4,K=8,B=8,C=16,P=4,Q=4");
    assertEquals(4, m.core().macrosPerGroup());
    assertEquals(8, m.core().macroGroups());
    assertEquals(8, m.noc().flitBytes());
    assertEquals(16, m.cores());
    assertEquals(4, m.meshRows());
    assertEquals(4, m.meshCols());
    // 16 cores x 8 x 4 macros x 4 KiB
    assertEquals(16L * 32 * 4096, m.weightCapacityBytes());
    assertEquals("cimflow", m.name());
  }

  @Test
  void fieldPathsOfEveryKind() throws HwException {
    HardwareModel m = HwOverrides.apply(HwPresets.cimflow(), " core.macro.rows = 320 ,"
        + "clockMhz=400,core.macro.dualMode=true,global.bytes=1099511627776,energy.macPj=1e-1,"
        + "name=sweep");
    assertEquals(320, m.core().macro().rows());
    assertEquals(400.0, m.clockMhz());
    assertEquals(true, m.core().macro().dualMode());
    assertEquals(1L << 40, m.global().bytes());
    assertEquals(0.1, m.energy().macPj());
    assertEquals("sweep", m.name());
  }

  @Test
  void laterSettingsWinAndMacrosPerCoreSetsK() throws HwException {
    HardwareModel m = HwOverrides.apply(HwPresets.cimflow(), "T=2,T=4,core.macrosPerCore=64");
    assertEquals(4, m.core().macrosPerGroup());
    assertEquals(16, m.core().macroGroups());
    assertEquals(List.of(new HwOverrides.Setting("T", "core.macrosPerGroup", 4)),
        HwOverrides.parse("T=4"));
  }

  @Test
  void emptySpecKeepsTheModel() throws HwException {
    HardwareModel c = HwPresets.dynaplasia();
    assertSame(c, HwOverrides.apply(c, ""));
    assertSame(c, HwOverrides.apply(c, (String) null));
  }

  @Test
  void badKeysListTheAliases() {
    String keys = "keys are the aliases T (core.macrosPerGroup), K (core.macroGroups),"
        + " B (noc.flitBytes), C (cores), P (mesh.rows), Q (mesh.cols), or a field path such"
        + " as core.macro.rows or clockMhz (docs/hw-schema.md)";
    assertEquals("--arch-set: error: unknown key 'X'; " + keys, error("T=4,X=1"));
    assertEquals("--arch-set: error: unknown key 'core.macro'; " + keys, error("core.macro=1"));
    assertEquals("--arch-set: error: expected KEY=VALUE, but got 'T'; " + keys, error("T"));
    assertEquals("--arch-set: error: expected KEY=VALUE, but got ''; " + keys, error("T=4,"));
  }

  @Test
  void badValuesNameTheKey() {
    assertEquals("--arch-set: error: 'T' (core.macrosPerGroup) must be an integer, but got"
        + " 'four'", error("T=four"));
    assertEquals("--arch-set: error: 'clockMhz' must be a number, but got 'fast'",
        error("clockMhz=fast"));
    assertEquals("--arch-set: error: 'clockMhz' must be a number, but got 'NaN'",
        error("clockMhz=NaN"));
    assertEquals("--arch-set: error: 'core.macro.dualMode' must be true or false, but got 'yes'",
        error("core.macro.dualMode=yes"));
    assertEquals("--arch-set: error: 'B' (noc.flitBytes) must be an integer, but got"
        + " '99999999999'", error("B=99999999999"));
  }

  @Test
  void theResultIsValidated() {
    assertEquals("--arch-set: error: 'core.macrosPerGroup' must be positive, but is 0"
        + " (set by 'T=0')", error("T=0"));
    assertEquals("--arch-set: error: the mesh of 4 x 8 = 32 places is too small for"
        + " 'cores' = 64 (set by 'P=4')", error("P=4"));
    assertEquals("--arch-set: error: 'core.macro.weightBits' must be between 1 and 16, but is"
        + " 17 (set by 'core.macro.weightBits=17')", error("core.macro.weightBits=17"));
    assertEquals("--arch-set: error: T does not divide the macro count:"
        + " 'core.macrosPerCore' = 100 is not a multiple of 'core.macrosPerGroup' = 8",
        error("core.macrosPerCore=100"));
  }
}
