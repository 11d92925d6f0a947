package cimir.lowering.metatoisa;

import static cimir.lowering.metatoisa.ProductKernels.DESTINATION_OFFSET;
import static cimir.lowering.metatoisa.ProductKernels.ceil;
import static cimir.lowering.metatoisa.ProductKernels.segmentBytes;
import static cimir.lowering.metatoisa.ProductKernels.segmentKey;
import static cimir.lowering.metatoisa.ProductKernels.segments;

import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.VecFunct;
import cimir.ir.Operation;
import cimir.lowering.metatoisa.FunctionLowering.Buf;
import cimir.lowering.metatoisa.ProductKernels.Geometry;
import cimir.lowering.metatoisa.ProductKernels.Mg;
import cimir.lowering.metatoisa.ProductKernels.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The code of one pixel group on one core of a product kernel's unit (ProductKernels). */
final class PixelGroup {
  private final FunctionLowering f;
  final Operation op;
  final Geometry geo;
  final Unit u;
  final int core;
  final Buf in;
  final LocalMemory.Block pb;
  final LocalMemory.Block acc;
  final long slotBytes;
  final long perCopy;
  final LocalMemory.Block sums;
  final LocalMemory.Block inbox;
  final LocalMemory.Block bias;
  final LocalMemory.Block table;
  final LocalMemory.Block staging;
  final Buf dest;
  final long virtualBase;
  final long rowBytes;
  final long eb;
  final Operation requant;
  final List<Integer> helpers;
  final int pix;
  final int id;
  final long idStep;
  final CoreStream s;
  final List<Mg> mgs;
  Map<Integer, LocalMemory.Block[]> work;
  /** Whether the epilogue takes the group's pixels at once (ProductKernels.wholeRows). */
  boolean wholeRows;
  /** Whether the products read the input in place, without a gather (ProductKernels.direct). */
  boolean direct;

  PixelGroup(FunctionLowering f, Operation op, Geometry geo, Unit u, int core, Buf in, LocalMemory.Block pb,
      LocalMemory.Block acc, long slotBytes, long perCopy, LocalMemory.Block sums,
      LocalMemory.Block inbox, LocalMemory.Block bias, LocalMemory.Block table,
      LocalMemory.Block staging, Buf dest, long virtualBase, long rowBytes, long eb,
      Operation requant, List<Integer> helpers, int pix, int id, long idStep) {
    this.f = f;
    this.op = op;
    this.geo = geo;
    this.u = u;
    this.core = core;
    this.in = in;
    this.pb = pb;
    this.acc = acc;
    this.slotBytes = slotBytes;
    this.perCopy = perCopy;
    this.sums = sums;
    this.inbox = inbox;
    this.bias = bias;
    this.table = table;
    this.staging = staging;
    this.dest = dest;
    this.virtualBase = virtualBase;
    this.rowBytes = rowBytes;
    this.eb = eb;
    this.requant = requant;
    this.helpers = helpers;
    this.pix = pix;
    this.id = id;
    this.idStep = idStep;
    this.s = f.cores[core];
    this.mgs = u.mgs().get(core);
  }

  /** `count` pixels from `GRF[pix]`, one per copy; advances `pix` by `count`. */
  void emit(int count) {
    List<Mg> active = new ArrayList<>();
    for (Mg m : mgs) {
      if (u.copies() == 1 || localCopy(m) < count) {
        active.add(m);
      }
    }
    if (direct) {
      multiplyInPlace(active, count);
    } else {
      gather(count, active);
      multiply(active);
    }
    boolean isLead = core == u.cores().get(0);
    if (isLead) {
      if (sums != null) {
        accumulate(active, count);
      }
      if (wholeRows) {
        epilogueRows(count);
      } else {
        epilogue(count, active);
      }
    } else {
      int len = s.reg(active.size() * slotBytes);
      int src = s.reg(acc.addr());
      int to = s.reg(u.cores().get(0));
      int dst = s.reg(inbox.addr());
      s.emit(Instruction.SEND, src, to, dst, len, id);
      s.free(len, src, to, dst);
      s.addi(id, id, idStep);
    }
    s.addi(pix, pix, count);
  }

