package cimir.lowering.optometa;

import cimir.dialect.func.FuncOp;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.meta.MetaDialect;
import cimir.ir.Attribute;
import cimir.ir.Block;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.lowering.graphtoop.Hardware;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.Stage;
import cimir.transforms.segment.SegmentPass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * `op-to-meta`: spells each segment out on concrete cores and arrays. Per segment, in order:
 * the mode switches of exactly the arrays whose mode changes, then a `meta.parallel` with the
 * loads from global memory (into memory-mode arrays where the allocation gave the operator
 * some, else into local memory), each product's weight load into its compute arrays just
 * before it (weights may be sliced from a function argument within the segment), the
 * products and vector work, the core-to-core transfers, and the stores of what later
 * segments read.
 *
 * <p>Cores come from `place.cores` when `place` ran, else each operator that owns cores takes
 * the next free ones in order, and work without arrays runs on the core of its producer in the
 * segment (else of its consumer, else core 0). Arrays: a copy of a operator's weights takes a
 * consecutive arrays on its cores (floor(A / a) copies a core, or ceil(a / A) cores a copy, as
 * the allocation counted them); on a single-core chip the arrays are one pool. Memory-mode
 * arrays are taken from the free arrays, those already in memory mode first, so that switches
 * are as few as the allocation assumed.
 */
public final class OpToMetaPass implements Pass {
  /** Holds when the functions' work is in `meta.flow`s. */
  public static final Stage META = new Stage("meta", "every function's work in a meta.flow",
      m -> {
        boolean[] any = {false};
        m.walk(op -> any[0] |= op.name().equals("meta.flow"));
        return any[0];
      });

  public static final PassInfo INFO = new PassInfo("op-to-meta",
      "lower segmented, allocated op operators to meta-operators on concrete cores and arrays",
      List.of(Hardware.ARCH_OPTION), o -> new OpToMetaPass(o.getString("arch")));

  private final String arch;

  public OpToMetaPass(String arch) {
    this.arch = arch;
  }

  @Override
  public Set<Stage> requires() {
    return Set.of(SegmentPass.SEGMENTED);
  }

  @Override
  public Set<Stage> produces() {
    return Set.of(META);
  }

  @Override
  public void run(Operation module, PassContext ctx) {
    HardwareModel hw = Hardware.of(module, arch, ctx);
    if (hw == null) {
      return;
    }
    for (FuncOp f : FuncOp.definitions(module)) {
      MetaBuilder b = new MetaBuilder(hw, f.body(), ctx);
      if (!b.lower()) {
        ctx.fail();
        return;
      }
      ctx.count("switched arrays", b.switched);
      ctx.count("weight loads", b.weightLoads);
      ctx.count("transfers", b.transfers);
      ctx.count("loads", b.loads);
      ctx.count("stores", b.stores);
    }
  }

  /** Builds one function's `meta.flow`. */
  private static final class MetaBuilder {
    private final HardwareModel hw;
    private final Block body;
    private final PassContext ctx;
    private final long perCore;
    private final boolean pooled;
    /** Each array's mode after the segments lowered so far. */
    private final boolean[] memory;
    /** Values in global memory: function arguments and earlier segments' stored results. */
    private final Map<Value, Value> global = new HashMap<>();
    long switched;
    long weightLoads;
    long transfers;
    long loads;
    long stores;

    MetaBuilder(HardwareModel hw, Block body, PassContext ctx) {
      this.hw = hw;
      this.body = body;
      this.ctx = ctx;
      this.perCore = hw.core().macros();
      this.pooled = hw.cores() == 1;
      this.memory = new boolean[(int) (hw.cores() * perCore)];
    }

    boolean lower() {
      List<Operation> segments = body.ops().stream()
          .filter(op -> op.name().equals("op.segment")).toList();
      Operation ret = body.last();
      Operation flow = Operation.create("meta.flow", MetaDialect.FLOW, List.of(),
          ret.operandTypes(), Attribute.DictionaryAttr.EMPTY
              .with("cores", Attribute.IntegerAttr.i64(hw.cores()))
              .with("arrays_per_core", Attribute.IntegerAttr.i64(perCore))
              .with("array_bytes", Attribute.IntegerAttr.i64(hw.core().macro().bytes())),
          null, List.of(), 1, segments.isEmpty() ? ret.location() : segments.get(0).location());
      Block flowBody = new Block();
      flow.region(0).addBlock(flowBody);
      for (Value arg : body.arguments()) {
        global.put(arg, arg);
      }
      for (Operation seg : segments) {
        if (!new StageLowering(this, seg, flowBody).lower()) {
          return false;
        }
      }
      List<Value> results = new ArrayList<>();
      for (Value v : ret.operands()) {
        results.add(global.getOrDefault(v, v));
      }
      flowBody.append(Operation.create("meta.yield", MetaDialect.YIELD, results, List.of(),
          Attribute.DictionaryAttr.EMPTY, null, List.of(), 0, ret.location()));
      body.insertBefore(flow, ret);
      for (int i = 0; i < ret.numOperands(); i++) {
        ret.setOperand(i, flow.result(i));
      }
      for (Operation seg : segments) {
        seg.erase();
      }
      return true;
    }
  }

