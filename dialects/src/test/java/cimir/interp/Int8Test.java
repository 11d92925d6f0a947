package cimir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import cimir.ir.Type;
import org.junit.jupiter.api.Test;

/** The int8 semantics of docs/int8.md, against hand calculations written next to each case. */
class Int8Test {
  private static Tensor i8(long[] shape, long... v) {
    return Tensor.ofInts(Type.IntegerType.I8, shape, v);
  }

  private static Tensor i32(long[] shape, long... v) {
    return Tensor.ofInts(Type.IntegerType.I32, shape, v);
  }

  private static long[] ints(String ir, Tensor... args) {
    return InterpreterTest.run(ir, args).get(0).ints();
  }

  @Test
  void quantizeRoundsHalfToEvenAndSaturates() {
    // x / 0.5: 0.5 -> 1, 1.5 -> 3, 0.25 -> 0.5 -> 0 (even), 0.75 -> 1.5 -> 2 (even),
    // -0.25 -> -0.5 -> -0, 100 -> 200 -> 127, -100 -> -128
    var out = InterpreterTest.run("""
        func.func @f(%x: tensor<7xf32>) -> tensor<7xi8> {
          %0 = "graph.quantize"(%x) {scale = 0.5 : f32} : (tensor<7xf32>) -> tensor<7xi8>
          return %0 : tensor<7xi8>
        }""", Tensor.ofFloats(new long[] {7}, new float[] {0.5f, 1.5f, 0.25f, 0.75f, -0.25f,
            100, -100})).get(0).ints();
    assertArrayEquals(new long[] {1, 3, 0, 2, 0, 127, -128}, out);
  }

  @Test
  void requantizeRoundsHalfUpPerChannelAndClamps() {
    // channel 0: m = 3, s = 2: (x * 3 + 2) >> 2; x = 5: 17 >> 2 = 4 (3.75 -> 4),
    //   x = -2: -4 >> 2 = -1 (-1.5 -> -1, half up), x = 2: 8 >> 2 = 2 (1.5 -> 2)
    // channel 1: m = 1, s = 0: x itself, clamped to [0, 100]: -7 -> 0, 300 -> 100, 9 -> 9
    long[] out = ints("""
        func.func @f(%x: tensor<1x2x3xi32>) -> tensor<1x2x3xi8> {
          %0 = "graph.requantize"(%x) {axis = 1 : i64, max = 100 : i64, min = 0 : i64, multiplier = array<i64: 3, 1>, shift = array<i64: 2, 0>} : (tensor<1x2x3xi32>) -> tensor<1x2x3xi8>
          return %0 : tensor<1x2x3xi8>
        }""", i32(new long[] {1, 2, 3}, 5, -2, 2, -7, 300, 9));
    assertArrayEquals(new long[] {4, 0, 2, 0, 100, 9}, out);
  }

  @Test
  void qaddAndQmulRescaleWithBroadcasting() {
    // qadd: (a * 3 - b * 2 + 2) >> 2 with b = [4] broadcast: a = 10: (30 - 8 + 2) >> 2 = 6;
    //   a = -1: (-3 - 8 + 2) >> 2 = -9 >> 2 = -3 (-2.75 -> -3); a = 127: (381 - 6) >> 2 = 93
    long[] sum = ints("""
        func.func @f(%a: tensor<3xi8>, %b: tensor<1xi8>) -> tensor<3xi8> {
          %0 = "graph.qadd"(%a, %b) {lhs_multiplier = 3 : i64, rhs_multiplier = -2 : i64, shift = 2 : i64} : (tensor<3xi8>, tensor<1xi8>) -> tensor<3xi8>
          return %0 : tensor<3xi8>
        }""", i8(new long[] {3}, 10, -1, 127), i8(new long[] {1}, 4));
    assertArrayEquals(new long[] {6, -3, 93}, sum);
    // qmul: (a * b * 5 + 4) >> 3: 7 * 3 * 5 = 105 -> 109 >> 3 = 13; -128 * 127 * 5 = -81280
    //   -> -81276 >> 3 = -10160 -> clamped to -128; 1 * 1 * 5 = 5 -> 9 >> 3 = 1 (0.625 -> 1)
    long[] prod = ints("""
        func.func @f(%a: tensor<3xi8>, %b: tensor<3xi8>) -> tensor<3xi8> {
          %0 = "graph.qmul"(%a, %b) {multiplier = 5 : i64, shift = 3 : i64} : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
          return %0 : tensor<3xi8>
        }""", i8(new long[] {3}, 7, -128, 1), i8(new long[] {3}, 3, 127, 1));
    assertArrayEquals(new long[] {13, -128, 1}, prod);
  }