  /** A copy's position among the copies of this core. */
  private int localCopy(Mg m) {
    return m.copy() - mgs.get(0).copy();
  }

  /** The gather's constants, in registers for the whole pixel loop: value to register. */
  private final Map<Long, Integer> hoisted = new LinkedHashMap<>();
  /**
   * Registers holding the patch buffer's address and every 1024 bytes after it while the
   * pixel loop runs (MEM_CPY's immediate reaches 1023 bytes on), as far as they are hoisted.
   */
  private final List<Integer> patchBases = new ArrayList<>();
  /** At most this many patch buffer windows of 1024 bytes have a register. */
  private static final int WINDOWS = 4;
  /** At most this many constants stay in registers through the pixel loop. */
  private static final int HOISTED = 10;
  /** Registers left free for the pixel loop's body when constants are hoisted. */
  private static final int RESERVED = 12;

  /**
   * Before the pixel loop: the patch buffer's address and the lengths and source steps of
   * the gather's runs (the same for every pixel) into registers, so that a run costs an add
   * and a MEM_CPY whose immediate places it in the patch buffer.
   */
  void hoist(long p0) {
    if (direct) { // the walk alone: the address of the group's first pixel
      walkAt = s.reg(pixelAddress(p0));
      walkX = CoreStream.ZERO;
      walkWo = CoreStream.ZERO;
      walkY = CoreStream.ZERO;
      walkHo = CoreStream.ZERO;
      walkConstant(u.copies() * geo.sw() * geo.cin());
      walkConstant((geo.sh() * geo.wp() - geo.wo() * geo.sw()) * geo.cin());
      return;
    }
    patchBases.add(s.reg(pb.addr()));
    if (s.freeRegisters() >= RESERVED + 8) {
      startWalk(p0);
    }
    long patch = segmentBytes(geo, mgs);
    while (patchBases.size() < Math.min(WINDOWS, ceil(patch, 1024))
        && s.freeRegisters() > RESERVED) {
      patchBases.add(s.reg(pb.addr() + 1024L * patchBases.size()));
    }
    java.util.Set<Long> values = new java.util.LinkedHashSet<>();
    for (Mg m : mgs) {
      long prev = 0;
      boolean firstRun = true;
      for (long[] run : runs(geo, m.grp(), m.d())) {
        values.add(run[1]);
        long step = run[0] - prev;
        if (!firstRun && (step < -1024 || step >= 1024)) {
          values.add(step);
        }
        prev = run[0];
        firstRun = false;
      }
    }
    for (long v : values) {
      if (hoisted.size() < HOISTED && s.freeRegisters() > RESERVED) {
        hoisted.put(v, s.reg(v));
      }
    }
  }

  void unhoist() {
    for (int r : hoisted.values()) {
      s.free(r);
    }
    hoisted.clear();
    for (int r : walkConstants.values()) {
      s.free(r);
    }
    walkConstants.clear();
    if (walkAt >= 0) {
      s.free(walkAt, walkX, walkWo, walkY, walkHo);
      walkAt = -1;
    }
    for (int r : patchBases) {
      s.free(r);
    }
    patchBases.clear();
  }

  // The pixel walk: the input address of the next pixel's patch (`walkAt`), stepped a pixel
  // at a time with its column (and for a batch, its row) counted, instead of dividing the
  // pixel index. walkY and walkHo stay r0 for one image.
  private int walkAt = -1;
  private int walkX;
  private int walkWo;
  private int walkY;
  private int walkHo;
  /** The walk's steps that do not fit SC_RI's immediate, in registers. */
  private final Map<Long, Integer> walkConstants = new LinkedHashMap<>();

  /** The input address of pixel `p`'s patch. */
  private long pixelAddress(long p) {
    if (!geo.kind().equals("conv2d")) {
      return in.addr() + p * geo.kd();
    }
    long c = geo.cin();
    long x = p % geo.wo();
    long y = (p / geo.wo()) % geo.ho();
    long n = p / (geo.wo() * geo.ho());
    return in.addr() + x * geo.sw() * c + y * geo.sh() * geo.wp() * c
        + n * geo.hp() * geo.wp() * c;
  }

