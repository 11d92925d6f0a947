package cimir.lowering.mip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCIP writes its log with C's stdio, which Java cannot capture in-process, so a child JVM
 * solves a problem and the test reads the child's standard output and error: nothing from SCIP
 * on standard output, quiet or not; the log on standard error when asked for.
 */
class QuietByDefaultTest {
  @TempDir
  Path tmp;

  /** The child: solves the integer program of {@link MipTest} and prints only the objective. */
  public static void main(String[] args) throws Exception {
    try (Mip mip = Mip.create("child")) {
      Mip.Var x = mip.intVar("x", 0, Double.POSITIVE_INFINITY, 1);
      Mip.Var y = mip.intVar("y", 0, Double.POSITIVE_INFINITY, 1);
      mip.addLinear("a", new Mip.Var[] {x, y}, new double[] {2, 1}, Double.NEGATIVE_INFINITY, 4);
      mip.addLinear("b", new Mip.Var[] {x, y}, new double[] {1, 2}, Double.NEGATIVE_INFINITY, 4);
      mip.maximize();
      Mip.Result r = mip.solve(Mip.Params.DEFAULT.withLog(args.length > 0 ? System.err : null));
      System.out.println("objective " + r.objective());
    }
  }

  private List<String> run(boolean log) throws IOException, InterruptedException {
    Path out = tmp.resolve("out" + log);
    Path err = tmp.resolve("err" + log);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = log
        ? new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            QuietByDefaultTest.class.getName(), "log")
        : new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            QuietByDefaultTest.class.getName());
    Process child = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
    assertEquals(0, child.exitValue(), () -> read(err));
    return List.of(read(out), read(err));
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Test
  void quietUnlessAskedAndThenOnStandardError() throws Exception {
    List<String> quiet = run(false);
    assertEquals("objective 2.0\n", quiet.get(0));
    assertEquals("", quiet.get(1));

    List<String> logged = run(true);
    assertEquals("objective 2.0\n", logged.get(0));
    assertTrue(logged.get(1).contains("SCIP Status"), logged.get(1));
  }
}