  @Test
  void convolutionAccumulatesInI32WithBias() {
    // 1x1x3x3 input 1..9 (row-major), kernel 2x2 of [[1, -1], [2, 127]], stride 1, bias 1000:
    // top-left window [1, 2; 4, 5]: 1 - 2 + 8 + 635 = 642 + 1000 = 1642
    // top-right [2, 3; 5, 6]: 2 - 3 + 10 + 762 = 771 + 1000 = 1771
    // bottom-left [4, 5; 7, 8]: 4 - 5 + 14 + 1016 = 1029 + 1000 = 2029
    // bottom-right [5, 6; 8, 9]: 5 - 6 + 16 + 1143 = 1158 + 1000 = 2158
    long[] out = ints("""
        func.func @f(%x: tensor<1x1x3x3xi8>, %w: tensor<1x1x2x2xi8>, %b: tensor<1xi32>) -> tensor<1x1x2x2xi32> {
          %0 = "graph.conv2d"(%x, %w, %b) : (tensor<1x1x3x3xi8>, tensor<1x1x2x2xi8>, tensor<1xi32>) -> tensor<1x1x2x2xi32>
          return %0 : tensor<1x1x2x2xi32>
        }""", i8(new long[] {1, 1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9),
        i8(new long[] {1, 1, 2, 2}, 1, -1, 2, 127),
        i32(new long[] {1}, 1000));
    assertArrayEquals(new long[] {1642, 1771, 2029, 2158}, out);
  }

  @Test
  void productsOfI8SumPastTheRangeOfFloats() {
    // 4096 products of 127 * 127 = 16129: 66064384 > 2^24, exact only in integers; plus one
    // product of 1 * 1 to catch any rounding to a float
    long[] a = new long[4097];
    long[] b = new long[4097];
    java.util.Arrays.fill(a, 127);
    java.util.Arrays.fill(b, 127);
    a[4096] = 1;
    b[4096] = 1;
    long[] out = ints("""
        func.func @f(%a: tensor<1x4097xi8>, %b: tensor<4097x1xi8>) -> tensor<1x1xi32> {
          %0 = "graph.matmul"(%a, %b) : (tensor<1x4097xi8>, tensor<4097x1xi8>) -> tensor<1x1xi32>
          return %0 : tensor<1x1xi32>
        }""", i8(new long[] {1, 4097}, a), i8(new long[] {4097, 1}, b));
    assertArrayEquals(new long[] {66064385}, out);
  }

  @Test
  void tablesPoolsAndRelu() {
    // lut: table[i] = i - 128 reversed in sign (-(i - 128), saturated): -3 -> 3, 127 -> -127
    StringBuilder table = new StringBuilder();
    for (int i = 0; i < 256; i++) {
      table.append(i == 0 ? "" : ", ").append(Math.min(127, 128 - i));
    }
    long[] lut = ints("""
        func.func @f(%x: tensor<3xi8>) -> tensor<3xi8> {
          %0 = "graph.lut"(%x) {table = dense<[TABLE]> : tensor<256xi8>} : (tensor<3xi8>) -> tensor<3xi8>
          return %0 : tensor<3xi8>
        }""".replace("TABLE", table), i8(new long[] {3}, -3, 127, -128));
    assertArrayEquals(new long[] {3, -127, 127}, lut);
    // global average of [1, 2, 3, 5] = 11 / 4 = 2.75 -> 3; of [-1, -2, -2, -2] = -7 / 4 =
    // -1.75 -> -2; of [1, 2, -1, 0] = 2 / 4 = 0.5 -> 1 (half up): floor((2 * sum + 4) / 8)
    long[] avg = ints("""
        func.func @f(%x: tensor<1x3x2x2xi8>) -> tensor<1x3x1x1xi8> {
          %0 = "graph.global_avg_pool"(%x) : (tensor<1x3x2x2xi8>) -> tensor<1x3x1x1xi8>
          return %0 : tensor<1x3x1x1xi8>
        }""", i8(new long[] {1, 3, 2, 2}, 1, 2, 3, 5, -1, -2, -2, -2, 1, 2, -1, 0));
    assertArrayEquals(new long[] {3, -2, 1}, avg);
    // max pooling 2x2 stride 2 with pads (0, 0, 1, 1) over 3x3: windows clipped to the input
    long[] max = ints("""
        func.func @f(%x: tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi8> {
          %0 = "graph.relu"(%x) : (tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xi8>
          %1 = "graph.max_pool"(%0) {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi8>
          return %1 : tensor<1x1x2x2xi8>
        }""", i8(new long[] {1, 1, 3, 3}, -5, 4, -1, 2, -3, 7, -9, -8, 6));
    // relu: [0, 4, 0; 2, 0, 7; 0, 0, 6]; windows: [0,4;2,0] = 4, [0;7] = 7, [0,0] = 0, [6] = 6
    assertArrayEquals(new long[] {4, 7, 0, 6}, max);
  }
}
