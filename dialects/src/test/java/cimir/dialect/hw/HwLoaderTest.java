package cimir.dialect.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cimir's JSON schema: complete files, `base` with changes, and every kind of problem. */
class HwLoaderTest {
  @TempDir
  Path dir;

  private Path write(String name, String json) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, json);
    return file;
  }

  /** The message of loading `json`, with the file name replaced by `F`. */
  private String error(String json) throws IOException {
    Path file = write("hw.json", json);
    HwException e = assertThrows(HwException.class, () -> HwLoader.load(file));
    assertTrue(e.getMessage().startsWith(file + ":"), e.getMessage());
    return "F" + e.getMessage().substring(file.toString().length());
  }

  /** The JSON example of docs/hw-schema.md after the `cimflow` heading. */
  private static String docsExample() throws IOException, HwException {
    String md = Files.readString(Path.of("..", "docs", "hw-schema.md"));
    int at = md.indexOf("### Example: the `cimflow` preset");
    int start = md.indexOf("```json\n", at) + "```json\n".length();
    return md.substring(start, md.indexOf("```", start));
  }

  @Test
  void theDocumentedExampleIsTheCimflowPreset() throws IOException, HwException {
    assertEquals(HwPresets.cimflow(), HwLoader.load(write("example.json", docsExample())));
  }

  @Test
  void nameDefaultsToTheFileName() throws IOException, HwException {
    String json = docsExample().replace("\"name\": \"cimflow\",", "");
    HardwareModel m = HwLoader.load(write("my-chip.json", json));
    assertEquals("my-chip", m.name());
  }

  @Test
  void baseWithChanges() throws IOException, HwException {
    HardwareModel m = HwLoader.load(write("t4.json", """
        {
          "base": "cimflow",
          "name": "cimflow-t4-dual",
          "core": {
            "macrosPerCore": 64,
            "macro": {"dualMode": true}
          },
          "noc": {"flitBytes": 8},
          "clockMhz": 400.5
        }"""));
    HardwareModel c = HwPresets.cimflow();
    // 64 macros with the preset's T = 8: K = 8
    assertEquals(new HardwareModel("cimflow-t4-dual", 64, 8, 8, new HardwareModel.Core(8, 8,
        new HardwareModel.Macro(32, 8, 16, 8, 8, 32, true, 1, 32), c.core().local(),
        c.core().vector()), c.global(), new HardwareModel.Noc(8, 1), 400.5, c.energy()), m);
  }

  @Test
  void macrosPerCoreWithOnlyKGivesT() throws IOException, HwException {
    HardwareModel m = HwLoader.load(write("k.json", """
        {"base": "dynaplasia", "core": {"macroGroups": 4, "macrosPerCore": 96}}"""));
    assertEquals(4, m.core().macroGroups());
    assertEquals(24, m.core().macrosPerGroup());
    assertEquals("k", m.name());
  }

  @Test
  void missingField() throws IOException, HwException {
    String json = docsExample().replace("      \"rowSelect\": 16,\n", "");
    // the object `core.macro` opens on line 8, column 14
    assertEquals("F:8:14: error: missing field 'rowSelect' in 'core.macro'", error(json));
    assertEquals("F:1:1: error: missing field 'energy'",
        error(docsExample().substring(0, docsExample().indexOf(",\n  \"energy\"")) + "\n}"));
  }

  @Test
  void negativeAndZero() throws IOException, HwException {
    assertEquals("F:4:23: error: 'core.macro.rows' must be positive, but is -3", error("""
        {
          "base": "cimflow",
          "core": {
            "macro": {"rows": -3}
          }
        }"""));
    assertEquals("F:1:49: error: 'global.bytesPerCycle' must be positive, but is 0",
        error("{\"base\": \"cimflow\", \"global\": {\"bytesPerCycle\": 0}}"));
    assertEquals("F:1:41: error: 'energy.macPj' must not be negative, but is -0.5",
        error("{\"base\": \"cimflow\", \"energy\": {\"macPj\": -0.5}}"));
    assertEquals("F:1:54: error: 'core.macro.weightBits' must be between 1 and 16, but is 32",
        error("{\"base\": \"cimflow\", \"core\": {\"macro\": {\"weightBits\": 32}}}"));
    assertEquals("F:1:33: error: 'clockMhz' must be positive, but is 0",
        error("{\"base\": \"cimflow\", \"clockMhz\": 0}"));
  }

  @Test
  void meshTooSmall() throws IOException, HwException {
    assertEquals("F:3:11: error: the mesh of 2 x 2 = 4 places is too small for 'cores' = 64",
        error("""
            {
              "base": "cimflow",
              "mesh": {"rows": 2, "cols": 2}
            }"""));
    // Without a mesh in the file, the error points at the cores that no longer fit.
    assertEquals("F:1:30: error: the mesh of 8 x 8 = 64 places is too small for 'cores' = 65",
        error("{\"base\": \"cimflow\", \"cores\": 65}"));
  }

  @Test
  void macrosPerCoreAgainstKTimesT() throws IOException, HwException {
    assertEquals("F:3:22: error: 'core.macrosPerCore' is 100, but 'core.macroGroups' x"
        + " 'core.macrosPerGroup' is 16 x 8 = 128", error("""
        {
          "base": "cimflow", "core": {"macroGroups": 16, "macrosPerGroup": 8,
            "macrosPerCore": 100}
        }"""));
    assertEquals("F:1:47: error: T does not divide the macro count: 'core.macrosPerCore' = 100"
        + " is not a multiple of 'core.macrosPerGroup' = 8",
        error("{\"base\": \"cimflow\", \"core\": {\"macrosPerCore\": 100}}"));
    assertEquals("F:1:47: error: 'core.macrosPerCore' must be positive, but is 0",
        error("{\"base\": \"cimflow\", \"core\": {\"macrosPerCore\": 0}}"));
  }

  @Test
  void unknownDuplicateAndWrongType() throws IOException, HwException {
    assertEquals("F:1:48: error: unknown field 'bogus' in 'core'; expected one of macroGroups,"
        + " macrosPerGroup, macrosPerCore, macro, local, vector",
        error("{\"base\": \"cimflow\", \"core\": {\"macroGroups\": 4, \"bogus\": 1}}"));
    assertEquals("F:1:21: error: unknown field 'clock'; expected one of base, name, cores, mesh,"
        + " core, global, noc, clockMhz, energy", error("{\"base\": \"cimflow\", \"clock\": 1}"));
    assertEquals("F:1:33: error: duplicate field 'cores'",
        error("{\"base\": \"cimflow\", \"cores\": 4, \"cores\": 4}"));
    assertEquals("F:1:48: error: 'core.macro.rows' must be an integer, but got a string",
        error("{\"base\": \"cimflow\", \"core\": {\"macro\": {\"rows\": \"32\"}}}"));
    assertEquals("F:1:30: error: 'cores' must be an integer, but got 2.5",
        error("{\"base\": \"cimflow\", \"cores\": 2.5}"));
    assertEquals("F:1:52: error: 'core.macro.dualMode' must be true or false, but got 1",
        error("{\"base\": \"cimflow\", \"core\": {\"macro\": {\"dualMode\": 1}}}"));
    assertEquals("F:1:29: error: 'mesh' must be an object, but got an array",
        error("{\"base\": \"cimflow\", \"mesh\": [8, 8]}"));
    assertEquals("F:1:30: error: 'cores' is out of range: 4294967296 (at most 2147483647)",
        error("{\"base\": \"cimflow\", \"cores\": 4294967296}"));
    assertEquals("F:1:10: error: unknown preset 'cimflow3' in 'base'; expected one of cimflow,"
        + " dynaplasia", error("{\"base\": \"cimflow3\"}"));
    assertEquals("F:1:1: error: expected a JSON object, but got an array", error("[]"));
  }

  @Test
  void malformedJsonAtJacksonsPosition() throws IOException, HwException {
    assertEquals("F:1:52: error: malformed JSON: unexpected character ('}' (code 125)): was"
        + " expecting double-quote to start field name",
        error("{\"base\": \"cimflow\", \"mesh\": {\"rows\": 2, \"cols\": 2},}"));
    assertEquals("F:2:1: error: malformed JSON: unexpected end-of-input: expected close marker"
        + " for Object (start marker at 1:1)", error("{\"base\": \"cimflow\"\n"));
    assertEquals("F:1:1: error: malformed JSON: the file is empty", error(""));
  }

  @Test
  void unreadableFile() {
    Path missing = dir.resolve("none.json");
    HwException e = assertThrows(HwException.class, () -> HwLoader.load(missing));
    assertEquals(missing + ": error: could not open hardware description: no such file",
        e.getMessage());
  }
}
