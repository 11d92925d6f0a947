package cimir.lowering.graphtoop;

import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphShapes;
import cimir.dialect.op.OpDialect;
import cimir.dialect.hw.HardwareModel;
import cimir.interp.Interpreter;
import cimir.interp.Tensor;
import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.lowering.cost.Allocation;
import cimir.lowering.cost.CostModel;
import cimir.lowering.cost.Demand;
import cimir.rewrite.ConversionPattern;
import cimir.rewrite.ConversionRewriter;
import cimir.rewrite.TypeConverter;
import java.util.ArrayList;
import java.util.List;

/**
 * The conversion pattern of `graph-to-op`: one graph op becomes one or more `op` operators
 * with their demand on `hw`.
 *
 * <pre>
 *   conv2d (dense), matmul/gemm by a weight      -> op.mvm
 *   depthwise conv2d                             -> op.vec, or op.mvm with the channels packed
 *                                                   diagonally (W channels per block of arrays),
 *                                                   whichever the cost model finds faster
 *   matmul of two activations                    -> op.dmm
 *   reshape, transpose, concat, slice, flatten   -> op.move;  every other op -> op.vec
 * </pre>
 *
 * An MVM that does not fit is split into r x s parts: r slices of the reduction (input
 * channels, or K), s slices of the outputs, each part an op.mvm on sliced weights (and, for
 * r > 1, a slice of the input), the r partial sums added by op.vec `add`, the s outputs joined
 * by op.move `concat`. A part fits when its reduction is at most what one core holds
 * (depth x groups of macros) and its arrays at most the chip's; (r, s) minimizes r x s, then r.
 * A weight is a `graph.constant` or a function argument after the first `dataInputs`.
 */
final class GraphToOp implements ConversionPattern {
  private final String root;
  private final HardwareModel hw;
  private final CostModel cost;
  private final int dataInputs;
  private final Stats stats;

  /** What the conversion did, for the pass statistics. */
  static final class Stats {
    long mvm;
    long dmm;
    long vec;
    long move;
    long splitOps;
    long parts;
    long depthwiseOnArrays;
  }

  GraphToOp(String root, HardwareModel hw, CostModel cost, int dataInputs, Stats stats) {
    this.root = root;
    this.hw = hw;
    this.cost = cost;
    this.dataInputs = dataInputs;
    this.stats = stats;
  }

  @Override
  public String rootName() {
    return root;
  }

  @Override
  public boolean matchAndRewrite(Operation op, List<Value> operands, TypeConverter types,
      ConversionRewriter rewriter) {
    String kind = op.name().substring("graph.".length());
    Value result;
    switch (kind) {
      case "conv2d", "matmul", "gemm" -> result = product(op, kind, operands, rewriter);
      case "reshape", "transpose", "concat", "slice", "flatten" -> {
        result = emit(rewriter, "op.move", operands, op, op.attributes(), Demand.of(op, false, 8));
        stats.move++;
      }
      default -> {
        result = emit(rewriter, "op.vec", operands, op, op.attributes(), Demand.of(op, false, 8));
        stats.vec++;
      }
    }
    rewriter.replaceOp(op, List.of(result));
    return true;
  }

  private Value product(Operation op, String kind, List<Value> operands,
      ConversionRewriter rewriter) {
    boolean weights = Demand.isWeight(op.operand(1), dataInputs);
    Demand d = Demand.of(op, weights, 8);
    if (d.kind() == Demand.Kind.DMM) {
      stats.dmm++;
      return emit(rewriter, "op.dmm", operands, op, op.attributes(), d);
    }
    long group = new GraphAttrs(op.attributes()).i64("group", 1);
    if (kind.equals("conv2d") && group > 1 && d.k() == shape(op.operand(1))[2]
        * shape(op.operand(1))[3]) {
      return depthwise(op, operands, d, rewriter);
    }
    int[] split = split(op, d);
    if (split[0] == 1 && split[1] == 1) {
      stats.mvm++;
      return emit(rewriter, "op.mvm", operands, op, op.attributes(), kernelRows(op, kind, d));
    }
    return splitProduct(op, kind, operands, split[0], split[1], rewriter);
  }

