package cimir.lowering.metatoisa;

import cimir.dialect.isa.Instruction;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Attribute;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.lowering.cost.CostModel;
import cimir.lowering.metatoisa.FunctionLowering.Buf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Products on the arrays: weight loads and the product kernel (docs/design/meta-to-isa.md,
 * 7.4 and 8.2).
 *
 * <p><b>Tiling.</b> A product has `cg` independent groups (convolution groups; a depthwise
 * convolution packed diagonally has one per block of `columns` channels), each a reduction of
 * depth `kd` onto `nc` outputs. Per group, `g = ceil(kd / (rows x rowSelect))` deep tiles of
 * `kg = rows x ceil(kd / (rows g))` elements (balanced), and `wg = ceil(ceil(nc / columns) / T)`
 * macro groups side by side, so a copy has `cg x wg x g` macro groups of T macros, in the
 * order (group, width, deep tile): macro group x of a copy is group `x / (wg g)`, width
 * `(x / g) mod wg`, deep tile `x mod g`. Macro t of it holds output channels
 * `grp nc + (w T + t) columns ..` (one per column) and reduction elements
 * `d kg .. d kg + kg - 1`, element `kk` at row `kk / rows`, compartment `kk mod rows`: byte
 * `row x rows x columns + compartment x columns + column` of the macro. A tile uses the first
 * `kg / rows` row selections, so only the first `kg x columns` bytes of each macro are stored
 * in the weight image and loaded.
 *
 * <p><b>Kernel.</b> A unit computes a band of output rows: a core with the whole copies it
 * holds (they work in lockstep on consecutive pixels), or the cores of one copy larger than a
 * core (each computes the deep tiles it holds; the first, the lead, adds the others' sums).
 * Per pixel group: gather each macro group's segment of its pixel's patch into the patch buffer
 * (segment i at `PB + i kg`), one CIM_MVM per row selection for all active groups (group i
 * reads `PB + r rows + i kg`: special register 6 = kg), CIM_OUT into the accumulators, the
 * lead sums the deep tiles (and the other cores' sums, received per pixel group) per output
 * channel, adds the bias, and requantizes to int8 (a fused requantize) or writes int32.
 */
final class ProductKernels {
  private final FunctionLowering f;
  /** MEM_CPY's `offset_mask`: its immediate offsets the destination. */
  static final long DESTINATION_OFFSET = 1;

  ProductKernels(FunctionLowering f) {
    this.f = f;
  }

  /** How a product is tiled onto macro groups. */
  record Geometry(String kind, boolean diagonal, long cg, long kd, long nc, long kg, long g,
      long wg, long rows, long cols, long t, long rowsUsed,
      // convolution: input (n, h, w, cin), kernel, strides, dilations, pads (t, l, b, r)
      long n, long h, long w, long cin, long cinG, long kh, long kw, long sh, long sw,
      long dh, long dw, long[] pads, long ho, long wo,
      // every product: output pixels (rows of a matrix), outputs per pixel
      long pixels, long cout,
      // whether the widths of a deep tile each get their own copy of its patch segment
      boolean widthSegments,
      // a diagonal packing with a row selection per tap (see tapStride)
      boolean tapRows,
      // a dense convolution's row selections per kernel row, 0 for none (see rowStride)
      long kernelRows) {
    /**
     * Channels group `grp` reads and writes: `nc` (and `cinG` inputs), but for the last
     * block of a diagonal packing only the channels left.
     */
    long channelsOf(long grp) {
      return diagonal && grp == cg - 1 ? cin - grp * cols : diagonal ? cols : nc;
    }

    long mgsPerCopy() {
      return cg * wg * g;
    }

    /**
     * Patch segments a copy needs in the patch buffer: one per macro group when the groups side
     * by side are one (wg = 1), else one per (group, deep tile), shared by the widths.
     */
    long segmentsPerCopy() {
      return tapRows ? 1 : perGroup() ? mgsPerCopy() : cg * g;
    }

    /**
     * Where tap t's elements start in a group's reduction: `rows` apart with tapRows (tap t
     * in row selection t, compartments 0 .. columns - 1), else `cinG` apart.
     */
    long tapStride() {
      return tapRows ? rows : cinG;
    }

    /**
     * Where kernel row i's elements start in a group's reduction: with `kernelRows` its own
     * row selections, `kernelRows x rows` apart (its `kw x cin` inputs, then zeros), else
     * right after the row before.
     */
    long rowStride() {
      return kernelRows > 0 ? kernelRows * rows : kw * tapStride();
    }

    /**
     * Bytes of one patch segment: with tapRows a copy's whole patch, its taps' channels one
     * after another as in the input (plus a group's slack: the last group reads `columns`
     * inputs), else a deep tile.
     */
    long segmentSize() {
      return tapRows ? kh * kw * cin + cols : kg;
    }

    /**
     * Sums a macro group reads out: T x columns, but with one width only the group's outputs
     * (with tapRows its first macro's `columns`), so that the sums of a pixel's groups lie
     * one after another as its channels do.
     */
    long outputsPerGroup() {
      return wg == 1 ? Math.min(t * cols, nc) : t * cols;
    }

    /**
     * Whether every macro group reads a patch segment of its own, so that one CIM_MVM serves
     * a run of consecutive groups at the step kg: with one width, or with `widthSegments`.
     */
    boolean perGroup() {
      return wg == 1 || widthSegments;
    }

    /** This geometry with a patch segment per width of a deep tile. */
    Geometry withWidthSegments() {
      return new Geometry(kind, diagonal, cg, kd, nc, kg, g, wg, rows, cols, t, rowsUsed, n, h,
          w, cin, cinG, kh, kw, sh, sw, dh, dw, pads, ho, wo, pixels, cout, true, tapRows,
          kernelRows);
    }

    /** Whether deep tiles are summed (or other cores' sums added) outside the accumulators. */
    boolean sumsDeepTiles() {
      return g > 1;
    }

    long arraysPerCopy() {
      return mgsPerCopy() * t;
    }

    /** Output rows a band is cut in: image rows (conv) or matrix rows. */
    long bandRows() {
      return kind.equals("conv2d") ? n * ho : pixels;
    }

    long pixelsPerBandRow() {
      return kind.equals("conv2d") ? wo : 1;
    }

    boolean padded() {
      return pads[0] + pads[1] + pads[2] + pads[3] > 0;
    }

    long hp() {
      return h + pads[0] + pads[2];
    }

    long wp() {
      return w + pads[1] + pads[3];
    }

    DictionaryAttr describe() {
      return DictionaryAttr.EMPTY.with("product", Attribute.StringAttr.of(kind))
          .with("packing", Attribute.StringAttr.of(diagonal ? "diagonal" : "dense"))
          .with("groups", i64(cg)).with("depth", i64(kd)).with("outputs", i64(nc))
          .with("tile_depth", i64(kg)).with("deep_tiles", i64(g)).with("widths", i64(wg))
          .with("macro_rows", i64(rows)).with("macro_columns", i64(cols))
          .with("macros_per_group", i64(t)).with("tap_stride", i64(tapStride()))
          .with("row_stride", i64(rowStride()))
          .with("order", Attribute.StringAttr.of("group,width,deep-tile"));
    }
  }

  private static Attribute i64(long v) {
    return Attribute.IntegerAttr.i64(v);
  }

  Geometry geometry(Operation mvm) {
    String kind = FunctionLowering.kind(mvm);
    long[] x = Layouts.dims(mvm.operand(0));
    long[] wt = Layouts.dims(mvm.operand(1));
    var macro = f.hw.core().macro();
    long rows = macro.rows();
    long cols = macro.columns();
    long t = f.hw.core().macrosPerGroup();
    long depth = rows * macro.rowSelect();
    boolean diagonal = mvm.attr("packing") instanceof Attribute.StringAttr p
        && p.value().equals("diagonal");
    boolean tapRows = false;
    long kernelRows = 0;
    long cg;
    long kd;
    long nc;
    long n = 1;
    long h = 1;
    long w = 1;
    long cin = 0;
    long cinG = 0;
    long kh = 1;
    long kw = 1;
    long[] strides = {1, 1};
    long[] dil = {1, 1};
    long[] pads = {0, 0, 0, 0};
    long ho = 1;
    long wo = 1;
    long pixels;
    long cout;
    switch (kind) {
      case "conv2d" -> {
        n = x[0];
        cin = x[1];
        h = x[2];
        w = x[3];
        kh = wt[2];
        kw = wt[3];
        long[] y = Layouts.dims(mvm.result(0));
        cout = y[1];
        ho = y[2];
        wo = y[3];
        strides = orDefault(FunctionLowering.longs(mvm, "strides"), 1);
        dil = orDefault(FunctionLowering.longs(mvm, "dilations"), 1);
        long[] p = FunctionLowering.longs(mvm, "pads");
        pads = p.length == 4 ? p : new long[] {0, 0, 0, 0};
        long group = FunctionLowering.longAttr(mvm, "group", 1);
        if (diagonal) {
          cg = ceil(cin, cols); // the last block may hold fewer channels
          if (cout != cin) {
            throw new LoweringException(mvm, "packs a convolution diagonally whose outputs ("
                + cout + ") are not its channels (" + cin + ")");
          }
          cinG = cols;
          nc = cols;
          // A tap per row selection: a group's input for tap t is its channels of the tap,
          // so one product per tap serves every group of a copy from the patch as the input
          // lays it out (docs/design/meta-to-isa.md, 13).
          tapRows = CostModel.rowSelectionPerTap(macro, kh * kw);
        } else {
          cg = group;
          cinG = cin / group;
          nc = cout / group;
          kernelRows = group == 1
              ? CostModel.kernelRowSelections(f.hw.core(), kh, kw, cin, cout, dil[1]) : 0;
        }
        kd = tapRows ? kh * kw * rows : kernelRows > 0 ? kh * kernelRows * rows
            : cinG * kh * kw;
        pixels = n * ho * wo;
      }
      case "matmul", "gemm" -> {
        boolean transB = FunctionLowering.longAttr(mvm, "transB", 0) != 0;
        int r = wt.length;
        kd = transB ? wt[r - 1] : wt[r - 2];
        nc = transB ? wt[r - 2] : wt[r - 1];
        cg = 1;
        cout = nc;
        // streamed weights carry batch dimensions: the pixels are one batch's rows
        pixels = Layouts.elements(mvm.operand(0)) / kd / (Layouts.elements(mvm.operand(1))
            / (kd * nc));
      }
      default -> throw new LoweringException(mvm, "computes '" + kind + "', which the arrays"
          + " do not (conv2d, matmul, gemm)");
    }
    long g = ceil(kd, depth);
    long kg = rows * ceil(kd, rows * g);
    long wg = ceil(ceil(nc, cols), t);
    return new Geometry(kind, diagonal, cg, kd, nc, kg, g, wg, rows, cols, t, kg / rows, n, h,
        w, cin, cinG, kh, kw, strides[0], strides[1], dil[0], dil[1], pads, ho, wo, pixels,
        cout, false, tapRows, kernelRows);
  }

  // ---- weight loads ----------------------------------------------------------------------

  /** Global to macro space: per copy, one MEM_CPY per run of consecutive arrays on a core. */
  void loadWeights(Operation op) {
    Operation mvm = productOf(op);
    Geometry geo = geometry(mvm);
    long[] arrays = arrays(op, geo);
    long copies = FunctionLowering.longAttr(op, "copies");
    long apc = geo.arraysPerCopy();
    // Only the row selections a tile uses are stored: the first `used` bytes of each macro.
    long used = geo.rowsUsed() * geo.rows() * geo.cols();
    long bytes = apc * used;
    long image = f.weightImage(op.operand(0), bytes, geo.describe()
        .with("macro_bytes", i64(used))
        .with("transposed", i64(FunctionLowering.longAttr(mvm, "transB", 0))));
    int per = f.map.arrays();
    for (int j = 0; j < copies; j++) {
      int base = (int) (j * apc);
      for (int i = 0; i < apc; ) {
        int k = i;
        while (k + 1 < apc && arrays[base + k + 1] == arrays[base + k] + 1
            && arrays[base + k + 1] / per == arrays[base + i] / per) {
          k++;
        }
        long first = arrays[base + i];
        CoreStream s = f.cores[(int) (first / per)];
        int src = s.reg(image + i * used);
        int dst = s.reg(f.map.array(first % per));
        long count = k - i + 1;
        if (used == f.map.arrayBytes()) {
          int len = s.reg(count * used);
          s.emit(Instruction.MEM_CPY, src, len, dst, 0, 0);
          s.free(len);
        } else {
          int len = s.reg(used);
          s.loop(count, x -> {
            s.emit(Instruction.MEM_CPY, src, len, dst, 0, 0);
            s.addi(src, src, used);
            s.addi(dst, dst, f.map.arrayBytes());
          });
          s.free(len);
        }
        s.free(src, dst);
        i = k + 1;
      }
    }
  }

  /** The product that reads the weights `load` writes (same weights and arrays). */
  private static Operation productOf(Operation load) {
    long[] arrays = FunctionLowering.longs(load, "arrays");
    for (var use : load.operand(0).uses()) {
      Operation u = use.owner();
      if (u.name().equals("meta.mvm") && use.index() == 1
          && java.util.Arrays.equals(FunctionLowering.longs(u, "arrays"), arrays)) {
        return u;
      }
    }
    throw new LoweringException(load, "loads weights that no meta.mvm on its arrays reads");
  }

  // ---- the kernel ------------------------------------------------------------------------

  /** A macro group of the product: its copy, group, width and deep tile, core and slot. */
  record Mg(int copy, long grp, long w, long d, int core, long slot) {}

  /** Cores computing one band together; the first is the lead. */
  record Unit(List<Integer> cores, Map<Integer, List<Mg>> mgs, int copies) {}

  void product(Operation op) {
    if (op.attr("streamed") != null) {
      streamed(op);
      return;
    }
    Geometry geo = geometry(op);
    long[] arrays = arrays(op, geo);
    long copies = FunctionLowering.longAttr(op, "copies");
    int home = FunctionLowering.core(op);
    List<Unit> units = units(geo, arrays, (int) copies);
    Operation requant = f.fusedRequantize.get(op);
    Value result = requant != null ? requant.result(0) : op.result(0);
    long outBytes = Layouts.bytes(result);
    long eb = Layouts.elementBytes(result.type());
    long rowBytes = geo.cout() * eb; // one pixel's outputs, channels-last

    // The input: padded on the home core if the convolution pads, then given to every core.
    Buf in = f.buf(op.operand(0), op);
    Buf padded = geo.kind().equals("conv2d") && geo.padded() ? pad(op, geo, in, home) : in;
    Map<Integer, Buf> inputs = distribute(op, padded, home, units);

    // Constant tables on the leads: bias (int32) and requantization records.
    Buf out = f.place(result, home, "omem", "imem", "arrays", "wmem");
    long bands = geo.bandRows();
    long total = 0;
    for (Unit u : units) {
      total += u.copies();
    }
    long start = 0;
    long done = 0;
    List<long[]> bandOf = new ArrayList<>();
    for (Unit u : units) {
      done += u.copies();
      long end = bands * done / total;
      bandOf.add(new long[] {start, end});
      start = end;
    }
    // Pixel-level transfers take ids first, unit by unit; the bands' ids follow.
    List<Buf> bandBufs = new ArrayList<>();
    for (int ui = 0; ui < units.size(); ui++) {
      Unit u = units.get(ui);
      long[] band = bandOf.get(ui);
      int lead = u.cores().get(0);
      Buf dest;
      long virtualBase;
      long p0 = band[0] * geo.pixelsPerBandRow();
      long p1 = band[1] * geo.pixelsPerBandRow();
      if (lead == home || out.global()) {
        dest = out;
        virtualBase = out.addr();
      } else {
        dest = f.allocate(lead, (p1 - p0) * rowBytes, "omem", "imem", "arrays", "wmem");
        virtualBase = dest.addr() - p0 * rowBytes;
      }
      bandBufs.add(dest);
      if (p1 > p0) {
        kernel(op, geo, u, inputs, p0, p1, dest, virtualBase, rowBytes, eb, requant);
      }
    }
    for (int ui = 0; ui < units.size(); ui++) {
      int lead = units.get(ui).cores().get(0);
      long[] band = bandOf.get(ui);
      long p0 = band[0] * geo.pixelsPerBandRow();
      long p1 = band[1] * geo.pixelsPerBandRow();
      if (lead == home || p1 <= p0) {
        continue;
      }
      Buf dest = bandBufs.get(ui);
      if (out.global()) {
        f.token(lead, home, op);
      } else if (dest.global()) {
        f.token(lead, home, op);
        f.copy(f.cores[home], dest, 0, out, p0 * rowBytes, (p1 - p0) * rowBytes, op);
      } else {
        f.transfer(lead, dest.addr(), home, out.addr() + p0 * rowBytes, (p1 - p0) * rowBytes);
      }
      if (dest.block() != null) {
        f.freeScratch(lead, dest.block());
      }
    }
    for (Map.Entry<Integer, Buf> e : inputs.entrySet()) {
      if (e.getKey() != home && e.getValue().block() != null) {
        f.freeScratch(e.getKey(), e.getValue().block());
      }
    }
    if (padded != in && padded.block() != null) {
      f.freeScratch(home, padded.block());
    }
    if (outBytes != out.bytes()) {
      throw new IllegalStateException("output size mismatch");
    }
  }

  /**
   * A product of two activations on the arrays (attention): per batch, the right operand's
   * K x N matrix is written into every copy's arrays in their byte order (deep tile d, block nb
   * of `columns` outputs: array `(w g + d) T + t` of the copy for nb = w T + t, row k - d kg of
   * it at byte `(k - d kg) columns`), then the kernel runs the batch's M rows. The right
   * operand goes from the op's core to the other cores that hold its arrays first.
   */
  private void streamed(Operation op) {
    Geometry geo = geometry(op);
    long[] arrays = arrays(op, geo);
    long copies = FunctionLowering.longAttr(op, "copies");
    int home = FunctionLowering.core(op);
    int per = f.map.arrays();
    long batch = Layouts.elements(op.operand(1)) / (geo.kd() * geo.nc());
    List<Unit> units = units(geo, arrays, (int) copies);
    Operation requant = f.fusedRequantize.get(op);
    Value result = requant != null ? requant.result(0) : op.result(0);
    long eb = Layouts.elementBytes(result.type());
    long rowBytes = geo.cout() * eb;
    long m = geo.pixels();
    Buf a = f.buf(op.operand(0), op);
    Buf out = f.place(result, home, "omem", "imem", "arrays", "wmem");
    if (units.size() > 1 || units.get(0).cores().get(0) != home) {
      throw new LoweringException(op, "multiplies two activations on arrays of " + units.size()
          + " units, which meta-to-isa lowers only for copies led by the op's core");
    }
    Map<Integer, Buf> rights = distribute(op, f.buf(op.operand(1), op), home, units);
    Map<Integer, Buf> lefts = distribute(op, a, home, units);
    long blocks = ceil(geo.nc(), geo.cols());
    long apc = geo.arraysPerCopy();
    for (long i = 0; i < batch; i++) {
      for (int j = 0; j < copies; j++) {
        for (long d = 0; d < geo.g(); d++) {
          long k0 = d * geo.kg();
          long depth = Math.min(geo.kg(), geo.kd() - k0);
          for (long nb = 0; nb < blocks; nb++) {
            long w = nb / geo.t();
            long arr = arrays[(int) (j * apc + ((w * geo.g() + d) * geo.t() + nb % geo.t()))];
            int core = (int) (arr / per);
            CoreStream s = f.cores[core];
            Buf b = rights.get(core);
            int sp = s.reg(b.addr() + i * geo.kd() * geo.nc() + k0 * geo.nc()
                + nb * geo.cols());
            int dp = s.reg(f.map.array(arr % per));
            long len = Math.min(geo.cols(), geo.nc() - nb * geo.cols());
            f.strided(s, List.of(new long[] {depth, geo.nc(), geo.cols()}), sp, b.global(), dp,
                false, len, op);
            s.free(sp, dp);
          }
        }
      }
      Map<Integer, Buf> rows = new java.util.TreeMap<>();
      for (Map.Entry<Integer, Buf> e : lefts.entrySet()) {
        Buf l = e.getValue();
        rows.put(e.getKey(), new Buf(l.core(), l.addr() + i * m * geo.kd(), m * geo.kd(),
            null));
      }
      kernel(op, geo, units.get(0), rows, 0, m, out, out.addr() + i * m * rowBytes, rowBytes,
          eb, requant);
    }
    for (Map<Integer, Buf> given : List.of(rights, lefts)) {
      for (Map.Entry<Integer, Buf> e : given.entrySet()) {
        if (e.getKey() != home && e.getValue().block() != null) {
          f.freeScratch(e.getKey(), e.getValue().block());
        }
      }
    }
  }

  /** The product's arrays, checked against its copies and the tiling of one copy. */
  private static long[] arrays(Operation op, Geometry geo) {
    long[] arrays = FunctionLowering.longs(op, "arrays");
    long copies = FunctionLowering.longAttr(op, "copies");
    if (arrays.length != copies * geo.arraysPerCopy()) {
      throw new LoweringException(op, "holds " + arrays.length + " arrays for " + copies
          + " copies, but a copy tiles onto " + geo.arraysPerCopy() + " arrays");
    }
    return arrays;
  }

  /** The units of a product: its cores' whole copies, or the cores of each large copy. */
  private List<Unit> units(Geometry geo, long[] arrays, int copies) {
    int per = f.map.arrays();
    long apc = geo.arraysPerCopy();
    long t = geo.t();
    Map<Integer, List<Mg>> byCore = new TreeMap<>();
    Map<Integer, List<Integer>> coresOfCopy = new LinkedHashMap<>();
    for (int j = 0; j < copies; j++) {
      for (long x = 0; x < geo.mgsPerCopy(); x++) {
        long a = arrays[(int) (j * apc + x * t)];
        int core = (int) (a / per);
        long grp = x / (geo.wg() * geo.g());
        long w = (x / geo.g()) % geo.wg();
        long d = x % geo.g();
        Mg mg = new Mg(j, grp, w, d, core, (a % per) / t);
        byCore.computeIfAbsent(core, k -> new ArrayList<>()).add(mg);
        List<Integer> cs = coresOfCopy.computeIfAbsent(j, k -> new ArrayList<>());
        if (!cs.contains(core)) {
          cs.add(core);
        }
      }
    }
    List<Unit> units = new ArrayList<>();
    boolean spans = coresOfCopy.values().stream().anyMatch(cs -> cs.size() > 1);
    if (!spans) {
      for (Map.Entry<Integer, List<Mg>> e : byCore.entrySet()) {
        int n = (int) e.getValue().stream().mapToInt(Mg::copy).distinct().count();
        units.add(new Unit(List.of(e.getKey()), Map.of(e.getKey(), e.getValue()), n));
      }
    } else {
      for (Map.Entry<Integer, List<Integer>> e : coresOfCopy.entrySet()) {
        Map<Integer, List<Mg>> mgs = new LinkedHashMap<>();
        for (int c : e.getValue()) {
          mgs.put(c, byCore.get(c).stream().filter(m -> m.copy() == e.getKey()).toList());
        }
        units.add(new Unit(e.getValue(), mgs, 1));
      }
    }
    return units;
  }

  /** The convolution's input with its padding materialised (zeros), on the home core. */
  private Buf pad(Operation op, Geometry geo, Buf in, int home) {
    return pad(op, in, home, geo.n(), geo.h(), geo.w(), geo.cin(), geo.pads(), 0);
  }

  /**
   * An NHWC image (n, h, w, c) copied into a buffer with `pads` (top, left, bottom, right)
   * rows and columns of `value` around it, on `home`.
   */
  Buf pad(Operation op, Buf in, int home, long n, long h, long w, long c, long[] pads,
      int value) {
    long hp = h + pads[0] + pads[2];
    long wp = w + pads[1] + pads[3];
    CoreStream s = f.cores[home];
    long bytes = n * hp * wp * c;
    Buf p = f.allocate(home, bytes, "imem", "omem", "arrays", "wmem");
    int dst = s.reg(p.addr());
    if (p.global()) {
      long chunk = Math.min(bytes, 1024);
      LocalMemory.Block zero = f.scratch(op, home, chunk);
      int z = s.reg(zero.addr());
      f.fill(s, z, chunk, value, op);
      int ptr = s.alloc();
      s.addi(ptr, dst, 0);
      s.loop(bytes / chunk, i -> {
        f.copy(s, z, false, ptr, true, chunk, op);
        s.addi(ptr, ptr, chunk);
      });
      f.copy(s, z, false, ptr, true, bytes % chunk, op);
      s.free(z, ptr);
      f.freeScratch(home, zero);
    } else {
      f.fill(s, dst, bytes, value, op);
    }
    long rowIn = w * c;
    long rowOut = wp * c;
    int src = s.reg(in.addr());
    int to = s.alloc();
    s.addi(to, dst, (pads[0] * wp + pads[1]) * c);
    long imagePad = (pads[0] + pads[2]) * rowOut;
    s.loop(n, i -> {
      s.loop(h, y -> {
        f.copy(s, src, in.global(), to, p.global(), rowIn, op);
        s.addi(src, src, rowIn);
        s.addi(to, to, rowOut);
      });
      s.addi(to, to, imagePad);
    });
    s.free(src, to, dst);
    return p;
  }

  /** The input on every core of the product: sent from the home core, or read in global memory. */
  private Map<Integer, Buf> distribute(Operation op, Buf in, int home, List<Unit> units) {
    Map<Integer, Buf> inputs = new TreeMap<>();
    inputs.put(home, in);
    for (Unit u : units) {
      for (int c : u.cores()) {
        if (inputs.containsKey(c)) {
          continue;
        }
        if (in.global()) {
          f.token(home, c, op);
          inputs.put(c, in);
          continue;
        }
        Buf there = f.allocate(c, in.bytes(), "imem", "omem", "arrays", "wmem");
        if (there.global()) {
          f.copy(f.cores[home], in, 0, there, 0, in.bytes(), op);
          f.token(home, c, op);
        } else {
          f.transfer(home, in.addr(), c, there.addr(), in.bytes());
        }
        inputs.put(c, there);
      }
    }
    return inputs;
  }

  /** One unit's band of pixels [p0, p1). */
  private void kernel(Operation op, Geometry shared, Unit unit, Map<Integer, Buf> inputs,
      long p0, long p1, Buf dest, long virtualBase, long rowBytes, long eb,
      Operation requant) {
    int lead = unit.cores().get(0);
    // A segment per width costs a gather of the patch per width and patch buffer, and saves
    // a CIM_MVM per width on every row selection: taken when the products it saves take
    // longer than the gather it adds (an add and a MEM_CPY per run, at the local bandwidth)
    // and all copies still fit.
    Geometry geo = shared;
    long gather = 0;
    for (long[] run : PixelGroup.runs(shared, 0, 0)) {
      gather += 2 + ceil(run[1], f.hw.core().local().bytesPerCycle());
    }
    if (shared.wg() > 1 && shared.kind().equals("conv2d")
        && shared.rowsUsed() * f.hw.core().macro().inputBits() > gather) {
      Geometry wide = shared.withWidthSegments();
      if (room(wide, unit, 1, dest.global() ? rowBytes : 0, requant != null)) {
        geo = wide;
      }
    }
    boolean rowsFit = wholeRows(geo, unit, rowBytes, eb);
    Fit fit = fitting(geo, unit, dest.global() ? rowBytes : 0, requant != null, rowsFit);
    Unit u = fit.unit();
    boolean whole = fit.wholeRows();
    int rep = u.copies();
    long tables = whole ? rep : 1; // the bias and records, once per copy for whole rows
    long slotBytes = geo.outputsPerGroup() * 4; // one macro group's int32 sums
    long perCopy = geo.cg() * geo.wg() * slotBytes; // a copy's sums, per (group, width)
    List<Integer> helpers = u.cores().subList(1, u.cores().size());
    long groups = (p1 - p0) / rep;
    long tail = (p1 - p0) - groups * rep;
    long idBase = f.nextId;
    f.nextId += (groups + (tail > 0 ? 1 : 0)) * helpers.size();

    boolean direct = direct(geo, u, inputs.get(lead), p0, p1);
    // Per core: patch buffer (none when the products read the input in place) and
    // accumulators.
    Map<Integer, LocalMemory.Block[]> work = new LinkedHashMap<>();
    long received = 0;
    for (int c : u.cores()) {
      List<Mg> mgs = u.mgs().get(c);
      long patch = direct ? 0 : segmentBytes(geo, mgs);
      LocalMemory.Block pb = direct ? null : f.scratch(op, c, patch);
      LocalMemory.Block acc = f.scratch(op, c, mgs.size() * slotBytes);
      work.put(c, new LocalMemory.Block[] {pb, acc});
      CoreStream s = f.cores[c];
      if (pb != null) {
        int r = s.reg(pb.addr());
        f.fill(s, r, patch, 0, op); // the tiles' tails stay zero
        s.free(r);
      }
      if (c != lead) {
        received = Math.max(received, mgs.size() * slotBytes);
      }
    }
    // Tables on the lead.
    CoreStream ls = f.cores[lead];
    LocalMemory.Block bias = null;
    if (op.numOperands() > 2) {
      Buf b = f.buf(op.operand(2), op);
      bias = f.scratch(op, lead, tables * geo.cout() * 4);
      f.copy(ls, b, 0, new Buf(lead, bias.addr(), geo.cout() * 4, bias), 0, geo.cout() * 4,
          op);
      FunctionLowering.replicate(ls, bias.addr(), geo.cout() * 4, tables);
    }
    LocalMemory.Block table = null;
    if (requant != null) {
      byte[] records = VectorKernels.requantRecords(requant, geo.cout());
      table = f.scratch(op, lead, tables * records.length);
      int src = ls.reg(f.data(records));
      int dst = ls.reg(table.addr());
      int n = ls.reg(records.length);
      ls.emit(Instruction.MEM_CPY, src, n, dst, 0, 0);
      ls.free(src, dst, n);
      FunctionLowering.replicate(ls, table.addr(), records.length, tables);
    }
    LocalMemory.Block sums = geo.sumsDeepTiles() || !helpers.isEmpty()
        ? f.scratch(op, lead, rep * perCopy) : null;
    LocalMemory.Block staging = dest.global()
        ? f.scratch(op, lead, tables * rowBytes) : null;

    LocalMemory.Block inbox = received > 0
        ? f.scratch(op, lead, received) : null;

    // The pixel loops, on every core of the unit.
    for (int ci = 0; ci < u.cores().size(); ci++) {
      int c = u.cores().get(ci);
      CoreStream s = f.cores[c];
      boolean isLead = c == lead;
      Buf in = inputs.get(c);
      int pix = s.reg(p0);
      int id = s.reg(isLead ? idBase : idBase + ci - 1);
      long idStep = isLead ? 0 : helpers.size();
      LocalMemory.Block[] wk = work.get(c);
      PixelGroup body = new PixelGroup(f, op, geo, u, c, in, wk[0], wk[1], slotBytes, perCopy,
          sums, inbox, bias, table, staging, dest, virtualBase, rowBytes, eb, requant, helpers,
          pix, id, idStep);
      body.work = work;
      body.wholeRows = whole;
      body.direct = direct;
      body.hoist(p0);
      int[] kept = body.constantSpecials();
      if (direct && !acrossRows(geo)) { // a row's pixels at a time: groups within a row
        long perRow = geo.wo() / rep;
        long rest = geo.wo() % rep;
        s.loopKeeping((p1 - p0) / geo.wo(), kept, row -> {
          s.loopKeeping(perRow, kept, i -> body.emit(rep));
          if (rest > 0) {
            body.emit((int) rest);
          }
          body.nextRow();
        });
      } else {
        s.loopKeeping(groups, kept, i -> body.emit(rep));
        if (tail > 0) {
          body.emit((int) tail);
        }
      }
      body.unhoist();
      s.free(pix, id);
      f.freeScratch(c, wk);
    }
    f.freeScratch(lead, bias, table, sums, staging, inbox);
  }

  /**
   * Whether the unit's products read their pixels' inputs where they lie, without a gather:
   * a row selection per kernel row (Geometry.kernelRows) and one macro group per copy, so
   * that the copies of a group read pixels `sw cin` apart, on one core of one image, from a
   * local input whose memory holds the bytes the last products read past it (a row
   * selection's `rows` inputs, past the kernel row's `kw cin`, meet zero weights).
   */
  private boolean direct(Geometry geo, Unit u, Buf in, long p0, long p1) {
    if (geo.kernelRows() == 0 || geo.mgsPerCopy() != 1 || u.cores().size() != 1
        || geo.n() != 1 || in.global() || p1 <= p0 || p0 % geo.wo() != 0
        || p1 % geo.wo() != 0) {
      return false;
    }
    long last = p1 - 1;
    long lastRead = in.addr() + (last % geo.wo()) * geo.sw() * geo.cin()
        + (last / geo.wo()) * geo.sh() * geo.wp() * geo.cin()
        + (geo.kh() - 1) * geo.dh() * geo.wp() * geo.cin() + geo.rowStride();
    long end = f.local[u.cores().get(0)].poolEnd(in.addr());
    return end >= 0 && lastRead <= end;
  }

  /**
   * Whether a pixel's input lies `sw cin` after its left neighbour's across row ends too
   * (`sh wp = wo sw`: a 1x1 convolution with stride 1 and no padding), so that a group may
   * span rows.
   */
  static boolean acrossRows(Geometry geo) {
    return geo.sh() * geo.wp() == geo.wo() * geo.sw();
  }

  /** A unit as it runs, and whether its epilogue takes the pixels of a group at once. */
  record Fit(Unit unit, boolean wholeRows) {}

  /**
   * The unit with as many of its copies working in lockstep as the lead's local memory has
   * room for (patch buffer, sums and tables grow with them); the others stay idle. A unit of
   * several cores keeps all its copies, one on each core: only its tables can shrink. The
   * epilogue takes whole rows (`rowsFit`) when its tables, once per copy, fit beside them.
   */
  private Fit fitting(Geometry geo, Unit u, long staging, boolean requant, boolean rowsFit) {
    int fewest = u.cores().size() > 1 ? u.copies() : 1;
    for (int rep = u.copies(); rep >= fewest; rep--) {
      Unit kept = rep == u.copies() ? u : keeping(u, rep);
      for (boolean whole : rowsFit ? new boolean[] {true, false} : new boolean[] {false}) {
        if (room(geo, kept, whole ? rep : 1, staging, requant)) {
          f.idleCopies += u.copies() - rep;
          return new Fit(kept, whole);
        }
      }
    }
    return new Fit(u, false); // not even one copy fits: the allocation below says so
  }

  /** The single-core unit `u` with only its first `rep` copies. */
  private static Unit keeping(Unit u, int rep) {
    int core = u.cores().get(0);
    int first = u.mgs().get(core).get(0).copy();
    List<Mg> mgs = u.mgs().get(core).stream().filter(m -> m.copy() - first < rep).toList();
    return new Unit(u.cores(), Map.of(core, mgs), rep);
  }

  /**
   * Whether every core of `u` has room for its part of all its copies' work, with `tables`
   * copies of the bias, requantization records and staging row on the lead.
   */
  private boolean room(Geometry geo, Unit u, long tables, long staging, boolean requant) {
    long slot = geo.outputsPerGroup() * 4;
    long perCopy = geo.cg() * geo.wg() * slot;
    int lead = u.cores().get(0);
    boolean sums = geo.sumsDeepTiles() || u.cores().size() > 1;
    long inbox = 0;
    for (int c : u.cores()) {
      long own = u.mgs().get(c).size() * slot;
      if (c != lead) {
        inbox = Math.max(inbox, own);
        if (!f.local[c].fits(segmentBytes(geo, u.mgs().get(c)), own)) {
          return false;
        }
      }
    }
    return f.local[lead].fits(tables * geo.cout() * 4, requant ? tables * geo.cout() * 8 : 0,
        sums ? u.copies() * perCopy : 0, tables * staging,
        segmentBytes(geo, u.mgs().get(lead)), u.mgs().get(lead).size() * slot, inbox);
  }

  /**
   * Whether the epilogue can take the `count` pixels of a group at once: their sums lie as
   * rows of all output channels one after another (every group's widths read out exactly its
   * channels, every group full; for sums straight from the accumulators, the lead's macro
   * groups in (copy, group, width) order), and so do their outputs.
   */
  static boolean wholeRows(Geometry geo, Unit u, long rowBytes, long eb) {
    boolean full = geo.wg() * geo.outputsPerGroup() == geo.nc()
        && geo.cout() == geo.cg() * geo.nc();
    if (!(full || compactReadout(geo, u)) || rowBytes != geo.cout() * eb) {
      return false;
    }
    if (geo.sumsDeepTiles() || u.cores().size() > 1) {
      return true; // the sums table is (copy, group, width)-major
    }
    List<Mg> mgs = u.mgs().get(u.cores().get(0));
    for (int i = 0; i < mgs.size(); i++) {
      Mg m = mgs.get(i);
      if (((m.copy() - mgs.get(0).copy()) * geo.cg() + m.grp()) * geo.wg() + m.w() != i) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the sums of a copy whose last width is not full can still lie as a row of its
   * channels: one deep tile and one group per copy, on one core, so that a CIM_OUT per copy
   * writes its widths' sums at the copy's row and the next copy's overwrites the unused
   * columns past it (PixelGroup.multiply).
   */
  static boolean compactReadout(Geometry geo, Unit u) {
    // one group: its outputs are the product's (a diagonal packing of one group is one width)
    return geo.wg() > 1 && geo.wg() * geo.outputsPerGroup() != geo.nc() && geo.cg() == 1
        && !geo.sumsDeepTiles() && u.cores().size() == 1;
  }

  /**
   * The patch segments the macro groups `mgs` read, in order of first use: per macro group
   * (wg = 1), else per (copy, group, deep tile). Maps each key to its index in the patch buffer.
   */
  static Map<List<Long>, Integer> segments(Geometry geo, List<Mg> mgs) {
    Map<List<Long>, Integer> index = new LinkedHashMap<>();
    if (geo.perGroup() || geo.tapRows()) {
      for (Mg m : mgs) {
        index.putIfAbsent(segmentKey(geo, m), index.size());
      }
      return index;
    }
    // The deep tiles of a (copy, group) lie in order, g apart from the next (copy, group), so
    // that a run of groups of one width reads them at one step even when it starts past d = 0.
    Map<List<Long>, Integer> base = new LinkedHashMap<>();
    for (Mg m : mgs) {
      int b = base.computeIfAbsent(List.of((long) m.copy(), m.grp()),
          k -> (int) (base.size() * geo.g()));
      index.put(segmentKey(geo, m), b + (int) m.d());
    }
    return index;
  }

  /** Bytes of patch buffer the segments of `mgs` take. */
  static long segmentBytes(Geometry geo, List<Mg> mgs) {
    Map<List<Long>, Integer> index = segments(geo, mgs);
    int most = 0;
    for (int i : index.values()) {
      most = Math.max(most, i + 1);
    }
    return most * geo.segmentSize();
  }

  static List<Long> segmentKey(Geometry geo, Mg m) {
    if (geo.tapRows()) {
      return List.of((long) m.copy());
    }
    return geo.perGroup() ? List.of((long) m.copy(), m.grp(), m.d(), m.slot())
        : List.of((long) m.copy(), m.grp(), m.d());
  }

  private static long[] orDefault(long[] v, long x) {
    return v.length == 2 ? v : new long[] {x, x};
  }

  static long ceil(long a, long b) {
    return (a + b - 1) / b;
  }
}
