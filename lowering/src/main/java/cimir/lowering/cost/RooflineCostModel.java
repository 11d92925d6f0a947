package cimir.lowering.cost;

import cimir.dialect.hw.HardwareModel;

/**
 * CMSwitch's roofline: an operator of `OP` MACs and arithmetic intensity `AI` (MACs per byte)
 * on `c` compute-mode arrays and `m` memory-mode arrays takes
 *
 * <pre>
 *   L = OP / min(c OP_cim, (m D_cim + D_main) AI)
 * </pre>
 *
 * cycles, OP_cim = rows x columns / input bits, the MACs per cycle of one array computing
 * bit-serially, D_cim its bandwidth in memory mode and D_main that of global memory. A product
 * of two activations uses its compute arrays once one operand is written into them (the
 * vector lanes without arrays); vector work runs at the lanes' rate under the same bandwidth
 * roof; a move at the bandwidth.
 */
public final class RooflineCostModel implements CostModel {
  @Override
  public String name() {
    return "roofline";
  }

  /** MACs per cycle of one array in compute mode. */
  public static double arrayMacsPerCycle(HardwareModel hw) {
    HardwareModel.Macro m = hw.core().macro();
    return (double) m.rows() * m.columns() / m.inputBits();
  }

  /** Bytes per cycle feeding the operator: (m D_cim + D_main). */
  public static double bandwidth(Allocation a, HardwareModel hw) {
    return a.memoryArrays() * hw.core().macro().memoryBytesPerCycle()
        + hw.global().bytesPerCycle();
  }

  @Override
  public double latency(Demand d, Allocation a, HardwareModel hw) {
    double memoryRoof = bandwidth(a, hw) * d.intensity();
    // Only the macros a copy fills compute; the rest of its groups idle.
    double active = d.kind() == Demand.Kind.MVM || d.kind() == Demand.Kind.DMM
        ? (double) CostModel.activeArraysPerCopy(d, hw) / CostModel.arraysPerCopy(d, hw) : 0;
    double computeRoof = switch (d.kind()) {
      case MVM -> a.computeArrays() * active * arrayMacsPerCycle(hw);
      case DMM -> a.computeArrays() > 0 ? a.computeArrays() * active * arrayMacsPerCycle(hw)
          : hw.core().vector().lanes();
      case VEC -> hw.core().vector().lanes();
      case MOVE -> Double.POSITIVE_INFINITY;
    };
    if (d.kind() == Demand.Kind.MOVE) {
      return d.work() / bandwidth(a, hw);
    }
    double rate = Math.min(computeRoof, memoryRoof);
    return d.work() == 0 ? 0 : d.work() / rate;
  }
}
