package cimir.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input never crashes cim-opt: mutations of the valid lit corpus (truncation, deleted and
 * duplicated tokens, flipped bytes) and pathological inputs (10,000-deep nesting, a 1 MB
 * identifier, invalid UTF-8) end in a `file:line:col: error:` diagnostic and exit status 1, with
 * no Java stack trace and no hang. Valid inputs print deterministically and as a fixpoint.
 */
class CimOptRobustnessTest {
  private static final Path CORPUS = Path.of("..", "lit-tests", "IR");
  private static final Pattern DIAGNOSTIC = Pattern.compile("(?m)^[^\\s:]+:\\d+:\\d+: error: ");
  private static final Pattern TOKEN = Pattern.compile("%[\\w#]+|\\^\\w+|@\\w+|\"[^\"\\n]*\"|\\w+|\\S");

  private record Run(int status, String out, String err) {}

  private static Run run(byte[] input, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = Stream.concat(Stream.of(args), Stream.of("-")).toArray(String[]::new);
    int[] status = new int[1];
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      status[0] = Tools.onBigStack(() -> CimOpt.run(all, new ByteArrayInputStream(input),
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8)));
    });
    return new Run(status[0], out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static void assertDiagnosed(Run r, String what) {
    assertEquals(1, r.status, what + ": exit status\n" + r.err);
    assertTrue(DIAGNOSTIC.matcher(r.err).find(), what + ": no file:line:col diagnostic\n" + r.err);
    assertNoCrash(r, what);
  }

  private static void assertNoCrash(Run r, String what) {
    assertTrue(r.status == 0 || r.status == 1, what + ": exit status " + r.status + "\n" + r.err);
    assertTrue(!r.err.contains("Exception") && !r.err.contains("\tat ")
        && !r.err.contains("internal error"), what + ": crashed\n" + r.err);
    if (r.status == 1) {
      assertTrue(DIAGNOSTIC.matcher(r.err).find(), what + ": no diagnostic\n" + r.err);
    }
  }

  private static List<Path> validCorpus() throws IOException {
    try (Stream<Path> s = Files.list(CORPUS)) {
      return s.filter(p -> p.toString().endsWith(".cim")).sorted().toList();
    }
  }

  private static String[] flags(String text) {
    List<String> f = new ArrayList<>(List.of("--allow-unregistered-dialect"));
    if (text.contains("--split-input-file")) {
      f.add("--split-input-file");
    }
    return f.toArray(String[]::new);
  }

  @TestFactory
  Stream<DynamicTest> mutatedCorpusIsDiagnosedNeverCrashes() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : validCorpus()) {
      String text = Files.readString(file);
      String[] flags = flags(text);
      tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
        Random random = new Random(file.getFileName().toString().hashCode());
        List<int[]> tokens = new ArrayList<>();
        var m = TOKEN.matcher(text);
        while (m.find()) {
          if (!text.substring(0, m.start()).endsWith("/") ) {
            tokens.add(new int[] {m.start(), m.end()});
          }
        }
        for (int i = 0; i < 12 && !tokens.isEmpty(); i++) {
          int[] t = tokens.get(random.nextInt(tokens.size()));
          String deleted = text.substring(0, t[0]) + text.substring(t[1]);
          assertNoCrash(run(deleted.getBytes(StandardCharsets.UTF_8), flags), "delete token");
          String duplicated = text.substring(0, t[1]) + " " + text.substring(t[0]);
          assertNoCrash(run(duplicated.getBytes(StandardCharsets.UTF_8), flags), "dup token");
          String truncated = text.substring(0, t[0]);
          assertNoCrash(run(truncated.getBytes(StandardCharsets.UTF_8), flags), "truncate");
          byte[] flipped = text.getBytes(StandardCharsets.UTF_8);
          flipped[t[0]] ^= (byte) (1 << random.nextInt(7));
          assertNoCrash(run(flipped, flags), "flip byte");
        }
      }));
    }
    return tests.stream();
  }

  @Test
  void deepNestingIsDiagnosed() {
    String deep = "\"test.op\"() {a = " + "[".repeat(10000) + "]".repeat(9999) + "} : () -> ()";
    assertDiagnosed(run(deep.getBytes(StandardCharsets.UTF_8)), "10,000-deep array");
    StringBuilder regions = new StringBuilder();
    for (int i = 0; i < 10000; i++) {
      regions.append("\"test.op\"() ({\n");
    }
    assertDiagnosed(run(regions.toString().getBytes(StandardCharsets.UTF_8)),
        "10,000-deep regions, unclosed");
  }

  @Test
  void deepButValidNestingParses() {
    StringBuilder ir = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      ir.append("\"test.op\"() ({\n");
    }
    for (int i = 0; i < 2000; i++) {
      ir.append("}) : () -> ()\n");
    }
    Run r = run(ir.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(0, r.status, r.err);
  }

  @Test
  void hugeIdentifierIsDiagnosed() {
    String ir = "%" + "x".repeat(1 << 20) + " = \"test.op\"() : () -> i32 junk";
    assertDiagnosed(run(ir.getBytes(StandardCharsets.UTF_8)), "1 MB identifier");
  }

  @Test
  void invalidUtf8IsDiagnosed() {
    byte[] bytes = "\"test.op\"() {a = \"\u0000\"} : () -> ()".getBytes(StandardCharsets.UTF_8);
    bytes[bytes.length - 16] = (byte) 0xC3;
    bytes[bytes.length - 15] = (byte) 0x28;
    Run r = run(bytes);
    assertDiagnosed(r, "invalid UTF-8");
    assertTrue(r.err.contains("invalid UTF-8"), r.err);
  }

  @TestFactory
  Stream<DynamicTest> printingIsDeterministicAndAFixpoint() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : validCorpus()) {
      tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
        String text = Files.readString(file);
        String[] flags = flags(text);
        Run first = run(text.getBytes(StandardCharsets.UTF_8), flags);
        assertEquals(0, first.status, first.err);
        Run again = run(text.getBytes(StandardCharsets.UTF_8), flags);
        assertEquals(first.out, again.out, "same input, same bytes");
        Run twice = run(first.out.getBytes(StandardCharsets.UTF_8), flags);
        assertEquals(first.out, twice.out, "cim-opt x | cim-opt equals cim-opt x");
      }));
    }
    return tests.stream();
  }
}
