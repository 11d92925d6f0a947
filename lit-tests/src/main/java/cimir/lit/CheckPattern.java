package cimir.lit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One FileCheck pattern: a fixed string, or a regex assembled from literal text, {@code {{regex}}},
 * {@code [[VAR:regex]]} definitions and {@code [[VAR]]} uses, as LLVM's {@code Pattern::parsePattern}
 * builds it. Matching mimics LLVM's POSIX leftmost-longest rule.
 */
final class CheckPattern {
  /** The directive kinds; EOF is the implicit end-of-input check carrying trailing DAG/NOTs. */
  enum Kind { PLAIN, NEXT, SAME, NOT, DAG, LABEL, EMPTY, EOF }

  /** A match: absolute position and length in the input, plus captured variables. */
  record Match(int pos, int len, List<Capture> captures) {}

  /** A captured variable and where in the input its value lies. */
  record Capture(String name, int start, int end) {}

  /** A use of a variable defined by an earlier pattern, resolved at match time. */
  record Substitution(String name, SourceBuffer buffer, int loc) {}

  private static final int BACKREF_LIMIT = 20;
  private static final Pattern LINE_EXPR = Pattern.compile("@LINE\\s*(?:([+-])\\s*(\\d+))?\\s*");
  private static final String LLVM_SPECIAL = "()^$|*+?.[]\\{}";

  final Kind kind;
  final String prefix;
  final SourceBuffer buffer;
  final int loc;
  final int count;
  final boolean literal;

  private String fixed;
  private final StringBuilder llvmRegex = new StringBuilder();
  private final List<Object> javaPieces = new ArrayList<>();
  private final Map<String, Integer> varDefs = new LinkedHashMap<>();
  private final List<Substitution> substitutions = new ArrayList<>();
  private boolean irregular;
  private boolean multiline;
  private Pattern compiled;

  CheckPattern(Kind kind, String prefix, SourceBuffer buffer, int loc, int count, boolean literal) {
    this.kind = kind;
    this.prefix = prefix;
    this.buffer = buffer;
    this.loc = loc;
    this.count = count;
    this.literal = literal;
  }

  /** LLVM's name for the directive, e.g. {@code CHECK-NEXT} or {@code CHECK-COUNT}. */
  String description() {
    String modifiers = literal ? "{LITERAL}" : "";
    return switch (kind) {
      case PLAIN -> prefix + (count > 1 ? "-COUNT" : "") + modifiers;
      case EOF -> "implicit EOF";
      default -> prefix + "-" + kind.name() + modifiers;
    };
  }

  boolean hasVariable() {
    return !varDefs.isEmpty() || !substitutions.isEmpty();
  }

  List<Substitution> substitutions() {
    return substitutions;
  }

  /** Parses the pattern text that starts at {@link #loc} in the check buffer. */
  void parse(String text, FileCheckRequest req) throws FileCheckException {
    boolean fullLines = req.matchFullLines() && kind != Kind.NOT;
    if (!(req.strictWhitespace() && req.matchFullLines())) {
      text = stripTrailingBlanks(text);
    }
    if (text.isEmpty() && kind != Kind.EMPTY) {
      throw error(0, "found empty check string with prefix '" + prefix + ":'");
    }
    if (!text.isEmpty() && kind == Kind.EMPTY) {
      throw error(0, "found non-empty check string for empty check with prefix '" + prefix + ":'");
    }
    if (kind == Kind.EMPTY) {
      llvmRegex.append("(\n$)");
      javaPieces.add("(\\n$)");
      multiline = true;
    } else if (literal || (!fullLines && (text.length() < 2
        || (!text.contains("{{") && !text.contains("[["))))) {
      fixed = text;
    } else {
      parseRegex(text, fullLines, req.strictWhitespace());
    }
  }

  private static String stripTrailingBlanks(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(0, end);
  }

  private void parseRegex(String text, boolean fullLines, boolean strict) throws FileCheckException {
    if (fullLines) {
      appendRegex(strict ? "^" : "^ *", strict ? "^" : "^ *");
    }
    int[] paren = {1};
    int p = 0;
    while (p < text.length()) {
      if (text.startsWith("{{", p)) {
        p = parseRegexBlock(text, p, paren);
      } else if (text.startsWith("[[", p) && !text.startsWith("[[[", p)) {
        p = parseVariableBlock(text, p, paren);
      } else {
        int end = minFound(text.indexOf("{{", p + 1), text.indexOf("[[", p + 1), text.length());
        appendFixed(text.substring(p, end));
        p = end;
      }
    }
    if (fullLines) {
      appendRegex(strict ? "$" : " *$", strict ? "$" : " *$");
    }
  }

