package cimir.transforms.place;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.hw.HardwareModel;
import cimir.ir.Attribute;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.lowering.graphtoop.Hardware;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.PassOption;
import cimir.pass.Stage;
import cimir.transforms.segment.OperatorGraph;
import cimir.transforms.segment.SegmentPass;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * `place`: per segment (all cores free at its start), gives every operator with `alloc.cores`
 * = c &gt; 0 c distinct cores of the mesh, minimising the byte-hops between producers and
 * consumers of the segment ({@link Placement}). An operator without cores runs on the cores
 * of its in-segment producer that sends it the most bytes, else of its first in-segment
 * consumer, else on core 0; data between it and those cores stays in place. On a one-core
 * chip every operator shares core 0. Writes `place.cores` on the operators and
 * `place.byte_hops` on the segments.
 */
public final class PlacePass implements Pass {
  /** The optimiser's `strategy=` value; the others are {@link Placement.Pattern} keys. */
  static final String SEARCH = "search";

  /** The options. */
  public record Options(String strategy, String arch, long seed) {}

  public static final PassInfo INFO = new PassInfo("place",
      "put each segment's operators on distinct cores of the mesh, minimising NoC byte-hops;"
          + " an operator without cores runs on the cores of its in-segment producer that sends"
          + " it the most bytes, else of its first in-segment consumer, else on core 0",
      List.of(PassOption.choice("strategy", SEARCH, "search: the optimum when assignments are"
              + " few, else an iterated swap search from every pattern; or one of CIMFlow's"
              + " patterns as a baseline", Stream.concat(Stream.of(SEARCH),
                  Arrays.stream(Placement.Pattern.values()).map(p -> p.key))
              .toArray(String[]::new)),
          Hardware.ARCH_OPTION,
          PassOption.integer("seed", 1, "seed of the search's random perturbations")),
      o -> new PlacePass(new Options(o.getString("strategy"), o.getString("arch"),
          o.getInt("seed"))));

  private final Options options;

  public PlacePass(Options options) {
    this.options = options;
  }

  @Override
  public Set<Stage> requires() {
    return Set.of(SegmentPass.SEGMENTED);
  }

  @Override
  public void run(Operation module, PassContext ctx) {
    HardwareModel hw = Hardware.of(module, options.arch(), ctx);
    if (hw == null) {
      return;
    }
    int rows = hw.meshRows();
    int cols = hw.meshCols();
    Placement.Pattern chosen = Arrays.stream(Placement.Pattern.values())
        .filter(p -> p.key.equals(options.strategy())).findFirst().orElse(null);
    if (chosen != null && rows * cols > 1 && !chosen.fits(rows, cols)) {
      ctx.diag().opError(module, "strategy '" + chosen.key + "' needs a square mesh of even"
          + (chosen == Placement.Pattern.HILBERT ? ", power-of-two" : "") + " side, not "
          + rows + " x " + cols);
      ctx.fail();
      return;
    }
    for (FuncOp f : FuncOp.definitions(module)) {
      for (Operation seg : f.body()) {
        if (seg.name().equals("op.segment") && !place(seg, rows, cols, chosen, ctx)) {
          ctx.fail();
          return;
        }
      }
    }
  }

  private boolean place(Operation seg, int rows, int cols, Placement.Pattern chosen,
      PassContext ctx) {
    Groups g = Groups.of(seg, rows, cols);
    Placement.Problem p = g.problem();
    if (rows * cols == 1) {
      for (Operation op : g.ops()) {
        op.setAttr("place.cores", Attribute.DenseArrayAttr.i64(0));
      }
      seg.setAttr("place.byte_hops", Attribute.FloatAttr.f64(0));
      return true;
    }
    if (p.demand() > p.meshCores()) {
      ctx.diag().opError(seg, "needs " + p.demand() + " cores, the mesh has " + p.meshCores()
          + " (" + rows + " x " + cols + ")");
      return false;
    }
    for (Placement.Pattern pattern : Placement.Pattern.values()) {
      if (pattern.fits(rows, cols)) {
        ctx.count("byte-hops, " + pattern.key + " baseline",
            Math.round(Placement.cost(p, Placement.baseline(p, pattern))));
      }
    }
    int[][] cores;
    if (chosen != null) {
      cores = Placement.baseline(p, chosen);
    } else {
      boolean exact = Placement.assignments(p) <= Placement.EXACT_LIMIT;
      cores = Placement.optimise(p, options.seed());
      ctx.count(exact ? "segments placed exactly" : "segments placed by search", 1);
    }
    double cost = Placement.cost(p, cores);
    ctx.count("byte-hops", Math.round(cost));
    for (int i = 0; i < g.ops().size(); i++) {
      g.ops().get(i).setAttr("place.cores",
          Attribute.DenseArrayAttr.i64(Arrays.stream(cores[g.group()[i]]).asLongStream()
              .toArray()));
    }
    seg.setAttr("place.byte_hops", Attribute.FloatAttr.f64(cost));
    return true;
  }

