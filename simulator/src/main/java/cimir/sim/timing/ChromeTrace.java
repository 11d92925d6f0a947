package cimir.sim.timing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;

/**
 * A timing run as Chrome trace events, which Perfetto and chrome://tracing open: a process per
 * core, a thread per unit, a complete event per instruction from its issue to its end, times in
 * microseconds.
 */
final class ChromeTrace {
  private final Writer out;
  private final double usPerCycle;
  private boolean first = true;

  ChromeTrace(Writer out, double nsPerCycle) {
    this.out = out;
    this.usPerCycle = nsPerCycle / 1000;
    write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
  }

  /** Names core `core`'s process and its units' threads. */
  void core(int core) {
    add("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" + core
        + ",\"args\":{\"name\":\"core " + core + "\"}}");
    for (Unit u : Unit.values()) {
      add("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" + core + ",\"tid\":" + u.ordinal()
          + ",\"args\":{\"name\":\"" + u.key + "\"}}");
    }
  }

  /** `name` on `unit` of `core` from cycle `start` to cycle `end`. */
  void event(int core, Unit unit, String name, long start, long end) {
    add(String.format(Locale.ROOT, "{\"name\":\"%s\",\"ph\":\"X\",\"pid\":%d,\"tid\":%d,"
        + "\"ts\":%.6f,\"dur\":%.6f}", name, core, unit.ordinal(), start * usPerCycle,
        (end - start) * usPerCycle));
  }

  /** Closes the event list; the writer stays open. */
  void finish() {
    write("\n]}\n");
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void add(String event) {
    write(first ? "\n" + event : ",\n" + event);
    first = false;
  }

  private void write(String s) {
    try {
      out.write(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
