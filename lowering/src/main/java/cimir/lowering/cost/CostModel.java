package cimir.lowering.cost;

import cimir.dialect.hw.HardwareModel;
import java.util.List;

/**
 * Latency (cycles) and energy (pJ) of operators, stages and transitions on a chip. Two
 * formulas where the papers differ ({@link CimflowCostModel}, {@link RooflineCostModel}); they
 * share the minimal allocation, the energy model and the stage and transition rules.
 */
public interface CostModel {
  /** Cycles for one inference of `d` on `a`. */
  double latency(Demand d, Allocation a, HardwareModel hw);

  /** The model's name, as options spell it (`cimflow`, `roofline`). */
  String name();

  /** The `cost-model` option of passes that use one. */
  cimir.pass.PassOption OPTION = cimir.pass.PassOption.choice("cost-model", "cimflow",
      "the cost formulas", "cimflow", "roofline");

  /** The model called `name` (`cimflow` or `roofline`). */
  static CostModel byName(String name) {
    return name.equals("roofline") ? new RooflineCostModel() : new CimflowCostModel();
  }

  /**
   * The smallest allocation that holds the operator: per group, ceil(K / depth) x ceil(N /
   * columns) arrays, depth and columns those of one macro; the cores those arrays fill. Vector
   * work and moves hold no arrays.
   */
  static Allocation minimal(Demand d, HardwareModel hw) {
    if (d.kind() != Demand.Kind.MVM) {
      return new Allocation(0, 1, 0, d.kind() == Demand.Kind.DMM ? 1 : 0);
    }
    long arrays = arraysPerCopy(d, hw);
    return new Allocation(arrays, 1, 0, ceilDiv(arrays, hw.core().macros()));
  }

  /**
   * Arrays one copy of an MVM's weights occupies. The macros of a macro group share one input
   * vector, so a copy takes whole groups: per convolution group and per K-slice of a macro's
   * depth, ceil(ceil(N / columns) / G) groups of G macros; the rest of a group it does not
   * fill cannot serve another input.
   */
  static long arraysPerCopy(Demand d, HardwareModel hw) {
    long g = hw.core().macrosPerGroup();
    return d.groups() * ceilDiv(d.k(), hw.core().macro().reductionDepth())
        * ceilDiv(ceilDiv(d.n(), hw.core().macro().columns()), g) * g;
  }

  /** Arrays of one copy that compute: ceil(N / columns) macros per group and K-slice. */
  static long activeArraysPerCopy(Demand d, HardwareModel hw) {
    HardwareModel.Macro m = hw.core().macro();
    return d.groups() * ceilDiv(d.k(), m.reductionDepth()) * ceilDiv(d.n(), m.columns());
  }

  /**
   * Dynamic energy of one inference: products at `macPj` per MAC (element operations at
   * `vectorPjPerOp`), activations read and written once in local SRAM.
   */
  static double dynamicEnergy(Demand d, HardwareModel hw) {
    HardwareModel.Energy e = hw.energy();
    double compute = switch (d.kind()) {
      case MVM, DMM -> d.work() * e.macPj();
      case VEC -> d.work() * e.vectorPjPerOp();
      case MOVE -> 0;
    };
    double sram = (d.inputBytes() + d.outputBytes() + (d.kind() == Demand.Kind.MOVE
        ? d.work() : 0)) * e.localPjPerByte();
    return compute + sram;
  }

  /** Static energy of `cores` cores (at least one) over `cycles`. */
  static double staticEnergy(long cores, double cycles, HardwareModel hw) {
    double seconds = cycles * hw.nsPerCycle() * 1e-9;
    return hw.energy().staticMwPerCore() * 1e-3 * Math.max(1, cores) * seconds * 1e12;
  }

  /**
   * Energy of one inference on `a`: the dynamic energy plus the static power of the cores it
   * occupies for its latency.
   */
  default double energy(Demand d, Allocation a, HardwareModel hw) {
    return dynamicEnergy(d, hw) + staticEnergy(a.cores(), latency(d, a, hw), hw);
  }

  /**
   * Energy of a stage over `batch` inferences: every operator's dynamic energy per inference,
   * plus the static power of all the stage's cores over the stage's latency.
   */
  default double stageEnergy(List<Demand> ops, List<Allocation> allocs, long batch,
      HardwareModel hw) {
    double dynamic = 0;
    long cores = 0;
    for (int i = 0; i < ops.size(); i++) {
      dynamic += dynamicEnergy(ops.get(i), hw) * batch;
      cores += allocs.get(i).cores();
    }
    return dynamic + staticEnergy(cores, stageLatency(ops, allocs, batch, hw), hw);
  }

  /**
   * A stage of operators pipelined over `batch` inferences: the slowest operator's time for
   * the batch, plus fill and drain (one vector's time through every other operator:
   * latency / M each).
   */
  default double stageLatency(List<Demand> ops, List<Allocation> allocs, long batch,
      HardwareModel hw) {
    double slowest = 0;
    double fill = 0;
    for (int i = 0; i < ops.size(); i++) {
      double l = latency(ops.get(i), allocs.get(i), hw);
      slowest = Math.max(slowest, l);
      fill += l / Math.max(1, ops.get(i).m());
    }
    return slowest * batch + fill;
  }

  /**
   * Entering a stage: loading `weightBytes` from global memory into arrays (each byte read
   * from global memory and written into a macro), switching `switches` arrays between modes,
   * and spilling (or fetching) `spillBytes` of live activations over the global memory port.
   * Returns {cycles, pJ}.
   */
  static double[] transition(long weightBytes, long switches, long spillBytes,
      HardwareModel hw) {
    HardwareModel.Energy e = hw.energy();
    double cycles = (double) (weightBytes + spillBytes) / hw.global().bytesPerCycle()
        + (double) switches * hw.core().macro().switchCycles();
    double pj = weightBytes * (e.globalPjPerByte() + e.weightWritePjPerByte())
        + spillBytes * e.globalPjPerByte() + switches * e.switchPj();
    return new double[] {cycles, pj};
  }

  /**
   * Whether a diagonally packed depthwise product of `taps` kernel taps gives each tap a row
   * selection of its own on `macro` (meta-to-isa's layout when the taps fit the row selections
   * and a block's channels a row: docs/design/meta-to-isa.md, 13).
   */
  static boolean rowSelectionPerTap(HardwareModel.Macro macro, long taps) {
    return taps <= macro.rowSelect() && macro.columns() <= macro.rows();
  }

  /**
   * Row selections each kernel row of a dense convolution takes on `core` when meta-to-isa
   * gives every kernel row row selections of its own (its `kw x cin` inputs, contiguous in an
   * NHWC input, then zeros up to a whole number of row selections), or 0 when it does not:
   * one width of macros and one deep tile hold a copy (`cout <= columns x T`, `kh` kernel
   * rows within a macro's row selections), and the kernel's columns are not dilated. The
   * arrays then read each pixel's input where it lies, without a gather
   * (docs/design/meta-to-isa.md, 13).
   */
  public static long kernelRowSelections(HardwareModel.Core core, long kh, long kw, long cin,
      long cout, long dilationW) {
    HardwareModel.Macro macro = core.macro();
    long perRow = ceilDiv(kw * cin, macro.rows());
    boolean fits = dilationW == 1 && cout <= (long) macro.columns() * core.macrosPerGroup()
        && kh * perRow <= macro.rowSelect();
    return fits ? perRow : 0;
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
