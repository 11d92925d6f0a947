package cimir.diag;

import cimir.ir.Location;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `--verify-diagnostics`: reads `// expected-error @+1 {{text}}` annotations (also
 * `-warning`, `-note`, `-remark`, `@-N`, `@above`, `@below`, and `-re` regex forms) from a
 * buffer and matches them against the diagnostics produced, as MLIR's verifier handler does.
 */
public final class ExpectedDiagnostics {
  private static final Pattern ANNOTATION = Pattern.compile(
      "expected-(error|note|remark|warning)(-re)? *(@([+-][0-9]+|above|below))? *\\{\\{(.*)\\}\\}\\s*$");

  private record Expected(Severity severity, int line, String text, Pattern regex,
      int annotationLine, int column) {}

  private final String file;
  private final List<Expected> expected = new ArrayList<>();

  private ExpectedDiagnostics(String file) {
    this.file = file;
  }

  /** Reads the annotations of `text`, whose first line is line `1 + lineOffset` of `file`. */
  public static ExpectedDiagnostics read(String file, String text, int lineOffset,
      DiagnosticEngine diag) {
    ExpectedDiagnostics e = new ExpectedDiagnostics(file);
    String[] lines = text.split("\n", -1);
    int lastNonDesignator = 0;
    List<Object[]> pendingBelow = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1 + lineOffset;
      Matcher m = ANNOTATION.matcher(lines[i]);
      if (!m.find()) {
        lastNonDesignator = lineNo;
        for (Object[] p : pendingBelow) {
          e.add((Severity) p[0], lineNo, (String) p[1], (Boolean) p[2], (Integer) p[3],
              (Integer) p[4], diag);
        }
        pendingBelow.clear();
        continue;
      }
      Severity severity = Severity.valueOf(m.group(1).toUpperCase());
      boolean isRegex = m.group(2) != null;
      String offset = m.group(4);
      int col = m.start() + 1;
      String body = m.group(5);
      if (offset == null) {
        e.add(severity, lineNo, body, isRegex, lineNo, col, diag);
      } else if (offset.equals("above")) {
        e.add(severity, lastNonDesignator, body, isRegex, lineNo, col, diag);
      } else if (offset.equals("below")) {
        pendingBelow.add(new Object[] {severity, body, isRegex, lineNo, col});
      } else {
        e.add(severity, lineNo + Integer.parseInt(offset), body, isRegex, lineNo, col, diag);
      }
    }
    for (Object[] p : pendingBelow) {
      diag.error(new Location.FileLineCol(file, (Integer) p[3], (Integer) p[4]),
          "expected-* designator '@below' has no line below it");
    }
    return e;
  }

  private void add(Severity severity, int line, String text, boolean isRegex, int at, int col,
      DiagnosticEngine diag) {
    Pattern regex = null;
    if (isRegex) {
      try {
        regex = Pattern.compile(translateRegex(text));
      } catch (RuntimeException ex) {
        diag.error(new Location.FileLineCol(file, at, col), "invalid regex: " + ex.getMessage());
        return;
      }
    }
    expected.add(new Expected(severity, line, text, regex, at, col));
  }

  /** `-re` bodies: literal text with `{{regex}}` parts. */
  private static String translateRegex(String text) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int open = text.indexOf("{{", i);
      if (open < 0) {
        out.append(Pattern.quote(text.substring(i)));
        break;
      }
      out.append(Pattern.quote(text.substring(i, open)));
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        throw new IllegalArgumentException("unterminated '{{'");
      }
      out.append('(').append(text, open + 2, close).append(')');
      i = close + 2;
    }
    return out.toString();
  }

  /**
   * Checks `produced` (with notes flattened) against the annotations; reports each mismatch
   * into `report`. Returns true when they agree.
   */
  public boolean verify(List<Diagnostic> produced, DiagnosticEngine report) {
    List<Diagnostic> all = new ArrayList<>();
    for (Diagnostic d : produced) {
      all.add(d);
      all.addAll(d.notes());
    }
    List<Expected> open = new ArrayList<>(expected);
    boolean ok = true;
    for (Diagnostic d : all) {
      Location.FileLineCol pos = d.location() == null ? null : d.location().filePosition();
      boolean matched = false;
      for (Iterator<Expected> it = open.iterator(); it.hasNext(); ) {
        Expected x = it.next();
        if (x.severity == d.severity() && pos != null && pos.line() == x.line
            && pos.file().equals(file) && matches(x, d.message())) {
          it.remove();
          matched = true;
          break;
        }
      }
      if (!matched) {
        ok = false;
        Location at = pos != null ? pos : new Location.FileLineCol(file, 0, 0);
        report.error(at, "unexpected " + d.severity().label + ": " + d.message());
      }
    }
    for (Expected x : open) {
      ok = false;
      report.error(new Location.FileLineCol(file, x.annotationLine, x.column), "expected "
          + x.severity.label + " \"" + x.text + "\" was not produced");
    }
    return ok;
  }

  private static boolean matches(Expected x, String message) {
    return x.regex != null ? x.regex.matcher(message).find() : message.contains(x.text);
  }
}
