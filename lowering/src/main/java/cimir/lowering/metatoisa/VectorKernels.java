package cimir.lowering.metatoisa;

import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.VecFunct;
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
      case "qadd" -> binaryQuantized(op, VecFunct.VEC_RESADD_QUANTIZE,
          new long[] {intAttr(op, "lhs_multiplier"), intAttr(op, "rhs_multiplier")});
      case "qmul" -> binaryQuantized(op, VecFunct.VEC_RESMUL_QUANTIZE,
          new long[] {intAttr(op, "multiplier"), 0});
      case "add" -> elementwise(op, VecFunct.VEC_ADD, null, 32);
      case "lut" -> elementwise(op, VecFunct.LUT, lutTable(op), 8);
      case "quantize" -> elementwise(op, VecFunct.QUANTIZE_F, scale(op), 32);
      case "dequantize" -> elementwise(op, VecFunct.DEQUANTIZE, scale(op), 8);
      case "global_avg_pool" -> globalAvgPool(op);
      case "max_pool" -> maxPool(op);
      case "avg_pool" -> avgPool(op);
      case "conv2d" -> vectorConv(op);
      case "matmul" -> vectorMatmul(op);
      case "softmax" -> softmax(op);
      case "layer_norm" -> layerNorm(op);
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

  /** What one chunk of an element-wise operation emits: inputs, output, element count. */
  interface Chunk {
    void emit(int[] in, int out, long count);
  }

  /** Bytes of local staging per operand when an operand or the result is in global memory. */
  static final long STAGING = 4096;

  /**
   * Runs `body` over the op's tensor operands `tensors` and its result, `elements` long: at once
   * when all are in local memory, else in chunks (a multiple of `align` elements) staged
   * through local memory, global inputs copied in and a global result copied out per chunk.
   */
  private void chunked(Operation op, List<Integer> tensors, long elements, long align,
      Chunk body) {
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    List<Buf> ins = new ArrayList<>();
    List<Long> widths = new ArrayList<>();
    for (int i : tensors) {
      ins.add(f.buf(op.operand(i), op));
      widths.add((long) Layouts.elementBytes(op.operand(i).type()));
    }
    Buf out = f.place(op.result(0), core, "omem", "imem", "arrays", "wmem");
    long outWidth = Layouts.elementBytes(op.result(0).type());
    boolean staged = out.global() || ins.stream().anyMatch(Buf::global);
    long widest = outWidth;
    for (long w : widths) {
      widest = Math.max(widest, w);
    }
    long chunk = staged ? Math.max(align, STAGING / widest / align * align) : elements;
    chunk = Math.min(chunk, elements);
    List<LocalMemory.Block> temps = new ArrayList<>();
    int[] regs = new int[ins.size()];
    int[] stage = new int[ins.size()];
    for (int i = 0; i < ins.size(); i++) {
      regs[i] = s.reg(ins.get(i).addr());
      if (ins.get(i).global()) {
        LocalMemory.Block b = f.scratch(op, core, chunk * widths.get(i));
        temps.add(b);
        stage[i] = s.reg(b.addr());
      }
    }
    int dst = s.reg(out.addr());
    int outStage = -1;
    if (out.global()) {
      LocalMemory.Block b = f.scratch(op, core, chunk * outWidth);
      temps.add(b);
      outStage = s.reg(b.addr());
    }
    final int os = outStage;
    long whole = elements / chunk;
    long rest = elements - whole * chunk;
    for (long count : rest > 0 ? new long[] {chunk, rest} : new long[] {chunk}) {
      Runnable one = () -> {
        int[] use = new int[ins.size()];
        for (int i = 0; i < ins.size(); i++) {
          if (ins.get(i).global()) {
            f.copy(s, regs[i], true, stage[i], false, count * widths.get(i), op);
            use[i] = stage[i];
          } else {
            use[i] = regs[i];
          }
        }
        body.emit(use, out.global() ? os : dst, count);
        if (out.global()) {
          f.copy(s, os, false, dst, true, count * outWidth, op);
        }
        for (int i = 0; i < ins.size(); i++) {
          s.addi(regs[i], regs[i], count * widths.get(i));
        }
        s.addi(dst, dst, count * outWidth);
      };
      if (count == chunk && whole > 1) {
        s.loop(whole, i -> one.run());
      } else if (count == chunk && whole == 1 || count == rest) {
        one.run();
      }
    }
    s.free(regs);
    for (int i = 0; i < ins.size(); i++) {
      if (ins.get(i).global()) {
        s.free(stage[i]);
      }
    }
    s.free(dst);
    if (outStage >= 0) {
      s.free(outStage);
    }
    for (LocalMemory.Block b : temps) {
      f.freeScratch(core, b);
    }
  }

  /** Whether both operands have the result's shape and layout, element for element. */
  private boolean sameLayout(Operation op) {
    Value r = op.result(0);
    for (Value v : op.operands()) {
      if (!java.util.Arrays.equals(Layouts.dims(v), Layouts.dims(r))
          || f.layouts.nhwc(v) != f.layouts.nhwc(r)) {
        return false;
      }
    }
    return true;
  }

  /** What the innermost step of a broadcast emits: inputs, output, length registers. */
  interface Step {
    void emit(int a, int b, int out, int len);
  }

  /**
   * A binary operation with broadcasting (numpy's rule, dimensions aligned on the right): nested
   * loops over the result in memory order, an operand's pointer standing still (stride 0)
   * along the dimensions it broadcasts, around one vector operation over the longest run that
   * is contiguous in all three. Operands or a result in global memory are staged through local
   * memory at the outermost loop level whose inner block fits {@link #STAGING} x 4 bytes.
   */
  private void broadcast(Operation op, Step step) {
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    Value r = op.result(0);
    Buf[] bufs = {f.buf(op.operand(0), op), f.buf(op.operand(1), op),
        f.place(r, core, "omem", "imem", "arrays", "wmem")};
    long[] dims = Layouts.dims(r);
    long[][] st = new long[3][dims.length];
    long[] eb = new long[3];
    for (int k = 0; k < 3; k++) {
      Value v = k < 2 ? op.operand(k) : r;
      long[] d = Layouts.dims(v);
      long[] vs = f.layouts.strides(v);
      for (int i = 0; i < dims.length; i++) {
        int j = i - (dims.length - d.length);
        st[k][i] = j >= 0 && d[j] != 1 ? vs[j] : 0;
      }
      eb[k] = Layouts.elementBytes(v.type());
    }
    Integer[] order = new Integer[dims.length];
    for (int i = 0; i < dims.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Long.compare(st[2][y], st[2][x]));
    List<long[]> loops = new ArrayList<>(); // {count, a, b, out}
    for (int i : order) {
      if (dims[i] != 1) {
        loops.add(new long[] {dims[i], st[0][i], st[1][i], st[2][i]});
      }
    }
    for (int i = loops.size() - 1; i > 0; i--) {
      long[] in = loops.get(i);
      long[] outer = loops.get(i - 1);
      if (outer[1] == in[0] * in[1] && outer[2] == in[0] * in[2] && outer[3] == in[0] * in[3]) {
        in[0] *= outer[0];
        loops.remove(i - 1);
      }
    }
    long run = 1;
    if (!loops.isEmpty()) {
      long[] last = loops.get(loops.size() - 1);
      if (last[1] == eb[0] && last[2] == eb[1] && last[3] == eb[2]) {
        run = last[0];
        loops.remove(loops.size() - 1);
      }
    }
    long limit = STAGING * 4;
    long widest = Math.max(eb[2], Math.max(eb[0], eb[1]));
    if (run * widest > limit) { // cut the run into chunks that fit
      long c = limit / widest;
      while (run % c != 0) {
        c--;
      }
      loops.add(new long[] {run / c, c * eb[0], c * eb[1], c * eb[2]});
      run = c;
    }
    // the staging level: the outermost whose inner blocks fit
    boolean anyGlobal = bufs[0].global() || bufs[1].global() || bufs[2].global();
    int level = -1;
    long[] span = new long[3];
    for (int l = loops.size(); l >= 0 && anyGlobal; l--) {
      long[] sp = spans(loops, l, run, eb);
      if (sp[0] > limit || sp[1] > limit || sp[2] > limit) {
        break;
      }
      level = l;
      span = sp;
    }
    LocalMemory.Block[] stage = new LocalMemory.Block[3];
    for (int k = 0; k < 3 && level >= 0; k++) {
      if (bufs[k].global()) {
        stage[k] = f.scratch(op, core, span[k]);
      }
    }
    int[] p = {s.reg(bufs[0].addr()), s.reg(bufs[1].addr()), s.reg(bufs[2].addr())};
    int len = s.reg(run);
    nestBroadcast(op, s, loops, 0, level, p, stage, span, len, step);
    s.free(p);
    s.free(len);
    f.freeScratch(core, stage);
  }

  /** Bytes each of a, b and the result spans in the loops from `level` in. */
  private static long[] spans(List<long[]> loops, int level, long run, long[] eb) {
    long[] span = {run * eb[0], run * eb[1], run * eb[2]};
    for (int i = level; i < loops.size(); i++) {
      for (int k = 0; k < 3; k++) {
        span[k] += (loops.get(i)[0] - 1) * loops.get(i)[k + 1];
      }
    }
    return span;
  }

  private void nestBroadcast(Operation op, CoreStream s, List<long[]> loops, int level,
      int stageAt, int[] p, LocalMemory.Block[] stage, long[] span, int len, Step step) {
    int[] use = p;
    if (level == stageAt) {
      use = p.clone();
      for (int k = 0; k < 3; k++) {
        if (stage[k] != null) {
          use[k] = s.reg(stage[k].addr());
          if (k < 2) {
            f.copy(s, p[k], true, use[k], false, span[k], op);
          }
        }
      }
    }
    if (level == loops.size()) {
      step.emit(use[0], use[1], use[2], len);
    } else {
      long[] l = loops.get(level);
      int[] q = {s.alloc(), s.alloc(), s.alloc()};
      for (int k = 0; k < 3; k++) {
        s.addi(q[k], use[k], 0);
      }
      s.loop(l[0], i -> {
        nestBroadcast(op, s, loops, level + 1, stageAt, q, stage, span, len, step);
        for (int k = 0; k < 3; k++) {
          s.addi(q[k], q[k], l[k + 1]);
        }
      });
      s.free(q);
    }
    if (level == stageAt) {
      if (stage[2] != null) {
        f.copy(s, use[2], false, p[2], true, span[2], op);
      }
      for (int k = 0; k < 3; k++) {
        if (stage[k] != null) {
          s.free(use[k]);
        }
      }
    }
  }

  /** A table (or scalar) from the data region in local memory; the caller frees both. */
  private LocalMemory.Block table(Operation op, byte[] bytes) {
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    LocalMemory.Block b = f.scratch(op, core, bytes.length, "wmem", "imem", "omem", "arrays");
    int src = s.reg(f.data(bytes));
    int dst = s.reg(b.addr());
    int n = s.reg(bytes.length);
    s.emit(Instruction.MEM_CPY, src, n, dst, 0, 0);
    s.free(src, n, dst);
    return b;
  }

  /** One VEC_OP of 1 or 2 inputs per chunk; `extra` is input 2's table when given. */
  private void elementwise(Operation op, int funct, byte[] extra, int outBits) {
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    boolean two = op.numOperands() > 1;
    if (two && !sameLayout(op)) {
      broadcast(op, (a, b, out, len) -> FunctionLowering.vec(s, funct, 2, a, b, out, len,
          Layouts.elementBytes(op.operand(0).type()) * 8,
          Layouts.elementBytes(op.operand(1).type()) * 8,
          Layouts.elementBytes(op.result(0).type()) * 8));
      return;
    }
    LocalMemory.Block tab = extra != null && !two ? table(op, extra) : null;
    int bits1 = Layouts.elementBytes(op.operand(0).type()) * 8;
    // input 2: the other operand, an f32 scale (quantize, dequantize) or a byte table (lut)
    int bits2 = two ? Layouts.elementBytes(op.operand(1).type()) * 8
        : funct == VecFunct.QUANTIZE_F || funct == VecFunct.DEQUANTIZE ? 32 : 8;
    int bitsOut = Layouts.elementBytes(op.result(0).type()) * 8;
    chunked(op, two ? List.of(0, 1) : List.of(0), Layouts.elements(op.result(0)), 1,
        (in, out, count) -> {
          int len = s.reg(count);
          int in2 = two ? in[1] : tab != null ? s.reg(tab.addr()) : CoreStream.ZERO;
          FunctionLowering.vec(s, funct, two || tab != null ? 2 : 1, in[0], in2, out, len,
              bits1, bits2, bitsOut);
          s.free(len);
          if (!two && tab != null) {
            s.free(in2);
          }
        });
    f.freeScratch(core, tab);
  }

  /** Per row of the last memory dimension: VEC_QUANTIZE with that row's records. */
  private void requantize(Operation op) {
    if (!f.lastAxis(op)) {
      throw new LoweringException(op, "scales along a dimension that is not last in memory,"
          + " which meta-to-isa does not lower yet");
    }
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    long[] dims = Layouts.dims(op.result(0));
    long row = f.layouts.nhwc(op.result(0)) ? dims[1] : dims[dims.length - 1];
    if (row * 8 > STAGING * 4) {
      requantizeInBlocks(op, row);
      return;
    }
    LocalMemory.Block tab = table(op, requantRecords(op, row));
    int inBits = Layouts.elementBytes(op.operand(0).type()) * 8;
    long inBytes = row * inBits / 8;
    chunked(op, List.of(0), Layouts.elements(op.result(0)), row, (in, out, count) -> {
      int a = s.alloc();
      int b = s.alloc();
      s.addi(a, in[0], 0);
      s.addi(b, out, 0);
      int t = s.reg(tab.addr());
      int len = s.reg(row);
      s.loop(count / row, i -> {
        FunctionLowering.vec(s, VecFunct.VEC_QUANTIZE, 2, a, t, b, len, inBits, 64,
            8);
        s.addi(a, a, inBytes);
        s.addi(b, b, row);
      });
      s.free(a, b, t, len);
    });
    f.freeScratch(core, tab);
  }

  /**
   * A requantize whose per-channel records do not fit local memory at once: per block of
   * channels, its records are loaded, then every row's block is requantized (through local
   * staging where the operand or the result is in global memory).
   */
  private void requantizeInBlocks(Operation op, long row) {
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    byte[] records = requantRecords(op, row);
    long block = STAGING * 4 / 8;
    long rows = Layouts.elements(op.result(0)) / row;
    Buf in = f.buf(op.operand(0), op);
    Buf out = f.place(op.result(0), core, "omem", "imem", "arrays", "wmem");
    long ebIn = Layouts.elementBytes(op.operand(0).type());
    LocalMemory.Block tab = f.scratch(op, core, block * 8);
    LocalMemory.Block inStage = in.global() ? f.scratch(op, core, block * ebIn) : null;
    LocalMemory.Block outStage = out.global() ? f.scratch(op, core, block) : null;
    long global = f.data(records);
    int t = s.reg(tab.addr());
    for (long c0 = 0; c0 < row; c0 += block) {
      long n = Math.min(block, row - c0);
      int src = s.reg(global + c0 * 8);
      int len = s.reg(n * 8);
      s.emit(Instruction.MEM_CPY, src, len, t, 0, 0);
      s.li(len, n);
      int a = s.reg(in.addr() + c0 * ebIn);
      int b = s.reg(out.addr() + c0);
      final long count = n;
      s.loop(rows, r -> {
        int x = a;
        int y = b;
        if (inStage != null) {
          x = s.reg(inStage.addr());
          f.copy(s, a, true, x, false, count * ebIn, op);
        }
        if (outStage != null) {
          y = s.reg(outStage.addr());
        }
        FunctionLowering.vec(s, VecFunct.VEC_QUANTIZE, 2, x, t, y, len,
            (int) ebIn * 8, 64, 8);
        if (outStage != null) {
          f.copy(s, y, false, b, true, count, op);
          s.free(y);
        }
        if (inStage != null) {
          s.free(x);
        }
        s.addi(a, a, row * ebIn);
        s.addi(b, b, row);
      });
      s.free(src, len, a, b);
    }
    s.free(t);
    f.freeScratch(core, tab, inStage, outStage);
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
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    rec.putInt((int) multipliers[0]).putInt((int) multipliers[1])
        .put((byte) FunctionLowering.longAttr(op, "shift"))
        .put((byte) FunctionLowering.longAttr(op, "min", -128))
        .put((byte) FunctionLowering.longAttr(op, "max", 127));
    LocalMemory.Block tab = table(op, rec.array());
    int t = s.reg(tab.addr());
    s.emit(Instruction.GS_MOV, t, 21);
    s.free(t);
    if (sameLayout(op)) {
      chunked(op, List.of(0, 1), Layouts.elements(op.result(0)), 1, (in, out, count) -> {
        int len = s.reg(count);
        FunctionLowering.vec(s, funct, 3, in[0], in[1], out, len, 8, 8, 8);
        s.free(len);
      });
    } else {
      broadcast(op, (a, b, out, len) -> FunctionLowering.vec(s, funct, 3, a, b, out, len, 8,
          8, 8));
    }
    f.freeScratch(core, tab);
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
    Buf a = f.buf(op.operand(0), op);
    LocalMemory.Block divisor = table(op, ByteBuffer.allocate(4)
        .order(ByteOrder.LITTLE_ENDIAN).putInt((int) hw).array());
    temps.add(divisor);
    int div = s.reg(divisor.addr());
    LocalMemory.Block acc = f.scratch(op, core, c * 4);
    temps.add(acc);
    // pixels a chunk of a global input holds
    long chunk = a.global() ? Math.max(1, Math.min(hw, STAGING * 4 / c)) : hw;
    LocalMemory.Block stage = a.global() ? f.scratch(op, core, chunk * c) : null;
    if (stage != null) {
      temps.add(stage);
    }
    Buf[] out = output(op, temps);
    int src = s.reg(a.addr());
    int dst = s.reg(out[1].addr());
    int sum = s.reg(acc.addr());
    int len = s.reg(c);
    s.loop(n, i -> {
      f.fill(s, sum, c * 4, 0, op);
      long whole = hw / chunk;
      for (long count : hw % chunk == 0 ? new long[] {chunk} : new long[] {chunk, hw % chunk}) {
        Runnable part = () -> {
          int px = s.alloc();
          if (stage != null) {
            s.li(px, stage.addr());
            f.copy(s, src, true, px, false, count * c, op);
          } else {
            s.addi(px, src, 0);
          }
          s.loop(count, p -> {
            FunctionLowering.vec(s, VecFunct.VEC_ADD, 2, sum, px, sum, len, 32, 8, 32);
            s.addi(px, px, c);
          });
          s.addi(src, src, count * c);
          s.free(px);
        };
        if (count == chunk) {
          s.loop(whole, k -> part.run());
        } else {
          part.run();
        }
      }
      FunctionLowering.vec(s, VecFunct.VS_DIV, 2, sum, div, dst, len, 32, 32, 8);
      s.addi(dst, dst, c);
    });
    s.free(src, dst, sum, len, div);
    finish(op, out, temps);
  }

  /** The geometry of a windowed image operation (pooling, a convolution on the vector unit). */
  record Window(long n, long h, long w, long c, long kh, long kw, long sh, long sw, long dh,
      long dw, long[] pads, long ho, long wo) {
    long hp() {
      return h + pads[0] + pads[2];
    }

    long wp() {
      return w + pads[1] + pads[3];
    }
  }

  private static Window window(Operation op, long[] kernel) {
    long[] d = Layouts.dims(op.operand(0));
    long[] y = Layouts.dims(op.result(0));
    long[] st = FunctionLowering.longs(op, "strides");
    long[] dil = FunctionLowering.longs(op, "dilations");
    long[] pads = FunctionLowering.longs(op, "pads");
    return new Window(d[0], d[2], d[3], d[1], kernel[0], kernel[1],
        st.length == 2 ? st[0] : 1, st.length == 2 ? st[1] : 1,
        dil.length == 2 ? dil[0] : 1, dil.length == 2 ? dil[1] : 1,
        pads.length == 4 ? pads : new long[4], y[2], y[3]);
  }

  /** What a windowed operation emits per output pixel, or per run of output pixels. */
  interface PixelBody {
    /**
     * `tap0`: the address of the window's first tap, tap (i, j) at `tap0 + i rowStep + j dw
     * C`; `out`: the output pixel's address. With `pixels` > 1 (stride 1 along the row), the
     * run of pixels from that one: their taps (i, j) lie one after another, `pixels` C bytes
     * from `tap0 + i rowStep + j dw C`, and so do their outputs.
     */
    void emit(int tap0, int out, long rowStep, long pixels);
  }

  /**
   * Runs `body` for every output pixel of an NHWC image operation over the input padded with
   * `fill`. The padded input stays local when it fits; otherwise it is in global memory and
   * each output row's input rows are copied into a local window first, or, when even those do
   * not fit, each output pixel's `kh` patch rows. A result in global memory is written a row
   * at a time (or a pixel at a time) from local staging.
   */
  private void windowed(Operation op, Window g, int fill, long outPixelBytes,
      PixelBody body) {
    windowed(op, g, fill, outPixelBytes, 1, body);
  }

  /**
   * As above, the body taking runs of up to `run` pixels of an output row at a time when the
   * row's input rows are local and the stride along the row is 1 (else single pixels).
   */
  private void windowed(Operation op, Window g, int fill, long outPixelBytes, long run,
      PixelBody body) {
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    Buf in = f.buf(op.operand(0), op);
    long[] pads = g.pads();
    boolean pad = pads[0] + pads[1] + pads[2] + pads[3] > 0;
    Buf padded = pad ? new ProductKernels(f).pad(op, in, core, g.n(), g.h(), g.w(), g.c(),
        pads, fill) : in;
    Buf out = f.place(op.result(0), core, "omem", "imem", "arrays", "wmem");
    long c = g.c();
    long rowIn = g.wp() * c;
    long windowRows = (g.kh() - 1) * g.dh() + 1;
    long span = ((g.kw() - 1) * g.dw() + 1) * c; // one patch row
    boolean rowMode = !padded.global()
        || f.local[core].fits(windowRows * rowIn, out.global() ? g.wo() * outPixelBytes : 0);
    LocalMemory.Block win = padded.global() ? f.scratch(op, core, rowMode
        ? windowRows * rowIn : g.kh() * span) : null;
    LocalMemory.Block rowOut = out.global()
        ? f.scratch(op, core, (rowMode ? g.wo() : 1) * outPixelBytes) : null;
    long rowStep = rowMode ? g.dh() * rowIn : span;
    int src = s.reg(padded.addr()); // first input row of the current output row
    int dst = s.reg(out.addr()); // first output pixel of the current output row
    long imageRows = g.hp() * rowIn;
    s.loop(g.n(), n -> {
      int rowStart = s.alloc();
      s.addi(rowStart, src, 0);
      s.loop(g.ho(), oy -> {
        int base = s.alloc();
        int o = s.alloc();
        if (rowMode) {
          if (win != null) {
            int w = s.reg(win.addr());
            f.copy(s, rowStart, true, w, false, windowRows * rowIn, op);
            s.addi(base, w, 0);
            s.free(w);
          } else {
            s.addi(base, rowStart, 0);
          }
          if (rowOut != null) {
            s.li(o, rowOut.addr());
          } else {
            s.addi(o, dst, 0);
          }
          long pixels = g.sw() == 1 ? Math.max(1, Math.min(run, g.wo())) : 1;
          s.loop(g.wo() / pixels, ox -> {
            body.emit(base, o, rowStep, pixels);
            s.addi(base, base, pixels * g.sw() * c);
            s.addi(o, o, pixels * outPixelBytes);
          });
          if (g.wo() % pixels != 0) {
            body.emit(base, o, rowStep, g.wo() % pixels);
          }
          if (rowOut != null) {
            s.li(o, rowOut.addr());
            f.copy(s, o, false, dst, true, g.wo() * outPixelBytes, op);
          }
        } else { // a pixel's patch rows at a time
          int px = s.alloc();
          int w = s.reg(win.addr());
          int at = s.alloc();
          s.addi(px, rowStart, 0);
          s.addi(o, dst, 0);
          s.loop(g.wo(), ox -> {
            s.addi(at, px, 0);
            for (long i = 0; i < g.kh(); i++) {
              int to = s.reg(win.addr() + i * span);
              f.copy(s, at, true, to, false, span, op);
              s.free(to);
              s.addi(at, at, g.dh() * rowIn);
            }
            if (rowOut != null) {
              int staged = s.reg(rowOut.addr());
              body.emit(w, staged, rowStep, 1);
              f.copy(s, staged, false, o, out.global(), outPixelBytes, op);
              s.free(staged);
            } else {
              body.emit(w, o, rowStep, 1);
            }
            s.addi(px, px, g.sw() * c);
            s.addi(o, o, outPixelBytes);
          });
          s.free(px, w, at);
        }
        s.addi(dst, dst, g.wo() * outPixelBytes);
        s.free(base, o);
        s.addi(rowStart, rowStart, g.sh() * rowIn);
      });
      s.free(rowStart);
      s.addi(src, src, imageRows);
    });
    s.free(src, dst);
    f.freeScratch(core, win, rowOut);
    if (padded != in && padded.block() != null) {
      f.freeScratch(core, padded.block());
    }
  }

  /** What is done with one tap of a window: its address register and position. */
  interface Tap {
    void emit(int tap, long i, long j);
  }

  /** `body` for each tap (i, j) of the window at `GRF[tap0]`, its address in a register. */
  private static void taps(CoreStream s, Window g, int tap0, long rowStep, Tap body) {
    int tap = s.alloc();
    for (long i = 0; i < g.kh(); i++) {
      for (long j = 0; j < g.kw(); j++) {
        s.addi(tap, tap0, i * rowStep + j * g.dw() * g.c());
        body.emit(tap, i, j);
      }
    }
    s.free(tap);
  }

  /** Per output pixel: VVMAX over the window's taps of the input padded with -128. */
  private void maxPool(Operation op) {
    Window g = window(op, FunctionLowering.longs(op, "kernel_shape"));
    CoreStream s = f.cores[FunctionLowering.core(op)];
    long c = g.c();
    int len = s.alloc();
    windowed(op, g, -128, c, RUN, (tap0, out, rowStep, pixels) -> {
      s.li(len, pixels * c);
      f.fill(s, out, pixels * c, -128, op);
      taps(s, g, tap0, rowStep, (tap, i, j) -> FunctionLowering.vec(s, VecFunct.VVMAX,
          2, out, tap, out, len, 8, 8, 8));
    });
    s.free(len);
  }

  /**
   * Per output pixel: the int32 sum of the window's taps (padding zero), then VS_DIV by the
   * pixel's divisor, from a table of one int32 per output pixel of every image (the taps
   * inside the input, or all taps with `count_include_pad`).
   */
  private void avgPool(Operation op) {
    Window g = window(op, FunctionLowering.longs(op, "kernel_shape"));
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    long c = g.c();
    boolean includePad = FunctionLowering.longAttr(op, "count_include_pad", 0) != 0;
    ByteBuffer divisors = ByteBuffer.allocate((int) (4 * g.n() * g.ho() * g.wo()))
        .order(ByteOrder.LITTLE_ENDIAN);
    for (long y = 0; y < g.n() * g.ho(); y++) {
      for (long x = 0; x < g.wo(); x++) {
        long rows = 0;
        long cols = 0;
        for (long i = 0; i < g.kh(); i++) {
          long r = y % g.ho() * g.sh() + i * g.dh() - g.pads()[0];
          rows += includePad || r >= 0 && r < g.h() ? 1 : 0;
        }
        for (long j = 0; j < g.kw(); j++) {
          long q = x * g.sw() + j * g.dw() - g.pads()[1];
          cols += includePad || q >= 0 && q < g.w() ? 1 : 0;
        }
        divisors.putInt((int) (rows * cols));
      }
    }
    LocalMemory.Block table = table(op, divisors.array());
    LocalMemory.Block sum = f.scratch(op, core, c * 4);
    int len = s.reg(c);
    int acc = s.reg(sum.addr());
    int div = s.reg(table.addr());
    windowed(op, g, 0, c, (tap0, out, rowStep, pixels) -> {
      f.fill(s, acc, c * 4, 0, op);
      taps(s, g, tap0, rowStep, (tap, i, j) -> FunctionLowering.vec(s,
          VecFunct.VEC_ADD, 2, acc, tap, acc, len, 32, 8, 32));
      FunctionLowering.vec(s, VecFunct.VS_DIV, 2, acc, div, out, len, 32, 32, 8);
      s.addi(div, div, 4);
    });
    s.free(len, acc, div);
    f.freeScratch(core, sum, table);
  }

  /**
   * A depthwise convolution on the vector unit: per output pixel, the bias (int32), then per
   * tap an int8 x int8 product of the pixel's C channels with the tap's C weights (VEC_MUL,
   * 32-bit out) added in (VEC_ADD). The weights are placed tap-major ("taps": the C weights of
   * tap (i, j) at (i Kw + j) C).
   */
  private void vectorConv(Operation op) {
    long[] wt = Layouts.dims(op.operand(1));
    long c = Layouts.dims(op.operand(0))[1];
    if (FunctionLowering.longAttr(op, "group", 1) != c || wt[1] != 1 || wt[0] != c) {
      throw new LoweringException(op, "is a convolution on the vector unit that is not"
          + " depthwise, which meta-to-isa does not lower yet");
    }
    Window g = window(op, new long[] {wt[2], wt[3]});
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    FunctionLowering.WeightView view = f.weightView(op.operand(1));
    if (!java.util.Arrays.equals(view.ends(), Layouts.dims(view.root()))
        || java.util.Arrays.stream(view.starts()).anyMatch(x -> x != 0)) {
      throw new LoweringException(op, "reads a slice of its weights, which meta-to-isa does"
          + " not lower yet on the vector unit");
    }
    Buf wg = f.operandImage(view.root(), "taps", op);
    long taps = g.kh() * g.kw();
    long run = run(op, core, g, c, taps);
    // Per tap, its C weights `run` times over (and the bias so), for a run of pixels at once.
    LocalMemory.Block weights = f.scratch(op, core, taps * run * c, "wmem", "imem", "omem",
        "arrays");
    for (long k = 0; k < taps; k++) {
      Buf tap = new Buf(core, weights.addr() + k * run * c, run * c, weights);
      f.copy(s, wg, k * c, tap, 0, c, op);
      FunctionLowering.replicate(s, tap.addr(), c, run);
    }
    LocalMemory.Block bias = null;
    if (op.numOperands() > 2) {
      Buf b = f.buf(op.operand(2), op);
      bias = f.scratch(op, core, run * c * 4, "wmem", "imem", "omem", "arrays");
      f.copy(s, b, 0, new Buf(core, bias.addr(), c * 4, bias), 0, c * 4, op);
      FunctionLowering.replicate(s, bias.addr(), c * 4, run);
    }
    LocalMemory.Block tmp = f.scratch(op, core, run * c * 4);
    final LocalMemory.Block biasBlock = bias;
    int len = s.alloc();
    int t = s.reg(tmp.addr());
    windowed(op, g, 0, c * 4, run, (tap0, out, rowStep, pixels) -> {
      s.li(len, pixels * c);
      if (biasBlock != null) {
        int b = s.reg(biasBlock.addr());
        f.copy(s, b, false, out, false, pixels * c * 4, op);
        s.free(b);
      } else {
        f.fill(s, out, pixels * c * 4, 0, op);
      }
      int w = s.alloc();
      taps(s, g, tap0, rowStep, (tap, i, j) -> {
        s.li(w, weights.addr() + (i * g.kw() + j) * run * c);
        FunctionLowering.vec(s, VecFunct.VEC_MUL, 2, tap, w, t, len, 8, 8, 32);
        FunctionLowering.vec(s, VecFunct.VEC_ADD, 2, out, t, out, len, 32, 32, 32);
      });
      s.free(w);
    });
    s.free(len, t);
    f.freeScratch(core, weights, bias, tmp);
  }

  /** At most this many output pixels of a row go through one vector instruction. */
  static final long RUN = 64;

  /**
   * How many pixels of an output row a depthwise convolution takes at once: 1 for a stride
   * above 1, else the most (up to RUN and the row) whose replicated weights, bias and
   * products fit in the core's local memory beside its padded input and output row.
   */
  private long run(Operation op, int core, Window g, long c, long taps) {
    if (g.sw() != 1) {
      return 1;
    }
    long padded = g.n() * g.hp() * g.wp() * c;
    for (long run = Math.min(RUN, g.wo()); run > 1; run--) {
      if (f.local[core].fits(taps * run * c, run * c * 4, run * c * 4, padded,
          g.wo() * c * 4)) {
        return run;
      }
    }
    return 1;
  }

  /**
   * A product of two activations on the vector unit, `[..., M, K] x [..., K, N]`: per batch
   * and row m, the int32 row is the sum over k of row k of the right operand times the scalar
   * `a[m][k]` (VSMUL, 32-bit out, then VEC_ADD).
   */
  private void vectorMatmul(Operation op) {
    long[] da = Layouts.dims(op.operand(0));
    long[] db = Layouts.dims(op.operand(1));
    int r = da.length;
    long m = da[r - 2];
    long k = da[r - 1];
    long n = db[db.length - 1];
    long batch = Layouts.elements(op.operand(0)) / (m * k);
    if (Layouts.elements(op.operand(1)) != batch * k * n) {
      throw new LoweringException(op, "broadcasts its batch dimensions, which meta-to-isa"
          + " does not lower yet");
    }
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    Buf x = f.buf(op.operand(0), op);
    Buf y = f.buf(op.operand(1), op);
    Buf out = f.place(op.result(0), core, "omem", "imem", "arrays", "wmem");
    // operands in global memory are read a row at a time; the result is made a row at a time
    LocalMemory.Block rowA = x.global() ? f.scratch(op, core, k) : null;
    LocalMemory.Block rowB = y.global() ? f.scratch(op, core, n) : null;
    LocalMemory.Block rowOut = out.global() ? f.scratch(op, core, n * 4) : null;
    LocalMemory.Block tmp = f.scratch(op, core, n * 4);
    int ap = s.reg(x.addr());
    int bp = s.reg(y.addr());
    int op0 = s.reg(out.addr());
    int t = s.reg(tmp.addr());
    int len = s.reg(n);
    s.loop(batch, i -> {
      s.loop(m, row -> {
        int acc = rowOut != null ? s.reg(rowOut.addr()) : op0;
        int a = ap;
        if (rowA != null) {
          a = s.reg(rowA.addr());
          f.copy(s, ap, true, a, false, k, op);
        }
        f.fill(s, acc, n * 4, 0, op);
        int brow = s.alloc();
        s.addi(brow, bp, 0);
        final int aa = a;
        int scalar = s.alloc();
        s.addi(scalar, aa, 0);
        s.loop(k, kk -> {
          int b = brow;
          if (rowB != null) {
            b = s.reg(rowB.addr());
            f.copy(s, brow, true, b, false, n, op);
          }
          FunctionLowering.vec(s, VecFunct.VSMUL, 2, b, scalar, t, len, 8, 8, 32);
          FunctionLowering.vec(s, VecFunct.VEC_ADD, 2, acc, t, acc, len, 32, 32, 32);
          if (rowB != null) {
            s.free(b);
          }
          s.addi(brow, brow, n);
          s.addi(scalar, scalar, 1);
        });
        s.free(brow, scalar);
        if (rowA != null) {
          s.free(a);
        }
        if (rowOut != null) {
          f.copy(s, acc, false, op0, true, n * 4, op);
          s.free(acc);
        }
        s.addi(ap, ap, k);
        s.addi(op0, op0, n * 4);
      });
      s.addi(bp, bp, k * n);
    });
    s.free(ap, bp, op0, t, len);
    f.freeScratch(core, rowA, rowB, rowOut, tmp);
  }

  /** Softmax over the last dimension of a row-major f32 tensor: one VEC_OP per row. */
  private void softmax(Operation op) {
    long row = lastDim(op);
    CoreStream s = f.cores[FunctionLowering.core(op)];
    chunked(op, List.of(0), Layouts.elements(op.result(0)), row, (in, out, count) -> {
      rows(s, in[0], out, count, row, (a, b, len) -> FunctionLowering.vec(s,
          VecFunct.SOFTMAX, 1, a, CoreStream.ZERO, b, len, 32, 32, 32));
    });
  }

  /**
   * Layer normalisation over the last dimension of a row-major f32 tensor: per row one
   * LAYER_NORM of 4 inputs, the row, the scale (input 2), the bias (input 3, special register
   * 21) and epsilon (f32, input 4, special register 22).
   */
  private void layerNorm(Operation op) {
    long row = lastDim(op);
    int core = FunctionLowering.core(op);
    CoreStream s = f.cores[core];
    List<LocalMemory.Block> temps = new ArrayList<>();
    Buf gamma = localInput(op, 1, temps);
    Buf beta = localInput(op, 2, temps);
    float eps = op.attr("epsilon") instanceof Attribute.FloatAttr e
        ? (float) e.doubleValue() : 1e-5f;
    LocalMemory.Block epsilon = table(op, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
        .putFloat(eps).array());
    temps.add(epsilon);
    int g = s.reg(gamma.addr());
    int b = s.reg(beta.addr());
    int e = s.reg(epsilon.addr());
    chunked(op, List.of(0), Layouts.elements(op.result(0)), row, (in, out, count) -> {
      s.emit(Instruction.GS_MOV, b, 21);
      s.emit(Instruction.GS_MOV, e, 22);
      rows(s, in[0], out, count, row, (x, y, len) -> FunctionLowering.vec(s,
          VecFunct.LAYER_NORM, 4, x, g, y, len, 32, 32, 32));
    });
    s.free(g, b, e);
    for (LocalMemory.Block t : temps) {
      f.freeScratch(core, t);
    }
  }

  /** What a per-row body emits: input row, output row, row length registers. */
  interface RowBody {
    void emit(int in, int out, int len);
  }

  /** `body` for each of the `count / row` rows from `in` to `out` (f32 rows). */
  private static void rows(CoreStream s, int in, int out, long count, long row, RowBody body) {
    int a = s.alloc();
    int b = s.alloc();
    int len = s.reg(row);
    s.addi(a, in, 0);
    s.addi(b, out, 0);
    s.loop(count / row, i -> {
      body.emit(a, b, len);
      s.addi(a, a, row * 4);
      s.addi(b, b, row * 4);
    });
    s.free(a, b, len);
  }

  /** The length of the last dimension, which must be the op's axis and last in memory. */
  private long lastDim(Operation op) {
    long[] d = Layouts.dims(op.operand(0));
    long axis = FunctionLowering.longAttr(op, "axis", -1);
    if (axis != -1 && axis != d.length - 1 || f.layouts.nhwc(op.operand(0))) {
      throw new LoweringException(op, "works along a dimension that is not last in memory,"
          + " which meta-to-isa does not lower yet");
    }
    return d[d.length - 1];
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
    f.strided(s, loops, sp, a.global(), dp, out.global(), run, op);
    s.free(sp, dp);
  }
}
