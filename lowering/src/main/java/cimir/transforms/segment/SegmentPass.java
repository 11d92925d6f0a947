package cimir.transforms.segment;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.op.OpDialect;
import cimir.ir.Attribute;
import cimir.ir.Block;
import cimir.ir.Location;
import cimir.ir.OpOperand;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.lowering.alloc.MipAllocator;
import cimir.lowering.alloc.StageModel;
import cimir.lowering.alloc.StageProblem;
import cimir.lowering.graphtoop.Hardware;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.PassOption;
import cimir.pass.Stage;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * `segment`: cuts each function's `op` operators into stages ({@link Partitioner}) whose cost
 * is the optimum of the stage's allocation problem, and wraps every stage in an `op.segment`
 * in execution order, with the allocation it was costed with written on its operators.
 */
public final class SegmentPass implements Pass {
  /** Holds when every `op` operator sits in an `op.segment`. */
  public static final Stage SEGMENTED = new Stage("segmented",
      "every op operator inside an op.segment", m -> {
        boolean[] loose = {false};
        boolean[] any = {false};
        m.walk(op -> {
          if (OperatorGraph.OPERATORS.contains(op.name())) {
            any[0] = true;
            loose[0] |= op.parentOp() == null || !op.parentOp().name().equals("op.segment");
          }
        });
        return any[0] && !loose[0];
      });

  static final PassOption OBJECTIVE = PassOption.choice("objective", "latency",
      "what the stages minimise together (edp: total latency x total energy)", "latency",
      "energy", "edp");
  static final PassOption POLICY = PassOption.choice("policy", "mip",
      "mip: arrays may serve as memory; all-compute: no memory mode (CIM-MLC style)", "mip",
      "all-compute");
  static final PassOption TIME_LIMIT = PassOption.duration("time-limit", "2s",
      "time limit of each MIP");

  /** The options. */
  /** On a function whose plan allows no extra weight copies: `segment.duplication = "none"`. */
  public static final String NO_DUPLICATION = "segment.duplication";

  public record Options(String objective, String strategy, int maxStates, long batch,
      String policy, String arch, long timeLimitMillis) {}

  public static final PassInfo INFO = new PassInfo("segment",
      "partition the operators into stages that fit the chip (DP over down-sets or ranges)",
      List.of(OBJECTIVE,
          PassOption.choice("strategy", "dp", "dp, or a baseline: greedy (CIMFlow's),"
              + " greedy-nodup (greedy without weight duplication), layerwise (one operator"
              + " a stage)", "dp", "greedy", "greedy-nodup", "layerwise"),
          PassOption.count("max-states", 4096,
              "most down-sets the DP enumerates before it searches ranges of the order"),
          Hardware.BATCH_OPTION, POLICY, Hardware.ARCH_OPTION, TIME_LIMIT),
      o -> new SegmentPass(new Options(o.getString("objective"), o.getString("strategy"),
          (int) o.getInt("max-states"), o.getInt("batch"), o.getString("policy"),
          o.getString("arch"), o.getDurationMillis("time-limit"))));

  private final Options options;

  public SegmentPass(Options options) {
    this.options = options;
  }

  @Override
  public Set<Stage> produces() {
    return Set.of(SEGMENTED);
  }

  @Override
  public void run(Operation module, PassContext ctx) {
    HardwareModel hw = Hardware.of(module, options.arch(), ctx);
    if (hw == null) {
      return;
    }
    StageModel model = new StageModel(hw, options.batch(),
        StageModel.objective(options.objective()), options.policy().equals("mip"),
        !options.strategy().equals("greedy-nodup"));
    for (FuncOp f : FuncOp.definitions(module)) {
      if (!segment(f.body(), model, ctx)) {
        ctx.fail();
        return;
      }
    }
  }

  private boolean segment(Block body, StageModel model, PassContext ctx) {
    for (Operation op : body) {
      if (op.name().equals("op.segment")) {
        ctx.diag().opError(op, "is already segmented; 'segment' runs once");
        return false;
      }
      if (op.name().startsWith("graph.") && !op.name().equals("graph.constant")) {
        ctx.diag().opError(op, "has no operator of the op dialect yet; run 'graph-to-op'"
            + " before 'segment'");
        return false;
      }
    }
    OperatorGraph g = new OperatorGraph(body);
    if (g.size() == 0) {
      return true;
    }
    MipAllocator mip = new MipAllocator(options.timeLimitMillis() / 1000.0,
        ctx.solverLog() ? ctx.reports() : null);
    try {
      StageCoster base = g.coster(model, mip::solve);
      for (int i = 0; i < g.size(); i++) {
        BitSet alone = new BitSet();
        alone.set(i);
        if (Double.isInfinite(base.applyAsDouble(alone))) {
          ctx.diag().opError(g.ops().get(i), "does not fit the chip even alone: "
              + noFit(base.problem(alone, 0)));
          return false;
        }
      }
      EdpSearch.Point<Plan> plan;
      if (options.objective().equals("edp")) {
        EdpSearch.Result<Plan> search = EdpSearch.minimise(model, m -> plan(g, m, mip, ctx));
        ctx.count("EDP weighted partitions", search.solves());
        plan = search.best();
      } else {
        plan = plan(g, model, mip, ctx);
      }
      if (!plan.solution().result().feasible()) {
        ctx.diag().error(body.parentOp().location(), "no partition of the operators fits the"
            + " chip");
        return false;
      }
      ctx.count("MIPs solved", mip.solved());
      ctx.count("solver time (ms)", mip.millis());
      write(body, g, plan.solution());
      return true;
    } catch (MipAllocator.MipUnavailableException e) {
      ctx.diag().error(body.parentOp().location(), e.getMessage());
      return false;
    }
  }