  /**
   * A depthwise convolution: on the vector unit, or as an MVM of blocks of W channels whose
   * weights sit on the diagonal (a block is a (W kH kW) x W matrix, mostly zeros).
   */
  private Value depthwise(Operation op, List<Value> operands, Demand d,
      ConversionRewriter rewriter) {
    long channels = d.groups();
    HardwareModel.Macro macro = hw.core().macro();
    int w = macro.columns();
    long kernel = d.k();
    long blocks = CostModel.ceilDiv(channels, w);
    // The MACs the arrays compute, the diagonal's zeros included: meta-to-isa gives each tap a
    // row selection of its own when the taps fit them, so a block reduces over kernel x rows
    // elements, else over its w x kernel.
    long reduction = CostModel.rowSelectionPerTap(macro, kernel) ? kernel * macro.rows()
        : w * kernel;
    long arrayWork = d.m() * blocks * reduction * w;
    Demand packed = new Demand(Demand.Kind.MVM, "conv2d", w * kernel, w,
        d.m(), blocks, d.weightBits(), d.inputBits(), d.outputBits(),
        d.weightBytes(), d.inputBytes(), d.outputBytes(), arrayWork);
    Demand vector = new Demand(Demand.Kind.VEC, "conv2d", 1, 1, 1, 1, d.weightBits(),
        d.inputBits(), d.outputBits(), d.weightBytes(), d.inputBytes(), d.outputBytes(),
        d.work());
    Allocation arrays = CostModel.minimal(packed, hw);
    boolean fits = arrays.computeArrays() <= hw.totalMacros();
    double onArrays = fits ? cost.latency(packed, arrays, hw) : Double.POSITIVE_INFINITY;
    double onVector = cost.latency(vector, CostModel.minimal(vector, hw), hw);
    if (onArrays < onVector) {
      stats.mvm++;
      stats.depthwiseOnArrays++;
      return emit(rewriter, "op.mvm", operands, op, op.attributes().with("packing",
          Attribute.StringAttr.of("diagonal")), packed);
    }
    stats.vec++;
    return emit(rewriter, "op.vec", operands, op, op.attributes(), vector);
  }

  /**
   * A dense convolution whose kernel rows each get row selections of their own in meta-to-isa
   * (CostModel.kernelRowSelections) computes its kernel rows' zeros too: its work is the
   * MACs its arrays compute, `m x kh x selections x rows x n`.
   */
  private Demand kernelRows(Operation op, String kind, Demand d) {
    GraphAttrs a = new GraphAttrs(op.attributes());
    if (!kind.equals("conv2d") || a.i64("group", 1) != 1) {
      return d;
    }
    long[] w = shape(op.operand(1));
    long[] dil = a.ints("dilations", new long[] {1, 1});
    long selections = CostModel.kernelRowSelections(hw.core(), w[2], w[3], w[1], w[0],
        dil.length == 2 ? dil[1] : 1);
    if (selections == 0) {
      return d;
    }
    long work = d.m() * w[2] * selections * hw.core().macro().rows() * d.n();
    return new Demand(d.kind(), d.op(), d.k(), d.n(), d.m(), d.groups(), d.weightBits(),
        d.inputBits(), d.outputBits(), d.weightBytes(), d.inputBytes(), d.outputBytes(), work);
  }