  private void startWalk(long p0) {
    walkAt = s.reg(pixelAddress(p0));
    walkX = CoreStream.ZERO;
    walkWo = CoreStream.ZERO;
    walkY = CoreStream.ZERO;
    walkHo = CoreStream.ZERO;
    if (!geo.kind().equals("conv2d")) {
      walkConstant(geo.kd());
      return;
    }
    long c = geo.cin();
    walkX = s.reg(p0 % geo.wo());
    walkWo = s.reg(geo.wo());
    walkConstant(geo.sw() * c);
    walkConstant(geo.sh() * geo.wp() * c - geo.wo() * geo.sw() * c);
    if (geo.n() > 1) {
      walkY = s.reg((p0 / geo.wo()) % geo.ho());
      walkHo = s.reg(geo.ho());
      walkConstant((geo.hp() - geo.ho() * geo.sh()) * geo.wp() * c);
    }
  }

  private void walkConstant(long v) {
    if ((v < -1024 || v >= 1024) && !walkConstants.containsKey(v)) {
      walkConstants.put(v, s.reg(v));
    }
  }

  /** `GRF[walkAt] += v` in one instruction. */
  private void walkAdd(long v) {
    Integer r = walkConstants.get(v);
    if (r != null) {
      s.op(CoreStream.ADD, walkAt, walkAt, r);
    } else {
      s.opi(CoreStream.ADD, walkAt, walkAt, v);
    }
  }

  /**
   * The walk to the next pixel: the column advances; past the last one it restarts at 0 and
   * the address moves to the next row (and past the last row, to the next image):
   * <pre>
   *   at += sw C;  x += 1;  BLT x, Wo, +3;  x = 0;  at += sh Wp C - Wo sw C
   *   (batch:  y += 1;  BLT y, Ho, +3;  y = 0;  at += (Hp - Ho sh) Wp C)
   * </pre>
   */
  private void walkStep() {
    if (!geo.kind().equals("conv2d")) {
      walkAdd(geo.kd());
      return;
    }
    long c = geo.cin();
    walkAdd(geo.sw() * c);
    s.addi(walkX, walkX, 1);
    boolean batch = geo.n() > 1;
    s.emit(Instruction.BLT, walkX, walkWo, batch ? 7 : 3);
    s.emit(Instruction.SC_RI, CoreStream.ZERO, walkX, CoreStream.ADD, 0);
    walkAdd(geo.sh() * geo.wp() * c - geo.wo() * geo.sw() * c);
    if (batch) {
      s.addi(walkY, walkY, 1);
      s.emit(Instruction.BLT, walkY, walkHo, 3);
      s.emit(Instruction.SC_RI, CoreStream.ZERO, walkY, CoreStream.ADD, 0);
      walkAdd((geo.hp() - geo.ho() * geo.sh()) * geo.wp() * c);
    }
  }

