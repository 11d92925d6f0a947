package cimir.transforms.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.hw.HardwareModel;
import cimir.lowering.alloc.MipAllocator;
import cimir.lowering.alloc.StageModel;
import cimir.lowering.alloc.StageProblem;
import cimir.lowering.alloc.StageProblems;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EdpSearchTest {
  /**
   * The search's energy-delay product equals the least (sum L)(sum E) over every partition and
   * every allocation of every stage, enumerated, on random networks on the tiny chip.
   */
  @Test
  void equalsBruteForceOverPartitionsAndAllocations() {
    Random rnd = new Random(17);
    MipAllocator mip = new MipAllocator(5);
    int compared = 0;
    int beatsSumOfProducts = 0;
    for (int trial = 0; trial < 60; trial++) {
      boolean memoryMode = trial % 2 == 0;
      HardwareModel hw = PartitionerTest.tinyChip();
      PartitionerTest.Instance inst = PartitionerTest.randomInstance(rnd, hw, hw, memoryMode,
          memoryMode ? 2 : 4, StageProblem.Objective.LATENCY, mip::solve);
      double expected = bruteForce(inst);
      EdpSearch.Result<Double> got = EdpSearch.minimise(inst.model(), m -> {
        StageCoster coster = inst.coster(m, mip::solve);
        Partitioner.Result r = Partitioner.dp(inst.g(), new Partitioner.Costs(coster),
            100_000);
        if (!r.feasible()) {
          return new EdpSearch.Point<>(0.0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        }
        double l = 0;
        double e = 0;
        for (BitSet stage : r.stages()) {
          StageProblem.Figures f = coster.allocate(stage, 0).figures();
          l += f.latencyCost();
          e += f.energyCost();
        }
        return new EdpSearch.Point<>(0.0, l, e);
      });
      String what = "trial " + trial;
      if (Double.isInfinite(expected)) {
        assertTrue(!got.best().feasible(), what);
        continue;
      }
      compared++;
      assertEquals(expected, got.best().product(), 1e-9 * expected, what);
      assertTrue(got.solves() <= EdpSearch.MAX_SOLVES, what);
      // What the old formulation minimised, a sum of stage products, finds worse products.
      double sumOfProducts = sumOfProductsOptimum(inst);
      beatsSumOfProducts += sumOfProducts > expected * (1 + 1e-9) ? 1 : 0;
    }
    assertTrue(compared >= 40, "only " + compared + " networks fit");
    assertTrue(beatsSumOfProducts >= 1, "no network where the stage products mislead");
  }

  /**
   * On random finite sets of (L, E) points, solved exactly by enumeration, the search finds the
   * least L E of the set; and its pruning skips hull vertices it can prove useless (in some
   * sets it makes fewer solves than the lower-left hull has vertices).
   */
  @Test
  void prunedSearchFindsTheLeastProductOfAPointSet() {
    Random rnd = new Random(5);
    StageModel base = new StageModel(PartitionerTest.tinyChip(), 1,
        StageProblem.Objective.LATENCY, true, true);
    int skipped = 0;
    for (int trial = 0; trial < 500; trial++) {
      int n = 2 + rnd.nextInt(40);
      double[][] pts = new double[n][];
      for (int i = 0; i < n; i++) {
        // Points near a curve L E = const, so that many are hull vertices.
        double l = 1 + rnd.nextDouble() * 100;
        pts[i] = new double[] {l, (1000 + rnd.nextDouble() * 300) / l + rnd.nextDouble() * 3};
      }
      EdpSearch.Result<double[]> got = EdpSearch.minimise(base, m -> {
        double[] best = null;
        for (double[] p : pts) {
          if (best == null || better(m, p, best)) {
            best = p;
          }
        }
        return new EdpSearch.Point<>(best, best[0], best[1]);
      });
      double least = Double.POSITIVE_INFINITY;
      for (double[] p : pts) {
        least = Math.min(least, p[0] * p[1]);
      }
      assertEquals(least, got.best().product(), 1e-9 * least, "trial " + trial);
      skipped += got.solves() < lowerLeftHull(pts) && got.solves() < EdpSearch.MAX_SOLVES ? 1 : 0;
    }
    assertTrue(skipped > 0, "the pruning never skipped a vertex");
  }

  /** Whether `p` beats `q` on `m`'s objective (ties: the other figure). */
  private static boolean better(StageModel m, double[] p, double[] q) {
    return switch (m.objective()) {
      case LATENCY -> p[0] < q[0] || p[0] == q[0] && p[1] < q[1];
      case ENERGY -> p[1] < q[1] || p[1] == q[1] && p[0] < q[0];
      case WEIGHTED -> p[0] + m.energyWeight() * p[1] < q[0] + m.energyWeight() * q[1];
    };
  }

  /** The vertices of the lower-left convex hull of `pts`, from least L to least E. */
  private static int lowerLeftHull(double[][] pts) {
    double[][] s = pts.clone();
    java.util.Arrays.sort(s, (x, y) -> x[0] != y[0] ? Double.compare(x[0], y[0])
        : Double.compare(x[1], y[1]));
    List<double[]> hull = new ArrayList<>();
    for (double[] p : s) {
      if (!hull.isEmpty() && p[1] >= hull.get(hull.size() - 1)[1]) {
        continue; // dominated: more latency, no less energy
      }
      while (hull.size() >= 2) {
        double[] a = hull.get(hull.size() - 2);
        double[] b = hull.get(hull.size() - 1);
        double cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
        if (cross > 0) {
          break; // b stays a vertex (a left turn)
        }
        hull.remove(hull.size() - 1);
      }
      hull.add(p);
    }
    return hull.size();
  }

  /** min over partitions and allocations of (sum L)(sum E). */
  private static double bruteForce(PartitionerTest.Instance inst) {
    Map<BitSet, List<double[]>> fronts = new HashMap<>();
    double[] best = {Double.POSITIVE_INFINITY};
    forEachPartition(inst.g(), new BitSet(), new ArrayList<>(), stages -> {
      List<double[]> sums = List.of(new double[] {0, 0});
      for (BitSet stage : stages) {
        List<double[]> front = fronts.computeIfAbsent(stage, s -> front(inst, s));
        List<double[]> next = new ArrayList<>();
        for (double[] a : sums) {
          for (double[] b : front) {
            next.add(new double[] {a[0] + b[0], a[1] + b[1]});
          }
        }
        sums = pareto(next);
      }
      for (double[] le : sums) {
        best[0] = Math.min(best[0], le[0] * le[1]);
      }
    });
    return best[0];
  }

  /**
   * The whole-function product (sum L)(sum E) of the partition and allocations that minimise
   * the sum of the stages' products L_s E_s instead.
   */
  private static double sumOfProductsOptimum(PartitionerTest.Instance inst) {
    double[] best = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}; // sum, product
    forEachPartition(inst.g(), new BitSet(), new ArrayList<>(), stages -> {
      double sum = 0;
      double l = 0;
      double e = 0;
      for (BitSet stage : stages) {
        double[] at = null;
        for (double[] le : front(inst, stage)) {
          if (at == null || le[0] * le[1] < at[0] * at[1]) {
            at = le;
          }
        }
        if (at == null) {
          return;
        }
        sum += at[0] * at[1];
        l += at[0];
        e += at[1];
      }
      if (sum < best[0]) {
        best[0] = sum;
        best[1] = l * e;
      }
    });
    return best[1];
  }

  /** The Pareto front of (L, E) over every allocation of `stage` at rest. */
  private static List<double[]> front(PartitionerTest.Instance inst, BitSet stage) {
    List<double[]> all = new ArrayList<>();
    StageProblems.forEachFeasible(inst.coster().problem(stage, 0),
        f -> all.add(new double[] {f.latencyCost(), f.energyCost()}));
    return pareto(all);
  }

  private static List<double[]> pareto(List<double[]> points) {
    List<double[]> sorted = new ArrayList<>(points);
    sorted.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
    List<double[]> out = new ArrayList<>();
    for (double[] p : sorted) {
      if (out.isEmpty() || p[1] < out.get(out.size() - 1)[1]) {
        out.add(p);
      }
    }
    return out;
  }

  /** Every valid partition: chains of dependency-closed sets. */
  private static void forEachPartition(Partitioner.Network g, BitSet done, List<BitSet> stages,
      Consumer<List<BitSet>> sink) {
    int n = g.size();
    if (done.cardinality() == n) {
      sink.accept(stages);
      return;
    }
    for (BitSet stage : PartitionerTest.nextStages(g, done)) {
      BitSet next = (BitSet) done.clone();
      next.or(stage);
      stages.add(stage);
      forEachPartition(g, next, stages, sink);
      stages.remove(stages.size() - 1);
    }
  }
}
