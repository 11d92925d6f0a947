package cimir.tools;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

/** A tool's command: the standard streams it uses, and running it in-process. */
abstract class ToolCommand implements Callable<Integer> {
  InputStream stdin;
  PrintStream stdout;
  PrintStream stderr;

  /** Runs `tool` on `args` with the given streams; the exit status (0, 1 or 2). */
  static int run(ToolCommand tool, String[] args, InputStream stdin, PrintStream stdout,
      PrintStream stderr) {
    tool.stdin = stdin;
    tool.stdout = stdout;
    tool.stderr = stderr;
    return Tools.execute(tool, args, stdout, stderr);
  }
}
