package cimir.lit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure reports, compared byte for byte with what LLVM's FileCheck-19 printed for the same files
 * (named t.check and t.input, run with --dump-input=never).
 */
class FileCheckReportTest {
  @TempDir
  Path dir;

  /** Runs FileCheck on the two texts; returns the exit status and stderr, paths shortened. */
  private String run(String check, String input, String... extra) throws IOException {
    Path checkFile = Files.writeString(dir.resolve("t.check"), check);
    Path inputFile = Files.writeString(dir.resolve("t.input"), input);
    String[] args = new String[extra.length + 2];
    args[0] = checkFile.toString();
    args[1] = "--input-file=" + inputFile;
    System.arraycopy(extra, 0, args, 2, extra.length);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = FileCheck.run(args, new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = err.toString(StandardCharsets.UTF_8).replace(dir + "/", "");
    return "status " + status + "\n" + text;
  }

  @Test
  void expectedStringNotFound() throws IOException {
    assertEquals("""
        status 1
        t.check:2:8: error: CHECK: expected string not found in input
        CHECK: missing
               ^
        t.input:1:6: note: scanning from here
        hello
             ^
        """, run("CHECK: hello\nCHECK: missing\n", "hello\nworld\n"));
  }

  @Test
  void nextOnALaterLine() throws IOException {
    assertEquals("""
        status 1
        t.check:2:13: error: CHECK-NEXT: is not on the line after the previous match
        CHECK-NEXT: second
                    ^
        t.input:3:1: note: 'next' match was here
        second
        ^
        t.input:1:6: note: previous match ended here
        first
             ^
        t.input:2:1: note: non-matching line after previous match is here
        gap
        ^
        """, run("CHECK: first\nCHECK-NEXT: second\n", "first\ngap\nsecond\n"));
  }

  @Test
  void excludedStringUnderlined() throws IOException {
    assertEquals("""
        status 1
        t.check:2:12: error: CHECK-NOT: excluded string found in input
        CHECK-NOT: bad
                   ^
        t.input:2:1: note: found here
        bad
        ^~~
        """, run("CHECK: begin\nCHECK-NOT: bad\nCHECK: end\n", "begin\nbad\nend\n"));
  }

  @Test
  void substitutionAndPossibleIntendedMatch() throws IOException {
    assertEquals("""
        status 1
        t.check:2:8: error: CHECK: expected string not found in input
        CHECK: free [[BUF]]
               ^
        t.input:1:10: note: scanning from here
        alloc b42
                 ^
        t.input:1:10: note: with "BUF" equal to "b42"
        alloc b42
                 ^
        t.input:2:1: note: possible intended match here
        free b43
        ^
        """, run("CHECK: alloc [[BUF:[a-z0-9]+]]\nCHECK: free [[BUF]]\n", "alloc b42\nfree b43\n"));
  }

  @Test
  void countReportsWhichOccurrence() throws IOException {
    assertEquals("""
        status 1
        t.check:1:16: error: CHECK-COUNT: expected string not found in input (3 out of 3)
        CHECK-COUNT-3: op.mvm
                       ^
        t.input:2:7: note: scanning from here
        op.mvm
              ^
        """, run("CHECK-COUNT-3: op.mvm\n", "op.mvm\nop.mvm\n"));
  }

  @Test
  void canonicalisedWhitespaceInNotes() throws IOException {
    assertEquals("""
        status 1
        t.check:2:8: error: CHECK: expected string not found in input
        CHECK: bar
               ^
        t.input:1:4: note: scanning from here
        foo
           ^
        t.input:2:2: note: possible intended match here
         baz qux
         ^
        """, run("CHECK: foo\nCHECK: bar\n", "foo\n\tbaz  qux\nzip\n"));
  }

  @Test
  void missingPrefixIsAUsageError() throws IOException {
    assertEquals("status 2\nerror: no check strings found with prefix 'CHECK:'\n",
        run("CHECK : foo\n", "foo\n"));
    assertEquals("status 2\nerror: no check strings found with prefix 'BAR:'\n",
        run("FOO: foo\n", "foo\n", "--check-prefixes=FOO,BAR"));
  }

  @Test
  void invalidRegexPointsIntoTheBlock() throws IOException {
    assertEquals("""
        status 2
        t.check:1:11: error: invalid regex: repetition-operator operand invalid
        CHECK: a{{.*?}}
                  ^
        """, run("CHECK: a{{.*?}}\n", "ab\n"));
  }

  @Test
  void numericVariablesAreRejected() throws IOException {
    String report = run("CHECK: x[[#N:]]\n", "x3\n");
    assertEquals("status 2\nt.check:1:11: error: unsupported: numeric substitution block", report
        .substring(0, report.indexOf(" '[[")));
  }
}