  /**
   * A segment's operators (program order) and the group each runs with: an operator with
   * cores leads its own group; one without joins its root ({@link #root}); the operators whose
   * walk finds no cores form one group pinned at core 0, the last.
   */
  record Groups(List<Operation> ops, int[] group, Placement.Problem problem) {
    static Groups of(Operation seg, int rows, int cols) {
      List<Operation> ops = new ArrayList<>();
      Map<Operation, Integer> index = new HashMap<>();
      for (Operation op : seg.region(0).entryBlock()) {
        if (OperatorGraph.OPERATORS.contains(op.name())) {
          index.put(op, ops.size());
          ops.add(op);
        }
      }
      int n = ops.size();
      long[] bytes = new long[n];
      long[] cores = new long[n];
      List<List<Integer>> preds = new ArrayList<>();
      List<List<Integer>> succs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        GraphAttrs a = new GraphAttrs(ops.get(i).attributes());
        bytes[i] = a.i64("output_bytes", 0);
        cores[i] = a.i64("alloc.cores", 0);
        preds.add(new ArrayList<>());
        succs.add(new ArrayList<>());
      }
      for (int i = 0; i < n; i++) {
        for (Value v : ops.get(i).operands()) {
          Integer j = index.get(v.definingOp());
          if (j != null && !preds.get(i).contains(j)) {
            preds.get(i).add(j);
            succs.get(j).add(i);
          }
        }
      }
      int[] root = new int[n];
      for (int i = 0; i < n; i++) {
        root[i] = root(i, cores, bytes, preds, succs);
      }
      int[] group = new int[n];
      List<Integer> need = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (root[i] == i) {
          group[i] = need.size();
          need.add((int) cores[i]);
        }
      }
      boolean anyPinned = Arrays.stream(root).anyMatch(r -> r < 0);
      int groups = need.size() + (anyPinned ? 1 : 0);
      int[] pinned = new int[groups];
      Arrays.fill(pinned, -1);
      int[] needs = new int[groups];
      for (int k = 0; k < need.size(); k++) {
        needs[k] = need.get(k);
      }
      if (anyPinned) {
        pinned[groups - 1] = 0;
        needs[groups - 1] = 1;
      }
      for (int i = 0; i < n; i++) {
        group[i] = root[i] < 0 ? groups - 1 : group[root[i]];
      }
      double[][] w = new double[groups][groups];
      for (int q = 0; q < n; q++) {
        for (int p : preds.get(q)) {
          if (group[p] != group[q]) {
            w[group[p]][group[q]] += bytes[p];
            w[group[q]][group[p]] += bytes[p];
          }
        }
      }
      return new Groups(List.copyOf(ops), group,
          new Placement.Problem(rows, cols, needs, pinned, w));
    }

    /**
     * The operator whose cores operator i runs on: itself if it has cores; else the root of
     * its producer that sends it the most bytes (the first on ties), a walk backwards; an
     * operator without producers follows its first consumer forwards to one with cores; -1
     * when that walk ends without one.
     */
    private static int root(int i, long[] cores, long[] bytes, List<List<Integer>> preds,
        List<List<Integer>> succs) {
      if (cores[i] > 0) {
        return i;
      }
      if (!preds.get(i).isEmpty()) {
        int heaviest = preds.get(i).get(0);
        for (int p : preds.get(i)) {
          if (bytes[p] > bytes[heaviest]) {
            heaviest = p;
          }
        }
        return root(heaviest, cores, bytes, preds, succs);
      }
      int k = i;
      while (cores[k] == 0 && !succs.get(k).isEmpty()) {
        k = succs.get(k).get(0);
      }
      return cores[k] > 0 ? k : -1;
    }
  }
}
