package cimir.lowering.metatoisa;

import cimir.dialect.hw.AddressMap;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import cimir.dialect.isa.VecFunct;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Attribute;
import cimir.ir.Block;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.lowering.cost.Demand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Lowers one function's `meta.flow` to an `isa.program` (docs/design/meta-to-isa.md, part B).
 *
 * <p>Stage by stage: the mode switches, then the stage's operations in block order, each on
 * the cores it names, then a BARRIER of all cores. Every value of a stage gets a buffer on its
 * core, in the local memory its role prefers (inputs in the input memory, results in the output
 * memory, then the other memories and the memory-mode arrays of the core), freed after its last
 * use; a value no local memory holds lives in global memory, where kernels read and write it
 * through local staging. Transfers are numbered in one order per stage (the block order, which
 * is topological) and every core issues its own in that order, so no schedule can deadlock
 * (8.7); a value in global memory crosses cores as a 4-byte token that orders the reader after
 * the writer.
 */
final class FunctionLowering {
  /** Where a value is: a core's local memory or global memory (`core` = -1). */
  record Buf(int core, long addr, long bytes, LocalMemory.Block block) {
    boolean global() {
      return core < 0;
    }
  }

  final HardwareModel hw;
  final AddressMap map;
  final GlobalImage image;
  final CoreStream[] cores;
  final Layouts layouts;
  /** Per core, its memories during the current stage. */
  LocalMemory[] local;
  /** Inferences the program runs, one after another through each stage. */
  final int batch;
  /** Leading function arguments that are the network's inputs (one per inference). */
  private final int dataInputs;
  /**
   * Per inference, the buffers of its values (flow level and of the current stage); `bufs` is
   * the current inference's.
   */
  private final List<Map<Value, Buf>> imageBufs = new ArrayList<>();
  Map<Value, Buf> bufs;
  /** The inference whose code is emitted now. */
  int imageIndex;
  /** Buffers of the operands every inference shares (weights, biases). */
  private final Map<Value, Buf> shared = new HashMap<>();
  /** The operands of the `isa.program`: values from outside the flow, in order. */
  final List<Value> operands = new ArrayList<>();
  /** Each chip array's mode: true in memory mode. */
  final boolean[] memoryMode;
  /** Operations whose work another operation does (folded weight views, fused requantizes). */
  final Set<Operation> folded = new HashSet<>();
  /** Per meta.mvm, the meta.vec requantize fused into its kernel. */
  final Map<Operation, Operation> fusedRequantize = new HashMap<>();
  /** Per weight tensor (root value and slice box), its image in global memory. */
  private final Map<String, Long> weightImages = new HashMap<>();
  /** Per core and stage, the buffer holding the small constants (zero words, -128 bytes). */
  private final Map<Integer, Long> constants = new HashMap<>();
  /** Per core, the constants' buffer of the current stage, loaded at its first use. */
  private LocalMemory.Block[] constantBlocks;
  final Map<Long, Operation> sends = new HashMap<>();
  /** The next transfer id of the stage. */
  long nextId;
  /** Per value, the index of the last op of the stage that reads it. */
  private Map<Value, Integer> lastUse = Map.of();
  int stage;
  long instructions;
  /** Weight copies left idle because the core's local memory could not feed them all. */
  long idleCopies;

  FunctionLowering(HardwareModel hw, Operation flow, int batch, int dataInputs) {
    this.hw = hw;
    this.batch = batch;
    this.dataInputs = dataInputs;
    for (int b = 0; b < batch; b++) {
      imageBufs.add(new HashMap<>());
    }
    this.bufs = imageBufs.get(0);
    this.map = AddressMap.of(hw);
    this.image = new GlobalImage(map.globalBytes());
    this.cores = new CoreStream[hw.cores()];
    for (int c = 0; c < cores.length; c++) {
      cores[c] = new CoreStream(c);
    }
    this.memoryMode = new boolean[(int) hw.totalMacros()];
    List<Operation> all = new ArrayList<>();
    flow.walk(all::add);
    for (Operation op : all) {
      if (op.name().equals("meta.send")) {
        sends.put(Layouts.channelOf(op), op);
      }
    }
    this.layouts = new Layouts(all, sends);
    image.reserveData(dataBound(all));
  }

  /** An upper bound of the constant tables the flow's operations need, in bytes. */
  private static long dataBound(List<Operation> ops) {
    long bytes = 256;
    for (Operation op : ops) {
      if (op.name().equals("meta.vec") || op.name().equals("meta.mvm")) {
        long widest = 1;
        for (Value v : op.results()) {
          for (long d : Layouts.dims(v)) {
            widest = Math.max(widest, d);
          }
        }
        bytes += 8 * widest + 512;
      }
    }
    return bytes;
  }

