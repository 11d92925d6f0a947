package cimir.lit;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A named text buffer that prints diagnostics the way LLVM's {@code SourceMgr} does:
 * {@code name:line:col: kind: message}, the source line, then a caret line with {@code ~} ranges.
 * Text is held one char per byte (ISO-8859-1), so columns count bytes as in LLVM.
 */
record SourceBuffer(String name, String text) {
  private static final int TAB_STOP = 8;

  /** The 1-based line of {@code pos}. */
  int line(int pos) {
    int line = 1;
    for (int i = 0; i < pos && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private int lineStart(int pos) {
    int start = Math.min(pos, text.length());
    while (start > 0 && text.charAt(start - 1) != '\n' && text.charAt(start - 1) != '\r') {
      start--;
    }
    return start;
  }

  private int lineEnd(int pos) {
    int end = Math.min(pos, text.length());
    while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
      end++;
    }
    return end;
  }

  /** Prints a message at {@code pos}, underlining [rangeStart, rangeEnd) on the same line. */
  void print(PrintStream err, int pos, String kind, String message, int rangeStart, int rangeEnd) {
    int start = lineStart(pos);
    int end = lineEnd(pos);
    String lineText = text.substring(start, end);
    int col = pos - start;
    StringBuilder caret = new StringBuilder(" ".repeat(lineText.length() + 1));
    for (int i = Math.max(rangeStart, start); i < Math.min(rangeEnd, end); i++) {
      caret.setCharAt(i - start, '~');
    }
    caret.setCharAt(Math.min(col, lineText.length()), '^');
    String caretLine = caret.toString().stripTrailing();
    String header = name + ":" + line(pos) + ":" + (col + 1) + ": " + kind + ": " + message;
    write(err, header + "\n" + expandTabs(lineText, lineText, false) + "\n"
        + expandTabs(caretLine, lineText, true) + "\n");
  }

  /** Prints a message at {@code pos} with a bare caret. */
  void print(PrintStream err, int pos, String kind, String message) {
    print(err, pos, kind, message, pos, pos);
  }

  /** Expands the tabs of {@code source} in {@code shown}: spaces, or the caret line's char. */
  private static String expandTabs(String shown, String source, boolean caretLine) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (i >= source.length() || source.charAt(i) != '\t') {
        sb.append(c);
        continue;
      }
      char fill = caretLine ? c : ' ';
      do {
        sb.append(fill);
      } while (sb.length() % TAB_STOP != 0);
    }
    return sb.toString();
  }

  /** Writes {@code s} byte for byte (one char per byte). */
  static void write(PrintStream err, String s) {
    err.write(s.getBytes(StandardCharsets.ISO_8859_1), 0, s.length());
    err.flush();
  }
}
