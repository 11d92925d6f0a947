package cimir.lowering.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.graph.GraphDialect;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HardwareModel.Core;
import cimir.dialect.hw.HardwareModel.Energy;
import cimir.dialect.hw.HardwareModel.GlobalMemory;
import cimir.dialect.hw.HardwareModel.LocalMemory;
import cimir.dialect.hw.HardwareModel.Macro;
import cimir.dialect.hw.HardwareModel.Noc;
import cimir.dialect.hw.HardwareModel.VectorUnit;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.parse.IrParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cost formulas against hand calculations (written out next to each number). The chips
 * are built here, not taken from the presets, so the arithmetic can be followed from this file.
 */
class CostModelTest {
  /** CIMFlow's DAC chip: 64 cores, K = 16 groups of T = 8 macros of 32 x 8 x 16 rows. */
  static final HardwareModel CIMFLOW = new HardwareModel("test-cimflow", 64, 8, 8,
      new Core(16, 8, new Macro(32, 8, 16, 8, 8, 32, false, 1, 32),
          new LocalMemory(262144, 262144, 262144, 128), new VectorUnit(32)),
      new GlobalMemory(32L << 20, 64), new Noc(16, 1), 500,
      new Energy(0.89, 0.126, 0, 20.37, 0.028, 0, 0.70, 2.5));

  /** Dynaplasia-like: 96 arrays of 320 x 40 8-bit weights, 4 B/cycle in memory mode. */
  static final HardwareModel DYNAPLASIA = new HardwareModel("test-dynaplasia", 1, 1, 1,
      new Core(96, 1, new Macro(320, 40, 1, 8, 8, 32, true, 1, 4),
          new LocalMemory(40960, 40960, 0, 32), new VectorUnit(32)),
      new GlobalMemory(4L << 30, 32), new Noc(16, 1), 500,
      new Energy(0.89, 0.126, 0, 20.37, 0.028, 0, 0.70, 2.5));

  private static Operation firstGraphOp(String ir) {
    Context ctx = GraphDialect.newContext();
    ctx.sources().add("t.cim", ir);
    Operation module = IrParser.parse(ctx, "t.cim", ir);
    assertNotNull(module, () -> ctx.diagnostics().diagnostics().toString());
    Operation[] found = {null};
    module.walk(op -> {
      if (found[0] == null && op.dialect().equals("graph") && !op.name().equals("graph.constant")) {
        found[0] = op;
      }
    });
    return found[0];
  }

  private static Demand conv(int cin, int cout, int kernel, int stride, int in) {
    int pad = kernel / 2;
    int out = (in + 2 * pad - kernel) / stride + 1;
    String ir = String.format("""
        func.func @f(%%x: tensor<1x%1$dx%4$dx%4$dxf32>, %%w: tensor<%2$dx%1$dx%3$dx%3$dxf32>) -> tensor<1x%2$dx%5$dx%5$dxf32> {
          %%0 = "graph.conv2d"(%%x, %%w) {pads = array<i64: %6$d, %6$d, %6$d, %6$d>, strides = array<i64: %7$d, %7$d>} : (tensor<1x%1$dx%4$dx%4$dxf32>, tensor<%2$dx%1$dx%3$dx%3$dxf32>) -> tensor<1x%2$dx%5$dx%5$dxf32>
          return %%0 : tensor<1x%2$dx%5$dx%5$dxf32>
        }""", cin, cout, kernel, in, out, pad, stride);
    return Demand.of(firstGraphOp(ir), true, 8);
  }