  /** The program of the flow; the flow's ops stay (the pass erases them). */
  Operation lower(Operation flow) {
    analyse(flow);
    Block body = flow.region(0).entryBlock();
    List<Operation> pending = new ArrayList<>();
    for (Operation op : body) {
      switch (op.name()) {
        case "meta.switch", "meta.load_weights" -> pending.add(op);
        case "meta.parallel" -> {
          lowerStage(op, pending);
          pending.clear();
        }
        default -> { }
      }
    }
    Operation yield = body.last();
    for (int b = 0; b < batch; b++) {
      image(b);
      for (int i = 0; i < yield.numOperands(); i++) {
        Buf r = globalOf(yield.operand(i), yield);
        image.result(i, imageAttribute(), r.addr() - map.global(), r.bytes(),
            layoutName(yield.operand(i)));
      }
    }
    java.util.SortedMap<Integer, List<IsaInst>> code = new TreeMap<>();
    Map<Integer, List<Location>> origins = new HashMap<>();
    for (CoreStream s : cores) {
      code.put(s.core, s.code());
      origins.put(s.core, s.locations());
      instructions += s.size();
    }
    Operation program = new IsaProgram(code).toOp(flow.location(), origins);
    return program;
  }

  /** Finds the weight views that need no code and the requantizes fused into products. */
  private void analyse(Operation flow) {
    List<Operation> all = new ArrayList<>();
    flow.walk(all::add);
    // A load or slice is folded once all its uses are; repeat until nothing changes.
    for (int before = -1; before != folded.size(); ) {
      before = folded.size();
      for (Operation op : all) {
        if (op.name().equals("meta.load_weights")
            || op.name().equals("meta.mvm") && op.attr("streamed") == null) {
          foldWeightView(op.operand(op.name().equals("meta.mvm") ? 1 : 0));
        }
        if (op.name().equals("meta.vec") && kind(op).equals("conv2d")) {
          foldWeightView(op.operand(1));
        }
      }
    }
    for (Operation op : all) {
      if (op.name().equals("meta.mvm") && op.result(0).uses().size() == 1) {
        Operation user = op.result(0).uses().get(0).owner();
        if (user.name().equals("meta.vec") && kind(user).equals("requantize")
            && core(user) == core(op) && lastAxis(user)) {
          fusedRequantize.put(op, user);
          folded.add(user);
        }
      }
    }
  }

  /**
   * Marks the loads, slices and stores that only make weights for the arrays as folded: the
   * weights are read from global memory where the function's argument lies, whatever stage
   * sliced them.
   */
  private void foldWeightView(Value w) {
    Value v = w;
    while (v.definingOp() != null) {
      Operation def = v.definingOp();
      if (def.name().equals("meta.parallel")) {
        if (!weightOnly(v)) {
          return;
        }
        v = def.region(0).entryBlock().last().operand(resultIndex(def, v));
        continue;
      }
      boolean view = def.name().equals("meta.load") || def.name().equals("meta.store")
          || def.name().equals("meta.vec") && kind(def).equals("slice");
      if (!view || !weightOnly(def.result(0))) {
        return;
      }
      folded.add(def);
      v = def.operand(0);
    }
  }

  /** Whether every use of `v` reads it as weights (or passes it on to such uses only). */
  private boolean weightOnly(Value v) {
    for (var use : v.uses()) {
      Operation u = use.owner();
      boolean weights = u.name().equals("meta.load_weights") || folded.contains(u)
          || u.name().equals("meta.mvm") && use.index() == 1 && u.attr("streamed") == null
          || u.name().equals("meta.vec") && kind(u).equals("conv2d") && use.index() == 1;
      if (!weights && u.name().equals("meta.yield") && u.parentOp() != null
          && u.parentOp().name().equals("meta.parallel")) {
        weights = weightOnly(u.parentOp().result(use.index()));
      }
      if (!weights) {
        return false;
      }
    }
    return true;
  }

  private static int resultIndex(Operation op, Value v) {
    for (int i = 0; i < op.numResults(); i++) {
      if (op.result(i) == v) {
        return i;
      }
    }
    throw new IllegalStateException("not a result");
  }

  /** The value outside the flow a weight view reads, and its slice box (starts, ends). */
  record WeightView(Value root, long[] starts, long[] ends) {
    String key() {
      return System.identityHashCode(root) + java.util.Arrays.toString(starts)
          + java.util.Arrays.toString(ends);
    }
  }

