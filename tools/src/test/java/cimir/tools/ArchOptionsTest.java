package cimir.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `--arch` and `--arch-set` on the three tools. */
class ArchOptionsTest {
  private static final Path MODELS = Path.of("..", "models");

  private record Run(int status, String out, String err) {}

  @FunctionalInterface
  private interface Tool {
    int run(String[] args, InputStream in, PrintStream out, PrintStream err);
  }

  private static Run run(Tool tool, String stdin, String... args) {
    return run(tool, stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  private static Run run(Tool tool, byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = tool.run(args, new ByteArrayInputStream(stdin),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void cimOptSetsAndReplacesTheAttribute() {
    Run r = run(CimOpt::run, "module {}", "--arch=cimflow", "--arch-set=T=4,B=8");
    assertEquals(0, r.status, r.err);
    assertEquals("module attributes {hw.arch = #hw.arch<\"cimflow\", \"T=4,B=8\">} {\n}\n\n",
        r.out);
    r = run(CimOpt::run, "module attributes {hw.arch = #hw.arch<\"cimflow\", \"T=4\">, x.y = 1"
        + "} {}", "--arch=dynaplasia");
    assertEquals("module attributes {hw.arch = #hw.arch<\"dynaplasia\">, x.y = 1 : i64} {\n}\n\n",
        r.out);
    // --arch-set alone adds to the module's own overrides
    r = run(CimOpt::run, "module attributes {hw.arch = #hw.arch<\"cimflow\", \"T=4\">} {}",
        "--arch-set=B=8");
    assertEquals("module attributes {hw.arch = #hw.arch<\"cimflow\", \"T=4,B=8\">} {\n}\n\n",
        r.out);
    r = run(CimOpt::run, "module {}\n// -----\nmodule {}", "--arch=cimflow",
        "--split-input-file");
    assertEquals(2, r.out.split("hw.arch = #hw.arch<\"cimflow\">", -1).length - 1, r.out);
  }

  @Test
  void cimOptDiagnostics(@TempDir Path dir) throws Exception {
    Run r = run(CimOpt::run, "module {}", "--arch=cimflw");
    assertEquals(1, r.status);
    assertEquals("cim-opt: error: unknown hardware 'cimflw'; expected a preset (cimflow,"
        + " dynaplasia) or a JSON file\n", r.err);
    assertEquals("", r.out);
    r = run(CimOpt::run, "module {}", "--arch=cimflow", "--arch-set=T=0");
    assertEquals(1, r.status);
    assertEquals("--arch-set: error: 'core.macrosPerGroup' must be positive, but is 0 (set by"
        + " 'T=0')\n", r.err);
    r = run(CimOpt::run, "module {}", "--arch-set=T=four");
    assertEquals(1, r.status);
    assertEquals("--arch-set: error: 'T' (core.macrosPerGroup) must be an integer, but got"
        + " 'four'\n", r.err);
    r = run(CimOpt::run, "module {}", "--arch-set=T=4");
    assertEquals(1, r.status);
    assertEquals("<stdin>:1:1: error: '--arch-set' needs '--arch' or a module with an 'hw.arch'"
        + " attribute\nmodule {}\n^\n", r.err);
    r = run(CimOpt::run, "module attributes {hw.arch = #hw.arch<\"nope\">} {}", "--arch-set=T=4");
    assertEquals(1, r.status);
    assertTrue(r.err.startsWith("<stdin>:1:1: error: unknown hardware 'nope'"), r.err);
    // a file's problem shows its line and a caret
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\n  \"base\": \"cimflow\",\n  \"cores\": -1\n}\n");
    r = run(CimOpt::run, "module {}", "--arch=" + file);
    assertEquals(1, r.status);
    assertEquals(file + ":3:12: error: 'cores' must be positive, but is -1\n  \"cores\": -1\n"
        + "           ^\n", r.err);
  }

  @Test
  void cimTranslateAnnotatesTheImport() throws Exception {
    byte[] model = Files.readAllBytes(MODELS.resolve("tiny_cnn_bn_dw.onnx"));
    Run r = run(CimTranslate::run, model, "--import-onnx", "--arch=dynaplasia");
    assertEquals(0, r.status, r.err);
    assertTrue(r.out.startsWith("module attributes {hw.arch = #hw.arch<\"dynaplasia\">,"
        + " onnx.opset = 13 : i64"), r.out.substring(0, 100));
    r = run(CimTranslate::run, model, "--import-onnx", "--arch-set=B=8");
    assertEquals(1, r.status);
    assertEquals("cim-translate: error: '--arch-set' needs '--arch' or a module with an"
        + " 'hw.arch' attribute\n", r.err);
    r = run(CimTranslate::run, model, "--import-onnx", "--arch=cimflow", "--arch-set=Z=1");
    assertEquals(1, r.status);
    assertTrue(r.err.startsWith("--arch-set: error: unknown key 'Z'"), r.err);
  }

  @Test
  void cimInterpValidatesTheArch() {
    String ir = """
        func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
          return %x : tensor<2xf32>
        }""";
    Run ok = run(CimInterp::run, ir, "--arch=cimflow", "--arch-set=K=8");
    assertEquals(0, ok.status, ok.err);
    assertEquals(run(CimInterp::run, ir).out, ok.out);
    Run bad = run(CimInterp::run, ir, "--arch=cimflow", "--arch-set=C=65");
    assertEquals(1, bad.status);
    assertEquals("--arch-set: error: the mesh of 8 x 8 = 64 places is too small for 'cores' = 65"
        + " (set by 'C=65')\n", bad.err);
  }
}
