package cimir.lowering.alloc;

import java.util.ArrayList;
import java.util.List;

/**
 * One stage's allocation problem, in numbers: the operators that share the chip during the
 * stage, the producer-consumer edges between them, the chip's arrays, the batch and the
 * objective. Both allocators ({@link ExactAllocator}, {@link MipAllocator}) and the tests'
 * brute force solve exactly this; {@link #evaluate} is the one definition of the objective.
 *
 * <p>The model (arrays are interchangeable; coordinates do not matter):
 *
 * <pre>
 *   u_i   copies of operator i's weights, compute arrays c_i = a_i u_i
 *         (u_i >= 1 for a weight product, u_i >= 0 for a product of activations, 0 otherwise)
 *   y_i   memory-mode arrays buffering operator i's output; they are its output buffer and,
 *         in place, the input buffer of its consumers in the stage
 *   B_i = y_i + sum_{p in pred(i)} y_p            memory-mode arrays feeding operator i
 *   L_i = max( w_i / R_i(u_i),  b_i / (B_i D_cim + D_main) )    cycles per inference
 *         R_i(u) = a_i u OP_cim (weights), lanes + a_i u OP_cim (activations), lanes (vector)
 *         b_i = bytes streamed per inference: inputs and outputs (stationary weights are
 *         loaded once, in l_i below)
 *   T   = max_i L_i                                 the stage's pipeline period
 *   cores: k_i = ceil(u_i / floor(M / a_i)) if a_i <= M else u_i ceil(a_i / M);
 *          sum_i k_i <= P when P > 1 (on a chip of several cores an operator owns whole
 *          cores, as CIMFlow places layers; a single core pools its arrays, as CMSwitch);
 *          sum_i a_i u_i + sum_i y_i <= N = P M
 *   switches against the previous modes (M' arrays in memory mode, the rest compute):
 *          sw = max(0, sum y - M') + max(0, sum c - (N - M'))
 *   Lc = batch T + t_sw sw + sum_i l_i u_i + L0     cycles (l_i: loading one copy)
 *   Ec = batch sum_i e_i + s max(1, sum k) batch T + e_sw sw + sum_i f_i u_i + E0    pJ
 *   minimise Lc (latency), Ec (energy) or Lc + lambda Ec (weighted)
 * </pre>
 *
 * The weighted objective is a step of the energy-delay product's search over a whole function
 * ({@code cimir.transforms.segment.EdpSearch}): a product of sums over stages is no sum of
 * per-stage terms, a weighted sum is.
 *
 * @param ops the operators
 * @param edges producer-consumer pairs {p, i}, indices into `ops`
 * @param chip the arrays and rates
 * @param batch inferences the stage runs
 * @param objective what to minimise
 * @param previousMemory M', arrays left in memory mode by the previous stage
 * @param duplicate whether operators may take more than their fewest copies
 * @param fixedCycles L0, cycles the stage costs whatever the allocation (spills)
 * @param fixedPj E0, energy the stage costs whatever the allocation
 * @param energyWeight lambda, cycles per picojoule in the weighted objective
 */
