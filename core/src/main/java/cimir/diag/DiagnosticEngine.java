package cimir.diag;

import cimir.ir.Location;
import cimir.ir.Operation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects diagnostics and prints them in MLIR's format: `file:line:col: error: message`, the
 * source line, a caret, then notes.
 */
public final class DiagnosticEngine {
  private final SourceManager sources;
  private final List<Diagnostic> emitted = new ArrayList<>();
  private int errorCount;

  public DiagnosticEngine(SourceManager sources) {
    this.sources = sources;
  }

  public SourceManager sources() {
    return sources;
  }

  public Diagnostic emit(Severity severity, Location at, String message) {
    Diagnostic d = new Diagnostic(severity, at, message);
    emitted.add(d);
    if (severity == Severity.ERROR) {
      errorCount++;
    }
    return d;
  }

  public Diagnostic error(Location at, String message) {
    return emit(Severity.ERROR, at, message);
  }

  public Diagnostic warning(Location at, String message) {
    return emit(Severity.WARNING, at, message);
  }

  public Diagnostic remark(Location at, String message) {
    return emit(Severity.REMARK, at, message);
  }

  /** An error about an operation: `'dialect.op' op message` at the op's location. */
  public Diagnostic opError(Operation op, String message) {
    return error(op.location(), "'" + op.name() + "' op " + message);
  }

  public Diagnostic opWarning(Operation op, String message) {
    return warning(op.location(), "'" + op.name() + "' op " + message);
  }

  public boolean hasErrors() {
    return errorCount > 0;
  }

  public int errorCount() {
    return errorCount;
  }

  public List<Diagnostic> diagnostics() {
    return Collections.unmodifiableList(emitted);
  }

  /** Forgets everything collected so far. */
  public void clear() {
    emitted.clear();
    errorCount = 0;
  }

  /** Prints every collected diagnostic and forgets them. */
  public void flush(PrintStream err) {
    for (Diagnostic d : emitted) {
      print(d, err);
    }
    clear();
  }

  public void print(Diagnostic d, PrintStream err) {
    err.print(format(d));
  }

  /** The text of one diagnostic with its notes, as printed. */
  public String format(Diagnostic d) {
    StringBuilder out = new StringBuilder();
    formatOne(d, out);
    for (Diagnostic n : d.notes()) {
      formatOne(n, out);
    }
    return out.toString();
  }

  private void formatOne(Diagnostic d, StringBuilder out) {
    Location.FileLineCol pos = d.location() == null ? null : d.location().filePosition();
    if (pos != null) {
      out.append(pos.file()).append(':').append(pos.line()).append(':').append(pos.column())
          .append(": ");
    } else if (d.location() != null && d.location().names() != null) {
      out.append(d.location().names()).append(": ");
    } else {
      out.append("<unknown>:0: ");
    }
    out.append(d.severity().label).append(": ").append(d.message()).append('\n');
    if (pos == null) {
      return;
    }
    String line = sources.line(pos.file(), pos.line());
    if (line == null) {
      return;
    }
    out.append(line).append('\n');
    int col = Math.max(1, Math.min(pos.column(), line.length() + 1));
    StringBuilder caret = new StringBuilder();
    for (int i = 0; i < col - 1; i++) {
      caret.append(line.charAt(i) == '\t' ? '\t' : ' ');
    }
    out.append(caret).append("^\n");
  }
}
