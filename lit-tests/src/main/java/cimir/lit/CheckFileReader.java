package cimir.lit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads a check file into check strings as LLVM's {@code FileCheck::readCheckFile} does: finds
 * prefixes at word starts, decodes the directive suffix, and attaches each run of CHECK-DAG and
 * CHECK-NOT lines to the positive check that follows it (or to an implicit EOF check).
 */
final class CheckFileReader {
  /** A positive check with the DAG/NOT patterns that precede it. */
  record CheckString(CheckPattern pattern, List<CheckPattern> dagNots) {}

  private enum Found { NONE, CHECK, COMMENT, MISSPELLED, BAD_NOT, BAD_COUNT }

  /** The decoded directive: what was found, the kind, its count and where its pattern starts. */
  private record Directive(Found found, CheckPattern.Kind kind, int count, boolean literal, int after) {
    static Directive none() {
      return new Directive(Found.NONE, null, 1, false, -1);
    }
  }

  private final SourceBuffer check;
  private final FileCheckRequest req;
  private final String text;

  private CheckFileReader(SourceBuffer check, FileCheckRequest req) {
    this.check = check;
    this.req = req;
    this.text = check.text();
  }

  /** Reads all check strings of {@code check}; reports bad directives and patterns by throwing. */
  static List<CheckString> read(SourceBuffer check, FileCheckRequest req) throws FileCheckException {
    return new CheckFileReader(check, req).read();
  }

  private List<CheckString> read() throws FileCheckException {
    List<CheckPattern> implicit = implicitNots();
    List<CheckString> strings = new ArrayList<>();
    List<CheckPattern> dagNots = new ArrayList<>(implicit);
    TreeSet<String> notFound = new TreeSet<>(req.checkPrefixes());
    int distinct = notFound.size();
    List<String> prefixes = allPrefixesLongestFirst();
    int pos = 0;
    while (true) {
      int[] at = new int[1];
      String prefix = findDirective(prefixes, pos, at);
      if (prefix == null) {
        break;
      }
      Directive d = directive(at[0], prefix);
      if (d.found() != Found.COMMENT) {
        notFound.remove(prefix);
      }
      rejectBad(d, prefix, at[0]);
      int start = skipLeadingBlanks(d.after());
      int eol = endOfLine(start);
      pos = eol;
      if (d.found() == Found.COMMENT) {
        continue;
      }
      CheckPattern p = new CheckPattern(d.kind(), prefix, check, start, d.count(), d.literal());
      p.parse(text.substring(start, eol), req);
      validatePlacement(p, prefix, at[0], strings.isEmpty());
      if (d.kind() == CheckPattern.Kind.DAG || d.kind() == CheckPattern.Kind.NOT) {
        dagNots.add(p);
      } else {
        strings.add(new CheckString(p, dagNots));
        dagNots = new ArrayList<>(implicit);
      }
    }
    reportMissingPrefixes(notFound, distinct, implicit.isEmpty());
    if (!dagNots.isEmpty()) {
      CheckPattern eof = new CheckPattern(CheckPattern.Kind.EOF, req.checkPrefixes().get(0), check,
          pos, 1, false);
      strings.add(new CheckString(eof, dagNots));
    }
    return strings;
  }

  private List<CheckPattern> implicitNots() throws FileCheckException {
    List<CheckPattern> nots = new ArrayList<>();
    for (String pattern : req.implicitCheckNot()) {
      String head = "-implicit-check-not='";
      SourceBuffer cmd = new SourceBuffer("command line", head + pattern + "'");
      CheckPattern p = new CheckPattern(CheckPattern.Kind.NOT, "IMPLICIT-CHECK", cmd, head.length(), 1,
          false);
      p.parse(pattern, req);
      nots.add(p);
    }
    return nots;
  }

  private List<String> allPrefixesLongestFirst() {
    List<String> all = new ArrayList<>(req.checkPrefixes());
    all.addAll(req.commentPrefixes());
    all.sort(Comparator.comparingInt(String::length).reversed());
    return all;
  }

  /** LLVM's FindFirstMatchingPrefix: the earliest prefix that starts a word and a directive. */
  private String findDirective(List<String> prefixes, int pos, int[] at) {
    while (pos < text.length()) {
      int best = -1;
      String bestPrefix = null;
      for (String p : prefixes) {
        int i = text.indexOf(p, pos);
        if (i >= 0 && (best < 0 || i < best)) {
          best = i;
          bestPrefix = p;
        }
      }
      if (best < 0) {
        return null;
      }
      if ((best == pos || !isPartOfWord(text.charAt(best - 1)))
          && directive(best, bestPrefix).found() != Found.NONE) {
        at[0] = best;
        return bestPrefix;
      }
      pos = best + bestPrefix.length();
      while (pos < text.length() && isPartOfWord(text.charAt(pos))) {
        pos++;
      }
    }
    return null;
  }

  private static boolean isPartOfWord(char c) {
    return Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '_';
  }

