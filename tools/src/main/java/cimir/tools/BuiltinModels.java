package cimir.tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

  /** A model to run: its name, how diagnostics name it, and its ONNX bytes. */
  record Source(String name, String file, byte[] onnx) {}

  /** The ONNX file `path`, named by its file name without `.onnx`. */
  static Source file(Path path) throws Flow.Failure {
    String file = path.toString();
    String base = path.getFileName().toString();
    String name = base.endsWith(".onnx") ? base.substring(0, base.length() - 5) : base;
    try {
      return new Source(name, file, Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      throw new Flow.Failure(file + ": error: could not open input file: no such file");
    } catch (IOException | RuntimeException e) {
      throw new Flow.Failure(file + ": error: could not read input file: " + e.getMessage());
    }
  }

  /** The built-in model `name`; `tool` starts the diagnostic when there is none. */
  static Source builtin(String name, String tool) throws Flow.Failure {
    byte[] onnx;
    try {
      onnx = bytes(name);
    } catch (IOException e) {
      throw new Flow.Failure(tool + ": error: " + e.getMessage());
    }
    if (onnx == null) {
      throw new Flow.Failure(tool + ": error: no built-in model '" + name + "' (known: "
          + String.join(", ", NAMES) + ")");
    }
    return new Source(name, "<built-in " + name + ">", onnx);
  }
}
