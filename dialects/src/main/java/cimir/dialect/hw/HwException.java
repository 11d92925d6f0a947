package cimir.dialect.hw;

import cimir.ir.Location;

/**
 * A hardware description that cannot be used: a bad preset name, file, field or override. The
 * message has MLIR's diagnostic form, `file:line:col: error: detail` for a position in a file,
 * `source: error: detail` otherwise (`--arch-set: error: ...`), and `error: detail` when there
 * is no source at all.
 */
public final class HwException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final int column;
  private final String detail;

  /** A problem at 1-based `line` and `column` of `source` (a file name). */
  public HwException(String source, int line, int column, String detail) {
    super(format(source, line, column, detail));
    this.source = source;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }

  /** A problem with `source` as a whole (a file, `--arch-set`), or with no source when null. */
  public HwException(String source, String detail) {
    this(source, 0, 0, detail);
  }

  private static String format(String source, int line, int column, String detail) {
    String where = source == null ? "" : line > 0 ? source + ":" + line + ":" + column + ": "
        : source + ": ";
    return where + "error: " + detail;
  }

  /** The file (or `--arch-set`, or the preset) the problem is in; null when there is none. */
  public String source() {
    return source;
  }

  /** 1-based line in `source`, or 0 when the problem has no position. */
  public int line() {
    return line;
  }

  /** 1-based column in `source`, or 0 when the problem has no position. */
  public int column() {
    return column;
  }

  /** The message without its position, for a diagnostic emitted elsewhere (at an op). */
  public String detail() {
    return detail;
  }

  /** Where the problem is, for the diagnostic engine; null when there is no source. */
  public Location location() {
    if (source == null) {
      return null;
    }
    return line > 0 ? new Location.FileLineCol(source, line, column)
        : new Location.Name(source, null);
  }
}
