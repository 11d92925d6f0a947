package cimir.tools;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/** What every tool shares: picocli setup, exit statuses, and a deep stack for deep IR. */
final class Tools {
  private Tools() {}

  /**
   * Runs a picocli command: 0 on success, 1 after a diagnostic, 2 on bad usage; an internal
   * failure is reported in one line (no Java stack trace unless CIMIR_DEBUG is set).
   */
  static int execute(Callable<Integer> tool, String[] args, PrintStream stdout,
      PrintStream stderr) {
    CommandLine cl = new CommandLine(tool);
    cl.setOut(new PrintWriter(stdout, true));
    cl.setErr(new PrintWriter(stderr, true));
    cl.setExitCodeExceptionMapper(e -> 1);
    cl.setParameterExceptionHandler((ex, a) -> {
      stderr.println(cl.getCommandName() + ": error: " + ex.getMessage());
      stderr.println("Try '" + cl.getCommandName() + " --help' for more information.");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      Throwable cause = ex;
      if (System.getenv("CIMIR_DEBUG") != null) {
        ex.printStackTrace(stderr);
      }
      String what = cause instanceof StackOverflowError ? "the input is nested too deeply"
          : cause.getClass().getSimpleName() + (cause.getMessage() == null ? ""
          : ": " + cause.getMessage());
      stderr.println(c.getCommandName() + ": error: internal error: " + what
          + " (set CIMIR_DEBUG=1 for details)");
      return 1;
    });
    return cl.execute(args);
  }

  /** Runs `body` on a thread with a 1 GiB stack, so deeply nested IR parses and prints. */
  static int onBigStack(Callable<Integer> body) {
    AtomicInteger status = new AtomicInteger(1);
    Thread t = new Thread(null, () -> {
      try {
        status.set(body.call());
      } catch (Exception e) {
        System.err.println("error: internal error: " + e);
      }
    }, "main", 1L << 30);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return status.get();
  }

  /**
   * A temporary file next to `target`, readable by all as an ordinary output file is
   * (Files.createTempFile makes it private to the owner).
   */
  private static Path temporaryBeside(Path target, String tool) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "." + tool, ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions
          .fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its default permissions stand.
    }
    return tmp;
  }

  /** Writes a tool's output; returns whether everything it wrote is complete. */
  @FunctionalInterface
  interface OutputBody {
    boolean write(Writer out) throws IOException;
  }

  /**
   * Runs `body` on standard output, or on `output` when it names a file: then the text goes to
   * a temporary file that replaces `output` only when `body` succeeds, so a failed run leaves
   * no partial file behind. Returns whether it succeeded; write errors are reported.
   */
  static boolean writeOutput(String output, PrintStream stdout, PrintStream stderr, String tool,
      OutputBody body) throws IOException {
    boolean toFile = output != null && !output.equals("-");
    Path target = toFile ? Path.of(output).toAbsolutePath() : null;
    Path tmp = null;
    Writer out;
    if (toFile) {
      try {
        tmp = temporaryBeside(target, tool);
        out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        stderr.println(output + ": error: could not write output file: " + e.getMessage());
        return false;
      }
    } else {
      out = new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16);
    }
    boolean ok;
    try {
      ok = body.write(out);
      out.flush();
      if (toFile) {
        out.close();
        if (ok) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      stderr.println((toFile ? output : "<stdout>") + ": error: could not write output: "
          + e.getMessage());
      ok = false;
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
    return ok;
  }

  /**
   * Writes `bytes` to standard output or to `output`, through a temporary file that replaces
   * `output` only once complete. Returns whether it succeeded; write errors are reported.
   */
  static boolean writeBytes(String output, PrintStream stdout, PrintStream stderr, String tool,
      byte[] bytes) throws IOException {
    if (output == null || output.equals("-")) {
      stdout.write(bytes);
      stdout.flush();
      return !stdout.checkError();
    }
    Path target = Path.of(output).toAbsolutePath();
    Path tmp = null;
    try {
      tmp = temporaryBeside(target, tool);
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException | RuntimeException e) {
      stderr.println(output + ": error: could not write output file: " + e.getMessage());
      return false;
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
