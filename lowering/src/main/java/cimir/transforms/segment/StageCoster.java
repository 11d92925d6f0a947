package cimir.transforms.segment;

import cimir.lowering.alloc.Allocated;
import cimir.lowering.alloc.ExactAllocator;
import cimir.lowering.alloc.StageModel;
import cimir.lowering.alloc.StageProblem;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The cost of a candidate stage: the optimum of its allocation problem ({@link StageProblem}),
 * with the outputs that leave the stage spilled to global memory. The exact combinatorial
 * path answers where it applies, the MIP elsewhere.
 *
 * <p>A candidate is costed as if the chip were at rest before it (every array in compute
 * mode, so its memory-mode arrays are all switched), which keeps the cost a function of the
 * stage alone, as the DP needs. The true switch count depends on the stage before (arrays
 * already in memory mode need not switch, arrays left there may have to switch back);
 * `mode-alloc` solves the chosen stages in order against it.
 */
public final class StageCoster implements ToDoubleFunction<BitSet> {
  private final StageModel model;
  private final List<StageProblem.Item> items;
  private final Partitioner.Network network;
  private final List<List<Integer>> consumers = new ArrayList<>();
  private final long[] outputBytes;
  private final boolean[] liveOut;
  private final Function<StageProblem, Allocated> mip;
  long exactSolved;
  double worstGap;

  /**
   * @param outputBytes per operator, the bytes of its result per inference
   * @param liveOut per operator, whether its result leaves the function
   * @param mip the solver for problems the exact path does not take
   */
  public StageCoster(StageModel model, List<StageProblem.Item> items,
      Partitioner.Network network, long[] outputBytes, boolean[] liveOut,
      Function<StageProblem, Allocated> mip) {
    this.model = model;
    this.items = items;
    this.network = network;
    this.outputBytes = outputBytes;
    this.liveOut = liveOut;
    this.mip = mip;
    for (int i = 0; i < network.size(); i++) {
      consumers.add(new ArrayList<>());
    }
    for (int i = 0; i < network.size(); i++) {
      for (int p : network.preds().get(i)) {
        consumers.get(p).add(i);
      }
    }
  }

  /** The allocation problem of `stage` after a stage that left `previousMemory` arrays. */
  public StageProblem problem(BitSet stage, long previousMemory) {
    int[] local = new int[network.size()];
    List<StageProblem.Item> its = new ArrayList<>();
    long spill = 0;
    for (int i = stage.nextSetBit(0); i >= 0; i = stage.nextSetBit(i + 1)) {
      local[i] = its.size();
      its.add(items.get(i));
      boolean leaves = liveOut[i];
      for (int c : consumers.get(i)) {
        leaves |= !stage.get(c);
      }
      spill += leaves ? outputBytes[i] : 0;
    }
    List<int[]> edges = new ArrayList<>();
    for (int i = stage.nextSetBit(0); i >= 0; i = stage.nextSetBit(i + 1)) {
      for (int p : network.preds().get(i).stream().distinct().toList()) {
        if (stage.get(p)) {
          edges.add(new int[] {local[p], local[i]});
        }
      }
    }
    return model.problem(its, edges, spill, previousMemory);
  }

  /** The optimal allocation of `stage`. */
  public Allocated allocate(BitSet stage, long previousMemory) {
    StageProblem p = problem(stage, previousMemory);
    var exact = ExactAllocator.solve(p);
    if (exact.isPresent()) {
      exactSolved++;
      return exact.get();
    }
    Allocated a = mip.apply(p);
    worstGap = Math.max(worstGap, a.gap());
    return a;
  }

  @Override
  public double applyAsDouble(BitSet stage) {
    if (!fits(stage)) {
      return Double.POSITIVE_INFINITY;
    }
    Allocated a = allocate(stage, 0); // at rest: no array in memory mode

    return a.feasible() ? a.objective() : Double.POSITIVE_INFINITY;
  }

  /** Whether the stage's operators fit with their fewest arrays and cores (a quick test). */
  private boolean fits(BitSet stage) {
    StageProblem.Chip chip = model.chip();
    long arrays = 0;
    long cores = 0;
    for (int i = stage.nextSetBit(0); i >= 0; i = stage.nextSetBit(i + 1)) {
      StageProblem.Item it = items.get(i);
      long a = it.arraysPerCopy() * it.minCopies();
      arrays += a;
      cores += a == 0 ? 0 : a <= chip.arraysPerCore() ? 1 : (a + chip.arraysPerCore() - 1)
          / chip.arraysPerCore();
    }
    return arrays <= chip.arrays() && (!chip.exclusiveCores() || cores <= chip.cores());
  }
}
