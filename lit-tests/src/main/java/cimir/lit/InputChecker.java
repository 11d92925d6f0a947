package cimir.lit;

import cimir.lit.CheckFileReader.CheckString;
import cimir.lit.CheckPattern.Capture;
import cimir.lit.CheckPattern.Kind;
import cimir.lit.CheckPattern.Match;
import cimir.lit.CheckPattern.Substitution;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches check strings against the input as LLVM's {@code FileCheck::checkInput} does: CHECK-LABEL
 * lines cut the input into blocks first, then each block is checked in order, with CHECK-DAG groups
 * and CHECK-NOT ranges between the surrounding positive matches. Failures print LLVM's diagnostics.
 */
final class InputChecker {
  private static final int FUZZY_WINDOW = 4096;

  private final SourceBuffer input;
  private final String text;
  private final PrintStream err;
  private final boolean enableVarScope;
  private final Map<String, String> vars;

  InputChecker(SourceBuffer input, PrintStream err, FileCheckRequest req) {
    this.input = input;
    this.text = input.text();
    this.err = err;
    this.enableVarScope = req.enableVarScope();
    this.vars = new HashMap<>(req.defines());
  }

  /** Runs all checks; true when the input matches. */
  boolean check(List<CheckString> strings) {
    boolean failed = false;
    int bufferStart = 0;
    int i = 0;
    int j = 0;
    int e = strings.size();
    while (true) {
      int regionStart = bufferStart;
      int regionEnd = text.length();
      if (j < e) {
        CheckString label = strings.get(j);
        if (label.pattern().kind != Kind.LABEL) {
          j++;
          continue;
        }
        int[] len = new int[1];
        int at = check(label, bufferStart, text.length(), true, len);
        if (at < 0) {
          return false;
        }
        regionEnd = at + len[0];
        bufferStart = regionEnd;
        j++;
      }
      if (i != 0 && enableVarScope) {
        vars.keySet().removeIf(name -> !name.startsWith("$"));
      }
      for (; i != j; i++) {
        int[] len = new int[1];
        int at = check(strings.get(i), regionStart, regionEnd, false, len);
        if (at < 0) {
          failed = true;
          i = j;
          break;
        }
        regionStart = at + len[0];
      }
      if (j == e) {
        return !failed;
      }
    }
  }

  /** LLVM's FileCheckString::Check: returns the match position (length in {@code len}) or -1. */
  private int check(CheckString cs, int start, int end, boolean labelScan, int[] len) {
    CheckPattern pat = cs.pattern();
    int lastPos = start;
    List<CheckPattern> nots = new ArrayList<>();
    if (!labelScan) {
      lastPos = checkDag(cs, start, end, nots);
      if (lastPos < 0) {
        return -1;
      }
    }
    int lastMatchEnd = lastPos;
    int firstMatchPos = 0;
    for (int n = 1; n <= pat.count; n++) {
      Match m = expect(pat, n, lastMatchEnd, end);
      if (m == null) {
        return -1;
      }
      if (n == 1) {
        firstMatchPos = m.pos();
      }
      lastMatchEnd = m.pos() + m.len();
    }
    len[0] = lastMatchEnd - firstMatchPos;
    if (!labelScan && (checkNext(cs, lastPos, firstMatchPos) || checkSame(cs, lastPos, firstMatchPos)
        || checkNot(lastPos, firstMatchPos, nots))) {
      return -1;
    }
    return firstMatchPos;
  }

  /** Matches {@code pat} in [from, end); reports and returns null when it is not found. */
  private Match expect(CheckPattern pat, int matchedCount, int from, int end) {
    try {
      Match m = pat.match(text, from, end, vars);
      if (m == null) {
        reportNotFound(pat, matchedCount, from, end, List.of());
      }
      return m;
    } catch (CheckPattern.UndefinedVariables u) {
      reportNotFound(pat, matchedCount, from, end, u.names);
      return null;
    }
  }

