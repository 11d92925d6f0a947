package cimir.lit;

import java.util.Map;

/**
 * Translates a POSIX extended regular expression, as LLVM's {@code Regex} reads it with
 * {@code REG_NEWLINE}, into an equivalent {@link java.util.regex.Pattern} source.
 *
 * <p>Compile the result with {@code MULTILINE | UNIX_LINES}. Capturing groups keep their numbers,
 * so {@code \1} and FileCheck's variable groups line up. LLVM quirks kept: a backslash makes the
 * next character literal ({@code \d} is {@code d}), backslashes are literal inside brackets,
 * a repetition operator may not follow another one ({@code .*?} is rejected).
 */
final class PosixEre {
  /** A regex LLVM would reject, or a construct this translation does not support. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message);
    }
  }

  /**
   * The translated expression, its number of capturing groups, whether Java's first match may be
   * shorter than POSIX's longest one (alternation, repeated group), and whether it can match a
   * newline.
   */
  record Translation(String javaRegex, int groups, boolean irregular, boolean multiline) {}

  private static final Map<String, String> CLASSES = Map.ofEntries(
      Map.entry("alpha", "a-zA-Z"), Map.entry("digit", "0-9"), Map.entry("alnum", "a-zA-Z0-9"),
      Map.entry("upper", "A-Z"), Map.entry("lower", "a-z"), Map.entry("space", " \\t\\n\\r\\f\\x0B"),
      Map.entry("blank", " \\t"), Map.entry("punct", "\\p{Punct}"), Map.entry("xdigit", "0-9A-Fa-f"),
      Map.entry("cntrl", "\\x00-\\x1F\\x7F"), Map.entry("print", "\\x20-\\x7E"),
      Map.entry("graph", "\\x21-\\x7E"));

  private static final int DUP_MAX = 255;

  private final String src;
  private final StringBuilder out = new StringBuilder();
  private int pos;
  private int groups;
  private boolean irregular;
  private boolean multiline;

  private PosixEre(String src) {
    this.src = src;
  }

  /** Translates {@code ere}; throws with LLVM's message for what LLVM rejects. */
  static Translation translate(String ere) throws SyntaxError {
    PosixEre t = new PosixEre(ere);
    t.alternation(0);
    if (t.pos < ere.length()) {
      throw new SyntaxError("parentheses not balanced");
    }
    return new Translation(t.out.toString(), t.groups, t.irregular, t.multiline);
  }

  /** alternation := branch ('|' branch)*, each branch non-empty. */
  private void alternation(int depth) throws SyntaxError {
    branch();
    while (pos < src.length() && src.charAt(pos) == '|') {
      irregular = true;
      out.append('|');
      pos++;
      branch();
    }
    if (depth == 0 && pos < src.length() && src.charAt(pos) == ')') {
      throw new SyntaxError("parentheses not balanced");
    }
  }

  private void branch() throws SyntaxError {
    int atoms = 0;
    while (pos < src.length() && src.charAt(pos) != '|' && src.charAt(pos) != ')') {
      boolean caret = src.charAt(pos) == '^';
      boolean group = src.charAt(pos) == '(';
      atom();
      repetitions(caret, group);
      atoms++;
    }
    if (atoms == 0) {
      throw new SyntaxError("empty (sub)expression");
    }
  }

