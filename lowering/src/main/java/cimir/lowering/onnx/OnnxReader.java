package cimir.lowering.onnx;

import cimir.lowering.onnx.OnnxModel.Attribute;
import cimir.lowering.onnx.OnnxModel.AttributeKind;
import cimir.lowering.onnx.OnnxModel.Dim;
import cimir.lowering.onnx.OnnxModel.Graph;
import cimir.lowering.onnx.OnnxModel.Node;
import cimir.lowering.onnx.OnnxModel.Tensor;
import cimir.lowering.onnx.OnnxModel.ValueInfo;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model from its protobuf bytes, field by field with protobuf's
 * `CodedInputStream` (no generated ONNX classes). Unknown fields are skipped, as protobuf
 * requires; malformed input ends in an {@link OnnxFormatException} naming the byte offset and
 * the field being read.
 */
public final class OnnxReader {
  /** The body of one message, read between its length limits. */
  @FunctionalInterface
  private interface Body<T> {
    T read() throws IOException, OnnxFormatException;
  }

  private final CodedInputStream in;
  private final Deque<String> path = new ArrayDeque<>();

  private OnnxReader(byte[] bytes) {
    this.in = CodedInputStream.newInstance(bytes);
    in.setRecursionLimit(256);
    in.setSizeLimit(Integer.MAX_VALUE);
  }

  /** Parses a whole `ModelProto`. */
  public static OnnxModel read(byte[] bytes) throws OnnxFormatException {
    OnnxReader r = new OnnxReader(bytes);
    try {
      OnnxModel model = r.model();
      if (model.graph() == null) {
        throw new OnnxFormatException(bytes.length, "ModelProto",
            "the model has no graph (is this an ONNX file?)");
      }
      return model;
    } catch (InvalidProtocolBufferException e) {
      throw r.error("malformed protobuf: " + e.getMessage());
    } catch (IOException e) {
      throw r.error(e.getMessage());
    }
  }

  private OnnxFormatException error(String message) {
    return new OnnxFormatException(in.getTotalBytesRead(), path.isEmpty() ? "ModelProto"
        : String.join(".", (Iterable<String>) () -> path.descendingIterator()), message);
  }

  private <T> T message(String field, Body<T> body) throws IOException, OnnxFormatException {
    int length = in.readRawVarint32();
    path.push(field);
    int old = in.pushLimit(length); // a length past the end fails here, as truncated
    T value = body.read();
    in.popLimit(old);
    path.pop();
    return value;
  }

  // ---- ModelProto ----

