package cimir.lit;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** cimir's FileCheck: LLVM FileCheck's matching semantics and diagnostics, runnable in the JVM. */
public final class FileCheck {
  private static final String USAGE = "USAGE: FileCheck [options] <check-file>";

  private FileCheck() {}

  /** Bad command-line usage: exit status 2. */
  private static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** The parsed command line. */
  private record Options(FileCheckRequest request, String checkFile, String inputFile) {}

  /** Runs FileCheck; returns 0 when the input matches, 1 when it does not, 2 on bad usage. */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      SourceBuffer.write(stderr, "FileCheck: " + e.getMessage() + "\n" + USAGE + "\n");
      return 2;
    }
    try {
      validatePrefixes(options.request());
      SourceBuffer check = load(options.checkFile(), options.checkFile(), stdin, "check",
          options.request());
      List<CheckFileReader.CheckString> strings = CheckFileReader.read(check, options.request());
      String inputName = options.inputFile().equals("-") ? "<stdin>" : options.inputFile();
      SourceBuffer input = load(options.inputFile(), inputName, stdin, "input", options.request());
      if (input.text().isEmpty() && !options.request().allowEmpty()) {
        SourceBuffer.write(stderr, "FileCheck error: '" + inputName + "' is empty.\n"
            + "FileCheck command line:  FileCheck " + String.join(" ", args) + "\n");
        return 2;
      }
      return new InputChecker(input, stderr, options.request()).check(strings) ? 0 : 1;
    } catch (FileCheckException e) {
      e.print(stderr);
      return 2;
    } catch (IOException e) {
      SourceBuffer.write(stderr, e.getMessage() + "\n");
      return 2;
    }
  }

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }

  private static Options parse(String[] args) throws UsageException {
    List<String> checkPrefixes = new ArrayList<>();
    List<String> commentPrefixes = new ArrayList<>();
    List<String> implicitNots = new ArrayList<>();
    Map<String, String> defines = new LinkedHashMap<>();
    Set<String> flags = new HashSet<>();
    List<String> positional = new ArrayList<>();
    String inputFile = "-";
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-") || arg.equals("-")) {
        positional.add(arg);
        continue;
      }
      String name = arg.replaceFirst("^--?", "");
      String value = null;
      int eq = name.indexOf('=');
      if (name.startsWith("D") && name.length() > 1) {
        value = name.substring(1);
        name = "D";
      } else if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      switch (name) {
        case "check-prefix", "check-prefixes", "comment-prefixes", "implicit-check-not",
            "input-file", "D", "dump-input", "dump-input-context", "dump-input-filter" -> {
          if (value == null) {
            if (++i >= args.length) {
              throw new UsageException("option '" + name + "' requires a value");
            }
            value = args[i];
          }
          switch (name) {
            case "check-prefix" -> checkPrefixes.add(value);
            case "check-prefixes" -> checkPrefixes.addAll(List.of(value.split(",", -1)));
            case "comment-prefixes" -> commentPrefixes.addAll(List.of(value.split(",", -1)));
            case "implicit-check-not" -> implicitNots.add(value);
            case "input-file" -> inputFile = value;
            case "D" -> define(defines, value);
            default -> { }
          }
        }
        case "match-full-lines", "strict-whitespace", "allow-empty", "allow-unused-prefixes",
            "enable-var-scope", "color" -> flags.add(name);
        default -> throw new UsageException("unsupported option '" + arg + "'");
      }
    }
    if (positional.size() != 1) {
      throw new UsageException(positional.isEmpty()
          ? "Not enough positional command line arguments specified!"
          : "Too many positional arguments specified: " + positional);
    }
    boolean defaultPrefix = checkPrefixes.isEmpty();
    if (defaultPrefix) {
      checkPrefixes.add("CHECK");
    }
    if (commentPrefixes.isEmpty()) {
      commentPrefixes.addAll(List.of("COM", "RUN"));
    }
    FileCheckRequest req = new FileCheckRequest(checkPrefixes, commentPrefixes, implicitNots, defines,
        flags.contains("match-full-lines"), flags.contains("strict-whitespace"),
        flags.contains("allow-empty"), flags.contains("allow-unused-prefixes"),
        flags.contains("enable-var-scope"), defaultPrefix);
    return new Options(req, positional.get(0), inputFile);
  }

  private static void define(Map<String, String> defines, String definition) throws UsageException {
    int eq = definition.indexOf('=');
    if (definition.startsWith("#")) {
      throw new UsageException("unsupported: numeric variable definition '-D" + definition + "'");
    }
    if (eq <= 0) {
      throw new UsageException("missing equal sign in global definition '-D" + definition + "'");
    }
    defines.put(definition.substring(0, eq), definition.substring(eq + 1));
  }

  private static void validatePrefixes(FileCheckRequest req) throws FileCheckException {
    List<String> check = req.checkPrefixes();
    List<String> comment = req.commentPrefixes();
    boolean defaultCheck = req.defaultCheckPrefix();
    Set<String> unique = new HashSet<>();
    for (List<String> prefixes : List.of(check, comment)) {
      String kind = prefixes == check ? "check" : "comment";
      for (String prefix : prefixes) {
        if (prefix.isEmpty()) {
          throw new FileCheckException("supplied " + kind + " prefix must not be the empty string");
        }
        if (!prefix.matches("[a-zA-Z0-9_-]*")) {
          throw new FileCheckException("supplied " + kind + " prefix must start with a letter and "
              + "contain only alphanumeric characters, hyphens, and underscores: '" + prefix + "'");
        }
        if (!unique.add(prefix) && !(defaultCheck && prefixes == check)) {
          throw new FileCheckException("supplied " + kind
              + " prefix must be unique among check and comment prefixes: '" + prefix + "'");
        }
      }
    }
  }

  /** Reads a file (or stdin for "-") and canonicalises it as LLVM's CanonicalizeFile does. */
  private static SourceBuffer load(String file, String name, InputStream stdin, String role,
      FileCheckRequest req) throws IOException {
    byte[] bytes;
    try {
      bytes = file.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new IOException("Could not open " + role + " file '" + file
          + "': No such file or directory", e);
    }
    String raw = new String(bytes, StandardCharsets.ISO_8859_1);
    return new SourceBuffer(name, canonicalize(raw, req.strictWhitespace()));
  }

  /** Drops the "\r" of "\r\n"; unless strict, turns each run of spaces and tabs into one space. */
  static String canonicalize(String raw, boolean strictWhitespace) {
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\r' && i + 1 < raw.length() && raw.charAt(i + 1) == '\n') {
        continue;
      }
      if (strictWhitespace || (c != ' ' && c != '\t')) {
        sb.append(c);
        continue;
      }
      sb.append(' ');
      while (i + 1 < raw.length() && (raw.charAt(i + 1) == ' ' || raw.charAt(i + 1) == '\t')) {
        i++;
      }
    }
    return sb.toString();
  }
}