  /** Lowers one `op.segment` into its switches, weight loads and `meta.parallel`. */
  private static final class StageLowering {
    private final MetaBuilder m;
    private final Operation seg;
    private final Block flowBody;
    private final List<Operation> members = new ArrayList<>();
    private final Map<Operation, long[]> cores = new HashMap<>();
    private final Map<Operation, long[]> computeArrays = new HashMap<>();
    private final Map<Operation, long[]> memoryArrays = new HashMap<>();
    /** A value of this segment (or loaded into it) as seen on each core. */
    private final Map<Value, Map<Long, Value>> onCore = new HashMap<>();
    private Block inner;
    private long channel;

    StageLowering(MetaBuilder m, Operation seg, Block flowBody) {
      this.m = m;
      this.seg = seg;
      this.flowBody = flowBody;
      for (Operation op : seg.region(0).entryBlock()) {
        if (!op.name().equals("op.yield")) {
          members.add(op);
        }
      }
    }

    boolean lower() {
      return assignCores() && assignArrays() && emit();
    }

    private boolean assignCores() {
      long next = 0;
      for (Operation op : members) {
        long owned = count(op, "alloc.cores");
        if (m.pooled) {
          cores.put(op, new long[] {0});
        } else if (op.attr("place.cores") instanceof Attribute.DenseArrayAttr placed) {
          cores.put(op, placed.longValues());
        } else if (owned > 0) {
          if (next + owned > m.hw.cores()) {
            m.ctx.diag().opError(op, "needs " + owned + " more core(s) than the "
                + m.hw.cores() + " of the chip");
            return false;
          }
          long[] cs = new long[(int) owned];
          for (int i = 0; i < owned; i++) {
            cs[i] = next++;
          }
          cores.put(op, cs);
        }
      }
      for (Operation op : members) {
        if (!cores.containsKey(op)) {
          cores.put(op, new long[] {neighbourCore(op)});
        }
      }
      return true;
    }

    /** The first core of the operator's producer in the segment, else its consumer's, else 0. */
    private long neighbourCore(Operation op) {
      for (Value v : op.operands()) {
        Operation p = v.definingOp();
        if (p != null && cores.containsKey(p) && members.contains(p)) {
          return cores.get(p)[0];
        }
      }
      for (Value r : op.results()) {
        for (var use : r.uses()) {
          if (cores.containsKey(use.owner())) {
            return cores.get(use.owner())[0];
          }
        }
      }
      return 0;
    }

    private boolean assignArrays() {
      boolean[] taken = new boolean[m.memory.length];
      for (Operation op : members) {
        long copies = count(op, "alloc.copies");
        long total = count(op, "alloc.compute_arrays");
        if (copies <= 0 || total <= 0) {
          continue;
        }
        long[] arrays = m.pooled ? pick(taken, total, false, -1)
            : laidOut(cores.get(op), copies, total / copies);
        if (arrays == null) {
          m.ctx.diag().opError(op, "its " + total + " compute arrays do not fit its cores");
          return false;
        }
        for (long a : arrays) {
          taken[(int) a] = true;
        }
        computeArrays.put(op, arrays);
      }
      for (Operation op : members) {
        long y = count(op, "alloc.memory_arrays");
        if (y <= 0) {
          continue;
        }
        long[] arrays = pick(taken, y, true, cores.get(op)[0]);
        if (arrays == null) {
          m.ctx.diag().opError(op, "no " + y + " free arrays are left for its buffers");
          return false;
        }
        memoryArrays.put(op, arrays);
      }
      return true;
    }

    /** Copy j's arrays on the operator's cores, as StageProblem#cores counts them. */
    private long[] laidOut(long[] owned, long copies, long a) {
      long per = m.perCore;
      long[] arrays = new long[(int) (copies * a)];
      int k = 0;
      for (long j = 0; j < copies; j++) {
        for (long x = 0; x < a; x++) {
          long core;
          long slot;
          if (a <= per) {
            core = j / (per / a);
            slot = (j % (per / a)) * a + x;
          } else {
            long span = (a + per - 1) / per;
            core = j * span + x / per;
            slot = x % per;
          }
          if (core >= owned.length) {
            return null;
          }
          arrays[k++] = owned[(int) core] * per + slot;
        }
      }
      java.util.Arrays.sort(arrays);
      return arrays;
    }

