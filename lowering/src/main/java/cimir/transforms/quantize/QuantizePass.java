package cimir.transforms.quantize;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphShapes;
import cimir.interp.Interpreter;
import cimir.interp.InterpreterException;
import cimir.interp.ModelInputs;
import cimir.interp.Tensor;
import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Attribute.NamedAttribute;
import cimir.ir.Block;
import cimir.ir.BlockArgument;
import cimir.ir.Context;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.PassOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a float `graph` function into an int8 one with the same signature (f32 in, f32 out).
 *
 * <pre>
 * calibration: run the float interpreter once on ModelInputs (the rule input, pseudo-random
 *   weights where the model has none); every activation v gets s_v = max|v| / 127
 * weights:     per output channel c, s_w[c] = max|w[c]| / 127, w_q = rint(w / s_w[c]);
 *              biases in i32 at s_x * s_w[c]
 * products:    acc = conv/matmul/gemm(x_q, w_q) + b_q in i32, then
 *              y_q = requantize(acc) with multiplier / 2^shift = s_x * s_w[c] / s_y, the fused
 *              activation as the clamp
 * add, sub:    qadd with multipliers s_a / s_y and +-s_b / s_y;  mul (div by a constant): qmul
 *              with s_a * s_b / s_y
 * relu, pools, reshape, transpose, slice, flatten: on i8, the scale passes through;
 *              clip: requantize by 1 with the clamp; concat: inputs rescaled to the largest scale
 * sigmoid, tanh, erf, exp, sqrt, neg, silu, gelu, hard_sigmoid, hard_swish:
 *              lut, table[q] = rint(f(q * s_in) / s_out) with f the float interpreter's
 * the rest (softmax, layer_norm, reduce_mean, pow, batch_norm, ...): a float detour, marked by
 *              the dequantize before and the quantize after it
 * </pre>
 *
 * The data inputs stay f32 and pass through `graph.quantize`; the results pass through
 * `graph.dequantize`. Weight arguments (a model without weights) become i8 (i32 for biases)
 * arguments with their `graph.scale`: {@link ModelInputs} regenerates their values.
 */
public final class QuantizePass implements Pass {
  /** The options: how many leading function arguments are the network's inputs. */
  public record Options(int dataInputs) {}

  public static final PassInfo INFO = new PassInfo("quantize",
      "turn a float graph into an int8 graph, calibrated on a fixed input",
      List.of(PassOption.count("data-inputs", 1,
          "leading function arguments that are the network's inputs; the others are weights")),
      o -> new QuantizePass(new Options((int) o.getInt("data-inputs"))));

  private static final Set<String> LUT_OPS = Set.of("graph.sigmoid", "graph.tanh", "graph.erf",
      "graph.exp", "graph.sqrt", "graph.neg", "graph.silu", "graph.gelu", "graph.hard_sigmoid",
      "graph.hard_swish");
  private static final Set<String> SCALE_PRESERVING = Set.of("graph.max_pool",
      "graph.avg_pool", "graph.global_avg_pool", "graph.reshape", "graph.transpose",
      "graph.slice", "graph.flatten", "graph.relu");

  private final Options options;

  public QuantizePass(Options options) {
    this.options = options;
  }

  @Override
  public String anchor() {
    return "func.func";
  }

  @Override
  public void run(Operation func, PassContext ctx) {
    FuncOp f = new FuncOp(func);
    if (f.isDeclaration()) {
      return;
    }
    Block body = f.body();
    for (Operation op : body) {
      if (op.dialect().equals("graph") && op.name().matches("graph\\.(quantize|dequantize|"
          + "requantize|qadd|qmul|lut)")) {
        ctx.diag().opError(op, "the function is already quantized");
        ctx.fail();
        return;
      }
    }
    for (BlockArgument arg : body.arguments()) {
      if (!(GraphShapes.elementType(arg.type()) instanceof Type.FloatType)) {
        ctx.diag().opError(func, "argument #" + arg.index() + " is not a float tensor; quantize"
            + " expects a float graph");
        ctx.fail();
        return;
      }
    }
    new Run(ctx, func, Math.min(options.dataInputs(), body.arguments().size())).apply();
  }

