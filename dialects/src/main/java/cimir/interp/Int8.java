package cimir.interp;

import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphShapes;
import cimir.ir.Attribute;
import cimir.ir.Operation;
import cimir.ir.Type;
import java.util.Arrays;
import java.util.List;

/**
 * The int8 semantics of the graph dialect, exactly what a chip with int8 MVM and an integer
 * vector unit computes (docs/int8.md states them):
 * <ul>
 *   <li>conv2d, matmul, gemm on i8: products summed in i32 (two's complement; a reduction
 *       deeper than 2^17 could wrap, none in practice), plus an i32 bias;
 *   <li>requantize: `clamp((x * m + 2^(s-1)) >> s, min, max)` in 64 bits, an arithmetic shift,
 *       so halves round up; qadd and qmul alike on two operands;
 *   <li>lut: a 256-entry table; relu: max(x, 0); max_pool: the maximum of the taps inside the
 *       input;
 *   <li>avg_pool and global_avg_pool: the i8 sum over the taps divided by the tap count with
 *       ties rounded up: `floor((2 * sum + n) / (2 * n))`;
 *   <li>quantize: `clamp(rint(x / scale), -128, 127)` with `x / scale` in f32 (ties to even);
 *       dequantize: `q * scale` in f32.
 * </ul>
 */
final class Int8 {
  private Int8() {}

  /** The ops with int8 semantics. */
  static final java.util.Set<String> HANDLED = java.util.Set.of("graph.quantize",
      "graph.dequantize", "graph.requantize", "graph.qadd", "graph.qmul", "graph.lut",
      "graph.relu", "graph.conv2d", "graph.matmul", "graph.gemm", "graph.max_pool",
      "graph.avg_pool", "graph.global_avg_pool");