  private void atom() throws SyntaxError {
    char c = src.charAt(pos++);
    switch (c) {
      case '(' -> {
        groups++;
        out.append('(');
        if (pos < src.length() && src.charAt(pos) == ')') {
          throw new SyntaxError("empty (sub)expression");
        }
        alternation(1);
        if (pos >= src.length()) {
          throw new SyntaxError("parentheses not balanced");
        }
        pos++;
        out.append(')');
      }
      case '*', '+', '?' -> throw new SyntaxError("repetition-operator operand invalid");
      case '{' -> {
        if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
          throw new SyntaxError("repetition-operator operand invalid");
        }
        out.append("\\{");
      }
      case '\\' -> escape();
      case '[' -> bracket();
      case '.', '^', '$' -> out.append(c);
      default -> literal(out, c);
    }
  }

  private void escape() throws SyntaxError {
    if (pos >= src.length()) {
      throw new SyntaxError("trailing backslash (\\)");
    }
    char c = src.charAt(pos++);
    if (c >= '1' && c <= '9') {
      out.append("(?:\\").append(c).append(')');
    } else {
      literal(out, c);
    }
  }

  /** Appends {@code c} as a Java regex literal. */
  static void literal(StringBuilder sb, char c) {
    if (Character.isLetterOrDigit(c) || c == ' ' || c > 0x7e) {
      sb.append(c);
    } else if (c == '\n') {
      sb.append("\\n");
    } else if (c == '\t') {
      sb.append("\\t");
    } else if (c < 0x20 || c == 0x7f) {
      sb.append(String.format("\\x%02X", (int) c));
    } else {
      sb.append('\\').append(c);
    }
  }

  private boolean atRepetition() {
    if (pos >= src.length()) {
      return false;
    }
    char c = src.charAt(pos);
    return c == '*' || c == '+' || c == '?'
        || (c == '{' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1)));
  }

  /** One optional repetition operator; a second one is an error, as in LLVM. */
  private void repetitions(boolean afterCaret, boolean afterGroup) throws SyntaxError {
    if (!atRepetition()) {
      return;
    }
    if (afterCaret) {
      throw new SyntaxError("repetition-operator operand invalid");
    }
    irregular |= afterGroup;
    char c = src.charAt(pos++);
    if (c == '{') {
      bound();
    } else {
      out.append(c);
    }
    if (atRepetition()) {
      throw new SyntaxError("repetition-operator operand invalid");
    }
  }

  private void bound() throws SyntaxError {
    int min = number();
    int max = min;
    if (pos < src.length() && src.charAt(pos) == ',') {
      pos++;
      max = pos < src.length() && Character.isDigit(src.charAt(pos)) ? number() : -1;
    }
    if (pos >= src.length() || src.charAt(pos) != '}') {
      throw new SyntaxError("braces not balanced");
    }
    pos++;
    if (min > DUP_MAX || max > DUP_MAX || (max >= 0 && max < min)) {
      throw new SyntaxError("invalid repetition count(s)");
    }
    out.append('{').append(min).append(max == min ? "" : ",").append(max > min ? max : "").append('}');
  }

  private int number() {
    int start = pos;
    while (pos < src.length() && Character.isDigit(src.charAt(pos)) && pos - start < 6) {
      pos++;
    }
    return Integer.parseInt(src.substring(start, pos));
  }

  /** A bracket expression; newlines never match a negated one (REG_NEWLINE). */
  private void bracket() throws SyntaxError {
    StringBuilder cls = new StringBuilder("[");
    boolean negated = pos < src.length() && src.charAt(pos) == '^';
    if (negated) {
      pos++;
      cls.append('^');
    }
    boolean first = true;
    while (true) {
      if (pos >= src.length()) {
        throw new SyntaxError("brackets ([ ]) not balanced");
      }
      char c = src.charAt(pos);
      if (c == ']' && !first) {
        pos++;
        break;
      }
      first = false;
      if (c == '[' && pos + 1 < src.length() && ".=:".indexOf(src.charAt(pos + 1)) >= 0) {
        bracketSpecial(cls);
        continue;
      }
      pos++;
      if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
        char end = src.charAt(pos + 1);
        if (end < c) {
          throw new SyntaxError("invalid character range");
        }
        pos += 2;
        literal(cls, c);
        cls.append('-');
        literal(cls, end);
      } else {
        literal(cls, c);
      }
    }
    out.append(cls).append(negated ? "\\n]" : "]");
  }

  private void bracketSpecial(StringBuilder cls) throws SyntaxError {
    char kind = src.charAt(pos + 1);
    int close = src.indexOf(kind + "]", pos + 2);
    if (close < 0) {
      throw new SyntaxError("brackets ([ ]) not balanced");
    }
    String name = src.substring(pos + 2, close);
    pos = close + 2;
    if (kind != ':') {
      throw new SyntaxError("unsupported: collating element or equivalence class '[" + kind + name
          + kind + "]' (cimir FileCheck)");
    }
    String translated = CLASSES.get(name);
    if (translated == null) {
      throw new SyntaxError("invalid character class");
    }
    multiline |= name.equals("space");
    cls.append(translated);
  }
}