  /** One function's quantization. */
  private static final class Run {
    private final PassContext pass;
    private final Context ctx;
    private final Operation func;
    private final Block body;
    private final int dataInputs;
    private final Map<Value, Float> maxAbs = new IdentityHashMap<>();
    private final Map<Value, Tensor> weights = new IdentityHashMap<>();
    /** Quantized versions of float values: the i8 value and its scale. */
    private final Map<Value, Q> quantized = new IdentityHashMap<>();
    private final Map<Integer, DictionaryAttr> argAttrs = new HashMap<>();
    private Operation anchor;
    /** Where the ops emitted next come from, when not from `anchor`. */
    private Location origin;

    private record Q(Value value, double scale) {}

    Run(PassContext pass, Operation func, int dataInputs) {
      this.pass = pass;
      this.ctx = pass.context();
      this.func = func;
      this.body = new FuncOp(func).body();
      this.dataInputs = dataInputs;
    }

    void apply() {
      List<Tensor> args = ModelInputs.arguments(func, dataInputs);
      for (int i = 0; i < args.size(); i++) {
        maxAbs.put(body.argument(i), maxAbs(args.get(i)));
        if (i >= dataInputs) {
          weights.put(body.argument(i), args.get(i));
        }
      }
      try {
        Interpreter.run(func, args, (op, t) -> {
          maxAbs.put(op.result(0), t.isFloat() ? maxAbs(t) : 0f);
          if (op.name().equals("graph.constant")) {
            weights.put(op.result(0), t);
          }
        });
      } catch (InterpreterException e) {
        pass.diag().opError(func, "calibration failed: " + e.getMessage());
        pass.fail();
        return;
      }
      List<Operation> original = new ArrayList<>(body.ops());
      for (Operation op : original) {
        anchor = op;
        if (op.name().equals("func.return")) {
          for (int i = 0; i < op.numOperands(); i++) {
            Value v = op.operand(i);
            if (quantized.containsKey(v)) {
              Q q = quantized.get(v);
              op.setOperand(i, emit("dequantize", List.of(q.value), attrs("scale",
                  GraphAttrs.f32(q.scale)), v.type()));
            }
          }
        } else if (op.dialect().equals("graph") && !op.name().equals("graph.constant")) {
          quantizeOp(op);
        }
      }
      for (int i = original.size() - 1; i >= 0; i--) {
        Operation op = original.get(i);
        if (!op.name().equals("func.return") && op.results().stream().noneMatch(Value::hasUses)) {
          op.erase();
        }
      }
      updateSignature();
      pass.count("quantized-ops", quantized.size());
    }

    private static float maxAbs(Tensor t) {
      float m = 0;
      for (float v : t.floats()) {
        m = Math.max(m, Math.abs(v));
      }
      return m;
    }

    /** The scale of a float value: max|v| / 127 from calibration. */
    private double scaleOf(Value v) {
      float m = maxAbs.getOrDefault(v, 0f);
      return (m > 0 && Float.isFinite(m) ? m : 1f) / 127.0;
    }

    private boolean isWeight(Value v) {
      return weights.containsKey(v);
    }

    private void quantizeOp(Operation op) {
      String name = op.name();
      if (name.equals("graph.conv2d") || name.equals("graph.gemm")
          && new GraphAttrs(op.attributes()).f("alpha", 1) == 1
          && new GraphAttrs(op.attributes()).f("beta", 1) == 1 && biasIsPerChannel(op)
          || name.equals("graph.matmul")) {
        product(op);
      } else if (name.equals("graph.add") || name.equals("graph.sub")) {
        Q a = q(op.operand(0));
        Q b = q(op.operand(1));
        double sy = scaleOf(op.result(0));
        double ra = a.scale / sy;
        double rb = (name.equals("graph.sub") ? -1 : 1) * b.scale / sy;
        int shift = shiftFor(Math.max(Math.abs(ra), Math.abs(rb)));
        DictionaryAttr at = clamp(op, sy, attrs("lhs_multiplier",
            GraphAttrs.i64(Math.round(Math.scalb(ra, shift))), "rhs_multiplier",
            GraphAttrs.i64(Math.round(Math.scalb(rb, shift))), "shift", GraphAttrs.i64(shift)));
        define(op, emit("qadd", List.of(a.value, b.value), at, i8(op)), sy);
      } else if (name.equals("graph.mul") || name.equals("graph.div")
          && isWeight(op.operand(1))) {
        Q a = q(op.operand(0));
        Q b = name.equals("graph.mul") ? q(op.operand(1)) : reciprocal(op.operand(1));
        double sy = scaleOf(op.result(0));
        double r = a.scale * b.scale / sy;
        int shift = shiftFor(r);
        define(op, emit("qmul", List.of(a.value, b.value), attrs("multiplier",
            GraphAttrs.i64(Math.round(Math.scalb(r, shift))), "shift", GraphAttrs.i64(shift),
            "max", GraphAttrs.i64(127), "min", GraphAttrs.i64(-128)), i8(op)), sy);
      } else if (SCALE_PRESERVING.contains(name)) {
        Q x = q(op.operand(0));
        define(op, emit(name.substring(6), List.of(x.value), op.attributes(), i8(op)), x.scale);
      } else if (name.equals("graph.clip")) {
        Q x = q(op.operand(0));
        GraphAttrs a = new GraphAttrs(op.attributes());
        DictionaryAttr at = attrs("multiplier", GraphAttrs.ints(1L << 30), "shift",
            GraphAttrs.ints(30), "max", GraphAttrs.i64(bound(a.f("max", 1e30), x.scale)),
            "min", GraphAttrs.i64(bound(a.f("min", -1e30), x.scale)));
        define(op, emit("requantize", List.of(x.value), at, i8(op)), x.scale);
      } else if (name.equals("graph.concat")) {
        concat(op);
      } else if (LUT_OPS.contains(name)) {
        lut(op);
      } else {
        detour(op);
      }
    }

