package cimir.lit;

import java.util.ArrayList;
import java.util.List;

/**
 * The small shell language of RUN lines: words with single and double quotes and backslashes,
 * pipelines with {@code |}, lists with {@code &&} and {@code ;}, redirections {@code < > >> 2> 2>&1},
 * and the {@code not} prefix.
 */
final class ShellCommand {
  private ShellCommand() {}

  /** Where a command's output descriptor goes: the pipe (or log), the log of stderr, or a file. */
  record Target(Kind kind, String file, boolean append) {
    enum Kind { STDOUT, STDERR, FILE }

    static final Target STDOUT = new Target(Kind.STDOUT, null, false);
    static final Target STDERR = new Target(Kind.STDERR, null, false);
  }

  /**
   * One command of a pipeline. {@code negations} counts leading {@code not}s; redirections are
   * applied left to right, so {@code 2>&1 >f} sends stderr to the pipe and stdout to f.
   */
  record Command(List<String> argv, int negations, String stdinFile, Target stdout, Target stderr) {
    String name() {
      return argv.get(0);
    }
  }

  /** Commands connected by pipes; {@code andThen} says whether {@code &&} (not {@code ;}) follows. */
  record Pipeline(List<Command> commands, boolean andThen) {}

  /** A RUN line the shell cannot read. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message);
    }
  }

  private record Token(String text, boolean operator) {}

  /** Parses a whole RUN line into pipelines. */
  static List<Pipeline> parse(String line) throws SyntaxError {
    List<Token> tokens = tokenize(line);
    List<Pipeline> pipelines = new ArrayList<>();
    List<Command> commands = new ArrayList<>();
    CommandBuilder current = new CommandBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (!t.operator()) {
        current.word(t.text());
        continue;
      }
      switch (t.text()) {
        case "|" -> {
          commands.add(current.build(line));
          current = new CommandBuilder();
        }
        case "&&", ";" -> {
          commands.add(current.build(line));
          pipelines.add(new Pipeline(commands, t.text().equals("&&")));
          commands = new ArrayList<>();
          current = new CommandBuilder();
        }
        case "2>&1" -> current.stderr = current.stdout;
        case "||", "&" -> throw new SyntaxError("unsupported shell operator '" + t.text() + "'");
        default -> current.redirect(t.text(), ++i < tokens.size() ? tokens.get(i) : null);
      }
    }
    commands.add(current.build(line));
    pipelines.add(new Pipeline(commands, false));
    return pipelines;
  }

  private static final class CommandBuilder {
    private final List<String> argv = new ArrayList<>();
    private int negations;
    private String stdinFile;
    private Target stdout = Target.STDOUT;
    private Target stderr = Target.STDERR;

    void word(String w) {
      if (argv.isEmpty() && w.equals("not")) {
        negations++;
      } else {
        argv.add(w);
      }
    }

    void redirect(String op, Token target) throws SyntaxError {
      if (target == null || target.operator()) {
        throw new SyntaxError("missing file name after '" + op + "'");
      }
      switch (op) {
        case "<" -> stdinFile = target.text();
        case ">", ">>" -> stdout = new Target(Target.Kind.FILE, target.text(), op.equals(">>"));
        case "2>" -> stderr = new Target(Target.Kind.FILE, target.text(), false);
        default -> throw new SyntaxError("unsupported shell operator '" + op + "'");
      }
    }

    Command build(String line) throws SyntaxError {
      if (argv.isEmpty()) {
        throw new SyntaxError("empty command in '" + line + "'");
      }
      if (argv.get(0).startsWith("--")) {
        throw new SyntaxError("unsupported 'not " + argv.get(0) + "'");
      }
      return new Command(List.copyOf(argv), negations, stdinFile, stdout, stderr);
    }
  }

  private static List<Token> tokenize(String line) throws SyntaxError {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (operatorAt(line, i) != null) {
        String op = operatorAt(line, i);
        tokens.add(new Token(op, true));
        i += op.length();
      } else {
        StringBuilder word = new StringBuilder();
        i = readWord(line, i, word);
        tokens.add(new Token(word.toString(), false));
      }
    }
    return tokens;
  }

  private static String operatorAt(String line, int i) {
    for (String op : List.of("2>&1", "&&", "||", ">>", "2>", "|", ";", "<", ">", "&")) {
      if (line.startsWith(op, i) && (!op.startsWith("2") || i == 0
          || Character.isWhitespace(line.charAt(i - 1)))) {
        return op;
      }
    }
    return null;
  }

  private static int readWord(String line, int i, StringBuilder word) throws SyntaxError {
    while (i < line.length() && !Character.isWhitespace(line.charAt(i)) && operatorAt(line, i) == null) {
      char c = line.charAt(i);
      if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new SyntaxError("unterminated single quote in '" + line + "'");
        }
        word.append(line, i + 1, end);
        i = end + 1;
      } else if (c == '"') {
        i = readDoubleQuoted(line, i + 1, word);
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(i + 1));
        i += 2;
      } else {
        word.append(c);
        i++;
      }
    }
    return i;
  }

  private static int readDoubleQuoted(String line, int i, StringBuilder word) throws SyntaxError {
    while (i < line.length() && line.charAt(i) != '"') {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
        word.append(line.charAt(i + 1));
        i += 2;
      } else {
        word.append(c);
        i++;
      }
    }
    if (i >= line.length()) {
      throw new SyntaxError("unterminated double quote in '" + line + "'");
    }
    return i + 1;
  }
}
