package cimir.transforms.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.builtin.ModuleOp;
import cimir.dialect.graph.GraphDialect;
import cimir.interp.Interpreter;
import cimir.interp.ModelInputs;
import cimir.interp.Tensor;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Verifier;
import cimir.lowering.onnx.OnnxImporter;
import cimir.lowering.onnx.OnnxReader;
import cimir.parse.IrParser;
import cimir.pass.PassManager;
import cimir.pass.PassRegistry;
import cimir.pass.Pipeline;
import cimir.print.IrPrinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Canonicalized and quantized models against the imported float ones. The stated bound: on
 * the same inputs (the rule input, and the same pseudo-random weights for models without
 * them), every int8 output is within 8 output quantization steps of the float output, a step
 * being max|y_float| / 127, the scale calibration gives the output.
 */
class QuantizeTest {
  private static final Path MODELS = Path.of("..", "models");
  private static final int STEPS = 8;

  static Context context() {
    return GraphDialect.newContext();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_cnn_bn_dw", "tiny_cnn_weights", "tiny_transformer", "resnet18",
      "mobilenet_v2", "efficientnet_b0", "bert_base_layer"})
  void int8AgreesWithFloatWithinTheStatedBound(String name) throws Exception {
    Context ctx = context();
    Operation module = OnnxImporter.importModel(ctx,
        OnnxReader.read(Files.readAllBytes(MODELS.resolve(name + ".onnx"))), Map.of());
    Operation func = new ModuleOp(module).body().first();
    Tensor expected = Interpreter.run(func, ModelInputs.arguments(func, 1)).get(0);

    canonicalizeAndQuantize(ctx, module);

    // The printed int8 module reads back and verifies: it is a file a user can keep.
    String text = IrPrinter.toString(module, IrPrinter.Options.DEFAULT);
    Context again = context();
    again.sources().add("q.cim", text);
    Operation reparsed = IrParser.parse(again, "q.cim", text);
    assertNotNull(reparsed, () -> again.diagnostics().diagnostics().toString());
    assertTrue(Verifier.verify(again, reparsed));
    Operation q = new ModuleOp(reparsed).body().first();
    int int8Products = countIntegerProducts(q);
    assertTrue(int8Products > 0, "the products run on integers");

    Tensor got = Interpreter.run(q, ModelInputs.arguments(q, 1)).get(0);
    assertArrayEquals(expected.shape(), got.shape());
    double max = 0;
    for (int i = 0; i < expected.size(); i++) {
      max = Math.max(max, Math.abs(expected.get(i)));
    }
    double step = max / 127;
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), got.get(i), STEPS * step, name + " output " + i);
    }
  }

  /**
   * The big models (VGG-16, the LLaMA blocks; calibration runs them in float, over a minute for
   * the 512-token block): canonicalize, quantize and verify, every product on integers.
   */
  @ParameterizedTest
  @ValueSource(strings = {"vgg16", "llama7b_block_decode", "llama7b_block_prefill"})
  void bigModelsQuantizeAndVerify(String name) throws Exception {
    Context ctx = context();
    Operation module = OnnxImporter.importModel(ctx,
        OnnxReader.read(Files.readAllBytes(MODELS.resolve(name + ".onnx"))), Map.of());
    canonicalizeAndQuantize(ctx, module);
    assertTrue(Verifier.verify(ctx, module));
    Operation func = new ModuleOp(module).body().first();
    int[] floatProducts = {0};
    func.walk(op -> {
      if (op.name().equals("graph.conv2d") || op.name().equals("graph.gemm")
          || op.name().equals("graph.matmul")) {
        floatProducts[0] += ((Type.RankedTensorType) op.result(0).type()).elementType()
            .equals(Type.IntegerType.I32) ? 0 : 1;
      }
    });
    assertEquals(0, floatProducts[0]);
    assertTrue(countIntegerProducts(func) > 0);
  }

  private static void canonicalizeAndQuantize(Context ctx, Operation module) {
    PassRegistry registry = new PassRegistry();
    cimir.lowering.LoweringPasses.registerPasses(registry);
    PassManager pm = new PassManager(ctx, Pipeline.parse("canonicalize,quantize", registry,
        ctx.diagnostics()));
    assertTrue(pm.run(module, PassManager.Instrumentation.DEFAULT),
        () -> ctx.diagnostics().diagnostics().toString());
  }

  private static int countIntegerProducts(Operation func) {
    int[] n = {0};
    func.walk(op -> {
      if ((op.name().equals("graph.conv2d") || op.name().equals("graph.matmul")
          || op.name().equals("graph.gemm"))
          && ((Type.RankedTensorType) op.result(0).type()).elementType()
              .equals(Type.IntegerType.I32)) {
        n[0]++;
      }
    });
    return n[0];
  }
}
