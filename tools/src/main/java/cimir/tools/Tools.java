package cimir.tools;

import java.io.PrintStream;
import java.io.PrintWriter;
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
}
