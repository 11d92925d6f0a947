package cimir.lowering.cost;

import cimir.dialect.hw.HardwareModel;
import cimir.lowering.cost.CimflowStageCost.Dag;
import cimir.lowering.cost.CimflowStageCost.Options;
import cimir.lowering.cost.CimflowStageCost.Result;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIMFlow's partition of a condensed convolution DAG into stages ({@link CimflowStageCost}
 * each): its DP over prefixes and its two greedy baselines.
 *
 * <p>The DP. States are the prefixes (down-sets) of the DAG, as bitmasks (bit v = layer v),
 * sorted by value, so every subset comes before its supersets:
 *
 * <pre>
 *   dp(empty) = 0
 *   dp(S)     = min over prefixes S' strictly inside S of dp(S') + cost(S \ S')
 * </pre>
 *
 * with the stage S \ S' given in ascending layer order, cost = infinity when it does not fit,
 * and the first minimal S' (in sorted order, strict &lt;) kept. The stages are read back from
 * the full set.
 *
 * <p>The baselines. Layers in Kahn order (a FIFO queue seeded with the sources by id, one
 * in-degree per adjacency entry); a stage grows along that order while it fits, then the next
 * begins. baseline1 runs the replication search, baseline2 keeps one replica per layer.
 */
public final class CimflowPartition {
  private CimflowPartition() {}

  /** The partitioner's strategies. */
  public enum Strategy { DP, BASELINE1, BASELINE2 }

  /**
   * The stages and their summed cost. `fits` is false when some layer fits no stage; then
   * `stages` is empty.
   */
  public record Plan(boolean fits, long total, List<Result> stages) {}

  /** Partitions `dag` on `hw` for a batch of `batch` images. */
  public static Plan run(Dag dag, HardwareModel hw, int batch, Strategy strategy) {
    return switch (strategy) {
      case DP -> dp(dag, hw, new Options(batch, true));
      case BASELINE1 -> greedy(dag, hw, new Options(batch, true));
      case BASELINE2 -> greedy(dag, hw, new Options(batch, false));
    };
  }

  private static Plan dp(Dag dag, HardwareModel hw, Options options) {
    List<BigInteger> prefixes = prefixes(dag);
    int states = prefixes.size();
    long[] best = new long[states];
    int[] from = new int[states];
    Result[] stage = new Result[states];
    Map<BigInteger, Result> costs = new HashMap<>();
    for (int i = 0; i < states; i++) {
      BigInteger s = prefixes.get(i);
      best[i] = Long.MAX_VALUE;
      from[i] = -1;
      if (s.signum() == 0) {
        best[i] = 0;
        continue;
      }
      // a proper subset is a smaller number, so only earlier states qualify
      for (int j = 0; j < i; j++) {
        BigInteger sub = prefixes.get(j);
        if (best[j] == Long.MAX_VALUE || !s.and(sub).equals(sub)) {
          continue;
        }
        BigInteger diff = s.subtract(sub);
        Result r = costs.computeIfAbsent(diff, d -> CimflowStageCost.of(dag, members(d), hw,
            options));
        if (r.fits() && best[j] + r.total() < best[i]) {
          best[i] = best[j] + r.total();
          from[i] = j;
          stage[i] = r;
        }
      }
    }
    int last = states - 1;
    if (best[last] == Long.MAX_VALUE) {
      return new Plan(false, Long.MAX_VALUE, List.of());
    }
    List<Result> stages = new ArrayList<>();
    for (int u = last; prefixes.get(u).signum() != 0; u = from[u]) {
      stages.add(0, stage[u]);
    }
    return new Plan(true, best[last], List.copyOf(stages));
  }

  private static Plan greedy(Dag dag, HardwareModel hw, Options options) {
    List<Integer> order = topologicalOrder(dag);
    List<Result> stages = new ArrayList<>();
    long total = 0;
    int u = 0;
    while (u < order.size()) {
      int first = u;
      Result fitting = null;
      while (u < order.size()) {
        Result r = CimflowStageCost.of(dag, order.subList(first, u + 1), hw, options);
        if (!r.fits()) {
          break;
        }
        fitting = r;
        u++;
      }
      if (fitting == null) {
        return new Plan(false, Long.MAX_VALUE, List.of());
      }
      stages.add(fitting);
      total += fitting.total();
    }
    return new Plan(true, total, List.copyOf(stages));
  }

  /** The layers of a bitmask, ascending. */
  private static List<Integer> members(BigInteger mask) {
    List<Integer> ids = new ArrayList<>();
    for (int v = mask.getLowestSetBit(); v >= 0 && v < mask.bitLength(); v++) {
      if (mask.testBit(v)) {
        ids.add(v);
      }
    }
    return ids;
  }

  /** Every prefix (set closed under predecessors) of `dag`, as bitmasks in ascending order. */
  public static List<BigInteger> prefixes(Dag dag) {
    int n = dag.size();
    int[] indeg = new int[n];
    for (List<Integer> next : dag.successors()) {
      for (int v : next) {
        indeg[v]++;
      }
    }
    Set<BigInteger> seen = new HashSet<>();
    ArrayDeque<BigInteger> work = new ArrayDeque<>();
    work.add(BigInteger.ZERO);
    seen.add(BigInteger.ZERO);
    while (!work.isEmpty()) {
      BigInteger s = work.poll();
      // a layer may join when all its predecessors are in s
      int[] missing = indeg.clone();
      for (int v = 0; v < n; v++) {
        if (s.testBit(v)) {
          for (int w : dag.successors().get(v)) {
            missing[w]--;
          }
        }
      }
      for (int v = 0; v < n; v++) {
        if (!s.testBit(v) && missing[v] == 0) {
          BigInteger t = s.setBit(v);
          if (seen.add(t)) {
            work.add(t);
          }
        }
      }
    }
    List<BigInteger> sorted = new ArrayList<>(seen);
    sorted.sort(null);
    return List.copyOf(sorted);
  }

  /** Kahn's order: a FIFO queue seeded with the sources by id, one in-degree per entry. */
  public static List<Integer> topologicalOrder(Dag dag) {
    int n = dag.size();
    int[] indeg = new int[n];
    for (List<Integer> next : dag.successors()) {
      for (int v : next) {
        indeg[v]++;
      }
    }
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int v = 0; v < n; v++) {
      if (indeg[v] == 0) {
        queue.add(v);
      }
    }
    List<Integer> order = new ArrayList<>();
    while (!queue.isEmpty()) {
      int u = queue.poll();
      order.add(u);
      for (int v : dag.successors().get(u)) {
        if (--indeg[v] == 0) {
          queue.add(v);
        }
      }
    }
    return List.copyOf(order);
  }
}
