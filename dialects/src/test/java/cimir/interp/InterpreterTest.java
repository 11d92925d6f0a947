package cimir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.graph.GraphDialect;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Verifier;
import cimir.parse.IrParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reference interpreter against hand calculations (written out next to each case), Taylor
 * series and continued fractions for erf, and straightforward loops for large random products.
 */
class InterpreterTest {
  private static final double REL = 1e-6;

  // ---- Building IR and tensors ----

  /** Parses `ir` (one `func.func` of graph ops), verifies it and returns the function. */
  static Operation parse(String ir) {
    Context ctx = GraphDialect.newContext();
    ctx.sources().add("t.cim", ir);
    Operation module = IrParser.parse(ctx, "t.cim", ir);
    assertNotNull(module, () -> diagnostics(ctx));
    assertTrue(Verifier.verify(ctx, module), () -> diagnostics(ctx));
    return firstOp(module, "func.func");
  }

  private static String diagnostics(Context ctx) {
    StringBuilder sb = new StringBuilder();
    ctx.diagnostics().diagnostics().forEach(d -> sb.append(ctx.diagnostics().format(d)));
    return sb.toString();
  }

  private static Operation firstOp(Operation root, String name) {
    List<Operation> found = new ArrayList<>();
    root.walk(op -> {
      if (op.name().equals(name)) {
        found.add(op);
      }
    });
    assertFalse(found.isEmpty(), "no " + name);
    return found.get(0);
  }

  static List<Tensor> run(String ir, Tensor... args) {
    return Interpreter.run(parse(ir), List.of(args));
  }

  private static long[] shape(long... dims) {
    return dims;
  }