  /** Each active macro group's segment of its pixel's patch into the patch buffer. */
  private void gather(int count, List<Mg> active) {
    Map<List<Long>, Integer> segs = segments(geo, active);
    int base = walkAt >= 0 ? walkAt : s.alloc();
    int src = s.alloc();
    for (int c = 0; c < Math.max(1, u.copies() == 1 ? 1 : count); c++) {
      final int copy = c;
      List<Mg> first = new ArrayList<>(); // one macro group per segment of this copy
      java.util.Set<List<Long>> seen = new java.util.HashSet<>();
      for (Mg m : active) {
        if ((u.copies() == 1 || localCopy(m) == copy) && seen.add(segmentKey(geo, m))) {
          first.add(m);
        }
      }
      if (first.isEmpty()) {
        if (walkAt >= 0) {
          walkStep();
        }
        continue;
      }
      if (walkAt < 0) {
        pixelBase(base, copy);
      }
      for (Mg m : first) {
        long at = segs.get(segmentKey(geo, m)) * geo.segmentSize();
        Long prev = null;
        for (long[] run : runs(geo, m.grp(), m.d())) {
          Integer step = prev == null ? null : hoisted.get(run[0] - prev);
          if (prev == null) {
            s.addi(src, base, run[0]);
          } else if (step != null) {
            s.op(CoreStream.ADD, src, src, step);
          } else {
            s.addi(src, src, run[0] - prev);
          }
          prev = run[0];
          Integer len = hoisted.get(run[1]);
          int n = len != null ? len : s.reg(run[1]);
          long offset = at + run[2];
          if (offset / 1024 < patchBases.size()) {
            s.emit(Instruction.MEM_CPY, src, n, patchBases.get((int) (offset / 1024)),
                offset % 1024, DESTINATION_OFFSET);
          } else {
            int dst = s.reg(pb.addr() + offset);
            s.emit(Instruction.MEM_CPY, src, n, dst, 0, 0);
            s.free(dst);
          }
          if (len == null) {
            s.free(n);
          }
        }
      }
      if (walkAt >= 0) {
        walkStep();
      }
    }
    s.free(src);
    if (walkAt < 0) {
      s.free(base);
    }
  }

  /** `GRF[base]` = the input address of pixel `pix + copy`'s patch. */
  private void pixelBase(int base, int copy) {
    int p = s.alloc();
    s.addi(p, pix, copy);
    if (!geo.kind().equals("conv2d")) {
      s.opi(CoreStream.MUL, base, p, geo.kd());
      s.addi(base, base, in.addr());
      s.free(p);
      return;
    }
    long c = geo.cin();
    int q = s.alloc();
    int t = s.alloc();
    s.opi(CoreStream.DIV, q, p, geo.wo()); // q = n ho + y
    s.opi(CoreStream.MOD, t, p, geo.wo()); // x
    s.opi(CoreStream.MUL, base, t, geo.sw() * c);
    s.opi(CoreStream.MOD, t, q, geo.ho()); // y
    s.opi(CoreStream.MUL, t, t, geo.sh() * geo.wp() * c);
    s.op(CoreStream.ADD, base, base, t);
    if (geo.n() > 1) {
      s.opi(CoreStream.DIV, t, q, geo.ho()); // n
      s.opi(CoreStream.MUL, t, t, geo.hp() * geo.wp() * c);
      s.op(CoreStream.ADD, base, base, t);
    }
    s.addi(base, base, in.addr());
    s.free(p, q, t);
  }

