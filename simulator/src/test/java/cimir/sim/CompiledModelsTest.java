package cimir.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.func.FuncOp;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwPresets;
import cimir.dialect.isa.IsaProgram;
import cimir.interp.Interpreter;
import cimir.interp.ModelInputs;
import cimir.interp.Tensor;
import cimir.ir.Attribute;
import cimir.ir.BlockArgument;
import cimir.ir.Operation;
import cimir.ir.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models compiled by a named pipeline and simulated functionally give exactly the reference
 * interpreter's outputs on the int8 graph (the same model through `canonicalize,quantize`),
 * bit for bit, on the same inputs and weights (`ModelInputs`): the small models by every
 * pipeline on both presets, the CNN benchmarks at 224 x 224 by every pipeline, the BERT layer
 * and the LLaMA decode block. VGG16 and the LLaMA prefill block are left to bench/ for time.
 */
class CompiledModelsTest {

  @ParameterizedTest
  @CsvSource({"tiny_cnn_weights, cimflow, cimflow", "tiny_cnn_weights, dynaplasia, cmswitch",
      "tiny_cnn_weights, cimflow, default", "tiny_cnn_weights, dynaplasia, default",
      "tiny_cnn_bn_dw, cimflow, cimflow", "tiny_cnn_bn_dw, dynaplasia, cmswitch",
      "tiny_cnn_bn_dw, cimflow, default", "tiny_cnn_bn_dw, dynaplasia, default",
      "tiny_transformer, cimflow, cimflow", "tiny_transformer, dynaplasia, cmswitch",
      "tiny_transformer, cimflow, default", "tiny_transformer, dynaplasia, default",
      "resnet18, cimflow, cimflow", "resnet18, dynaplasia, cmswitch", "resnet18, cimflow, default",
      "mobilenet_v2, cimflow, cimflow", "mobilenet_v2, dynaplasia, cmswitch",
      "mobilenet_v2, cimflow, default",
      "efficientnet_b0, cimflow, cimflow", "efficientnet_b0, dynaplasia, cmswitch",
      "efficientnet_b0, cimflow, default",
      "bert_base_layer, cimflow, cimflow", "bert_base_layer, dynaplasia, cmswitch",
      "llama7b_block_decode, cimflow, cimflow", "llama7b_block_decode, dynaplasia, cmswitch"})
  void simulatedOutputsAreTheInterpretersBitForBit(String model, String arch, String pipeline)
      throws Exception {
    Operation reference = ModelCompiler.compile(model, arch, "canonicalize,quantize");
    Operation compiled = ModelCompiler.compile(model, arch,
        ModelCompiler.registry().pipeline(pipeline));
    Operation refFunc = FuncOp.definitions(reference).get(0).op();
    FuncOp func = FuncOp.definitions(compiled).get(0);
    List<Tensor> args = ModelInputs.arguments(refFunc, 1);
    List<Tensor> expected = Interpreter.run(refFunc, args);

    Operation program = null;
    for (Operation op : func.body()) {
      if (op.name().equals("isa.program")) {
        program = op;
      }
    }
    List<Tensor> operands = new ArrayList<>();
    for (Value v : program.operands()) {
      if (v instanceof BlockArgument a) {
        operands.add(args.get(a.index()));
      } else {
        operands.add(Tensor.fromAttr((Attribute.DenseElementsAttr) v.definingOp()
            .attr("value")));
      }
    }
    HardwareModel hw = HwPresets.byName(arch).orElseThrow();
    byte[] image = MemoryImage.build(program, operands);
    FunctionalSimulator sim = new FunctionalSimulator(hw, IsaProgram.fromOp(program), image);
    FunctionalSimulator.Result run = sim.run(2_000_000_000L);
    System.out.printf("simulated %s on %s by %s: %d instructions%n", model, arch, pipeline,
        java.util.Arrays.stream(run.executed()).sum());

    List<Tensor> got = MemoryImage.results(program, sim.global());
    assertEquals(expected.size(), got.size());
    for (int i = 0; i < got.size(); i++) {
      Tensor e = expected.get(i);
      Tensor g = got.get(i);
      assertTrue(java.util.Arrays.equals(e.shape(), g.shape()));
      for (int k = 0; k < e.size(); k++) {
        assertEquals(Float.floatToIntBits((float) e.get(k)), Float.floatToIntBits((float) g.get(k)),
            model + " on " + arch + ": result " + i + " element " + k + ": expected "
                + e.get(k) + ", simulated " + g.get(k));
      }
    }
  }
}
