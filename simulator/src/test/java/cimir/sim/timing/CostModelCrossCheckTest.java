package cimir.sim.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphShapes;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwPresets;
import cimir.dialect.isa.IsaProgram;
import cimir.sim.ModelCompiler;
import cimir.ir.Attribute;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.lowering.cost.Demand;
import cimir.lowering.cost.LowerBound;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The timing simulator against the analytical cost model, per stage and per model: a model
 * compiled by a named pipeline is costed by the model where `mode-alloc` leaves it (each
 * segment's `alloc.latency` and `alloc.energy`, and the whole function's lower bound), then
 * lowered to ISA and timed.
 *
 * <p>What is asserted, and why:
 * <ul>
 *   <li>No run beats the lower bound, in latency or in energy: the bound charges only peak
 *       compute, compulsory global traffic and each weight's one write, which every simulated
 *       run pays at the same rates.</li>
 *   <li>No simulated stage is faster than the cost model predicts. The model's stage is a
 *       streamed pipeline: every operator busy at once on ideal kernels, the stage as long as
 *       its slowest operator plus its weight load. The compiled program does not stream rows
 *       between producer and consumer (docs/design/meta-to-isa.md, 7.3): an operator starts
 *       when its producer has finished its whole output, and its vector and data-movement
 *       loops issue an instruction per cycle where the model charges lanes-wide work.</li>
 *   <li>Where the compiled program is bound by what the model charges exactly, weights
 *       streamed from global memory into the arrays (the LLaMA decode block: one token, every
 *       stage a weight load), the model is within 20 %: the whole run, and at least 95 % of
 *       the stages (on cimflow all 8, at 1.07x to 1.13x; on dynaplasia 173 of 178, the
 *       other five at 1.2x to 12x).</li>
 * </ul>
 * Elsewhere a simulated stage is not within 20 % of its prediction: the table this test prints
 * shows compute-bound stages over 100 times longer than predicted. Its `unstreamed` column
 * splits the gap: the operators one after another explain a factor of 1.8 to 10 on ResNet18,
 * MobileNetV2 and BERT (ResNet18 on cimflow: 254 K cycles predicted, 952 K unstreamed, 3.7x;
 * MobileNetV2 9.9x), and the kernels the rest, 2.7 to 11 times slower than the model's ideal
 * ones (ResNet18 2.7x on cimflow and 8.8x on dynaplasia, MobileNetV2 5.0x, BERT 10.6x); on
 * the tiny models, 9 to 45 times. Closing it takes row streaming (docs/design/meta-to-isa.md,
 * 15) and faster kernels; `cim-run` lists the slowest operators beside the model's cycles for
 * each.
 */
class CostModelCrossCheckTest {

  /**
   * A stage as the cost model predicts it, and `unstreamed`: the same stage with its operators
   * one after another (the prediction less its slowest operator plus the sum of all of them),
   * which is how the compiled program runs them.
   */
  record Prediction(double cycles, double energyPj, double unstreamed) {}

