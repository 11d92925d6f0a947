package cimir.lowering.alloc;

import cimir.dialect.hw.HardwareModel;
import cimir.lowering.cost.CostModel;
import cimir.lowering.cost.Demand;
import cimir.lowering.cost.RooflineCostModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link StageProblem}s from operators' demands on a hardware model: the numbers of
 * the roofline ({@link RooflineCostModel}) and of the energy table, so that an allocation's
 * period is the roofline latency of its slowest operator. One departure from the roofline of
 * a lone operator: a weight-stationary product's weights are written into its arrays once per
 * stage, which the stage pays as their load (`l_i`), so its memory term counts only its inputs
 * and outputs; counting the weights there too would charge them once per inference on top of
 * the load.
 *
 * @param hw the chip
 * @param batch inferences per stage
 * @param objective what stages minimise
 * @param memoryMode whether arrays may serve as memory (false: the all-compute policy)
 * @param duplicate whether operators may take extra weight copies
 * @param energyWeight lambda of the weighted objective, cycles per picojoule
 */
public record StageModel(HardwareModel hw, long batch, StageProblem.Objective objective,
    boolean memoryMode, boolean duplicate, double energyWeight) {

  /** A model whose objective needs no energy weight. */
  public StageModel(HardwareModel hw, long batch, StageProblem.Objective objective,
      boolean memoryMode, boolean duplicate) {
    this(hw, batch, objective, memoryMode, duplicate, 0);
  }

  /** This model minimising `objective` (with no weight: latency or energy). */
  public StageModel with(StageProblem.Objective objective) {
    return new StageModel(hw, batch, objective, memoryMode, duplicate, 0);
  }

  /** This model minimising latency + `lambda` x energy. */
  public StageModel withEnergyWeight(double lambda) {
    return new StageModel(hw, batch, StageProblem.Objective.WEIGHTED, memoryMode, duplicate,
        lambda);
  }

  /** The chip as allocations see it. */
  public StageProblem.Chip chip() {
    HardwareModel.Macro m = hw.core().macro();
    return new StageProblem.Chip(hw.cores(), hw.core().macros(),
        RooflineCostModel.arrayMacsPerCycle(hw), hw.core().vector().lanes(),
        m.memoryBytesPerCycle(), hw.global().bytesPerCycle(), memoryMode && m.dualMode(),
        m.switchCycles(), hw.energy().switchPj(),
        hw.energy().staticMwPerCore() * hw.nsPerCycle());
  }

  /** One operator's numbers. */
  public StageProblem.Item item(String name, Demand d) {
    StageProblem.Use use = switch (d.kind()) {
      case MVM -> StageProblem.Use.WEIGHTS;
      case DMM -> StageProblem.Use.ACTIVATIONS;
      case VEC -> StageProblem.Use.VECTOR;
      case MOVE -> StageProblem.Use.MOVE;
    };
    boolean arrays = d.kind() == Demand.Kind.MVM || d.kind() == Demand.Kind.DMM;
    long perCopy = arrays ? CostModel.arraysPerCopy(d, hw) : 0;
    long active = arrays ? CostModel.activeArraysPerCopy(d, hw) : 0;
    boolean stationary = d.kind() == Demand.Kind.MVM;
    // Stationary weights are loaded once per stage (loadCycles), not streamed per inference.
    double bytes = d.kind() == Demand.Kind.MOVE ? d.work()
        : d.inputBytes() + d.outputBytes() + (stationary ? 0 : d.weightBytes());
    double work = d.kind() == Demand.Kind.MOVE ? 0 : d.work();
    double loadCycles = stationary ? (double) d.weightBytes() / hw.global().bytesPerCycle() : 0;
    HardwareModel.Energy e = hw.energy();
    double loadPj = stationary
        ? d.weightBytes() * (e.globalPjPerByte() + e.weightWritePjPerByte()) : 0;
    return new StageProblem.Item(name, use, perCopy, active, work, bytes, loadCycles, loadPj,
        CostModel.dynamicEnergy(d, hw));
  }

  /** A move that only slices the weights of a product: no time, bytes or energy of its own. */
  public StageProblem.Item weightView(String name) {
    return new StageProblem.Item(name, StageProblem.Use.MOVE, 0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * The problem of a stage of `items`, with `edges` between them (indices into `items`, in
   * topological order), `spillBytes` of outputs written to global memory for later stages, and
   * `previousMemory` arrays left in memory mode.
   */
  public StageProblem problem(List<StageProblem.Item> items, List<int[]> edges,
      long spillBytes, long previousMemory) {
    return new StageProblem(List.copyOf(items), new ArrayList<>(edges), chip(), batch,
        objective, previousMemory, duplicate,
        (double) spillBytes * batch / hw.global().bytesPerCycle(),
        (double) spillBytes * batch * hw.energy().globalPjPerByte(), energyWeight);
  }

  /**
   * The stage objective of an option value: `latency`, `energy`, and for `edp` latency, where
   * the search over energy weights starts ({@code cimir.transforms.segment.EdpSearch}).
   */
  public static StageProblem.Objective objective(String name) {
    return name.equals("edp") ? StageProblem.Objective.LATENCY
        : StageProblem.Objective.valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}
