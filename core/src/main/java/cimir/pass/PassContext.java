package cimir.pass;

import cimir.diag.DiagnosticEngine;
import cimir.ir.Context;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/** What a running pass sees: the IR context, its diagnostics, statistics and failure flag. */
public final class PassContext {
  private final Context context;
  private final Map<String, Long> statistics;
  private final PrintStream reports;
  private final boolean solverLog;
  private boolean failed;

  PassContext(Context context, Map<String, Long> statistics, PrintStream reports,
      boolean solverLog) {
    this.context = context;
    this.statistics = statistics;
    this.reports = reports;
    this.solverLog = solverLog;
  }

  /** Whether solvers run by passes print their logs to standard error (`--solver-log`). */
  public boolean solverLog() {
    return solverLog;
  }

  /** Where analysis passes print their reports (the tool's standard error). */
  public PrintStream reports() {
    return reports;
  }

  public Context context() {
    return context;
  }

  public DiagnosticEngine diag() {
    return context.diagnostics();
  }

  /** Marks the pass as failed; the pass manager stops after it. */
  public void fail() {
    failed = true;
  }

  public boolean failed() {
    return failed;
  }

  /** Adds `n` to the named statistic, reported by `--pass-statistics`. */
  public void count(String statistic, long n) {
    statistics.merge(statistic, n, Long::sum);
  }

  static Map<String, Long> newStatistics() {
    return new TreeMap<>();
  }
}
