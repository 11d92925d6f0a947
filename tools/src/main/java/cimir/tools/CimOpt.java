package cimir.tools;

import java.io.InputStream;
import java.io.PrintStream;

/** The cim-opt driver: parse, run passes, verify and print cimir IR. */
public final class CimOpt {
  private CimOpt() {}

  /** Runs cim-opt in-process; returns the exit status (0 ok, 1 diagnostic, 2 usage). */
  public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    stderr.println("cim-opt: under construction");
    return 2;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }
}
