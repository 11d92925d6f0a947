package cimir.lit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs cimir's FileCheck on every case of {@code lit-tests/filecheck/} and checks the verdict its
 * name promises ({@code pass-*} or {@code fail-*}); {@code run-llvm.sh} holds LLVM to the same.
 */
class FileCheckCrossCheckTest {
  private static final int MIN_CASES = 45;
  private static final int MIN_FAILING = 18;

  @TestFactory
  Stream<DynamicTest> corpus() throws IOException {
    Path dir = LitTestPaths.fileCheckCorpus();
    List<Path> checks;
    try (Stream<Path> files = Files.list(dir)) {
      checks = files.filter(p -> p.toString().endsWith(".check")).sorted().toList();
    }
    long failing = checks.stream().filter(p -> p.getFileName().toString().startsWith("fail-")).count();
    assertTrue(checks.size() >= MIN_CASES, "only " + checks.size() + " cases in " + dir);
    assertTrue(failing >= MIN_FAILING, "only " + failing + " failing cases in " + dir);
    return checks.stream().map(check -> DynamicTest.dynamicTest(
        check.getFileName().toString(), () -> verify(check)));
  }

  private static void verify(Path check) throws IOException {
    String name = check.getFileName().toString().replaceFirst("\\.check$", "");
    Path input = check.resolveSibling(name + ".input");
    Path argsFile = check.resolveSibling(name + ".args");
    List<String> args = new ArrayList<>(List.of(check.toString(), "--input-file=" + input,
        "--dump-input=never"));
    if (Files.exists(argsFile)) {
      args.addAll(List.of(Files.readString(argsFile).trim().split("\\s+")));
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = FileCheck.run(args.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    boolean expectPass = name.startsWith("pass-");
    assertTrue(expectPass || name.startsWith("fail-"), "case name must start with pass- or fail-");
    assertEquals(expectPass, status == 0,
        name + ": exit status " + status + "\n" + err.toString(StandardCharsets.ISO_8859_1));
  }
}
