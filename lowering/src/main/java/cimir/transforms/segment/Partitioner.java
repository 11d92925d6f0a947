package cimir.transforms.segment;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Cuts a DAG of operators into stages that run one after another, minimising the sum of the
 * stage costs. A stage is a set X of operators; a partition X_1 .. X_k is valid when every
 * union X_1 u .. u X_j is closed under dependencies (a down-set). The cost of a stage comes
 * from outside (the allocation model), +infinity when it does not fit the chip.
 *
 * <p>The DP over down-sets (CIMFlow's formulation):
 *
 * <pre>
 *   best(empty) = 0
 *   best(S)     = min over down-sets S' strictly inside S of  best(S') + cost(S \ S')
 *   answer      = best(all operators)
 * </pre>
 *
 * Every valid partition is a chain of down-sets, so this is exact. The number of down-sets
 * grows with the DAG's width; beyond `maxStates` the DP runs over contiguous ranges of the
 * topological order instead (CMSwitch's formulation), best(j) = min_{i<j} best(i) +
 * cost([i, j)), which is exact over the partitions into ranges. Ties keep the first minimum
 * in the order the candidates are enumerated (smaller down-sets first), so the result is
 * deterministic.
 */
public final class Partitioner {
  /** The operators' dependencies: preds.get(i) are the producers of i, all smaller than i. */
  public record Network(List<List<Integer>> preds) {
    public int size() {
      return preds.size();
    }
  }

  /** A partition: its stages in execution order, total cost and how it was searched. */
  public record Result(List<BitSet> stages, double cost, String space, long states,
      long stagesCosted, long cacheHits) {
    public boolean feasible() {
      return !Double.isInfinite(cost);
    }
  }

  /** Stage costs, memoised by operator set. */
  public static final class Costs {
    private final ToDoubleFunction<BitSet> cost;
    private final Map<BitSet, Double> memo = new HashMap<>();
    private long hits;

    public Costs(ToDoubleFunction<BitSet> cost) {
      this.cost = cost;
    }

    public double of(BitSet stage) {
      Double c = memo.get(stage);
      if (c != null) {
        hits++;
        return c;
      }
      double v = cost.applyAsDouble(stage);
      memo.put((BitSet) stage.clone(), v);
      return v;
    }

    long costed() {
      return memo.size();
    }

    long hits() {
      return hits;
    }
  }

  private Partitioner() {}

  /** The DP: over down-sets while there are at most `maxStates`, else over ranges. */
  public static Result dp(Network g, Costs costs, int maxStates) {
    List<BitSet> downSets = downSets(g, maxStates);
    if (downSets == null) {
      return ranges(g, costs);
    }
    int s = downSets.size();
    int[] sizes = downSets.stream().mapToInt(BitSet::cardinality).toArray();
    double[] best = new double[s];
    int[] from = new int[s];
    java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
    best[0] = 0;
    for (int j = 1; j < s; j++) {
      BitSet target = downSets.get(j);
      int size = target.cardinality();
      BitSet complement = (BitSet) target.clone();
      complement.flip(0, g.size());
      for (int i = 0; i < j && sizes[i] < size; i++) {
        BitSet start = downSets.get(i);
        if (best[i] == Double.POSITIVE_INFINITY || start.intersects(complement)) {
          continue;
        }
        BitSet stage = (BitSet) target.clone();
        stage.andNot(start);
        double c = best[i] + costs.of(stage);
        if (c < best[j]) {
          best[j] = c;
          from[j] = i;
        }
      }
    }
    List<BitSet> stages = new ArrayList<>();
    int j = s - 1;
    if (best[j] != Double.POSITIVE_INFINITY) {
      while (j != 0) {
        BitSet stage = (BitSet) downSets.get(j).clone();
        stage.andNot(downSets.get(from[j]));
        stages.add(0, stage);
        j = from[j];
      }
    }
    return new Result(stages, best[s - 1], "down-sets", s, costs.costed(), costs.hits());
  }

  /** The DP over contiguous ranges of the topological order 0 .. n-1. */
  public static Result ranges(Network g, Costs costs) {
    int n = g.size();
    double[] best = new double[n + 1];
    int[] from = new int[n + 1];
    java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
    best[0] = 0;
    for (int j = 1; j <= n; j++) {
      for (int i = j - 1; i >= 0; i--) {
        BitSet stage = new BitSet();
        stage.set(i, j);
        double c = costs.of(stage);
        if (c == Double.POSITIVE_INFINITY) {
          break; // a longer range fits even less
        }
        if (best[i] + c < best[j]) {
          best[j] = best[i] + c;
          from[j] = i;
        }
      }
    }
    List<BitSet> stages = new ArrayList<>();
    if (best[n] != Double.POSITIVE_INFINITY) {
      for (int j = n; j > 0; j = from[j]) {
        BitSet stage = new BitSet();
        stage.set(from[j], j);
        stages.add(0, stage);
      }
    }
    return new Result(stages, best[n], "ranges", n + 1, costs.costed(), costs.hits());
  }

  /**
   * CIMFlow's greedy baseline: operators in topological order join the current stage while it
   * still fits (a finite cost), else open the next stage.
   */
  public static Result greedy(Network g, Costs costs) {
    List<BitSet> stages = new ArrayList<>();
    BitSet current = new BitSet();
    double total = 0;
    double currentCost = 0;
    for (int i = 0; i < g.size(); i++) {
      BitSet grown = (BitSet) current.clone();
      grown.set(i);
      double c = costs.of(grown);
      if (c != Double.POSITIVE_INFINITY) {
        current = grown;
        currentCost = c;
        continue;
      }
      if (current.isEmpty()) {
        return new Result(List.of(), Double.POSITIVE_INFINITY, "greedy", i, costs.costed(),
            costs.hits());
      }
      stages.add(current);
      total += currentCost;
      current = new BitSet();
      i--;
    }
    if (!current.isEmpty()) {
      stages.add(current);
      total += currentCost;
    }
    return new Result(stages, total, "greedy", g.size(), costs.costed(), costs.hits());
  }

  /** One operator a stage, in topological order. */
  public static Result layerwise(Network g, Costs costs) {
    List<BitSet> stages = new ArrayList<>();
    double total = 0;
    for (int i = 0; i < g.size(); i++) {
      BitSet stage = new BitSet();
      stage.set(i);
      stages.add(stage);
      total += costs.of(stage);
    }
    return new Result(stages, total, "layerwise", g.size(), costs.costed(), costs.hits());
  }

  /**
   * The down-sets of `g`, the empty set first, by size and then by bits; null when there are
   * more than `max`.
   */
  static List<BitSet> downSets(Network g, int max) {
    int n = g.size();
    List<BitSet> preds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BitSet p = new BitSet();
      g.preds().get(i).forEach(p::set);
      preds.add(p);
    }
    java.util.Set<BitSet> seen = new java.util.HashSet<>();
    ArrayDeque<BitSet> queue = new ArrayDeque<>();
    BitSet empty = new BitSet();
    seen.add(empty);
    queue.add(empty);
    while (!queue.isEmpty()) {
      BitSet d = queue.poll();
      for (int i = d.nextClearBit(0); i < n; i = d.nextClearBit(i + 1)) {
        BitSet missing = (BitSet) preds.get(i).clone();
        missing.andNot(d);
        if (!missing.isEmpty()) {
          continue;
        }
        BitSet next = (BitSet) d.clone();
        next.set(i);
        if (seen.add(next)) {
          if (seen.size() > max) {
            return null;
          }
          queue.add(next);
        }
      }
    }
    List<BitSet> all = new ArrayList<>(seen);
    all.sort(Comparator.comparingInt(BitSet::cardinality).thenComparing(Partitioner::compareBits));
    return all;
  }

  private static int compareBits(BitSet a, BitSet b) {
    BitSet x = (BitSet) a.clone();
    x.xor(b);
    int top = x.length() - 1;
    return top < 0 ? 0 : a.get(top) ? 1 : -1;
  }
}
