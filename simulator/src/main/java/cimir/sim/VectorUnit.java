package cimir.sim;

import static cimir.dialect.isa.VecFunct.DEQUANTIZE;
import static cimir.dialect.isa.VecFunct.LAYER_NORM;
import static cimir.dialect.isa.VecFunct.LUT;
import static cimir.dialect.isa.VecFunct.QUANTIZE_F;
import static cimir.dialect.isa.VecFunct.SOFTMAX;
import static cimir.dialect.isa.VecFunct.VEC_ADD;
import static cimir.dialect.isa.VecFunct.VEC_MUL;
import static cimir.dialect.isa.VecFunct.VEC_QUANTIZE;
import static cimir.dialect.isa.VecFunct.VEC_RESADD_QUANTIZE;
import static cimir.dialect.isa.VecFunct.VEC_RESMUL_QUANTIZE;
import static cimir.dialect.isa.VecFunct.VSET;
import static cimir.dialect.isa.VecFunct.VSMUL;
import static cimir.dialect.isa.VecFunct.VS_DIV;
import static cimir.dialect.isa.VecFunct.VVMAX;

import cimir.dialect.isa.Instruction;
import java.util.Arrays;

/**
 * One core's vector unit, functionally: VEC_OP over `n` elements of local memory, with the
 * element widths in special registers 16 to 19 (inputs 1 to 4) and 20 (the output) and inputs 3
 * and 4 at the addresses in special registers 21 and 22. Integer elements are two's complement
 * little-endian of their width; results wrap to the output width. Every input is read before
 * the output is written. The meanings are cimir's (docs/design/meta-to-isa.md, 8.4 and 14);
 * the float ones repeat the reference interpreter's arithmetic step by step.
 */
final class VectorUnit {

  /** Bytes of one VEC_QUANTIZE record: m (int32), s, lo, hi, one unused. */
  static final int QUANTIZE_RECORD = 8;
  /** Bytes read of the record of VEC_RESADD_QUANTIZE and VEC_RESMUL_QUANTIZE. */
  static final int BINARY_RECORD = 11;
  /** Entries of a LUT table, indexed by an int8 plus 128. */
  static final int LUT_ENTRIES = 256;

  private final Memories mem;
  private final int[] srf;

  VectorUnit(Memories mem, int[] srf) {
    this.mem = mem;
    this.srf = srf;
  }

  /** The inputs a function reads, or 0 for one that is not implemented. */
  static int inputsNeeded(int funct) {
    return switch (funct) {
      case VSET, SOFTMAX -> 1;
      case VEC_ADD, VEC_MUL, VEC_QUANTIZE, VVMAX, VSMUL, VS_DIV, LUT, DEQUANTIZE, QUANTIZE_F -> 2;
      case VEC_RESADD_QUANTIZE, VEC_RESMUL_QUANTIZE -> 3;
      case LAYER_NORM -> 4;
      default -> 0;
    };
  }

