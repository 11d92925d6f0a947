package cimir.bench;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a synthetic weightless ONNX model of about N nodes: a chain of residual blocks
 * (Conv 3x3, Relu, Conv 3x3, Add, Relu) on a 1x32x28x28 activation, the weights as graph
 * inputs, with `value_info` for every value as PyTorch exports it.
 * `java cimir.bench.GenerateOnnx NODES OUT.onnx`.
 */
public final class GenerateOnnx {
  private static final int CHANNELS = 32;
  private static final int SIZE = 28;

  private GenerateOnnx() {}

  public static void main(String[] args) throws IOException {
    Files.write(Path.of(args[1]), model(Integer.parseInt(args[0])));
  }

  /** The model's bytes: `nodes / 5` residual blocks. */
  public static byte[] model(int nodes) {
    int blocks = Math.max(1, nodes / 5);
    Message graph = new Message();
    graph.string(2, "synthetic");
    long[] act = {1, CHANNELS, SIZE, SIZE};
    long[] weight = {CHANNELS, CHANNELS, 3, 3};
    graph.message(11, valueInfo("x0", act));
    String x = "x0";
    for (int b = 0; b < blocks; b++) {
      String w1 = "b" + b + ".w1";
      String w2 = "b" + b + ".w2";
      graph.message(11, valueInfo(w1, weight));
      graph.message(11, valueInfo(w2, weight));
      String c1 = "b" + b + ".c1";
      String r1 = "b" + b + ".r1";
      String c2 = "b" + b + ".c2";
      String s = "b" + b + ".s";
      String y = "b" + b + ".y";
      graph.message(1, conv(b + "/conv1", x, w1, c1));
      graph.message(1, node(b + "/relu1", "Relu", c1, r1));
      graph.message(1, conv(b + "/conv2", r1, w2, c2));
      graph.message(1, node(b + "/add", "Add", c2, s, x));
      graph.message(1, node(b + "/relu2", "Relu", s, y));
      for (String v : new String[] {c1, r1, c2, s}) {
        graph.message(13, valueInfo(v, act));
      }
      if (b + 1 < blocks) {
        graph.message(13, valueInfo(y, act));
      }
      x = y;
    }
    graph.message(12, valueInfo(x, act));
    Message model = new Message();
    model.int64(1, 7);
    model.string(2, "cimir-bench");
    model.message(7, graph);
    Message opset = new Message();
    opset.string(1, "");
    opset.int64(2, 13);
    model.message(8, opset);
    return model.bytes();
  }

  private static Message conv(String name, String x, String w, String out) {
    Message n = node(name, "Conv", x, out, w);
    n.message(5, ints("kernel_shape", 3, 3));
    n.message(5, ints("pads", 1, 1, 1, 1));
    n.message(5, ints("strides", 1, 1));
    return n;
  }

  /** A node with inputs `in` and `extra` (if any) and one output. */
  private static Message node(String name, String op, String in, String out, String... extra) {
    Message n = new Message();
    n.string(1, in);
    for (String e : extra) {
      n.string(1, e);
    }
    n.string(2, out);
    n.string(3, name);
    n.string(4, op);
    return n;
  }

  private static Message ints(String name, long... values) {
    Message a = new Message();
    a.string(1, name);
    for (long v : values) {
      a.int64(8, v);
    }
    a.int64(20, 7); // AttributeType.INTS
    return a;
  }

  private static Message valueInfo(String name, long[] shape) {
    Message dims = new Message();
    for (long d : shape) {
      Message dim = new Message();
      dim.int64(1, d);
      dims.message(1, dim);
    }
    Message tensor = new Message();
    tensor.int64(1, 1); // FLOAT
    tensor.message(2, dims);
    Message type = new Message();
    type.message(1, tensor);
    Message vi = new Message();
    vi.string(1, name);
    vi.message(2, type);
    return vi;
  }

  /** A protobuf message written field by field. */
  private static final class Message {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(buffer);

    void string(int field, String value) {
      io(() -> out.writeString(field, value));
    }

    void int64(int field, long value) {
      io(() -> out.writeInt64(field, value));
    }

    void message(int field, Message m) {
      io(() -> out.writeByteArray(field, m.bytes()));
    }

    byte[] bytes() {
      io(out::flush);
      return buffer.toByteArray();
    }

    private interface Write {
      void run() throws IOException;
    }

    private static void io(Write w) {
      try {
        w.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
