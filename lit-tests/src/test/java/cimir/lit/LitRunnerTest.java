package cimir.lit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-JVM lit runner, with test-only tools instead of cim-opt. */
class LitRunnerTest {
  @TempDir
  Path dir;

  /** Echoes its arguments, or stdin when there are none; "--fail" exits 1 after printing. */
  private static final Tool ECHO = (args, in, out, err) -> {
    List<String> words = List.of(args);
    if (words.isEmpty()) {
      try {
        out.write(in.readAllBytes());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return 0;
    }
    out.println(String.join(" ", words.stream().filter(w -> !w.equals("--fail")).toList()));
    err.println("echo: said it");
    return words.contains("--fail") ? 1 : 0;
  };

  private LitRunner.Result run(String text) throws IOException {
    Path test = Files.writeString(dir.resolve("t.cim"), text, StandardCharsets.UTF_8);
    Map<String, Tool> tools = LitRunner.defaultTools();
    tools.put("echo", ECHO);
    return new LitRunner(tools).run(test, dir.resolve("Output"));
  }

  @Test
  void pipelineIntoFileCheckPasses() throws IOException {
    LitRunner.Result r = run("// RUN: echo 'hello   world' | FileCheck %s\n// CHECK: hello world\n");
    assertEquals(LitRunner.Status.PASS, r.status(), r.report());
  }

  @Test
  void mismatchReportsRunLineAndFileCheckOutput() throws IOException {
    LitRunner.Result r = run("// RUN: echo \"hello\" \\\n// RUN:   | FileCheck %s\n// CHECK: bye\n");
    assertEquals(LitRunner.Status.FAIL, r.status());
    assertTrue(r.report().contains("RUN: at line 1: echo \"hello\""), r.report());
    assertTrue(r.report().contains("| FileCheck " + dir), r.report());
    assertTrue(r.report().contains("error: CHECK: expected string not found in input"), r.report());
    assertTrue(r.report().contains("# error: command failed with exit status: 1"), r.report());
  }

  @Test
  void notInvertsAndPipefailCatchesAnEarlyFailure() throws IOException {
    assertEquals(LitRunner.Status.PASS, run("// RUN: not echo --fail x\n").status());
    assertEquals(LitRunner.Status.FAIL, run("// RUN: not echo x\n").status());
    assertEquals(LitRunner.Status.FAIL,
        run("// RUN: echo --fail x | FileCheck %s\n// CHECK: x\n").status());
    assertEquals(LitRunner.Status.PASS,
        run("// RUN: not echo --fail oops 2>&1 | FileCheck %s\n// CHECK: oops\n// CHECK: said it\n")
            .status());
  }

  @Test
  void redirectionsAndTempFiles() throws IOException {
    LitRunner.Result r = run("// RUN: echo a-b > %t && FileCheck %s --input-file=%t\n"
        + "// RUN: FileCheck %s < %t\n// CHECK: a-b\n");
    assertEquals(LitRunner.Status.PASS, r.status(), r.report());
  }

  @Test
  void substitutionsKeepDoublePercent() {
    Path test = Path.of("/x/y/t.cim");
    assertEquals("/x/y/t.cim /x/y %s /tmp/t.tmp",
        LitRunner.substitute("%s %S %%s %t", test, Path.of("/tmp/t.tmp")));
  }

  @Test
  void unknownCommandAndMissingRunLineFail() throws IOException {
    LitRunner.Result r = run("// RUN: frobnicate %s\n");
    assertEquals(LitRunner.Status.FAIL, r.status());
    assertTrue(r.report().contains("'frobnicate': command not found"), r.report());
    assertEquals(LitRunner.Status.FAIL, run("// CHECK: nothing runs\n").status());
  }

  @Test
  void xfailAndUnsupported() throws IOException {
    assertEquals(LitRunner.Status.XFAIL, run("// XFAIL: *\n// RUN: echo --fail\n").status());
    assertEquals(LitRunner.Status.XPASS, run("// XFAIL: *\n// RUN: echo ok\n").status());
    assertEquals(LitRunner.Status.UNSUPPORTED, run("// UNSUPPORTED: true\n// RUN: echo\n").status());
  }
}