  /** VEC_OP `funct` of `inputs` inputs at `in1` and `in2` into `out`, `n` elements. */
  void execute(int funct, int inputs, long in1, long in2, long out, int n) throws Fault {
    String name = funct >= 0 && funct < Instruction.VEC_OP.functNames().size()
        ? Instruction.VEC_OP.functNames().get(funct) : "funct " + funct;
    int needed = inputsNeeded(funct);
    if (needed == 0) {
      throw new Fault("the vector operation " + name + " (funct " + funct + ") is not"
          + " implemented");
    }
    if (inputs < needed) {
      throw new Fault(name + " reads " + needed + " inputs, but the instruction has " + inputs);
    }
    if (n < 0) {
      throw new Fault("the vector length is " + n);
    }
    switch (funct) {
      case VEC_ADD -> {
        long[] a = ints(in1, n, 16, "input 1");
        long[] b = ints(in2, n, 17, "input 2");
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          y[i] = a[i] + b[i];
        }
        writeInts(out, y);
      }
      case VEC_MUL -> {
        long[] a = ints(in1, n, 16, "input 1");
        long[] b = ints(in2, n, 17, "input 2");
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          y[i] = a[i] * b[i];
        }
        writeInts(out, y);
      }
      case VEC_QUANTIZE -> {
        long[] x = ints(in1, n, 16, "input 1");
        Memories.Span r = mem.local(in2, (long) QUANTIZE_RECORD * n, "input 2 (the records)");
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          int at = r.offset() + QUANTIZE_RECORD * i;
          long m = LittleEndian.readInt(r.bytes(), at);
          y[i] = requantize(x[i] * m, r.bytes(), at + 4);
        }
        writeInts(out, y);
      }
      case VEC_RESADD_QUANTIZE, VEC_RESMUL_QUANTIZE -> {
        long[] a = ints(in1, n, 16, "input 1");
        long[] b = ints(in2, n, 17, "input 2");
        Memories.Span r = mem.local(Integer.toUnsignedLong(srf[21]), BINARY_RECORD,
            "input 3 (the record, special register 21)");
        long ma = LittleEndian.readInt(r.bytes(), r.offset());
        long mb = LittleEndian.readInt(r.bytes(), r.offset() + 4);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          long v = funct == VEC_RESADD_QUANTIZE ? a[i] * ma + b[i] * mb : a[i] * b[i] * ma;
          y[i] = requantize(v, r.bytes(), r.offset() + 8);
        }
        writeInts(out, y);
      }
      case VVMAX -> {
        long[] a = ints(in1, n, 16, "input 1");
        long[] b = ints(in2, n, 17, "input 2");
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          y[i] = Math.max(a[i], b[i]);
        }
        writeInts(out, y);
      }
      case VSMUL -> {
        long[] a = ints(in1, n, 16, "input 1");
        long b = ints(in2, 1, 17, "input 2 (the scalar)")[0];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          y[i] = a[i] * b;
        }
        writeInts(out, y);
      }
      case VSET -> {
        long v = ints(in1, 1, 16, "input 1 (the value)")[0];
        long[] y = new long[n];
        Arrays.fill(y, v);
        writeInts(out, y);
      }
      case SOFTMAX -> writeFloats(out, softmax(f32Input1(in1, n)));
      case VS_DIV -> {
        long[] x = ints(in1, n, 16, "input 1");
        long d = ints(in2, 1, 17, "input 2 (the divisor)")[0];
        if (d == 0) {
          throw new Fault("VS_DIV divides by zero");
        }
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          y[i] = Math.floorDiv(2 * x[i] + d, 2 * d);
        }
        writeInts(out, y);
      }
      case LUT -> {
        long[] x = ints(in1, n, 16, "input 1");
        Memories.Span table = mem.local(in2, LUT_ENTRIES, "input 2 (the table)");
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          long index = x[i] + 128;
          if (index < 0 || index >= LUT_ENTRIES) {
            throw new Fault("LUT element " + i + " is " + x[i] + ", outside the table's"
                + " -128..127");
          }
          y[i] = table.bytes()[table.offset() + (int) index];
        }
        writeInts(out, y);
      }
      case DEQUANTIZE -> {
        long[] q = ints(in1, n, 16, "input 1");
        float scale = floats(in2, 1, "input 2 (the scale)")[0];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
          y[i] = q[i] * scale;
        }
        writeFloats(out, y);
      }
      case QUANTIZE_F -> {
        float[] x = f32Input1(in1, n);
        float scale = floats(in2, 1, "input 2 (the scale)")[0];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          y[i] = clamp((long) Math.rint(x[i] / scale), -128, 127);
        }
        writeInts(out, y);
      }
      case LAYER_NORM -> {
        float[] x = f32Input1(in1, n);
        float[] scale = floats(in2, n, "input 2 (the scale)");
        float[] bias = floats(Integer.toUnsignedLong(srf[21]), n,
            "input 3 (the bias, special register 21)");
        float epsilon = floats(Integer.toUnsignedLong(srf[22]), 1,
            "input 4 (epsilon, special register 22)")[0];
        writeFloats(out, layerNorm(x, scale, bias, epsilon));
      }
      default -> throw new IllegalStateException("funct " + funct);
    }
  }

  /**
   * `clamp((v + 2^(s-1)) >> s, lo, hi)`, an arithmetic shift, no rounding term for s = 0; s
   * (unsigned), lo and hi (signed) are the bytes at `at`, `at + 1` and `at + 2`.
   */
  private static long requantize(long v, byte[] record, int at) {
    int s = record[at] & 0xff;
    long rounded = s == 0 ? v : (v + (1L << (s - 1))) >> s;
    return clamp(rounded, record[at + 1], record[at + 2]);
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** Softmax of one row as the reference interpreter computes it: max, exp and sum in double. */
  static float[] softmax(float[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double[] e = new double[x.length];
    double sum = 0;
    for (int j = 0; j < x.length; j++) {
      e[j] = Math.exp(x[j] - max);
      sum += e[j];
    }
    float[] y = new float[x.length];
    for (int j = 0; j < x.length; j++) {
      y[j] = (float) (e[j] / sum);
    }
    return y;
  }

  /**
   * Layer normalisation of one row as the reference interpreter computes it: mean and biased
   * variance in double, then `(x - mean) / sqrt(var + epsilon) x scale + bias`, rounded once.
   */
  static float[] layerNorm(float[] x, float[] scale, float[] bias, float epsilon) {
    int d = x.length;
    double sum = 0;
    for (float v : x) {
      sum += v;
    }
    double mean = sum / d;
    double sq = 0;
    for (float v : x) {
      double c = v - mean;
      sq += c * c;
    }
    double inv = 1 / Math.sqrt(sq / d + (double) epsilon);
    float[] y = new float[d];
    for (int j = 0; j < d; j++) {
      double v = (x[j] - mean) * inv * scale[j];
      y[j] = (float) (v + bias[j]);
    }
    return y;
  }

  /** REDUCE's functions. */
  static final int REDUCE_MAX = 0;
  static final int REDUCE_SUM = 1;

  /**
   * REDUCE (the reduce unit's one instruction, on the same element access): the `n`
   * integers at `in` (special register 16 bits wide) to one at `out` (register 20 bits
   * wide): their signed maximum (MAX, n >= 1) or their sum wrapped to the output width (SUM).
   */
  void reduce(int funct, long in, long out, int n) throws Fault {
    if (funct != REDUCE_MAX && funct != REDUCE_SUM) {
      throw new Fault("REDUCE has the functions MAX (0) and SUM (1), not " + funct);
    }
    if (n < 0 || funct == REDUCE_MAX && n == 0) {
      throw new Fault("REDUCE_" + (funct == REDUCE_MAX ? "MAX" : "SUM") + " of " + n
          + " elements");
    }
    long[] x = ints(in, n, 16, "the input");
    long y = funct == REDUCE_MAX ? Long.MIN_VALUE : 0;
    for (long v : x) {
      y = funct == REDUCE_MAX ? Math.max(y, v) : y + v;
    }
    writeInts(out, new long[] {y});
  }

  /** `n` integers at `addr`, as wide as special register `widthReg` says. */
  private long[] ints(long addr, int n, int widthReg, String what) throws Fault {
    int bytes = intBytes(widthReg, what);
    Memories.Span s = mem.local(addr, (long) n * bytes, what);
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = LittleEndian.read(s.bytes(), s.offset() + i * bytes, bytes);
    }
    return v;
  }

  /** Input 1 of a float operation: `n` f32, its width (special register 16) 32 bits. */
  private float[] f32Input1(long addr, int n) throws Fault {
    checkF32(16, "input 1");
    return floats(addr, n, "input 1");
  }

  /** `n` f32 at `addr`. */
  private float[] floats(long addr, int n, String what) throws Fault {
    Memories.Span s = mem.local(addr, 4L * n, what);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = LittleEndian.readFloat(s.bytes(), s.offset() + 4 * i);
    }
    return v;
  }

  /** Writes `y` at `addr`, each element wrapped to the output width (special register 20). */
  private void writeInts(long addr, long[] y) throws Fault {
    int bytes = intBytes(20, "the output");
    Memories.Span s = mem.local(addr, (long) y.length * bytes, "the output");
    for (int i = 0; i < y.length; i++) {
      LittleEndian.write(s.bytes(), s.offset() + i * bytes, bytes, y[i]);
    }
  }

  /** Writes `y` at `addr` as f32; the output width (special register 20) must be 32. */
  private void writeFloats(long addr, float[] y) throws Fault {
    checkF32(20, "the output");
    Memories.Span s = mem.local(addr, 4L * y.length, "the output");
    for (int i = 0; i < y.length; i++) {
      LittleEndian.writeFloat(s.bytes(), s.offset() + 4 * i, y[i]);
    }
  }

  private void checkF32(int reg, String what) throws Fault {
    if (srf[reg] != 32) {
      throw new Fault("the element width of " + what + " (special register " + reg + ") is "
          + srf[reg] + " bits, but its elements are f32");
    }
  }

  /** Bytes of an integer element whose width in bits special register `reg` holds. */
  private int intBytes(int reg, String what) throws Fault {
    int bits = srf[reg];
    if (bits != 8 && bits != 16 && bits != 32 && bits != 64) {
      throw new Fault("the element width of " + what + " (special register " + reg + ") is "
          + bits + " bits, not 8, 16, 32 or 64");
    }
    return bits / 8;
  }
}