  /** LLVM's CheckDag: matches DAG groups, checks the NOTs before each; returns the end or -1. */
  private int checkDag(CheckString cs, int start, int end, List<CheckPattern> nots) {
    List<CheckPattern> dagNots = cs.dagNots();
    int startPos = start;
    List<int[]> ranges = new ArrayList<>();
    for (int k = 0; k < dagNots.size(); k++) {
      CheckPattern pat = dagNots.get(k);
      if (pat.kind == Kind.NOT) {
        nots.add(pat);
        continue;
      }
      if (!matchDag(pat, startPos, end, ranges)) {
        return -1;
      }
      boolean groupEnds = k + 1 == dagNots.size() || dagNots.get(k + 1).kind == Kind.NOT;
      if (groupEnds) {
        if (!nots.isEmpty()) {
          if (checkNot(startPos, ranges.get(0)[0], nots)) {
            return -1;
          }
          nots.clear();
        }
        startPos = ranges.get(ranges.size() - 1)[1];
        ranges.clear();
      }
    }
    return startPos;
  }

  /** Finds a match of a DAG pattern that overlaps no earlier match of its group. */
  private boolean matchDag(CheckPattern pat, int startPos, int end, List<int[]> ranges) {
    int matchPos = startPos;
    int mi = 0;
    while (true) {
      Match m = expect(pat, 1, matchPos, end);
      if (m == null) {
        return false;
      }
      int[] range = {m.pos(), m.pos() + m.len()};
      boolean overlap = false;
      for (; mi < ranges.size(); mi++) {
        if (range[0] < ranges.get(mi)[1]) {
          overlap = ranges.get(mi)[0] < range[1];
          break;
        }
      }
      if (!overlap) {
        ranges.add(mi, range);
        return true;
      }
      matchPos = ranges.get(mi)[1];
      mi++;
    }
  }

  /** Reports every CHECK-NOT pattern found in [start, end); true if any was. */
  private boolean checkNot(int start, int end, List<CheckPattern> nots) {
    boolean failed = false;
    for (CheckPattern pat : nots) {
      try {
        Match m = pat.match(text, start, end, vars);
        if (m != null) {
          reportExcluded(pat, m);
          failed = true;
        }
      } catch (CheckPattern.UndefinedVariables u) {
        reportUndefined(u.names);
        failed = true;
      }
    }
    return failed;
  }

  private boolean checkNext(CheckString cs, int start, int end) {
    Kind kind = cs.pattern().kind;
    if (kind != Kind.NEXT && kind != Kind.EMPTY) {
      return false;
    }
    String name = cs.pattern().prefix + (kind == Kind.EMPTY ? "-EMPTY" : "-NEXT");
    int[] firstNewline = new int[1];
    int newlines = countNewlines(start, end, firstNewline);
    if (newlines == 1) {
      return false;
    }
    CheckPattern pat = cs.pattern();
    pat.buffer.print(err, pat.loc, "error", name + (newlines == 0
        ? ": is on the same line as previous match"
        : ": is not on the line after the previous match"));
    input.print(err, end, "note", "'next' match was here");
    input.print(err, start, "note", "previous match ended here");
    if (newlines > 1) {
      input.print(err, firstNewline[0], "note", "non-matching line after previous match is here");
    }
    return true;
  }

  private boolean checkSame(CheckString cs, int start, int end) {
    CheckPattern pat = cs.pattern();
    if (pat.kind != Kind.SAME || countNewlines(start, end, new int[1]) == 0) {
      return false;
    }
    pat.buffer.print(err, pat.loc, "error",
        pat.prefix + "-SAME: is not on the same line as the previous match");
    input.print(err, end, "note", "'next' match was here");
    input.print(err, start, "note", "previous match ended here");
    return true;
  }

  /** Counts newlines in [start, end), a "\r\n" or "\n\r" pair counting once. */
  private int countNewlines(int start, int end, int[] firstNewline) {
    int count = 0;
    int i = start;
    while (true) {
      while (i < end && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
        i++;
      }
      if (i >= end) {
        return count;
      }
      count++;
      if (i + 1 < end && (text.charAt(i + 1) == '\n' || text.charAt(i + 1) == '\r')
          && text.charAt(i) != text.charAt(i + 1)) {
        i++;
      }
      i++;
      if (count == 1) {
        firstNewline[0] = i;
      }
    }
  }

