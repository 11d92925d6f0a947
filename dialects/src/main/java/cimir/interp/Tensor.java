package cimir.interp;

import cimir.ir.Attribute;
import cimir.ir.FloatFormat;
import cimir.ir.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A concrete tensor: a static shape, an element type, and row-major data held as `float[]` for
 * f32 and `long[]` for integer types (i1, i8, i32, i64). Immutable by convention: operations
 * make new tensors.
 */
public final class Tensor {
  private final Type elementType;
  private final long[] shape;
  private final float[] floats;
  private final long[] ints;

  private Tensor(Type elementType, long[] shape, float[] floats, long[] ints) {
    this.elementType = elementType;
    this.shape = shape;
    this.floats = floats;
    this.ints = ints;
  }

  /** An f32 tensor over `data` (not copied). */
  public static Tensor ofFloats(long[] shape, float[] data) {
    checkSize(shape, data.length);
    return new Tensor(Type.FloatType.F32, shape.clone(), data, null);
  }

  /** An integer tensor of `type` over `data` (not copied). */
  public static Tensor ofInts(Type.IntegerType type, long[] shape, long[] data) {
    checkSize(shape, data.length);
    return new Tensor(type, shape.clone(), null, data);
  }

  /** An i64 tensor, the type of ONNX shape computations. */
  public static Tensor ofLongs(long[] shape, long... data) {
    return ofInts(Type.IntegerType.I64, shape, data);
  }

  /** A zero tensor of `type` (f32 or an integer type). */
  public static Tensor zeros(Type type, long[] shape) {
    int n = Math.toIntExact(size(shape));
    return type instanceof Type.IntegerType i ? ofInts(i, shape, new long[n])
        : ofFloats(shape, new float[n]);
  }

  private static void checkSize(long[] shape, int length) {
    if (size(shape) != length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds "
          + size(shape) + " elements, but the data has " + length);
    }
  }

  public static long size(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  public Type elementType() {
    return elementType;
  }

  public boolean isFloat() {
    return floats != null;
  }

  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public long dim(int i) {
    return shape[i];
  }

  public int size() {
    return isFloat() ? floats.length : ints.length;
  }

  /** The f32 data (shared, do not modify). */
  public float[] floats() {
    if (floats == null) {
      throw new IllegalStateException("not a float tensor");
    }
    return floats;
  }

  /** The integer data (shared, do not modify). */
  public long[] ints() {
    if (ints == null) {
      throw new IllegalStateException("not an integer tensor");
    }
    return ints;
  }

  /** Element `i` in row-major order, as a double. */
  public double get(int i) {
    return isFloat() ? floats[i] : ints[i];
  }

  /** Element `i` in row-major order, as a long (floats truncate toward zero). */
  public long getLong(int i) {
    return isFloat() ? (long) floats[i] : ints[i];
  }

  /** The tensor type. */
  public Type.RankedTensorType type() {
    return new Type.RankedTensorType(Arrays.stream(shape).boxed().toList(), elementType);
  }

  /** Row-major strides in elements. */
  public static long[] strides(long[] shape) {
    long[] s = new long[shape.length];
    long acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  /**
   * Per dimension of `to`, the stride of `from` (right-aligned, numpy broadcasting) or 0 where
   * `from` is broadcast.
   */
  public static long[] broadcastStrides(long[] from, long[] to) {
    long[] fs = strides(from);
    long[] out = new long[to.length];
    for (int d = 0; d < from.length; d++) {
      out[d + to.length - from.length] = from[d] == 1 ? 0 : fs[d];
    }
    return out;
  }

  /**
   * The flat offset `base + sum(i_d * strides[d])` of every index `i` of `shape`, in row-major
   * order: the gather map of a broadcast, a transpose or a slice.
   */
  public static int[] offsets(long[] shape, long base, long[] strides) {
    int n = Math.toIntExact(size(shape));
    int rank = shape.length;
    int[] out = new int[n];
    long[] counter = new long[rank];
    long off = base;
    for (int i = 0; i < n; i++) {
      out[i] = (int) off;
      for (int d = rank - 1; d >= 0; d--) {
        off += strides[d];
        if (++counter[d] < shape[d]) {
          break;
        }
        off -= strides[d] * counter[d];
        counter[d] = 0;
      }
    }
    return out;
  }

  /** The elements at `offsets` (row-major indices into this tensor), in the shape `shape`. */
  public Tensor gather(long[] shape, int[] offsets) {
    if (isFloat()) {
      float[] y = new float[offsets.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = floats[offsets[i]];
      }
      return ofFloats(shape, y);
    }
    long[] y = new long[offsets.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = ints[offsets[i]];
    }
    return ofInts((Type.IntegerType) elementType, shape, y);
  }

  /** The same data in another shape of equal size. */
  public Tensor reshape(long[] newShape) {
    checkSize(newShape, size());
    return new Tensor(elementType, newShape.clone(), floats, ints);
  }

  /** The tensor of a `dense` attribute (f32 or integer elements). */
  public static Tensor fromAttr(Attribute.DenseElementsAttr attr) {
    Type.ShapedType t = attr.type();
    long[] shape = t.shapeOrNull().stream().mapToLong(Long::longValue).toArray();
    int n = Math.toIntExact(size(shape));
    List<BigInteger> v = attr.values();
    if (t.elementType() instanceof Type.FloatType f) {
      float[] data = new float[n];
      for (int i = 0; i < n; i++) {
        BigInteger bits = v.get(attr.splat() ? 0 : i);
        data[i] = f.kind() == Type.FloatKind.F32 ? Float.intBitsToFloat(bits.intValue())
            : (float) FloatFormat.toDouble(bits, f.kind());
      }
      return ofFloats(shape, data);
    }
    if (t.elementType() instanceof Type.IntegerType it) {
      long[] data = new long[n];
      for (int i = 0; i < n; i++) {
        data[i] = v.get(attr.splat() ? 0 : i).longValue();
      }
      return ofInts(it, shape, data);
    }
    throw new IllegalArgumentException("unsupported element type of a dense attribute");
  }

  /** This tensor as a `dense` attribute (a splat when all elements are equal). */
  public Attribute.DenseElementsAttr toAttr() {
    List<BigInteger> values = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      values.add(isFloat() ? BigInteger.valueOf(Float.floatToRawIntBits(floats[i]) & 0xffffffffL)
          : BigInteger.valueOf(ints[i]));
    }
    return Attribute.DenseElementsAttr.of(type(), values);
  }

  @Override
  public String toString() {
    return type() + (isFloat() ? Arrays.toString(floats) : Arrays.toString(ints));
  }
}
