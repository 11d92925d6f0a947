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
 * how many serve as memory. The result is written on the operators and the segments.
 */
public final class ModeAllocPass implements Pass {
  /** The options. */
  public record Options(String objective, long batch, String policy, String arch,
      long timeLimitMillis) {}

  public static final PassInfo INFO = new PassInfo("mode-alloc",
      "choose per segment the arrays that compute and the arrays that serve as memory (SCIP)",
      List.of(SegmentPass.OBJECTIVE, SegmentPass.BATCH, SegmentPass.POLICY,
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
    double worstGap = 0;
    long beaten = 0;
    try {
      for (FuncOp f : FuncOp.definitions(module)) {
        Block body = f.body();
        boolean duplicate = !(f.op().attr(SegmentPass.NO_DUPLICATION)
            instanceof Attribute.StringAttr d && d.value().equals("none"));
        StageModel model = new StageModel(hw, options.batch(),
            StageModel.objective(options.objective()), options.policy().equals("mip"),
            duplicate);
        OperatorGraph g = new OperatorGraph(body);
        StageCoster coster = g.coster(model, mip::solve);
        List<BitSet> stages = g.segments(body);
        List<Operation> segments = body.ops().stream()
            .filter(op -> op.name().equals("op.segment")).toList();
        long previousMemory = 0;
        for (int s = 0; s < stages.size(); s++) {
          StageProblem p = coster.problem(stages.get(s), previousMemory);
          ExactAllocator.Solution search = ExactAllocator.search(p);
          java.util.Optional<Allocated> exact = search.optimum().filter(Allocated::feasible);
          double known = exact.map(Allocated::objective).orElse(Double.POSITIVE_INFINITY);
          double least = search.leastPeriod().map(x -> x.figures().period()).orElse(0.0);
          Allocated a = mip.solve(p, known, least);
          Operation seg = segments.get(s);
          if (!a.feasible()) {
            ctx.diag().opError(seg, "has no allocation that fits the chip");
            ctx.fail();
            return;
          }
          if (a.status() == Allocated.Status.OPTIMAL && exact.isPresent()
              && exact.get().objective() < a.objective() * (1 - 1e-9)) {
            // A guard: SCIP with presolve called worse allocations optimal on large stages
            // (MipAllocator now solves without it); the exact path's optimum, checked against
            // enumeration and against SCIP, stands.
            ctx.diag().opWarning(seg, String.format(Locale.ROOT, "SCIP's optimum %.6g is %.3f%%"
                + " worse than the exact combinatorial optimum %.6g; keeping the exact one",
                a.objective(), 100 * (a.objective() / exact.get().objective() - 1),
                exact.get().objective()));
            beaten++;
            a = exact.get();
          } else if (a.status() != Allocated.Status.OPTIMAL && exact.isPresent()) {
            ctx.diag().opWarning(seg, String.format(Locale.ROOT, "SCIP stopped at its time"
                + " limit with a gap of %.2f%%; keeping the exact combinatorial optimum",
                a.gap() * 100));
            if (exact.get().objective() <= a.objective()) {
              a = new Allocated(exact.get().choice(), exact.get().figures(),
                  Allocated.Status.OPTIMAL, 0, "exact");
            }
          } else if (a.status() != Allocated.Status.OPTIMAL) {
            ctx.diag().opWarning(seg, String.format(Locale.ROOT, "the solver stopped at its"
                + " time limit; keeping the best allocation found, within %.2f%% of optimal",
                a.gap() * 100));
          }
          worstGap = Math.max(worstGap, a.gap());
          Annotations.write(seg, g.ops(), stages.get(s), p, a);
          previousMemory = a.figures().memoryArrays();
        }
      }
    } catch (MipAllocator.MipUnavailableException e) {
      ctx.diag().error(module.location(), e.getMessage());
      ctx.fail();
      return;
    }
    ctx.count("MIPs solved", mip.solved());
    ctx.count("solver time (ms)", mip.millis());
    ctx.count("worst gap (ppm)", Math.round(worstGap * 1e6));
    ctx.count("SCIP optima bettered by the exact path", beaten);
  }
}
