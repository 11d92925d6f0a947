package cimir.sim.timing;

import java.util.Map;

/**
 * What a timing run measured: latency, energy by unit, busy cycles by unit, traffic.
 *
 * @param cycles the chip's latency: the last cycle any unit of any core is busy
 * @param seconds `cycles` at the chip's clock
 * @param energyPj dynamic plus static energy
 * @param coreCycles by core id, the cycle its last instruction completes (0 for an idle core)
 * @param energyByUnit pJ by `cim`, `local`, `global`, `noc`, `vector`, `static`
 * @param busyCyclesByUnit summed over cores: `scalar`, `cim`, `vector`, `transfer`, and the
 *     chip's `global-port` and `noc-links` (flit-hops)
 * @param instructions instructions completed over all cores
 * @param nocFlits flits sent by SEND/RECV pairs
 * @param nocFlitHops those flits times the hops each travels
 */
public record TimingReport(long cycles, double seconds, double energyPj, long[] coreCycles,
    Map<String, Double> energyByUnit, Map<String, Long> busyCyclesByUnit, long instructions,
    long nocFlits, long nocFlitHops) {

  public TimingReport {
    coreCycles = coreCycles.clone();
    energyByUnit = Map.copyOf(energyByUnit);
    busyCyclesByUnit = Map.copyOf(busyCyclesByUnit);
  }

  @Override
  public long[] coreCycles() {
    return coreCycles.clone();
  }

  /** Energy over time, in watts; 0 for a run of no time. */
  public double averagePowerW() {
    return seconds == 0 ? 0 : energyPj * 1e-12 / seconds;
  }

  /** Tera-operations per second for a network of `macs` MACs (two operations each). */
  public double tops(long macs) {
    return seconds == 0 ? 0 : 2.0 * macs / seconds / 1e12;
  }

  /** Tera-operations per joule (TOPS/W) for `macs` MACs. */
  public double topsPerWatt(long macs) {
    return energyPj == 0 ? 0 : 2.0 * macs / (energyPj * 1e-12) / 1e12;
  }

  /** `12345 cycles (24.69 us), 1.234 uJ, 0.050 W`. */
  public String summary() {
    return String.format("%d cycles (%.2f us), %.3f uJ, %.3f W, %d instructions", cycles,
        seconds * 1e6, energyPj * 1e-6, averagePowerW(), instructions);
  }
}
