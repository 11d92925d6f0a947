package cimir.lowering.onnx;

import cimir.dialect.graph.GraphShapes;
import cimir.interp.Tensor;
import cimir.ir.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Evaluates ONNX operators on constant tensors at import, so that shape subgraphs (Shape,
 * Gather, Unsqueeze, Concat, ...) and arithmetic on constants become constants. ONNX semantics;
 * integer division truncates as in C.
 */
final class OnnxFolder {
  private OnnxFolder() {}

  /** Operators folded when all their inputs are constants. */
  static final Set<String> FOLDABLE = Set.of("Gather", "Unsqueeze", "Squeeze", "Concat", "Slice",
      "Cast", "Range", "ConstantOfShape", "Expand", "Where", "Equal", "Less", "Greater", "Not",
      "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Neg", "Reshape", "Transpose", "Flatten");

  /** Folding stops at results larger than this many elements; the op is imported instead. */
  static final long MAX_FOLDED_ELEMENTS = 1L << 22;

  /** An input of a folded op that does not make sense; the importer names the node. */
  static final class FoldException extends Exception {
    private static final long serialVersionUID = 1L;

    FoldException(String message) {
      super(message, null, false, false);
    }
  }

  /** The outputs of `node` applied to constant `in` (absent optional inputs are null). */
  static List<Tensor> fold(OnnxModel.Node node, List<Tensor> in) throws FoldException {
    Tensor x = in.isEmpty() ? null : in.get(0);
    return switch (node.opType()) {
      case "Gather" -> List.of(gather(x, in.get(1), intAttr(node, "axis", 0)));
      case "Unsqueeze" -> List.of(x.reshape(unsqueezeShape(x.shape(), axes(node, in))));
      case "Squeeze" -> List.of(x.reshape(squeezeShape(x.shape(), axes(node, in))));
      case "Concat" -> List.of(concat(in, intAttr(node, "axis", 0)));
      case "Slice" -> List.of(slice(x, in));
      case "Cast" -> List.of(cast(x, (int) intAttr(node, "to", 0)));
      case "Range" -> List.of(range(x, in.get(1), in.get(2)));
      case "ConstantOfShape" -> List.of(constantOfShape(x, node));
      case "Expand" -> List.of(expand(x, in.get(1)));
      case "Where" -> List.of(where(x, in.get(1), in.get(2)));
      case "Equal" -> List.of(compare(x, in.get(1), 0));
      case "Less" -> List.of(compare(x, in.get(1), -1));
      case "Greater" -> List.of(compare(x, in.get(1), 1));
      case "Not" -> List.of(map(x, Type.IntegerType.I1, v -> v == 0 ? 1 : 0));
      case "Add", "Sub", "Mul", "Div", "Pow" -> List.of(arithmetic(node.opType(), x, in.get(1)));
      case "Sqrt" -> List.of(map(x, x.elementType(), Math::sqrt));
      case "Neg" -> List.of(map(x, x.elementType(), v -> -v));
      case "Reshape" -> List.of(x.reshape(reshapeTarget(x, in.get(1),
          intAttr(node, "allowzero", 0))));
      case "Transpose" -> List.of(transpose(x, longsAttr(node, "perm")));
      case "Flatten" -> List.of(flatten(x, intAttr(node, "axis", 1)));
      default -> throw new FoldException("cannot fold " + node.opType());
    };
  }

  static long intAttr(OnnxModel.Node node, String name, long fallback) {
    OnnxModel.Attribute a = node.attribute(name);
    return a == null ? fallback : a.i();
  }

  static long[] longsAttr(OnnxModel.Node node, String name) {
    OnnxModel.Attribute a = node.attribute(name);
    return a == null || a.ints() == null ? null : a.ints().clone();
  }

  /** Axes from the `axes` input (opset 13) or attribute (earlier), or null when absent. */
  private static long[] axes(OnnxModel.Node node, List<Tensor> in) {
    if (in.size() > 1 && in.get(1) != null) {
      return in.get(1).ints().clone();
    }
    return longsAttr(node, "axes");
  }

  static long[] unsqueezeShape(long[] shape, long[] axes) throws FoldException {
    if (axes == null) {
      throw new FoldException("Unsqueeze needs axes");
    }
    int rank = shape.length + axes.length;
    boolean[] inserted = new boolean[rank];
    for (long a : axes) {
      int ax = (int) (a < 0 ? a + rank : a);
      if (ax < 0 || ax >= rank || inserted[ax]) {
        throw new FoldException("axis " + a + " is out of range or repeated for output rank "
            + rank);
      }
      inserted[ax] = true;
    }
    long[] out = new long[rank];
    for (int i = 0, j = 0; i < rank; i++) {
      out[i] = inserted[i] ? 1 : shape[j++];
    }
    return out;
  }

