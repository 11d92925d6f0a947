package cimir.transforms.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.builtin.ModuleOp;
import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwPresets;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Verifier;
import cimir.lowering.RepositoryModels;
import cimir.pass.PassManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `segment,mode-alloc` on every shipped model and both presets: every operator lands in a
 * segment, every segment's allocation fits the chip and was solved, and the segments' arrays
 * agree with their operators'; then `place,op-to-meta` lower it to a `meta.flow` that
 * verifies (its verifier follows every array's mode and weights), one `meta.parallel` per
 * segment.
 */
class EveryModelSegmentsTest {
  @ParameterizedTest
  @MethodSource("cimir.lowering.RepositoryModels#onBothPresets")
  void segmentsAndAllocates(String model, String arch) throws Exception {
    RepositoryModels.Run run = RepositoryModels.run(model, "canonicalize,graph-to-op{arch="
        + arch + "},segment,mode-alloc");
    Context ctx = run.ctx();
    Operation module = run.module();
    // SCIP's optimum of every segment is the exact path's wherever that applies.
    for (PassManager.PassRecord r : run.passes().records()) {
      assertEquals(0, r.statistics().getOrDefault("SCIP optima bettered by the exact path", 0L),
          r.argument());
    }
    assertTrue(Verifier.verify(ctx, module));
    assertTrue(SegmentPass.SEGMENTED.present().test(module));
    HardwareModel hw = HwPresets.byName(arch).orElseThrow();
    List<Operation> segments = new ArrayList<>();
    for (Operation op : new ModuleOp(module).body().first().region(0).entryBlock()) {
      if (op.name().equals("op.segment")) {
        segments.add(op);
      }
    }
    assertTrue(!segments.isEmpty());
    for (int s = 0; s < segments.size(); s++) {
      GraphAttrs a = new GraphAttrs(segments.get(s).attributes());
      String what = model + " on " + arch + ", segment " + s;
      assertEquals(s, a.i64("index", -1), what);
      assertTrue(List.of("optimal", "feasible").contains(a.str("alloc.status", "")), what);
      long compute = a.i64("alloc.compute_arrays", -1);
      long memory = a.i64("alloc.memory_arrays", -1);
      assertTrue(compute >= 0 && memory >= 0 && compute + memory <= hw.totalMacros(), what);
      assertTrue(memory == 0 || hw.core().macro().dualMode(), what);
      assertTrue(Double.isFinite(a.f("alloc.latency", Double.NaN)), what);
      long opCompute = 0;
      long opMemory = 0;
      for (Operation op : segments.get(s).region(0).entryBlock()) {
        if (OperatorGraph.OPERATORS.contains(op.name())) {
          GraphAttrs o = new GraphAttrs(op.attributes());
          opCompute += o.i64("alloc.compute_arrays", -1);
          opMemory += o.i64("alloc.memory_arrays", -1);
          assertTrue(o.f("alloc.latency", Double.NaN) <= a.f("alloc.period", 0) * (1 + 1e-9),
              what + ": " + op.name() + " is slower than the period");
        }
      }
      assertEquals(compute, opCompute, what);
      assertEquals(memory, opMemory, what);
    }
    run.then("place,op-to-meta");
    assertTrue(Verifier.verify(ctx, module));
    int[] parallels = {0};
    int[] leftovers = {0};
    module.walk(op -> {
      parallels[0] += op.name().equals("meta.parallel") ? 1 : 0;
      leftovers[0] += op.dialect().equals("op") ? 1 : 0;
    });
    assertEquals(segments.size(), parallels[0]);
    assertEquals(0, leftovers[0]);
  }
}