    /** conv2d, matmul and gemm: i32 products of i8 operands, then a requantize. */
    private void product(Operation op) {
      String name = op.name();
      GraphAttrs a = new GraphAttrs(op.attributes());
      Q x = q(op.operand(0));
      Value wv = op.operand(1);
      int rank = ((Type.RankedTensorType) wv.type()).shape().size();
      boolean perChannel = isWeight(wv) && (!name.equals("graph.matmul") || rank == 2);
      // the output channel: conv weights (M, C/g, kH, kW) and transposed gemm weights (N, K)
      // along axis 0, (K, N) weights along axis 1
      int wAxis = name.equals("graph.conv2d") || name.equals("graph.gemm")
          && a.i64("transB", 0) != 0 ? 0 : 1;
      Q w;
      double[] sw;
      if (perChannel) {
        sw = channelScales(weights.get(wv), wAxis);
        w = new Q(weightValue(wv, sw, wAxis, Type.IntegerType.I8), 0);
      } else {
        w = q(wv);
        sw = new double[] {w.scale};
      }
      List<Value> operands = new ArrayList<>(List.of(x.value, w.value));
      if (op.numOperands() > 2) {
        double[] sb = new double[sw.length];
        for (int c = 0; c < sb.length; c++) {
          sb[c] = x.scale * sw[c];
        }
        operands.add(weightValue(op.operand(2), sb, ((Type.RankedTensorType)
            op.operand(2).type()).shape().size() - 1, Type.IntegerType.I32));
      }
      DictionaryAttr productAttrs = op.attributes().with("activation", null)
          .with("clip_min", null).with("clip_max", null);
      Type.RankedTensorType outType = (Type.RankedTensorType) op.result(0).type();
      Value acc = emit(name.substring(6), operands, productAttrs,
          new Type.RankedTensorType(outType.shape(), Type.IntegerType.I32));
      double sy = scaleOf(op.result(0));
      long[] m = new long[sw.length];
      long[] s = new long[sw.length];
      for (int c = 0; c < sw.length; c++) {
        double r = x.scale * sw[c] / sy;
        s[c] = shiftFor(r);
        m[c] = Math.min((1L << 31) - 1, Math.round(Math.scalb(r, (int) s[c])));
      }
      int axis = name.equals("graph.conv2d") ? 1 : outType.shape().size() - 1;
      DictionaryAttr at = clamp(op, sy, attrs("axis", GraphAttrs.i64(axis), "multiplier",
          GraphAttrs.ints(m), "shift", GraphAttrs.ints(s)));
      define(op, emit("requantize", List.of(acc), at, i8(op)), sy);
    }

    /** Whether a gemm's C is absent or one value per output column. */
    private boolean biasIsPerChannel(Operation op) {
      if (op.numOperands() < 3) {
        return true;
      }
      List<Long> c = ((Type.RankedTensorType) op.operand(2).type()).shape();
      long n = ((Type.RankedTensorType) op.result(0).type()).shape().get(1);
      return isWeight(op.operand(2)) && isWeight(op.operand(1)) && c.get(c.size() - 1) == n
          && c.stream().limit(c.size() - 1).allMatch(d -> d == 1);
    }

