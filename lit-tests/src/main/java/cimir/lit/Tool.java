package cimir.lit;

import java.io.InputStream;
import java.io.PrintStream;

/** A command a RUN line may call, run in-process: a tool's static {@code run} entry point. */
@FunctionalInterface
public interface Tool {
  /** Runs the tool; returns its exit status. */
  int run(String[] args, InputStream in, PrintStream out, PrintStream err);
}
