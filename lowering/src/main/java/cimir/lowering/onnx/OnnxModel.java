package cimir.lowering.onnx;

import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX `ModelProto` that cimir imports: the opsets, the producer and the main
 * graph. Field names follow `onnx.proto`.
 */
public record OnnxModel(long irVersion, Map<String, Long> opsets, String producerName,
    String producerVersion, Graph graph) {

  /** A `GraphProto`: nodes in order, initializers, and the typed inputs, outputs and values. */
  public record Graph(String name, List<Node> nodes, List<Tensor> initializers,
      List<ValueInfo> inputs, List<ValueInfo> outputs, List<ValueInfo> valueInfo) {}

  /** A `NodeProto`: one operator application. */
  public record Node(String name, String opType, String domain, List<String> inputs,
      List<String> outputs, List<Attribute> attributes) {
    /** The attribute called `name`, or null. */
    public Attribute attribute(String attrName) {
      for (Attribute a : attributes) {
        if (a.name().equals(attrName)) {
          return a;
        }
      }
      return null;
    }
  }

  /** The kinds of `AttributeProto`, numbered as in `onnx.proto`. */
  public enum AttributeKind {
    UNDEFINED(0), FLOAT(1), INT(2), STRING(3), TENSOR(4), GRAPH(5), FLOATS(6), INTS(7),
    STRINGS(8), TENSORS(9), GRAPHS(10), SPARSE_TENSOR(11), SPARSE_TENSORS(12), TYPE_PROTO(13),
    TYPE_PROTOS(14);

    public final int number;

    AttributeKind(int number) {
      this.number = number;
    }

    static AttributeKind of(int number) {
      for (AttributeKind k : values()) {
        if (k.number == number) {
          return k;
        }
      }
      return null;
    }
  }

  /**
   * An `AttributeProto`: its kind and the field that kind uses (`f`, `i`, `s`, `t`, `g`,
   * `floats`, `ints`, `strings`, `tensors`, `graphs`).
   */
  public record Attribute(String name, AttributeKind kind, float f, long i, byte[] s, Tensor t,
      Graph g, float[] floats, long[] ints, List<byte[]> strings, List<Tensor> tensors,
      List<Graph> graphs) {}

  /** A `TensorProto`: element type (`TensorProto.DataType`), shape and data as stored. */
  public record Tensor(String name, int dataType, long[] dims, byte[] rawData, float[] floatData,
      int[] int32Data, long[] int64Data, double[] doubleData, long[] uint64Data,
      List<byte[]> stringData, boolean external) {
    /** Number of elements of the shape. */
    public long numElements() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }
  }

  /** A dimension: a size, a symbolic parameter, or unknown (both null). */
  public record Dim(Long value, String param) {}

  /** A `ValueInfoProto` of tensor type: element type and shape (null shape: unranked). */
  public record ValueInfo(String name, int elemType, List<Dim> shape) {}

  /** `TensorProto.DataType` numbers. */
  public static final class DataType {
    public static final int UNDEFINED = 0;
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int UINT16 = 4;
    public static final int INT16 = 5;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int STRING = 8;
    public static final int BOOL = 9;
    public static final int FLOAT16 = 10;
    public static final int DOUBLE = 11;
    public static final int UINT32 = 12;
    public static final int UINT64 = 13;
    public static final int BFLOAT16 = 16;

    private DataType() {}
  }
}