  WeightView weightView(Value w) {
    long[] shape = Layouts.dims(w);
    long[] starts = new long[shape.length];
    long[] ends = shape.clone();
    Value v = w;
    while (v.definingOp() != null && (folded.contains(v.definingOp())
        || v.definingOp().name().equals("meta.parallel"))) {
      Operation def = v.definingOp();
      if (def.name().equals("meta.parallel")) {
        v = def.region(0).entryBlock().last().operand(resultIndex(def, v));
        continue;
      }
      if (def.name().equals("meta.vec")) {
        long[] axes = longs(def, "axes");
        long[] s = longs(def, "starts");
        for (int i = 0; i < axes.length; i++) {
          int a = (int) axes[i];
          starts[a] += s[i];
          ends[a] += s[i];
        }
      }
      v = def.operand(0);
    }
    return new WeightView(v, starts, ends);
  }

  /**
   * A part of the op at `location` lowered apart from it, named "NAME (what)" (the weights of
   * a product, loaded before its stage starts), so that its time is counted apart.
   */
  private static Location part(Location location, String what) {
    String names = location == null ? null : location.names();
    return names == null ? location : new Location.Name(names + " (" + what + ")", location);
  }

  /** The instructions emitted next, on every core, come from `location`. */
  private void at(Location location) {
    for (CoreStream s : cores) {
      s.at = location;
    }
  }

  private void lowerStage(Operation par, List<Operation> before) {
    stage = (int) longAttr(par, "segment");
    nextId = 0;
    constants.clear();
    local = new LocalMemory[cores.length];
    for (Operation op : before) {
      if (op.name().equals("meta.switch")) {
        at(part(op.location(), "switch"));
        lowerSwitch(op);
      }
    }
    for (int c = 0; c < cores.length; c++) {
      local[c] = new LocalMemory();
      local[c].add(new LocalMemory.Pool("imem", map.imem(), map.imemBytes()));
      local[c].add(new LocalMemory.Pool("omem", map.omem(), map.omemBytes()));
      local[c].add(new LocalMemory.Pool("wmem", map.wmem(), map.wmemBytes()));
    }
    addMemoryArrays();
    constantBlocks = new LocalMemory.Block[cores.length];
    for (int c = 0; c < cores.length; c++) {
      constantBlocks[c] = local[c].allocBest(32); // first, so that it splits no free range
    }
    long[] need = new long[cores.length];
    for (Operation op : par.region(0).entryBlock()) {
      if (op.name().equals("meta.mvm") || op.name().equals("meta.vec")) {
        long ws = workingSet(op);
        for (int c : coresOf(op)) {
          need[c] = Math.max(need[c], ws);
        }
      }
    }
    for (int c = 0; c < cores.length; c++) {
      local[c].reserve(need[c]);
    }
    for (Operation op : before) {
      if (op.name().equals("meta.load_weights")) {
        at(part(op.location(), "weights"));
        new ProductKernels(this).loadWeights(op);
      }
    }
    List<Operation> ops = par.region(0).entryBlock().ops();
    lastUse = new HashMap<>();
    for (int i = 0; i < ops.size(); i++) {
      for (Value v : ops.get(i).operands()) {
        lastUse.put(v, i);
      }
    }
    // The inferences one after another, their transfers in that order too (8.7): a core
    // starts on the next inference while the stage's later cores work on this one.
    boolean weightsStay = weightsStay(ops);
    for (int b = 0; b < batch; b++) {
      image(b);
      lowerImage(par, ops, b == 0 || !weightsStay);
    }
    image(0);
    at(Location.Unknown.INSTANCE);
    for (CoreStream s : cores) {
      int n = s.reg(cores.length);
      int id = s.reg(stage);
      s.emit(Instruction.BARRIER, n, id);
      s.free(n, id);
    }
  }

  /** Makes inference `b` the one whose code is emitted next. */
  private void image(int b) {
    imageIndex = b;
    bufs = imageBufs.get(b);
  }

  /** The `image` attribute of a region of the current inference (none at batch 1). */
  private Attribute imageAttribute() {
    return batch == 1 ? null : Attribute.IntegerAttr.i64(imageIndex);
  }

