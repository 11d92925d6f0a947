package cimir.sim.timing;

import java.util.List;
import java.util.Map;

/**
 * What a timing run measured: latency, energy by unit, by core and by stage, busy cycles by
 * unit, utilisation, traffic.
 *
 * @param cycles the chip's latency: the last cycle any unit of any core is busy
 * @param seconds `cycles` at the chip's clock
 * @param energyPj dynamic plus static energy
 * @param coreCycles by core id, the cycle its last instruction completes (0 for an idle core)
 * @param energyByUnit pJ by `cim`, `local`, `global`, `noc`, `vector`, `static`
 * @param busyCyclesByUnit summed over cores: `scalar`, `cim`, `vector`, `reduce`, `transfer`,
 *     `cim-switch` (the part of `cim` spent switching arrays between modes), and the chip's
 *     `global-port` and `noc-links` (flit-hops)
 * @param instructions instructions completed over all cores
 * @param nocFlits flits sent by SEND/RECV pairs
 * @param nocFlitHops those flits times the hops each travels
 * @param arrayMacs MACs the arrays performed: the input length x columns of every macro of
 *     every active group of every CIM_MVM (zero weights and padded inputs count)
 * @param utilisation busy share of the chip's resources over the run: `arrays` (busy
 *     macro-cycles over macros x cycles), each unit (busy cycles over cores x cycles),
 *     `global-port`, `noc-links` (flit-hops over directed links x cycles)
 * @param cores by core id: its figures
 * @param stages the stretches between barriers, in order
 * @param operators per operator the program was compiled from (its instructions' locations
 *     name it), in order of its first issue; empty when the program names none
 * @param noc `mesh` or `table` (CIMFlow's per-pair table)
 */
public record TimingReport(long cycles, double seconds, double energyPj, long[] coreCycles,
    Map<String, Double> energyByUnit, Map<String, Long> busyCyclesByUnit, long instructions,
    long nocFlits, long nocFlitHops, long arrayMacs, Map<String, Double> utilisation,
    List<CoreFigures> cores, List<StageFigures> stages, List<OperatorFigures> operators,
    String noc) {

  /** One core: when it ends, what it ran and spent (its static share included). */
  public record CoreFigures(int id, long cycles, long instructions, long arrayMacs,
      double energyPj, Map<String, Double> energyByUnit) {
    public CoreFigures {
      energyByUnit = Map.copyOf(energyByUnit);
    }
  }

  /**
   * One stage: cycles `[start, end)`, what ran in it and what it spent (static over its
   * cycles included); `arrayUtilisation` is its busy macro-cycles over macros x its cycles;
   * `busyCyclesByUnit` sums the cores' `scalar`, `cim`, `vector`, `reduce` and `transfer` cycles;
   * `activeCores` counts the cores that used their CIM, vector or transfer unit in it (not
   * only the scalar set-up of its barrier).
   */
  public record StageFigures(int index, long start, long end, long instructions,
      long arrayMacs, double energyPj, Map<String, Double> energyByUnit,
      double arrayUtilisation, Map<String, Long> busyCyclesByUnit, int activeCores) {
    public StageFigures {
      energyByUnit = Map.copyOf(energyByUnit);
      busyCyclesByUnit = Map.copyOf(busyCyclesByUnit);
    }

    public long cycles() {
      return end - start;
    }
  }

  /**
   * One operator: its instructions issued from `start` and completed by `end` (over all its
   * cores); `ownCycles`, the cycles the issue of its busiest core spent on it, waits for other
   * cores (SEND, RECV, BARRIER, WAIT) left out: how long it takes once its inputs are there;
   * how many instructions, its units' busy cycles summed over cores, how many cores ran it;
   * `stallCycles`, summed over cores, the cycles its instructions (not SEND, RECV, BARRIER,
   * TAG or WAIT) waited past their issue slot, by cause: `busy-UNIT` (the unit still busy),
   * `registers` (a register still being written), `memory` (an unfinished access to an
   * overlapping range), `macro-groups` (the groups' order of products and control).
   */
  public record OperatorFigures(String name, long start, long end, long ownCycles,
      long instructions, Map<String, Long> busyCyclesByUnit, int cores,
      Map<String, Long> stallCycles) {
    public OperatorFigures {
      busyCyclesByUnit = Map.copyOf(busyCyclesByUnit);
      stallCycles = Map.copyOf(stallCycles);
    }

    /** The cause of most stall cycles and its share of them; null when it never stalled. */
    public Map.Entry<String, Double> mainStall() {
      long total = stallCycles.values().stream().mapToLong(Long::longValue).sum();
      if (total == 0) {
        return null;
      }
      String best = stallCycles.entrySet().stream()
          .max(Map.Entry.<String, Long>comparingByValue()
              .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
          .get().getKey();
      return Map.entry(best, (double) stallCycles.get(best) / total);
    }

    /** From its first issue to its last end. */
    public long span() {
      return end - start;
    }
  }

  public TimingReport {
    operators = List.copyOf(operators);
    coreCycles = coreCycles.clone();
    energyByUnit = Map.copyOf(energyByUnit);
    busyCyclesByUnit = Map.copyOf(busyCyclesByUnit);
    utilisation = Map.copyOf(utilisation);
    cores = List.copyOf(cores);
    stages = List.copyOf(stages);
  }

  @Override
  public long[] coreCycles() {
    return coreCycles.clone();
  }

  /** Energy over time, in watts; 0 for a run of no time. */
  public double averagePowerW() {
    return seconds == 0 ? 0 : energyPj * 1e-12 / seconds;
  }

  /** Tera-operations per second of the arrays' MACs (two operations each). */
  public double tops() {
    return seconds == 0 ? 0 : 2.0 * arrayMacs / seconds / 1e12;
  }

  /** Tera-operations per joule (TOPS/W) of the arrays' MACs. */
  public double topsPerWatt() {
    return energyPj == 0 ? 0 : 2.0 * arrayMacs / (energyPj * 1e-12) / 1e12;
  }

  /** `12345 cycles (24.69 us), 1.234 uJ, 0.050 W, 678 instructions`. */
  public String summary() {
    return String.format("%d cycles (%.2f us), %.3f uJ, %.3f W, %d instructions", cycles,
        seconds * 1e6, energyPj * 1e-6, averagePowerW(), instructions);
  }
}
