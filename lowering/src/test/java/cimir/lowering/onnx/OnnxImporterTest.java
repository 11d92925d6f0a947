package cimir.lowering.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cimir.dialect.graph.GraphDialect;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Imports the shipped models. The expected op counts are the ONNX node counts by op type,
 * computed with the `onnx` Python package (`collections.Counter(n.op_type for n in
 * m.graph.node)`); for the CNNs every node maps to one graph op, so the counts must agree
 * exactly.
 */
class OnnxImporterTest {
  private static final Path MODELS = Path.of("..", "models");

  static Context context() {
    return GraphDialect.newContext();
  }

  private static Operation importFile(Context ctx, String file) throws Exception {
    return OnnxImporter.importModel(ctx, OnnxReader.read(Files.readAllBytes(MODELS.resolve(file))),
        Map.of());
  }

  private static Map<String, Integer> histogram(Operation module) {
    Map<String, Integer> counts = new TreeMap<>();
    module.walk(op -> {
      if (op.dialect().equals("graph") && !op.name().equals("graph.constant")) {
        counts.merge(op.name().substring("graph.".length()), 1, Integer::sum);
      }
    });
    return counts;
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "resnet18.onnx; {add=8, conv2d=20, flatten=1, gemm=1, global_avg_pool=1, max_pool=1,"
          + " relu=17}",
      "mobilenet_v2.onnx; {add=10, clip=35, conv2d=52, flatten=1, gemm=1, global_avg_pool=1}",
      "efficientnet_b0.onnx; {add=9, conv2d=81, flatten=1, gemm=1, global_avg_pool=17,"
          + " mul=65, sigmoid=65}",
      "vgg16.onnx; {avg_pool=1, conv2d=13, flatten=1, gemm=3, max_pool=5, relu=15}",
      "tiny_cnn_weights.onnx; {conv2d=2, flatten=1, gemm=1, global_avg_pool=1, relu=2}",
      "tiny_cnn_bn_dw.onnx; {clip=1, conv2d=3, flatten=1, gemm=1, global_avg_pool=1,"
          + " max_pool=1, relu=2}"})
  void cnnsImportNodeForNode(String file, String expected) throws Exception {
    Context ctx = context();
    Operation module = importFile(ctx, file);
    assertTrue(Verifier.verify(ctx, module), () -> ctx.diagnostics().diagnostics().toString());
    assertEquals(expected, histogram(module).toString());
  }

  /**
   * Transformers: the products, softmaxes and normalization statistics survive one for one;
   * the shape computations are folded, so no integer tensor is left anywhere.
   */
  @ParameterizedTest
  @CsvSource({
      "bert_base_layer.onnx, 5, 1, 4, 6",
      "llama7b_block_decode.onnx, 9, 1, 4, 4",
      "llama7b_block_prefill.onnx, 9, 1, 4, 4",
      "tiny_transformer.onnx, 6, 1, 4, 4"})
  void transformersBecomeStaticGraphs(String file, int matmuls, int softmaxes, int means,
      int transposes) throws Exception {
    Context ctx = context();
    Operation module = importFile(ctx, file);
    assertTrue(Verifier.verify(ctx, module), () -> ctx.diagnostics().diagnostics().toString());
    Map<String, Integer> h = histogram(module);
    assertEquals(matmuls, h.get("matmul"));
    assertEquals(softmaxes, h.get("softmax"));
    assertEquals(means, h.get("reduce_mean"));
    assertEquals(transposes, h.get("transpose"));
    module.walk(op -> {
      for (var r : op.results()) {
        assertFalse(r.type() instanceof Type.RankedTensorType t
            && t.elementType() instanceof Type.IntegerType, () -> op + " has an integer result");
      }
    });
  }

  /**
   * At least 200 mutated versions of the shipped models (bytes flipped, dropped, duplicated
   * or truncated, varints overwritten): each imports or fails with one of the two import
   * exceptions, quickly; nothing else escapes.
   */
  @Test
  void mutatedModelsNeverCrashOrHang() throws Exception {
    String[] files = {"tiny_cnn_bn_dw.onnx", "tiny_transformer.onnx", "resnet18.onnx",
        "bert_base_layer.onnx", "mobilenet_v2.onnx"};
    Random random = new Random(20261123);
    int cases = 0;
    int rejected = 0;
    for (String file : files) {
      byte[] original = Files.readAllBytes(MODELS.resolve(file));
      for (int k = 0; k < 60; k++) {
        byte[] mutated = mutate(original, random);
        cases++;
        String label = file + " mutation " + k;
        boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
          try {
            Context ctx = context();
            Operation module = OnnxImporter.importModel(ctx, OnnxReader.read(mutated),
                Map.of());
            if (!Verifier.verify(ctx, module)) {
              fail(label + ": imported but does not verify: "
                  + ctx.diagnostics().diagnostics());
            }
            return true;
          } catch (OnnxFormatException | OnnxImportException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isEmpty(), label);
            return false;
          } catch (RuntimeException | OutOfMemoryError e) {
            throw new AssertionError(label + ": " + e, e);
          }
        }, label);
        if (!ok) {
          rejected++;
        }
      }
    }
    assertTrue(cases >= 200);
    assertTrue(rejected > cases / 4, "most mutations should be rejected, got " + rejected);
  }

  private static byte[] mutate(byte[] in, Random r) {
    byte[] b = in.clone();
    int at = r.nextInt(b.length);
    return switch (r.nextInt(6)) {
      case 0 -> { // flip one bit
        b[at] ^= (byte) (1 << r.nextInt(8));
        yield b;
      }
      case 1 -> java.util.Arrays.copyOf(b, at); // truncate
      case 2 -> { // drop a run of bytes
        int n = Math.min(1 + r.nextInt(16), b.length - at);
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        yield out;
      }
      case 3 -> { // duplicate a run of bytes
        int n = Math.min(1 + r.nextInt(32), b.length - at);
        byte[] out = new byte[b.length + n];
        System.arraycopy(b, 0, out, 0, at + n);
        System.arraycopy(b, at, out, at + n, b.length - at);
        yield out;
      }
      case 4 -> { // a huge varint where a small one was
        for (int i = 0; i < 5 && at + i < b.length; i++) {
          b[at + i] = (byte) (i < 4 ? 0xff : 0x0f);
        }
        yield b;
      }
      default -> { // random bytes in a small window
        for (int i = 0; i < 4 && at + i < b.length; i++) {
          b[at + i] = (byte) r.nextInt(256);
        }
        yield b;
      }
    };
  }
}
