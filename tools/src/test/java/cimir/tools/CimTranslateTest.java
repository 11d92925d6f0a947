package cimir.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cim-translate as a command: output files, standard input, determinism, usage errors. */
class CimTranslateTest {
  private static final Path MODELS = Path.of("..", "models");

  private record Run(int status, String out, String err) {}

  private static Run run(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = CimTranslate.run(args, new ByteArrayInputStream(stdin),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void failedImportLeavesTheOutputFileAlone(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.onnx");
    byte[] model = Files.readAllBytes(MODELS.resolve("tiny_cnn_bn_dw.onnx"));
    Files.write(bad, java.util.Arrays.copyOf(model, 1000));
    Path target = dir.resolve("out.cim");
    Run r = run(new byte[0], "--import-onnx", bad.toString(), "-o", target.toString());
    assertEquals(1, r.status);
    assertFalse(Files.exists(target));
    Files.writeString(target, "previous");
    run(new byte[0], "--import-onnx", bad.toString(), "-o", target.toString());
    assertEquals("previous", Files.readString(target));
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void fileAndStandardInputGiveTheSameBytesEveryTime(@TempDir Path dir) throws Exception {
    Path model = MODELS.resolve("tiny_transformer.onnx");
    Path target = dir.resolve("out.cim");
    Run toFile = run(new byte[0], "--import-onnx", model.toString(), "-o", target.toString());
    assertEquals(0, toFile.status, toFile.err);
    Run fromStdin = run(Files.readAllBytes(model), "--import-onnx");
    assertEquals(0, fromStdin.status, fromStdin.err);
    assertEquals(Files.readString(target), fromStdin.out);
    assertEquals(fromStdin.out, run(Files.readAllBytes(model), "--import-onnx").out);
    assertTrue(fromStdin.out.startsWith("module attributes {onnx.opset = 13 : i64"));
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertEquals(2, run(new byte[0], "x.onnx").status, "a translation must be chosen");
    Run r = run(new byte[0], "--import-onnx", "--dim", "batch=0", "x.onnx");
    assertEquals(2, r.status);
    assertTrue(r.err.contains("--dim batch=0: a dimension must be positive"), r.err);
  }
}
