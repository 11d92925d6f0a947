package cimir.transforms.segment;

import cimir.dialect.func.FuncOp;
import cimir.dialect.hw.HardwareModel;
import cimir.ir.Attribute;
import cimir.ir.Block;
import cimir.ir.Operation;
import cimir.lowering.alloc.Allocated;
import cimir.lowering.alloc.ExactAllocator;
import cimir.lowering.alloc.MipAllocator;
import cimir.lowering.alloc.StageModel;
import cimir.lowering.alloc.StageProblem;
import cimir.lowering.graphtoop.Hardware;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.Stage;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * `mode-alloc`: per segment, in execution order, solves the stage's allocation problem
 * ({@link StageProblem}, formulated in {@link MipAllocator}) with SCIP, against the modes the
 * previous segment left behind: how many arrays of each operator compute (weight copies) and
 * how many serve as memory. The result is written on the operators and the segments. Under
 * the `edp` objective the whole function's product is minimised ({@link EdpSearch}).
 */
public final class ModeAllocPass implements Pass {
  /** The options. */
  public record Options(String objective, long batch, String policy, String arch,
      long timeLimitMillis) {}

  public static final PassInfo INFO = new PassInfo("mode-alloc",
      "choose per segment the arrays that compute and the arrays that serve as memory (SCIP)",
      List.of(SegmentPass.OBJECTIVE, Hardware.BATCH_OPTION, SegmentPass.POLICY,
          Hardware.ARCH_OPTION, SegmentPass.TIME_LIMIT),
      o -> new ModeAllocPass(new Options(o.getString("objective"), o.getInt("batch"),
          o.getString("policy"), o.getString("arch"), o.getDurationMillis("time-limit"))));

  private final Options options;

  public ModeAllocPass(Options options) {
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
    MipAllocator mip = new MipAllocator(options.timeLimitMillis() / 1000.0,
        ctx.solverLog() ? ctx.reports() : null);
    Tally tally = new Tally();
    try {
      for (FuncOp f : FuncOp.definitions(module)) {
        Block body = f.body();
        boolean duplicate = !(f.op().attr(SegmentPass.NO_DUPLICATION)
            instanceof Attribute.StringAttr d && d.value().equals("none"));
        StageModel model = new StageModel(hw, options.batch(),
            StageModel.objective(options.objective()), options.policy().equals("mip"),
            duplicate);
        OperatorGraph g = new OperatorGraph(body);
        List<BitSet> stages = g.segments(body);
        List<Operation> segments = body.ops().stream()
            .filter(op -> op.name().equals("op.segment")).toList();
        EdpSearch.Point<List<Chosen>> plan;
        if (options.objective().equals("edp")) {
          EdpSearch.Result<List<Chosen>> search = EdpSearch.minimise(model,
              m -> allocate(g, m, mip, stages));
          ctx.count("EDP weighted allocations", search.solves());
          plan = search.best();
        } else {
          plan = allocate(g, model, mip, stages);
        }
        for (int s = 0; s < plan.solution().size(); s++) {
          Chosen st = plan.solution().get(s);
          Operation seg = segments.get(s);
          if (st == null) {
            ctx.diag().opError(seg, "has no allocation that fits the chip");
            ctx.fail();
            return;
          }
          if (st.warning() != null) {
            ctx.diag().opWarning(seg, st.warning());
          }
          tally.beaten += st.beaten() ? 1 : 0;
          tally.worstGap = Math.max(tally.worstGap, st.a().gap());
          Annotations.write(seg, g.ops(), stages.get(s), st.p(), st.a());
        }
      }
    } catch (MipAllocator.MipUnavailableException e) {
      ctx.diag().error(module.location(), e.getMessage());
      ctx.fail();
      return;
    }
    ctx.count("MIPs solved", mip.solved());
    ctx.count("solver time (ms)", mip.millis());
    ctx.count("worst gap (ppm)", Math.round(tally.worstGap * 1e6));
    ctx.count("SCIP optima bettered by the exact path", tally.beaten);
  }

  private static final class Tally {
    double worstGap;
    long beaten;
  }

  /**
   * One segment's allocation: its problem, the allocation kept, and what to warn about it
   * (null for nothing); `beaten` when the exact path bettered SCIP's optimum.
   */
  private record Chosen(StageProblem p, Allocated a, String warning, boolean beaten) {}

  /**
   * Every segment allocated in order under `model`, each against the modes the one before
   * left; the list ends with null at the first segment that has no allocation.
   */
  private static EdpSearch.Point<List<Chosen>> allocate(OperatorGraph g, StageModel model,
      MipAllocator mip, List<BitSet> stages) {
    StageCoster coster = g.coster(model, mip::solve);
    List<Chosen> out = new java.util.ArrayList<>();
    double latency = 0;
    double energy = 0;
    long previousMemory = 0;
    for (BitSet stage : stages) {
      StageProblem p = coster.problem(stage, previousMemory);
      Chosen st = allocate(p, mip);
      out.add(st);
      if (st == null) {
        return new EdpSearch.Point<>(out, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
      }
      latency += st.a().figures().latencyCost();
      energy += st.a().figures().energyCost();
      previousMemory = st.a().figures().memoryArrays();
    }
    return new EdpSearch.Point<>(out, latency, energy);
  }

  /** The optimal allocation of `p`, SCIP's checked against the exact path; null if none. */
  private static Chosen allocate(StageProblem p, MipAllocator mip) {
    ExactAllocator.Solution search = ExactAllocator.search(p);
    java.util.Optional<Allocated> exact = search.optimum().filter(Allocated::feasible);
    double known = exact.map(Allocated::objective).orElse(Double.POSITIVE_INFINITY);
    double least = search.leastPeriod().map(x -> x.figures().period()).orElse(0.0);
    Allocated a = mip.solve(p, known, least);
    if (!a.feasible()) {
      return null;
    }
    if (a.status() == Allocated.Status.OPTIMAL && exact.isPresent()
        && exact.get().objective() < a.objective() * (1 - 1e-9)) {
      // A guard: SCIP with presolve called worse allocations optimal on large stages
      // (MipAllocator now solves without it); the exact path's optimum, checked against
      // enumeration and against SCIP, stands.
      return new Chosen(p, exact.get(), String.format(Locale.ROOT, "SCIP's optimum %.6g is"
          + " %.3f%% worse than the exact combinatorial optimum %.6g; keeping the exact one",
          a.objective(), 100 * (a.objective() / exact.get().objective() - 1),
          exact.get().objective()), true);
    }
    if (a.status() != Allocated.Status.OPTIMAL && exact.isPresent()) {
      String warning = String.format(Locale.ROOT, "SCIP stopped at its time limit with a gap"
          + " of %.2f%%; keeping the exact combinatorial optimum", a.gap() * 100);
      if (exact.get().objective() <= a.objective()) {
        a = new Allocated(exact.get().choice(), exact.get().figures(),
            Allocated.Status.OPTIMAL, 0, "exact");
      }
      return new Chosen(p, a, warning, false);
    }
    if (a.status() != Allocated.Status.OPTIMAL) {
      return new Chosen(p, a, String.format(Locale.ROOT, "the solver stopped at its time"
          + " limit; keeping the best allocation found, within %.2f%% of optimal",
          a.gap() * 100), false);
    }
    return new Chosen(p, a, null, false);
  }
}