    /** max|w[c]| / 127 along `axis` (a zero channel gets scale 1). */
    private static double[] channelScales(Tensor w, int axis) {
      long[] shape = w.shape();
      int channels = (int) shape[axis];
      int inner = (int) Tensor.size(java.util.Arrays.copyOfRange(shape, axis + 1, shape.length));
      double[] max = new double[channels];
      float[] v = w.floats();
      for (int i = 0; i < v.length; i++) {
        int c = i / inner % channels;
        max[c] = Math.max(max[c], Math.abs(v[i]));
      }
      for (int c = 0; c < channels; c++) {
        max[c] = (max[c] > 0 ? max[c] : 1) / 127;
      }
      return max;
    }

    /**
     * A weight in integers at per-channel scales: an integer constant for a constant, or the
     * argument itself retyped, with `graph.scale` and `graph.axis` telling how its values are
     * made.
     */
    private Value weightValue(Value w, double[] scales, int axis, Type.IntegerType type) {
      Tensor f = weights.get(w);
      float[] sc = new float[scales.length];
      for (int i = 0; i < sc.length; i++) {
        sc[i] = (float) scales[i];
      }
      Tensor scaleTensor = Tensor.ofFloats(new long[] {sc.length}, sc);
      if (w instanceof BlockArgument arg && w.uses().size() == 1) {
        arg.setType(new Type.RankedTensorType(((Type.RankedTensorType) w.type()).shape(), type));
        argAttrs.put(arg.index(), ModelInputs.argAttrs(func, arg.index())
            .with("graph.scale", scaleTensor.toAttr()).with("graph.axis", GraphAttrs.i64(axis)));
        return w;
      }
      Tensor t = ModelInputs.quantize(f, sc, axis, type);
      return emit("constant", List.of(), attrs("value", t.toAttr()), t.type());
    }

    /** The i8 version of a float value (an activation, a constant or an argument). */
    private Q q(Value v) {
      Q known = quantized.get(v);
      if (known != null) {
        return known;
      }
      double s;
      Value out;
      if (v.definingOp() != null && v.definingOp().name().equals("graph.constant")) {
        s = Math.max(maxAbs(weights.get(v)), 1e-30f) / 127.0;
        out = weightValue(v, new double[] {s}, 0, Type.IntegerType.I8);
      } else {
        s = scaleOf(v);
        Operation saved = anchor;
        anchor = v instanceof BlockArgument ? body.first() : v.definingOp().nextInBlock();
        origin = v instanceof BlockArgument a ? a.location() : v.definingOp().location();
        out = emit("quantize", List.of(v), attrs("scale", GraphAttrs.f32(s)),
            new Type.RankedTensorType(((Type.RankedTensorType) v.type()).shape(),
                Type.IntegerType.I8));
        anchor = saved;
        origin = null;
      }
      Q q = new Q(out, s);
      quantized.put(v, q);
      return q;
    }

    /** 1 / c of a constant divisor, as an i8 constant. */
    private Q reciprocal(Value c) {
      Tensor t = weights.get(c);
      float[] r = new float[t.size()];
      float max = 0;
      for (int i = 0; i < r.length; i++) {
        r[i] = 1 / t.floats()[i];
        max = Math.max(max, Math.abs(r[i]));
      }
      double s = Math.max(max, 1e-30f) / 127.0;
      long[] q = new long[r.length];
      for (int i = 0; i < q.length; i++) {
        q[i] = Math.max(-127, Math.min(127, (long) Math.rint(r[i] / s)));
      }
      Tensor qt = Tensor.ofInts(Type.IntegerType.I8, t.shape(), q);
      return new Q(emit("constant", List.of(), attrs("value", qt.toAttr()), qt.type()), s);
    }

    private void concat(Operation op) {
      List<Q> in = new ArrayList<>();
      double target = 0;
      for (Value v : op.operands()) {
        Q q = q(v);
        in.add(q);
        target = Math.max(target, q.scale);
      }
      List<Value> operands = new ArrayList<>();
      for (Q q : in) {
        if (q.scale == target) {
          operands.add(q.value);
          continue;
        }
        double r = q.scale / target;
        int shift = shiftFor(r);
        operands.add(emit("requantize", List.of(q.value), attrs("multiplier",
            GraphAttrs.ints(Math.round(Math.scalb(r, shift))), "shift", GraphAttrs.ints(shift)),
            q.value.type()));
      }
      define(op, emit("concat", operands, op.attributes(), i8(op)), target);
    }