    /**
     * `count` free arrays, preferring those in memory mode (`wantMemory`) or compute mode, then
     * those on core `near`, then the lowest numbers; marks them taken.
     */
    private long[] pick(boolean[] taken, long count, boolean wantMemory, long near) {
      List<Long> order = new ArrayList<>();
      for (int pass = 0; pass < 4; pass++) {
        for (int a = 0; a < taken.length; a++) {
          boolean modeOk = m.memory[a] == wantMemory;
          boolean nearOk = near < 0 || a / m.perCore == near;
          int rank = (modeOk ? 0 : 2) + (nearOk ? 0 : 1);
          if (!taken[a] && rank == pass) {
            order.add((long) a);
          }
        }
      }
      if (order.size() < count) {
        return null;
      }
      long[] out = new long[(int) count];
      for (int i = 0; i < count; i++) {
        out[i] = order.get(i);
        taken[(int) out[i]] = true;
      }
      java.util.Arrays.sort(out);
      return out;
    }

    private boolean emit() {
      List<Long> toCompute = new ArrayList<>();
      List<Long> toMemory = new ArrayList<>();
      for (long[] arrays : computeArrays.values()) {
        for (long a : arrays) {
          if (m.memory[(int) a]) {
            toCompute.add(a);
          }
        }
      }
      for (long[] arrays : memoryArrays.values()) {
        for (long a : arrays) {
          if (!m.memory[(int) a]) {
            toMemory.add(a);
          }
        }
      }
      emitSwitch(toCompute, "compute");
      emitSwitch(toMemory, "memory");
      Operation yield = seg.region(0).entryBlock().last();
      Operation par = Operation.create("meta.parallel", MetaDialect.PARALLEL, List.of(),
          seg.resultTypes(), Attribute.DictionaryAttr.EMPTY.with("segment",
              Attribute.IntegerAttr.i64(count(seg, "index"))), null, List.of(), 1,
          seg.location());
      inner = new Block();
      par.region(0).addBlock(inner);
      for (Operation op : members) {
        emitOperator(op);
      }
      List<Value> outs = new ArrayList<>();
      for (Value v : yield.operands()) {
        long core = cores.get(v.definingOp())[0];
        Operation store = create("meta.store", MetaDialect.STORE, List.of(local(v, core)),
            List.of(v.type()), Attribute.DictionaryAttr.EMPTY.with("core",
                Attribute.IntegerAttr.i64(core)), v.definingOp());
        outs.add(store.result(0));
        m.stores++;
      }
      inner.append(Operation.create("meta.yield", MetaDialect.YIELD, outs, List.of(),
          Attribute.DictionaryAttr.EMPTY, null, List.of(), 0, yield.location()));
      flowBody.append(par);
      for (int r = 0; r < seg.numResults(); r++) {
        m.global.put(seg.result(r), par.result(r));
      }
      for (long[] arrays : computeArrays.values()) {
        for (long a : arrays) {
          m.memory[(int) a] = false;
        }
      }
      for (long[] arrays : memoryArrays.values()) {
        for (long a : arrays) {
          m.memory[(int) a] = true;
        }
      }
      return true;
    }

    private void emitSwitch(List<Long> arrays, String to) {
      if (arrays.isEmpty()) {
        return;
      }
      long[] sorted = arrays.stream().mapToLong(Long::longValue).sorted().toArray();
      flowBody.append(Operation.create("meta.switch", MetaDialect.SWITCH, List.of(), List.of(),
          Attribute.DictionaryAttr.EMPTY.with("to", Attribute.StringAttr.of(to))
              .with("arrays", Attribute.DenseArrayAttr.i64(sorted)),
          null, List.of(), 0, seg.location()));
      m.switched += sorted.length;
    }

