package cimir.sim.timing;

import cimir.dialect.isa.Provenance;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each operator of the program (its {@link Provenance}) spent in a timing run: the
 * instructions it issued, the first cycle one issued and the last one any completed, its units'
 * busy cycles, the cores it ran on, and why its instructions waited to issue.
 *
 * <p>An instruction's stall (the cycles from its issue slot to its issue) is split in the
 * order the issue rule's terms are taken: first the wait for its unit, then for its registers,
 * then for the memory ranges of unfinished accesses, then for its macro groups' order; each
 * part goes to that cause.
 */
final class OperatorLedger {
  private final List<String> names;
  private final long[] instructions;
  private final long[] first;
  private final long[] last;
  private final long[][] busy;
  private final BitSet[] cores;
  /** Per operator and core, the cycles the core's issue spent on it (see `completed`). */
  private final long[][] own;
  /** Per operator, stall cycles by cause: a unit's ordinal, then the three of STALLS. */
  private final long[][] stalls;

  /** The causes of a stall other than a busy unit, in the order the issue rule takes them. */
  static final List<String> STALLS = List.of("registers", "memory", "macro-groups");

  OperatorLedger(List<String> names, int chipCores) {
    this.names = names;
    int n = names.size();
    instructions = new long[n];
    first = new long[n];
    java.util.Arrays.fill(first, Long.MAX_VALUE);
    last = new long[n];
    busy = new long[n][Unit.values().length];
    own = new long[n][chipCores];
    stalls = new long[n][Unit.values().length + STALLS.size()];
    cores = new BitSet[n];
    for (int k = 0; k < n; k++) {
      cores[k] = new BitSet();
    }
  }

  /**
   * An instruction of operator `op` (-1: none) on `core` ran from `issue` to `end`; `cycles`:
   * the cycles the core's issue spent on it since the previous instruction issued (its stalls
   * and its issue cycle; for a SEND, RECV, BARRIER or WAIT only the issue cycle, since its wait
   * is for another core).
   */
  void completed(int op, int core, long issue, long end, long cycles) {
    if (op < 0) {
      return;
    }
    instructions[op]++;
    own[op][core] += cycles;
    first[op] = Math.min(first[op], issue);
    last[op] = Math.max(last[op], end);
    cores[op].set(core);
  }

  /**
   * An instruction of operator `op` (-1: none), of `unit` (null: none), waited `forUnit`
   * cycles for its unit, then `registers` for its registers, `memory` for unfinished accesses to its
   * ranges and `groups` for its macro groups.
   */
  void stalled(int op, Unit unit, long forUnit, long registers, long memory, long groups) {
    if (op < 0) {
      return;
    }
    long[] s = stalls[op];
    if (unit != null) {
      s[unit.ordinal()] += forUnit;
    }
    int base = Unit.values().length;
    s[base] += registers;
    s[base + 1] += memory;
    s[base + 2] += groups;
  }

  /** `unit` was busy for `cycles` on an instruction of operator `op` (-1: none). */
  void busy(int op, Unit unit, long cycles) {
    if (op >= 0) {
      busy[op][unit.ordinal()] += cycles;
    }
  }

  /** The operators that issued anything, in order of their first issue, then of name order. */
  List<TimingReport.OperatorFigures> figures() {
    List<TimingReport.OperatorFigures> out = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      if (instructions[k] == 0) {
        continue;
      }
      Map<String, Long> units = new LinkedHashMap<>();
      for (Unit u : Unit.values()) {
        units.put(u.key, busy[k][u.ordinal()]);
      }
      Map<String, Long> stalled = new LinkedHashMap<>();
      for (Unit u : Unit.values()) {
        stalled.put("busy-" + u.key, stalls[k][u.ordinal()]);
      }
      for (int i = 0; i < STALLS.size(); i++) {
        stalled.put(STALLS.get(i), stalls[k][Unit.values().length + i]);
      }
      long busiest = 0;
      for (long c : own[k]) {
        busiest = Math.max(busiest, c);
      }
      out.add(new TimingReport.OperatorFigures(names.get(k), first[k], last[k], busiest,
          instructions[k], units, cores[k].cardinality(), stalled));
    }
    out.sort(java.util.Comparator.comparingLong(TimingReport.OperatorFigures::start));
    return out;
  }
}