  /**
   * Runs of segment `d` of group `grp`'s patch: {offset from the pixel's input address,
   * bytes, offset in the segment}. Patch element k = (kh Kw + kw) cinG + ci.
   */
  static List<long[]> runs(Geometry geo, long grp, long d) {
    if (geo.tapRows()) { // the patch as the input holds it: a run per kernel row
      List<long[]> rows = new ArrayList<>();
      long c = geo.cin();
      for (long i = 0; i < geo.kh(); i++) {
        for (long j = 0; j < (geo.dw() == 1 ? 1 : geo.kw()); j++) {
          rows.add(new long[] {(i * geo.dh() * geo.wp() + j * geo.dw()) * c,
              geo.dw() == 1 ? geo.kw() * c : c, (i * geo.kw() + j) * c});
        }
      }
      return rows;
    }
    if (geo.kernelRows() > 0) { // a run per kernel row, at its own row selections
      List<long[]> rows = new ArrayList<>();
      for (long i = 0; i < geo.kh(); i++) {
        rows.add(new long[] {i * geo.dh() * geo.wp() * geo.cin(), geo.kw() * geo.cin(),
            i * geo.rowStride()});
      }
      return rows;
    }
    long lo = d * geo.kg();
    long hi = Math.min(geo.kd(), lo + geo.kg());
    List<long[]> out = new ArrayList<>();
    if (!geo.kind().equals("conv2d")) {
      out.add(new long[] {lo, hi - lo, 0});
      return out;
    }
    long c = geo.cin();
    for (long kh = 0; kh < geo.kh(); kh++) {
      for (long kw = 0; kw < geo.kw(); kw++) {
        long k0 = (kh * geo.kw() + kw) * geo.cinG();
        long k1 = k0 + (geo.diagonal() ? geo.channelsOf(grp) : geo.cinG());
        long a = Math.max(lo, k0);
        long b = Math.min(hi, k1);
        if (a >= b) {
          continue;
        }
        long src = (kh * geo.dh() * geo.wp() + kw * geo.dw()) * c + grp * geo.cinG()
            + (a - k0);
        long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && last[0] + last[1] == src && last[2] + last[1] == a - lo) {
          last[1] += b - a; // contiguous with the previous run
        } else {
          out.add(new long[] {src, b - a, a - lo});
        }
      }
    }
    return out;
  }

  /**
   * One CIM_MVM per row selection and run of macro groups that read evenly spaced segments:
   * consecutive groups (wg = 1, step kg); the widths of a (copy, group), all reading the
   * same segment (g = 1, step 0); the deep tiles of a (copy, group, width) (step kg). Then
   * one CIM_OUT per run of consecutive groups.
   */
  private void multiply(List<Mg> active) {
    Map<List<Long>, Integer> segs = segments(geo, active);
    List<long[]> runs = new ArrayList<>(); // {first index in active, count, input, step}
    for (int i = 0; i < active.size(); ) {
      Mg a = active.get(i);
      int j = i;
      while (j + 1 < active.size() && active.get(j + 1).slot() == active.get(j).slot() + 1
          && sameRun(a, active.get(j + 1))) {
        j++;
      }
      long step = geo.tapRows() ? geo.cols() : geo.perGroup() || geo.g() > 1 ? geo.kg() : 0;
      // the run's first input: its segment, and with tapRows its first group's channels
      runs.add(new long[] {i, j - i + 1, segs.get(segmentKey(geo, a)) * geo.segmentSize()
          + (geo.tapRows() ? a.grp() * geo.cols() : 0), step});
      i = j + 1;
    }
    constantSpecials();
    boolean uniform = runs.stream().allMatch(r -> r[1] == runs.get(0)[1]
        && r[3] == runs.get(0)[3]);
    if (uniform) {
      s.sli(4, runs.get(0)[1]);
      s.sli(6, runs.get(0)[3]);
    }
    // With tapRows a product reads a tap's `columns` channels per group, the next tap `cin`
    // bytes on; else a row of `rows` inputs, the next one right after it.
    int len = s.reg(geo.tapRows() ? geo.cols() : geo.rows());
    long rowStep = geo.tapRows() ? geo.cin() : geo.rows();
    // One input pointer per segment the runs start at (the widths of a deep tile share
    // theirs), stepped a row of inputs per trip.
    // Without registers enough for the pointers, each product computes its input's address.
    long starts = runs.stream().mapToLong(r -> r[2]).distinct().count();
    Map<Long, Integer> ptrs = new LinkedHashMap<>();
    if (starts + 4 <= s.freeRegisters()) {
      for (long[] run : runs) {
        ptrs.computeIfAbsent(run[2], k -> s.reg(pb.addr() + k));
      }
    }
    int ptr = s.alloc();
    if (runs.size() == 1) {
      s.sli(9, active.get(0).slot());
    }
    int[] kept = !uniform ? new int[] {0, 1, 2, 3, 5} : runs.size() == 1
        ? new int[] {0, 1, 2, 3, 4, 5, 6, 9} : new int[] {0, 1, 2, 3, 4, 5, 6};
    s.loopKeeping(geo.rowsUsed(), kept, r -> {
      for (long[] run : runs) {
        s.sli(4, run[1]);
        s.sli(6, run[3]);
        s.sli(9, active.get((int) run[0]).slot());
        Integer p = ptrs.get(run[2]);
        if (p == null) {
          s.li(ptr, pb.addr() + run[2]);
          if (r != CoreStream.ZERO) {
            int off = s.alloc();
            s.opi(CoreStream.MUL, off, r, rowStep);
            s.op(CoreStream.ADD, ptr, ptr, off);
            s.free(off);
          }
        }
        s.emit(Instruction.CIM_MVM, p != null ? p : ptr, len, r, CoreStream.ZERO, 32);
      }
      for (int p : ptrs.values()) {
        s.addi(p, p, rowStep);
      }
    });
    for (int p : ptrs.values()) {
      s.free(p);
    }
    s.free(len, ptr);
    readout(active);
  }

  /**
   * The products of a pixel group whose copies read their pixels in place (`direct`): from
   * the group's first pixel at `walkAt`, its copies `sw cin` apart, kernel row i's row
   * selections at `i dh wp cin` on, one CIM_MVM per row selection and run of consecutive
   * macro groups; the walk then moves past the group's pixels.
   */
  private void multiplyInPlace(List<Mg> active, int count) {
    constantSpecials();
    long pixelStep = geo.sw() * geo.cin();
    s.sli(6, pixelStep);
    int len = s.reg(geo.rows());
    int ptr = s.alloc();
    int row = s.alloc();
    for (long r = 0; r < geo.rowsUsed(); r++) {
      long offset = r / geo.kernelRows() * geo.dh() * geo.wp() * geo.cin()
          + r % geo.kernelRows() * geo.rows();
      s.li(row, r);
      for (int i = 0; i < active.size(); ) {
        int j = i;
        while (j + 1 < active.size() && active.get(j + 1).slot() == active.get(j).slot() + 1) {
          j++;
        }
        s.sli(4, j - i + 1);
        s.sli(9, active.get(i).slot());
        s.addi(ptr, walkAt, offset + localCopy(active.get(i)) * pixelStep);
        s.emit(Instruction.CIM_MVM, ptr, len, row, CoreStream.ZERO, 32);
        i = j + 1;
      }
    }
    s.free(len, ptr, row);
    walkAdd(count * pixelStep);
    readout(active);
  }

  /** Past a row's last pixel group (`direct`): the walk to the next row's first pixel. */
  void nextRow() {
    walkAdd((geo.sh() * geo.wp() - geo.wo() * geo.sw()) * geo.cin());
  }

  /**
   * One CIM_OUT per run of consecutive macro groups: their sums into the accumulators, in
   * macro group order (or, compact, at each copy's row of channels).
   */
  private void readout(List<Mg> active) {
    int ptr = s.alloc();
    int n = s.reg(geo.outputsPerGroup());
    boolean compact = wholeRows && ProductKernels.compactReadout(geo, u);
    for (int i = 0; i < active.size(); ) {
      int j = i;
      while (j + 1 < active.size() && active.get(j + 1).slot() == active.get(j).slot() + 1
          && !(compact && active.get(j + 1).copy() != active.get(i).copy())) {
        j++;
      }
      s.sli(4, j - i + 1);
      s.sli(9, active.get(i).slot());
      // compact: a copy's sums at its row of channels, in copy order (a copy's macro groups
      // lie copy-major, so group i is number i - c G of its copy c)
      long c = localCopy(active.get(i));
      s.li(ptr, acc.addr() + (compact ? c * geo.cout() * 4
          + (i - c * geo.mgsPerCopy()) * slotBytes : i * slotBytes));
      s.emit(Instruction.CIM_OUT, n, CoreStream.ZERO, ptr, 0);
      i = j + 1;
    }
    s.free(ptr, n);
  }

  /**
   * Sets the special registers every pixel group's products read alike (input, output and
   * weight bits, macros per group, outputs per group) and names them, so that the pixel loop
   * keeps them instead of setting them again on every trip.
   */
  int[] constantSpecials() {
    s.sli(0, 8);
    s.sli(1, 32);
    s.sli(2, 8);
    s.sli(3, geo.t());
    s.sli(5, geo.outputsPerGroup());
    return new int[] {0, 1, 2, 3, 5};
  }

  /** Whether macro group `b` can share an MVM with a run that starts at `a`. */
  private boolean sameRun(Mg a, Mg b) {
    if (geo.tapRows()) {
      return a.copy() == b.copy();
    }
    if (geo.perGroup()) {
      return true;
    }
    boolean sameCopyGroup = a.copy() == b.copy() && a.grp() == b.grp();
    return geo.g() == 1 ? sameCopyGroup : sameCopyGroup && a.w() == b.w();
  }

  /** The lead's sums per (copy, group, width): its own deep tiles and the helpers'. */
  private void accumulate(List<Mg> active, int count) {
    // A sum is made by its first two contributions (or copied from a lone one), not
    // zeroed first, when every sum of the group has one.
    java.util.Set<List<Long>> needed = new java.util.HashSet<>();
    for (int c = 0; c < Math.max(1, u.copies() == 1 ? 1 : count); c++) {
      for (long grp = 0; grp < geo.cg(); grp++) {
        for (long w = 0; w < geo.wg(); w++) {
          needed.add(List.of((long) c, grp, w));
        }
      }
    }
    java.util.Set<List<Long>> covered = new java.util.HashSet<>();
    for (Mg m : active) {
      covered.add(sumKey(m));
    }
    for (int h : helpers) {
      for (Mg m : u.mgs().get(h)) {
        covered.add(sumKey(m));
      }
    }
    java.util.Set<List<Long>> made = new java.util.HashSet<>();
    if (!covered.containsAll(needed)) {
      int z = s.reg(sums.addr());
      f.fill(s, z, count * perCopy, 0, op);
      s.free(z);
      made.addAll(covered);
    }
    addSlots(active, acc.addr(), made);
    for (int h : helpers) {
      List<Mg> theirs = u.mgs().get(h);
      int src = s.reg(h);
      int from = s.reg(work.get(h)[1].addr());
      int dst = s.reg(inbox.addr());
      int len = s.reg(theirs.size() * slotBytes);
      s.emit(Instruction.RECV, src, from, dst, len, id);
      s.free(src, from, dst, len);
      s.addi(id, id, 1);
      addSlots(theirs, inbox.addr(), made);
    }
  }

  /** The sum a macro group adds into: its (copy on this core, group, width). */
  private List<Long> sumKey(Mg m) {
    return List.of((long) (u.copies() == 1 ? 0 : localCopy(m)), m.grp(), m.w());
  }

  /**
   * Adds the slots at `from` (one per macro group of `list`) into their sums; a sum not yet
   * `made` takes its first two slots' sum (or its one slot's copy).
   */
  private void addSlots(List<Mg> list, long from, java.util.Set<List<Long>> made) {
    int len = s.reg(geo.outputsPerGroup());
    Map<List<Long>, List<Integer>> bySum = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      bySum.computeIfAbsent(sumKey(list.get(i)), k -> new ArrayList<>()).add(i);
    }
    for (Map.Entry<List<Long>, List<Integer>> e : bySum.entrySet()) {
      List<Long> k = e.getKey();
      int a = s.reg(sums.addr() + k.get(0) * perCopy + (k.get(1) * geo.wg() + k.get(2))
          * slotBytes);
      int b = s.alloc();
      List<Integer> slots = e.getValue();
      int next = 0;
      if (made.add(k)) {
        s.li(b, from + slots.get(0) * slotBytes);
        if (slots.size() == 1) {
          int n = s.reg(slotBytes);
          s.emit(Instruction.MEM_CPY, b, n, a, 0, 0);
          s.free(n);
          next = 1;
        } else {
          int b2 = s.reg(from + slots.get(1) * slotBytes);
          FunctionLowering.vec(s, VecFunct.VEC_ADD, 2, b, b2, a, len, 32, 32, 32);
          s.free(b2);
          next = 2;
        }
      }
      for (int j = next; j < slots.size(); j++) {
        s.li(b, from + slots.get(j) * slotBytes);
        FunctionLowering.vec(s, VecFunct.VEC_ADD, 2, a, b, a, len, 32, 32, 32);
      }
      s.free(a, b);
    }
    s.free(len);
  }

  /**
   * The group's `count` pixels at once, their sums rows of all output channels one after
   * another: bias, then int8 (fused requantize) or int32 out, then (for a global output)
   * the rows to global memory.
   */
  private void epilogueRows(int count) {
    long n = count * geo.cout();
    int outp = s.alloc();
    s.opi(CoreStream.MUL, outp, pix, rowBytes);
    if (!dest.global()) {
      s.addi(outp, outp, virtualBase);
    }
    int src = s.reg(sums != null ? sums.addr() : acc.addr());
    int len = s.reg(n);
    if (bias != null) {
      int b = s.reg(bias.addr());
      FunctionLowering.vec(s, VecFunct.VEC_ADD, 2, src, b, src, len, 32, 32, 32);
      s.free(b);
    }
    int to = dest.global() ? s.reg(staging.addr()) : outp;
    if (requant != null) {
      int q = s.reg(table.addr());
      FunctionLowering.vec(s, VecFunct.VEC_QUANTIZE, 2, src, q, to, len, 32, 64, 8);
      s.free(q);
    } else {
      s.li(len, n * 4);
      s.emit(Instruction.MEM_CPY, src, len, to, 0, 0);
    }
    if (dest.global()) {
      s.addi(outp, outp, virtualBase);
      f.copy(s, to, false, outp, true, count * rowBytes, op);
      s.free(to);
    }
    s.free(outp, src, len);
  }

  /** Per pixel of the group: bias, then int8 (fused requantize) or int32 out. */
  private void epilogue(int count, List<Mg> active) {
    Map<List<Long>, Integer> direct = new java.util.HashMap<>(); // (copy, grp, w) -> slot
    for (int i = 0; i < active.size(); i++) {
      Mg m = active.get(i);
      direct.put(List.of((long) (u.copies() == 1 ? 0 : localCopy(m)), m.grp(), m.w()),
          i);
    }
    int outp = s.alloc();
    for (int c = 0; c < count; c++) {
      // outp = virtualBase + (pix + c) * rowBytes
      int p = s.alloc();
      s.addi(p, pix, c);
      s.opi(CoreStream.MUL, outp, p, rowBytes);
      s.free(p);
      s.addi(outp, outp, dest.global() ? 0 : virtualBase);
      int target = s.alloc();
      if (dest.global()) {
        s.li(target, staging.addr());
      } else {
        s.addi(target, outp, 0);
      }
      for (long grp = 0; grp < geo.cg(); grp++) {
        for (long w = 0; w < geo.wg(); w++) {
          long o = grp * geo.nc() + w * geo.t() * geo.cols();
          long l = Math.min(geo.t() * geo.cols(),
              geo.channelsOf(grp) - w * geo.t() * geo.cols());
          if (l <= 0) {
            continue;
          }
          int slot = s.reg(sums != null
              ? sums.addr() + c * perCopy + (grp * geo.wg() + w) * slotBytes
              : acc.addr() + direct.get(List.of((long) c, grp, w)) * slotBytes);
          int len = s.reg(l);
          if (bias != null) {
            int b = s.reg(bias.addr() + o * 4);
            FunctionLowering.vec(s, VecFunct.VEC_ADD, 2, slot, b, slot, len, 32, 32,
                32);
            s.free(b);
          }
          int to = s.alloc();
          s.addi(to, target, o * eb);
          if (requant != null) {
            int q = s.reg(table.addr() + o * 8);
            FunctionLowering.vec(s, VecFunct.VEC_QUANTIZE, 2, slot, q, to, len, 32,
                64, 8);
            s.free(q);
          } else {
            s.li(len, l * 4);
            s.emit(Instruction.MEM_CPY, slot, len, to, 0, 0);
          }
          s.free(slot, len, to);
        }
      }
      if (dest.global()) {
        int g = s.alloc();
        s.addi(g, outp, virtualBase);
        f.copy(s, target, false, g, true, rowBytes, op);
        s.free(g);
      }
      s.free(target);
    }
    s.free(outp);
  }
}
