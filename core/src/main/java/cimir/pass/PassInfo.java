package cimir.pass;

import java.util.List;
import java.util.function.Function;

/** A registered pass: its argument, summary, declared options and a factory. */
public record PassInfo(String argument, String summary, List<PassOption> options,
    Function<PassOptions, Pass> factory) {
  public PassInfo {
    options = List.copyOf(options);
  }
}
