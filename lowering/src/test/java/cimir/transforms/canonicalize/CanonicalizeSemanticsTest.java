package cimir.transforms.canonicalize;

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
import cimir.lowering.onnx.OnnxImporter;
import cimir.lowering.onnx.OnnxReader;
import cimir.parse.IrParser;
import cimir.pass.PassManager;
import cimir.pass.PassRegistry;
import cimir.pass.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pass changes no result: every function is run by the reference interpreter before and
 * after it, on the rule input and the shared pseudo-random weights ({@link ModelInputs}), and
 * every output must agree within {@link #TOLERANCE} of the output's largest finite magnitude
 * (NaN and infinities exactly: sqrt of the negative rule inputs is NaN either way). The
 * functions are the shipped models and every function of the pass's lit tests (the negative
 * cases included).
 */
class CanonicalizeSemanticsTest {
  private static final Path MODELS = Path.of("..", "models");
  private static final Path LIT = Path.of("..", "lit-tests", "Transforms", "canonicalize");

  /**
   * Fused ops round once where the op-by-op form rounds to f32 after every op; a few f32 ulps
   * of the largest output are the expected difference.
   */
  private static final double TOLERANCE = 1e-5;

  static Context context() {
    return GraphDialect.newContext();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_cnn_bn_dw", "tiny_cnn_weights", "tiny_transformer", "resnet18",
      "mobilenet_v2", "efficientnet_b0", "bert_base_layer"})
  void importedModelComputesTheSame(String name) throws Exception {
    Context ctx = context();
    Operation module = OnnxImporter.importModel(ctx,
        OnnxReader.read(Files.readAllBytes(MODELS.resolve(name + ".onnx"))), Map.of());
    checkSameResults(ctx, module, name);
  }

  static Stream<Path> litFiles() throws IOException {
    try (Stream<Path> files = Files.list(LIT)) {
      return files.filter(p -> p.toString().endsWith(".cim")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("litFiles")
  void litTestFunctionsComputeTheSame(Path file) throws IOException {
    Context ctx = context();
    String text = Files.readString(file);
    ctx.sources().add(file.toString(), text);
    Operation module = IrParser.parse(ctx, file.toString(), text);
    assertNotNull(module, () -> ctx.diagnostics().diagnostics().toString());
    checkSameResults(ctx, module, file.getFileName().toString());
  }

  private static void checkSameResults(Context ctx, Operation module, String name) {
    List<Operation> funcs = new ArrayList<>(new ModuleOp(module).body().ops());
    List<List<Tensor>> inputs = new ArrayList<>();
    List<List<Tensor>> before = new ArrayList<>();
    for (Operation func : funcs) {
      inputs.add(ModelInputs.arguments(func, 1));
      before.add(Interpreter.run(func, inputs.get(inputs.size() - 1)));
    }
    PassRegistry registry = new PassRegistry();
    registry.register(CanonicalizePass.INFO);
    PassManager pm = new PassManager(ctx, Pipeline.parse("canonicalize", registry,
        ctx.diagnostics()));
    assertTrue(pm.run(module, PassManager.Instrumentation.DEFAULT),
        () -> ctx.diagnostics().diagnostics().toString());
    for (int f = 0; f < funcs.size(); f++) {
      List<Tensor> after = Interpreter.run(funcs.get(f), inputs.get(f));
      assertEquals(before.get(f).size(), after.size());
      for (int r = 0; r < after.size(); r++) {
        Tensor expected = before.get(f).get(r);
        Tensor got = after.get(r);
        assertArrayEquals(expected.shape(), got.shape());
        double max = 0;
        for (int i = 0; i < expected.size(); i++) {
          if (Double.isFinite(expected.get(i))) {
            max = Math.max(max, Math.abs(expected.get(i)));
          }
        }
        for (int i = 0; i < expected.size(); i++) {
          String where = name + ": function #" + f + ", result #" + r + ", element " + i;
          if (Double.isFinite(expected.get(i))) {
            assertEquals(expected.get(i), got.get(i), TOLERANCE * max, where);
          } else {
            assertEquals(expected.get(i), got.get(i), where);
          }
        }
      }
    }
  }
}