  @Test
  void resnet18ConvLayersUnderCimflowsPerLayerModel() {
    // layer1 conv, 3x3, 64 -> 64 on 56x56: Kd = 64 x 3 x 3 = 576, Cout = 64, Hout Wout = 3136
    Demand d = conv(64, 64, 3, 1, 56);
    assertEquals(576, d.k());
    assertEquals(3136, d.m());
    assertEquals(36864, d.weightBytes()); // 64 x 576 bytes
    assertTrue(CimflowCostModel.fits(d, CIMFLOW)); // 576 <= 32 x 16 x 16 = 8192
    assertEquals(2, CimflowCostModel.groupsPerSlice(d, CIMFLOW)); // ceil(576 / 512)
    assertEquals(8, CimflowCostModel.replicationInCore(d, CIMFLOW)); // floor(16 / 2)
    assertEquals(1, CimflowCostModel.cores(d, CIMFLOW)); // ceil(64 / (8 x 8))
    // t = ceil(3136 x 16 x 8 / 8) = 50176 cycles; L = ceil(36864 / 64) x 8 = 576 x 8 = 4608
    assertEquals(50176, CimflowCostModel.computeCycles(d, CIMFLOW, 1));
    assertEquals(4608, CimflowCostModel.weightLoadCycles(d, CIMFLOW));
    // two core-level copies halve t: ceil(3136 x 128 / 16) = 25088
    assertEquals(25088, CimflowCostModel.computeCycles(d, CIMFLOW, 2));
    // minimal arrays: ceil(576 / 512) x ceil(64 / 8) = 2 x 8 = 16, on one core
    assertEquals(new Allocation(16, 1, 0, 1), CostModel.minimal(d, CIMFLOW));

    // the stem, 7x7, 3 -> 64, stride 2 on 224x224 (pads 3): 112 x 112 outputs, Kd = 147:
    // g = 1, rep_in = 16, t = ceil(12544 x 128 / 16) = 100352, L = ceil(9408 / 64) x 16 = 2352
    Demand stem = conv(3, 64, 7, 2, 224);
    assertEquals(12544, stem.m());
    assertEquals(100352, CimflowCostModel.computeCycles(stem, CIMFLOW, 1));
    assertEquals(2352, CimflowCostModel.weightLoadCycles(stem, CIMFLOW));

    // layer4 conv, 3x3, 512 -> 512 on 7x7: Kd = 4608, g = 9, rep_in = floor(16 / 9) = 1,
    // cores = ceil(512 / 64) = 8, t = 49 x 128 = 6272, L = ceil(2359296 / 64) = 36864
    Demand deep = conv(512, 512, 3, 1, 7);
    assertEquals(9, CimflowCostModel.groupsPerSlice(deep, CIMFLOW));
    assertEquals(1, CimflowCostModel.replicationInCore(deep, CIMFLOW));
    assertEquals(8, CimflowCostModel.cores(deep, CIMFLOW));
    assertEquals(6272, CimflowCostModel.computeCycles(deep, CIMFLOW, 1));
    assertEquals(36864, CimflowCostModel.weightLoadCycles(deep, CIMFLOW));

    // 3x3 over 1024 channels: Kd = 9216 > 8192 does not fit one core
    assertFalse(CimflowCostModel.fits(conv(1024, 64, 3, 1, 7), CIMFLOW));
  }

  private static Demand linear(int rows, int in, int out) {
    String ir = String.format("""
        func.func @f(%%x: tensor<%1$dx%2$dxf32>) -> tensor<%1$dx%3$dxf32> {
          %%w = "graph.constant"() {value = dense<1.0> : tensor<%2$dx%3$dxf32>} : () -> tensor<%2$dx%3$dxf32>
          %%0 = "graph.matmul"(%%x, %%w) : (tensor<%1$dx%2$dxf32>, tensor<%2$dx%3$dxf32>) -> tensor<%1$dx%3$dxf32>
          return %%0 : tensor<%1$dx%3$dxf32>
        }""", rows, in, out);
    return Demand.of(firstGraphOp(ir), true, 8);
  }