    /** An element-wise function as a table over the 256 int8 inputs. */
    private void lut(Operation op) {
      Q x = q(op.operand(0));
      double sy = scaleOf(op.result(0));
      float[] in = new float[256];
      for (int i = 0; i < 256; i++) {
        in[i] = (float) ((i - 128) * x.scale);
      }
      Tensor out = Interpreter.apply(op.def(), op.attributes(),
          List.of(Tensor.ofFloats(new long[] {256}, in)));
      long[] table = new long[256];
      for (int i = 0; i < 256; i++) {
        table[i] = Math.max(-128, Math.min(127, (long) Math.rint(out.floats()[i] / sy)));
      }
      Tensor t = Tensor.ofInts(Type.IntegerType.I8, new long[] {256}, table);
      define(op, emit("lut", List.of(x.value), attrs("table", t.toAttr()), i8(op)), sy);
    }

    /** An op kept in float between a dequantize of its inputs and a quantize of its result. */
    private void detour(Operation op) {
      List<Value> operands = new ArrayList<>();
      for (Value v : op.operands()) {
        Q q = quantized.get(v);
        operands.add(q == null ? v : emit("dequantize", List.of(q.value), attrs("scale",
            GraphAttrs.f32(q.scale)), v.type()));
      }
      Value y = emit(op.name().substring(6), operands, op.attributes(), op.result(0).type());
      double sy = scaleOf(op.result(0));
      define(op, emit("quantize", List.of(y), attrs("scale", GraphAttrs.f32(sy)), i8(op)), sy);
      pass.count("float-detours", 1);
    }

    /** The shift that puts multiplier * 2^shift in [2^30, 2^31), within [0, 62]. */
    static int shiftFor(double r) {
      if (r <= 0 || !Double.isFinite(r)) {
        return 0;
      }
      return Math.max(0, Math.min(62, 30 - Math.getExponent(r)));
    }

    private static long bound(double v, double scale) {
      return Math.max(-128, Math.min(127, Math.round(v / scale)));
    }

    /** The clamp of a fused activation at output scale `sy`, added to `at`. */
    private static DictionaryAttr clamp(Operation op, double sy, DictionaryAttr at) {
      GraphAttrs a = new GraphAttrs(op.attributes());
      long lo = -128;
      long hi = 127;
      switch (a.str("activation", "")) {
        case "relu" -> lo = 0;
        case "clip" -> {
          lo = bound(a.f("clip_min", -1e30), sy);
          hi = bound(a.f("clip_max", 1e30), sy);
        }
        default -> { }
      }
      return at.with("min", GraphAttrs.i64(lo)).with("max", GraphAttrs.i64(hi));
    }

    private Type i8(Operation op) {
      return new Type.RankedTensorType(((Type.RankedTensorType) op.result(0).type()).shape(),
          Type.IntegerType.I8);
    }

    private void define(Operation op, Value v, double scale) {
      quantized.put(op.result(0), new Q(v, scale));
    }

    private Value emit(String mnemonic, List<Value> operands, DictionaryAttr attrs, Type type) {
      String name = "graph." + mnemonic;
      Operation op = Operation.create(name, ctx.lookupOp(name), operands, List.of(type), attrs,
          null, List.of(), 0, origin != null ? origin : anchor.location());
      body.insertBefore(op, anchor);
      return op.result(0);
    }

    private static DictionaryAttr attrs(Object... kv) {
      List<NamedAttribute> entries = new ArrayList<>();
      for (int i = 0; i < kv.length; i += 2) {
        entries.add(new NamedAttribute((String) kv[i], (Attribute) kv[i + 1]));
      }
      return new DictionaryAttr(entries);
    }

    /** The function type and argument attributes after weight arguments changed type. */
    private void updateSignature() {
      List<Type> inputs = body.arguments().stream().map(Value::type).toList();
      Type.FunctionType old = new FuncOp(func).type();
      List<Attribute> attrs = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        attrs.add(argAttrs.getOrDefault(i, ModelInputs.argAttrs(func, i)));
      }
      DictionaryAttr props = func.properties()
          .with("function_type", new Attribute.TypeAttr(new Type.FunctionType(inputs,
              old.results())));
      if (attrs.stream().anyMatch(a -> !((DictionaryAttr) a).isEmpty())) {
        props = props.with("arg_attrs", new Attribute.ArrayAttr(attrs));
      }
      func.setProperties(props);
    }
  }
}
