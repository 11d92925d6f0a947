package cimir.lowering.onnx;

import cimir.interp.Tensor;
import cimir.ir.Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** ONNX element types and `TensorProto` data as cimir types and {@link Tensor}s. */
final class OnnxTensors {
  private OnnxTensors() {}

  /** The cimir element type of an ONNX data type, or null when cimir does not import it. */
  static Type elementType(int dataType) {
    return switch (dataType) {
      case OnnxModel.DataType.FLOAT -> Type.FloatType.F32;
      case OnnxModel.DataType.INT64 -> Type.IntegerType.I64;
      case OnnxModel.DataType.INT32 -> Type.IntegerType.I32;
      case OnnxModel.DataType.INT8 -> Type.IntegerType.I8;
      case OnnxModel.DataType.BOOL -> Type.IntegerType.I1;
      default -> null;
    };
  }

  /** The name of an ONNX data type, for messages. */
  static String dataTypeName(int dataType) {
    String[] names = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64",
        "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128",
        "BFLOAT16"};
    return dataType >= 0 && dataType < names.length ? names[dataType] : "type " + dataType;
  }

  /** The ONNX data type of a cimir element type (the inverse of {@link #elementType}). */
  static int dataType(Type t) {
    if (t.equals(Type.FloatType.F32)) {
      return OnnxModel.DataType.FLOAT;
    }
    if (t instanceof Type.IntegerType i) {
      return switch (i.width()) {
        case 1 -> OnnxModel.DataType.BOOL;
        case 8 -> OnnxModel.DataType.INT8;
        case 32 -> OnnxModel.DataType.INT32;
        default -> OnnxModel.DataType.INT64;
      };
    }
    return OnnxModel.DataType.UNDEFINED;
  }

  /**
   * The values of a `TensorProto`, from `raw_data` (little-endian) or the typed field its type
   * uses. Throws with a message when the type is not imported or the data does not fill the
   * shape.
   */
  static Tensor toTensor(OnnxModel.Tensor t) throws IllegalArgumentException {
    if (t.external()) {
      throw new IllegalArgumentException("external tensor data is not supported; save the model"
          + " with its weights inside the file");
    }
    Type type = elementType(t.dataType());
    if (type == null) {
      throw new IllegalArgumentException("element type " + dataTypeName(t.dataType())
          + " is not supported (FLOAT, INT64, INT32, INT8 and BOOL are)");
    }
    for (long d : t.dims()) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension " + d);
      }
    }
    long count = Tensor.size(t.dims());
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tensor of " + count + " elements is too large");
    }
    int n = (int) count;
    byte[] raw = t.rawData();
    boolean fromRaw = raw != null && raw.length > 0;
    if (type.equals(Type.FloatType.F32)) {
      float[] data = new float[n];
      if (fromRaw) {
        need(raw.length, 4L * n, "raw_data bytes");
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
      } else {
        float[] f = t.floatData() == null ? new float[0] : t.floatData();
        need(f.length, n, "float_data values");
        System.arraycopy(f, 0, data, 0, n);
      }
      return Tensor.ofFloats(t.dims(), data);
    }
    Type.IntegerType it = (Type.IntegerType) type;
    long[] data = new long[n];
    if (fromRaw) {
      int width = switch (it.width()) {
        case 1, 8 -> 1;
        case 32 -> 4;
        default -> 8;
      };
      need(raw.length, (long) width * n, "raw_data bytes");
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        data[i] = switch (width) {
          case 1 -> it.width() == 1 ? (b.get() != 0 ? 1 : 0) : b.get();
          case 4 -> b.getInt();
          default -> b.getLong();
        };
      }
    } else if (it.width() == 64) {
      long[] v = t.int64Data() == null ? new long[0] : t.int64Data();
      need(v.length, n, "int64_data values");
      System.arraycopy(v, 0, data, 0, n);
    } else {
      // INT32, INT8 and BOOL values live in int32_data.
      int[] v = t.int32Data() == null ? new int[0] : t.int32Data();
      need(v.length, n, "int32_data values");
      for (int i = 0; i < n; i++) {
        data[i] = it.width() == 1 ? (v[i] != 0 ? 1 : 0) : it.width() == 8 ? (byte) v[i] : v[i];
      }
    }
    return Tensor.ofInts(it, t.dims(), data);
  }

  private static void need(long have, long want, String unit) {
    if (have != want) {
      throw new IllegalArgumentException("the data has " + have + " " + unit + " where the shape"
          + " needs " + want);
    }
  }
}
