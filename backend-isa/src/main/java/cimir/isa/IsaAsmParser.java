package cimir.isa;

import cimir.diag.DiagnosticEngine;
import cimir.dialect.isa.Field;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import cimir.ir.Location;
import cimir.ir.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the assembly {@link IsaAsmPrinter} prints into an `isa.program` op whose instruction
 * ops carry their lines' locations. `;` starts a comment, `# core N` starts a core, any other
 * `#` line is a comment; mnemonics and register prefixes are case-insensitive. Every error is
 * reported as `file:line:col: error: ...`, and parsing goes on at the next line.
 */
public final class IsaAsmParser {
  private static final Pattern CORE_HEADER =
      Pattern.compile("#\\s*core\\s+(\\d{1,9})\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern MNEMONIC = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,19}");

  private final String file;
  private final DiagnosticEngine diag;
  private int line;

  private IsaAsmParser(String file, DiagnosticEngine diag) {
    this.file = file;
    this.diag = diag;
  }

  /** The `isa.program` op of `text`, or null after reporting every error. */
  public static Operation parse(String file, String text, DiagnosticEngine diag) {
    return new IsaAsmParser(file, diag).parse(text);
  }

  private Operation parse(String text) {
    int errorsBefore = diag.errorCount();
    Operation program = IsaProgram.newProgramOp(new Location.FileLineCol(file, 1, 1));
    Map<Integer, Operation> cores = new HashMap<>();
    Operation core = null;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      line = i + 1;
      String source = lines[i];
      int comment = source.indexOf(';');
      String code = comment < 0 ? source : source.substring(0, comment);
      int start = firstNonBlank(code);
      if (start == code.length()) {
        continue;
      }
      String stmt = code.substring(start).stripTrailing();
      if (stmt.startsWith("#")) {
        Matcher m = CORE_HEADER.matcher(stmt);
        if (m.matches()) {
          int id = Integer.parseInt(m.group(1));
          if (cores.containsKey(id)) {
            error(start, "core " + id + " appears twice");
            continue;
          }
          core = IsaProgram.newCoreOp(id, at(start));
          cores.put(id, core);
          program.region(0).entryBlock().append(core);
        }
        continue;
      }
      if (core == null) {
        error(start, "instruction before the first '# core N' header");
        continue;
      }
      IsaInst inst = instruction(code, start);
      if (inst != null) {
        core.region(0).entryBlock().append(inst.toOp(at(start)));
      }
    }
    return diag.errorCount() > errorsBefore ? null : program;
  }

  /** The instruction of `code` starting at column index `start`, or null after an error. */
  private IsaInst instruction(String code, int start) {
    Matcher m = MNEMONIC.matcher(code).region(start, code.length());
    if (!m.lookingAt()) {
      error(start, "expected an instruction mnemonic");
      return null;
    }
    String mnemonic = m.group().toUpperCase(Locale.ROOT);
    Mnemonics.Named named = Mnemonics.lookup(mnemonic);
    if (named == null) {
      error(start, "unknown instruction mnemonic '" + m.group() + "'");
      return null;
    }
    List<Operand> operands = operands(code, m.end());
    if (operands == null) {
      return null;
    }
    Map<String, Long> values = new HashMap<>(named.implied());
    int next = 0;
    Field flags = null;
    for (Field f : named.kind().fields()) {
      if (f.kind() == Field.Kind.FLAGS) {
        flags = f;
        continue;
      }
      if (values.containsKey(f.name())) {
        continue;
      }
      if (next == operands.size()) {
        error(code.stripTrailing().length(), mnemonic + " expects operand '" + f.name()
            + "' (" + describe(f) + ")");
        return null;
      }
      Long value = value(f, operands.get(next++));
      if (value == null) {
        return null;
      }
      values.put(f.name(), value);
    }
    long flagBits = 0;
    for (; next < operands.size(); next++) {
      Operand o = operands.get(next);
      int bit = flags == null ? -1 : flagBit(flags, o.text().toUpperCase(Locale.ROOT));
      if (bit < 0) {
        error(o.column(), flags == null ? mnemonic + " takes no further operand"
            : "expected a flag of " + mnemonic + " (" + String.join(", ",
            flags.flagNames().values().stream().sorted().toList()) + "), found '" + o.text()
            + "'");
        return null;
      }
      flagBits |= 1L << bit;
    }
    if (flags != null) {
      values.put(flags.name(), flagBits);
    }
    return IsaInst.of(named.kind(), values);
  }

  private static int flagBit(Field flags, String name) {
    for (Map.Entry<Integer, String> e : flags.flagNames().entrySet()) {
      if (e.getValue().equals(name)) {
        return e.getKey();
      }
    }
    return -1;
  }

  /** One comma-separated operand and its 0-based column. */
  private record Operand(String text, int column) {}

  private List<Operand> operands(String code, int from) {
    List<Operand> out = new ArrayList<>();
    if (code.substring(from).isBlank()) {
      return out;
    }
    if (!Character.isWhitespace(code.charAt(from))) {
      error(from, "expected a space after the mnemonic");
      return null;
    }
    int begin = from;
    for (int i = from; i <= code.length(); i++) {
      if (i == code.length() || code.charAt(i) == ',') {
        String piece = code.substring(begin, i);
        int lead = firstNonBlank(piece);
        if (lead == piece.length()) {
          error(i, "expected an operand");
          return null;
        }
        out.add(new Operand(piece.strip(), begin + lead));
        begin = i + 1;
      }
    }
    return out;
  }

  private Long value(Field f, Operand o) {
    String text = o.text();
    String digits = text;
    if (f.isRegister()) {
      char prefix = f.kind() == Field.Kind.REGISTER ? 'r' : 's';
      if (text.length() < 2 || Character.toLowerCase(text.charAt(0)) != prefix
          || !text.substring(1).chars().allMatch(Character::isDigit)) {
        error(o.column(), "expected " + describe(f) + " for '" + f.name() + "', found '" + text
            + "'");
        return null;
      }
      digits = text.substring(1);
    } else if (!INTEGER.matcher(text).matches()) {
      error(o.column(), "expected an integer for '" + f.name() + "', found '" + text + "'");
      return null;
    }
    long v;
    try {
      v = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      v = Long.MAX_VALUE;
    }
    String range = f.rangeError(v);
    if (range != null) {
      error(o.column(), "'" + f.name() + "' is " + text + ": " + (f.isRegister()
          ? "expected " + describe(f) : range));
      return null;
    }
    return v;
  }

  private static String describe(Field f) {
    return switch (f.kind()) {
      case REGISTER -> "a general register r0..r31";
      case SPECIAL_REGISTER -> "a special register s0..s31";
      default -> "an integer in " + f.min() + ".." + f.max();
    };
  }

  private static int firstNonBlank(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private Location at(int column) {
    return new Location.FileLineCol(file, line, column + 1);
  }

  private void error(int column, String message) {
    diag.error(at(column), message);
  }
}