  /**
   * Whether the weights the stage's `ops` load stay in their arrays for all its inferences: no
   * two of its operations use the same array (a product of activations rewrites its arrays
   * for every inference).
   */
  private static boolean weightsStay(List<Operation> ops) {
    Set<Long> used = new HashSet<>();
    for (Operation op : ops) {
      if (op.name().equals("meta.load_weights")
          || op.name().equals("meta.mvm") && op.attr("streamed") != null) {
        for (long a : longs(op, "arrays")) {
          if (!used.add(a)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * The current inference's pass through the stage's operations `ops`, loading the weights
   * into the arrays when `loadWeights` (else an earlier inference left them there).
   */
  private void lowerImage(Operation par, List<Operation> ops, boolean loadWeights) {
    for (int i = 0; i < ops.size(); i++) {
      Operation op = ops.get(i);
      if (!folded.contains(op) && (loadWeights || !op.name().equals("meta.load_weights"))) {
        try {
          at(op.name().equals("meta.load_weights") ? part(op.location(), "weights")
              : op.location());
          lowerOp(op);
        } catch (IllegalStateException e) {
          throw new LoweringException(op, e.getMessage());
        }
      }
      for (Value v : op.operands()) {
        if (lastUse.get(v) == i) {
          release(v, i);
        }
      }
    }
    Operation yield = ops.get(ops.size() - 1);
    for (int r = 0; r < par.numResults(); r++) {
      Buf b = bufs.get(yield.operand(r));
      if (b != null) { // null: weights a later stage reads from their argument
        bufs.put(par.result(r), b);
      }
    }
  }

  /** The cores an operation computes on: its own, and those of its arrays. */
  private int[] coresOf(Operation op) {
    java.util.TreeSet<Integer> cs = new java.util.TreeSet<>();
    cs.add(core(op));
    for (long a : longs(op, "arrays")) {
      cs.add((int) (a / map.arrays()));
    }
    return cs.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Local bytes an operation's kernel needs besides its operands: for a product, one copy's
   * patch buffer, sums and tables; for vector work, its staging and windows.
   */
  private long workingSet(Operation op) {
    if (op.name().equals("meta.mvm")) {
      ProductKernels.Geometry g = new ProductKernels(this).geometry(op);
      long slot = g.t() * g.cols() * 4;
      long row = g.cout() * 4;
      return g.segmentsPerCopy() * g.kg() + g.mgsPerCopy() * slot
          + (g.sumsDeepTiles() ? g.cg() * g.wg() * slot : 0) + row * 4 + 64;
    }
    long[] d = Layouts.dims(op.result(0));
    long window = 0;
    if (d.length == 4 && op.numOperands() > 0 && Layouts.rank(op.operand(0)) == 4) {
      long[] x = Layouts.dims(op.operand(0));
      window = 8 * (x[3] + 8) * x[1] * 4; // a few padded input rows, int32 sums of a row
    }
    long weights = 0;
    if (kind(op).equals("conv2d") && op.numOperands() > 1) { // tap-major weights, bias, sums
      weights = Layouts.elements(op.operand(1)) + 8 * Layouts.dims(op.operand(1))[0];
    }
    return 3 * VectorKernels.STAGING * 4 + window + weights;
  }

  /** The memory-mode arrays of each core, in runs of consecutive arrays, as local pools. */
  private void addMemoryArrays() {
    int per = map.arrays();
    for (int a = 0; a < memoryMode.length; ) {
      if (!memoryMode[a]) {
        a++;
        continue;
      }
      int start = a;
      while (a < memoryMode.length && memoryMode[a] && a / per == start / per) {
        a++;
      }
      local[start / per].add(new LocalMemory.Pool("arrays", map.array(start % per),
          (a - start) * map.arrayBytes()));
    }
  }

  /**
   * Frees `v`'s buffer after its last use (op `at` of the stage), unless the stage yields it or
   * another value still to be read shares the buffer (a reshape's result is its operand's).
   */
  private void release(Value v, int at) {
    Buf b = bufs.get(v);
    if (b == null || b.block() == null || isStageResult(v)) {
      return;
    }
    for (Map.Entry<Value, Buf> e : bufs.entrySet()) {
      Value w = e.getKey();
      if (w != v && e.getValue().block() == b.block()
          && (lastUse.getOrDefault(w, -1) > at || isStageResult(w))) {
        return;
      }
    }
    local[b.core()].free(b.block());
    for (Map.Entry<Value, Buf> e : bufs.entrySet()) {
      if (e.getValue().block() == b.block()) { // freed: no longer readable
        e.setValue(new Buf(b.core(), -1, b.bytes(), null));
      }
    }
  }

  private boolean isStageResult(Value v) {
    for (var use : v.uses()) {
      if (use.owner().name().equals("meta.yield")) {
        return true;
      }
    }
    return false;
  }

  private void lowerOp(Operation op) {
    switch (op.name()) {
      case "meta.load" -> lowerLoad(op);
      case "meta.store" -> lowerStore(op);
      case "meta.send" -> lowerSend(op);
      case "meta.recv" -> { } // lowered with its send
      case "meta.load_weights" -> new ProductKernels(this).loadWeights(op);
      case "meta.mvm" -> new ProductKernels(this).product(op);
      case "meta.vec" -> new VectorKernels(this).lower(op);
      case "meta.yield" -> { }
      default -> throw new LoweringException(op, "has no lowering to the isa dialect");
    }
  }

  // ---- switches --------------------------------------------------------------------------

  /** CIM_SWITCH per run of consecutive arrays of a core (8.8). */
  private void lowerSwitch(Operation op) {
    boolean toMemory = ((Attribute.StringAttr) op.attr("to")).value().equals("memory");
    long[] arrays = longs(op, "arrays");
    int per = map.arrays();
    for (int i = 0; i < arrays.length; ) {
      int j = i;
      while (j + 1 < arrays.length && arrays[j + 1] == arrays[j] + 1
          && arrays[j + 1] / per == arrays[i] / per) {
        j++;
      }
      CoreStream s = cores[(int) (arrays[i] / per)];
      int first = s.reg(arrays[i] % per);
      int count = s.reg(j - i + 1);
      s.emit(Instruction.CIM_SWITCH, first, count, toMemory ? 32 : 0);
      s.free(first, count);
      for (int k = i; k <= j; k++) {
        memoryMode[(int) arrays[k]] = toMemory;
      }
      i = j + 1;
    }
  }

  // ---- buffers ---------------------------------------------------------------------------

  /** A buffer for `v` on `core`, in the first pool of `prefer` with room, else global memory. */
  Buf place(Value v, int core, String... prefer) {
    long bytes = Layouts.bytes(v);
    Buf b = allocate(core, bytes, prefer);
    bufs.put(v, b);
    return b;
  }

  /** A local buffer for `v` on `core` in the first pool of `prefer` with room, or null. */
  Buf placeLocal(Value v, int core, String... prefer) {
    long bytes = Layouts.bytes(v);
    LocalMemory.Block block = local[core].allocValue(bytes, prefer);
    if (block == null) {
      return null;
    }
    Buf b = new Buf(core, block.addr(), bytes, block);
    bufs.put(v, b);
    return b;
  }

  /** `bytes` on `core` in the first pool of `prefer` with room, else in global memory. */
  Buf allocate(int core, long bytes, String... prefer) {
    LocalMemory.Block block = local[core].allocValue(bytes, prefer);
    if (block != null) {
      return new Buf(core, block.addr(), bytes, block);
    }
    return new Buf(-1, map.global() + image.alloc(bytes, null), bytes, null);
  }

  /**
   * Scratch on `core` that must be local (a kernel's working buffers): in the first of `prefer`
   * with room, else in the smallest hole of any local memory that holds it.
   */
  LocalMemory.Block scratch(Operation op, int core, long bytes, String... prefer) {
    LocalMemory.Block b = prefer.length > 0 ? local[core].alloc(bytes, prefer) : null;
    if (b == null) {
      b = local[core].allocBest(bytes);
    }
    if (b == null) {
      throw new LoweringException(op, "needs " + bytes + " bytes of local working memory on"
          + " core " + core + ", which its local memories no longer have (" + local[core].used()
          + " of " + local[core].total() + " bytes in use)");
    }
    return b;
  }

  void freeScratch(int core, LocalMemory.Block... blocks) {
    for (LocalMemory.Block b : blocks) {
      if (b != null) {
        local[core].free(b);
      }
    }
  }

  /** The buffer of `v`, which must have been made on `core` (or be in global memory). */
  Buf buf(Value v, Operation user) {
    Buf b = bufs.get(v);
    if (b == null) {
      b = globalOf(v, user);
    }
    if (b.addr() < 0) {
      throw new LoweringException(user, "reads a value whose buffer was already freed");
    }
    return b;
  }

  /**
   * The global buffer of a value from outside the flow (a program operand, in its layout) or
   * of an earlier stage's result.
   */
  Buf globalOf(Value v, Operation user) {
    Buf b = bufs.get(v);
    if (b == null) {
      b = shared.get(v);
    }
    if (b != null) {
      return b;
    }
    Operation def = v.definingOp();
    if (def != null && def.name().startsWith("meta.")) {
      throw new LoweringException(user, "reads a value no earlier operation placed");
    }
    int index = operands.indexOf(v);
    if (index < 0) {
      index = operands.size();
      operands.add(v);
    }
    // A network input has a region per inference; weights and biases one for all.
    boolean perImage = !Demand.isWeight(v, dataInputs);
    long bytes = Layouts.bytes(v);
    DictionaryAttr region = DictionaryAttr.EMPTY
        .with("kind", Attribute.StringAttr.of("operand"))
        .with("index", Attribute.IntegerAttr.i64(index))
        .with("layout", Attribute.StringAttr.of(layoutName(v)));
    if (perImage && batch > 1) {
      region = region.with("image", imageAttribute());
    }
    b = new Buf(-1, map.global() + image.alloc(bytes, region), bytes, null);
    (perImage ? bufs : shared).put(v, b);
    return b;
  }

  /**
   * The global buffer of a value from outside the flow placed by the host in a named layout
   * other than its own (a depthwise convolution's weights tap-major: "taps").
   */
  Buf operandImage(Value v, String layout, Operation user) {
    Operation def = v.definingOp();
    if (def != null && def.name().startsWith("meta.")) {
      throw new LoweringException(user, "reads weights made on the chip, which it expects"
          + " from global memory");
    }
    String key = System.identityHashCode(v) + layout;
    Long at = weightImages.get(key);
    long bytes = Layouts.bytes(v);
    if (at == null) {
      int index = operands.indexOf(v);
      if (index < 0) {
        index = operands.size();
        operands.add(v);
      }
      at = map.global() + image.alloc(bytes, DictionaryAttr.EMPTY
          .with("kind", Attribute.StringAttr.of("operand"))
          .with("index", Attribute.IntegerAttr.i64(index))
          .with("layout", Attribute.StringAttr.of(layout)));
      weightImages.put(key, at);
    }
    return new Buf(-1, at, bytes, null);
  }

  String layoutName(Value v) {
    return layouts.nhwc(v) ? "nhwc" : "row-major";
  }

  /** The global address of weights `w` laid out for the arrays by `layout`, made once. */
  long weightImage(Value w, long bytes, DictionaryAttr layout) {
    WeightView view = weightView(w);
    Operation def = view.root().definingOp();
    if (def != null && def.name().startsWith("meta.")) {
      throw new LoweringException(def, "makes weights on the chip ('" + kind(def) + "'), which"
          + " the arrays can only load from global memory");
    }
    String key = view.key() + layout;
    Long at = weightImages.get(key);
    if (at == null) {
      int index = operands.indexOf(view.root());
      if (index < 0) {
        index = operands.size();
        operands.add(view.root());
      }
      at = map.global() + image.alloc(bytes, layout
          .with("kind", Attribute.StringAttr.of("operand"))
          .with("index", Attribute.IntegerAttr.i64(index))
          .with("layout", Attribute.StringAttr.of("macro"))
          .with("starts", Attribute.DenseArrayAttr.i64(view.starts()))
          .with("ends", Attribute.DenseArrayAttr.i64(view.ends())));
      weightImages.put(key, at);
    }
    return at;
  }

  /** The global address of constant bytes. */
  long data(byte[] bytes) {
    return map.global() + image.data(bytes);
  }

  /**
   * A local buffer on `core` holding, from its first byte: 16 zero bytes, then 16 bytes of
   * -128 (fill values), loaded once per stage.
   */
  long constants(int core, Operation op) {
    Long at = constants.get(core);
    if (at == null) {
      byte[] bytes = new byte[32];
      java.util.Arrays.fill(bytes, 16, 32, (byte) -128);
      long src = data(bytes);
      LocalMemory.Block b = constantBlocks[core];
      CoreStream s = cores[core];
      int rs = s.reg(src);
      int rd = s.reg(b.addr());
      int n = s.reg(32);
      s.emit(Instruction.MEM_CPY, rs, n, rd, 0, 0);
      s.free(rs, rd, n);
      at = b.addr();
      constants.put(core, at);
    }
    return at;
  }

  // ---- data movement ---------------------------------------------------------------------

  /**
   * Copies `bytes` from `GRF[src]` to `GRF[dst]` on core `s`; when both ends are in global
   * memory the bytes pass through local staging in chunks.
   */
  void copy(CoreStream s, int src, boolean srcGlobal, int dst, boolean dstGlobal, long bytes,
      Operation op) {
    if (bytes <= 0) {
      return;
    }
    if (!(srcGlobal && dstGlobal)) {
      int n = s.reg(bytes);
      s.emit(Instruction.MEM_CPY, src, n, dst, 0, 0);
      s.free(n);
      return;
    }
    long chunk = Math.min(bytes, 4096);
    LocalMemory.Block stage = scratch(op, s.core, chunk);
    int buf = s.reg(stage.addr());
    int a = s.alloc();
    int b = s.alloc();
    s.addi(a, src, 0);
    s.addi(b, dst, 0);
    long whole = bytes / chunk;
    int n = s.reg(chunk);
    s.loop(whole, i -> {
      s.emit(Instruction.MEM_CPY, a, n, buf, 0, 0);
      s.emit(Instruction.MEM_CPY, buf, n, b, 0, 0);
      s.addi(a, a, chunk);
      s.addi(b, b, chunk);
    });
    long rest = bytes - whole * chunk;
    if (rest > 0) {
      s.li(n, rest);
      s.emit(Instruction.MEM_CPY, a, n, buf, 0, 0);
      s.emit(Instruction.MEM_CPY, buf, n, b, 0, 0);
    }
    s.free(buf, a, b, n);
    freeScratch(s.core, stage);
  }

  /** Copies the `bytes` at `addr` to fill `times` of them, doubling what is there each time. */
  static void replicate(CoreStream s, long addr, long bytes, long times) {
    long have = bytes;
    long want = bytes * times;
    if (have >= want) {
      return;
    }
    int src = s.reg(addr);
    int dst = s.alloc();
    int n = s.alloc();
    while (have < want) {
      long k = Math.min(have, want - have);
      s.li(dst, addr + have);
      s.li(n, k);
      s.emit(Instruction.MEM_CPY, src, n, dst, 0, 0);
      have += k;
    }
    s.free(src, dst, n);
  }

  /** Copies buffer `from` (plus `offset`) to `to`, `bytes` long, on core `s`. */
  void copy(CoreStream s, Buf from, long offset, Buf to, long toOffset, long bytes,
      Operation op) {
    int src = s.reg(from.addr() + offset);
    int dst = s.reg(to.addr() + toOffset);
    copy(s, src, from.global(), dst, to.global(), bytes, op);
    s.free(src, dst);
  }

  /**
   * Nested loops of MEM_CPY: `loops` {count, source stride, destination stride}, outermost
   * first, around a copy of `run` bytes from `GRF[sp]` to `GRF[dp]`.
   */
  void strided(CoreStream s, List<long[]> loops, int sp, boolean sg, int dp, boolean dg,
      long run, Operation op) {
    strided(s, loops, 0, sp, sg, dp, dg, run, op);
  }

  private void strided(CoreStream s, List<long[]> loops, int level, int sp, boolean sg, int dp,
      boolean dg, long run, Operation op) {
    if (level == loops.size()) {
      copy(s, sp, sg, dp, dg, run, op);
      return;
    }
    long[] l = loops.get(level);
    int a = s.alloc();
    int b = s.alloc();
    s.addi(a, sp, 0);
    s.addi(b, dp, 0);
    s.loop(l[0], i -> {
      strided(s, loops, level + 1, a, sg, b, dg, run, op);
      s.addi(a, a, l[1]);
      s.addi(b, b, l[2]);
    });
    s.free(a, b);
  }

  private void lowerLoad(Operation op) {
    int core = core(op);
    Buf src = buf(op.operand(0), op);
    boolean arrays = ((Attribute.StringAttr) op.attr("to")).value().equals("arrays");
    Buf dst = arrays ? placeLocal(op.result(0), core, "arrays", "imem", "omem", "wmem")
        : placeLocal(op.result(0), core, "imem", "omem", "arrays", "wmem");
    if (dst == null) {
      bufs.put(op.result(0), src); // no local memory holds it: read it where it is
      return;
    }
    copy(cores[core], src, 0, dst, 0, dst.bytes(), op);
  }

  private void lowerStore(Operation op) {
    int core = core(op);
    Buf src = buf(op.operand(0), op);
    if (src.global()) {
      bufs.put(op.result(0), src);
      return;
    }
    long bytes = Layouts.bytes(op.result(0));
    Buf dst = new Buf(-1, map.global() + image.alloc(bytes, null), bytes, null);
    copy(cores[core], src, 0, dst, 0, bytes, op);
    bufs.put(op.result(0), dst);
  }

  /**
   * A send and its receive: the receiver's buffer is placed first, so the SEND names it. A
   * value in global memory on either side crosses as a token after the sender wrote it there.
   */
  private void lowerSend(Operation send) {
    Operation recv = recvOf(send);
    int from = (int) longAttr(send, "from");
    int to = (int) longAttr(send, "to");
    Buf src = buf(send.operand(0), send);
    long bytes = Layouts.bytes(send.operand(0));
    Buf dst = src.global() ? src : placeLocal(recv.result(0), to, "imem", "omem", "arrays",
        "wmem");
    if (dst == null) { // the receiver has no room: the sender writes it to global memory
      dst = new Buf(-1, map.global() + image.alloc(bytes, null), bytes, null);
      copy(cores[from], src, 0, dst, 0, bytes, send);
    }
    bufs.put(recv.result(0), dst);
    if (src.global() || dst.global()) {
      token(from, to, send);
    } else {
      transfer(from, src.addr(), to, dst.addr(), bytes);
    }
  }

  private Operation recvOf(Operation send) {
    long ch = Layouts.channelOf(send);
    for (Operation op : send.block()) {
      if (op.name().equals("meta.recv") && Layouts.channelOf(op) == ch) {
        return op;
      }
    }
    throw new LoweringException(send, "has no meta.recv on channel " + ch);
  }

  /** One SEND on `from` and its RECV on `to`, with the next id of the stage. */
  void transfer(int from, long srcAddr, int to, long dstAddr, long bytes) {
    long id = nextId++;
    emitTransfer(cores[from], Instruction.SEND, srcAddr, to, dstAddr, bytes, id);
    emitTransfer(cores[to], Instruction.RECV, dstAddr, from, srcAddr, bytes, id);
  }

  /** SEND rs=src, rt=core, rd=dst, re=bytes, rf=id; RECV rs=core, rt=src, rd=dst, ... */
  private static void emitTransfer(CoreStream s, Instruction kind, long own, int peer,
      long other, long bytes, long id) {
    int a = s.reg(kind == Instruction.SEND ? own : peer);
    int b = s.reg(kind == Instruction.SEND ? peer : other);
    int d = s.reg(kind == Instruction.SEND ? other : own);
    int n = s.reg(bytes);
    int t = s.reg(id);
    s.emit(kind, a, b, d, n, t);
    s.free(a, b, d, n, t);
  }

  /** A 4-byte transfer that only orders the receiver after the sender. */
  void token(int from, int to, Operation op) {
    long a = constants(from, op);
    long b = constants(to, op);
    transfer(from, a, to, b + 28, 4);
  }

  // ---- the vector unit -------------------------------------------------------------------


  /**
   * One VEC_OP of `inputs` inputs over `GRF[len]` elements, with the element widths (bits) of
   * input 1, input 2 and the output in special registers 16, 17 and 20; inputs 3 and 4 are
   * at the addresses in special registers 21 and 22 (set by the caller).
   */
  static void vec(CoreStream s, int funct, int inputs, int in1, int in2, int out, int len,
      int bits1, int bits2, int bitsOut) {
    s.sli(16, bits1);
    s.sli(17, bits2);
    s.sli(20, bitsOut);
    s.emit(Instruction.VEC_OP, in1, in2, out, len, funct, inputs);
  }

  /**
   * Sets `bytes` at `GRF[dst]` (local) to `value` (0 or -128), as VSET of 8-bit elements
   * from the core's constants.
   */
  void fill(CoreStream s, int dst, long bytes, int value, Operation op) {
    if (bytes <= 0) {
      return;
    }
    long c = constants(s.core, op) + (value == 0 ? 0 : 16);
    int src = s.reg(c);
    int n = s.reg(bytes);
    vec(s, VecFunct.VSET, 1, src, CoreStream.ZERO, dst, n, 8, 8, 8);
    s.free(src, n);
  }

  // ---- attributes ------------------------------------------------------------------------

  static String kind(Operation op) {
    return op.attr("kind") instanceof Attribute.StringAttr s ? s.value() : "";
  }

  static int core(Operation op) {
    return (int) longAttr(op, "core");
  }

  static long longAttr(Operation op, String name) {
    return op.attr(name) instanceof Attribute.IntegerAttr i ? i.value().longValue() : 0;
  }

  static long longAttr(Operation op, String name, long otherwise) {
    return op.attr(name) instanceof Attribute.IntegerAttr i ? i.value().longValue()
        : otherwise;
  }

  static long[] longs(Operation op, String name) {
    return op.attr(name) instanceof Attribute.DenseArrayAttr d ? d.longValues() : new long[0];
  }

  /** Whether a requantize scales along the dimension that is last in memory. */
  boolean lastAxis(Operation requantize) {
    long[] m = longs(requantize, "multiplier");
    if (m.length <= 1) {
      return true;
    }
    Value v = requantize.operand(0);
    long axis = longAttr(requantize, "axis", 1);
    int rank = Layouts.rank(v);
    return axis == rank - 1 || rank == 4 && axis == 1 && layouts.nhwc(v);
  }

  static Map<String, Long> named(Object... pairs) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], ((Number) pairs[i + 1]).longValue());
    }
    return m;
  }

  static boolean isInteger(Value v) {
    return ((Type.RankedTensorType) v.type()).elementType() instanceof Type.IntegerType;
  }
}
