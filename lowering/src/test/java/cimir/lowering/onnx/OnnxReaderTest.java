package cimir.lowering.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.lowering.onnx.OnnxModel.AttributeKind;
import cimir.lowering.onnx.OnnxModel.Graph;
import cimir.lowering.onnx.OnnxModel.Node;
import cimir.lowering.onnx.OnnxModel.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads the shipped models. The expected numbers were computed with the `onnx` Python package
 * (1.12, Debian's python3-onnx), an independent protobuf reader:
 * `len(g.node), len(g.initializer), len(g.input), len(g.value_info)`, attribute counts,
 * first and last op types, and sums of initializer values through `numpy_helper.to_array`.
 */
class OnnxReaderTest {
  private static final Path MODELS = Path.of("..", "models");

  private static OnnxModel load(String name) throws IOException, OnnxFormatException {
    return OnnxReader.read(Files.readAllBytes(MODELS.resolve(name)));
  }

  @ParameterizedTest
  @CsvSource({
      "bert_base_layer.onnx, 73, 0, 10, 72, 32, Identity, Add",
      "efficientnet_b0.onnx, 298, 0, 106, 297, 409, Identity, Gemm",
      "llama7b_block_decode.onnx, 55, 0, 10, 54, 19, Identity, Add",
      "llama7b_block_prefill.onnx, 55, 0, 10, 54, 19, Identity, Add",
      "mobilenet_v2.onnx, 209, 0, 68, 208, 334, Identity, Gemm",
      "resnet18.onnx, 65, 0, 27, 64, 108, Identity, Gemm",
      "tiny_cnn_bn_dw.onnx, 12, 8, 1, 11, 25, Conv, Gemm",
      "tiny_cnn_weights.onnx, 7, 6, 1, 6, 14, Conv, Gemm",
      "tiny_transformer.onnx, 63, 10, 1, 64, 24, Identity, Add",
      "vgg16.onnx, 48, 0, 23, 47, 97, Identity, Gemm"})
  void readsEveryShippedModel(String file, int nodes, int initializers, int inputs,
      int valueInfo, int attributes, String firstOp, String lastOp) throws Exception {
    OnnxModel m = load(file);
    assertEquals(7, m.irVersion());
    assertEquals(13L, m.opsets().get(""));
    Graph g = m.graph();
    assertEquals(nodes, g.nodes().size());
    assertEquals(initializers, g.initializers().size());
    assertEquals(inputs, g.inputs().size());
    assertEquals(valueInfo, g.valueInfo().size());
    assertEquals(attributes, g.nodes().stream().mapToInt(n -> n.attributes().size()).sum());
    assertEquals(firstOp, g.nodes().get(0).opType());
    assertEquals(lastOp, g.nodes().get(g.nodes().size() - 1).opType());
    assertEquals(1, g.outputs().size());
    assertEquals("output", g.outputs().get(0).name());
  }

  @Test
  void readsShapesAndAttributes() throws Exception {
    Graph g = load("tiny_cnn_weights.onnx").graph();
    assertEquals("input", g.inputs().get(0).name());
    assertEquals(OnnxModel.DataType.FLOAT, g.inputs().get(0).elemType());
    assertEquals(List.of(1L, 3L, 16L, 16L), g.inputs().get(0).shape().stream()
        .map(OnnxModel.Dim::value).toList());
    Node conv = g.nodes().get(0);
    assertEquals("/0/Conv", conv.name());
    assertEquals(List.of("input", "0.weight", "0.bias"), conv.inputs());
    assertEquals(List.of("/0/Conv_output_0"), conv.outputs());
    assertEquals(AttributeKind.INT, conv.attribute("group").kind());
    assertEquals(1, conv.attribute("group").i());
    assertArrayEquals(new long[] {1, 1, 1, 1}, conv.attribute("pads").ints());
    assertArrayEquals(new long[] {3, 3}, conv.attribute("kernel_shape").ints());
  }

  @Test
  void readsInitializerData() throws Exception {
    Tensor w = load("tiny_cnn_weights.onnx").graph().initializers().get(0);
    assertEquals("0.weight", w.name());
    assertEquals(OnnxModel.DataType.FLOAT, w.dataType());
    assertArrayEquals(new long[] {8, 3, 3, 3}, w.dims());
    assertEquals(864, w.rawData().length);
    float[] values = new float[(int) w.numElements()];
    ByteBuffer.wrap(w.rawData()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    assertEquals(-0.0014408392598852515, values[0], 0.0);
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    assertEquals(-1.9917137860320508, sum, 1e-9);
  }

  @Test
  void readsConstantTensorsInsideAttributes() throws Exception {
    Node c = load("tiny_transformer.onnx").graph().nodes().stream()
        .filter(n -> n.opType().equals("Constant")).findFirst().orElseThrow();
    assertEquals("/ln1/Constant", c.name());
    Tensor t = c.attribute("value").t();
    assertNotNull(t);
    assertEquals(OnnxModel.DataType.FLOAT, t.dataType());
    assertEquals(0, t.dims().length);
    assertEquals(2.0f, ByteBuffer.wrap(t.rawData()).order(ByteOrder.LITTLE_ENDIAN).getFloat());
  }

  @Test
  void malformedInputIsReportedWithOffsetAndField() throws Exception {
    byte[] good = Files.readAllBytes(MODELS.resolve("tiny_cnn_weights.onnx"));
    OnnxFormatException truncated = assertThrows(OnnxFormatException.class,
        () -> OnnxReader.read(Arrays.copyOf(good, good.length / 2)));
    assertTrue(truncated.offset() > 0 && truncated.offset() <= good.length / 2,
        truncated.format("m.onnx"));
    assertTrue(truncated.field().startsWith("graph"), truncated.field());
    assertThrows(OnnxFormatException.class, () -> OnnxReader.read(new byte[0]));
    assertThrows(OnnxFormatException.class,
        () -> OnnxReader.read("not a model at all\n".getBytes()));
  }

  @Test
  void randomCorruptionNeverEscapesAsAnotherException() throws Exception {
    byte[] good = Files.readAllBytes(MODELS.resolve("tiny_cnn_bn_dw.onnx"));
    Random random = new Random(7);
    for (int i = 0; i < 300; i++) {
      byte[] bad = good.clone();
      for (int k = 0; k < 1 + random.nextInt(4); k++) {
        bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
      }
      try {
        OnnxReader.read(bad);
      } catch (OnnxFormatException expected) {
        assertTrue(expected.getMessage() != null && !expected.field().isEmpty());
      }
    }
  }
}