public record StageProblem(List<Item> ops, List<int[]> edges, Chip chip, long batch,
    Objective objective, long previousMemory, boolean duplicate, double fixedCycles,
    double fixedPj, double energyWeight) {

  /** What to minimise. */
  public enum Objective { LATENCY, ENERGY, WEIGHTED }

  /** A problem whose objective needs no energy weight. */
  public StageProblem(List<Item> ops, List<int[]> edges, Chip chip, long batch,
      Objective objective, long previousMemory, boolean duplicate, double fixedCycles,
      double fixedPj) {
    this(ops, edges, chip, batch, objective, previousMemory, duplicate, fixedCycles, fixedPj,
        0);
  }

  /** How an operator uses arrays. */
  public enum Use {
    /** weight-stationary product: at least one copy of its weights in compute arrays */
    WEIGHTS,
    /** product of activations: on the vector lanes, optionally also on arrays holding one operand */
    ACTIVATIONS,
    /** vector work on the lanes */
    VECTOR,
    /** data movement: bandwidth only */
    MOVE
  }

  /**
   * One operator.
   *
   * @param name for reports
   * @param use how it uses arrays
   * @param arraysPerCopy a_i
   * @param work w_i, MACs or element operations per inference (0 for a move)
   * @param bytes b_i, bytes it streams per inference
   * @param loadCycles l_i, cycles to load one copy of its weights
   * @param loadPj f_i, energy to load one copy
   * @param dynamicPj e_i, dynamic energy per inference
   */
  public record Item(String name, Use use, long arraysPerCopy, long activeArraysPerCopy,
      double work, double bytes, double loadCycles, double loadPj, double dynamicPj) {
    /** An item whose copies compute on every array they occupy. */
    public Item(String name, Use use, long arraysPerCopy, double work, double bytes,
        double loadCycles, double loadPj, double dynamicPj) {
      this(name, use, arraysPerCopy, arraysPerCopy, work, bytes, loadCycles, loadPj,
          dynamicPj);
    }

    /** MACs per cycle of one copy on `chip`. */
    public double copyRate(Chip chip) {
      return activeArraysPerCopy * chip.arrayMacsPerCycle();
    }

    /** The fewest copies the operator may have. */
    public long minCopies() {
      return use == Use.WEIGHTS ? 1 : 0;
    }

    /** Whether it can take copies at all. */
    public boolean usesArrays() {
      return (use == Use.WEIGHTS || use == Use.ACTIVATIONS) && arraysPerCopy > 0;
    }
  }

  /**
   * The chip, as the allocation sees it.
   *
   * @param cores P
   * @param arraysPerCore M
   * @param arrayMacsPerCycle OP_cim of one compute-mode array
   * @param lanes element operations per cycle of the vector unit
   * @param memoryBytesPerCycle D_cim of one memory-mode array
   * @param mainBytesPerCycle D_main, the global memory's bandwidth, available to every operator
   * @param dualMode whether arrays may serve as memory at all
   * @param switchCycles t_sw per switched array
   * @param switchPj e_sw per switched array
   * @param staticPjPerCoreCycle s, static energy of one core per cycle
   */
  public record Chip(long cores, long arraysPerCore, double arrayMacsPerCycle, double lanes,
      double memoryBytesPerCycle, double mainBytesPerCycle, boolean dualMode,
      double switchCycles, double switchPj, double staticPjPerCoreCycle) {
    /** Whether operators own whole cores (a chip of several cores) or share one pool. */
    public boolean exclusiveCores() {
      return cores > 1;
    }

    /** N, the arrays on the chip. */
    public long arrays() {
      return cores * arraysPerCore;
    }
  }

  /** An allocation of this problem: copies and buffer arrays per operator. */
  public record Choice(long[] copies, long[] buffers) {}

  /**
   * The figures of one allocation; {@code feasible} false when it breaks a capacity. The
   * transition is the part of the latency and energy spent entering the stage and leaving it:
   * mode switches, weight loads and spilled outputs.
   */
  public record Figures(boolean feasible, double period, double latencyCost, double energyCost,
      long computeArrays, long memoryArrays, long cores, long switches, double objective,
      double transitionCycles, double transitionPj) {}

  /** The most copies operator i may take: all the chip's arrays, if it may duplicate. */
  public long mostCopies(int i) {
    Item it = ops.get(i);
    return it.usesArrays() && duplicate ? chip.arrays() / it.arraysPerCopy() : it.minCopies();
  }

  /** The smallest allocation: every operator with its fewest copies, no buffer arrays. */
  public Choice fewest() {
    long[] min = new long[ops.size()];
    for (int i = 0; i < min.length; i++) {
      min[i] = ops.get(i).minCopies();
    }
    return new Choice(min, new long[ops.size()]);
  }

  /** pred(i): the producers of each operator inside the stage. */
  public List<List<Integer>> predecessors() {
    List<List<Integer>> pred = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      pred.add(new ArrayList<>());
    }
    for (int[] e : edges) {
      pred.get(e[1]).add(e[0]);
    }
    return pred;
  }

  /** succ(i): the consumers of each operator inside the stage. */
  public List<List<Integer>> successors() {
    List<List<Integer>> succ = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      succ.add(new ArrayList<>());
    }
    for (int[] e : edges) {
      succ.get(e[0]).add(e[1]);
    }
    return succ;
  }

  /** R_i(u): operations per cycle of operator i with u copies (infinite for a move). */
  public double computeRate(int i, long copies) {
    Item it = ops.get(i);
    double arrays = it.copyRate(chip) * copies;
    return switch (it.use()) {
      case WEIGHTS -> arrays;
      case ACTIVATIONS -> chip.lanes() + arrays;
      case VECTOR -> chip.lanes();
      case MOVE -> Double.POSITIVE_INFINITY;
    };
  }

  /** L_i: cycles per inference of operator i with `copies` copies and `buffers` arrays. */
  public double latency(int i, long copies, long buffers) {
    Item it = ops.get(i);
    double compute = it.work() == 0 ? 0 : it.work() / computeRate(i, copies);
    double memory = it.bytes() == 0 ? 0
        : it.bytes() / (buffers * chip.memoryBytesPerCycle() + chip.mainBytesPerCycle());
    return Math.max(compute, memory);
  }

  /** k_i: cores holding `copies` copies of operator i. */
  public long cores(int i, long copies) {
    long a = ops.get(i).arraysPerCopy();
    if (copies == 0 || a == 0) {
      return 0;
    }
    long m = chip.arraysPerCore();
    return a <= m ? ceilDiv(copies, m / a) : copies * ceilDiv(a, m);
  }

  /** The objective and figures of an allocation, or infeasible. */
  public Figures evaluate(Choice c) {
    List<List<Integer>> pred = predecessors();
    double period = 0;
    long compute = 0;
    long memory = 0;
    long cores = 0;
    double loads = 0;
    double loadPj = 0;
    double dynamic = 0;
    boolean feasible = true;
    for (int i = 0; i < ops.size(); i++) {
      Item it = ops.get(i);
      long u = c.copies()[i];
      long y = c.buffers()[i];
      if (u < it.minCopies() || (u > 0 && !it.usesArrays()) || y < 0
          || (!duplicate && u != it.minCopies())
          || (y > 0 && !chip.dualMode())) {
        feasible = false;
      }
      long feeding = y;
      for (int p : pred.get(i)) {
        feeding += c.buffers()[p];
      }
      period = Math.max(period, latency(i, u, feeding));
      compute += it.arraysPerCopy() * u;
      memory += y;
      cores += cores(i, u);
      loads += it.loadCycles() * u;
      loadPj += it.loadPj() * u;
      dynamic += it.dynamicPj();
    }
    if ((chip.exclusiveCores() && cores > chip.cores()) || compute + memory > chip.arrays()) {
      feasible = false;
    }
    cores = Math.min(cores, chip.cores());
    long switches = Math.max(0, memory - previousMemory)
        + Math.max(0, compute - (chip.arrays() - previousMemory));
    double transitionCycles = chip.switchCycles() * switches + loads + fixedCycles;
    double transitionPj = chip.switchPj() * switches + loadPj + fixedPj;
    double latencyCost = batch * period + transitionCycles;
    double energyCost = batch * dynamic
        + chip.staticPjPerCoreCycle() * Math.max(1, cores) * batch * period + transitionPj;
    double objective = switch (objective()) {
      case LATENCY -> latencyCost;
      case ENERGY -> energyCost;
      case WEIGHTED -> latencyCost + energyWeight * energyCost;
    };
    return new Figures(feasible, period, latencyCost, energyCost, compute, memory, cores,
        switches, objective, transitionCycles, transitionPj);
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
