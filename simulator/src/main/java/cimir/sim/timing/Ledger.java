package cimir.sim.timing;

import java.util.ArrayList;
import java.util.List;

/**
 * What a timing run has spent so far, by core and by stage: dynamic energy by kind, the
 * instructions completed, the MACs the arrays performed and their busy macro-cycles. A stage
 * of a core is the stretch between two of its barriers (meta-to-isa ends every stage with
 * one); stage k ends at the latest release of the k-th barrier, or at the last cycle any
 * instruction of the stage completes.
 */
final class Ledger {
  /** The kinds of dynamic energy, in report order; static energy is added at the end. */
  enum Kind {
    CIM("cim"), LOCAL("local"), GLOBAL("global"), NOC("noc"), VECTOR("vector");

    final String key;

    Kind(String key) {
      this.key = key;
    }
  }

  /** One stage's figures. */
  static final class Stage {
    long end;
    final double[] pj = new double[Kind.values().length];
    long instructions;
    long arrayMacs;
    long macroCycles;
    /** Busy cycles by unit, summed over cores. */
    final long[] busy = new long[Unit.values().length];
    /** The cores that used a unit other than the scalar one in the stage. */
    final java.util.BitSet activeCores = new java.util.BitSet();
  }

  private final double[][] corePj;
  private final long[] coreMacs;
  private final List<Stage> stages = new ArrayList<>();

  Ledger(int cores) {
    corePj = new double[cores][Kind.values().length];
    coreMacs = new long[cores];
  }

  /** Stage `k`, made on first use. */
  Stage stage(int k) {
    while (stages.size() <= k) {
      stages.add(new Stage());
    }
    return stages.get(k);
  }

  void charge(TimingCore c, Kind kind, double pj) {
    corePj[c.id][kind.ordinal()] += pj;
    stage(c.stage).pj[kind.ordinal()] += pj;
  }

  /** An MVM on `c` of `macs` MACs that kept `macroCycles` macro-cycles busy. */
  void multiply(TimingCore c, long macs, long macroCycles) {
    coreMacs[c.id] += macs;
    Stage s = stage(c.stage);
    s.arrayMacs += macs;
    s.macroCycles += macroCycles;
  }

  /** `unit` of `c` was busy for `cycles` in `c`'s stage. */
  void busy(TimingCore c, Unit unit, long cycles) {
    Stage s = stage(c.stage);
    s.busy[unit.ordinal()] += cycles;
    if (unit != Unit.SCALAR && cycles > 0) { // scalar work alone is a barrier's set-up
      s.activeCores.set(c.id);
    }
  }

  /** An instruction of `c` completed at `end`. */
  void completed(TimingCore c, long end) {
    Stage s = stage(c.stage);
    s.instructions++;
    s.end = Math.max(s.end, end);
  }

  /** `c` leaves its stage at `release` (a barrier). */
  void leave(TimingCore c, long release) {
    Stage s = stage(c.stage);
    s.end = Math.max(s.end, release);
    c.stage++;
  }

  /** The stages that ran anything, in order. */
  List<Stage> stages() {
    List<Stage> out = new ArrayList<>(stages);
    while (!out.isEmpty() && out.get(out.size() - 1).instructions == 0) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  /** Dynamic energy of `core` by kind. */
  double[] corePj(int core) {
    return corePj[core].clone();
  }

  long coreMacs(int core) {
    return coreMacs[core];
  }

  /** Dynamic energy of `kind` over the chip. */
  double total(Kind kind) {
    double sum = 0;
    for (double[] c : corePj) {
      sum += c[kind.ordinal()];
    }
    return sum;
  }
}