  /** {r, s}: the fewest parts (then the fewest reduction slices) such that every part fits. */
  int[] split(Operation op, Demand d) {
    HardwareModel.Macro m = hw.core().macro();
    long coreDepth = (long) m.reductionDepth() * hw.core().macroGroups();
    long unit = op.name().equals("graph.conv2d") ? d.k() / shape(op.operand(1))[1] : 1;
    long slices = d.k() / unit; // input channels of a convolution, K of a product
    int[] best = null;
    long rMin = CostModel.ceilDiv(d.k(), coreDepth);
    for (long r = Math.max(1, rMin); r <= slices; r++) {
      long kPart = CostModel.ceilDiv(slices, r) * unit;
      if (kPart > coreDepth) {
        continue;
      }
      long perColumnBlock = d.groups() * CostModel.ceilDiv(kPart, m.reductionDepth());
      long columnBlocks = hw.totalMacros() / perColumnBlock; // column blocks that fit the chip
      if (columnBlocks == 0) {
        continue;
      }
      long nPartMax = columnBlocks * m.columns();
      long s = CostModel.ceilDiv(d.n(), Math.min(nPartMax, d.n()));
      if (best == null || r * s < (long) best[0] * best[1]) {
        best = new int[] {(int) r, (int) s};
      }
      if (kPart <= m.reductionDepth()) {
        break; // smaller slices need no fewer arrays
      }
    }
    if (best == null) {
      throw new IllegalStateException("no split of '" + op.name() + "' fits the chip");
    }
    return best;
  }

  /** An MVM in r reduction slices and s output slices, with the partial sums made explicit. */
  private Value splitProduct(Operation op, String kind, List<Value> operands, int r, int s,
      ConversionRewriter rewriter) {
    stats.splitOps++;
    stats.parts += (long) r * s;
    GraphAttrs a = new GraphAttrs(op.attributes());
    boolean transB = a.i64("transB", 0) != 0;
    long[] w = shape(op.operand(1));
    // axes of the weight along the outputs and along the reduction
    int wOut = kind.equals("conv2d") ? 0 : transB ? 0 : w.length - 1;
    int wRed = kind.equals("conv2d") ? 1 : transB ? 1 : w.length - 2;
    int xRed = kind.equals("conv2d") ? 1 : shape(op.operand(0)).length - 1;
    int yOut = kind.equals("conv2d") ? 1 : shape(op.result(0)).length - 1;
    long outTotal = w[wOut];
    long redTotal = w[wRed];
    long outStep = CostModel.ceilDiv(outTotal, s);
    long redStep = CostModel.ceilDiv(redTotal, r);
    Value x = operands.get(0);
    Value weight = operands.get(1);
    Value bias = operands.size() > 2 ? operands.get(2) : null;
    List<Value> outputs = new ArrayList<>();
    for (long o0 = 0; o0 < outTotal; o0 += outStep) {
      long o1 = Math.min(outTotal, o0 + outStep);
      Value sum = null;
      for (long k0 = 0; k0 < redTotal; k0 += redStep) {
        long k1 = Math.min(redTotal, k0 + redStep);
        Value xPart = r == 1 ? x : slice(rewriter, x, xRed, k0, k1, op.location());
        Value wPart = slice(rewriter, slice(rewriter, weight, wOut, o0, o1, op.location()), wRed,
            k0, k1, op.location());
        List<Value> ins = new ArrayList<>(List.of(xPart, wPart));
        if (bias != null && k0 == 0) {
          ins.add(slice(rewriter, bias, shape(bias).length - 1, o0, o1, op.location()));
        }
        DictionaryAttr attrs = op.attributes().with("activation", null).with("clip_min", null)
            .with("clip_max", null);
        Operation part = partOp(op, ins, attrs, yOut, o1 - o0);
        Value partial = emit(rewriter, "op.mvm", ins, part, attrs, Demand.of(part, true, 8));
        part.dropAllReferences();
        stats.mvm++;
        sum = sum == null ? partial : vector(rewriter, "add", List.of(sum, partial),
            DictionaryAttr.EMPTY, op.location());
      }
      outputs.add(sum);
    }
    Value joined = outputs.size() == 1 ? outputs.get(0) : move(rewriter, "concat", outputs,
        DictionaryAttr.EMPTY.with("axis", GraphAttrs.i64(yOut)), op.location());
    String activation = a.str("activation", null);
    if (activation == null) {
      return joined;
    }
    DictionaryAttr act = activation.equals("relu") ? DictionaryAttr.EMPTY
        : DictionaryAttr.EMPTY.with("min", op.attr("clip_min")).with("max", op.attr("clip_max"));
    return vector(rewriter, activation.equals("relu") ? "relu" : "clip", List.of(joined), act,
        op.location());
  }

