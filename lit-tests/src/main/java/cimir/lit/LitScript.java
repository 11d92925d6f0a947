package cimir.lit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lit directives of a test file: RUN lines (joined across trailing backslashes), XFAIL and
 * UNSUPPORTED/REQUIRES. Only {@code XFAIL: *} is understood; features are not, so other XFAIL
 * values are an error and any UNSUPPORTED or REQUIRES line marks the test unsupported.
 */
record LitScript(List<RunLine> runLines, boolean expectFailure, String unsupported, String error) {
  /** A RUN command and the line it starts on. */
  record RunLine(int line, String text) {}

  static LitScript read(Path test) throws IOException {
    List<String> lines = Files.readAllLines(test, StandardCharsets.UTF_8);
    List<RunLine> runs = new ArrayList<>();
    StringBuilder pending = null;
    int pendingLine = 0;
    boolean xfail = false;
    String unsupported = null;
    String error = null;
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      String run = directive(line, "RUN:");
      if (run != null) {
        if (pending == null) {
          pending = new StringBuilder();
          pendingLine = n + 1;
        }
        boolean continued = run.endsWith("\\");
        pending.append(continued ? run.substring(0, run.length() - 1) : run);
        if (!continued) {
          runs.add(new RunLine(pendingLine, pending.toString().trim()));
          pending = null;
        } else {
          pending.append(' ');
        }
        continue;
      }
      String xfailValue = directive(line, "XFAIL:");
      if (xfailValue != null) {
        xfail |= xfailValue.equals("*");
        if (!xfailValue.equals("*")) {
          error = "line " + (n + 1) + ": unsupported 'XFAIL: " + xfailValue
              + "' (only 'XFAIL: *' is understood)";
        }
      }
      for (String keyword : List.of("UNSUPPORTED:", "REQUIRES:")) {
        String value = directive(line, keyword);
        if (value != null && unsupported == null) {
          unsupported = "line " + (n + 1) + ": " + keyword + " " + value;
        }
      }
    }
    if (pending != null) {
      error = "line " + pendingLine + ": RUN line ends with a '\\' continuation and no next RUN line";
    } else if (runs.isEmpty() && error == null) {
      error = "test has no 'RUN:' line";
    }
    return new LitScript(runs, xfail, unsupported, error);
  }

  /** The trimmed text after {@code keyword} when it starts a word on {@code line}, else null. */
  private static String directive(String line, String keyword) {
    int at = line.indexOf(keyword);
    while (at >= 0) {
      char before = at == 0 ? ' ' : line.charAt(at - 1);
      if (!Character.isLetterOrDigit(before) && before != '_' && before != '-') {
        return line.substring(at + keyword.length()).trim();
      }
      at = line.indexOf(keyword, at + 1);
    }
    return null;
  }
}
