package cimir.lowering.metatoisa;

import cimir.dialect.isa.Instruction;
import cimir.ir.Attribute;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.lowering.metatoisa.FunctionLowering.Buf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Vector-unit work and data movement of `meta.vec` (docs/design/meta-to-isa.md, 8.1 and 8.4).
 * Element-wise work is one VEC_OP over the whole tensor (per row where a per-channel table
 * applies); pooling loops over output pixels; slices, concatenations, transposes and reshapes
 * that change the memory order are nested loops of MEM_CPY over the longest contiguous runs,
 * and those that do not are no instruction at all (the result is the operand's buffer).
 * Inputs in global memory are first brought to local memory.
 */
final class VectorKernels {
  private final FunctionLowering f;

  VectorKernels(FunctionLowering f) {
    this.f = f;
  }

  void lower(Operation op) {
    String kind = FunctionLowering.kind(op);
    switch (kind) {
      case "requantize" -> requantize(op);
      case "qadd" -> binaryQuantized(op, FunctionLowering.VEC_RESADD_QUANTIZE,
          new long[] {intAttr(op, "lhs_multiplier"), intAttr(op, "rhs_multiplier")});
      case "qmul" -> binaryQuantized(op, FunctionLowering.VEC_RESMUL_QUANTIZE,
          new long[] {intAttr(op, "multiplier"), 0});
      case "add" -> elementwise(op, FunctionLowering.VEC_ADD, null, 32);
      case "lut" -> elementwise(op, FunctionLowering.LUT, lutTable(op), 8);
      case "quantize" -> elementwise(op, FunctionLowering.QUANTIZE_F, scale(op), 32);
      case "dequantize" -> elementwise(op, FunctionLowering.DEQUANTIZE, scale(op), 8);
      case "global_avg_pool" -> globalAvgPool(op);
      case "max_pool" -> maxPool(op);
      case "reshape", "flatten" -> reshape(op);
      case "slice" -> slice(op);
      case "concat" -> concat(op);
      case "transpose" -> transpose(op);
      default -> throw new LoweringException(op, "is vector work of kind '" + kind
          + "', which meta-to-isa does not lower yet");
    }
  }

  // ---- element-wise ----------------------------------------------------------------------

  /** The operand on the op's core in local memory (copied from global memory if needed). */
  private Buf localInput(Operation op, int i, List<LocalMemory.Block> temps) {
    Buf b = f.buf(op.operand(i), op);
    if (!b.global()) {
      return b;
    }
    int core = FunctionLowering.core(op);
    LocalMemory.Block block = f.scratch(op, core, b.bytes());
    temps.add(block);
    Buf local = new Buf(core, block.addr(), b.bytes(), block);
    f.copy(f.cores[core], b, 0, local, 0, b.bytes(), op);
    return local;
  }

  /**
   * The result's buffer; when it has to be in global memory, a local one to compute into,
   * copied out by {@link #finish}.
   */
  private Buf[] output(Operation op, List<LocalMemory.Block> temps) {
    int core = FunctionLowering.core(op);
    Buf out = f.place(op.result(0), core, "omem", "imem", "arrays", "wmem");
    if (!out.global()) {
      return new Buf[] {out, out};
    }
    LocalMemory.Block block = f.scratch(op, core, out.bytes());
    temps.add(block);
    return new Buf[] {out, new Buf(core, block.addr(), out.bytes(), block)};
  }

  private void finish(Operation op, Buf[] out, List<LocalMemory.Block> temps) {
    int core = FunctionLowering.core(op);
    if (out[0] != out[1]) {
      f.copy(f.cores[core], out[1], 0, out[0], 0, out[0].bytes(), op);
    }
    for (LocalMemory.Block b : temps) {
      f.freeScratch(core, b);
    }
  }

  /** A table (or scalar) from the data region in local memory, or null without one. */
  private int table(Operation op, byte[] bytes, List<LocalMemory.Block> temps) {
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    LocalMemory.Block b = f.scratch(op, core, bytes.length, "wmem", "imem", "omem", "arrays");
    temps.add(b);
    int src = s.reg(f.data(bytes));
    int dst = s.reg(b.addr());
    int n = s.reg(bytes.length);
    s.emit(Instruction.MEM_CPY, src, n, dst, 0, 0);
    s.free(src, n);
    return dst;
  }

  /** One VEC_OP of 1 or 2 inputs over the whole tensor; `extra` is input 2's table. */
  private void elementwise(Operation op, int funct, byte[] extra, int outBits) {
    List<LocalMemory.Block> temps = new ArrayList<>();
    CoreStream s = f.cores[FunctionLowering.core(op)];
    Buf a = localInput(op, 0, temps);
    int inputs = 1;
    int in2 = CoreStream.ZERO;
    int bits2 = 8;
    if (op.numOperands() > 1) {
      if (!op.operand(0).type().equals(op.operand(1).type())) {
        throw new LoweringException(op, "broadcasts its operands, which meta-to-isa does not"
            + " lower yet");
      }
      Buf b = localInput(op, 1, temps);
      in2 = s.reg(b.addr());
      bits2 = Layouts.elementBytes(op.operand(1).type()) * 8;
      inputs = 2;
    } else if (extra != null) {
      in2 = table(op, extra, temps);
      inputs = 2;
    }
    Buf[] out = output(op, temps);
    int in1 = s.reg(a.addr());
    int dst = s.reg(out[1].addr());
    int len = s.reg(Layouts.elements(op.result(0)));
    FunctionLowering.vec(s, funct, inputs, in1, in2, dst, len,
        Layouts.elementBytes(op.operand(0).type()) * 8, bits2,
        Layouts.elementBytes(op.result(0).type()) * 8);
    s.free(in1, in2, dst, len);
    finish(op, out, temps);
  }

  /** Per row of the last memory dimension: VEC_QUANTIZE with that row's records. */
  private void requantize(Operation op) {
    if (!f.lastAxis(op)) {
      throw new LoweringException(op, "scales along a dimension that is not last in memory,"
          + " which meta-to-isa does not lower yet");
    }
    List<LocalMemory.Block> temps = new ArrayList<>();
    CoreStream s = f.cores[FunctionLowering.core(op)];
    long[] dims = Layouts.dims(op.result(0));
    long row = f.layouts.nhwc(op.result(0)) ? dims[1] : dims[dims.length - 1];
    long rows = Layouts.elements(op.result(0)) / row;
    Buf a = localInput(op, 0, temps);
    int tab = table(op, requantRecords(op, row), temps);
    Buf[] out = output(op, temps);
    long inBytes = row * Layouts.elementBytes(op.operand(0).type());
    int in1 = s.reg(a.addr());
    int dst = s.reg(out[1].addr());
    int len = s.reg(row);
    int inBits = Layouts.elementBytes(op.operand(0).type()) * 8;
    s.loop(rows, i -> {
      FunctionLowering.vec(s, FunctionLowering.VEC_QUANTIZE, 2, in1, tab, dst, len, inBits, 64,
          8);
      s.addi(in1, in1, inBytes);
      s.addi(dst, dst, row);
    });
    s.free(in1, dst, len, tab);
    finish(op, out, temps);
  }

  /**
   * 8-byte records of a requantize for `n` channels: multiplier (int32, little-endian), shift,
   * min and max (bytes 4, 5, 6), one per channel (a per-tensor scale repeated).
   */
  static byte[] requantRecords(Operation op, long n) {
    long[] m = FunctionLowering.longs(op, "multiplier");
    long[] sh = FunctionLowering.longs(op, "shift");
    if (m.length == 0) {
      m = new long[] {FunctionLowering.longAttr(op, "multiplier")};
      sh = new long[] {FunctionLowering.longAttr(op, "shift")};
    }
    long lo = FunctionLowering.longAttr(op, "min", -128);
    long hi = FunctionLowering.longAttr(op, "max", 127);
    ByteBuffer b = ByteBuffer.allocate((int) (8 * n)).order(ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < n; c++) {
      int k = m.length == 1 ? 0 : c;
      b.putInt((int) m[k]).put((byte) sh[k]).put((byte) lo).put((byte) hi).put((byte) 0);
    }
    return b.array();
  }

  /**
   * qadd / qmul of two same-shaped int8 tensors: one VEC_OP of 3 inputs, the third a 16-byte
   * record (multipliers int32 at 0 and 4, shift at 8, min and max at 9 and 10) whose address
   * is in special register 21.
   */
  private void binaryQuantized(Operation op, int funct, long[] multipliers) {
    if (!op.operand(0).type().equals(op.operand(1).type())) {
      throw new LoweringException(op, "broadcasts its operands, which meta-to-isa does not"
          + " lower yet");
    }
    List<LocalMemory.Block> temps = new ArrayList<>();
    CoreStream s = f.cores[FunctionLowering.core(op)];
    Buf a = localInput(op, 0, temps);
    Buf b = localInput(op, 1, temps);
    ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    rec.putInt((int) multipliers[0]).putInt((int) multipliers[1])
        .put((byte) FunctionLowering.longAttr(op, "shift"))
        .put((byte) FunctionLowering.longAttr(op, "min", -128))
        .put((byte) FunctionLowering.longAttr(op, "max", 127));
    int tab = table(op, rec.array(), temps);
    Buf[] out = output(op, temps);
    int in1 = s.reg(a.addr());
    int in2 = s.reg(b.addr());
    int dst = s.reg(out[1].addr());
    int len = s.reg(Layouts.elements(op.result(0)));
    s.emit(Instruction.GS_MOV, tab, 21);
    FunctionLowering.vec(s, funct, 3, in1, in2, dst, len, 8, 8, 8);
    s.free(in1, in2, dst, len, tab);
    finish(op, out, temps);
  }

  private static long intAttr(Operation op, String name) {
    return FunctionLowering.longAttr(op, name);
  }

  /** The 256-byte table of a lut, indexed by x + 128. */
  private static byte[] lutTable(Operation op) {
    long[] t = FunctionLowering.longs(op, "table");
    if (t.length == 0 && op.attr("table") instanceof Attribute.DenseElementsAttr d) {
      t = d.values().stream().mapToLong(java.math.BigInteger::longValue).toArray();
    }
    byte[] b = new byte[256];
    for (int i = 0; i < Math.min(256, t.length); i++) {
      b[i] = (byte) t[i];
    }
    return b;
  }

  /** The f32 scale of a quantize or dequantize, 4 bytes little-endian. */
  private static byte[] scale(Operation op) {
    float v = op.attr("scale") instanceof Attribute.FloatAttr fa ? (float) fa.doubleValue() : 1f;
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
  }

  // ---- pooling ---------------------------------------------------------------------------

  /** Per image: int32 sums of its pixels' channel vectors, then VS_DIV by the pixel count. */
  private void globalAvgPool(Operation op) {
    long[] d = Layouts.dims(op.operand(0));
    long n = d[0];
    long c = d[1];
    long hw = d[2] * d[3];
    List<LocalMemory.Block> temps = new ArrayList<>();
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    Buf a = localInput(op, 0, temps);
    int div = table(op, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) hw).array(), temps);
    LocalMemory.Block acc = f.scratch(op, core, c * 4);
    temps.add(acc);
    Buf[] out = output(op, temps);
    int src = s.reg(a.addr());
    int dst = s.reg(out[1].addr());
    int sum = s.reg(acc.addr());
    int len = s.reg(c);
    s.loop(n, i -> {
      f.fill(s, sum, c * 4, 0, op);
      s.loop(hw, p -> {
        FunctionLowering.vec(s, FunctionLowering.VEC_ADD, 2, sum, src, sum, len, 32, 8, 32);
        s.addi(src, src, c);
      });
      FunctionLowering.vec(s, FunctionLowering.VS_DIV, 2, sum, div, dst, len, 32, 32, 8);
      s.addi(dst, dst, c);
    });
    s.free(src, dst, sum, len, div);
    finish(op, out, temps);
  }

  /** Per output pixel: VVMAX over the window's taps of the -128-padded input. */
  private void maxPool(Operation op) {
    long[] d = Layouts.dims(op.operand(0));
    long[] y = Layouts.dims(op.result(0));
    long[] k = FunctionLowering.longs(op, "kernel_shape");
    long[] st = FunctionLowering.longs(op, "strides");
    long[] pads = FunctionLowering.longs(op, "pads");
    if (pads.length != 4) {
      pads = new long[4];
    }
    if (st.length != 2) {
      st = new long[] {1, 1};
    }
    long c = d[1];
    long wp = d[3] + pads[1] + pads[3];
    long hp = d[2] + pads[0] + pads[2];
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    List<LocalMemory.Block> temps = new ArrayList<>();
    Buf in = localInput(op, 0, temps);
    Buf padded = pads[0] + pads[1] + pads[2] + pads[3] > 0
        ? new ProductKernels(f).pad(op, in, core, d[0], d[2], d[3], c, pads, -128) : in;
    if (padded.global()) {
      throw new LoweringException(op, "pads an input that no local memory holds");
    }
    Buf[] out = output(op, temps);
    long sh = st[0];
    long sw = st[1];
    long kh = k[0];
    long kw = k[1];
    int dst = s.reg(out[1].addr());
    int row = s.reg(padded.addr());
    int len = s.reg(c);
    s.loop(y[0], n -> {
      int rowStart = s.alloc();
      s.addi(rowStart, row, 0);
      s.loop(y[2], oy -> {
        int px = s.alloc();
        s.addi(px, rowStart, 0);
        s.loop(y[3], ox -> {
          f.fill(s, dst, c, -128, op);
          int tap = s.alloc();
          for (long i = 0; i < kh; i++) {
            for (long j = 0; j < kw; j++) {
              s.addi(tap, px, (i * wp + j) * c);
              FunctionLowering.vec(s, FunctionLowering.VVMAX, 2, dst, tap, dst, len, 8, 8, 8);
            }
          }
          s.free(tap);
          s.addi(px, px, sw * c);
          s.addi(dst, dst, c);
        });
        s.free(px);
        s.addi(rowStart, rowStart, sh * wp * c);
      });
      s.free(rowStart);
      s.addi(row, row, hp * wp * c);
    });
    s.free(dst, row, len);
    if (padded != in && padded.block() != null) {
      f.freeScratch(core, padded.block());
    }
    finish(op, out, temps);
  }

  // ---- data movement ---------------------------------------------------------------------

  /** The same elements in logical order: no code when the memory order does not change. */
  private void reshape(Operation op) {
    Value x = op.operand(0);
    Value y = op.result(0);
    boolean xFlat = !f.layouts.nhwc(x) || trivialImage(x);
    boolean yFlat = !f.layouts.nhwc(y) || trivialImage(y);
    if (xFlat && yFlat) {
      f.bufs.put(y, f.buf(x, op));
      return;
    }
    // Walk the input's logical order; the output's position is the flat index.
    long[] dims = Layouts.dims(x);
    long[] src = f.layouts.strides(x);
    long[] dst;
    if (yFlat) {
      dst = rowMajor(dims, Layouts.elementBytes(y.type()));
      move(op, op.operand(0), dims, src, dst, 0, 0);
    } else {
      long[] ydims = Layouts.dims(y);
      move(op, op.operand(0), ydims, rowMajor(ydims, Layouts.elementBytes(x.type())),
          f.layouts.strides(y), 0, 0);
    }
  }

  private static boolean trivialImage(Value v) {
    long[] d = Layouts.dims(v);
    return d[2] * d[3] == 1 || d[1] == 1;
  }

  private static long[] rowMajor(long[] dims, long eb) {
    long[] s = new long[dims.length];
    long step = eb;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = step;
      step *= dims[i];
    }
    return s;
  }

  private void slice(Operation op) {
    long[] dims = Layouts.dims(op.result(0));
    long[] src = f.layouts.strides(op.operand(0));
    long[] axes = FunctionLowering.longs(op, "axes");
    long[] starts = FunctionLowering.longs(op, "starts");
    long[] steps = FunctionLowering.longs(op, "steps");
    long offset = 0;
    long[] s = src.clone();
    long[] in = Layouts.dims(op.operand(0));
    for (int i = 0; i < axes.length; i++) {
      int a = (int) (axes[i] < 0 ? axes[i] + in.length : axes[i]);
      long start = starts[i] < 0 ? starts[i] + in[a] : Math.min(starts[i], in[a]);
      offset += start * src[a];
      if (steps.length > i) {
        s[a] = src[a] * steps[i];
      }
    }
    move(op, op.operand(0), dims, s, f.layouts.strides(op.result(0)), offset, 0);
  }

  private void concat(Operation op) {
    long axis = FunctionLowering.longAttr(op, "axis");
    int rank = Layouts.rank(op.result(0));
    int a = (int) (axis < 0 ? axis + rank : axis);
    long[] dst = f.layouts.strides(op.result(0));
    long at = 0;
    for (int i = 0; i < op.numOperands(); i++) {
      long[] dims = Layouts.dims(op.operand(i));
      move(op, op.operand(i), dims, f.layouts.strides(op.operand(i)), dst, 0, at * dst[a]);
      at += dims[a];
    }
  }

  private void transpose(Operation op) {
    long[] perm = FunctionLowering.longs(op, "perm");
    long[] in = f.layouts.strides(op.operand(0));
    long[] dims = Layouts.dims(op.result(0));
    long[] src = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      src[i] = in[(int) (perm.length == dims.length ? perm[i] : dims.length - 1 - i)];
    }
    move(op, op.operand(0), dims, src, f.layouts.strides(op.result(0)), 0, 0);
  }

  /**
   * Copies the elements of index space `dims` from `from` (byte strides `src`, plus
   * `srcOff`) into the op's result (strides `dst`, plus `dstOff`), placing the result on the
   * first call.
   */
  private void move(Operation op, Value from, long[] dims, long[] src, long[] dst, long srcOff,
      long dstOff) {
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    Buf a = f.buf(from, op);
    Buf out = f.bufs.get(op.result(0));
    if (out == null) {
      out = f.place(op.result(0), core, "omem", "imem", "arrays", "wmem");
    }
    long eb = Layouts.elementBytes(from.type());
    // Merge dimensions that are contiguous on both sides; drop dimensions of size 1.
    List<long[]> loops = new ArrayList<>(); // {count, srcStride, dstStride}, outermost first
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] != 1) {
        loops.add(new long[] {dims[i], src[i], dst[i]});
      }
    }
    for (int i = loops.size() - 1; i > 0; i--) {
      long[] inner = loops.get(i);
      long[] outer = loops.get(i - 1);
      if (outer[1] == inner[0] * inner[1] && outer[2] == inner[0] * inner[2]) {
        inner[0] *= outer[0];
        loops.remove(i - 1);
      }
    }
    long run = eb;
    if (!loops.isEmpty()) {
      long[] last = loops.get(loops.size() - 1);
      if (last[1] == eb && last[2] == eb) {
        run = last[0] * eb;
        loops.remove(loops.size() - 1);
      }
    }
    int sp = s.reg(a.addr() + srcOff);
    int dp = s.reg(out.addr() + dstOff);
    nest(s, loops, 0, sp, a.global(), dp, out.global(), run, op);
    s.free(sp, dp);
  }

  private void nest(CoreStream s, List<long[]> loops, int level, int sp, boolean sg, int dp,
      boolean dg, long run, Operation op) {
    if (level == loops.size()) {
      f.copy(s, sp, sg, dp, dg, run, op);
      return;
    }
    long[] l = loops.get(level);
    int a = s.alloc();
    int b = s.alloc();
    s.addi(a, sp, 0);
    s.addi(b, dp, 0);
    s.loop(l[0], i -> {
      nest(s, loops, level + 1, a, sg, b, dg, run, op);
      s.addi(a, a, l[1]);
      s.addi(b, b, l[2]);
    });
    s.free(a, b);
  }
}