  @ParameterizedTest
  @CsvSource({"tiny_cnn_weights, cimflow, cimflow, 0", "tiny_cnn_bn_dw, cimflow, cimflow, 0",
      "tiny_transformer, cimflow, cimflow, 0", "tiny_cnn_weights, dynaplasia, cmswitch, 0",
      "resnet18, cimflow, cimflow, 0", "mobilenet_v2, cimflow, cimflow, 0",
      "resnet18, dynaplasia, cmswitch, 0", "bert_base_layer, dynaplasia, cmswitch, 0",
      "llama7b_block_decode, cimflow, cimflow, 1.2",
      "llama7b_block_decode, dynaplasia, cmswitch, 1.2"})
  void simulatedStagesAgainstTheCostModel(String model, String arch, String pipeline,
      double ratioBound) throws Exception {
    HardwareModel hw = HwPresets.byName(arch).orElseThrow();
    Context ctx = ModelCompiler.context();
    Operation module = ModelCompiler.importModel(ctx, model, arch);
    String passes = ModelCompiler.registry().pipeline(pipeline);
    int split = passes.indexOf(",place,");
    ModelCompiler.run(ctx, module, passes.substring(0, split));
    FuncOp f = FuncOp.definitions(module).get(0);
    List<Prediction> predicted = new ArrayList<>();
    List<Demand> demands = new ArrayList<>();
    for (Operation op : f.body()) {
      if (op.name().equals("op.segment")) {
        double sum = 0;
        double slowest = 0;
        for (Operation inner : op.region(0).entryBlock()) {
          if (!inner.name().equals("op.yield")) {
            demands.add(Demand.fromAttributes(inner));
            double latency = inner.attr("alloc.latency") == null ? 0
                : number(inner, "alloc.latency");
            sum += latency;
            slowest = Math.max(slowest, latency);
          }
        }
        double cycles = number(op, "alloc.latency");
        predicted.add(new Prediction(cycles, number(op, "alloc.energy"),
            cycles - slowest + sum));
      }
    }
    long inputBytes = GraphShapes.product(GraphShapes.shapeOf(f.body().argument(0).type(), 0));
    long outputBytes = 0;
    for (Value v : f.body().terminator().operands()) {
      outputBytes += GraphShapes.product(GraphShapes.shapeOf(v.type(), 0));
    }
    LowerBound bound = LowerBound.of(demands, inputBytes, outputBytes, hw);

    ModelCompiler.run(ctx, module, passes.substring(split + 1));
    Operation program = ModelCompiler.program(module);
    TimingReport r = new TimingSimulator(hw, IsaProgram.fromOp(program)).run(2_000_000_000L);

    assertTrue(r.cycles() >= bound.cycles(), r.cycles() + " simulated cycles beat the lower"
        + " bound of " + bound.cycles());
    assertTrue(r.energyPj() >= bound.energyPj(), r.energyPj() + " simulated pJ beat the lower"
        + " bound of " + bound.energyPj());
    assertEquals(predicted.size(), r.stages().size(), "a stage per segment");
    double predictedCycles = 0;
    double unstreamedCycles = 0;
    double predictedPj = 0;
    int within = 0;
    System.out.printf(Locale.ROOT, "cross-check %s on %s by %s (lower bound %.0f cycles,"
        + " %.0f pJ)%n  %-6s %14s %14s %7s %14s %7s %16s %16s %7s%n", model, arch, pipeline,
        bound.cycles(), bound.energyPj(), "stage", "predicted", "simulated", "ratio",
        "unstreamed", "ratio", "predicted pJ", "simulated pJ", "ratio");
    for (int k = 0; k < predicted.size(); k++) {
      Prediction p = predicted.get(k);
      TimingReport.StageFigures s = r.stages().get(k);
      double dynamic = s.energyPj() - s.energyByUnit().get("static");
      System.out.printf(Locale.ROOT, "  %-6d %14.0f %14d %7.2f %14.0f %7.2f %16.0f %16.0f"
          + " %7.2f%n", k, p.cycles(), s.cycles(), s.cycles() / p.cycles(), p.unstreamed(),
          s.cycles() / p.unstreamed(), p.energyPj(), dynamic, dynamic / p.energyPj());
      assertTrue(s.cycles() >= p.cycles(), "stage " + k + ": " + s.cycles()
          + " simulated cycles, " + p.cycles() + " predicted");
      predictedCycles += p.cycles();
      unstreamedCycles += p.unstreamed();
      predictedPj += p.energyPj();
      within += s.cycles() <= ratioBound * p.cycles() ? 1 : 0;
    }
    if (ratioBound > 0) {
      assertTrue(r.cycles() <= ratioBound * predictedCycles, r.cycles() + " simulated cycles, "
          + predictedCycles + " predicted");
      assertTrue(within >= 0.95 * predicted.size(), within + " of " + predicted.size()
          + " stages within " + ratioBound + "x of their prediction");
    }
    double dynamic = r.energyPj() - r.energyByUnit().get("static");
    System.out.printf(Locale.ROOT, "  %-6s %14.0f %14d %7.2f %14.0f %7.2f %16.0f %16.0f"
        + " %7.2f%n", "all", predictedCycles, r.cycles(), r.cycles() / predictedCycles,
        unstreamedCycles, r.cycles() / unstreamedCycles, predictedPj, dynamic,
        dynamic / predictedPj);
  }

  private static double number(Operation op, String name) {
    return ((Attribute.FloatAttr) op.attr(name)).doubleValue();
  }
}