  @Test
  void cmswitchRooflineOnDynaplasia() {
    // 128 tokens x (640 -> 80): OP = 128 x 640 x 80 = 6553600 MACs; bytes: input 81920,
    // output 10240, weights 51200, 143360 in all: AI = 6553600 / 143360 = 45.714...
    Demand d = linear(128, 640, 80);
    assertEquals(6553600, d.work());
    assertEquals(143360, d.inputBytes() + d.outputBytes() + d.weightBytes());
    // minimal arrays: ceil(640 / 320) x ceil(80 / 40) = 4; one array does 320 x 40 / 8 = 1600
    // MACs per cycle
    assertEquals(4, CostModel.minimal(d, DYNAPLASIA).computeArrays());
    assertEquals(1600, RooflineCostModel.arrayMacsPerCycle(DYNAPLASIA));
    RooflineCostModel roofline = new RooflineCostModel();
    // c = 4, m = 0: min(6400, 32 x 45.714 = 1462.86) -> memory-bound, L = 143360 / 32 = 4480
    assertEquals(4480, roofline.latency(d, new Allocation(4, 1, 0, 1), DYNAPLASIA), 1e-6);
    // m = 8: (8 x 4 + 32) = 64 B/cycle -> L = 143360 / 64 = 2240
    assertEquals(2240, roofline.latency(d, new Allocation(4, 1, 8, 1), DYNAPLASIA), 1e-6);
    // m = 100: 432 B/cycle x 45.7 = 19749 > 6400 -> compute-bound, L = 6553600 / 6400 = 1024
    assertEquals(1024, roofline.latency(d, new Allocation(4, 1, 100, 1), DYNAPLASIA), 1e-6);
    // energy at c = 4, m = 0: 6553600 x 0.89 = 5832704 pJ of MACs, (81920 + 10240) x 0.126 =
    // 11612.16 pJ of SRAM, 2.5 mW x 4480 cycles x 2 ns = 22400 pJ static: 5866716.16
    assertEquals(5866716.16, roofline.energy(d, new Allocation(4, 1, 0, 1), DYNAPLASIA), 1e-3);
  }

  @Test
  void stagesAndTransitions() {
    // two operators of 100 and 40 cycles per inference with M = 10 and 4 vectors: a batch of
    // 8 takes 8 x 100 = 800 for the slowest, plus 100 / 10 + 40 / 4 = 20 to fill and drain
    CostModel fixed = new CostModel() {
      @Override
      public double latency(Demand d, Allocation a, HardwareModel hw) {
        return d.work();
      }

      @Override
      public String name() {
        return "fixed";
      }
    };
    Demand a = new Demand(Demand.Kind.MVM, "conv2d", 1, 1, 10, 1, 8, 8, 32, 0, 0, 0, 100);
    Demand b = new Demand(Demand.Kind.MVM, "conv2d", 1, 1, 4, 1, 8, 8, 32, 0, 0, 0, 40);
    Allocation one = new Allocation(1, 1, 0, 1);
    assertEquals(820, fixed.stageLatency(List.of(a, b), List.of(one, one), 8, CIMFLOW), 1e-9);
    // its energy: no bytes, so dynamic = 8 x (100 + 40) MACs x 0.89 = 996.8 pJ, plus the
    // static power of the 2 cores, 2 x 2.5 mW over 820 cycles x 2 ns = 8200 pJ: 9196.8 pJ
    assertEquals(9196.8, fixed.stageEnergy(List.of(a, b), List.of(one, one), 8, CIMFLOW),
        1e-6);
    // entering a stage: 6400 weight bytes and 640 spilled bytes at 64 B/cycle = 110 cycles,
    // plus 3 switches of 1 cycle; energy 6400 x 0.70 = 4480 pJ (global memory costs 0 here)
    double[] t = CostModel.transition(6400, 3, 640, CIMFLOW);
    assertEquals(113, t[0], 1e-9);
    assertEquals(4480, t[1], 1e-9);
  }

  @Test
  void lowerBound() {
    // 1e6 MACs, 1000 weight bytes, 100 input and 10 output bytes on the CIMFlow chip:
    // compute 1e6 / (8192 macros x 32 x 8 / 8 = 262144 MACs/cycle) = 3.8147 cycles;
    // memory (100 + 10 + 1000) / 64 = 17.34375 cycles; energy 1e6 x 0.89 + 1000 x 0.70 = 890700
    Demand d = new Demand(Demand.Kind.MVM, "matmul", 1000, 1000, 1, 1, 8, 8, 32, 1000, 100, 10,
        1_000_000);
    LowerBound lb = LowerBound.of(List.of(d), 100, 10, CIMFLOW);
    assertEquals(262144, CIMFLOW.peakMacsPerCycle(), 1e-9);
    assertEquals(1e6 / 262144, lb.computeCycles(), 1e-9);
    assertEquals(17.34375, lb.cycles(), 1e-9);
    assertEquals(890700, lb.energyPj(), 1e-6);
  }
}
