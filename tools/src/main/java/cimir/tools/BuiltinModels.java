package cimir.tools;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The repository's ONNX models (`models/`), embedded in the tools jar so that `--model=NAME`
 * works on a fresh clone with nothing else at hand.
 */
final class BuiltinModels {
  /** Every embedded model, the CNN benchmarks first. */
  static final List<String> NAMES = List.of("resnet18", "mobilenet_v2", "efficientnet_b0",
      "vgg16", "bert_base_layer", "llama7b_block_decode", "llama7b_block_prefill",
      "tiny_cnn_weights", "tiny_cnn_bn_dw", "tiny_transformer");

  private BuiltinModels() {}

  /** The ONNX bytes of model `name`, or null when there is no such model. */
  static byte[] bytes(String name) throws IOException {
    if (!NAMES.contains(name)) {
      return null;
    }
    try (InputStream in = BuiltinModels.class.getResourceAsStream("/cimir/models/" + name
        + ".onnx")) {
      if (in == null) {
        throw new IOException("the model '" + name + "' is missing from the tools jar");
      }
      return in.readAllBytes();
    }
  }
}
