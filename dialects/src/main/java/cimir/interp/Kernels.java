package cimir.interp;

import cimir.dialect.graph.GraphShapes;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The interpreter's hot loops over flat row-major arrays: convolution, matrix products and
 * pooling, plus the index helpers of broadcasting and strided views. Sums accumulate in double in
 * one fixed order per output element (convolution: input channel, kernel row, kernel column;
 * product: the reduction index ascending) and are rounded to float once, so a result does not
 * depend on how many threads share the outer loop.
 */
final class Kernels {
  private Kernels() {}

  /** Multiply-accumulates below which a kernel stays on the calling thread. */
  private static final long PARALLEL_WORK = 1L << 20;
  /** Output columns of a product computed together: a panel of B that stays in cache. */
  private static final int COLUMN_BLOCK = 256;
  /** Output rows that share one panel of B. */
  private static final int ROW_BLOCK = 32;

  /** Runs `task` for 0 .. tasks-1, on the common pool when there is `work` enough. */
  static void forEach(int tasks, long work, IntConsumer task) {
    if (tasks > 1 && work >= PARALLEL_WORK) {
      IntStream.range(0, tasks).parallel().forEach(task);
    } else {
      for (int t = 0; t < tasks; t++) {
        task.accept(t);
      }
    }
  }

  /**
   * ONNX Conv of `x` (N, C, H, W) with `w` (M, C/group, kH, kW) and an optional `bias` (M) into
   * `out` (N, M, oH, oW): padded taps are skipped, not multiplied by zero. One task per output
   * channel plane; within it the taps run (c, kh, kw) ascending over a double row of the plane.
   */
  static float[] conv2d(float[] x, long[] xs, float[] w, long[] ws, float[] bias, long[] os,
      long[] strides, long[] pads, long[] dilations, int group) {
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
    int dh = (int) dilations[0];
    int dw = (int) dilations[1];
    int pt = (int) pads[0];
    int pl = (int) pads[1];
    int mg = m / group;
    int plane = oh * ow;
    float[] out = new float[n * m * plane];
    forEach(n * m, (long) n * m * plane * cg * kh * kw, t -> {
      int batch = t / m;
      int oc = t % m;
      int g = oc / mg;
      double[] acc = new double[plane];
      for (int ic = 0; ic < cg; ic++) {
        int xPlane = (batch * c + g * cg + ic) * h * wi;
        for (int r = 0; r < kh; r++) {
          int hOff = r * dh - pt;
          // output rows whose tap lands inside the input: 0 <= y * sh + hOff < h
          int y0 = firstOutput(hOff, sh);
          int y1 = endOutput(hOff, sh, h, oh);
          for (int s = 0; s < kw; s++) {
            int wOff = s * dw - pl;
            int x0 = firstOutput(wOff, sw);
            int x1 = endOutput(wOff, sw, wi, ow);
            double wv = w[((oc * cg + ic) * kh + r) * kw + s];
            for (int y = y0; y < y1; y++) {
              int in = xPlane + (y * sh + hOff) * wi + wOff;
              int row = y * ow;
              if (sw == 1) {
                for (int xo = x0; xo < x1; xo++) {
                  acc[row + xo] += wv * x[in + xo];
                }
              } else {
                for (int xo = x0; xo < x1; xo++) {
                  acc[row + xo] += wv * x[in + xo * sw];
                }
              }
            }
          }
        }
      }
      double b = bias == null ? 0 : bias[oc];
      int o = t * plane;
      for (int p = 0; p < plane; p++) {
        out[o + p] = (float) (acc[p] + b);
      }
    });
    return out;
  }

  /**
   * The first output position whose tap, at offset `off` from `position * stride`, lands inside
   * the input (a convolution's padded taps are skipped this way).
   */
  static int firstOutput(int off, int stride) {
    return Math.max(0, -Math.floorDiv(off, stride));
  }

  /** One past the last output position (of `out`) whose tap lands inside an input of `in`. */
  static int endOutput(int off, int stride, int in, int out) {
    return Math.min(out, Math.floorDiv(in - 1 - off, stride) + 1);
  }

