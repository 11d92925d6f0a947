package cimir.dialect.graph;

import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Type;
import cimir.ir.Type.RankedTensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape inference for the graph dialect with ONNX's rules: the result type of an op from its
 * operand types and attributes. Verifiers compare it with the declared result; builders and the
 * ONNX importer use it to type new ops. Inconsistent geometry is a {@link ShapeException} whose
 * message reads as the tail of an op diagnostic.
 */
public final class GraphShapes {
  private GraphShapes() {}

  /** Operands and attributes that admit no result shape; the message says why. */
  public static final class ShapeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
      super(message, null, false, false);
    }
  }

  /** Ops that also take integer (i8) tensors; every other op computes on floats only. */
  private static final java.util.Set<String> INTEGER_CAPABLE = java.util.Set.of("graph.relu",
      "graph.max_pool", "graph.avg_pool", "graph.global_avg_pool", "graph.conv2d",
      "graph.matmul", "graph.gemm", "graph.reshape", "graph.transpose", "graph.concat",
      "graph.slice", "graph.flatten", "graph.requantize", "graph.qadd", "graph.qmul",
      "graph.lut", "graph.dequantize");

  /**
   * The result type of `op` applied to operands of `types` with attributes `attrs`. Every operand
   * type must be a statically shaped tensor.
   */
  public static Type infer(String op, List<Type> types, DictionaryAttr attrs) {
    List<long[]> in = new ArrayList<>(types.size());
    for (int i = 0; i < types.size(); i++) {
      in.add(shapeOf(types.get(i), i));
    }
    GraphAttrs a = new GraphAttrs(attrs);
    Type elem = resultElementType(op, types, a);
    long[] out = switch (op) {
      case "graph.quantize", "graph.dequantize", "graph.lut" -> in.get(0);
      case "graph.requantize" -> requantize(in.get(0), a);
      case "graph.qadd", "graph.qmul" -> {
        rescale(a, op.equals("graph.qadd") ? new String[] {"lhs_multiplier", "rhs_multiplier"}
            : new String[] {"multiplier"});
        yield broadcast(in.get(0), in.get(1));
      }
      case "graph.add", "graph.sub", "graph.mul", "graph.div", "graph.pow" -> {
        sameElementTypes(types);
        yield broadcast(in.get(0), in.get(1));
      }
      case "graph.relu", "graph.sigmoid", "graph.tanh", "graph.erf", "graph.sqrt", "graph.exp",
          "graph.neg", "graph.silu", "graph.gelu", "graph.hard_sigmoid", "graph.hard_swish",
          "graph.clip" -> in.get(0);
      case "graph.softmax" -> {
        axis(a.i64("axis", -1), in.get(0).length, "axis");
        yield in.get(0);
      }
      case "graph.conv2d" -> conv2d(in, a);
      case "graph.max_pool", "graph.avg_pool" -> pool(in.get(0), a);
      case "graph.global_avg_pool" -> globalPool(in.get(0));
      case "graph.matmul" -> {
        sameElementTypes(types);
        yield matmul(in.get(0), in.get(1));
      }
      case "graph.gemm" -> gemm(in, a);
      case "graph.reshape" -> reshape(in.get(0), a.ints("shape", null));
      case "graph.transpose" -> transpose(in.get(0), a.ints("perm", null));
      case "graph.concat" -> {
        sameElementTypes(types);
        yield concat(in, a.i64("axis", 0));
      }
      case "graph.slice" -> slice(in.get(0), a);
      case "graph.flatten" -> flatten(in.get(0), a.i64("axis", 1));
      case "graph.reduce_mean" -> reduce(in.get(0), a.ints("axes", null), a.i64("keepdims", 1));
      case "graph.layer_norm" -> layerNorm(in, a);
      case "graph.batch_norm" -> batchNorm(in);
      default -> throw new ShapeException("has no shape rule");
    };
    return new RankedTensorType(boxed(out), elem);
  }

  /** The static shape of operand `index`, or a {@link ShapeException}. */
  public static long[] shapeOf(Type t, int index) {
    if (!(t instanceof RankedTensorType r) || !r.hasStaticShape()) {
      throw new ShapeException("operand #" + index + " must be a statically shaped tensor, but got '"
          + cimir.print.IrPrinter.typeToString(t) + "'");
    }
    return r.shape().stream().mapToLong(Long::longValue).toArray();
  }

  public static List<Long> boxed(long[] shape) {
    return Arrays.stream(shape).boxed().toList();
  }

  /** `[1, 3, 224, 224]` for messages. */
  public static String str(long[] shape) {
    return Arrays.toString(shape);
  }

  /**
   * The result element type: i8 out of the int8 ops, i32 accumulators out of products of i8,
   * f32 out of `dequantize`, otherwise the first operand's. Rejects integers where an op
   * computes on floats only.
   */
  private static Type resultElementType(String op, List<Type> types, GraphAttrs a) {
    Type first = ((RankedTensorType) types.get(0)).elementType();
    boolean integer = first instanceof Type.IntegerType;
    if (integer && !INTEGER_CAPABLE.contains(op)) {
      throw new ShapeException("expects floating-point elements, but operand #0 has '"
          + cimir.print.IrPrinter.typeToString(first) + "' (int8 graphs use graph.qadd,"
          + " graph.qmul, graph.lut and graph.requantize)");
    }
    switch (op) {
      case "graph.quantize" -> {
        expect(first, Type.FloatType.F32, 0);
        return Type.IntegerType.I8;
      }
      case "graph.dequantize" -> {
        check(integer, "operand #0 must hold integers, but has '"
            + cimir.print.IrPrinter.typeToString(first) + "'");
        return Type.FloatType.F32;
      }
      case "graph.requantize" -> {
        check(first.equals(Type.IntegerType.I32) || first.equals(Type.IntegerType.I8),
            "operand #0 must hold i32 or i8, but has '"
                + cimir.print.IrPrinter.typeToString(first) + "'");
        return Type.IntegerType.I8;
      }
      case "graph.qadd", "graph.qmul", "graph.lut" -> {
        for (int i = 0; i < types.size(); i++) {
          expect(((RankedTensorType) types.get(i)).elementType(), Type.IntegerType.I8, i);
        }
        return Type.IntegerType.I8;
      }
      case "graph.conv2d", "graph.matmul", "graph.gemm" -> {
        if (!integer) {
          return first;
        }
        expect(first, Type.IntegerType.I8, 0);
        expect(((RankedTensorType) types.get(1)).elementType(), Type.IntegerType.I8, 1);
        if (types.size() > 2) {
          expect(((RankedTensorType) types.get(2)).elementType(), Type.IntegerType.I32, 2);
        }
        check(!op.equals("graph.gemm") || a.f("alpha", 1) == 1 && a.f("beta", 1) == 1,
            "an int8 gemm needs alpha = beta = 1");
        return Type.IntegerType.I32;
      }
      case "graph.relu", "graph.max_pool", "graph.avg_pool", "graph.global_avg_pool" -> {
        check(!integer || first.equals(Type.IntegerType.I8), "integer operands must be i8");
        return first;
      }
      default -> {
        return first;
      }
    }
  }

  private static void expect(Type t, Type want, int index) {
    if (!t.equals(want)) {
      throw new ShapeException("operand #" + index + " must hold "
          + cimir.print.IrPrinter.typeToString(want) + ", but has '"
          + cimir.print.IrPrinter.typeToString(t) + "'");
    }
  }

  /** Per-channel multipliers and shifts: one value, or one per channel along `axis`. */
  private static long[] requantize(long[] x, GraphAttrs a) {
    long[] m = a.ints("multiplier", null);
    long[] sh = a.ints("shift", null);
    check(m != null && sh != null && m.length == sh.length && m.length > 0,
        "'multiplier' and 'shift' must have the same, non-zero length");
    if (m.length > 1) {
      int axis = axis(a.i64("axis", 1), x.length, "axis");
      check(m.length == x[axis], m.length + " multipliers for " + x[axis] + " channels along"
          + " axis " + axis);
    }
    for (int i = 0; i < m.length; i++) {
      check(m[i] >= 0 && m[i] < (1L << 31), "multiplier " + m[i] + " is not in [0, 2^31)");
      check(sh[i] >= 0 && sh[i] <= 62, "shift " + sh[i] + " is not in [0, 62]");
    }
    check(a.i64("min", -128) <= a.i64("max", 127), "'min' is above 'max'");
    return x;
  }

  /** Multipliers in (-2^31, 2^31), a shift in [0, 62], and clamp bounds in order. */
  private static void rescale(GraphAttrs a, String[] multipliers) {
    for (String name : multipliers) {
      long m = a.i64(name, Long.MIN_VALUE);
      check(m > -(1L << 31) && m < (1L << 31), "'" + name + "' must be in (-2^31, 2^31)");
    }
    long s = a.i64("shift", -1);
    check(s >= 0 && s <= 62, "'shift' must be in [0, 62]");
    check(a.i64("min", -128) <= a.i64("max", 127), "'min' is above 'max'");
  }

  private static void sameElementTypes(List<Type> types) {
    Type first = ((RankedTensorType) types.get(0)).elementType();
    for (int i = 1; i < types.size(); i++) {
      Type t = ((RankedTensorType) types.get(i)).elementType();
      if (!t.equals(first)) {
        throw new ShapeException("operand #" + i + " has element type '"
            + cimir.print.IrPrinter.typeToString(t) + "', but operand #0 has '"
            + cimir.print.IrPrinter.typeToString(first) + "'");
      }
    }
  }

  /** Normalizes an axis in [-rank, rank) to [0, rank). */
  public static int axis(long axis, int rank, String what) {
    if (axis < -rank || axis >= rank) {
      throw new ShapeException(what + " " + axis + " is out of range for rank " + rank);
    }
    return (int) (axis < 0 ? axis + rank : axis);
  }

  /** Multidirectional (numpy) broadcasting of two shapes. */
  public static long[] broadcast(long[] x, long[] y) {
    int rank = Math.max(x.length, y.length);
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long dx = i < rank - x.length ? 1 : x[i - (rank - x.length)];
      long dy = i < rank - y.length ? 1 : y[i - (rank - y.length)];
      if (dx != dy && dx != 1 && dy != 1) {
        throw new ShapeException("operand shapes " + str(x) + " and " + str(y)
            + " are not broadcastable");
      }
      out[i] = dx == 1 ? dy : dx;
    }
    return out;
  }

  private static long[] conv2d(List<long[]> in, GraphAttrs a) {
    long[] x = in.get(0);
    long[] w = in.get(1);
    if (x.length != 4) {
      throw new ShapeException("expects a 4-d input (N, C, H, W), but got " + str(x));
    }
    if (w.length != 4) {
      throw new ShapeException("expects a 4-d weight (M, C/group, kH, kW), but got " + str(w));
    }
    long group = a.i64("group", 1);
    if (group <= 0 || x[1] % group != 0 || w[0] % group != 0) {
      throw new ShapeException("group " + group + " must be positive and divide input channels "
          + x[1] + " and output channels " + w[0]);
    }
    if (w[1] * group != x[1]) {
      throw new ShapeException("weight has " + w[1] + " input channels per group, but the input"
          + " has " + x[1] + " channels in " + group + " group(s)");
    }
    if (in.size() > 2 && !Arrays.equals(in.get(2), new long[] {w[0]})) {
      throw new ShapeException("bias shape " + str(in.get(2)) + " must be [" + w[0] + "]");
    }
    long[] kernel = {w[2], w[3]};
    long[] ks = a.ints("kernel_shape", kernel);
    if (!Arrays.equals(ks, kernel)) {
      throw new ShapeException("kernel_shape " + str(ks) + " does not match the weight's "
          + str(kernel));
    }
    long[] hw = window(x, kernel, a, false);
    return new long[] {x[0], w[0], hw[0], hw[1]};
  }

  private static long[] pool(long[] x, GraphAttrs a) {
    if (x.length != 4) {
      throw new ShapeException("expects a 4-d input (N, C, H, W), but got " + str(x));
    }
    long[] kernel = a.ints("kernel_shape", null);
    if (kernel == null || kernel.length != 2 || kernel[0] <= 0 || kernel[1] <= 0) {
      throw new ShapeException("kernel_shape must hold two positive sizes");
    }
    long[] hw = window(x, kernel, a, a.i64("ceil_mode", 0) != 0);
    return new long[] {x[0], x[1], hw[0], hw[1]};
  }

  /**
   * The output height and width of a sliding window (ONNX): `floor` or `ceil` of
   * `(in + pad_begin + pad_end - dilation * (k - 1) - 1) / stride + 1`; in ceil mode a window
   * that would start inside the end padding is dropped.
   */
  private static long[] window(long[] x, long[] kernel, GraphAttrs a, boolean ceil) {
    long[] strides = a.ints("strides", new long[] {1, 1});
    long[] pads = a.ints("pads", new long[] {0, 0, 0, 0});
    long[] dilations = a.ints("dilations", new long[] {1, 1});
    check(strides.length == 2 && strides[0] > 0 && strides[1] > 0,
        "strides must hold two positive values, but got " + str(strides));
    check(dilations.length == 2 && dilations[0] > 0 && dilations[1] > 0,
        "dilations must hold two positive values, but got " + str(dilations));
    check(pads.length == 4 && Arrays.stream(pads).allMatch(p -> p >= 0),
        "pads must hold four non-negative values (top, left, bottom, right), but got "
            + str(pads));
    long[] out = new long[2];
    for (int i = 0; i < 2; i++) {
      long span = dilations[i] * (kernel[i] - 1) + 1;
      long room = x[2 + i] + pads[i] + pads[i + 2] - span;
      if (room < 0) {
        throw new ShapeException("window of " + span + " (kernel " + kernel[i] + ", dilation "
            + dilations[i] + ") is larger than the padded input " + (x[2 + i] + pads[i]
            + pads[i + 2]) + " in spatial dimension " + i);
      }
      long n = (ceil ? Math.floorDiv(room + strides[i] - 1, strides[i]) : room / strides[i]) + 1;
      if (ceil && (n - 1) * strides[i] >= x[2 + i] + pads[i]) {
        n--;
      }
      out[i] = n;
    }
    return out;
  }

  private static long[] globalPool(long[] x) {
    check(x.length >= 3, "expects an input of rank 3 or more (N, C, spatial...), but got "
        + str(x));
    long[] out = x.clone();
    Arrays.fill(out, 2, out.length, 1);
    return out;
  }

  /** numpy.matmul: 1-d operands are promoted and the promoted dimension dropped. */
  public static long[] matmul(long[] x, long[] y) {
    check(x.length >= 1 && y.length >= 1, "expects operands of rank 1 or more");
    long[] a = x.length == 1 ? new long[] {1, x[0]} : x;
    long[] b = y.length == 1 ? new long[] {y[0], 1} : y;
    long k = a[a.length - 1];
    if (k != b[b.length - 2]) {
      throw new ShapeException("reduction dimensions differ: " + str(x) + " times " + str(y));
    }
    long[] batch = broadcast(Arrays.copyOf(a, a.length - 2), Arrays.copyOf(b, b.length - 2));
    List<Long> out = new ArrayList<>(boxed(batch));
    if (x.length > 1) {
      out.add(a[a.length - 2]);
    }
    if (y.length > 1) {
      out.add(b[b.length - 1]);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] gemm(List<long[]> in, GraphAttrs a) {
    long[] x = in.get(0);
    long[] y = in.get(1);
    check(x.length == 2 && y.length == 2, "expects 2-d operands, but got " + str(x) + " and "
        + str(y));
    boolean ta = a.i64("transA", 0) != 0;
    boolean tb = a.i64("transB", 0) != 0;
    long m = ta ? x[1] : x[0];
    long k = ta ? x[0] : x[1];
    long kb = tb ? y[1] : y[0];
    long n = tb ? y[0] : y[1];
    if (k != kb) {
      throw new ShapeException("reduction dimensions differ: A " + str(x) + (ta ? " transposed"
          : "") + " times B " + str(y) + (tb ? " transposed" : ""));
    }
    long[] out = {m, n};
    if (in.size() > 2) {
      long[] c = in.get(2);
      if (!Arrays.equals(broadcast(out, c), out)) {
        throw new ShapeException("operand C " + str(c) + " does not broadcast to " + str(out));
      }
    }
    return out;
  }

  /** ONNX Reshape: 0 copies the input dimension, one -1 takes what is left. */
  public static long[] reshape(long[] x, long[] shape) {
    check(shape != null, "requires a 'shape' attribute");
    long[] out = shape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0) {
        check(i < x.length, "shape " + str(shape) + " copies dimension " + i
            + " that the input " + str(x) + " does not have");
        out[i] = x[i];
      } else if (out[i] == -1) {
        check(infer < 0, "shape " + str(shape) + " has more than one -1");
        infer = i;
        continue;
      } else {
        check(out[i] > 0, "shape " + str(shape) + " has an invalid dimension " + out[i]);
      }
      known *= out[i];
    }
    long total = product(x);
    if (infer >= 0) {
      check(known != 0 && total % known == 0, "cannot reshape " + str(x) + " to " + str(shape));
      out[infer] = total / known;
    }
    check(product(out) == total, "cannot reshape " + str(x) + " (" + total + " elements) to "
        + str(shape) + " (" + product(out) + " elements)");
    return out;
  }

  private static long[] transpose(long[] x, long[] perm) {
    int rank = x.length;
    if (perm == null) {
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    check(perm.length == rank, "perm " + str(perm) + " must have " + rank + " entries");
    boolean[] seen = new boolean[rank];
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      check(perm[i] >= 0 && perm[i] < rank && !seen[(int) perm[i]],
          "perm " + str(perm) + " is not a permutation of 0.." + (rank - 1));
      seen[(int) perm[i]] = true;
      out[i] = x[(int) perm[i]];
    }
    return out;
  }

  private static long[] concat(List<long[]> in, long axisAttr) {
    check(!in.isEmpty(), "expects at least one operand");
    long[] first = in.get(0);
    int axis = axis(axisAttr, first.length, "axis");
    long[] out = first.clone();
    for (int i = 1; i < in.size(); i++) {
      long[] s = in.get(i);
      boolean ok = s.length == first.length;
      for (int d = 0; ok && d < s.length; d++) {
        ok = d == axis || s[d] == first[d];
      }
      check(ok, "operand #" + i + " shape " + str(s) + " differs from " + str(first)
          + " outside axis " + axis);
      out[axis] += s[axis];
    }
    return out;
  }

  /** ONNX Slice with attributes: negative indices count from the end; bounds are clamped. */
  private static long[] slice(long[] x, GraphAttrs a) {
    long[] starts = a.ints("starts", null);
    long[] ends = a.ints("ends", null);
    check(starts != null && ends != null && starts.length == ends.length,
        "requires 'starts' and 'ends' of equal length");
    long[] axes = a.ints("axes", null);
    long[] steps = a.ints("steps", null);
    int n = starts.length;
    check(axes == null || axes.length == n, "'axes' must have " + n + " entries");
    check(steps == null || steps.length == n, "'steps' must have " + n + " entries");
    long[] out = x.clone();
    boolean[] seen = new boolean[x.length];
    for (int i = 0; i < n; i++) {
      int ax = axis(axes == null ? i : axes[i], x.length, "slice axis");
      check(!seen[ax], "axis " + ax + " is sliced twice");
      seen[ax] = true;
      long step = steps == null ? 1 : steps[i];
      check(step != 0, "step must not be 0");
      long[] range = sliceRange(starts[i], ends[i], step, x[ax]);
      out[ax] = range[2];
    }
    return out;
  }

  /** Clamped `{start, end, count}` of one sliced dimension of size `dim` (ONNX rules). */
  public static long[] sliceRange(long start, long end, long step, long dim) {
    long s = start < 0 ? start + dim : start;
    long e = end < 0 ? end + dim : end;
    if (step > 0) {
      s = clamp(s, 0, dim);
      e = clamp(e, 0, dim);
    } else {
      s = clamp(s, -1, dim - 1);
      e = clamp(e, -1, dim - 1);
    }
    long count = step > 0 ? Math.max(0, Math.floorDiv(e - s + step - 1, step))
        : Math.max(0, Math.floorDiv(s - e - step - 1, -step));
    return new long[] {s, e, count};
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static long[] flatten(long[] x, long axisAttr) {
    check(axisAttr >= -x.length && axisAttr <= x.length,
        "axis " + axisAttr + " is out of range for rank " + x.length);
    int axis = (int) (axisAttr < 0 ? axisAttr + x.length : axisAttr);
    return new long[] {product(Arrays.copyOf(x, axis)),
        product(Arrays.copyOfRange(x, axis, x.length))};
  }

  private static long[] reduce(long[] x, long[] axesAttr, long keepdims) {
    boolean[] reduced = new boolean[x.length];
    if (axesAttr == null) {
      Arrays.fill(reduced, true);
    } else {
      for (long ax : axesAttr) {
        int d = axis(ax, x.length, "reduction axis");
        check(!reduced[d], "reduction axis " + d + " appears twice");
        reduced[d] = true;
      }
    }
    List<Long> out = new ArrayList<>();
    for (int d = 0; d < x.length; d++) {
      if (!reduced[d]) {
        out.add(x[d]);
      } else if (keepdims != 0) {
        out.add(1L);
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] layerNorm(List<long[]> in, GraphAttrs a) {
    long[] x = in.get(0);
    int axis = axis(a.i64("axis", -1), x.length, "axis");
    long[] normalized = Arrays.copyOfRange(x, axis, x.length);
    for (int i = 1; i < in.size(); i++) {
      long[] p = in.get(i);
      check(p.length <= normalized.length
          && Arrays.equals(broadcast(normalized, p), normalized),
          (i == 1 ? "scale " : "bias ") + str(p) + " does not broadcast to the normalized shape "
              + str(normalized));
    }
    return x;
  }

  private static long[] batchNorm(List<long[]> in) {
    long[] x = in.get(0);
    check(x.length >= 2, "expects an input of rank 2 or more (N, C, ...), but got " + str(x));
    String[] names = {"scale", "bias", "mean", "variance"};
    for (int i = 1; i < in.size(); i++) {
      check(Arrays.equals(in.get(i), new long[] {x[1]}), names[i - 1] + " shape "
          + str(in.get(i)) + " must be [" + x[1] + "]");
    }
    return x;
  }

  public static long product(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new ShapeException(message);
    }
  }

  /** The element type of a tensor type, or null. */
  public static Type elementType(Type t) {
    return t instanceof RankedTensorType r ? r.elementType() : null;
  }

  /** A static tensor type. */
  public static RankedTensorType tensor(long[] shape, Type element) {
    return new RankedTensorType(boxed(shape), element);
  }

  /** Whether the attribute is an `array<i64>`. */
  static boolean isIntArray(Attribute a) {
    return a instanceof Attribute.DenseArrayAttr d && d.elementType().equals(Type.IntegerType.I64);
  }
}
