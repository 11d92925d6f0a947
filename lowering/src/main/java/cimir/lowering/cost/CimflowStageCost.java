package cimir.lowering.cost;

import cimir.dialect.hw.HardwareModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIMFlow's stage cost (its partitioner's `calc_best_strategy_on_chip`), exactly: the cycles a
 * set of convolutions takes when all of them sit on the chip at once and a batch of b images
 * streams through them.
 *
 * <p>Per layer i (Kd_i = Cin_i Kh_i Kw_i; {@link CimflowCostModel} for rep_in, t, L), with r_i
 * core-level replicas, image k served by replica k mod r_i:
 *
 * <pre>
 *   cores_i = ceil(Cout_i / (W T))                       cores per replica
 *   calc_i  = ceil(b t_i / r_i)                          t_i = ceil(Hout_i Wout_i m a / rep_in_i)
 *   cost    = max_i calc_i + comm
 *   comm    = max( ceil(max_c load_c / B), ceil(G / D_g), ceil(R / B) )
 *             + max_{i, rho} ring_{i, rho} + sum_i L_i r_i
 * </pre>
 *
 * where, summed over the b images and every transfer (a tensor of Ch channels and H x W
 * pixels, its bytes |x| = Ch H W a / 8, a slice of c channels c H W a / 8):
 *
 * <ul>
 *   <li>load_c: bytes core c sends or receives. A replica sends its output as slices of at most
 *       W T channels, one per core in placement order. A replica receives from a producer on chip
 *       in slices of at most W T channels dealt round-robin to its cores, from global memory in
 *       n near-equal slices (the first Ch mod n cores one channel more);
 *   <li>G: global-memory bytes: every edge between layers of the stage that is not on chip is
 *       written and read (2 |x|), every edge from outside the stage and the network input are
 *       read (|x|, once per adjacency entry, so duplicate entries count twice), every layer
 *       whose output leaves the stage (a consumer outside it, or a stage output) writes |x|;
 *   <li>R: the largest on-chip request, max over slices of (slice bytes) x (Manhattan hops from
 *       the sending core to receiving core number (sender index mod n));
 *   <li>ring_{i, rho}: replica rho of layer i all-gathers every input it receives around the
 *       ring of its n cores: sum over receptions of ceil(d_ring max_p received_p / B), d_ring
 *       the length of the closed ring in hops.
 * </ul>
 *
 * Which edges are on chip: the stage is split into chains, each the longest path left
 * (greedily); consecutive layers of a chain talk over the NoC, every other edge through global
 * memory. The chains, concatenated, are the placement order. Cores are dealt along one of four
 * space-filling orders of the mesh ({@link #pattern}), layer by layer, replica by replica, core
 * by core.
 *
 * <p>The replication search, per pattern: start from r = 1; evaluate and keep the cheapest
 * (strict &lt;); then give one more replica to the layer with the largest calc_i (ties to the
 * later layer in placement order) among those with r_i + 1 &lt;= b and sum_j cores_j r_j +
 * cores_i &lt;= C; stop when none qualifies. Patterns are tried in order 0..3, strict &lt;.
 * A stage with sum_i cores_i &gt; C does not fit, nor does one with a layer deeper than a core
 * (Kd_i &gt; H m K), which the reference rejects with an error.
 *
 * <p>Symbols: C the chip's cores, W T output channels per core (W macro columns, T macros
 * per group), m row selections, a activation bits, B the NoC flit bytes, D_g the global
 * memory's bytes per cycle, b the batch.
 */
public final class CimflowStageCost {
  private CimflowStageCost() {}

  /** A feature map [1, C, H, W]. */
  public record Tensor(long channels, long height, long width) {
    /** Bytes of `c` of its channels at `bits` per element. */
    long sliceBytes(long c, int bits) {
      return c * height * width * bits / 8;
    }
  }

  /**
   * A convolution of the condensed DAG (one node per dense convolution; the vector operators
   * around it are absorbed and not costed).
   */
  public record Layer(int id, long inChannels, long outChannels, long kernelH, long kernelW,
      long outH, long outW) {
    /** Its output, which is also the tensor on every edge it starts. */
    public Tensor output() {
      return new Tensor(outChannels, outH, outW);
    }

    /**
     * Its demand for {@link CimflowCostModel}: K = Cin Kh Kw, N = Cout, M = Hout Wout (one
     * image), at `bits` for weights and activations; input bytes are not part of this model
     * (0).
     */
    public Demand demand(int bits) {
      long k = inChannels * kernelH * kernelW;
      long m = outH * outW;
      return new Demand(Demand.Kind.MVM, "conv2d", k, outChannels, m, 1, bits, bits, 32,
          outChannels * k * bits / 8, 0, outChannels * m * bits / 8, m * k * outChannels);
    }
  }

  /**
   * The condensed convolution DAG. Layer ids are their indices. `successors` keeps one entry
   * per graph edge between two layers' groups, duplicates included; `inputs` are layers that
   * read the network input (with its shape), `outputs` layers whose result is needed after
   * the DAG (written to global memory).
   */
  public record Dag(List<Layer> layers, List<List<Integer>> successors,
      Map<Integer, Tensor> inputs, Set<Integer> outputs) {
    public Dag {
      for (int i = 0; i < layers.size(); i++) {
        if (layers.get(i).id() != i) {
          throw new IllegalArgumentException("layer " + i + " has id " + layers.get(i).id());
        }
      }
      if (successors.size() != layers.size()) {
        throw new IllegalArgumentException("successor lists for " + successors.size()
            + " layers, but " + layers.size() + " layers");
      }
      layers = List.copyOf(layers);
      successors = successors.stream().map(List::copyOf).toList();
      inputs = Map.copyOf(inputs);
      outputs = Set.copyOf(outputs);
    }

    public int size() {
      return layers.size();
    }

    /** Predecessor entries, duplicates included, in the order of the successor lists. */
    public List<List<Integer>> predecessors() {
      List<List<Integer>> pred = new ArrayList<>();
      for (int i = 0; i < size(); i++) {
        pred.add(new ArrayList<>());
      }
      for (int i = 0; i < size(); i++) {
        for (int j : successors.get(i)) {
          pred.get(j).add(i);
        }
      }
      return pred;
    }

    /** Whether some edge goes from `a` to `b`. */
    public boolean hasEdge(int a, int b) {
      return successors.get(a).contains(b);
    }
  }

  /**
   * The batch and whether the replication search runs (CIMFlow's dp and baseline1 run it,
   * baseline2 keeps one replica per layer).
   */
  public record Options(int batch, boolean replicate) {
    public Options {
      if (batch < 1) {
        throw new IllegalArgumentException("batch " + batch);
      }
    }
  }

  /** A core at mesh row x, column y. */
  public record Core(int x, int y) {
    int hops(Core o) {
      return Math.abs(x - o.x) + Math.abs(y - o.y);
    }
  }

  /**
   * One layer as placed: cores per replica, replicas, its calc_i, and cores[replica][core].
   */
  public record Placed(int layer, int coresPerReplica, int replicas, long calc,
      List<List<Core>> cores) {}

  /**
   * A stage's cost and its terms (`total = calc + comm`, `comm = max(nodeLoad, global,
   * request) + ring + weightLoad`), the chosen pattern, the chains and the layers in placement
   * order. When the stage does not fit, `fits` is false, `reason` says why and the numbers are
   * meaningless.
   */
  public record Result(boolean fits, String reason, long total, long calc, long comm,
      long nodeLoad, long global, long request, long ring, long weightLoad, int pattern,
      int coresUsed, List<List<Integer>> chains, List<Placed> layers) {
    static Result doesNotFit(String reason, List<List<Integer>> chains) {
      return new Result(false, reason, Long.MAX_VALUE, 0, 0, 0, 0, 0, 0, 0, -1, 0, chains,
          List.of());
    }

    /** The placed layer `id`. */
    public Placed layer(int id) {
      return layers.stream().filter(p -> p.layer() == id).findFirst().orElseThrow();
    }
  }

  /** Patterns tried per stage. */
  public static final int PATTERNS = 4;

  /**
   * Placement order number `index` on a side x side mesh: element n is the n-th core cores are
   * dealt to. 0: S-snake (rows alternately left to right and right to left); 1: two sides (the
   * left half snakes down from the middle of row 0, the right half snakes back up, so the
   * order ends next to where it starts); 2: snake of 2 x 2 blocks, blocks of a band visited
   * alternately vertical-first and horizontal-first, bands of two rows alternately left to
   * right and right to left; 3: the Hilbert curve (sides a power of two).
   */
  public static List<Core> pattern(int index, int side) {
    if (side < 2 || side % 2 != 0) {
      throw new IllegalArgumentException("placement patterns need an even mesh side, not "
          + side);
    }
    Core[] at = new Core[side * side];
    switch (index) {
      case 0 -> {
        for (int r = 0; r < side; r++) {
          for (int c = 0; c < side; c++) {
            at[r * side + c] = new Core(r, r % 2 == 0 ? c : side - 1 - c);
          }
        }
      }
      case 1 -> {
        int half = side / 2;
        int left = 0;
        int right = side * side - 1;
        for (int r = 0; r < side; r++) {
          for (int s = 0; s < half; s++) {
            at[left++] = new Core(r, r % 2 == 0 ? half - 1 - s : s);
            at[right--] = new Core(r, r % 2 == 0 ? half + s : side - 1 - s);
          }
        }
      }
      case 2 -> {
        int next = 0;
        for (int band = 0; band < side; band += 2) {
          boolean forward = (band / 2) % 2 == 0;
          for (int b = 0; b < side / 2; b++) {
            int col = forward ? 2 * b : side - 2 - 2 * b;
            // offsets (row, column) inside the 2 x 2 block, in visiting order
            int[][] order = forward
                ? (b % 2 == 0 ? new int[][] {{0, 0}, {1, 0}, {1, 1}, {0, 1}}
                    : new int[][] {{0, 0}, {0, 1}, {1, 1}, {1, 0}})
                : (b % 2 == 0 ? new int[][] {{0, 1}, {1, 1}, {1, 0}, {0, 0}}
                    : new int[][] {{0, 1}, {0, 0}, {1, 0}, {1, 1}});
            for (int[] o : order) {
              at[next++] = new Core(band + o[0], col + o[1]);
            }
          }
        }
      }
      case 3 -> {
        if (Integer.bitCount(side) != 1) {
          throw new IllegalArgumentException("the Hilbert pattern needs a power-of-two side, "
              + "not " + side);
        }
        for (int d = 0; d < side * side; d++) {
          at[d] = hilbert(side, d);
        }
      }
      default -> throw new IllegalArgumentException("no placement pattern " + index);
    }
    return List.of(at);
  }

  /** Cell `d` of the Hilbert curve on an n x n grid (n a power of two), starting at (0, 0). */
  private static Core hilbert(int n, int d) {
    int x = 0;
    int y = 0;
    int t = d;
    for (int s = 1; s < n; s *= 2) {
      int rx = 1 & (t / 2);
      int ry = 1 & (t ^ rx);
      if (ry == 0) {
        if (rx == 1) {
          x = s - 1 - x;
          y = s - 1 - y;
        }
        int swap = x;
        x = y;
        y = swap;
      }
      x += s * rx;
      y += s * ry;
      t /= 4;
    }
    return new Core(y, x);
  }

  /**
   * The chains of `stage` (layer ids, in the order given; the order breaks ties). Each round
   * takes the longest path left, ending at the first layer of greatest depth: depths are
   * propagated in breadth-first (Kahn) order from the sources, with in-degrees counted once
   * per ordered pair of stage layers and consumed across rounds, so after the first round
   * every remaining layer starts as a source and depths grow only along the visiting order.
   */
  public static List<List<Integer>> chains(Dag dag, List<Integer> stage) {
    int n = stage.size();
    List<List<Integer>> next = new ArrayList<>();
    int[] indeg = new int[n];
    for (int i = 0; i < n; i++) {
      next.add(new ArrayList<>());
      for (int j = 0; j < n; j++) {
        if (dag.hasEdge(stage.get(i), stage.get(j))) {
          next.get(i).add(j);
          indeg[j]++;
        }
      }
    }
    boolean[] used = new boolean[n];
    int done = 0;
    List<List<Integer>> chains = new ArrayList<>();
    while (done < n) {
      int[] depth = new int[n];
      int[] prev = new int[n];
      Arrays.fill(prev, -1);
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      for (int i = 0; i < n; i++) {
        if (indeg[i] == 0 && !used[i]) {
          queue.add(i);
          depth[i] = 1;
        }
      }
      while (!queue.isEmpty()) {
        int u = queue.poll();
        for (int v : next.get(u)) {
          if (used[v]) {
            continue;
          }
          if (depth[v] < depth[u] + 1) {
            depth[v] = depth[u] + 1;
            prev[v] = u;
          }
          if (--indeg[v] == 0) {
            queue.add(v);
          }
        }
      }
      int end = -1;
      for (int i = 0; i < n; i++) {
        if (!used[i] && (end == -1 || depth[i] > depth[end])) {
          end = i;
        }
      }
      List<Integer> chain = new ArrayList<>();
      for (int v = end; v != -1; v = prev[v]) {
        chain.add(0, stage.get(v));
        used[v] = true;
        done++;
      }
      chains.add(List.copyOf(chain));
    }
    return List.copyOf(chains);
  }

  /** The cost of running the layers `stage` (ids, in this order) as one stage. */
  public static Result of(Dag dag, List<Integer> stage, HardwareModel hw, Options options) {
    List<List<Integer>> chains = chains(dag, stage);
    List<Integer> order = new ArrayList<>();
    Set<Long> onChip = new HashSet<>();
    for (List<Integer> chain : chains) {
      order.addAll(chain);
      for (int i = 0; i + 1 < chain.size(); i++) {
        onChip.add(pair(chain.get(i), chain.get(i + 1)));
      }
    }
    int n = order.size();
    int[] cores = new int[n];
    long[] time = new long[n];
    long[] load = new long[n];
    long coresNeeded = 0;
    for (int i = 0; i < n; i++) {
      Demand d = dag.layers().get(order.get(i)).demand(hw.core().macro().weightBits());
      if (!CimflowCostModel.fits(d, hw)) {
        return Result.doesNotFit("layer " + order.get(i) + " reduces over " + d.k()
            + " rows, more than one core's " + (long) hw.core().macro().reductionDepth()
            * hw.core().macroGroups(), chains);
      }
      cores[i] = (int) CimflowCostModel.cores(d, hw);
      time[i] = CimflowCostModel.computeCycles(d, hw, 1);
      load[i] = CimflowCostModel.weightLoadCycles(d, hw);
      coresNeeded += cores[i];
    }
    if (coresNeeded > hw.cores()) {
      return Result.doesNotFit("the stage needs " + coresNeeded + " cores, the chip has "
          + hw.cores(), chains);
    }
    if (hw.meshRows() != hw.meshCols() || hw.meshRows() * hw.meshCols() != hw.cores()) {
      throw new IllegalArgumentException("CIMFlow's placement patterns need a square mesh of "
          + "all cores, not " + hw.meshRows() + " x " + hw.meshCols() + " for " + hw.cores());
    }
    Stage s = new Stage(dag, dag.predecessors(), order, onChip, cores, time, load, hw,
        options.batch());
    Result best = null;
    for (int p = 0; p < PATTERNS; p++) {
      List<Core> pattern = pattern(p, hw.meshRows());
      int[] replicas = new int[n];
      Arrays.fill(replicas, 1);
      Result bestHere = null;
      while (true) {
        Result r = s.evaluate(pattern, p, replicas, chains);
        if (bestHere == null || r.total() < bestHere.total()) {
          bestHere = r;
        }
        if (!options.replicate() || !s.replicateSlowest(r, replicas)) {
          break;
        }
      }
      if (best == null || bestHere.total() < best.total()) {
        best = bestHere;
      }
    }
    return best;
  }

  private static long pair(int a, int b) {
    return ((long) a << 32) | b;
  }

  /** The per-stage data one evaluation needs; layers indexed in placement order. */
  private record Stage(Dag dag, List<List<Integer>> pred, List<Integer> order,
      Set<Long> onChip, int[] cores, long[] time, long[] load, HardwareModel hw, int batch) {

    /**
     * Gives one more replica to the slowest layer that may have one (calc_i descending, ties
     * to the later index). Returns false when none may.
     */
    boolean replicateSlowest(Result r, int[] replicas) {
      int n = order.size();
      long used = 0;
      for (int i = 0; i < n; i++) {
        used += (long) cores[i] * replicas[i];
      }
      List<Placed> placed = r.layers();
      Integer[] byCalc = new Integer[n];
      for (int i = 0; i < n; i++) {
        byCalc[i] = i;
      }
      Arrays.sort(byCalc, Comparator.<Integer>comparingLong(i -> placed.get(i).calc())
          .thenComparingInt(i -> i).reversed());
      for (int i : byCalc) {
        if (replicas[i] + 1 <= batch && used + cores[i] <= hw.cores()) {
          replicas[i]++;
          return true;
        }
      }
      return false;
    }

    Result evaluate(List<Core> pattern, int patternIndex, int[] replicas,
        List<List<Integer>> chains) {
      int n = order.size();
      List<List<List<Core>>> alloc = new ArrayList<>();
      int next = 0;
      for (int i = 0; i < n; i++) {
        List<List<Core>> layer = new ArrayList<>();
        for (int r = 0; r < replicas[i]; r++) {
          layer.add(List.copyOf(pattern.subList(next, next + cores[i])));
          next += cores[i];
        }
        alloc.add(List.copyOf(layer));
      }
      Traffic t = new Traffic(alloc, replicas, hw);
      boolean[] inStage = new boolean[dag.size()];
      for (int id : order) {
        inStage[id] = true;
      }
      // edges inside the stage, once per ordered pair
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          int a = order.get(i);
          int b = order.get(j);
          if (!dag.hasEdge(a, b)) {
            continue;
          }
          Tensor x = dag.layers().get(a).output();
          boolean chip = onChip.contains(pair(a, b));
          for (int k = 0; k < batch; k++) {
            t.send(i, k, x);
            if (chip) {
              t.receive(j, k, x, false);
              t.request(i, j, k, x);
            } else {
              t.global += 2 * x.sliceBytes(x.channels(), t.bits);
              t.receive(j, k, x, true);
            }
          }
        }
      }
      // inputs from outside the stage, once per adjacency entry, and the network input
      for (int i = 0; i < n; i++) {
        for (int p : pred.get(order.get(i))) {
          if (!inStage[p]) {
            t.readGlobal(i, dag.layers().get(p).output(), batch);
          }
        }
        Tensor in = dag.inputs().get(order.get(i));
        if (in != null) {
          t.readGlobal(i, in, batch);
        }
      }
      // outputs leaving the stage
      for (int i = 0; i < n; i++) {
        int id = order.get(i);
        boolean leaves = dag.outputs().contains(id);
        for (int v : dag.successors().get(id)) {
          leaves |= !inStage[v];
        }
        if (leaves) {
          Tensor x = dag.layers().get(id).output();
          for (int k = 0; k < batch; k++) {
            t.send(i, k, x);
            t.global += x.sliceBytes(x.channels(), t.bits);
          }
        }
      }
      int flit = hw.noc().flitBytes();
      long nodeLoad = CostModel.ceilDiv(t.maxLoad(), flit);
      long global = CostModel.ceilDiv(t.global, hw.global().bytesPerCycle());
      long request = CostModel.ceilDiv(t.request, flit);
      long ring = 0;
      for (long[] perReplica : t.ring) {
        for (long c : perReplica) {
          ring = Math.max(ring, c);
        }
      }
      long weightLoad = 0;
      long calc = 0;
      int used = 0;
      List<Placed> placed = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        weightLoad += load[i] * replicas[i];
        long c = CostModel.ceilDiv(batch * time[i], replicas[i]);
        calc = Math.max(calc, c);
        used += cores[i] * replicas[i];
        placed.add(new Placed(order.get(i), cores[i], replicas[i], c, alloc.get(i)));
      }
      long comm = Math.max(nodeLoad, Math.max(global, request)) + ring + weightLoad;
      return new Result(true, "", calc + comm, calc, comm, nodeLoad, global, request, ring,
          weightLoad, patternIndex, used, chains, List.copyOf(placed));
    }
  }

  /** Bytes counted during one evaluation: per core, through global memory, per request. */
  private static final class Traffic {
    final List<List<List<Core>>> alloc;
    final int[] replicas;
    final int bits;
    final long slice;
    final int flit;
    final long[][] coreLoad;
    final long[][] ring;
    long global;
    long request;

    Traffic(List<List<List<Core>>> alloc, int[] replicas, HardwareModel hw) {
      this.alloc = alloc;
      this.replicas = replicas;
      this.bits = hw.core().macro().inputBits();
      this.slice = (long) hw.core().macro().columns() * hw.core().macrosPerGroup();
      this.flit = hw.noc().flitBytes();
      this.coreLoad = new long[hw.meshRows()][hw.meshCols()];
      this.ring = new long[alloc.size()][];
      for (int i = 0; i < alloc.size(); i++) {
        ring[i] = new long[replicas[i]];
      }
    }

    /** Image k's `x` leaves layer i's replica k mod r_i, a slice of W T channels per core. */
    void send(int i, int k, Tensor x) {
      long left = x.channels();
      for (Core c : alloc.get(i).get(k % replicas[i])) {
        long use = Math.min(left, slice);
        coreLoad[c.x()][c.y()] += x.sliceBytes(use, bits);
        left -= use;
      }
      if (left != 0) {
        throw new IllegalStateException("a tensor of " + x.channels()
            + " channels does not fit the sending cores");
      }
    }

    /**
     * Image k's `x` arrives at layer j's replica k mod r_j: on chip in slices of W T channels
     * dealt round-robin, from global memory evenly; then the ring all-gather.
     */
    void receive(int j, int k, Tensor x, boolean fromGlobal) {
      int rep = k % replicas[j];
      List<Core> cores = alloc.get(j).get(rep);
      int n = cores.size();
      long[] got = new long[n];
      if (fromGlobal) {
        long extra = x.channels() % n;
        for (int p = 0; p < n; p++) {
          long one = Math.min(extra, 1);
          got[p] += x.sliceBytes(x.channels() / n + one, bits);
          extra -= one;
        }
      } else {
        long left = x.channels();
        for (int p = 0; left > 0; p = (p + 1) % n) {
          long use = Math.min(left, slice);
          got[p] += x.sliceBytes(use, bits);
          left -= use;
        }
      }
      long hops = 0;
      long most = 0;
      for (int p = 0; p < n; p++) {
        Core c = cores.get(p);
        coreLoad[c.x()][c.y()] += got[p];
        hops += c.hops(cores.get((p + 1) % n));
        most = Math.max(most, got[p]);
      }
      ring[j][rep] += CostModel.ceilDiv(hops * most, flit);
    }

    /** The on-chip transfer of image k from layer i to layer j: its costliest slice. */
    void request(int i, int j, int k, Tensor x) {
      List<Core> from = alloc.get(i).get(k % replicas[i]);
      List<Core> to = alloc.get(j).get(k % replicas[j]);
      long left = x.channels();
      for (int p = 0; p < from.size(); p++) {
        long use = Math.min(left, slice);
        request = Math.max(request, x.sliceBytes(use, bits)
            * from.get(p).hops(to.get(p % to.size())));
        left -= use;
      }
    }

    /** Layer i reads `x` from global memory for each of `batch` images. */
    void readGlobal(int i, Tensor x, int batch) {
      for (int k = 0; k < batch; k++) {
        global += x.sliceBytes(x.channels(), bits);
        receive(i, k, x, true);
      }
    }

    long maxLoad() {
      long most = 0;
      for (long[] row : coreLoad) {
        for (long v : row) {
          most = Math.max(most, v);
        }
      }
      return most;
    }
  }
}
