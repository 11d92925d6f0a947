package cimir.transforms.segment;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphAttrs;
import cimir.ir.Operation;
import cimir.lowering.cost.CostReportPass;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.Stage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * `segment-report`: prints, per segment of every function, its operators with their arrays by
 * mode, copies and latency, then the segment's period, predicted latency and energy, its share
 * of the total, the transition (switches, weight loads, spills) and how its allocation was
 * solved. Reads the `alloc.*` attributes that `segment` and `mode-alloc` write; changes
 * nothing.
 */
public final class SegmentReportPass implements Pass {
  public static final PassInfo INFO = new PassInfo("segment-report",
      "print per segment its operators, arrays by mode, copies, latency, energy and transition",
      List.of(), o -> new SegmentReportPass());

  @Override
  public Set<Stage> requires() {
    return Set.of(SegmentPass.SEGMENTED);
  }

  @Override
  public void run(Operation module, PassContext ctx) {
    for (FuncOp f : FuncOp.definitions(module)) {
      report(f, ctx.reports());
    }
  }

  private static void report(FuncOp f, PrintStream out) {
    List<Operation> segments = new ArrayList<>();
    for (Operation op : f.body()) {
      if (op.name().equals("op.segment")) {
        segments.add(op);
      }
    }
    double latency = 0;
    double energy = 0;
    double transition = 0;
    for (Operation s : segments) {
      GraphAttrs a = new GraphAttrs(s.attributes());
      latency += a.f("alloc.latency", 0);
      energy += a.f("alloc.energy", 0);
      transition += a.f("alloc.transition_cycles", 0);
    }
    out.printf(Locale.ROOT, "segment report: @%s, %d segment(s)%n", f.name(), segments.size());
    for (Operation s : segments) {
      GraphAttrs a = new GraphAttrs(s.attributes());
      out.printf(Locale.ROOT,
          "segment %d: %d compute + %d memory arrays on %d core(s), period %.1f cycles,"
              + " %s %s (gap %.2f %%)%n",
          a.i64("index", -1), a.i64("alloc.compute_arrays", 0), a.i64("alloc.memory_arrays", 0),
          a.i64("alloc.cores", 0), a.f("alloc.period", 0), a.str("alloc.method", "?"),
          a.str("alloc.status", "?"), 100 * a.f("alloc.gap", 0));
      out.printf(Locale.ROOT, "  %-24s %-14s %6s %7s %6s %5s %12s%n", "operator", "kind",
          "copies", "compute", "memory", "cores", "latency");
      for (Operation op : s.region(0).entryBlock()) {
        if (!OperatorGraph.OPERATORS.contains(op.name())) {
          continue;
        }
        GraphAttrs o = new GraphAttrs(op.attributes());
        out.printf(Locale.ROOT, "  %-24s %-14s %6d %7d %6d %5d %12.1f%n",
            CostReportPass.name(op), op.name().substring(3) + ":" + o.str("kind", "?"),
            o.i64("alloc.copies", 0), o.i64("alloc.compute_arrays", 0),
            o.i64("alloc.memory_arrays", 0), o.i64("alloc.cores", 0),
            o.f("alloc.latency", 0));
      }
      double l = a.f("alloc.latency", 0);
      out.printf(Locale.ROOT,
          "  latency %.1f cycles (%.1f %%), energy %.1f pJ (%.1f %%); transition %.1f cycles,"
              + " %.1f pJ, %d switches%n",
          l, share(l, latency), a.f("alloc.energy", 0), share(a.f("alloc.energy", 0), energy),
          a.f("alloc.transition_cycles", 0), a.f("alloc.transition_energy", 0),
          a.i64("alloc.switches", 0));
    }
    out.printf(Locale.ROOT,
        "total: latency %.1f cycles, energy %.1f pJ, transitions %.1f cycles (%.1f %%)%n",
        latency, energy, transition, share(transition, latency));
  }

  private static double share(double part, double whole) {
    return whole == 0 ? 0 : 100 * part / whole;
  }
}
