package cimir.lowering.graphtoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.builtin.ModuleOp;
import cimir.dialect.graph.GraphDialect;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HardwareModel.Core;
import cimir.dialect.hw.HardwareModel.Energy;
import cimir.dialect.hw.HardwareModel.GlobalMemory;
import cimir.dialect.hw.HardwareModel.LocalMemory;
import cimir.dialect.hw.HardwareModel.Macro;
import cimir.dialect.hw.HardwareModel.Noc;
import cimir.dialect.hw.HardwareModel.VectorUnit;
import cimir.dialect.hw.HwPresets;
import cimir.dialect.op.OpDialect;
import cimir.ir.Block;
import cimir.ir.Context;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Verifier;
import cimir.lowering.LoweringPasses;
import cimir.lowering.cost.CimflowCostModel;
import cimir.lowering.cost.CostModel;
import cimir.lowering.cost.Demand;
import cimir.lowering.onnx.OnnxImporter;
import cimir.lowering.onnx.OnnxReader;
import cimir.pass.PassManager;
import cimir.pass.PassRegistry;
import cimir.pass.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * graph-to-op on every shipped model and both presets (everything converts, verifies and fits),
 * and the split count against brute force.
 */
class GraphToOpTest {
  private static final Path MODELS = Path.of("..", "models");

  @ParameterizedTest
  @CsvSource({"resnet18, cimflow", "resnet18, dynaplasia", "mobilenet_v2, cimflow",
      "mobilenet_v2, dynaplasia", "efficientnet_b0, cimflow", "efficientnet_b0, dynaplasia",
      "vgg16, cimflow", "vgg16, dynaplasia", "bert_base_layer, cimflow",
      "bert_base_layer, dynaplasia", "llama7b_block_decode, cimflow",
      "llama7b_block_decode, dynaplasia", "llama7b_block_prefill, cimflow",
      "llama7b_block_prefill, dynaplasia", "tiny_cnn_bn_dw, cimflow",
      "tiny_cnn_weights, dynaplasia", "tiny_transformer, cimflow"})
  void everyModelConvertsAndEveryOperatorFits(String model, String arch) throws Exception {
    Context ctx = GraphDialect.newContext();
    ctx.register(new OpDialect());
    Operation module = OnnxImporter.importModel(ctx,
        OnnxReader.read(Files.readAllBytes(MODELS.resolve(model + ".onnx"))), Map.of());
    PassRegistry registry = new PassRegistry();
    LoweringPasses.registerPasses(registry);
    PassManager pm = new PassManager(ctx, Pipeline.parse(
        "canonicalize,graph-to-op{arch=" + arch + "}", registry, ctx.diagnostics()));
    assertTrue(pm.run(module, PassManager.Instrumentation.DEFAULT),
        () -> ctx.diagnostics().diagnostics().toString());
    assertTrue(Verifier.verify(ctx, module));
    HardwareModel hw = HwPresets.byName(arch).orElseThrow();
    long coreDepth = (long) hw.core().macro().reductionDepth() * hw.core().macroGroups();
    int[] mvms = {0};
    new ModuleOp(module).body().first().walk(op -> {
      assertTrue(!op.dialect().equals("graph") || op.name().equals("graph.constant"),
          () -> op.name() + " was not converted");
      if (op.name().equals("op.mvm")) {
        mvms[0]++;
        Demand d = Demand.fromAttributes(op);
        assertTrue(CostModel.arraysPerCopy(d, hw) <= hw.totalMacros(), () -> op + " needs "
            + CostModel.arraysPerCopy(d, hw) + " arrays");
        assertTrue(d.k() <= coreDepth, () -> op + " reduces deeper than a core holds");
      }
    });
    assertTrue(mvms[0] > 0);
  }

  /** A small chip: 2 cores of 3 groups of 1 macro of 4 rows x 2 columns: 6 arrays, depth 12. */
  private static final HardwareModel SMALL = new HardwareModel("small", 2, 1, 2,
      new Core(3, 1, new Macro(4, 2, 1, 8, 8, 32, false, 1, 4),
          new LocalMemory(1024, 1024, 1024, 16), new VectorUnit(4)),
      new GlobalMemory(1 << 20, 8), new Noc(8, 1), 100,
      new Energy(1, 1, 1, 1, 1, 1, 1, 1));

  @Test
  void splitCountIsMinimalByBruteForce() {
    Context ctx = GraphDialect.newContext();
    GraphToOp pattern = new GraphToOp("graph.matmul", SMALL, new CimflowCostModel(), 1,
        new GraphToOp.Stats());
    for (int k = 1; k <= 40; k++) {
      for (int n = 1; n <= 14; n++) {
        Block scratch = new Block();
        Type x = new Type.RankedTensorType(List.of(1L, (long) k), Type.FloatType.F32);
        Type w = new Type.RankedTensorType(List.of((long) k, (long) n), Type.FloatType.F32);
        Type y = new Type.RankedTensorType(List.of(1L, (long) n), Type.FloatType.F32);
        Operation op = Operation.create("graph.matmul", ctx.lookupOp("graph.matmul"),
            List.of(scratch.addArgument(x, Location.Unknown.INSTANCE),
                scratch.addArgument(w, Location.Unknown.INSTANCE)),
            List.of(y), null, null, List.of(), 0, Location.Unknown.INSTANCE);
        Demand d = new Demand(Demand.Kind.MVM, "matmul", k, n, 1, 1, 8, 8, 32, (long) k * n, k,
            n, (long) k * n);
        int[] rs = pattern.split(op, d);
        long best = Long.MAX_VALUE;
        for (int r = 1; r <= k; r++) {
          for (int s = 1; s <= n; s++) {
            if (fits(ceil(k, r), ceil(n, s))) {
              best = Math.min(best, (long) r * s);
            }
          }
        }
        assertTrue(fits(ceil(k, rs[0]), ceil(n, rs[1])), "k=" + k + " n=" + n + " r=" + rs[0]
            + " s=" + rs[1] + " does not fit");
        assertEquals(best, (long) rs[0] * rs[1], "k=" + k + " n=" + n);
      }
    }
  }

  /** A part fits: reduction within a core (4 x 3 = 12), arrays within the chip (6). */
  private static boolean fits(long kPart, long nPart) {
    return kPart <= 12 && ceil(kPart, 4) * ceil(nPart, 2) <= 6;
  }

  private static long ceil(long a, long b) {
    return (a + b - 1) / b;
  }
}
