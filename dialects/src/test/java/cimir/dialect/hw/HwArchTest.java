package cimir.dialect.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cimir.dialect.builtin.BuiltinDialect;
import cimir.ir.Attribute;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.parse.IrParser;
import cimir.print.IrPrinter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module attribute `hw.arch`: its text, and resolving it to a model. */
class HwArchTest {
  @TempDir
  Path dir;

  private static Operation module(String text) {
    Context ctx = new Context();
    ctx.register(new BuiltinDialect());
    Operation m = IrParser.parse(ctx, "test.cim", text, 0);
    assertEquals(java.util.List.of(), ctx.diagnostics().diagnostics());
    return m;
  }

  private static String print(Attribute a) {
    Operation m = module("module {}");
    m.setAttr(HwArch.ATTR_NAME, a);
    return IrPrinter.toString(m, IrPrinter.Options.DEFAULT).strip();
  }

  @Test
  void attributeText() {
    // as `mlir-opt-19 --allow-unregistered-dialect` prints it back
    assertEquals("module attributes {hw.arch = #hw.arch<\"cimflow\">} {\n}",
        print(HwArch.attr("cimflow", null)));
    assertEquals("module attributes {hw.arch = #hw.arch<\"cimflow\", \"T=4,B=8\">} {\n}",
        print(HwArch.attr("cimflow", "T=4,B=8")));
    assertEquals("module attributes {hw.arch = #hw.arch<\"a\\\"b\\\\c\\0A.json\">} {\n}",
        print(HwArch.attr("a\"b\\c\n.json", "")));
  }

  @Test
  void specsRoundTripThroughTheText() throws HwException {
    for (String arch : new String[] {"cimflow", "dir/my chip.json", "a\"b\\c\n\u00e4.json"}) {
      Operation m = module("module {}");
      m.setAttr(HwArch.ATTR_NAME, HwArch.attr(arch, "T=4"));
      Operation again = module(IrPrinter.toString(m, IrPrinter.Options.DEFAULT));
      assertEquals(new HwArch.Spec(arch, "T=4"), HwArch.spec(again));
    }
    assertEquals(new HwArch.Spec("x", "K=2"),
        HwArch.parse("hw.arch<  \"x\" ,\"K=2\"  >"));
    assertNull(HwArch.parse("hw.arch<\"x\", 3>"));
    assertNull(HwArch.parse("hw.arch<x>"));
    assertNull(HwArch.parse("hw.other<\"x\">"));
  }

  @Test
  void resolveAppliesTheOverrides() throws HwException {
    assertNull(HwArch.resolve(module("module {}")));
    assertEquals(HwPresets.dynaplasia(), HwArch.resolve(module(
        "module attributes {hw.arch = #hw.arch<\"dynaplasia\">} {}")));
    HardwareModel m = HwArch.resolve(module(
        "module attributes {hw.arch = #hw.arch<\"cimflow\", \"T=4,B=8\">} {}"));
    assertEquals(4, m.core().macrosPerGroup());
    assertEquals(8, m.noc().flitBytes());
    // a plain string names the preset too
    assertEquals(HwPresets.cimflow(), HwArch.resolve(module(
        "module attributes {hw.arch = \"cimflow\"} {}")));
  }

  @Test
  void resolveReadsFiles() throws IOException, HwException {
    Path file = dir.resolve("chip.json");
    Files.writeString(file, "{\"base\": \"cimflow\", \"cores\": 16, \"mesh\": {\"rows\": 4,"
        + " \"cols\": 4}}");
    Operation m = module("module {}");
    m.setAttr(HwArch.ATTR_NAME, HwArch.attr(file.toString(), "B=8"));
    HardwareModel hw = HwArch.resolve(m);
    assertEquals("chip", hw.name());
    assertEquals(16, hw.cores());
    assertEquals(8, hw.noc().flitBytes());
  }

  @Test
  void problems() {
    assertEquals("error: unknown hardware 'cimflw'; expected a preset (cimflow, dynaplasia) or"
        + " a JSON file", assertThrows(HwException.class, () -> HwArch.resolve(module(
        "module attributes {hw.arch = #hw.arch<\"cimflw\">} {}"))).getMessage());
    Path missing = dir.resolve("none.json");
    assertEquals(missing + ": error: could not open hardware description: no such file",
        assertThrows(HwException.class, () -> HwArch.load(missing.toString())).getMessage());
    assertEquals("error: 'hw.arch' must be #hw.arch<\"NAME|FILE\"> or"
        + " #hw.arch<\"NAME|FILE\", \"OVERRIDES\">", assertThrows(HwException.class,
        () -> HwArch.resolve(module("module attributes {hw.arch = 3} {}"))).getMessage());
    assertEquals("--arch-set: error: unknown key 'Z'; keys are the aliases T"
        + " (core.macrosPerGroup), K (core.macroGroups), B (noc.flitBytes), C (cores),"
        + " P (mesh.rows), Q (mesh.cols), or a field path such as core.macro.rows or clockMhz"
        + " (docs/hw-schema.md)", assertThrows(HwException.class, () -> HwArch.resolve(module(
        "module attributes {hw.arch = #hw.arch<\"cimflow\", \"Z=1\">} {}"))).getMessage());
  }
}