  private void reportNotFound(CheckPattern pat, int matchedCount, int from, int end,
      List<Substitution> undefined) {
    if (undefined.isEmpty()) {
      String count = pat.count > 1 ? " (" + matchedCount + " out of " + pat.count + ")" : "";
      pat.buffer.print(err, pat.loc, "error",
          pat.description() + ": expected string not found in input" + count);
      input.print(err, from, "note", "scanning from here");
    } else {
      reportUndefined(undefined);
    }
    printSubstitutions(pat, from);
    printFuzzyMatch(pat, from, end);
  }

  private void reportUndefined(List<Substitution> undefined) {
    for (Substitution s : undefined) {
      s.buffer().print(err, s.loc(), "error", "undefined variable: " + s.name());
    }
  }

  private void reportExcluded(CheckPattern pat, Match m) {
    pat.buffer.print(err, pat.loc, "error", pat.description() + ": excluded string found in input");
    input.print(err, m.pos(), "note", "found here", m.pos(), m.pos() + m.len());
    printSubstitutions(pat, m.pos());
    List<Capture> captures = new ArrayList<>(m.captures());
    captures.sort(Comparator.comparingInt(Capture::start));
    for (Capture c : captures) {
      input.print(err, c.start(), "note", "captured var \"" + c.name() + "\"", c.start(), c.end());
    }
  }

  private void printSubstitutions(CheckPattern pat, int at) {
    for (Substitution s : pat.substitutions()) {
      String value = vars.get(s.name());
      if (value != null) {
        input.print(err, at, "note", "with \"" + s.name() + "\" equal to " + quoted(value));
      }
    }
  }

  private static String quoted(String value) {
    boolean escape = value.chars().anyMatch(c -> c < 0x20 || c >= 0x7f || c == '"');
    if (!escape) {
      return "\"" + value + "\"";
    }
    StringBuilder sb = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '"' -> sb.append("\\\"");
        default -> sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c)
            : String.format("\\%03o", (int) c));
      }
    }
    return sb.append("\" (escaped value)").toString();
  }

  /** LLVM's printFuzzyMatch: the nearby spot with the least edit distance to the pattern. */
  private void printFuzzyMatch(CheckPattern pat, int from, int end) {
    String example = pat.example();
    int window = Math.min(FUZZY_WINDOW, end - from);
    if ((long) FUZZY_WINDOW * 2048 < (long) window * example.length()) {
      return;
    }
    int linesForward = 0;
    int best = -1;
    double bestQuality = 0;
    for (int i = 0; i < window; i++) {
      char c = text.charAt(from + i);
      if (c == '\n') {
        linesForward++;
      }
      if (c == ' ' || c == '\t') {
        continue;
      }
      String candidate = text.substring(from + i, Math.min(end, from + i + example.length()));
      int newline = candidate.indexOf('\n');
      if (newline >= 0) {
        candidate = candidate.substring(0, newline);
      }
      double quality = editDistance(candidate, example) + linesForward / 100.0;
      if (quality < bestQuality || best < 0) {
        best = i;
        bestQuality = quality;
      }
    }
    if (best > 0 && bestQuality < 50) {
      input.print(err, from + best, "note", "possible intended match here");
    }
  }

  private static int editDistance(String a, String b) {
    int[] row = new int[b.length() + 1];
    for (int k = 0; k <= b.length(); k++) {
      row[k] = k;
    }
    for (int x = 1; x <= a.length(); x++) {
      int diagonal = row[0];
      row[0] = x;
      for (int y = 1; y <= b.length(); y++) {
        int above = row[y];
        int replace = diagonal + (a.charAt(x - 1) == b.charAt(y - 1) ? 0 : 1);
        row[y] = Math.min(replace, Math.min(row[y - 1], above) + 1);
        diagonal = above;
      }
    }
    return row[b.length()];
  }
}