  /** A partition and the coster whose allocations it was found with. */
  private record Plan(StageCoster coster, Partitioner.Result result) {}

  /** The partition of `g` that minimises `model`'s objective, with its latency and energy. */
  private EdpSearch.Point<Plan> plan(OperatorGraph g, StageModel model, MipAllocator mip,
      PassContext ctx) {
    StageCoster coster = g.coster(model, mip::solve);
    Partitioner.Costs costs = new Partitioner.Costs(coster);
    Partitioner.Result r = switch (options.strategy()) {
      case "greedy", "greedy-nodup" -> Partitioner.greedy(g.network(), costs);
      case "layerwise" -> Partitioner.layerwise(g.network(), costs);
      default -> Partitioner.dp(g.network(), costs, options.maxStates());
    };
    ctx.count("states explored", r.states());
    ctx.count("stages costed", r.stagesCosted());
    ctx.count("cache hits", r.cacheHits());
    ctx.count("allocations solved exactly", coster.exactSolved);
    ctx.count("worst gap (ppm)", Math.round(coster.worstGap * 1e6));
    double latency = Double.POSITIVE_INFINITY;
    double energy = Double.POSITIVE_INFINITY;
    if (r.feasible()) {
      latency = 0;
      energy = 0;
      for (BitSet stage : r.stages()) {
        StageProblem.Figures f = coster.allocate(stage, 0).figures();
        latency += f.latencyCost();
        energy += f.energyCost();
      }
    }
    return new EdpSearch.Point<>(new Plan(coster, r), latency, energy);
  }

  private void write(Block body, OperatorGraph g, Plan plan) {
    Operation ret = body.terminator();
    int index = 0;
    for (BitSet stage : withWeightViewsAttached(plan.result().stages(), g)) {
      Operation seg = wrap(body, ret, g, stage, index++);
      Annotations.write(seg, g.ops(), stage, plan.coster().problem(stage, 0),
          plan.coster().allocate(stage, 0));
    }
    body.parentOp().setAttr("segment.space", Attribute.StringAttr.of(plan.result().space()));
    if (options.strategy().equals("greedy-nodup")) {
      // The plan is one copy of every weight; mode-alloc keeps it so.
      body.parentOp().setAttr(NO_DUPLICATION, Attribute.StringAttr.of("none"));
    }
  }

  /**
   * `stages` with every stage of weight views alone (moves that only slice a later product's
   * weights, free in the cost model, so a partition may cut them off at no cost) merged into
   * the stage after it: the views have no operator before them and their products come later,
   * so the order stays valid and no stage's cost changes, but no stage is left that does
   * nothing but cost a barrier.
   */
  static List<BitSet> withWeightViewsAttached(List<BitSet> stages, OperatorGraph g) {
    List<BitSet> out = new ArrayList<>();
    BitSet pending = new BitSet();
    for (BitSet stage : stages) {
      boolean views = stage.stream().allMatch(g::weightView);
      BitSet merged = (BitSet) stage.clone();
      merged.or(pending);
      if (views) {
        pending = merged;
      } else {
        out.add(merged);
        pending = new BitSet();
      }
    }
    if (!pending.isEmpty()) {
      if (out.isEmpty()) {
        out.add(pending);
      } else {
        out.get(out.size() - 1).or(pending);
      }
    }
    return out;
  }

  /** Moves the operators of `stage` into a new `op.segment` before `anchor`. */
  private static Operation wrap(Block body, Operation anchor, OperatorGraph g, BitSet stage,
      int index) {
    List<Operation> members = new ArrayList<>();
    for (int i = stage.nextSetBit(0); i >= 0; i = stage.nextSetBit(i + 1)) {
      members.add(g.ops().get(i));
    }
    List<Value> outputs = new ArrayList<>();
    for (Operation op : members) {
      for (Value v : op.results()) {
        for (OpOperand use : v.uses()) {
          if (!members.contains(use.owner()) && !outputs.contains(v)) {
            outputs.add(v);
          }
        }
      }
    }
    List<Type> types = outputs.stream().map(Value::type).toList();
    Location loc = members.get(0).location();
    Operation seg = Operation.create("op.segment", OpDialect.SEGMENT, List.of(), types,
        Attribute.DictionaryAttr.EMPTY.with("index", GraphAttrs.i64(index)), null, List.of(), 1,
        loc);
    Block inner = new Block();
    seg.region(0).addBlock(inner);
    body.insertBefore(seg, anchor);
    for (Operation op : members) {
      op.block().remove(op);
      inner.append(op);
    }
    inner.append(Operation.create("op.yield", OpDialect.YIELD, outputs, List.of(),
        Attribute.DictionaryAttr.EMPTY, null, List.of(), 0, loc));
    for (int r = 0; r < outputs.size(); r++) {
      for (OpOperand use : List.copyOf(outputs.get(r).uses())) {
        if (!use.owner().isInsideOf(seg)) {
          use.set(seg.result(r));
        }
      }
    }
    return seg;
  }

  /** Why the one-operator problem `p` has no allocation, for diagnostics. */
  private static String noFit(StageProblem p) {
    StageProblem.Item it = p.ops().get(0);
    StageProblem.Chip chip = p.chip();
    return "one copy of its weights needs " + it.arraysPerCopy() + " arrays on "
        + p.cores(0, it.minCopies()) + " core(s); the chip has " + chip.arrays()
        + " arrays on " + chip.cores() + " core(s)";
  }
}