  /** The value of an int8-graph op (its first operand holds integers, or it is `quantize`). */
  static Tensor compute(Operation op, List<Tensor> in, GraphAttrs a, long[] shape) {
    return switch (op.name()) {
      case "graph.quantize" -> quantize(in.get(0), (float) a.f("scale", 1), shape);
      case "graph.dequantize" -> {
        float scale = (float) a.f("scale", 1);
        long[] q = in.get(0).ints();
        float[] y = new float[q.length];
        for (int i = 0; i < y.length; i++) {
          y[i] = q[i] * scale;
        }
        yield Tensor.ofFloats(shape, y);
      }
      case "graph.requantize" -> requantize(in.get(0), a, shape);
      case "graph.qadd" -> {
        long ma = a.i64("lhs_multiplier", 0);
        long mb = a.i64("rhs_multiplier", 0);
        yield binary(in, a, shape, (x, y) -> x * ma + y * mb);
      }
      case "graph.qmul" -> {
        long m = a.i64("multiplier", 0);
        yield binary(in, a, shape, (x, y) -> x * y * m);
      }
      case "graph.lut" -> {
        Tensor table = Tensor.fromAttr((Attribute.DenseElementsAttr) op.attr("table"));
        long[] x = in.get(0).ints();
        long[] y = new long[x.length];
        for (int i = 0; i < y.length; i++) {
          y[i] = table.ints()[(int) x[i] + 128];
        }
        yield i8(shape, y);
      }
      case "graph.relu" -> {
        long[] x = in.get(0).ints();
        long[] y = new long[x.length];
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.max(x[i], 0);
        }
        yield i8(shape, y);
      }
      case "graph.conv2d" -> conv2d(in, a, shape);
      case "graph.matmul" -> matmul(in.get(0), in.get(1), shape);
      case "graph.gemm" -> gemm(in, a, shape);
      case "graph.max_pool", "graph.avg_pool" -> pool(op.name().equals("graph.max_pool"),
          in.get(0), a, shape);
      case "graph.global_avg_pool" -> {
        long[] s = in.get(0).shape();
        GraphAttrs whole = new GraphAttrs(new Attribute.DictionaryAttr(List.of(
            new Attribute.NamedAttribute("kernel_shape", GraphAttrs.ints(s[2], s[3])))));
        yield pool(false, in.get(0), whole, shape);
      }
      default -> throw new InterpreterException(op, "has no int8 semantics");
    };
  }

  static Tensor i8(long[] shape, long[] data) {
    return Tensor.ofInts(Type.IntegerType.I8, shape, data);
  }

  private static Tensor i32(long[] shape, long[] data) {
    return Tensor.ofInts(Type.IntegerType.I32, shape, data);
  }

  /** `clamp(rint(x / scale), -128, 127)`, the division in f32. */
  static Tensor quantize(Tensor t, float scale, long[] shape) {
    float[] x = t.floats();
    long[] q = new long[x.length];
    for (int i = 0; i < q.length; i++) {
      q[i] = clamp((long) Math.rint(x[i] / scale), -128, 127);
    }
    return i8(shape, q);
  }

  /** `(v + 2^(s-1)) >> s` with an arithmetic shift: round half up; no rounding for s = 0. */
  static long roundShift(long v, long s) {
    return s == 0 ? v : (v + (1L << (s - 1))) >> s;
  }

  static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static Tensor requantize(Tensor t, GraphAttrs a, long[] shape) {
    long[] m = a.ints("multiplier", null);
    long[] s = a.ints("shift", null);
    long lo = a.i64("min", -128);
    long hi = a.i64("max", 127);
    long[] x = t.ints();
    long[] y = new long[x.length];
    int inner = 1;
    int channels = 1;
    if (m.length > 1) {
      int axis = GraphShapes.axis(a.i64("axis", 1), shape.length, "axis");
      channels = (int) shape[axis];
      inner = (int) Tensor.size(Arrays.copyOfRange(shape, axis + 1, shape.length));
    }
    for (int i = 0; i < y.length; i++) {
      int c = m.length > 1 ? i / inner % channels : 0;
      y[i] = clamp(roundShift(x[i] * m[c], s[c]), lo, hi);
    }
    return i8(shape, y);
  }

  private interface LongBinary {
    long apply(long x, long y);
  }

  private static Tensor binary(List<Tensor> in, GraphAttrs a, long[] shape, LongBinary f) {
    long s = a.i64("shift", 0);
    long lo = a.i64("min", -128);
    long hi = a.i64("max", 127);
    long[] x = in.get(0).ints();
    long[] z = in.get(1).ints();
    int[] xi = Tensor.offsets(shape, 0, Tensor.broadcastStrides(in.get(0).shape(), shape));
    int[] zi = Tensor.offsets(shape, 0, Tensor.broadcastStrides(in.get(1).shape(), shape));
    long[] y = new long[xi.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = clamp(roundShift(f.apply(x[xi[i]], z[zi[i]]), s), lo, hi);
    }
    return i8(shape, y);
  }

  /** int8 convolution with i32 accumulation (the float kernel's loop order, in integers). */
  private static Tensor conv2d(List<Tensor> in, GraphAttrs a, long[] os) {
    long[] xs = in.get(0).shape();
    long[] ws = in.get(1).shape();
    int[] x = toInts(in.get(0).ints());
    int[] w = toInts(in.get(1).ints());
    long[] bias = in.size() > 2 ? in.get(2).ints() : null;
    long[] strides = a.ints("strides", new long[] {1, 1});
    long[] pads = a.ints("pads", new long[4]);
    long[] dil = a.ints("dilations", new long[] {1, 1});
    int group = (int) a.i64("group", 1);
    int n = (int) xs[0];
    int c = (int) xs[1];
    int h = (int) xs[2];
    int wi = (int) xs[3];
    int m = (int) ws[0];
    int cg = (int) ws[1];
    int kh = (int) ws[2];
    int kw = (int) ws[3];
    int oh = (int) os[2];
    int ow = (int) os[3];
    int sh = (int) strides[0];
    int sw = (int) strides[1];
    int mg = m / group;
    int plane = oh * ow;
    long[] out = new long[n * m * plane];
    Kernels.forEach(n * m, (long) n * m * plane * cg * kh * kw, t -> {
      int batch = t / m;
      int oc = t % m;
      int g = oc / mg;
      int[] acc = new int[plane];
      for (int ic = 0; ic < cg; ic++) {
        int xPlane = (batch * c + g * cg + ic) * h * wi;
        for (int r = 0; r < kh; r++) {
          int hOff = r * (int) dil[0] - (int) pads[0];
          int y0 = Kernels.firstOutput(hOff, sh);
          int y1 = Kernels.endOutput(hOff, sh, h, oh);
          for (int s = 0; s < kw; s++) {
            int wOff = s * (int) dil[1] - (int) pads[1];
            int x0 = Kernels.firstOutput(wOff, sw);
            int x1 = Kernels.endOutput(wOff, sw, wi, ow);
            int wv = w[((oc * cg + ic) * kh + r) * kw + s];
            if (wv == 0) {
              continue;
            }
            for (int yo = y0; yo < y1; yo++) {
              int base = xPlane + (yo * sh + hOff) * wi + wOff;
              int row = yo * ow;
              for (int xo = x0; xo < x1; xo++) {
                acc[row + xo] += wv * x[base + xo * sw];
              }
            }
          }
        }
      }
      int b = bias == null ? 0 : (int) bias[oc];
      for (int p = 0; p < plane; p++) {
        out[t * plane + p] = acc[p] + b;
      }
    });
    return i32(os, out);
  }

  private static int[] toInts(long[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (int) v[i];
    }
    return out;
  }

  /** numpy matmul on i8 with i32 sums (batch broadcasting, 1-d promotion). */
  private static Tensor matmul(Tensor ta, Tensor tb, long[] os) {
    long[] as = ta.shape();
    long[] bs = tb.shape();
    long[] a2 = as.length == 1 ? new long[] {1, as[0]} : as;
    long[] b2 = bs.length == 1 ? new long[] {bs[0], 1} : bs;
    int rows = (int) a2[a2.length - 2];
    int depth = (int) a2[a2.length - 1];
    int cols = (int) b2[b2.length - 1];
    long[] aBatch = Arrays.copyOf(a2, a2.length - 2);
    long[] bBatch = Arrays.copyOf(b2, b2.length - 2);
    long[] batch = GraphShapes.broadcast(aBatch, bBatch);
    int[] aMat = Tensor.offsets(batch, 0, Tensor.broadcastStrides(aBatch, batch));
    int[] bMat = Tensor.offsets(batch, 0, Tensor.broadcastStrides(bBatch, batch));
    int[] a = toInts(ta.ints());
    int[] b = toInts(tb.ints());
    long[] out = new long[Math.toIntExact(Tensor.size(os))];
    Kernels.forEach(aMat.length * rows, (long) aMat.length * rows * depth * cols, t -> {
      int bi = t / rows;
      int i = t % rows;
      product(a, aMat[bi] * rows * depth + i * depth, b, bMat[bi] * depth * cols, out,
          (bi * rows + i) * cols, depth, cols);
    });
    return i32(os, out);
  }

  /** One output row: out[j] = sum_k a[k] * b[k * cols + j], in i32. */
  private static void product(int[] a, int aOff, int[] b, int bOff, long[] out, int oOff,
      int depth, int cols) {
    int[] acc = new int[cols];
    for (int k = 0; k < depth; k++) {
      int av = a[aOff + k];
      if (av == 0) {
        continue;
      }
      int row = bOff + k * cols;
      for (int j = 0; j < cols; j++) {
        acc[j] += av * b[row + j];
      }
    }
    for (int j = 0; j < cols; j++) {
      out[oOff + j] = acc[j];
    }
  }

  private static Tensor gemm(List<Tensor> in, GraphAttrs a, long[] os) {
    Tensor x = in.get(0);
    Tensor y = in.get(1);
    if (a.i64("transA", 0) != 0) {
      x = transpose2d(x);
    }
    if (a.i64("transB", 0) != 0) {
      y = transpose2d(y);
    }
    Tensor p = matmul(x, y, os);
    if (in.size() > 2) {
      long[] c = in.get(2).ints();
      int[] ci = Tensor.offsets(os, 0, Tensor.broadcastStrides(in.get(2).shape(), os));
      long[] v = p.ints();
      for (int i = 0; i < v.length; i++) {
        v[i] = (int) (v[i] + c[ci[i]]);
      }
    }
    return p;
  }

  private static Tensor transpose2d(Tensor t) {
    int rows = (int) t.dim(0);
    int cols = (int) t.dim(1);
    long[] m = t.ints();
    long[] out = new long[m.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[j * rows + i] = m[i * cols + j];
      }
    }
    return Tensor.ofInts((Type.IntegerType) t.elementType(), new long[] {cols, rows}, out);
  }

  /**
   * Max pooling (taps inside the input) or average pooling: the sum over the taps divided by
   * the divisor with ties rounded up (`count_include_pad` as in the float semantics).
   */
  private static Tensor pool(boolean max, Tensor t, GraphAttrs a, long[] os) {
    long[] xs = t.shape();
    long[] x = t.ints();
    long[] kernel = a.ints("kernel_shape", null);
    long[] strides = a.ints("strides", new long[] {1, 1});
    long[] pads = a.ints("pads", new long[4]);
    long[] dil = a.ints("dilations", new long[] {1, 1});
    boolean includePad = a.i64("count_include_pad", 0) != 0;
    int h = (int) xs[2];
    int w = (int) xs[3];
    int oh = (int) os[2];
    int ow = (int) os[3];
    int planes = (int) (os[0] * os[1]);
    long[] out = new long[planes * oh * ow];
    for (int p = 0; p < planes; p++) {
      for (int y = 0; y < oh; y++) {
        for (int xo = 0; xo < ow; xo++) {
          long best = Long.MIN_VALUE;
          long sum = 0;
          int taps = 0;
          for (int r = 0; r < kernel[0]; r++) {
            int ih = (int) (y * strides[0] - pads[0] + r * dil[0]);
            for (int s = 0; s < kernel[1]; s++) {
              int iw = (int) (xo * strides[1] - pads[1] + s * dil[1]);
              if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                long v = x[(p * h + ih) * w + iw];
                best = Math.max(best, v);
                sum += v;
                taps++;
              }
            }
          }
          long value;
          if (max) {
            value = taps == 0 ? -128 : best;
          } else {
            long hs = y * strides[0] - pads[0];
            long he = Math.min(hs + kernel[0], h + pads[2]);
            long ws = xo * strides[1] - pads[1];
            long we = Math.min(ws + kernel[1], w + pads[3]);
            long n = includePad ? (he - hs) * (we - ws) : taps;
            value = taps == 0 ? 0 : Math.floorDiv(2 * sum + n, 2 * n);
          }
          out[(p * oh + y) * ow + xo] = value;
        }
      }
    }
    return i8(os, out);
  }
}