  /** A detached graph op of one part, typed by shape inference, to read its demand. */
  private Operation partOp(Operation op, List<Value> ins, DictionaryAttr attrs, int yOut,
      long outs) {
    Type t = GraphShapes.infer(op.name(), ins.stream().map(Value::type).toList(), attrs);
    return Operation.create(op.name(), op.def(), ins, List.of(t), attrs, null, List.of(), 0,
        op.location());
  }

  /** `v[lo:hi]` along `axis`: sliced at compile time for a constant, an op.move otherwise. */
  private Value slice(ConversionRewriter rewriter, Value v, int axis, long lo, long hi,
      Location loc) {
    long[] s = shape(v);
    if (lo == 0 && hi == s[axis]) {
      return v;
    }
    DictionaryAttr attrs = DictionaryAttr.EMPTY.with("axes", GraphAttrs.ints(axis))
        .with("starts", GraphAttrs.ints(lo)).with("ends", GraphAttrs.ints(hi));
    Type t = GraphShapes.infer("graph.slice", List.of(v.type()), attrs);
    Operation def = v.definingOp();
    if (def != null && def.name().equals("graph.constant")) {
      Tensor sliced = Interpreter.apply(rewriter.context().lookupOp("graph.slice"), attrs,
          List.of(Tensor.fromAttr((Attribute.DenseElementsAttr) def.attr("value"))));
      return rewriter.create("graph.constant", List.of(), List.of(t),
          DictionaryAttr.EMPTY.with("value", sliced.toAttr()), loc).result(0);
    }
    return derived(rewriter, "op.move", "slice", List.of(v), attrs, loc);
  }

  private Value vector(ConversionRewriter rewriter, String kind, List<Value> ins,
      DictionaryAttr attrs, Location loc) {
    return derived(rewriter, "op.vec", kind, ins, attrs, loc);
  }

  private Value move(ConversionRewriter rewriter, String kind, List<Value> ins,
      DictionaryAttr attrs, Location loc) {
    return derived(rewriter, "op.move", kind, ins, attrs, loc);
  }

  /** An `op.vec` or `op.move` of `kind` the split introduces, typed and with its demand. */
  private Value derived(ConversionRewriter rewriter, String name, String kind, List<Value> ins,
      DictionaryAttr attrs, Location loc) {
    List<Type> types = ins.stream().map(Value::type).toList();
    Type t = OpDialect.partialSumType(kind, types);
    if (t == null) {
      t = GraphShapes.infer("graph." + kind, types, attrs);
    }
    Operation probe = Operation.create("graph." + kind, null, ins, List.of(t), attrs, null,
        List.of(), 0, loc);
    Demand d = Demand.of(probe, false, 8);
    probe.dropAllReferences();
    if (name.equals("op.vec")) {
      stats.vec++;
    } else {
      stats.move++;
    }
    return rewriter.create(name, ins, List.of(t), d.toAttributes(attrs), loc).result(0);
  }

  private static Value emit(ConversionRewriter rewriter, String name, List<Value> operands,
      Operation like, DictionaryAttr attrs, Demand d) {
    return rewriter.create(name, operands, List.of(like.result(0).type()), d.toAttributes(attrs),
        like.location()).result(0);
  }

  private static long[] shape(Value v) {
    return GraphShapes.shapeOf(v.type(), 0);
  }
}
