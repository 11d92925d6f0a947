package cimir.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphDialect;
import cimir.interp.Interpreter;
import cimir.interp.Tensor;
import cimir.ir.Attribute;
import cimir.ir.Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * VEC_OP, one function at a time on core 0: hand-worked cases (rounding of halves, wrapping,
 * ties to even), and random rows against the reference interpreter's graph ops, which the
 * functions must equal bit for bit (requantize, qadd, qmul, quantize, dequantize, softmax,
 * layer_norm).
 */
class VectorTest {
  /** One VEC_OP's operands and widths; input 3 and 4 are at the addresses in s21 and s22. */
  private record Op(String mnemonic, int bits1, int bits2, int bitsOut, int n, byte[] in1,
      byte[] in2, byte[] in3, byte[] in4) {
    Op(String mnemonic, int bits1, int bits2, int bitsOut, int n, byte[] in1, byte[] in2) {
      this(mnemonic, bits1, bits2, bitsOut, n, in1, in2, new byte[0], new byte[0]);
    }
  }

  /**
   * The program: global bytes 0..4095 to the input memory (input 1 at its start, input 2 at
   * +1024, input 3 at +2048, input 4 at +3072), the VEC_OP into the output memory, whose first
   * KiB goes back to global bytes 4096..5119.
   */
  private static String program(Op op) {
    return "# core 0\n"
        + "G_LI r30, 1315968\nG_LI r10, 786432\nG_LI r1, 4096\nMEM_CPY r30, r1, r10, 0\n"
        + "G_LI r11, 787456\nG_LI r12, 788480\nG_LI r13, 789504\n"
        + "GS_MOV r12, s21\nGS_MOV r13, s22\n"
        + "S_LI s16, " + op.bits1() + "\nS_LI s17, " + op.bits2() + "\nS_LI s20, "
        + op.bitsOut() + "\n"
        + "G_LI r14, 1048576\nG_LI r2, " + op.n() + "\n"
        + op.mnemonic() + " r10, r11, r14, r2\n"
        + "G_LI r31, 1320064\nG_LI r3, 1024\nMEM_CPY r14, r3, r31, 0\n";
  }

  private static byte[] global(Op op) {
    byte[] global = new byte[5120];
    byte[][] inputs = {op.in1(), op.in2(), op.in3(), op.in4()};
    for (int i = 0; i < 4; i++) {
      System.arraycopy(inputs[i], 0, global, 1024 * i, inputs[i].length);
    }
    return global;
  }

  /** The output's bytes. */
  private static byte[] run(Op op) throws SimulationException {
    byte[] global = global(op);
    Asm.run(program(op), global);
    return Arrays.copyOfRange(global, 4096, 4096 + op.n() * op.bitsOut() / 8);
  }

  private static long[] runInts(Op op) throws SimulationException {
    return ints(op.bitsOut(), run(op));
  }

  private static float[] runFloats(Op op) throws SimulationException {
    return floats(run(op));
  }

  private static SimulationException failure(Op op) {
    return Asm.failure(program(op), global(op));
  }

  // ---- integer functions, by hand -----------------------------------------------------------

  /** REDUCE_`function` of `x` (elements `bits` wide) into one element `bitsOut` wide. */
  private static long reduce(String function, int bits, int bitsOut, byte[] x)
      throws SimulationException {
    Op op = new Op("REDUCE_" + function, bits, 8, bitsOut, x.length * 8 / bits, x, new byte[0]);
    byte[] global = global(op);
    Asm.run(reduceProgram(op), global);
    return ints(bitsOut, Arrays.copyOfRange(global, 4096, 4096 + bitsOut / 8))[0];
  }

  private static String reduceProgram(Op op) {
    return program(op).replace(op.mnemonic() + " r10, r11, r14, r2",
        op.mnemonic() + " r10, r2, r14");
  }

