package cimir.transforms.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwPresets;
import cimir.lowering.alloc.Allocated;
import cimir.lowering.alloc.MipAllocator;
import cimir.lowering.alloc.StageModel;
import cimir.lowering.alloc.StageProblem;
import cimir.lowering.cost.Demand;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PartitionerTest {
  /** A chip of 2 cores of 2 x 2 macros: small enough that stages must be cut. */
  static HardwareModel tinyChip() {
    return tinyChip(2);
  }

  /** The tiny chip with `groups` groups of 2 dual-mode macros per core. */
  static HardwareModel tinyChip(int groups) {
    HardwareModel c = HwPresets.cimflow();
    HardwareModel.Macro m = c.core().macro();
    HardwareModel.Macro dual = new HardwareModel.Macro(m.rows(), m.columns(), m.rowSelect(),
        m.weightBits(), m.inputBits(), m.outputBits(), true, 2, 16);
    return new HardwareModel("tiny", 2, 1, 2, new HardwareModel.Core(groups, 2, dual,
        c.core().local(), c.core().vector()), c.global(), c.noc(), c.clockMhz(), c.energy());
  }

  /** A random DAG of 1-`max` operators, each after at least one earlier one. */
  static Partitioner.Network randomDag(Random rnd, int max) {
    int n = 1 + rnd.nextInt(max);
    List<List<Integer>> preds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Integer> p = new ArrayList<>();
      if (i > 0) {
        p.add(rnd.nextInt(i));
        for (int q = 0; q < i; q++) {
          if (rnd.nextInt(4) == 0 && !p.contains(q)) {
            p.add(q);
          }
        }
      }
      preds.add(p);
    }
    return new Partitioner.Network(preds);
  }

  /** A random operator's demand, sized for `hw` (its weights fill up to a tenth of the chip). */
  static Demand randomDemand(Random rnd, HardwareModel hw) {
    long cap = Math.max(64, hw.weightCapacityBytes() / 10);
    int kind = rnd.nextInt(6);
    long m = 1 + rnd.nextInt(3000);
    if (kind <= 2) {
      long k = 1 + rnd.nextInt(2048);
      long n = Math.max(1, Math.min(1 + rnd.nextInt(512), cap / k));
      return new Demand(Demand.Kind.MVM, "conv2d", k, n, m, 1, 8, 8, 32, k * n, m * k, m * n,
          m * k * n);
    }
    if (kind == 3) {
      long k = 1 + rnd.nextInt(128);
      long n = 1 + rnd.nextInt(128);
      return new Demand(Demand.Kind.DMM, "matmul", k, n, m, 1, 8, 8, 32, 0, m * k + k * n,
          m * n, m * k * n);
    }
    long bytes = 1 + rnd.nextInt(200_000);
    return kind == 4
        ? new Demand(Demand.Kind.VEC, "add", 1, 1, 1, 1, 8, 8, 8, 0, 2 * bytes, bytes, bytes)
        : new Demand(Demand.Kind.MOVE, "transpose", 1, 1, 1, 1, 8, 8, 8, 0, bytes, bytes, bytes);
  }

  /** A random network, its items and coster; `model` made the items and the coster. */
  record Instance(Partitioner.Network g, StageCoster coster, StageModel model,
      List<StageProblem.Item> items, long[] outputBytes, boolean[] liveOut) {
    /** The coster of the same network under `other`. */
    StageCoster coster(StageModel other, Function<StageProblem, Allocated> mip) {
      return new StageCoster(other, items, g, outputBytes, liveOut, mip);
    }
  }

  static Instance randomInstance(Random rnd, HardwareModel hw, int max,
      StageProblem.Objective objective, Function<StageProblem, Allocated> mip) {
    return randomInstance(rnd, hw, hw, true, max, objective, mip);
  }

  /**
   * A random network sized for `sizedFor` on chip `hw`, arrays in memory mode allowed or not
   * (`memoryMode`): the same random draws give the same network whatever `hw` and `memoryMode`.
   */
  static Instance randomInstance(Random rnd, HardwareModel sizedFor, HardwareModel hw,
      boolean memoryMode, int max, StageProblem.Objective objective,
      Function<StageProblem, Allocated> mip) {
    Partitioner.Network g = randomDag(rnd, max);
    StageModel model = new StageModel(hw, 1 + rnd.nextInt(8), objective, memoryMode, true);
    if (objective == StageProblem.Objective.WEIGHTED) {
      model = model.withEnergyWeight(0.05 + rnd.nextDouble());
    }
    List<StageProblem.Item> items = new ArrayList<>();
    long[] out = new long[g.size()];
    boolean[] live = new boolean[g.size()];
    for (int i = 0; i < g.size(); i++) {
      Demand d = randomDemand(rnd, sizedFor);
      items.add(model.item("op" + i, d));
      out[i] = d.outputBytes();
    }
    live[g.size() - 1] = true;
    return new Instance(g, new StageCoster(model, items, g, out, live, mip), model, items, out,
        live);
  }

  /** The cheapest valid partition, by enumerating every one; null past `limit` partitions. */
  static Double bruteForce(Partitioner.Network g, java.util.function.ToDoubleFunction<BitSet> cost, long limit) {
    long[] count = {0};
    double best = enumerate(g, new BitSet(), 0, cost, count, limit);
    return count[0] > limit ? null : best;
  }

  private static double enumerate(Partitioner.Network g, BitSet done, double sofar,
      java.util.function.ToDoubleFunction<BitSet> cost, long[] count, long limit) {
    int n = g.size();
    if (done.cardinality() == n) {
      count[0]++;
      return sofar;
    }
    if (count[0] > limit) {
      return Double.POSITIVE_INFINITY;
    }
    double best = Double.POSITIVE_INFINITY;
    for (BitSet stage : nextStages(g, done)) {
      double c = cost.applyAsDouble(stage);
      if (c == Double.POSITIVE_INFINITY) {
        continue;
      }
      BitSet next = (BitSet) done.clone();
      next.or(stage);
      best = Math.min(best, enumerate(g, next, sofar + c, cost, count, limit));
    }
    return best;
  }

  /** Every non-empty set of operators not `done` whose producers are done or in it. */
  static List<BitSet> nextStages(Partitioner.Network g, BitSet done) {
    int n = g.size();
    List<Integer> rest = new ArrayList<>();
    for (int i = done.nextClearBit(0); i < n; i = done.nextClearBit(i + 1)) {
      rest.add(i);
    }
    List<BitSet> out = new ArrayList<>();
    for (int mask = 1; mask < 1 << rest.size(); mask++) {
      BitSet stage = new BitSet();
      for (int b = 0; b < rest.size(); b++) {
        if ((mask >> b & 1) != 0) {
          stage.set(rest.get(b));
        }
      }
      boolean closed = true;
      for (int i = stage.nextSetBit(0); i >= 0 && closed; i = stage.nextSetBit(i + 1)) {
        for (int p : g.preds().get(i)) {
          closed &= done.get(p) || stage.get(p);
        }
      }
      if (closed) {
        out.add(stage);
      }
    }
    return out;
  }

  /** Whether `baseline` is no cheaper than `optimum` (both may be infinite). */
  static boolean noBetter(double baseline, double optimum) {
    return Double.isInfinite(optimum) ? Double.isInfinite(baseline)
        : baseline >= optimum * (1 - 1e-9);
  }


  /**
   * The DP's partition costs what the cheapest of all valid partitions costs, on random DAGs
   * of up to 10 operators on both presets and a tiny chip.
   */
  @Test
  void dpEqualsBruteForce() {
    Random rnd = new Random(11);
    HardwareModel[] chips = {HwPresets.cimflow(), HwPresets.dynaplasia(), tinyChip()};
    MipAllocator mip = new MipAllocator(5);
    int compared = 0;
    for (int trial = 0; trial < 400 && compared < 240; trial++) {
      HardwareModel hw = chips[trial % chips.length];
      StageProblem.Objective objective = StageProblem.Objective.values()[trial % 3];
      Instance inst = randomInstance(rnd, hw, 10, objective, mip::solve);
      Partitioner.Costs shared = new Partitioner.Costs(inst.coster());
      Double expected = bruteForce(inst.g(), shared::of, 200_000);
      if (expected == null) {
        continue;
      }
      compared++;
      Partitioner.Result dp = Partitioner.dp(inst.g(), shared, 100_000);
      String what = "trial " + trial + " on " + hw.name() + " " + objective;
      assertEquals(expected, dp.cost(), 1e-9 * Math.max(1, Math.abs(expected)), what);
      Partitioner.Result greedy = Partitioner.greedy(inst.g(),
          new Partitioner.Costs(inst.coster()));
      Partitioner.Result layerwise = Partitioner.layerwise(inst.g(),
          new Partitioner.Costs(inst.coster()));
      assertTrue(noBetter(greedy.cost(), dp.cost()), what + " greedy");
      assertTrue(noBetter(layerwise.cost(), dp.cost()), what + " layerwise");
    }
    assertTrue(compared >= 200, "only " + compared + " instances compared");
  }

  /**
   * Sanity of the optimum on random networks: more arrays per core never make it worse, and
   * neither does allowing memory mode (the all-compute policy never beats mip). Every
   * objective, since a core's static power does not depend on its arrays.
   */
  @Test
  void moreArraysAndMemoryModeNeverHurt() {
    Random rnd = new Random(13);
    MipAllocator mip = new MipAllocator(5);
    HardwareModel small = tinyChip(2);
    HardwareModel big = tinyChip(3);
    int finite = 0;
    for (int trial = 0; trial < 150; trial++) {
      StageProblem.Objective objective = StageProblem.Objective.values()[trial % 3];
      long seed = rnd.nextLong();
      double smallMip = dpCost(new Random(seed), small, small, true, objective, mip);
      double bigMip = dpCost(new Random(seed), small, big, true, objective, mip);
      double smallCompute = dpCost(new Random(seed), small, small, false, objective, mip);
      String what = "trial " + trial + " " + objective;
      assertTrue(noBetter(smallMip, bigMip), what + ": " + bigMip + " on more arrays, "
          + smallMip + " on fewer");
      assertTrue(noBetter(smallCompute, smallMip), what + ": all-compute " + smallCompute
          + ", mip " + smallMip);
      finite += Double.isFinite(smallMip) ? 1 : 0;
    }
    assertTrue(finite >= 100, "only " + finite + " networks fit");
  }

  private static double dpCost(Random rnd, HardwareModel sizedFor, HardwareModel hw,
      boolean memoryMode, StageProblem.Objective objective, MipAllocator mip) {
    Instance inst = randomInstance(rnd, sizedFor, hw, memoryMode, 8, objective, mip::solve);
    return Partitioner.dp(inst.g(), new Partitioner.Costs(inst.coster()), 100_000).cost();
  }
}