  private static int minFound(int a, int b, int none) {
    return Math.min(a < 0 ? none : a, b < 0 ? none : b);
  }

  private int parseRegexBlock(String text, int p, int[] paren) throws FileCheckException {
    int end = text.indexOf("}}", p);
    if (end < 0) {
      throw error(p, "found start of regex string with no end '}}'");
    }
    boolean alternation = text.indexOf('|', p) >= 0;
    if (alternation) {
      appendRegex("(", "(");
      paren[0]++;
    }
    addRegex(text.substring(p + 2, end), p + 2, paren);
    if (alternation) {
      appendRegex(")", ")");
    }
    return end + 2;
  }

  private void addRegex(String ere, int offset, int[] paren) throws FileCheckException {
    try {
      PosixEre.Translation t = PosixEre.translate(ere);
      appendRegex(ere, t.javaRegex());
      paren[0] += t.groups();
      irregular |= t.irregular();
      multiline |= t.multiline();
    } catch (PosixEre.SyntaxError e) {
      throw error(offset, "invalid regex: " + e.getMessage());
    }
  }

  private int parseVariableBlock(String text, int p, int[] paren) throws FileCheckException {
    int start = p + 2;
    int end = findVarEnd(text, start);
    if (end < 0) {
      throw error(p, "Invalid substitution block, no ]] found");
    }
    String block = text.substring(start, end);
    java.util.regex.Matcher line = LINE_EXPR.matcher(block);
    if (line.matches()) {
      // [[@LINE]], [[@LINE+N]], [[@LINE-N]]: the check line's number, as literal text.
      int offset = line.group(1) == null ? 0 : Integer.parseInt(line.group(2).strip())
          * (line.group(1).equals("-") ? -1 : 1);
      appendFixed(Integer.toString(buffer.line(loc) + offset));
      return end + 2;
    }
    if (block.startsWith("#") || block.startsWith("@")) {
      throw error(start, "unsupported: numeric substitution block '[[" + block
          + "]]' (cimir FileCheck supports string variables only)");
    }
    int colon = block.indexOf(':');
    String namePart = colon < 0 ? block : block.substring(0, colon);
    int space = firstBlank(namePart);
    if (space >= 0) {
      throw error(start + space, "unexpected whitespace");
    }
    String name = parseVariableName(block, start);
    String rest = block.substring(name.length());
    if (colon >= 0) {
      if (!rest.startsWith(":")) {
        throw error(start, "invalid name in string variable definition");
      }
      defineVariable(name, rest.substring(1), start + name.length() + 1, paren);
    } else if (!rest.isEmpty()) {
      throw error(start, "invalid name in string variable use");
    } else {
      useVariable(name, start);
    }
    return end + 2;
  }

