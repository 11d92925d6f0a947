package cimir.lit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Runs every {@code *.cim} lit test of the module in the JVM, one dynamic test per file. */
class LitCorpusTest {
  private static final Set<String> SKIPPED_DIRS = Set.of("Output", "target", "filecheck",
      "Inputs");

  @TempDir
  Path temp;

  @TestFactory
  Stream<DynamicTest> litCorpus() throws IOException {
    Path root = LitTestPaths.moduleDir();
    List<Path> tests = findTests(root);
    if (tests.isEmpty()) {
      System.out.println("lit corpus: no .cim files found under " + root);
    }
    LitRunner runner = LitRunner.withDefaultTools();
    return tests.stream().map(test -> DynamicTest.dynamicTest(
        root.relativize(test).toString(), test.toUri(), () -> check(runner, test)));
  }

  private void check(LitRunner runner, Path test) throws IOException {
    LitRunner.Result result = runner.run(test, temp.resolve("Output"));
    switch (result.status()) {
      case PASS, XFAIL -> { }
      case UNSUPPORTED -> abort("unsupported: " + result.report());
      default -> fail("\n" + result.report());
    }
  }

  static List<Path> findTests(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> p.toString().endsWith(".cim") && Files.isRegularFile(p))
          .filter(p -> noSkippedPart(root.relativize(p).getParent()))
          .sorted()
          .toList();
    }
  }

  private static boolean noSkippedPart(Path relativeDir) {
    if (relativeDir == null) {
      return true;
    }
    for (Path part : relativeDir) {
      if (SKIPPED_DIRS.contains(part.toString())) {
        return false;
      }
    }
    return true;
  }
}
