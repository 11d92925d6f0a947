package cimir.lit;

import cimir.tools.CimInterp;
import cimir.tools.CimOpt;
import cimir.tools.CimTranslate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one lit test file in-process: reads its {@code RUN:} lines, substitutes {@code %s %S %t %%},
 * and executes each as a small shell line whose commands are Java {@link Tool}s. Pipelines fail
 * if any command fails (lit's default {@code pipefail}); {@code not} inverts a command's status.
 */
public final class LitRunner {
  /** The outcome of a test, as lit names it. */
  public enum Status { PASS, FAIL, UNSUPPORTED, XFAIL, XPASS }

  /** A test's status and, unless it passed, a lit-style report. */
  public record Result(Status status, String report) {}

  private final Map<String, Tool> tools;

  public LitRunner(Map<String, Tool> tools) {
    this.tools = Map.copyOf(tools);
  }

  /** The tools RUN lines may call; add a tool with one line here. */
  public static Map<String, Tool> defaultTools() {
    Map<String, Tool> tools = new LinkedHashMap<>();
    tools.put("FileCheck", FileCheck::run);
    tools.put("cim-opt", CimOpt::run);
    tools.put("cim-translate", CimTranslate::run);
    tools.put("cim-interp", CimInterp::run);
    tools.put("cim-sim", cimir.tools.CimSim::run);
    tools.put("cim-run", cimir.tools.CimRun::run);
    tools.put("cim-explore", cimir.tools.CimExplore::run);
    return tools;
  }

  /** A runner with {@link #defaultTools()}. */
  public static LitRunner withDefaultTools() {
    return new LitRunner(defaultTools());
  }

  /** Runs {@code test}; {@code tempDir} holds its {@code %t} files. */
  public Result run(Path test, Path tempDir) throws IOException {
    LitScript script = LitScript.read(test);
    if (script.unsupported() != null) {
      return new Result(Status.UNSUPPORTED, script.unsupported());
    }
    StringBuilder log = new StringBuilder();
    if (script.error() != null) {
      log.append(script.error()).append('\n');
      return failed(test, log, 2, script.expectFailure());
    }
    Files.createDirectories(tempDir);
    Path temp = tempDir.resolve(test.getFileName() + ".tmp").toAbsolutePath();
    for (LitScript.RunLine run : script.runLines()) {
      String line = substitute(run.text(), test.toAbsolutePath(), temp);
      log.append("RUN: at line ").append(run.line()).append(": ").append(line).append('\n');
      int status = runLine(line, test.toAbsolutePath().getParent(), log);
      if (status != 0) {
        log.append("# error: command failed with exit status: ").append(status).append('\n');
        return failed(test, log, status, script.expectFailure());
      }
    }
    if (script.expectFailure()) {
      return new Result(Status.XPASS, banner(test, "XPASS", log, 0));
    }
    return new Result(Status.PASS, "");
  }

  private static Result failed(Path test, StringBuilder log, int status, boolean expected) {
    return expected ? new Result(Status.XFAIL, "")
        : new Result(Status.FAIL, banner(test, "FAILED", log, status));
  }

  private static String banner(Path test, String what, StringBuilder log, int status) {
    String stars = "*".repeat(20);
    return stars + " TEST '" + test + "' " + what + " " + stars + "\n"
        + "Exit Code: " + status + "\n\nCommand Output (stdout/stderr):\n--\n" + log + "--\n\n"
        + stars + "\n";
  }

  /** The repository's `models/` folder: beside the folder that holds `lit.cfg.py`. */
  private static String modelsDir(Path test) {
    for (Path p = test.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("lit.cfg.py"))) {
        return p.getParent().resolve("models").toString();
      }
    }
    return "models";
  }

  /** Replaces lit's substitutions (and cimir's `%models`), left to right, so that {@code %%s} stays {@code %s}. */
  static String substitute(String line, Path test, Path temp) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      char next = i + 1 < line.length() ? line.charAt(i + 1) : 0;
      if (line.startsWith("%models", i)) {
        sb.append(modelsDir(test));
        i += "%models".length() - 1;
        continue;
      }
      String value = c != '%' ? null : switch (next) {
        case 's' -> test.toString();
        case 'S' -> test.getParent().toString();
        case 't' -> temp.toString();
        case 'T' -> temp.getParent().toString();
        case '%' -> "%";
        default -> null;
      };
      if (value == null) {
        sb.append(c);
      } else {
        sb.append(value);
        i++;
      }
    }
    return sb.toString();
  }

  /** Runs one substituted RUN line; returns its exit status (2 for a shell error). */
  private int runLine(String line, Path dir, StringBuilder log) {
    List<ShellCommand.Pipeline> pipelines;
    try {
      pipelines = ShellCommand.parse(line);
    } catch (ShellCommand.SyntaxError e) {
      log.append("# error: ").append(e.getMessage()).append('\n');
      return 2;
    }
    int status = 0;
    for (ShellCommand.Pipeline pipeline : pipelines) {
      status = runPipeline(pipeline, dir, log);
      if (status != 0 && pipeline.andThen()) {
        return status;
      }
    }
    return status;
  }

  private int runPipeline(ShellCommand.Pipeline pipeline, Path dir, StringBuilder log) {
    byte[] piped = new byte[0];
    int status = 0;
    for (ShellCommand.Command command : pipeline.commands()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int commandStatus = runCommand(command, dir, piped, out, log);
      piped = out.toByteArray();
      if (commandStatus != 0) {
        status = commandStatus;
      }
    }
    return status;
  }

  private int runCommand(ShellCommand.Command command, Path dir, byte[] piped,
      ByteArrayOutputStream out, StringBuilder log) {
    log.append("# executed command: ").append(String.join(" ", command.argv())).append('\n');
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<ShellCommand.Target, ByteArrayOutputStream> files = new LinkedHashMap<>();
    int status;
    try {
      InputStream in = command.stdinFile() == null ? new ByteArrayInputStream(piped)
          : Files.newInputStream(dir.resolve(command.stdinFile()));
      status = invoke(command, in, stream(command.stdout(), out, err, files),
          stream(command.stderr(), out, err, files));
      writeFiles(files, dir);
    } catch (IOException e) {
      err.writeBytes(("error: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
      status = 2;
    }
    appendStream(log, "stderr", err);
    for (int i = 0; i < command.negations(); i++) {
      status = status == 0 ? 1 : 0;
    }
    return status;
  }

  /** The buffer a redirection target writes to; one buffer per file. */
  private static ByteArrayOutputStream stream(ShellCommand.Target target, ByteArrayOutputStream out,
      ByteArrayOutputStream err, Map<ShellCommand.Target, ByteArrayOutputStream> files) {
    return switch (target.kind()) {
      case STDOUT -> out;
      case STDERR -> err;
      case FILE -> files.computeIfAbsent(target, t -> new ByteArrayOutputStream());
    };
  }

  private static void writeFiles(Map<ShellCommand.Target, ByteArrayOutputStream> files, Path dir)
      throws IOException {
    for (Map.Entry<ShellCommand.Target, ByteArrayOutputStream> file : files.entrySet()) {
      if (file.getKey().file().equals("/dev/null")) {
        continue;
      }
      StandardOpenOption mode = file.getKey().append() ? StandardOpenOption.APPEND
          : StandardOpenOption.TRUNCATE_EXISTING;
      Files.write(dir.resolve(file.getKey().file()), file.getValue().toByteArray(),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
    }
  }

  private int invoke(ShellCommand.Command command, InputStream in, ByteArrayOutputStream out,
      ByteArrayOutputStream err) {
    Tool tool = tools.get(command.name());
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    if (tool == null) {
      errStream.println("'" + command.name() + "': command not found (known: "
          + String.join(", ", tools.keySet()) + ")");
      return 127;
    }
    String[] args = command.argv().subList(1, command.argv().size()).toArray(String[]::new);
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    try {
      return tool.run(args, in, outStream, errStream);
    } catch (RuntimeException | StackOverflowError e) {
      e.printStackTrace(errStream);
      return 1;
    } finally {
      outStream.flush();
      errStream.flush();
    }
  }

  private static void appendStream(StringBuilder log, String name, ByteArrayOutputStream stream) {
    if (stream.size() == 0) {
      return;
    }
    log.append("# .---command ").append(name).append("------------\n");
    for (String line : stream.toString(StandardCharsets.UTF_8).split("\n", -1)) {
      if (!line.isEmpty()) {
        log.append("# | ").append(line).append('\n');
      }
    }
    log.append("# `-----------------------------\n");
  }
}
