package cimir.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.func.FuncOp;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwPresets;
import cimir.dialect.isa.IsaProgram;
import cimir.interp.Interpreter;
import cimir.interp.ModelInputs;
import cimir.interp.Tensor;
import cimir.ir.Operation;
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
    check(model, arch, ModelCompiler.registry().pipeline(pipeline), 1);
  }

  /**
   * A program compiled for a batch runs each inference on its own input (the inputs differ,
   * and so do the interpreter's outputs) and writes each one's outputs to its own region:
   * single-stage programs, and programs of several stages (MobileNetV2 on cimflow: 2, the
   * BERT layer on dynaplasia: 9) whose stage results cross stages once per inference.
   */
  @ParameterizedTest
  @CsvSource({"tiny_cnn_weights, cimflow, cimflow", "tiny_cnn_bn_dw, dynaplasia, cmswitch",
      "tiny_transformer, cimflow, default", "tiny_cnn_bn_dw, cimflow, default",
      "mobilenet_v2, cimflow, cimflow", "bert_base_layer, dynaplasia, cmswitch"})
  void eachInferenceOfABatchHasItsOwnOutputs(String model, String arch, String pipeline)
      throws Exception {
    String batched = ModelCompiler.registry().pipeline(pipeline)
        .replaceAll("(segment|mode-alloc)\\{", "$1{batch=3 ")
        .replaceAll("(segment|mode-alloc)(,|$)", "$1{batch=3}$2")
        .replace("meta-to-isa", "meta-to-isa{batch=3}");
    check(model, arch, batched, 3);
  }

  private static void check(String model, String arch, String passes, int batch)
      throws Exception {
    Operation reference = ModelCompiler.compile(model, arch, "canonicalize,quantize");
    Operation compiled = ModelCompiler.compile(model, arch, passes);
    Operation refFunc = FuncOp.definitions(reference).get(0).op();
    FuncOp func = FuncOp.definitions(compiled).get(0);
    Operation program = null;
    for (Operation op : func.body()) {
      if (op.name().equals("isa.program")) {
        program = op;
      }
    }
    assertEquals(batch, MemoryImage.batch(program));
    List<List<Tensor>> expected = new ArrayList<>();
    List<List<Tensor>> images = new ArrayList<>();
    for (int n = 0; n < batch; n++) {
      List<Tensor> args = ModelInputs.arguments(refFunc, 1, n);
      expected.add(Interpreter.run(refFunc, args));
      images.add(MemoryImage.operands(program, args));
    }
    if (batch > 1) {
      assertFalse(same(expected.get(0).get(0), expected.get(1).get(0)),
          "the inferences' inputs must give different outputs for the test to tell them apart");
    }
    HardwareModel hw = HwPresets.byName(arch).orElseThrow();
    byte[] image = MemoryImage.buildImages(program, images);
    FunctionalSimulator sim = new FunctionalSimulator(hw, IsaProgram.fromOp(program), image);
    FunctionalSimulator.Result run = sim.run(2_000_000_000L);
    System.out.printf("simulated %s on %s by %s: %d instructions%n", model, arch, passes,
        java.util.Arrays.stream(run.executed()).sum());

    for (int n = 0; n < batch; n++) {
      List<Tensor> got = MemoryImage.results(program, sim.global(), n);
      assertEquals(expected.get(n).size(), got.size());
      for (int i = 0; i < got.size(); i++) {
        Tensor e = expected.get(n).get(i);
        Tensor g = got.get(i);
        assertTrue(java.util.Arrays.equals(e.shape(), g.shape()));
        for (int k = 0; k < e.size(); k++) {
          assertEquals(Float.floatToIntBits((float) e.get(k)),
              Float.floatToIntBits((float) g.get(k)), model + " on " + arch + ": inference "
                  + n + ", result " + i + " element " + k + ": expected " + e.get(k)
                  + ", simulated " + g.get(k));
        }
      }
    }
  }

  private static boolean same(Tensor a, Tensor b) {
    for (int k = 0; k < a.size(); k++) {
      if (Float.floatToIntBits((float) a.get(k)) != Float.floatToIntBits((float) b.get(k))) {
        return false;
      }
    }
    return true;
  }
}