  private static Tensor f32(long[] shape, double... values) {
    float[] data = new float[values.length];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) values[i];
    }
    return Tensor.ofFloats(shape, data);
  }

  /** Shape equality and every element within a relative 1e-6 of the expected value. */
  private static void assertTensor(long[] shape, Tensor actual, double... expected) {
    assertArrayEquals(shape, actual.shape(), "shape");
    assertEquals(Type.FloatType.F32, actual.elementType());
    float[] got = actual.floats();
    assertEquals(expected.length, got.length, "element count");
    for (int i = 0; i < got.length; i++) {
      double tol = REL * Math.abs(expected[i]);
      assertTrue(Math.abs(got[i] - expected[i]) <= tol, "element " + i + ": expected "
          + expected[i] + " but got " + got[i] + " in " + Arrays.toString(got));
    }
  }

  private static void assertAbsolute(Tensor actual, double tol, double... expected) {
    float[] got = actual.floats();
    assertEquals(expected.length, got.length);
    for (int i = 0; i < got.length; i++) {
      assertTrue(Math.abs(got[i] - expected[i]) <= tol, "element " + i + ": expected "
          + expected[i] + " but got " + got[i]);
    }
  }

  // ---- Convolution ----

  @Test
  void conv2dStrideTwoWithPadsAndBias() {
    // x = [[1 2 3] [4 5 6] [7 8 9]], w = [[1 2] [3 4]], bias 10, pads 1 on every side,
    // stride 2: output (3 + 1 + 1 - 2) / 2 + 1 = 2 per dimension; window (i, j) covers
    // padded rows 2i-1 .. 2i and columns 2j-1 .. 2j
    //   (0,0): only x00 under w11: 1*4 = 4                 -> 14
    //   (0,1): x01 under w10, x02 under w11: 2*3 + 3*4 = 18 -> 28
    //   (1,0): x10 under w01, x20 under w11: 4*2 + 7*4 = 36 -> 46
    //   (1,1): 5*1 + 6*2 + 8*3 + 9*4 = 77                  -> 87
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x2x2xf32>, %b: tensor<1xf32>) -> tensor<1x1x2x2xf32> {
          %0 = "graph.conv2d"(%x, %w, %b) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
          return %0 : tensor<1x1x2x2xf32>
        }
        """, f32(shape(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9),
        f32(shape(1, 1, 2, 2), 1, 2, 3, 4), f32(shape(1), 10));
    assertTensor(shape(1, 1, 2, 2), out.get(0), 14, 28, 46, 87);
  }

  @Test
  void depthwiseConv2dWithDilationAndAsymmetricPads() {
    // group = C = M = 2, dilation 2 (span 3), pads top 1, left 0, bottom 0, right 1:
    // H out = (3 + 1 + 0 - 3) + 1 = 2, W out = (3 + 0 + 1 - 3) + 1 = 2.
    // Output (i, j) reads rows i - 1 + 2r and columns j + 2s for the tap w[r][s].
    // Channel 0: x = [[1 2 3] [4 5 6] [7 8 9]], w = [[1 2] [3 4]], bias 0.5
    //   (0,0): rows {-1, 1}, cols {0, 2}: 3*x10 + 4*x12 = 12 + 24 = 36           -> 36.5
    //   (0,1): rows {-1, 1}, cols {1, 3}: 3*x11 = 15                              -> 15.5
    //   (1,0): rows {0, 2}, cols {0, 2}: 1*1 + 2*3 + 3*7 + 4*9 = 64               -> 64.5
    //   (1,1): rows {0, 2}, cols {1, 3}: 1*x01 + 3*x21 = 2 + 24 = 26              -> 26.5
    // Channel 1: x = [[9 8 7] [6 5 4] [3 2 1]], w = [[-1 1] [2 -2]], bias -0.5
    //   (0,0): 2*x10 - 2*x12 = 12 - 8 = 4                                         -> 3.5
    //   (0,1): 2*x11 = 10                                                         -> 9.5
    //   (1,0): -1*9 + 1*7 + 2*3 - 2*1 = 2                                         -> 1.5
    //   (1,1): -1*x01 + 2*x21 = -8 + 4 = -4                                       -> -4.5
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x2x3x3xf32>, %w: tensor<2x1x2x2xf32>, %b: tensor<2xf32>) -> tensor<1x2x2x2xf32> {
          %0 = "graph.conv2d"(%x, %w, %b) {dilations = array<i64: 2, 2>, group = 2 : i64, pads = array<i64: 1, 0, 0, 1>} : (tensor<1x2x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
          return %0 : tensor<1x2x2x2xf32>
        }
        """, f32(shape(1, 2, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1),
        f32(shape(2, 1, 2, 2), 1, 2, 3, 4, -1, 1, 2, -2), f32(shape(2), 0.5, -0.5));
    assertTensor(shape(1, 2, 2, 2), out.get(0), 36.5, 15.5, 64.5, 26.5, 3.5, 9.5, 1.5, -4.5);
  }

  @Test
  void groupedConv2dReadsOnlyItsGroupsChannels() {
    // C = 4, M = 4, group 2, 1x1 kernels: outputs 0, 1 read channels 0, 1; outputs 2, 3 read
    // channels 2, 3. Channels: [1 2], [3 4], [5 6], [7 8].
    //   m0 = 1*c0 + 10*c1 = [31 42]        m1 = 2*c0 + 20*c1 = [62 84]
    //   m2 = 100*c2 + 1000*c3 = [7500 8600] m3 = -c2 - c3 = [-12 -14]
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x4x1x2xf32>, %w: tensor<4x2x1x1xf32>) -> tensor<1x4x1x2xf32> {
          %0 = "graph.conv2d"(%x, %w) {group = 2 : i64} : (tensor<1x4x1x2xf32>, tensor<4x2x1x1xf32>) -> tensor<1x4x1x2xf32>
          return %0 : tensor<1x4x1x2xf32>
        }
        """, f32(shape(1, 4, 1, 2), 1, 2, 3, 4, 5, 6, 7, 8),
        f32(shape(4, 2, 1, 1), 1, 10, 2, 20, 100, 1000, -1, -1));
    assertTensor(shape(1, 4, 1, 2), out.get(0), 31, 42, 62, 84, 7500, 8600, -12, -14);
  }

  @Test
  void conv2dWithFusedRelu() {
    // 1x1 kernel of weight -1 with bias 2: [0 1 3 5] -> [2 1 -1 -3] -> relu [2 1 0 0]
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x1x2x2xf32>, %w: tensor<1x1x1x1xf32>, %b: tensor<1xf32>) -> tensor<1x1x2x2xf32> {
          %0 = "graph.conv2d"(%x, %w, %b) {activation = "relu"} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
          return %0 : tensor<1x1x2x2xf32>
        }
        """, f32(shape(1, 1, 2, 2), 0, 1, 3, 5), f32(shape(1, 1, 1, 1), -1), f32(shape(1), 2));
    assertTensor(shape(1, 1, 2, 2), out.get(0), 2, 1, 0, 0);
  }

  /**
   * A convolution large enough to be split over threads equals, bit for bit, a plain loop that
   * sums the same taps in the same order (channel, kernel row, kernel column) in double.
   */
  @Test
  void largeConv2dIsBitIdenticalToSequentialLoops() {
    int c = 16;
    int m = 24;
    int h = 30;
    int w = 27;
    int k = 3;
    int group = 2;
    // pads (2, 1, 0, 1), strides (2, 1), dilations (1, 2): span 3 x 5
    int oh = (h + 2 + 0 - 3) / 2 + 1;
    int ow = (w + 1 + 1 - 5) / 1 + 1;
    Random r = new Random(7);
    Tensor x = random(r, 2, c, h, w);
    Tensor wt = random(r, m, c / group, k, k);
    Tensor b = random(r, m);
    String ir = String.format("""
        func.func @f(%%x: tensor<2x%1$dx%2$dx%3$dxf32>, %%w: tensor<%4$dx%5$dx3x3xf32>, %%b: tensor<%4$dxf32>) -> tensor<2x%4$dx%6$dx%7$dxf32> {
          %%0 = "graph.conv2d"(%%x, %%w, %%b) {dilations = array<i64: 1, 2>, group = 2 : i64, pads = array<i64: 2, 1, 0, 1>, strides = array<i64: 2, 1>} : (tensor<2x%1$dx%2$dx%3$dxf32>, tensor<%4$dx%5$dx3x3xf32>, tensor<%4$dxf32>) -> tensor<2x%4$dx%6$dx%7$dxf32>
          return %%0 : tensor<2x%4$dx%6$dx%7$dxf32>
        }
        """, c, h, w, m, c / group, oh, ow);
    float[] got = Interpreter.run(parse(ir), List.of(x, wt, b)).get(0).floats();
    float[] xs = x.floats();
    float[] ws = wt.floats();
    float[] expected = new float[2 * m * oh * ow];
    int cg = c / group;
    for (int n = 0; n < 2; n++) {
      for (int o = 0; o < m; o++) {
        int g = o / (m / group);
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double sum = 0;
            for (int ic = 0; ic < cg; ic++) {
              for (int kr = 0; kr < k; kr++) {
                for (int kc = 0; kc < k; kc++) {
                  int ih = i * 2 - 2 + kr;
                  int iw = j - 1 + kc * 2;
                  if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                    sum += (double) ws[((o * cg + ic) * k + kr) * k + kc]
                        * xs[((n * c + g * cg + ic) * h + ih) * w + iw];
                  }
                }
              }
            }
            expected[((n * m + o) * oh + i) * ow + j] = (float) (sum + b.floats()[o]);
          }
        }
      }
    }
    assertArrayEquals(expected, got);
  }

  private static Tensor random(Random r, long... shape) {
    float[] d = new float[(int) Tensor.size(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextGaussian();
    }
    return Tensor.ofFloats(shape, d);
  }

  // ---- Products ----

  @Test
  void matmulPromotesOneDimensionalOperandsAndBroadcastsBatches() {
    // (a) [2] x [2, 2, 3]: a = [1 2] is a row; batch 0 [[1 2 3] [4 5 6]] -> [9 12 15],
    //     batch 1 [[0 1 0] [1 0 -1]] -> [2 1 -2]; result [2, 3]
    // (b) [2, 2, 3] x [3]: v = [1 1 2] is a column; [1 2 3].v = 9, [4 5 6].v = 21,
    //     [-1 0 1].v = 1, [2 2 2].v = 8; result [2, 2]
    // (c) [2, 1, 1, 2] x [3, 2, 1]: batches [2, 1] and [3] broadcast to [2, 3];
    //     rows [1 2], [3 4] dot columns [1 0], [0 1], [1 1]: [1 2 3], [3 4 7]
    List<Tensor> out = run("""
        func.func @f(%a: tensor<2xf32>, %b: tensor<2x2x3xf32>, %c: tensor<2x2x3xf32>, %v: tensor<3xf32>, %d: tensor<2x1x1x2xf32>, %e: tensor<3x2x1xf32>) -> (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x3x1x1xf32>) {
          %0 = "graph.matmul"(%a, %b) : (tensor<2xf32>, tensor<2x2x3xf32>) -> tensor<2x3xf32>
          %1 = "graph.matmul"(%c, %v) : (tensor<2x2x3xf32>, tensor<3xf32>) -> tensor<2x2xf32>
          %2 = "graph.matmul"(%d, %e) : (tensor<2x1x1x2xf32>, tensor<3x2x1xf32>) -> tensor<2x3x1x1xf32>
          return %0, %1, %2 : tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x3x1x1xf32>
        }
        """, f32(shape(2), 1, 2),
        f32(shape(2, 2, 3), 1, 2, 3, 4, 5, 6, 0, 1, 0, 1, 0, -1),
        f32(shape(2, 2, 3), 1, 2, 3, 4, 5, 6, -1, 0, 1, 2, 2, 2), f32(shape(3), 1, 1, 2),
        f32(shape(2, 1, 1, 2), 1, 2, 3, 4), f32(shape(3, 2, 1), 1, 0, 0, 1, 1, 1));
    assertTensor(shape(2, 3), out.get(0), 9, 12, 15, 2, 1, -2);
    assertTensor(shape(2, 2), out.get(1), 9, 21, 1, 8);
    assertTensor(shape(2, 3, 1, 1), out.get(2), 1, 2, 3, 3, 4, 7);
  }

  @Test
  void matmulWithFusedRelu() {
    // [[1 -2] [3 1]] x [[1] [1]] = [[-1] [4]] -> relu [[0] [4]]
    List<Tensor> out = run("""
        func.func @f(%a: tensor<2x2xf32>, %b: tensor<2x1xf32>) -> tensor<2x1xf32> {
          %0 = "graph.matmul"(%a, %b) {activation = "relu"} : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
          return %0 : tensor<2x1xf32>
        }
        """, f32(shape(2, 2), 1, -2, 3, 1), f32(shape(2, 1), 1, 1));
    assertTensor(shape(2, 1), out.get(0), 0, 4);
  }

  @Test
  void largeMatmulIsBitIdenticalToSequentialLoops() {
    // 2 batches of 70x300 times 300x600: several row and column blocks, enough work to share
    int rows = 70;
    int depth = 300;
    int cols = 600;
    Random r = new Random(3);
    Tensor a = random(r, 2, rows, depth);
    Tensor b = random(r, depth, cols);
    String ir = String.format("""
        func.func @f(%%a: tensor<2x%1$dx%2$dxf32>, %%b: tensor<%2$dx%3$dxf32>) -> tensor<2x%1$dx%3$dxf32> {
          %%0 = "graph.matmul"(%%a, %%b) : (tensor<2x%1$dx%2$dxf32>, tensor<%2$dx%3$dxf32>) -> tensor<2x%1$dx%3$dxf32>
          return %%0 : tensor<2x%1$dx%3$dxf32>
        }
        """, rows, depth, cols);
    float[] got = Interpreter.run(parse(ir), List.of(a, b)).get(0).floats();
    float[] expected = new float[2 * rows * cols];
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          double sum = 0;
          for (int k = 0; k < depth; k++) {
            sum += (double) a.floats()[(n * rows + i) * depth + k] * b.floats()[k * cols + j];
          }
          expected[(n * rows + i) * cols + j] = (float) sum;
        }
      }
    }
    assertArrayEquals(expected, got);
  }

  @Test
  void gemmTransposesScalesAndBroadcastsC() {
    // A is stored 2x3 with transA: op(A) = [[1 4] [2 5] [3 6]];
    // B is stored 2x2 with transB: B = [[1 0] [1 1]], op(B) = [[1 1] [0 1]];
    // op(A) op(B) = [[1 5] [2 7] [3 9]]; alpha 2: [[2 10] [4 14] [6 18]];
    // beta 0.5 times C = [1 -1] broadcast over rows: + [0.5 -0.5]
    //   -> [[2.5 9.5] [4.5 13.5] [6.5 17.5]]
    // Second gemm, no transposes, C of shape [3, 1] broadcast over columns, then a fused clip
    // to [0, 10]: [[1 2] [3 4] [5 6]] x I + [[-2] [1] [5]] = [[-1 0] [4 5] [10 11]]
    //   -> [[0 0] [4 5] [10 10]]
    List<Tensor> out = run("""
        func.func @f(%a: tensor<2x3xf32>, %b: tensor<2x2xf32>, %c: tensor<2xf32>, %d: tensor<3x2xf32>, %i: tensor<2x2xf32>, %e: tensor<3x1xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
          %0 = "graph.gemm"(%a, %b, %c) {alpha = 2.0 : f32, beta = 0.5 : f32, transA = 1 : i64, transB = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
          %1 = "graph.gemm"(%d, %i, %e) {activation = "clip", clip_max = 10.0 : f32, clip_min = 0.0 : f32} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<3x1xf32>) -> tensor<3x2xf32>
          return %0, %1 : tensor<3x2xf32>, tensor<3x2xf32>
        }
        """, f32(shape(2, 3), 1, 2, 3, 4, 5, 6), f32(shape(2, 2), 1, 0, 1, 1),
        f32(shape(2), 1, -1), f32(shape(3, 2), 1, 2, 3, 4, 5, 6), f32(shape(2, 2), 1, 0, 0, 1),
        f32(shape(3, 1), -2, 1, 5));
    assertTensor(shape(3, 2), out.get(0), 2.5, 9.5, 4.5, 13.5, 6.5, 17.5);
    assertTensor(shape(3, 2), out.get(1), 0, 0, 4, 5, 10, 10);
  }

  // ---- Element-wise ----

  @Test
  void binaryOpsBroadcastMultidirectionally() {
    // x = [[1 2 3] [4 5 6]], y = [10 20 30], z = [[1] [2]], u = [[1 2 3]], s = 2 (rank 0)
    //   x + y = [[11 22 33] [14 25 36]]
    //   x - z = [[0 1 2] [2 3 4]]
    //   z * u = [[1 2 3] [2 4 6]]   (both operands broadcast)
    //   x * s = [[2 4 6] [8 10 12]]
    //   x / y = [[0.1 0.1 0.1] [0.4 0.25 0.2]]
    //   x ^ z = [[1 2 3] [16 25 36]]
    List<Tensor> out = run("""
        func.func @f(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %z: tensor<2x1xf32>, %u: tensor<1x3xf32>, %s: tensor<f32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
          %0 = "graph.add"(%x, %y) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
          %1 = "graph.sub"(%x, %z) : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
          %2 = "graph.mul"(%z, %u) : (tensor<2x1xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
          %3 = "graph.mul"(%x, %s) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
          %4 = "graph.div"(%x, %y) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
          %5 = "graph.pow"(%x, %z) : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
          return %0, %1, %2, %3, %4, %5 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
        }
        """, f32(shape(2, 3), 1, 2, 3, 4, 5, 6), f32(shape(3), 10, 20, 30),
        f32(shape(2, 1), 1, 2), f32(shape(1, 3), 1, 2, 3), f32(shape(), 2));
    long[] s = shape(2, 3);
    assertTensor(s, out.get(0), 11, 22, 33, 14, 25, 36);
    assertTensor(s, out.get(1), 0, 1, 2, 2, 3, 4);
    assertTensor(s, out.get(2), 1, 2, 3, 2, 4, 6);
    assertTensor(s, out.get(3), 2, 4, 6, 8, 10, 12);
    assertTensor(s, out.get(4), 0.1, 0.1, 0.1, 0.4, 0.25, 0.2);
    assertTensor(s, out.get(5), 1, 2, 3, 16, 25, 36);
  }

  @Test
  void addWithFusedClipOfOnlyAnUpperBound() {
    // [-5 2 10] + [0 1 2] = [-5 3 12]; clip_max 6 without clip_min leaves -5: [-5 3 6]
    List<Tensor> out = run("""
        func.func @f(%x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<3xf32> {
          %0 = "graph.add"(%x, %y) {activation = "clip", clip_max = 6.0 : f32} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
          return %0 : tensor<3xf32>
        }
        """, f32(shape(3), -5, 2, 10), f32(shape(3), 0, 1, 2));
    assertTensor(shape(3), out.get(0), -5, 3, 6);
  }

  @Test
  void unaryOps() {
    // with l3 = ln 3 and l2 = ln 2:
    //   relu [-1 0 2] = [0 0 2]
    //   sigmoid [0 l3] = [1/2, 1 / (1 + 1/3) = 3/4]
    //   tanh [0 l2] = [0, (2 - 1/2) / (2 + 1/2) = 0.6]
    //   sqrt [2.25 16] = [1.5 4];  exp [0 l2] = [1 2];  neg [3 -0.5] = [-3 0.5]
    //   silu [0 l3] = [0, 3/4 l3]
    //   hard_sigmoid (alpha 0.5, beta 0.25) [-1 1 2] = [max(0, -0.25), 0.75, min(1, 1.25)]
    //     = [0 0.75 1]
    //   hard_swish [-4 1 3] = [-4 * 0, 1 * (1/6 + 1/2), 3 * 1] = [0 2/3 3]
    //   clip to [-1, 2]: [-3 0.5 5] = [-1 0.5 2];  clip with only min 0: [-3 0.5 5] = [0 0.5 5]
    double l3 = Math.log(3);
    double l2 = Math.log(2);
    List<Tensor> out = run("""
        func.func @f(%r: tensor<3xf32>, %s: tensor<2xf32>, %t: tensor<2xf32>, %q: tensor<2xf32>, %e: tensor<2xf32>, %n: tensor<2xf32>, %h: tensor<3xf32>, %w: tensor<3xf32>, %c: tensor<3xf32>) -> (tensor<3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
          %0 = "graph.relu"(%r) : (tensor<3xf32>) -> tensor<3xf32>
          %1 = "graph.sigmoid"(%s) : (tensor<2xf32>) -> tensor<2xf32>
          %2 = "graph.tanh"(%t) : (tensor<2xf32>) -> tensor<2xf32>
          %3 = "graph.sqrt"(%q) : (tensor<2xf32>) -> tensor<2xf32>
          %4 = "graph.exp"(%e) : (tensor<2xf32>) -> tensor<2xf32>
          %5 = "graph.neg"(%n) : (tensor<2xf32>) -> tensor<2xf32>
          %6 = "graph.silu"(%s) : (tensor<2xf32>) -> tensor<2xf32>
          %7 = "graph.hard_sigmoid"(%h) {alpha = 0.5 : f32, beta = 0.25 : f32} : (tensor<3xf32>) -> tensor<3xf32>
          %8 = "graph.hard_swish"(%w) : (tensor<3xf32>) -> tensor<3xf32>
          %9 = "graph.clip"(%c) {max = 2.0 : f32, min = -1.0 : f32} : (tensor<3xf32>) -> tensor<3xf32>
          %10 = "graph.clip"(%c) {min = 0.0 : f32} : (tensor<3xf32>) -> tensor<3xf32>
          return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : tensor<3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
        }
        """, f32(shape(3), -1, 0, 2), f32(shape(2), 0, l3), f32(shape(2), 0, l2),
        f32(shape(2), 2.25, 16), f32(shape(2), 0, l2), f32(shape(2), 3, -0.5),
        f32(shape(3), -1, 1, 2), f32(shape(3), -4, 1, 3), f32(shape(3), -3, 0.5, 5));
    assertTensor(shape(3), out.get(0), 0, 0, 2);
    assertTensor(shape(2), out.get(1), 0.5, 0.75);
    assertTensor(shape(2), out.get(2), 0, 0.6);
    assertTensor(shape(2), out.get(3), 1.5, 4);
    assertTensor(shape(2), out.get(4), 1, 2);
    assertTensor(shape(2), out.get(5), -3, 0.5);
    assertTensor(shape(2), out.get(6), 0, 0.75 * l3);
    assertTensor(shape(3), out.get(7), 0, 0.75, 1);
    assertTensor(shape(3), out.get(8), 0, 2.0 / 3, 3);
    assertTensor(shape(3), out.get(9), -1, 0.5, 2);
    assertTensor(shape(3), out.get(10), 0, 0.5, 5);
  }

  /** erf by its Maclaurin series 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)), for |x| <= 4.5. */
  private static double erfSeries(double x) {
    double term = x;
    double sum = x;
    for (int n = 1; n < 200; n++) {
      term *= -x * x / n;
      sum += term / (2 * n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  /**
   * erfc by the continued fraction exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
   * evaluated from the bottom, for x >= 2.
   */
  private static double erfcContinuedFraction(double x) {
    double f = x;
    for (int n = 400; n >= 1; n--) {
      f = x + n / 2.0 / f;
    }
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }

  private static final double[] ERF_POINTS = {-4.5, -3, -1.5, -0.46875, -0.3, 0, 1e-20, 0.2,
      0.5, 1, 2.5, 4, 4.25};

  @Test
  void erfMatchesSeriesAndContinuedFraction() {
    // the double-precision core against the series on all three of Cody's intervals
    for (double x : ERF_POINTS) {
      // the series cancels: terms reach 170 at x = 3 and 6e6 at x = 4.5
      double tol = Math.abs(x) <= 1.5 ? 1e-15 : Math.abs(x) <= 3 ? 2e-13 : 1e-8;
      assertEquals(erfSeries(x), Erf.erf(x), tol, "erf(" + x + ")");
      assertEquals(1 - erfSeries(x), Erf.erfc(x), tol, "erfc(" + x + ")");
    }
    // the far tail, where 1 - erf(x) has no digits left, to a relative 1e-13
    for (double x : new double[] {2, 3, 5, 8, 12, 20}) {
      double expected = erfcContinuedFraction(x);
      assertEquals(expected, Erf.erfc(x), 1e-13 * expected, "erfc(" + x + ")");
      assertEquals(2 - expected, Erf.erfc(-x), 1e-15, "erfc(" + -x + ")");
    }
    assertEquals(1, Erf.erf(30));
    assertEquals(-1, Erf.erf(Double.NEGATIVE_INFINITY));
    assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
  }

  @Test
  void erfAndGeluAgainstTheSeries() {
    double[] xs = ERF_POINTS;
    Tensor x = f32(shape(xs.length), xs);
    List<Tensor> out = run("""
        func.func @f(%x: tensor<13xf32>) -> (tensor<13xf32>, tensor<13xf32>, tensor<13xf32>) {
          %0 = "graph.erf"(%x) : (tensor<13xf32>) -> tensor<13xf32>
          %1 = "graph.gelu"(%x) : (tensor<13xf32>) -> tensor<13xf32>
          %2 = "graph.gelu"(%x) {approximate = "tanh"} : (tensor<13xf32>) -> tensor<13xf32>
          return %0, %1, %2 : tensor<13xf32>, tensor<13xf32>, tensor<13xf32>
        }
        """, x);
    double[] erf = new double[xs.length];
    double[] gelu = new double[xs.length];
    double[] geluTanh = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      double v = x.floats()[i];
      erf[i] = erfSeries(v);
      gelu[i] = 0.5 * v * (1 + erfSeries(v / Math.sqrt(2)));
      // tanh(u) = (e^2u - 1) / (e^2u + 1)
      double e2u = Math.exp(2 * Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v));
      geluTanh[i] = 0.5 * v * (1 + (e2u - 1) / (e2u + 1));
    }
    assertAbsolute(out.get(0), 1e-6, erf);
    assertAbsolute(out.get(1), 1e-6, gelu);
    assertAbsolute(out.get(2), 1e-6, geluTanh);
    // far in the negative tail gelu keeps its relative precision: x erfc(-x / sqrt 2) / 2
    Tensor tail = run("""
        func.func @f(%x: tensor<1xf32>) -> tensor<1xf32> {
          %0 = "graph.gelu"(%x) : (tensor<1xf32>) -> tensor<1xf32>
          return %0 : tensor<1xf32>
        }
        """, f32(shape(1), -8)).get(0);
    assertTensor(shape(1), tail, -8 * 0.5 * erfcContinuedFraction(8 / Math.sqrt(2)));
  }

  // ---- Normalizations and reductions ----

  @Test
  void softmaxAlongANonLastAxis() {
    // shape [2, 2, 2], axis 1: pairs (x[o][0][k], x[o][1][k]) are normalized together.
    //   o = 0, k = 0: (0, ln 3)     -> (1/4, 3/4)
    //   o = 0, k = 1: (1000, 1000)  -> (1/2, 1/2)  (exp(1000) overflows unless the max goes first)
    //   o = 1, k = 0: (2, 2 + ln 2) -> (1/3, 2/3)
    //   o = 1, k = 1: (-3, -3)      -> (1/2, 1/2)
    double l3 = Math.log(3);
    double l2 = Math.log(2);
    List<Tensor> out = run("""
        func.func @f(%x: tensor<2x2x2xf32>) -> tensor<2x2x2xf32> {
          %0 = "graph.softmax"(%x) {axis = 1 : i64} : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
          return %0 : tensor<2x2x2xf32>
        }
        """, f32(shape(2, 2, 2), 0, 1000, l3, 1000, 2, -3, 2 + l2, -3));
    assertTensor(shape(2, 2, 2), out.get(0), 0.25, 0.5, 0.75, 0.5, 1.0 / 3, 0.5, 2.0 / 3, 0.5);
  }

  @Test
  void softmaxDefaultsToTheLastAxis() {
    // rows (0, ln 3) -> (1/4, 3/4) and (ln 2, 0) -> (2/3, 1/3)
    List<Tensor> out = run("""
        func.func @f(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
          %0 = "graph.softmax"(%x) : (tensor<2x2xf32>) -> tensor<2x2xf32>
          return %0 : tensor<2x2xf32>
        }
        """, f32(shape(2, 2), 0, Math.log(3), Math.log(2), 0));
    assertTensor(shape(2, 2), out.get(0), 0.25, 0.75, 2.0 / 3, 1.0 / 3);
  }

  @Test
  void layerNormOverTwoAxesWithBroadcastScaleAndBias() {
    // x [2, 2, 2], axis 1: each item's 4 values are one row; epsilon 2.75.
    //   item 0: [1 2 3 4], mean 2.5, deviations [-1.5 -0.5 0.5 1.5], variance 5/4,
    //     sqrt(5/4 + 11/4) = 2 -> [-0.75 -0.25 0.25 0.75]
    //   item 1: [4.5 1.5 3.5 2.5], mean 3, deviations [1.5 -1.5 0.5 -0.5], variance 5/4
    //     -> [0.75 -0.75 0.25 -0.25]
    // scale [2 -1] broadcasts along the last axis (per column), bias [[10] [20]] per row:
    //   item 0: [-1.5 + 10, 0.25 + 10, 0.5 + 20, -0.75 + 20] = [8.5 10.25 20.5 19.25]
    //   item 1: [1.5 + 10, 0.75 + 10, 0.5 + 20, 0.25 + 20]   = [11.5 10.75 20.5 20.25]
    List<Tensor> out = run("""
        func.func @f(%x: tensor<2x2x2xf32>, %g: tensor<2xf32>, %b: tensor<2x1xf32>) -> tensor<2x2x2xf32> {
          %0 = "graph.layer_norm"(%x, %g, %b) {axis = 1 : i64, epsilon = 2.75 : f32} : (tensor<2x2x2xf32>, tensor<2xf32>, tensor<2x1xf32>) -> tensor<2x2x2xf32>
          return %0 : tensor<2x2x2xf32>
        }
        """, f32(shape(2, 2, 2), 1, 2, 3, 4, 4.5, 1.5, 3.5, 2.5), f32(shape(2), 2, -1),
        f32(shape(2, 1), 10, 20));
    assertTensor(shape(2, 2, 2), out.get(0), 8.5, 10.25, 20.5, 19.25, 11.5, 10.75, 20.5, 20.25);
  }

  @Test
  void layerNormWithoutBiasOnTheLastAxis() {
    // [1 3]: mean 2, variance 1, default epsilon 1e-5: +-1 / sqrt(1 + 1e-5), times scale [1 3]
    double eps = (float) 1e-5;
    double d = Math.sqrt(1 + eps);
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x2xf32>, %g: tensor<2xf32>) -> tensor<1x2xf32> {
          %0 = "graph.layer_norm"(%x, %g) : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
          return %0 : tensor<1x2xf32>
        }
        """, f32(shape(1, 2), 1, 3), f32(shape(2), 1, 3));
    assertTensor(shape(1, 2), out.get(0), -1 / d, 3 / d);
  }

  @Test
  void batchNormPerChannel() {
    // channel 0: [1 3], mean 2, variance 3.75 + epsilon 0.25 = 4 (sd 2), scale 2, bias 1:
    //   (1 - 2) / 2 * 2 + 1 = 0, (3 - 2) / 2 * 2 + 1 = 2
    // channel 1: [-2 4], mean 1, variance 8.75 + 0.25 = 9 (sd 3), scale 0.5, bias -1:
    //   -3 / 3 * 0.5 - 1 = -1.5, 3 / 3 * 0.5 - 1 = -0.5
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x2x1x2xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x1x2xf32> {
          %0 = "graph.batch_norm"(%x, %s, %b, %m, %v) {epsilon = 0.25 : f32} : (tensor<1x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x1x2xf32>
          return %0 : tensor<1x2x1x2xf32>
        }
        """, f32(shape(1, 2, 1, 2), 1, 3, -2, 4), f32(shape(2), 2, 0.5), f32(shape(2), 1, -1),
        f32(shape(2), 2, 1), f32(shape(2), 3.75, 8.75));
    assertTensor(shape(1, 2, 1, 2), out.get(0), 0, 2, -1.5, -0.5);
  }

  @Test
  void reduceMeanOverAxes() {
    // x = [[1 2 3] [4 5 9]]
    //   axes [-1], keepdims 1: [[2] [6]]
    //   axes [0], keepdims 0: [2.5 3.5 6]
    //   all axes, keepdims 0: 24 / 6 = 4 (rank 0)
    List<Tensor> out = run("""
        func.func @f(%x: tensor<2x3xf32>) -> (tensor<2x1xf32>, tensor<3xf32>, tensor<f32>) {
          %0 = "graph.reduce_mean"(%x) {axes = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
          %1 = "graph.reduce_mean"(%x) {axes = array<i64: 0>, keepdims = 0 : i64} : (tensor<2x3xf32>) -> tensor<3xf32>
          %2 = "graph.reduce_mean"(%x) {keepdims = 0 : i64} : (tensor<2x3xf32>) -> tensor<f32>
          return %0, %1, %2 : tensor<2x1xf32>, tensor<3xf32>, tensor<f32>
        }
        """, f32(shape(2, 3), 1, 2, 3, 4, 5, 9));
    assertTensor(shape(2, 1), out.get(0), 2, 6);
    assertTensor(shape(3), out.get(1), 2.5, 3.5, 6);
    assertTensor(shape(), out.get(2), 4);
  }

  @Test
  void globalAvgPool() {
    // channel 0: (1 + 2 + 3 + 4) / 4 = 2.5; channel 1: 8 / 4 = 2
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32> {
          %0 = "graph.global_avg_pool"(%x) : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
          return %0 : tensor<1x2x1x1xf32>
        }
        """, f32(shape(1, 2, 2, 2), 1, 2, 3, 4, 0, 0, 0, 8));
    assertTensor(shape(1, 2, 1, 1), out.get(0), 2.5, 2);
  }

  // ---- Pooling ----

  @Test
  void maxPoolCeilModeDropsTheWindowStartingInThePadding() {
    // x[i][j] = -(4i + j + 1) on 5 rows, 4 columns; kernel 2, stride 2, pads (0, 0, 0, 1),
    // ceil_mode 1.
    //   rows: (5 - 2) / 2 = 1.5, ceil 2, + 1 = 3 windows; the third starts at row 4 < 5, kept,
    //     and covers row 4 only (floor mode would give 2)
    //   columns: (4 + 1 - 2) / 2 = 1.5, ceil 2, + 1 = 3; the third would start at column
    //     4 = 4 + 0, inside the end padding, so it is dropped: 2 windows
    // maxima (padding is -inf, so all-negative windows keep their largest real value):
    //   rows 0-1: cols 0-1 -> -1, cols 2-3 -> -3
    //   rows 2-3: -9, -11;  row 4: -17, -19
    double[] x = new double[20];
    for (int i = 0; i < 20; i++) {
      x[i] = -(i + 1);
    }
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x1x5x4xf32>) -> tensor<1x1x3x2xf32> {
          %0 = "graph.max_pool"(%x) {ceil_mode = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x5x4xf32>) -> tensor<1x1x3x2xf32>
          return %0 : tensor<1x1x3x2xf32>
        }
        """, f32(shape(1, 1, 5, 4), x));
    assertTensor(shape(1, 1, 3, 2), out.get(0), -1, -3, -9, -11, -17, -19);
  }

  @Test
  void maxPoolWithDilationIgnoresPadding() {
    // x = -[[1 2 3] [4 5 6] [7 8 9]], kernel 2 with dilation 2 (span 3), pads top 1, left 1:
    // output 2x2; window (i, j) reads rows {i - 1, i + 1}, columns {j - 1, j + 1}
    //   (0,0): x11 = -5;  (0,1): max(x10, x12) = -4;  (1,0): max(x01, x21) = -2;
    //   (1,1): max(x00, x02, x20, x22) = -1   (zero padding would have given 0 in three)
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
          %0 = "graph.max_pool"(%x) {dilations = array<i64: 2, 2>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
          return %0 : tensor<1x1x2x2xf32>
        }
        """, f32(shape(1, 1, 3, 3), -1, -2, -3, -4, -5, -6, -7, -8, -9));
    assertTensor(shape(1, 1, 2, 2), out.get(0), -5, -4, -2, -1);
  }

  @Test
  void avgPoolWithAndWithoutCountIncludePad() {
    // x = [[1 2 3] [4 5 6] [7 8 9]], kernel 2, stride 2, pads 1 on every side: 2x2 windows
    //   (0,0): {1} of 4 taps        -> exclude 1,   include 1/4
    //   (0,1): {2, 3}               -> 5/2 = 2.5,   5/4 = 1.25
    //   (1,0): {4, 7}               -> 11/2 = 5.5,  11/4 = 2.75
    //   (1,1): {5, 6, 8, 9}         -> 28/4 = 7,    7
    String ir = """
        func.func @f(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
          %0 = "graph.avg_pool"(%x) {kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
          %1 = "graph.avg_pool"(%x) {count_include_pad = 1 : i64, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
          return %0, %1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
        }
        """;
    List<Tensor> out = run(ir, f32(shape(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9));
    assertTensor(shape(1, 1, 2, 2), out.get(0), 1, 2.5, 5.5, 7);
    assertTensor(shape(1, 1, 2, 2), out.get(1), 0.25, 1.25, 2.75, 7);
  }

  @Test
  void avgPoolCeilModeCountsOnlyThePaddedInput() {
    // same x, kernel 2, stride 2, no pads, ceil_mode 1: (3 - 2) / 2 = 0.5, ceil 1, + 1 = 2
    // windows per dimension; the second starts at 2 < 3 and hangs one past the input.
    // With count_include_pad the divisor is the window clipped to the padded input (ONNX
    // Runtime, PyTorch), here the input itself, so both modes agree:
    //   (0,0): 1 + 2 + 4 + 5 = 12 / 4 = 3;  (0,1): 3 + 6 = 9 / 2 = 4.5
    //   (1,0): 7 + 8 = 15 / 2 = 7.5;       (1,1): 9 / 1 = 9
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
          %0 = "graph.avg_pool"(%x) {ceil_mode = 1 : i64, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
          %1 = "graph.avg_pool"(%x) {ceil_mode = 1 : i64, count_include_pad = 1 : i64, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
          return %0, %1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
        }
        """, f32(shape(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9));
    assertTensor(shape(1, 1, 2, 2), out.get(0), 3, 4.5, 7.5, 9);
    assertTensor(shape(1, 1, 2, 2), out.get(1), 3, 4.5, 7.5, 9);
  }

  // ---- Data movement ----

  @Test
  void reshapeFlattenAndTransposeKeepOrMoveData() {
    // reshape [2, 3] -> [3, 2] and flatten at axis 1 keep the row-major data;
    // transpose without perm reverses: [[1 2 3] [4 5 6]] -> [[1 4] [2 5] [3 6]];
    // perm [2, 0, 1] on y[a][b][c] = 4a + 2b + c gives out[i][j][k] = y[j][k][i] = 4j + 2k + i:
    //   [0 2 4 6 1 3 5 7]
    List<Tensor> out = run("""
        func.func @f(%x: tensor<2x3xf32>, %y: tensor<2x2x2xf32>) -> (tensor<3x2xf32>, tensor<2x4xf32>, tensor<3x2xf32>, tensor<2x2x2xf32>) {
          %0 = "graph.reshape"(%x) {shape = array<i64: -1, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
          %1 = "graph.flatten"(%y) {axis = 1 : i64} : (tensor<2x2x2xf32>) -> tensor<2x4xf32>
          %2 = "graph.transpose"(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32>
          %3 = "graph.transpose"(%y) {perm = array<i64: 2, 0, 1>} : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
          return %0, %1, %2, %3 : tensor<3x2xf32>, tensor<2x4xf32>, tensor<3x2xf32>, tensor<2x2x2xf32>
        }
        """, f32(shape(2, 3), 1, 2, 3, 4, 5, 6), f32(shape(2, 2, 2), 0, 1, 2, 3, 4, 5, 6, 7));
    assertTensor(shape(3, 2), out.get(0), 1, 2, 3, 4, 5, 6);
    assertTensor(shape(2, 4), out.get(1), 0, 1, 2, 3, 4, 5, 6, 7);
    assertTensor(shape(3, 2), out.get(2), 1, 4, 2, 5, 3, 6);
    assertTensor(shape(2, 2, 2), out.get(3), 0, 2, 4, 6, 1, 3, 5, 7);
  }

  @Test
  void concatAndConstant() {
    // [[1] [2]] ++ [[3 4] [5 6]] along axis 1 = [[1 3 4] [2 5 6]]; the constant is [1.5 -2]
    List<Tensor> out = run("""
        func.func @f(%a: tensor<2x1xf32>, %b: tensor<2x2xf32>) -> (tensor<2x3xf32>, tensor<2xf32>) {
          %0 = "graph.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x1xf32>, tensor<2x2xf32>) -> tensor<2x3xf32>
          %1 = "graph.constant"() {value = dense<[1.5, -2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
          return %0, %1 : tensor<2x3xf32>, tensor<2xf32>
        }
        """, f32(shape(2, 1), 1, 2), f32(shape(2, 2), 3, 4, 5, 6));
    assertTensor(shape(2, 3), out.get(0), 1, 3, 4, 2, 5, 6);
    assertTensor(shape(2), out.get(1), 1.5, -2);
  }

  @Test
  void sliceWithNegativeSteps() {
    // x = [[0 1 2 3 4] [5 6 7 8 9]]
    //   axes [0, 1], starts [1, -1], ends [2, 0], steps [1, -2]: row 1; columns from 4 down to
    //     (exclusive) 0 by 2: 4, 2 -> [[9 7]]
    //   axes [1], starts [10], ends [-100], steps [-1]: start clamps to 4, end to -1: the
    //     whole row reversed -> [[4 3 2 1 0] [9 8 7 6 5]]
    List<Tensor> out = run("""
        func.func @f(%x: tensor<2x5xf32>) -> (tensor<1x2xf32>, tensor<2x5xf32>) {
          %0 = "graph.slice"(%x) {axes = array<i64: 0, 1>, ends = array<i64: 2, 0>, starts = array<i64: 1, -1>, steps = array<i64: 1, -2>} : (tensor<2x5xf32>) -> tensor<1x2xf32>
          %1 = "graph.slice"(%x) {axes = array<i64: 1>, ends = array<i64: -100>, starts = array<i64: 10>, steps = array<i64: -1>} : (tensor<2x5xf32>) -> tensor<2x5xf32>
          return %0, %1 : tensor<1x2xf32>, tensor<2x5xf32>
        }
        """, f32(shape(2, 5), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    assertTensor(shape(1, 2), out.get(0), 9, 7);
    assertTensor(shape(2, 5), out.get(1), 4, 3, 2, 1, 0, 9, 8, 7, 6, 5);
  }

  @Test
  void integerTensorsPassThroughDataMovement() {
    // a shape computation: [[1 2] [3 4]] (i64 constant) concatenated with the argument [[5 6]],
    // transposed to [[1 3 5] [2 4 6]], sliced to its second row, reshaped to [3]: [2 4 6]
    List<Tensor> out = run("""
        func.func @f(%x: tensor<1x2xi64>) -> tensor<3xi64> {
          %0 = "graph.constant"() {value = dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>} : () -> tensor<2x2xi64>
          %1 = "graph.concat"(%0, %x) {axis = 0 : i64} : (tensor<2x2xi64>, tensor<1x2xi64>) -> tensor<3x2xi64>
          %2 = "graph.transpose"(%1) : (tensor<3x2xi64>) -> tensor<2x3xi64>
          %3 = "graph.slice"(%2) {ends = array<i64: 2>, starts = array<i64: 1>} : (tensor<2x3xi64>) -> tensor<1x3xi64>
          %4 = "graph.reshape"(%3) {shape = array<i64: 3>} : (tensor<1x3xi64>) -> tensor<3xi64>
          return %4 : tensor<3xi64>
        }
        """, Tensor.ofLongs(shape(1, 2), 5, 6));
    assertEquals(Type.IntegerType.I64, out.get(0).elementType());
    assertArrayEquals(shape(3), out.get(0).shape());
    assertArrayEquals(new long[] {2, 4, 6}, out.get(0).ints());
  }

  // ---- Whole functions, single ops and errors ----

  @Test
  void runsAChainOfOpsAndEvaluatesSingleOps() {
    // conv 1x1 weight 2 -> [2 -4 6 -8], relu -> [2 0 6 0], global mean -> 2, flatten -> [[2]],
    // gemm with B = [[3]] and C = [1]: 7
    String ir = """
        func.func @f(%x: tensor<1x1x2x2xf32>) -> tensor<1x1xf32> {
          %w = "graph.constant"() {value = dense<2.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
          %0 = "graph.conv2d"(%x, %w) : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
          %1 = "graph.relu"(%0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
          %2 = "graph.global_avg_pool"(%1) : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
          %3 = "graph.flatten"(%2) : (tensor<1x1x1x1xf32>) -> tensor<1x1xf32>
          %b = "graph.constant"() {value = dense<3.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
          %c = "graph.constant"() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
          %4 = "graph.gemm"(%3, %b, %c) : (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<1x1xf32>
          return %4 : tensor<1x1xf32>
        }
        """;
    Operation func = parse(ir);
    List<Tensor> out = Interpreter.run(func, List.of(f32(shape(1, 1, 2, 2), 1, -2, 3, -4)));
    assertTensor(shape(1, 1), out.get(0), 7);

    // the relu alone, as a constant folder would call it
    Operation relu = firstOp(func, "graph.relu");
    Tensor folded = Interpreter.evaluate(relu, List.of(f32(shape(1, 1, 2, 2), -1, 1, -2, 2)));
    assertTensor(shape(1, 1, 2, 2), folded, 0, 1, 0, 2);
  }

  @Test
  void unsupportedElementTypesAndMismatchedOperandsAreReported() {
    Operation func = parse("""
        func.func @f(%y: tensor<2xf32>) -> tensor<2xf32> {
          %1 = "graph.exp"(%y) : (tensor<2xf32>) -> tensor<2xf32>
          return %1 : tensor<2xf32>
        }
        """);
    InterpreterException arg = assertThrows(InterpreterException.class, () ->
        Interpreter.run(func, List.of(Tensor.ofLongs(shape(2), 1, 2))));
    assertEquals("t.cim:1:1: 'func.func' op argument #0 is a 'tensor<2xi64>', but the function"
        + " expects 'tensor<2xf32>'", arg.getMessage());

    Operation exp = firstOp(func, "graph.exp");
    InterpreterException shape = assertThrows(InterpreterException.class, () ->
        Interpreter.evaluate(exp, List.of(f32(shape(3), 0, 1, 2))));
    assertEquals("operand #0 is a 'tensor<3xf32>', but the op expects 'tensor<2xf32>'",
        shape.reason());
    assertThrows(InterpreterException.class, () -> Interpreter.evaluate(exp, List.of()));
  }
}
