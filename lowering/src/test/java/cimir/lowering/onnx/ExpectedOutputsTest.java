package cimir.lowering.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.builtin.ModuleOp;
import cimir.interp.Interpreter;
import cimir.interp.Tensor;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Verifier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The imported models with weights, run by the float interpreter on the input rule of
 * `models/*.expected.json`, give PyTorch's outputs stored there (PyTorch is the oracle; the
 * stored values have 7 decimals, so the tolerance is 1e-5 relative plus 1e-6 absolute).
 */
class ExpectedOutputsTest {
  private static final Path MODELS = Path.of("..", "models");

  /** `x[i] = ((i mod 17) - 8) / 8` over the flattened row-major index, the files' rule. */
  static Tensor ruleInput(long[] shape) {
    float[] x = new float[Math.toIntExact(Tensor.size(shape))];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((i % 17) - 8) / 8f;
    }
    return Tensor.ofFloats(shape, x);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_cnn_bn_dw", "tiny_transformer"})
  void floatInterpreterMatchesPyTorch(String name) throws Exception {
    JsonNode expected = new ObjectMapper().readTree(
        MODELS.resolve(name + ".expected.json").toFile());
    assertEquals("x[i] = ((i mod 17) - 8) / 8 over the flattened row-major index i",
        expected.at("/input/rule").asText());
    Context ctx = OnnxImporterTest.context();
    Operation module = OnnxImporter.importModel(ctx,
        OnnxReader.read(Files.readAllBytes(MODELS.resolve(name + ".onnx"))), Map.of());
    assertTrue(Verifier.verify(ctx, module));
    long[] inShape = longs(expected.at("/input/shape"));
    Operation main = new ModuleOp(module).body().first();
    Tensor out = Interpreter.run(main, List.of(ruleInput(inShape))).get(0);
    assertArrayEquals(longs(expected.at("/output/shape")), out.shape());
    JsonNode values = expected.at("/output/values");
    assertEquals(values.size(), out.size());
    for (int i = 0; i < out.size(); i++) {
      double want = values.get(i).asDouble();
      double got = out.get(i);
      assertEquals(want, got, 1e-6 + 1e-5 * Math.abs(want), name + " output " + i);
    }
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }
}