  static long[] squeezeShape(long[] shape, long[] axes) throws FoldException {
    boolean[] drop = new boolean[shape.length];
    if (axes == null) {
      for (int i = 0; i < shape.length; i++) {
        drop[i] = shape[i] == 1;
      }
    } else {
      for (long a : axes) {
        int ax = (int) (a < 0 ? a + shape.length : a);
        if (ax < 0 || ax >= shape.length || shape[ax] != 1) {
          throw new FoldException("cannot squeeze axis " + a + " of shape "
              + Arrays.toString(shape));
        }
        drop[ax] = true;
      }
    }
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      if (!drop[i]) {
        out.add(shape[i]);
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** ONNX Reshape's target with 0 (copy, unless allowzero) and -1 resolved. */
  static long[] reshapeTarget(Tensor x, Tensor shape, long allowZero) throws FoldException {
    long[] target = shape.ints().clone();
    if (allowZero != 0) {
      for (long d : target) {
        if (d == 0) {
          throw new FoldException("Reshape with allowzero = 1 and a zero dimension is not"
              + " supported");
        }
      }
    }
    try {
      return GraphShapes.reshape(x.shape(), target);
    } catch (GraphShapes.ShapeException e) {
      throw new FoldException(e.getMessage());
    }
  }

  private static Tensor gather(Tensor data, Tensor indices, long axisAttr) throws FoldException {
    long[] shape = data.shape();
    int axis = axis(axisAttr, shape.length);
    long[] idxShape = indices.shape();
    long[] outShape = new long[shape.length - 1 + idxShape.length];
    System.arraycopy(shape, 0, outShape, 0, axis);
    System.arraycopy(idxShape, 0, outShape, axis, idxShape.length);
    System.arraycopy(shape, axis + 1, outShape, axis + idxShape.length, shape.length - axis - 1);
    long outer = Tensor.size(Arrays.copyOf(shape, axis));
    long inner = Tensor.size(Arrays.copyOfRange(shape, axis + 1, shape.length));
    int n = indices.size();
    Builder b = new Builder(data.elementType(), outShape);
    for (long o = 0; o < outer; o++) {
      for (int k = 0; k < n; k++) {
        long idx = indices.getLong(k);
        if (idx < -shape[axis] || idx >= shape[axis]) {
          throw new FoldException("index " + idx + " is out of range for dimension of size "
              + shape[axis]);
        }
        if (idx < 0) {
          idx += shape[axis];
        }
        for (long i = 0; i < inner; i++) {
          b.add(data, (int) ((o * shape[axis] + idx) * inner + i));
        }
      }
    }
    return b.build();
  }

  private static Tensor concat(List<Tensor> in, long axisAttr) throws FoldException {
    long[] first = in.get(0).shape();
    int axis = axis(axisAttr, first.length);
    long[] outShape = first.clone();
    outShape[axis] = 0;
    for (Tensor t : in) {
      long[] s = t.shape();
      if (s.length != first.length || !t.elementType().equals(in.get(0).elementType())) {
        throw new FoldException("inputs differ in rank or element type");
      }
      for (int d = 0; d < s.length; d++) {
        if (d != axis && s[d] != first[d]) {
          throw new FoldException("input shapes " + Arrays.toString(first) + " and "
              + Arrays.toString(s) + " differ outside axis " + axis);
        }
      }
      outShape[axis] += s[axis];
    }
    long outer = Tensor.size(Arrays.copyOf(first, axis));
    Builder b = new Builder(in.get(0).elementType(), outShape);
    for (long o = 0; o < outer; o++) {
      for (Tensor t : in) {
        long chunk = Tensor.size(Arrays.copyOfRange(t.shape(), axis, first.length));
        for (long i = 0; i < chunk; i++) {
          b.add(t, (int) (o * chunk + i));
        }
      }
    }
    return b.build();
  }

  private static Tensor slice(Tensor x, List<Tensor> in) throws FoldException {
    long[] shape = x.shape();
    long[] starts = in.get(1).ints();
    long[] ends = in.get(2).ints();
    long[] axes = in.size() > 3 && in.get(3) != null ? in.get(3).ints() : null;
    long[] steps = in.size() > 4 && in.get(4) != null ? in.get(4).ints() : null;
    long[] begin = new long[shape.length];
    long[] step = new long[shape.length];
    long[] count = shape.clone();
    Arrays.fill(step, 1);
    for (int i = 0; i < starts.length; i++) {
      int ax = axis(axes == null ? i : axes[i], shape.length);
      long st = steps == null ? 1 : steps[i];
      if (st == 0) {
        throw new FoldException("slice step must not be 0");
      }
      long[] r = GraphShapes.sliceRange(starts[i], ends[i], st, shape[ax]);
      begin[ax] = r[0];
      step[ax] = st;
      count[ax] = r[2];
    }
    long[] strides = Tensor.strides(shape);
    long base = 0;
    for (int d = 0; d < shape.length; d++) {
      base += begin[d] * strides[d];
      strides[d] *= step[d];
    }
    return x.gather(count, Tensor.offsets(count, base, strides));
  }

  private static Tensor cast(Tensor x, int to) throws FoldException {
    Type t = OnnxTensors.elementType(to);
    if (t == null) {
      throw new FoldException("Cast to " + OnnxTensors.dataTypeName(to) + " is not supported");
    }
    if (t instanceof Type.IntegerType it && it.width() == 1) {
      return map(x, t, v -> v != 0 ? 1 : 0);
    }
    if (t instanceof Type.IntegerType it && !x.isFloat()) {
      // Between integer types exactly: narrowing wraps around, as a C cast does.
      long[] v = x.ints();
      long[] out = new long[v.length];
      int drop = 64 - it.width();
      for (int i = 0; i < out.length; i++) {
        out[i] = v[i] << drop >> drop;
      }
      return Tensor.ofInts(it, x.shape(), out);
    }
    if (t instanceof Type.IntegerType it && it.width() < 64) {
      // Narrowing wraps around, as a C cast does.
      long mask = (1L << it.width()) - 1;
      long sign = 1L << (it.width() - 1);
      return map(x, t, v -> (((long) v & mask) ^ sign) - sign);
    }
    return map(x, t, v -> v);
  }

  private static Tensor range(Tensor start, Tensor limit, Tensor delta) throws FoldException {
    double s = start.get(0);
    double l = limit.get(0);
    double d = delta.get(0);
    if (d == 0) {
      throw new FoldException("Range delta must not be 0");
    }
    long n = Math.max(0, (long) Math.ceil((l - s) / d));
    checkSize(n);
    Builder b = new Builder(start.elementType(), new long[] {n});
    for (long i = 0; i < n; i++) {
      b.add(s + i * d);
    }
    return b.build();
  }

  private static Tensor constantOfShape(Tensor shape, OnnxModel.Node node) throws FoldException {
    long[] dims = shape.ints().clone();
    for (long d : dims) {
      if (d < 0) {
        throw new FoldException("negative dimension " + d);
      }
    }
    checkSize(Tensor.size(dims));
    OnnxModel.Attribute value = node.attribute("value");
    Tensor fill = Tensor.ofFloats(new long[] {1}, new float[] {0});
    if (value != null && value.t() != null) {
      try {
        fill = OnnxTensors.toTensor(value.t());
      } catch (IllegalArgumentException e) {
        throw new FoldException("value: " + e.getMessage());
      }
    }
    Builder b = new Builder(fill.elementType(), dims);
    for (long i = 0, n = Tensor.size(dims); i < n; i++) {
      b.add(fill, 0);
    }
    return b.build();
  }

  private static Tensor expand(Tensor x, Tensor shape) throws FoldException {
    long[] out = broadcastShape(x.shape(), shape.ints());
    return broadcastMap(List.of(x), out, x.elementType(), (b, at) -> b.add(x, at[0]));
  }

  private static Tensor where(Tensor c, Tensor x, Tensor y) throws FoldException {
    long[] out = broadcastShape(broadcastShape(c.shape(), x.shape()), y.shape());
    return broadcastMap(List.of(c, x, y), out, x.elementType(),
        (b, at) -> b.add(c.getLong(at[0]) != 0 ? x : y, c.getLong(at[0]) != 0 ? at[1] : at[2]));
  }

  /** Equal (sign 0), Less (-1), Greater (1); integers compared as integers. */
  private static Tensor compare(Tensor x, Tensor y, int sign) throws FoldException {
    long[] out = broadcastShape(x.shape(), y.shape());
    boolean integers = !x.isFloat() && !y.isFloat();
    return broadcastMap(List.of(x, y), out, Type.IntegerType.I1, (b, at) -> {
      int c = integers ? Long.compare(x.getLong(at[0]), y.getLong(at[1]))
          : Double.compare(x.get(at[0]), y.get(at[1]));
      b.addLong(Integer.signum(c) == sign ? 1 : 0);
    });
  }

  /** Add, Sub, Mul, Div, Pow: in double for floats, in 64-bit integers (Div truncating). */
  private static Tensor arithmetic(String op, Tensor x, Tensor y) throws FoldException {
    long[] out = broadcastShape(x.shape(), y.shape());
    if (!x.isFloat()) {
      return broadcastMap(List.of(x, y), out, x.elementType(), (b, at) -> {
        long u = x.getLong(at[0]);
        long v = y.getLong(at[1]);
        b.addLong(switch (op) {
          case "Add" -> u + v;
          case "Sub" -> u - v;
          case "Mul" -> u * v;
          case "Div" -> v == 0 ? 0 : u / v;
          default -> (long) Math.pow(u, v);
        });
      });
    }
    return broadcastMap(List.of(x, y), out, x.elementType(), (b, at) -> {
      double u = x.get(at[0]);
      double v = y.get(at[1]);
      b.add(switch (op) {
        case "Add" -> u + v;
        case "Sub" -> u - v;
        case "Mul" -> u * v;
        case "Div" -> u / v;
        default -> Math.pow(u, v);
      });
    });
  }

  private static Tensor transpose(Tensor x, long[] perm) throws FoldException {
    long[] shape = x.shape();
    int rank = shape.length;
    if (perm == null) {
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    if (perm.length != rank) {
      throw new FoldException("perm has " + perm.length + " entries for rank " + rank);
    }
    long[] out = new long[rank];
    long[] inStrides = Tensor.strides(shape);
    long[] strides = new long[rank];
    for (int i = 0; i < rank; i++) {
      int p = axis(perm[i], rank);
      out[i] = shape[p];
      strides[i] = inStrides[p];
    }
    return x.gather(out, Tensor.offsets(out, 0, strides));
  }



  private static Tensor flatten(Tensor x, long axisAttr) throws FoldException {
    long[] s = x.shape();
    if (axisAttr < -s.length || axisAttr > s.length) {
      throw new FoldException("axis " + axisAttr + " is out of range for rank " + s.length);
    }
    int axis = (int) (axisAttr < 0 ? axisAttr + s.length : axisAttr);
    return x.reshape(new long[] {Tensor.size(Arrays.copyOf(s, axis)),
        Tensor.size(Arrays.copyOfRange(s, axis, s.length))});
  }

  private static int axis(long axis, int rank) throws FoldException {
    if (axis < -rank || axis >= rank) {
      throw new FoldException("axis " + axis + " is out of range for rank " + rank);
    }
    return (int) (axis < 0 ? axis + rank : axis);
  }

  private static long[] broadcastShape(long[] a, long[] b) throws FoldException {
    try {
      return GraphShapes.broadcast(a, b);
    } catch (GraphShapes.ShapeException e) {
      throw new FoldException(e.getMessage());
    }
  }

  private static void checkSize(long n) throws FoldException {
    if (n > MAX_FOLDED_ELEMENTS) {
      throw new FoldException("the result of " + n + " elements is too large to fold");
    }
  }

  private interface DoubleOp {
    double apply(double v);
  }

  /** Adds the element for the inputs' elements at `at` (one offset per input) to `b`. */
  private interface ElementOp {
    void apply(Builder b, int[] at);
  }

  private static Tensor map(Tensor x, Type type, DoubleOp f) {
    Builder b = new Builder(type, x.shape());
    for (int i = 0; i < x.size(); i++) {
      b.add(f.apply(x.isFloat() ? x.get(i) : (double) x.getLong(i)));
    }
    return b.build();
  }

  /** Applies `f` element-wise over `inputs` broadcast to `out`. */
  private static Tensor broadcastMap(List<Tensor> inputs, long[] out, Type type, ElementOp f)
      throws FoldException {
    long total = Tensor.size(out);
    checkSize(total);
    int n = inputs.size();
    int[][] offsets = new int[n][];
    for (int k = 0; k < n; k++) {
      offsets[k] = Tensor.offsets(out, 0, Tensor.broadcastStrides(inputs.get(k).shape(), out));
    }
    Builder b = new Builder(type, out);
    int[] at = new int[n];
    for (int i = 0; i < total; i++) {
      for (int k = 0; k < n; k++) {
        at[k] = offsets[k][i];
      }
      f.apply(b, at);
    }
    return b.build();
  }

  /** Collects elements of one type in row-major order. */
  private static final class Builder {
    private final Type type;
    private final long[] shape;
    private final float[] floats;
    private final long[] ints;
    private int next;

    Builder(Type type, long[] shape) {
      this.type = type;
      this.shape = shape;
      int n = Math.toIntExact(Tensor.size(shape));
      boolean isFloat = type instanceof Type.FloatType;
      this.floats = isFloat ? new float[n] : null;
      this.ints = isFloat ? null : new long[n];
    }

    void add(Tensor from, int index) {
      if (floats != null) {
        floats[next++] = (float) from.get(index);
      } else {
        ints[next++] = from.getLong(index);
      }
    }

    void addLong(long value) {
      if (floats != null) {
        floats[next++] = value;
      } else {
        ints[next++] = value;
      }
    }

    void add(double value) {
      if (floats != null) {
        floats[next++] = (float) value;
      } else {
        ints[next++] = (long) value;
      }
    }

    Tensor build() {
      return floats != null ? Tensor.ofFloats(shape, floats)
          : Tensor.ofInts((Type.IntegerType) type, shape, ints);
    }
  }
}
