package cimir.lowering.cost;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphShapes;
import cimir.dialect.hw.HardwareModel;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.lowering.graphtoop.Hardware;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * `cost-report`: prints, for every operator of every function, its demand, its minimal
 * allocation, and its latency and energy there under the chosen cost model (operators named
 * by their location: the ONNX node with `--mlir-print-debuginfo` kept, else the line); then
 * the function's totals, with every weight loaded once, and its lower bound on the chip. Reads `op` operators (after
 * `graph-to-op`) or graph ops directly. Changes nothing.
 */
public final class CostReportPass implements Pass {
  /** The options: the cost model and the chip when the module names none. */
  public record Options(String costModel, String arch, int dataInputs) {}

  public static final PassInfo INFO = new PassInfo("cost-report",
      "print each operator's demand, minimal arrays, latency and energy, and the lower bound",
      List.of(CostModel.OPTION, Hardware.ARCH_OPTION, Hardware.DATA_INPUTS_OPTION),
      o -> new CostReportPass(new Options(o.getString("cost-model"), o.getString("arch"),
          (int) o.getInt("data-inputs"))));

  private final Options options;

  public CostReportPass(Options options) {
    this.options = options;
  }

  @Override
  public void run(Operation module, PassContext ctx) {
    HardwareModel hw = Hardware.of(module, options.arch(), ctx);
    if (hw == null) {
      return;
    }
    CostModel cost = CostModel.byName(options.costModel());
    PrintStream out = ctx.reports();
    for (FuncOp f : FuncOp.definitions(module)) {
      report(f, hw, cost, out);
    }
  }

  private void report(FuncOp f, HardwareModel hw, CostModel cost, PrintStream out) {
    out.printf(Locale.ROOT, "cost report: @%s on '%s' (%s model, %.0f MHz)%n", f.name(),
        hw.name(), cost.name(), hw.clockMhz());
    out.printf(Locale.ROOT, "%-4s %-24s %-5s %-12s %8s %8s %8s %14s %10s %8s %14s %14s%n",
        "#", "operator", "class", "kind", "K", "N", "M", "work", "weight B", "arrays",
        "cycles", "energy pJ");
    List<Demand> demands = new ArrayList<>();
    double cycles = 0;
    double energy = 0;
    int index = 0;
    for (Operation op : f.body()) {
      Demand d = demand(op);
      if (d == null) {
        continue;
      }
      demands.add(d);
      Allocation a = CostModel.minimal(d, hw);
      double l = cost.latency(d, a, hw);
      double e = cost.energy(d, a, hw);
      double[] load = CostModel.transition(d.weightBytes(), 0, 0, hw);
      cycles += l + load[0];
      energy += e + load[1];
      out.printf(Locale.ROOT, "%-4d %-24s %-5s %-12s %8d %8d %8d %14d %10d %8d %14.1f %14.1f%n",
          index++, name(op), d.kind(), d.op(), d.k(), d.n(), d.m(), d.work(), d.weightBytes(),
          a.computeArrays(), l, e);
    }
    long inputBytes = 0;
    for (int i = 0; i < Math.min(options.dataInputs(), f.body().arguments().size()); i++) {
      inputBytes += GraphShapes.product(GraphShapes.shapeOf(f.body().argument(i).type(), i));
    }
    long outputBytes = 0;
    for (Value v : f.body().terminator().operands()) {
      outputBytes += GraphShapes.product(GraphShapes.shapeOf(v.type(), 0));
    }
    LowerBound lb = LowerBound.of(demands, inputBytes, outputBytes, hw);
    double us = hw.nsPerCycle() / 1000;
    out.printf(Locale.ROOT, "total: %d operators, %d MACs, %.1f cycles (%.3f us) and %.1f pJ,"
        + " one operator after another on its minimal arrays, weights loaded once%n",
        demands.size(), lb.macs(), cycles, cycles * us, energy);
    out.printf(Locale.ROOT, "lower bound: %.1f cycles (%.3f us; compute %.1f, memory %.1f for"
        + " %d compulsory bytes), %.1f pJ%n", lb.cycles(), lb.cycles() * us,
        lb.computeCycles(), lb.memoryCycles(), lb.compulsoryBytes(), lb.energyPj());
  }

  /** The demand of an op-dialect operator or a graph op; null for anything else. */
  private Demand demand(Operation op) {
    if (op.dialect().equals("op") && !op.name().equals("op.segment")
        && !op.name().equals("op.yield")) {
      return Demand.fromAttributes(op);
    }
    if (op.dialect().equals("graph") && !op.name().equals("graph.constant")) {
      return Demand.of(op, Demand.isWeight(op.numOperands() > 1 ? op.operand(1) : null,
          options.dataInputs()), 8);
    }
    return null;
  }

  /**
   * An operator's name in reports: its ONNX node (the last of a fusion) when its location was
   * kept, else its line, else its op name; long names keep their end.
   */
  public static String name(Operation op) {
    Location loc = op.location();
    if (loc instanceof Location.Fused fused && !fused.locations().isEmpty()) {
      loc = fused.locations().get(fused.locations().size() - 1);
    }
    String n = loc instanceof Location.Name named ? named.name()
        : loc instanceof Location.FileLineCol at ? "line " + at.line() : op.name();
    return n.length() > 24 ? "..." + n.substring(n.length() - 21) : n;
  }
}