  /**
   * numpy matmul of `a` by `b` into a result of `os`: a 1-d operand is promoted to a matrix, the
   * leading (batch) dimensions broadcast.
   */
  static float[] matmul(float[] a, long[] as, float[] b, long[] bs, long[] os) {
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
    float[] out = new float[Math.toIntExact(Tensor.size(os))];
    int rowBlocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
    int colBlocks = (cols + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
    int perMatrix = rowBlocks * colBlocks;
    forEach(aMat.length * perMatrix, (long) aMat.length * rows * depth * cols, t -> {
      int bi = t / perMatrix;
      int rb = t % perMatrix / colBlocks;
      int cb = t % colBlocks;
      product(a, aMat[bi] * rows * depth, b, bMat[bi] * depth * cols, out, bi * rows * cols,
          rb * ROW_BLOCK, Math.min(rows, (rb + 1) * ROW_BLOCK), cb * COLUMN_BLOCK,
          Math.min(cols, (cb + 1) * COLUMN_BLOCK), depth, cols, 1, null, null, 0);
    });
    return out;
  }

  /**
   * `alpha * a x b + beta * c` of a (rows, depth) matrix and a (depth, cols) one, with `c` read
   * at `cIdx[i * cols + j]` (null: no C).
   */
  static float[] gemm(float[] a, float[] b, int rows, int depth, int cols, double alpha,
      float[] c, int[] cIdx, double beta) {
    float[] out = new float[rows * cols];
    int rowBlocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
    int colBlocks = (cols + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
    forEach(rowBlocks * colBlocks, (long) rows * depth * cols, t -> {
      int rb = t / colBlocks;
      int cb = t % colBlocks;
      product(a, 0, b, 0, out, 0, rb * ROW_BLOCK, Math.min(rows, (rb + 1) * ROW_BLOCK),
          cb * COLUMN_BLOCK, Math.min(cols, (cb + 1) * COLUMN_BLOCK), depth, cols, alpha, c, cIdx,
          beta);
    });
    return out;
  }

  /**
   * Rows [r0, r1) and columns [j0, j1) of `alpha * a x b + beta * c` for a (., depth) matrix at
   * `aOff` and a (depth, cols) matrix at `bOff`; the inner loop runs along a row of B.
   */
  private static void product(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff,
      int r0, int r1, int j0, int j1, int depth, int cols, double alpha, float[] c, int[] cIdx,
      double beta) {
    int width = j1 - j0;
    double[] acc = new double[width];
    for (int i = r0; i < r1; i++) {
      Arrays.fill(acc, 0);
      int aRow = aOff + i * depth;
      for (int k = 0; k < depth; k++) {
        double av = a[aRow + k];
        int bRow = bOff + k * cols + j0;
        for (int j = 0; j < width; j++) {
          acc[j] += av * b[bRow + j];
        }
      }
      int o = oOff + i * cols + j0;
      if (c == null) {
        for (int j = 0; j < width; j++) {
          out[o + j] = (float) (alpha * acc[j]);
        }
      } else {
        int ci = i * cols + j0;
        for (int j = 0; j < width; j++) {
          out[o + j] = (float) (alpha * acc[j] + beta * c[cIdx[ci + j]]);
        }
      }
    }
  }

  /** ONNX MaxPool: the maximum of the window's taps inside the input (padding is -inf). */
  static float[] maxPool(float[] x, long[] xs, long[] os, long[] kernel, long[] strides,
      long[] pads, long[] dilations) {
    int h = (int) xs[2];
    int w = (int) xs[3];
    int oh = (int) os[2];
    int ow = (int) os[3];
    int kh = (int) kernel[0];
    int kw = (int) kernel[1];
    int sh = (int) strides[0];
    int sw = (int) strides[1];
    int dh = (int) dilations[0];
    int dw = (int) dilations[1];
    int pt = (int) pads[0];
    int pl = (int) pads[1];
    int planes = (int) (os[0] * os[1]);
    float[] out = new float[planes * oh * ow];
    forEach(planes, (long) out.length * kh * kw, t -> {
      int in = t * h * w;
      int o = t * oh * ow;
      for (int y = 0; y < oh; y++) {
        for (int xo = 0; xo < ow; xo++) {
          float best = Float.NEGATIVE_INFINITY;
          for (int r = 0; r < kh; r++) {
            int ih = y * sh - pt + r * dh;
            if (ih < 0 || ih >= h) {
              continue;
            }
            for (int s = 0; s < kw; s++) {
              int iw = xo * sw - pl + s * dw;
              if (iw >= 0 && iw < w) {
                best = Math.max(best, x[in + ih * w + iw]);
              }
            }
          }
          out[o + y * ow + xo] = best;
        }
      }
    });
    return out;
  }

  /**
   * ONNX AveragePool: the mean of the window's taps inside the input. With `countIncludePad` the
   * divisor is the window clipped to the padded input (as ONNX Runtime and PyTorch do), so the
   * part of a ceil-mode window beyond the end padding never counts; a window with no input tap
   * is 0.
   */
  static float[] avgPool(float[] x, long[] xs, long[] os, long[] kernel, long[] strides,
      long[] pads, boolean countIncludePad) {
    int h = (int) xs[2];
    int w = (int) xs[3];
    int oh = (int) os[2];
    int ow = (int) os[3];
    int kh = (int) kernel[0];
    int kw = (int) kernel[1];
    int sh = (int) strides[0];
    int sw = (int) strides[1];
    int planes = (int) (os[0] * os[1]);
    float[] out = new float[planes * oh * ow];
    forEach(planes, (long) out.length * kh * kw, t -> {
      int in = t * h * w;
      int o = t * oh * ow;
      for (int y = 0; y < oh; y++) {
        // the window's rows [hs, he) clipped to the padded input, and [h0, h1) to the input
        int hs = y * sh - (int) pads[0];
        int he = Math.min(hs + kh, h + (int) pads[2]);
        int h0 = Math.max(hs, 0);
        int h1 = Math.min(he, h);
        for (int xo = 0; xo < ow; xo++) {
          int ws = xo * sw - (int) pads[1];
          int we = Math.min(ws + kw, w + (int) pads[3]);
          int w0 = Math.max(ws, 0);
          int w1 = Math.min(we, w);
          double sum = 0;
          for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
              sum += x[in + ih * w + iw];
            }
          }
          int taps = Math.max(0, h1 - h0) * Math.max(0, w1 - w0);
          int divisor = countIncludePad ? (he - hs) * (we - ws) : taps;
          out[o + y * ow + xo] = taps == 0 ? 0 : (float) (sum / divisor);
        }
      }
    });
    return out;
  }
}