  private OnnxModel model() throws IOException, OnnxFormatException {
    long irVersion = 0;
    Map<String, Long> opsets = new LinkedHashMap<>();
    String producer = "";
    String producerVersion = "";
    Graph graph = null;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> irVersion = in.readInt64();
        case 2 -> producer = in.readString();
        case 3 -> producerVersion = in.readString();
        case 7 -> graph = message("graph", this::graph);
        case 8 -> {
          long[] version = {1};
          String[] domain = {""};
          message("opset_import[" + opsets.size() + "]", () -> {
            int t;
            while ((t = in.readTag()) != 0) {
              switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> domain[0] = in.readString();
                case 2 -> version[0] = in.readInt64();
                default -> in.skipField(t);
              }
            }
            return null;
          });
          opsets.put(domain[0], version[0]);
        }
        default -> in.skipField(tag);
      }
    }
    return new OnnxModel(irVersion, opsets, producer, producerVersion, graph);
  }

  private Graph graph() throws IOException, OnnxFormatException {
    String name = "";
    List<Node> nodes = new ArrayList<>();
    List<Tensor> initializers = new ArrayList<>();
    List<ValueInfo> inputs = new ArrayList<>();
    List<ValueInfo> outputs = new ArrayList<>();
    List<ValueInfo> valueInfo = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> nodes.add(message("node[" + nodes.size() + "]", this::node));
        case 2 -> name = in.readString();
        case 5 -> initializers.add(message("initializer[" + initializers.size() + "]",
            this::tensor));
        case 11 -> inputs.add(message("input[" + inputs.size() + "]", this::valueInfo));
        case 12 -> outputs.add(message("output[" + outputs.size() + "]", this::valueInfo));
        case 13 -> valueInfo.add(message("value_info[" + valueInfo.size() + "]",
            this::valueInfo));
        case 15 -> throw error("sparse initializers are not supported");
        default -> in.skipField(tag);
      }
    }
    return new Graph(name, nodes, initializers, inputs, outputs, valueInfo);
  }

  private Node node() throws IOException, OnnxFormatException {
    String name = "";
    String opType = "";
    String domain = "";
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    List<Attribute> attributes = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> inputs.add(in.readString());
        case 2 -> outputs.add(in.readString());
        case 3 -> name = in.readString();
        case 4 -> opType = in.readString();
        case 5 -> attributes.add(message("attribute[" + attributes.size() + "]",
            this::attribute));
        case 7 -> domain = in.readString();
        default -> in.skipField(tag);
      }
    }
    if (opType.isEmpty()) {
      throw error("node has no op_type");
    }
    return new Node(name, opType, domain, inputs, outputs, attributes);
  }

  private Attribute attribute() throws IOException, OnnxFormatException {
    String name = "";
    int type = 0;
    float f = 0;
    long i = 0;
    byte[] s = null;
    Tensor t = null;
    Graph g = null;
    List<Float> floats = new ArrayList<>();
    List<Long> ints = new ArrayList<>();
    List<byte[]> strings = new ArrayList<>();
    List<Tensor> tensors = new ArrayList<>();
    List<Graph> graphs = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> name = in.readString();
        case 2 -> f = in.readFloat();
        case 3 -> i = in.readInt64();
        case 4 -> s = in.readByteArray();
        case 5 -> t = message("t", this::tensor);
        case 6 -> g = message("g", this::graph);
        case 7 -> readRepeated(tag, floats, in::readFloat);
        case 8 -> readRepeated(tag, ints, in::readInt64);
        case 9 -> strings.add(in.readByteArray());
        case 10 -> tensors.add(message("tensors[" + tensors.size() + "]", this::tensor));
        case 11 -> graphs.add(message("graphs[" + graphs.size() + "]", this::graph));
        case 20 -> type = in.readInt32();
        default -> in.skipField(tag);
      }
    }
    AttributeKind kind = AttributeKind.of(type);
    if (kind == null || kind == AttributeKind.UNDEFINED) {
      throw error("attribute '" + name + "' has unknown type " + type);
    }
    return new Attribute(name, kind, f, i, s, t, g, toFloatArray(floats), toLongArray(ints),
        strings, tensors, graphs);
  }

  private Tensor tensor() throws IOException, OnnxFormatException {
    String name = "";
    int dataType = 0;
    List<Long> dims = new ArrayList<>();
    byte[] raw = null;
    List<Float> floats = new ArrayList<>();
    List<Long> int32s = new ArrayList<>();
    List<Long> int64s = new ArrayList<>();
    List<Double> doubles = new ArrayList<>();
    List<Long> uint64s = new ArrayList<>();
    List<byte[]> strings = new ArrayList<>();
    boolean external = false;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> readRepeated(tag, dims, in::readInt64);
        case 2 -> dataType = in.readInt32();
        case 4 -> readRepeated(tag, floats, in::readFloat);
        case 5 -> readRepeated(tag, int32s, () -> (long) in.readInt32());
        case 6 -> strings.add(in.readByteArray());
        case 7 -> readRepeated(tag, int64s, in::readInt64);
        case 8 -> name = in.readString();
        case 9 -> raw = in.readByteArray();
        case 10 -> readRepeated(tag, doubles, in::readDouble);
        case 11 -> readRepeated(tag, uint64s, in::readInt64);
        case 14 -> external = in.readEnum() == 1;
        default -> in.skipField(tag);
      }
    }
    for (long d : dims) {
      if (d < 0) {
        throw error("tensor '" + name + "' has a negative dimension " + d);
      }
    }
    int[] int32Data = new int[int32s.size()];
    for (int k = 0; k < int32Data.length; k++) {
      int32Data[k] = int32s.get(k).intValue();
    }
    double[] doubleData = new double[doubles.size()];
    for (int k = 0; k < doubleData.length; k++) {
      doubleData[k] = doubles.get(k);
    }
    return new Tensor(name, dataType, toLongArray(dims), raw, toFloatArray(floats), int32Data,
        toLongArray(int64s), doubleData, toLongArray(uint64s), strings, external);
  }

  private ValueInfo valueInfo() throws IOException, OnnxFormatException {
    String name = "";
    int[] elemType = {0};
    List<List<Dim>> shape = new ArrayList<>();
    shape.add(null);
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> name = in.readString();
        case 2 -> message("type", () -> {
          int t;
          while ((t = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(t) == 1) {
              message("tensor_type", () -> tensorType(elemType, shape));
            } else {
              in.skipField(t);
            }
          }
          return null;
        });
        default -> in.skipField(tag);
      }
    }
    return new ValueInfo(name, elemType[0], shape.get(0));
  }

  private Void tensorType(int[] elemType, List<List<Dim>> shape)
      throws IOException, OnnxFormatException {
    int t;
    while ((t = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(t)) {
        case 1 -> elemType[0] = in.readInt32();
        case 2 -> shape.set(0, message("shape", this::shape));
        default -> in.skipField(t);
      }
    }
    return null;
  }

  private List<Dim> shape() throws IOException, OnnxFormatException {
    List<Dim> dims = new ArrayList<>();
    int t;
    while ((t = in.readTag()) != 0) {
      if (WireFormat.getTagFieldNumber(t) != 1) {
        in.skipField(t);
        continue;
      }
      dims.add(message("dim[" + dims.size() + "]", () -> {
        Long value = null;
        String param = null;
        int u;
        while ((u = in.readTag()) != 0) {
          switch (WireFormat.getTagFieldNumber(u)) {
            case 1 -> value = in.readInt64();
            case 2 -> param = in.readString();
            default -> in.skipField(u);
          }
        }
        return new Dim(value, param);
      }));
    }
    return dims;
  }

  // ---- Repeated scalars, packed or not ----

  /** One scalar of a repeated field. */
  @FunctionalInterface
  private interface Scalar<T> {
    T read() throws IOException;
  }

  /** Appends the values of a repeated scalar field, whether packed or not. */
  private <T> void readRepeated(int tag, List<T> out, Scalar<T> one) throws IOException {
    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int limit = in.pushLimit(in.readRawVarint32());
      while (!in.isAtEnd()) {
        out.add(one.read());
      }
      in.popLimit(limit);
    } else {
      out.add(one.read());
    }
  }

  private static long[] toLongArray(List<Long> values) {
    long[] out = new long[values.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = values.get(k);
    }
    return out;
  }

  private static float[] toFloatArray(List<Float> values) {
    float[] out = new float[values.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = values.get(k);
    }
    return out;
  }
}
