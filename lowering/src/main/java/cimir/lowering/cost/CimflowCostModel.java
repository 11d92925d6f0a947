package cimir.lowering.cost;

import cimir.dialect.hw.HardwareModel;

/**
 * CIMFlow's per-layer model (its partitioner's `calc_cores_and_time_needed`), exactly: for a
 * product of reduction depth Kd = C x kH x kW and Cout output channels on a chip of K groups of
 * T macros of depth H x m (rows x row selections) and W columns:
 *
 * <pre>
 *   fits       Kd <= H m K
 *   g        = ceil(Kd / (H m))              groups per output-channel slice
 *   rep_in   = floor(K / g)                  weight copies inside a core
 *   cores    = ceil(Cout / (W T))            cores per copy
 *   t        = ceil(Hout Wout m a / rep_in)  cycles per inference (a input bits; the full m row
 *                                            selections are charged whatever Kd is)
 *   L        = ceil(Cout Kd bytes / D_g) rep_in   cycles to load the weights (D_g the global
 *                                            memory bandwidth)
 * </pre>
 *
 * Core-level copies (the allocation's duplication) divide t. Other operators (vector work,
 * moves, attention) are charged by the vector lanes and the local memory port, which CIMFlow's
 * partitioner leaves out.
 */
public final class CimflowCostModel implements CostModel {
  @Override
  public String name() {
    return "cimflow";
  }

  /** g: macro groups one output-channel slice of the weights needs. */
  public static long groupsPerSlice(Demand d, HardwareModel hw) {
    return CostModel.ceilDiv(d.k(), hw.core().macro().reductionDepth());
  }

  /** rep_in: copies of the weights inside one core, in the groups left vacant. */
  public static long replicationInCore(Demand d, HardwareModel hw) {
    return Math.max(1, hw.core().macroGroups() / groupsPerSlice(d, hw));
  }

  /** Cores one copy of the layer needs: ceil(Cout / (W T)). */
  public static long cores(Demand d, HardwareModel hw) {
    return CostModel.ceilDiv(d.outputChannels(),
        (long) hw.core().macro().columns() * hw.core().macrosPerGroup());
  }

  /** Whether the reduction fits one core: Kd <= H m K. */
  public static boolean fits(Demand d, HardwareModel hw) {
    return d.k() <= (long) hw.core().macro().reductionDepth() * hw.core().macroGroups();
  }

  /** t: cycles per inference with `copies` core-level copies. */
  public static long computeCycles(Demand d, HardwareModel hw, long copies) {
    HardwareModel.Macro m = hw.core().macro();
    long pixels = d.m();
    return CostModel.ceilDiv(pixels * m.rowSelect() * m.inputBits(),
        replicationInCore(d, hw) * copies);
  }

  /** L: cycles to load the weights (times the in-core copies). */
  public static long weightLoadCycles(Demand d, HardwareModel hw) {
    return CostModel.ceilDiv(d.weightBytes(), hw.global().bytesPerCycle())
        * replicationInCore(d, hw);
  }

  @Override
  public double latency(Demand d, Allocation a, HardwareModel hw) {
    return switch (d.kind()) {
      case MVM -> computeCycles(d, hw, a.duplication());
      case DMM, VEC -> (double) d.work() / hw.core().vector().lanes()
          + (double) (d.inputBytes() + d.outputBytes()) / hw.core().local().bytesPerCycle();
      case MOVE -> (double) d.work() / hw.core().local().bytesPerCycle();
    };
  }
}