  /** The signed maximum, and the sum wrapped to the output width or not. */
  @Test
  void reduceTakesTheMaximumOrTheSum() throws SimulationException {
    byte[] x = {5, -7, 127, -128, 3, 100, 100};
    assertEquals(127, reduce("MAX", 8, 8, x));
    assertEquals(-128, reduce("MAX", 8, 8, new byte[] {-128, -128}));
    assertEquals(200, reduce("SUM", 8, 32, x)); // 5 - 7 + 127 - 128 + 3 + 100 + 100
    assertEquals(-56, reduce("SUM", 8, 8, x)); // 200 wrapped to int8
    byte[] words = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(-70000).putInt(30000).array();
    assertEquals(-40000, reduce("SUM", 32, 32, words));
    assertEquals(30000, reduce("MAX", 32, 32, words));
  }

  /** The maximum of no elements is a fault naming the instruction. */
  @Test
  void reduceMaxOfNothingFaults() {
    Op op = new Op("REDUCE_MAX", 8, 8, 8, 0, new byte[0], new byte[0]);
    SimulationException e = Asm.failure(reduceProgram(op), global(op));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("REDUCE_MAX of 0"
        + " elements"), e.getMessage());
  }

  @Test
  void addWrapsToTheOutputWidth() throws SimulationException {
    assertArrayEquals(new long[] {-56, 56, -128, -1}, runInts(new Op("VEC_ADD_1", 8, 8, 8, 4,
        bytes(8, 100, -100, 127, 1), bytes(8, 100, -100, 1, -2))));
    assertArrayEquals(new long[] {872, 122}, runInts(new Op("VEC_ADD_1", 32, 8, 32, 2,
        bytes(32, 1000, -5), bytes(8, -128, 127))));
    // 70000 = 65536 + 4464
    assertArrayEquals(new long[] {4464, -4464}, runInts(new Op("VEC_ADD_1", 32, 8, 16, 2,
        bytes(32, 70000, -70000), bytes(8, 0, 0))));
  }

  @Test
  void multiplyWrapsToTheOutputWidth() throws SimulationException {
    assertArrayEquals(new long[] {-63, -112}, runInts(new Op("VEC_MUL_1", 8, 8, 8, 2,
        bytes(8, -7, 12), bytes(8, 9, 12)))); // 144 - 256
    assertArrayEquals(new long[] {-63, 144}, runInts(new Op("VEC_MUL_1", 8, 8, 32, 2,
        bytes(8, -7, 12), bytes(8, 9, 12))));
  }

  /** `clamp((x m + 2^(s-1)) >> s, lo, hi)`: halves round up, towards +inf, on both signs. */
  @Test
  void quantizeRoundsHalvesUp() throws SimulationException {
    long[][] cases = { // x, m, s, lo, hi, expected
        {1, 1, 1, -128, 127, 1}, // 0.5
        {-1, 1, 1, -128, 127, 0}, // -0.5
        {3, 1, 1, -128, 127, 2}, // 1.5
        {-3, 1, 1, -128, 127, -1}, // -1.5
        {10, 5, 2, -128, 127, 13}, // 12.5
        {-10, 5, 2, -128, 127, -12}, // -12.5
        {101, 3, 2, -128, 127, 76}, // 75.75
        {-101, 3, 2, -128, 127, -76}, // -75.75
        {1000, 1, 0, -128, 127, 127}, // no rounding term at s = 0; clamped
        {-7, 1, 0, 0, 127, 0}, // a fused ReLU: lo = 0
        {-2000000000, 2000000000, 55, -128, 127, -111}, // -4e18 / 2^55 = -111.02
    };
    int n = cases.length;
    long[] x = new long[n];
    byte[] records = new byte[8 * n];
    long[] expected = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = cases[i][0];
      record(records, 8 * i, cases[i][1], cases[i][2], cases[i][3], cases[i][4]);
      expected[i] = cases[i][5];
    }
    assertArrayEquals(expected, runInts(new Op("VEC_QUANTIZE_1", 32, 64, 8, n, bytes(32, x),
        records)));
    // int8 input, 8 bits wide
    byte[] one = new byte[8];
    record(one, 0, 3, 1, -128, 127);
    assertArrayEquals(new long[] {-1}, runInts(new Op("VEC_QUANTIZE_1", 8, 64, 8, 1,
        bytes(8, -1), one))); // -1.5
  }

  /**
   * `clamp((a ma + b mb + 2^(s-1)) >> s, lo, hi)` with ma = 3, mb = -2, s = 2, lo = -5,
   * hi = 100: 30 - 10 = 20 -> 5; -30 - 10 = -40 -> -10 -> -5; 9 + 256 = 265 -> 66;
   * -2 -> 0 (-0.5); 2 -> 1 (0.5).
   */
  @Test
  void residualAddQuantizes() throws SimulationException {
    byte[] rec = new byte[16];
    binaryRecord(rec, 3, -2, 2, -5, 100);
    assertArrayEquals(new long[] {5, -5, 66, 0, 1}, runInts(new Op("VEC_RESADD_QUANTIZE_2", 8,
        8, 8, 5, bytes(8, 10, -10, 3, 0, 0), bytes(8, 5, 5, -128, 1, -1), rec, new byte[0])));
  }

  /** `clamp((a b m + 2^(s-1)) >> s, lo, hi)`, m = 1, s = 3: 15/8, -15/8, 4/8, -4/8. */
  @Test
  void residualMultiplyQuantizes() throws SimulationException {
    byte[] rec = new byte[16];
    binaryRecord(rec, 1, 0, 3, -128, 127);
    assertArrayEquals(new long[] {2, -2, 1, 0}, runInts(new Op("VEC_RESMUL_QUANTIZE_2", 8, 8,
        8, 4, bytes(8, 3, -3, 2, -2), bytes(8, 5, 5, 2, 2), rec, new byte[0])));
  }

  @Test
  void maximumScalarProductAndSet() throws SimulationException {
    assertArrayEquals(new long[] {-3, 7, 127}, runInts(new Op("VVMAX_1", 8, 8, 8, 3,
        bytes(8, -3, 5, -128), bytes(8, -4, 7, 127))));
    assertArrayEquals(new long[] {-300, 300}, runInts(new Op("VVMAX_1", 16, 16, 16, 2,
        bytes(16, -300, 300), bytes(16, -301, 299))));
    assertArrayEquals(new long[] {-5, 10, -15}, runInts(new Op("VSMUL_1", 8, 8, 32, 3,
        bytes(8, 1, -2, 3), bytes(8, -5, 99))));
    assertArrayEquals(new long[] {-128, -128, -128, -128, -128}, runInts(new Op("VSET_0", 8, 8,
        8, 5, bytes(8, -128, 1), new byte[0])));
  }

  /** `floor((2x + n) / 2n)`: the average pooling's rounding, ties up. */
  @Test
  void scalarDivisionRoundsHalvesUp() throws SimulationException {
    // n = 4: 1.5, -1.5, 1.25, -2.5, -2.75, 0, 3.25
    assertArrayEquals(new long[] {2, -1, 1, -2, -3, 0, 3}, runInts(new Op("VS_DIV_1", 32, 32, 8,
        7, bytes(32, 6, -6, 5, -10, -11, 0, 13), bytes(32, 4))));
    // n = 9: 13/9 = 1.44, -13/9 = -1.44, 1143/9 = 127
    assertArrayEquals(new long[] {1, -1, 127}, runInts(new Op("VS_DIV_1", 32, 32, 8, 3,
        bytes(32, 13, -13, 1143), bytes(32, 9))));
    assertEquals("VS_DIV divides by zero", failure(new Op("VS_DIV_1", 32, 32, 8, 1,
        bytes(32, 13), bytes(32, 0))).reason());
  }

  @Test
  void tableLookUp() throws SimulationException {
    byte[] table = new byte[256];
    for (int i = 0; i < 256; i++) {
      table[i] = (byte) (255 - i);
    }
    assertArrayEquals(new long[] {-1, 127, 0, -128}, runInts(new Op("LUT_1", 8, 8, 8, 4,
        bytes(8, -128, 0, 127, -1), table)));
    assertEquals("LUT element 1 is 200, outside the table's -128..127", failure(new Op("LUT_1",
        16, 8, 8, 2, bytes(16, 0, 200), table)).reason());
  }

  // ---- float functions, by hand ---------------------------------------------------------------

  /** `clamp(rint(x / scale), -128, 127)`, the quotient in f32, ties to even. */
  @Test
  void quantizeFloatRoundsTiesToEven() throws SimulationException {
    assertArrayEquals(new long[] {0, 2, 2, 0, -2, -2, 2, 127, -128, 127, -128},
        runInts(new Op("QUANTIZE_F_1", 32, 32, 8, 11, f32(0.5f, 1.5f, 2.5f, -0.5f, -1.5f,
            -2.5f, 2.4f, 200f, -300f, 127.5f, -128.5f), f32(1f))));
    assertArrayEquals(new long[] {2, 2, 0}, runInts(new Op("QUANTIZE_F_1", 32, 32, 8, 3,
        f32(1.25f, 0.75f, -0.25f), f32(0.5f))));
  }

  @Test
  void dequantizeMultipliesInF32() throws SimulationException {
    assertArrayEquals(new float[] {-3 * 0.1f, 0f, 127 * 0.1f}, runFloats(new Op(
        "DEQUANTIZE_1", 8, 32, 32, 3, bytes(8, -3, 0, 127), f32(0.1f))));
  }

  @Test
  void softmaxAndLayerNormByHand() throws SimulationException {
    assertArrayEquals(new float[] {0.5f, 0.5f}, runFloats(new Op("SOFTMAX_0", 32, 32, 32, 2,
        f32(0, 0), new byte[0])));
    assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, runFloats(new Op("SOFTMAX_0",
        32, 32, 32, 4, f32(7, 7, 7, 7), new byte[0])));
    // mean 2, variance 1: (x - 2) x scale + bias
    assertArrayEquals(new float[] {-1f, 1.5f}, runFloats(new Op("LAYER_NORM_3", 32, 32, 32, 2,
        f32(1, 3), f32(2, 0.5f), f32(1, 1), f32(0))));
  }

  // ---- against the reference interpreter ------------------------------------------------------

  @Test
  void requantizeEqualsTheInterpreters() throws SimulationException {
    Random random = new Random(1);
    int n = 100;
    long[] x = new long[n];
    long[] m = new long[n];
    long[] s = new long[n];
    byte[] records = new byte[8 * n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextInt();
      m[i] = random.nextInt(Integer.MAX_VALUE);
      s[i] = random.nextInt(63);
      record(records, 8 * i, m[i], s[i], -100, 120);
    }
    Attribute.DictionaryAttr attrs = Attribute.DictionaryAttr.EMPTY
        .with("multiplier", GraphAttrs.ints(m)).with("shift", GraphAttrs.ints(s))
        .with("axis", GraphAttrs.i64(0)).with("min", GraphAttrs.i64(-100))
        .with("max", GraphAttrs.i64(120));
    Tensor expected = Interpreter.apply(GraphDialect.REQUANTIZE, attrs,
        List.of(Tensor.ofInts(Type.IntegerType.I32, new long[] {n}, x)));
    assertArrayEquals(expected.ints(), runInts(new Op("VEC_QUANTIZE_1", 32, 64, 8, n,
        bytes(32, x), records)));
  }

  @Test
  void residualAddAndMultiplyEqualTheInterpreters() throws SimulationException {
    Random random = new Random(2);
    int n = 200;
    long[] a = new long[n];
    long[] b = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = random.nextInt(256) - 128;
      b[i] = random.nextInt(256) - 128;
    }
    for (int trial = 0; trial < 20; trial++) {
      long ma = random.nextInt();
      long mb = random.nextInt();
      long s = 20 + random.nextInt(20);
      Tensor lhs = Tensor.ofInts(Type.IntegerType.I8, new long[] {n}, a);
      Tensor rhs = Tensor.ofInts(Type.IntegerType.I8, new long[] {n}, b);
      Attribute.DictionaryAttr clamp = Attribute.DictionaryAttr.EMPTY
          .with("shift", GraphAttrs.i64(s)).with("min", GraphAttrs.i64(trial % 2 == 0 ? -128 : 0))
          .with("max", GraphAttrs.i64(127));
      byte[] rec = new byte[16];
      binaryRecord(rec, ma, mb, s, trial % 2 == 0 ? -128 : 0, 127);
      Tensor add = Interpreter.apply(GraphDialect.QADD, clamp.with("lhs_multiplier",
          GraphAttrs.i64(ma)).with("rhs_multiplier", GraphAttrs.i64(mb)), List.of(lhs, rhs));
      assertArrayEquals(add.ints(), runInts(new Op("VEC_RESADD_QUANTIZE_2", 8, 8, 8, n,
          bytes(8, a), bytes(8, b), rec, new byte[0])), "qadd " + ma + ", " + mb + ", " + s);
      binaryRecord(rec, ma, 0, s - 14, trial % 2 == 0 ? -128 : 0, 127);
      Tensor mul = Interpreter.apply(GraphDialect.QMUL, clamp.with("shift", GraphAttrs.i64(s - 14))
          .with("multiplier", GraphAttrs.i64(ma)), List.of(lhs, rhs));
      assertArrayEquals(mul.ints(), runInts(new Op("VEC_RESMUL_QUANTIZE_2", 8, 8, 8, n,
          bytes(8, a), bytes(8, b), rec, new byte[0])), "qmul " + ma + ", " + (s - 14));
    }
  }

  @Test
  void quantizeAndDequantizeEqualTheInterpreters() throws SimulationException {
    Random random = new Random(3);
    int n = 200;
    float[] x = new float[n];
    long[] q = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (random.nextGaussian() * 3);
      q[i] = random.nextInt(256) - 128;
    }
    float scale = 0.0313725509f;
    Attribute.DictionaryAttr attrs = Attribute.DictionaryAttr.EMPTY.with("scale",
        GraphAttrs.f32(scale));
    Tensor quantized = Interpreter.apply(GraphDialect.QUANTIZE, attrs,
        List.of(Tensor.ofFloats(new long[] {n}, x)));
    assertArrayEquals(quantized.ints(), runInts(new Op("QUANTIZE_F_1", 32, 32, 8, n, f32(x),
        f32(scale))));
    Tensor dequantized = Interpreter.apply(GraphDialect.DEQUANTIZE, attrs,
        List.of(Tensor.ofInts(Type.IntegerType.I8, new long[] {n}, q)));
    assertArrayEquals(dequantized.floats(), runFloats(new Op("DEQUANTIZE_1", 8, 32, 32, n,
        bytes(8, q), f32(scale))));
  }

  @Test
  void softmaxAndLayerNormEqualTheInterpreters() throws SimulationException {
    Random random = new Random(4);
    int n = 37;
    float[] x = new float[n];
    float[] scale = new float[n];
    float[] bias = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (random.nextGaussian() * 4);
      scale[i] = (float) random.nextGaussian();
      bias[i] = (float) random.nextGaussian();
    }
    Tensor row = Tensor.ofFloats(new long[] {1, n}, x);
    Tensor softmax = Interpreter.apply(GraphDialect.SOFTMAX, Attribute.DictionaryAttr.EMPTY,
        List.of(row));
    assertArrayEquals(softmax.floats(), runFloats(new Op("SOFTMAX_0", 32, 32, 32, n, f32(x),
        new byte[0])));
    float epsilon = 1e-5f;
    Tensor norm = Interpreter.apply(GraphDialect.LAYER_NORM, Attribute.DictionaryAttr.EMPTY
        .with("epsilon", GraphAttrs.f32(epsilon)), List.of(row,
            Tensor.ofFloats(new long[] {n}, scale), Tensor.ofFloats(new long[] {n}, bias)));
    assertArrayEquals(norm.floats(), runFloats(new Op("LAYER_NORM_3", 32, 32, 32, n, f32(x),
        f32(scale), f32(bias), f32(epsilon))));
  }

  // ---- faults ----------------------------------------------------------------------------

  @Test
  void vectorFaults() {
    byte[] none = new byte[0];
    assertEquals("the vector operation VFLOOR (funct 8) is not implemented",
        failure(new Op("VFLOOR_0", 8, 8, 8, 1, none, none)).reason());
    assertEquals("VEC_ADD reads 2 inputs, but the instruction has 1",
        failure(new Op("VEC_ADD_0", 8, 8, 8, 1, none, none)).reason());
    assertEquals("the element width of input 1 (special register 16) is 12 bits, not 8, 16, 32"
        + " or 64", failure(new Op("VEC_ADD_1", 12, 8, 8, 1, none, none)).reason());
    assertEquals("the element width of input 1 (special register 16) is 8 bits, but its"
        + " elements are f32", failure(new Op("SOFTMAX_0", 8, 8, 32, 1, none, none)).reason());
    assertEquals("the element width of the output (special register 20) is 8 bits, but its"
        + " elements are f32", failure(new Op("DEQUANTIZE_1", 8, 32, 8, 1, none, none))
            .reason());
    // 300,000 int32 elements run past the input memory's 256 KiB
    assertEquals("input 1 [786432, 1986432) lies in no local memory (it runs past the end of"
        + " the input memory [786432, 1048576))", failure(new Op("VEC_ADD_1", 32, 32, 32,
            300000, none, none)).reason());
    SimulationException global = Asm.failure("# core 0\nG_LI r1, 1315968\nG_LI r2, 1\n"
        + "S_LI s16, 8\nS_LI s17, 8\nS_LI s20, 8\nVVMAX_1 r0, r0, r1, r2\n", new byte[8]);
    assertEquals("core 0, pc 5 'VVMAX_1 r0, r0, r1, r2': the output [1315968, 1315969) is in"
        + " global memory, which this operand cannot address", global.getMessage());
  }

  // ---- bytes ---------------------------------------------------------------------------------

  /** `values` as little-endian integers of `bits` bits. */
  private static byte[] bytes(int bits, long... values) {
    byte[] b = new byte[values.length * bits / 8];
    for (int i = 0; i < values.length; i++) {
      LittleEndian.write(b, i * bits / 8, bits / 8, values[i]);
    }
    return b;
  }

  private static long[] ints(int bits, byte[] b) {
    long[] v = new long[b.length * 8 / bits];
    for (int i = 0; i < v.length; i++) {
      v[i] = LittleEndian.read(b, i * bits / 8, bits / 8);
    }
    return v;
  }

  private static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  private static float[] floats(byte[] b) {
    float[] v = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  /** A VEC_QUANTIZE record at `at`: m (int32), s, lo, hi. */
  private static void record(byte[] b, int at, long m, long s, long lo, long hi) {
    LittleEndian.write(b, at, 4, m);
    b[at + 4] = (byte) s;
    b[at + 5] = (byte) lo;
    b[at + 6] = (byte) hi;
  }

  /** The record of VEC_RESADD_QUANTIZE / VEC_RESMUL_QUANTIZE: ma, mb (int32), s, lo, hi. */
  private static void binaryRecord(byte[] b, long ma, long mb, long s, long lo, long hi) {
    LittleEndian.write(b, 0, 4, ma);
    LittleEndian.write(b, 4, 4, mb);
    b[8] = (byte) s;
    b[9] = (byte) lo;
    b[10] = (byte) hi;
  }
}