    private void emitOperator(Operation op) {
      long core = cores.get(op)[0];
      boolean onArrays = computeArrays.containsKey(op);
      List<Value> operands = new ArrayList<>();
      for (int i = 0; i < op.numOperands(); i++) {
        Value v = op.operand(i);
        boolean weights = op.name().equals("op.mvm") && i >= 1;
        Map<Long, Value> made = onCore.get(v);
        // Weights are read where the weight load puts them, not on a core.
        operands.add(!weights ? local(v, core, op)
            : made != null && !made.isEmpty() ? made.values().iterator().next()
            : m.global.getOrDefault(v, v));
      }
      if (op.name().equals("op.mvm") && onArrays) {
        create("meta.load_weights", MetaDialect.LOAD_WEIGHTS, List.of(operands.get(1)),
            List.of(), Attribute.DictionaryAttr.EMPTY
                .with("arrays", Attribute.DenseArrayAttr.i64(computeArrays.get(op)))
                .with("copies", Attribute.IntegerAttr.i64(count(op, "alloc.copies"))), op);
        m.weightLoads++;
      }
      Attribute.DictionaryAttr attrs = Attribute.DictionaryAttr.EMPTY;
      for (Attribute.NamedAttribute a : op.attributes().entries()) {
        if (!DEMAND.contains(a.name()) && !a.name().startsWith("alloc.")
            && !a.name().startsWith("place.")) {
          attrs = attrs.with(a.name(), a.value());
        }
      }
      attrs = attrs.with("core", Attribute.IntegerAttr.i64(core));
      if (memoryArrays.containsKey(op)) {
        attrs = attrs.with("buffer", Attribute.DenseArrayAttr.i64(memoryArrays.get(op)));
      }
      Operation made;
      if (onArrays) {
        attrs = attrs.with("arrays", Attribute.DenseArrayAttr.i64(computeArrays.get(op)))
            .with("copies", Attribute.IntegerAttr.i64(count(op, "alloc.copies")));
        if (op.name().equals("op.dmm")) {
          attrs = attrs.with("streamed", Attribute.UnitAttr.INSTANCE);
        }
        made = create("meta.mvm", MetaDialect.MVM, operands, op.resultTypes(), attrs, op);
      } else {
        made = create("meta.vec", MetaDialect.VEC, operands, op.resultTypes(), attrs, op);
      }
      onCore.computeIfAbsent(op.result(0), k -> new HashMap<>()).put(core, made.result(0));
    }

    /** Value `v` on `core`, for `user`: loaded from global memory or received, once. */
    private Value local(Value v, long core, Operation user) {
      Map<Long, Value> seen = onCore.computeIfAbsent(v, k -> new HashMap<>());
      Value there = seen.get(core);
      if (there != null) {
        return there;
      }
      Value made;
      if (m.global.containsKey(v)) {
        made = load(m.global.get(v), core, user);
      } else if (seen.isEmpty()) {
        // Defined outside every segment and not an argument: a constant, used as it is.
        return v;
      } else {
        long producer = cores.get(v.definingOp())[0]; // where the value was made
        long ch = channel++;
        Attribute.DictionaryAttr route = Attribute.DictionaryAttr.EMPTY
            .with("from", Attribute.IntegerAttr.i64(producer))
            .with("to", Attribute.IntegerAttr.i64(core))
            .with("channel", Attribute.IntegerAttr.i64(ch));
        create("meta.send", MetaDialect.SEND, List.of(seen.get(producer)), List.of(), route,
            user);
        made = create("meta.recv", MetaDialect.RECV, List.of(), List.of(v.type()), route, user)
            .result(0);
        m.transfers++;
      }
      seen.put(core, made);
      return made;
    }

    private Value local(Value v, long core) {
      return local(v, core, v.definingOp());
    }

    private Value load(Value g, long core, Operation user) {
      long bytes = bytes(g.type());
      long[] buffers = memoryArrays.get(user);
      Attribute.DictionaryAttr attrs = Attribute.DictionaryAttr.EMPTY
          .with("core", Attribute.IntegerAttr.i64(core));
      if (buffers != null) {
        long room = buffers.length * m.hw.core().macro().bytes();
        attrs = attrs.with("to", Attribute.StringAttr.of("arrays"))
            .with("arrays", Attribute.DenseArrayAttr.i64(buffers))
            .with("tile_bytes", Attribute.IntegerAttr.i64(Math.max(1, Math.min(bytes, room))));
      } else {
        attrs = attrs.with("to", Attribute.StringAttr.of("local"))
            .with("tile_bytes", Attribute.IntegerAttr.i64(Math.max(1,
                Math.min(bytes, m.hw.core().local().inputBytes()))));
      }
      m.loads++;
      return create("meta.load", MetaDialect.LOAD, List.of(g), List.of(g.type()), attrs, user)
          .result(0);
    }

    private Operation create(String name, cimir.ir.OpDef def, List<Value> operands,
        List<Type> types, Attribute.DictionaryAttr attrs, Operation at) {
      Operation op = Operation.create(name, def, operands, types, attrs, null, List.of(), 0,
          at == null ? seg.location() : at.location());
      inner.append(op);
      return op;
    }
  }

  /** The demand attributes of `op` operators, which meta-operators do not keep. */
  private static final Set<String> DEMAND = Set.of("input_bytes", "output_bytes", "work",
      "intensity", "k", "n", "m", "groups", "weight_bits", "input_bits", "output_bits",
      "weight_bytes");

  private static long count(Operation op, String name) {
    return op.attr(name) instanceof Attribute.IntegerAttr i ? i.value().longValue() : 0;
  }

  private static long bytes(Type t) {
    if (!(t instanceof Type.RankedTensorType r)) {
      return 1;
    }
    int bits = r.elementType() instanceof Type.IntegerType i ? i.width()
        : r.elementType() instanceof Type.FloatType f ? f.kind().width() : 8;
    return r.numElements() * Math.max(1, bits / 8);
  }
}
