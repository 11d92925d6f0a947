package cimir.sim.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwPresets;
import cimir.dialect.isa.IsaProgram;
import cimir.ir.Operation;
import cimir.interp.ModelInputs;
import cimir.sim.FunctionalSimulator;
import cimir.sim.MemoryImage;
import cimir.sim.ModelCompiler;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models compiled by a named pipeline time to the end: some cycles, some energy, the global
 * port's busy time within the latency, as many instructions as the functional simulator runs,
 * and wider flits never slower.
 */
class TimedModelsTest {

  @ParameterizedTest
  @CsvSource({"tiny_cnn_weights, cimflow, cimflow", "tiny_cnn_bn_dw, cimflow, cimflow",
      "tiny_transformer, cimflow, cimflow", "tiny_cnn_weights, dynaplasia, cmswitch",
      "resnet18, cimflow, cimflow", "resnet18, dynaplasia, cmswitch",
      "llama7b_block_decode, cimflow, cimflow"})
  void compiledModelsTimeToTheEnd(String model, String arch, String pipeline)
      throws Exception {
    HardwareModel hw = HwPresets.byName(arch).orElseThrow();
    Operation compiled = compile(model, arch, pipeline);
    IsaProgram program = IsaProgram.fromOp(compiled);
    long wall = System.nanoTime();
    TimingReport r = new TimingSimulator(hw, program).run(2_000_000_000L);
    double wallSeconds = (System.nanoTime() - wall) * 1e-9;
    System.out.printf("timed %s on %s by %s: %s; %.2f s of wall time%n", model, arch, pipeline,
        r.summary(), wallSeconds);
    System.out.println("  energy by unit (pJ): " + r.energyByUnit());
    System.out.println("  busy cycles by unit: " + r.busyCyclesByUnit());
    assertTrue(r.cycles() > 0);
    assertTrue(r.energyPj() > 0);
    assertTrue(r.energyByUnit().get("cim") > 0, "the model multiplies on the macros");
    assertTrue(r.instructions() > 0);
    long busiestCore = 0;
    for (long c : r.coreCycles()) {
      busiestCore = Math.max(busiestCore, c);
    }
    assertTrue(busiestCore == r.cycles());
    assertTrue(r.busyCyclesByUnit().get("global-port") <= r.cycles());
    if (model.startsWith("tiny")) {
      // The functional simulator, on the model's data, runs the same instructions.
      long[] executed = new FunctionalSimulator(hw, program, image(compiled, model))
          .run(2_000_000_000L).executed();
      assertEquals(Arrays.stream(executed).sum(), r.instructions());
    }

    HardwareModel wide = new HardwareModel(hw.name(), hw.cores(), hw.meshRows(),
        hw.meshCols(), hw.core(), hw.global(),
        new HardwareModel.Noc(2 * hw.noc().flitBytes(), hw.noc().cyclesPerHop()),
        hw.clockMhz(), hw.energy());
    TimingReport w = new TimingSimulator(wide, program).run(2_000_000_000L);
    assertTrue(w.cycles() <= r.cycles(), w.cycles() + " cycles with wider flits, "
        + r.cycles() + " without");
  }

  /** The global memory image of `program` on the inputs and weights of ModelInputs. */
  private static byte[] image(Operation program, String model) {
    Operation func = program.parentOp();
    return MemoryImage.build(program,
        MemoryImage.operands(program, ModelInputs.arguments(func, 1)));
  }

  /** The `isa.program` op of `model` compiled for `arch` by the named pipeline. */
  static Operation compile(String model, String arch, String pipeline) throws Exception {
    Operation program = ModelCompiler.program(ModelCompiler.compile(model, arch,
        ModelCompiler.registry().pipeline(pipeline)));
    assertTrue(program != null, model + " compiled to no isa.program");
    return program;
  }
}