  private static int firstBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
        return i;
      }
    }
    return -1;
  }

  private String parseVariableName(String block, int start) throws FileCheckException {
    if (block.isEmpty()) {
      throw error(start, "empty variable name", true);
    }
    int i = block.charAt(0) == '$' ? 1 : 0;
    if (i == block.length()) {
      throw error(start + i, "empty global variable name", true);
    }
    char first = block.charAt(i);
    if (first != '_' && !isAsciiLetter(first)) {
      throw error(start, "invalid variable name", true);
    }
    i++;
    while (i < block.length() && (block.charAt(i) == '_' || isAsciiLetterOrDigit(block.charAt(i)))) {
      i++;
    }
    return block.substring(0, i);
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return isAsciiLetter(c) || (c >= '0' && c <= '9');
  }

  private void defineVariable(String name, String ere, int ereOffset, int[] paren)
      throws FileCheckException {
    appendRegex("(", "(");
    varDefs.put(name, paren[0]++);
    if (!ere.isEmpty()) {
      addRegex(ere, ereOffset, paren);
    }
    appendRegex(")", ")");
  }

  private void useVariable(String name, int offset) throws FileCheckException {
    Integer group = varDefs.get(name);
    if (group == null) {
      substitutions.add(new Substitution(name, buffer, loc + offset));
      javaPieces.add(substitutions.get(substitutions.size() - 1));
    } else if (group > BACKREF_LIMIT) {
      throw error(offset, "Can't back-reference more than " + BACKREF_LIMIT + " variables");
    } else {
      appendRegex(group <= 9 ? "\\" + group : "\\g{" + group + "}", "(?:\\" + group + ")");
    }
  }

  /** LLVM's FindRegexVarEnd: the offset of the closing "]]", skipping nested brackets. */
  private int findVarEnd(String text, int from) throws FileCheckException {
    int depth = 0;
    int i = from;
    while (i < text.length()) {
      if (text.startsWith("]]", i) && depth == 0) {
        return i;
      }
      char c = text.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        if (depth == 0) {
          throw error(i, "missing closing \"]\" for regex variable");
        }
        depth--;
      }
      i++;
    }
    return -1;
  }

  private void appendFixed(String s) {
    StringBuilder llvm = new StringBuilder();
    StringBuilder java = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (LLVM_SPECIAL.indexOf(c) >= 0) {
        llvm.append('\\');
      }
      llvm.append(c);
      PosixEre.literal(java, c);
    }
    appendRegex(llvm.toString(), java.toString());
  }

  private void appendRegex(String llvm, String java) {
    llvmRegex.append(llvm);
    javaPieces.add(java);
  }

  private FileCheckException error(int offset, String message) {
    return error(offset, message, false);
  }

  private FileCheckException error(int offset, String message, boolean blankLineAfter) {
    return new FileCheckException(buffer, loc + offset, message, blankLineAfter);
  }

  /**
   * Finds the first match in [from, to) of {@code text}, or null. Throws {@link UndefinedVariables}
   * when the pattern uses a variable without a value.
   */
  Match match(String text, int from, int to, Map<String, String> vars) throws UndefinedVariables {
    if (kind == Kind.EOF) {
      return new Match(to, 0, List.of());
    }
    if (fixed != null) {
      int at = text.indexOf(fixed, from);
      return at < 0 || at + fixed.length() > to ? null : new Match(at, fixed.length(), List.of());
    }
    Matcher m = regex(vars).matcher(text);
    m.region(from, to);
    if (!m.find()) {
      return null;
    }
    if (irregular) {
      m = longest(m, to, text);
    }
    List<Capture> captures = new ArrayList<>();
    for (Map.Entry<String, Integer> def : varDefs.entrySet()) {
      int g = def.getValue();
      String value = m.group(g) == null ? "" : m.group(g);
      vars.put(def.getKey(), value);
      captures.add(new Capture(def.getKey(), Math.max(m.start(g), m.start()), Math.max(m.end(g), m.start())));
    }
    int skip = kind == Kind.EMPTY ? 1 : 0;
    return new Match(m.start() + skip, m.end() - m.start() - skip, captures);
  }

  /** POSIX wants the longest match at the leftmost start; Java's backtracking may stop short. */
  private Matcher longest(Matcher m, int to, String text) {
    int start = m.start();
    int best = m.end();
    int newline = text.indexOf('\n', best);
    int limit = multiline || newline < 0 ? to : Math.min(to, newline);
    Matcher probe = m.pattern().matcher(text);
    for (int e = best + 1; e <= limit; e++) {
      probe.region(start, e);
      if (probe.matches()) {
        best = e;
      }
    }
    Matcher result = m.pattern().matcher(text);
    result.region(start, best);
    result.matches();
    return result;
  }

  private Pattern regex(Map<String, String> vars) throws UndefinedVariables {
    if (substitutions.isEmpty()) {
      if (compiled == null) {
        compiled = compile(String.join("", javaPieces.stream().map(Object::toString).toList()));
      }
      return compiled;
    }
    List<Substitution> undefined = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (Object piece : javaPieces) {
      if (piece instanceof Substitution s) {
        String value = vars.get(s.name());
        if (value == null) {
          undefined.add(s);
          continue;
        }
        for (char c : value.toCharArray()) {
          PosixEre.literal(sb, c);
        }
      } else {
        sb.append(piece);
      }
    }
    if (!undefined.isEmpty()) {
      throw new UndefinedVariables(undefined);
    }
    return compile(sb.toString());
  }

  private static Pattern compile(String javaRegex) {
    return Pattern.compile(javaRegex, Pattern.MULTILINE | Pattern.UNIX_LINES);
  }

  /** The text FileCheck compares with the input to suggest a "possible intended match". */
  String example() {
    return fixed != null ? fixed : llvmRegex.toString();
  }

  /** Thrown by {@link #match} when variables used by the pattern have no value. */
  static final class UndefinedVariables extends Exception {
    private static final long serialVersionUID = 1L;
    final transient List<Substitution> names;

    UndefinedVariables(List<Substitution> names) {
      super("undefined variables");
      this.names = names;
    }
  }
}