  /** LLVM's FindCheckType: decodes what follows a prefix at {@code at}. */
  private Directive directive(int at, String prefix) {
    int p = at + prefix.length();
    if (text.length() - at <= prefix.length()) {
      return Directive.none();
    }
    if (req.commentPrefixes().contains(prefix)) {
      return text.charAt(p) == ':' ? new Directive(Found.COMMENT, null, 1, false, p + 1)
          : Directive.none();
    }
    if (text.charAt(p) == ':' || text.charAt(p) == '{') {
      return modifiers(CheckPattern.Kind.PLAIN, 1, p);
    }
    boolean misspelled = text.charAt(p) == '_';
    if (!misspelled && text.charAt(p) != '-') {
      return Directive.none();
    }
    Directive d = suffix(p + 1);
    if (misspelled && d.found() != Found.NONE) {
      return new Directive(Found.MISSPELLED, d.kind(), 1, false, d.after());
    }
    return d;
  }

  private Directive suffix(int p) {
    if (text.startsWith("COUNT-", p)) {
      return count(p + "COUNT-".length());
    }
    for (String combo : List.of("DAG-NOT:", "NOT-DAG:", "NEXT-NOT:", "NOT-NEXT:", "SAME-NOT:",
        "NOT-SAME:", "EMPTY-NOT:", "NOT-EMPTY:")) {
      if (text.startsWith(combo, p)) {
        return new Directive(Found.BAD_NOT, null, 1, false, p);
      }
    }
    for (CheckPattern.Kind kind : List.of(CheckPattern.Kind.NEXT, CheckPattern.Kind.SAME,
        CheckPattern.Kind.NOT, CheckPattern.Kind.DAG, CheckPattern.Kind.LABEL, CheckPattern.Kind.EMPTY)) {
      if (text.startsWith(kind.name(), p)) {
        return modifiers(kind, 1, p + kind.name().length());
      }
    }
    return Directive.none();
  }

  private Directive count(int p) {
    int end = p;
    while (end < text.length() && Character.isDigit(text.charAt(end)) && end - p < 12) {
      end++;
    }
    Directive bad = new Directive(Found.BAD_COUNT, null, 1, false, end);
    if (end == p) {
      return bad;
    }
    long n = Long.parseLong(text.substring(p, end));
    if (n <= 0 || n > Integer.MAX_VALUE || end >= text.length()
        || (text.charAt(end) != ':' && text.charAt(end) != '{')) {
      return bad;
    }
    return modifiers(CheckPattern.Kind.PLAIN, (int) n, end);
  }

  /** A colon, or a {@code {LITERAL}} modifier list and a colon. */
  private Directive modifiers(CheckPattern.Kind kind, int count, int p) {
    if (p < text.length() && text.charAt(p) == ':') {
      return new Directive(Found.CHECK, kind, count, false, p + 1);
    }
    if (p >= text.length() || text.charAt(p) != '{') {
      return Directive.none();
    }
    while (true) {
      p = skipAllBlanks(p + 1);
      if (!text.startsWith("LITERAL", p)) {
        return Directive.none();
      }
      p = skipAllBlanks(p + "LITERAL".length());
      if (p >= text.length() || text.charAt(p) != ',') {
        break;
      }
    }
    return text.startsWith("}:", p) ? new Directive(Found.CHECK, kind, count, true, p + 2)
        : Directive.none();
  }

  private int skipAllBlanks(int p) {
    while (p < text.length() && " \t\n\r\f\u000b".indexOf(text.charAt(p)) >= 0) {
      p++;
    }
    return p;
  }

  private void rejectBad(Directive d, String prefix, int at) throws FileCheckException {
    switch (d.found()) {
      case MISSPELLED -> throw new FileCheckException(check, at,
          "misspelled directive '" + text.substring(at, d.after()) + "'");
      case BAD_NOT -> throw new FileCheckException(check, d.after(),
          "unsupported -NOT combo on prefix '" + prefix + "'");
      case BAD_COUNT -> throw new FileCheckException(check, d.after(),
          "invalid count in -COUNT specification on prefix '" + prefix + "'");
      default -> { }
    }
  }

  private int skipLeadingBlanks(int p) {
    if (req.strictWhitespace() && req.matchFullLines()) {
      return p;
    }
    while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
      p++;
    }
    return p;
  }

  private int endOfLine(int p) {
    while (p < text.length() && text.charAt(p) != '\n' && text.charAt(p) != '\r') {
      p++;
    }
    return p;
  }

  private void validatePlacement(CheckPattern p, String prefix, int at, boolean first)
      throws FileCheckException {
    if (p.kind == CheckPattern.Kind.LABEL && p.hasVariable()) {
      throw new FileCheckException(check, at,
          "found '" + prefix + "-LABEL:' with variable definition or use");
    }
    boolean relative = p.kind == CheckPattern.Kind.NEXT || p.kind == CheckPattern.Kind.SAME
        || p.kind == CheckPattern.Kind.EMPTY;
    if (relative && first) {
      throw new FileCheckException(check, at, "found '" + prefix + "-" + p.kind.name()
          + "' without previous '" + prefix + ": line");
    }
  }

  private void reportMissingPrefixes(TreeSet<String> notFound, int distinct, boolean noImplicit)
      throws FileCheckException {
    boolean noneFound = notFound.size() == distinct;
    boolean someUnused = !req.allowUnusedPrefixes() && !notFound.isEmpty();
    if ((noneFound || someUnused) && (noImplicit || !req.defaultCheckPrefix())) {
      List<String> quoted = notFound.stream().map(p -> "'" + p + ":'").toList();
      throw new FileCheckException("no check strings found with prefix"
          + (notFound.size() > 1 ? "es " : " ") + String.join(", ", quoted));
    }
  }
}
