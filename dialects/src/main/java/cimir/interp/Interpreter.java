package cimir.interp;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphDialect;
import cimir.dialect.graph.GraphShapes;
import cimir.dialect.graph.GraphShapes.ShapeException;
import cimir.ir.Attribute;
import cimir.ir.Block;
import cimir.ir.OpDef;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.print.IrPrinter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The float32 reference interpreter of the graph dialect: runs a `func.func` of graph ops, or
 * evaluates one op, on concrete {@link Tensor}s with ONNX semantics. Element-wise functions are
 * evaluated in double and rounded once; sums (convolution, products, means, softmax, norms)
 * accumulate in double. Large convolutions, products and poolings share their outer loop among
 * threads, but each output element is summed by one thread in one fixed order, so results do not
 * depend on the thread count. Ops on integers follow the int8 semantics of {@link Int8}.
 */
public final class Interpreter {
  private Interpreter() {}

  /** Ops that move data without arithmetic, so integer tensors may pass through them. */
  private static final List<String> DATA_MOVEMENT = List.of("graph.constant", "graph.reshape",
      "graph.flatten", "graph.transpose", "graph.concat", "graph.slice");
  /** Default strides and dilations, and default pads. */
  private static final long[] ONES = {1, 1};
  private static final long[] ZEROS = {0, 0, 0, 0};
  private static final double SQRT1_2 = Math.sqrt(0.5);
  private static final double SQRT_2_PI = Math.sqrt(2 / Math.PI);

  /**
   * Runs `funcOp`, a `func.func` whose body is graph ops ending in `func.return`, on `args`, and
   * returns the returned tensors.
   */
  public static List<Tensor> run(Operation funcOp, List<Tensor> args) {
    return run(funcOp, args, (op, t) -> { });
  }

  /** Sees the result of every op as the interpreter computes it (calibration, tracing). */
  @FunctionalInterface
  public interface Observer {
    void onResult(Operation op, Tensor result);
  }

  /** {@link #run(Operation, List)}, showing every op's result to `observer`. */
  public static List<Tensor> run(Operation funcOp, List<Tensor> args, Observer observer) {
    if (!funcOp.name().equals("func.func") || new FuncOp(funcOp).isDeclaration()) {
      throw new InterpreterException(funcOp, "is not a function with a body to run");
    }
    Block body = new FuncOp(funcOp).body();
    if (args.size() != body.arguments().size()) {
      throw new InterpreterException(funcOp, "expects " + body.arguments().size()
          + " arguments, but got " + args.size());
    }
    Map<Value, Tensor> env = new IdentityHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      Type expected = body.argument(i).type();
      if (!args.get(i).type().equals(expected)) {
        throw new InterpreterException(funcOp, "argument #" + i + " is a '"
            + IrPrinter.typeToString(args.get(i).type()) + "', but the function expects '"
            + IrPrinter.typeToString(expected) + "'");
      }
      env.put(body.argument(i), args.get(i));
    }
    // a tensor is dropped after its last use, so a deep network keeps only live activations
    Map<Value, Operation> lastUse = new IdentityHashMap<>();
    for (Operation op : body) {
      for (Value v : op.operands()) {
        lastUse.put(v, op);
      }
    }
    for (Operation op : body) {
      List<Tensor> operands = new ArrayList<>(op.numOperands());
      for (int i = 0; i < op.numOperands(); i++) {
        Tensor t = env.get(op.operand(i));
        if (t == null) {
          throw new InterpreterException(op, "operand #" + i + " has no value: it is not"
              + " defined earlier in the function body");
        }
        operands.add(t);
      }
      if (op.name().equals("func.return")) {
        return operands;
      }
      Tensor result = evaluate(op, operands);
      observer.onResult(op, result);
      for (Value v : op.operands()) {
        if (lastUse.get(v) == op) {
          env.remove(v);
        }
      }
      env.put(op.result(0), result);
    }
    throw new InterpreterException(funcOp, "body does not end in 'func.return'");
  }

  /**
   * Evaluates one graph op on `operands`, whose types must be the op's operand types; the result
   * has the op's result type. Used to run functions and to fold constants.
   */
  public static Tensor evaluate(Operation op, List<Tensor> operands) {
    Type.RankedTensorType resultType = checkSignature(op, operands);
    long[] shape = resultType.shape().stream().mapToLong(Long::longValue).toArray();
    GraphAttrs a = new GraphAttrs(op.attributes());
    if (op.name().equals("graph.constant")) {
      return constant(op, resultType);
    }
    if (Int8.HANDLED.contains(op.name()) && (op.name().equals("graph.quantize")
        || !operands.get(0).isFloat())) {
      if (a.has("activation")) {
        throw new InterpreterException(op, "has a fused activation on integers; int8 graphs"
            + " clamp in graph.requantize");
      }
      return Int8.compute(op, operands, a, shape);
    }
    Tensor out = compute(op, operands, a, shape);
    return GraphDialect.FUSABLE.contains(op.name()) ? fusedActivation(op, a, out) : out;
  }

  /**
   * Applies the graph op `def` with `attrs` to `operands` without any IR around them: the op
   * is built detached, typed by shape inference, evaluated and dropped. For folding at compile
   * time (slices of constant weights, tables of element-wise functions).
   */
  public static Tensor apply(OpDef def, Attribute.DictionaryAttr attrs, List<Tensor> operands) {
    Block scratch = new Block();
    List<Value> args = new ArrayList<>();
    List<Type> types = new ArrayList<>();
    for (Tensor t : operands) {
      args.add(scratch.addArgument(t.type(), cimir.ir.Location.Unknown.INSTANCE));
      types.add(t.type());
    }
    Type result = GraphShapes.infer(def.name(), types, attrs);
    Operation op = Operation.create(def.name(), def, args, List.of(result), attrs, null,
        List.of(), 0, cimir.ir.Location.Unknown.INSTANCE);
    try {
      return evaluate(op, operands);
    } finally {
      op.dropAllReferences();
    }
  }

  /** The value of a checked op other than a constant, of result shape `shape`. */
  private static Tensor compute(Operation op, List<Tensor> in, GraphAttrs a, long[] shape) {
    return switch (op.name()) {
      case "graph.conv2d" -> conv2d(in, a, shape);
      case "graph.matmul" -> floats(shape, Kernels.matmul(in.get(0).floats(),
          in.get(0).shape(), in.get(1).floats(), in.get(1).shape(), shape));
      case "graph.gemm" -> gemm(in, a, shape);
      case "graph.add" -> binary(in, shape, (x, y) -> x + y);
      case "graph.sub" -> binary(in, shape, (x, y) -> x - y);
      case "graph.mul" -> binary(in, shape, (x, y) -> x * y);
      case "graph.div" -> binary(in, shape, (x, y) -> x / y);
      case "graph.pow" -> binary(in, shape, Math::pow);
      case "graph.relu" -> unary(in, x -> Math.max(x, 0));
      case "graph.sigmoid" -> unary(in, Interpreter::sigmoid);
      case "graph.tanh" -> unary(in, Math::tanh);
      case "graph.erf" -> unary(in, Erf::erf);
      case "graph.sqrt" -> unary(in, Math::sqrt);
      case "graph.exp" -> unary(in, Math::exp);
      case "graph.neg" -> unary(in, x -> -x);
      case "graph.silu" -> unary(in, x -> x * sigmoid(x));
      case "graph.gelu" -> gelu(op, in, a);
      case "graph.hard_sigmoid" -> {
        double alpha = a.f("alpha", 0.2f);
        double beta = a.f("beta", 0.5f);
        yield unary(in, x -> clamp(alpha * x + beta, 0, 1));
      }
      case "graph.hard_swish" -> unary(in, x -> x * clamp(x / 6 + 0.5, 0, 1));
      case "graph.clip" -> {
        double lo = a.f("min", Double.NEGATIVE_INFINITY);
        double hi = a.f("max", Double.POSITIVE_INFINITY);
        yield unary(in, x -> clamp(x, lo, hi));
      }
      case "graph.softmax" -> softmax(in.get(0), a);
      case "graph.layer_norm" -> layerNorm(in, a);
      case "graph.batch_norm" -> batchNorm(in, a);
      case "graph.reduce_mean" -> reduceMean(in.get(0), a, shape);
      case "graph.global_avg_pool" -> globalAvgPool(in.get(0), shape);
      case "graph.max_pool" -> floats(shape, Kernels.maxPool(in.get(0).floats(),
          in.get(0).shape(), shape, a.ints("kernel_shape", null), a.ints("strides", ONES),
          a.ints("pads", ZEROS), a.ints("dilations", ONES)));
      case "graph.avg_pool" -> floats(shape, Kernels.avgPool(in.get(0).floats(),
          in.get(0).shape(), shape, a.ints("kernel_shape", null), a.ints("strides", ONES),
          a.ints("pads", ZEROS), a.i64("count_include_pad", 0) != 0));
      case "graph.reshape", "graph.flatten" -> in.get(0).reshape(shape);
      case "graph.transpose" -> transpose(in.get(0), a, shape);
      case "graph.concat" -> concat(in, a, shape);
      case "graph.slice" -> slice(in.get(0), a, shape);
      default -> throw new InterpreterException(op, "has no interpreter rule");
    };
  }

  // ---- Checks ----

  /**
   * Checks that `op` is a graph op with one static tensor result, that `operands` have its
   * operand types, that element types are ones the interpreter handles, and that the shape rule
   * agrees with the result type, so the kernels index only inside their arrays. Returns the
   * result type.
   */
  private static Type.RankedTensorType checkSignature(Operation op, List<Tensor> operands) {
    if (!op.name().startsWith("graph.") || op.def() == null) {
      throw new InterpreterException(op, "is not a registered graph op");
    }
    checkOperandCount(op);
    if (op.numResults() != 1 || !(op.result(0).type() instanceof Type.RankedTensorType rt)
        || !rt.hasStaticShape()) {
      throw new InterpreterException(op, "must have one statically shaped tensor result");
    }
    if (operands.size() != op.numOperands()) {
      throw new InterpreterException(op, "has " + op.numOperands() + " operands, but "
          + operands.size() + " tensors were given");
    }
    List<Type> types = new ArrayList<>(operands.size());
    for (int i = 0; i < operands.size(); i++) {
      Type t = operands.get(i).type();
      if (!t.equals(op.operand(i).type())) {
        throw new InterpreterException(op, "operand #" + i + " is a '" + IrPrinter.typeToString(t)
            + "', but the op expects '" + IrPrinter.typeToString(op.operand(i).type()) + "'");
      }
      types.add(t);
    }
    boolean movesData = DATA_MOVEMENT.contains(op.name());
    for (int i = 0; i < operands.size(); i++) {
      checkElementType(op, "operand #" + i, operands.get(i).elementType(), movesData);
    }
    checkElementType(op, "the result", rt.elementType(), movesData);
    if (!op.name().equals("graph.constant")) {
      Type inferred;
      try {
        inferred = GraphShapes.infer(op.name(), types, op.attributes());
      } catch (ShapeException e) {
        throw new InterpreterException(op, e.getMessage());
      }
      if (!inferred.equals(rt)) {
        throw new InterpreterException(op, "result type '" + IrPrinter.typeToString(rt)
            + "' differs from the inferred type '" + IrPrinter.typeToString(inferred) + "'");
      }
    }
    return rt;
  }

  /** The operand count the definition allows, so no kernel reads a missing operand. */
  private static void checkOperandCount(Operation op) {
    int min = 0;
    int max = 0;
    boolean variadic = false;
    for (OpDef.ValueDef d : op.def().operands()) {
      switch (d.arity()) {
        case SINGLE -> {
          min++;
          max++;
        }
        case OPTIONAL -> max++;
        case VARIADIC -> variadic = true;
      }
    }
    int n = op.numOperands();
    if (n < min || !variadic && n > max) {
      throw new InterpreterException(op, "has " + n + " operands, but its definition allows "
          + (variadic ? min + " or more" : min == max ? "" + min : min + " to " + max));
    }
  }

  private static void checkElementType(Operation op, String what, Type t, boolean movesData) {
    boolean integers = movesData || Int8.HANDLED.contains(op.name());
    boolean ok = t.equals(Type.FloatType.F32) || integers && t instanceof Type.IntegerType;
    if (!ok) {
      throw new InterpreterException(op, what + " has element type '" + IrPrinter.typeToString(t)
          + "', but the interpreter evaluates this op on " + (integers ? "f32 and integer"
          : "f32") + " tensors only");
    }
  }

  // ---- Constants, products and fused activations ----

  private static Tensor constant(Operation op, Type.RankedTensorType resultType) {
    if (!(op.attr("value") instanceof Attribute.DenseElementsAttr value)
        || !value.type().equals(resultType)) {
      throw new InterpreterException(op, "needs a 'value' of the result type '"
          + IrPrinter.typeToString(resultType) + "'");
    }
    return Tensor.fromAttr(value);
  }

  private static Tensor conv2d(List<Tensor> in, GraphAttrs a, long[] shape) {
    Tensor x = in.get(0);
    Tensor w = in.get(1);
    float[] bias = in.size() > 2 ? in.get(2).floats() : null;
    return floats(shape, Kernels.conv2d(x.floats(), x.shape(), w.floats(), w.shape(), bias,
        shape, a.ints("strides", ONES), a.ints("pads", ZEROS), a.ints("dilations", ONES),
        (int) a.i64("group", 1)));
  }

  /** ONNX Gemm: op(A) and op(B) are made contiguous, then one product with alpha and beta * C. */
  private static Tensor gemm(List<Tensor> in, GraphAttrs a, long[] shape) {
    boolean ta = a.i64("transA", 0) != 0;
    boolean tb = a.i64("transB", 0) != 0;
    Tensor x = in.get(0);
    Tensor y = in.get(1);
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    int depth = (int) (ta ? x.dim(0) : x.dim(1));
    float[] av = ta ? transpose2d(x.floats(), depth, rows) : x.floats();
    float[] bv = tb ? transpose2d(y.floats(), cols, depth) : y.floats();
    float[] c = null;
    int[] cIdx = null;
    if (in.size() > 2) {
      c = in.get(2).floats();
      cIdx = Tensor.offsets(shape, 0, Tensor.broadcastStrides(in.get(2).shape(), shape));
    }
    return floats(shape, Kernels.gemm(av, bv, rows, depth, cols, a.f("alpha", 1),
        c, cIdx, a.f("beta", 1)));
  }

  /** The transpose of a (rows, cols) matrix. */
  private static float[] transpose2d(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = m[i * cols + j];
      }
    }
    return t;
  }

  /** `activation = "relu"` or `"clip"` (to `clip_min`, `clip_max`, each optional) on a result. */
  private static Tensor fusedActivation(Operation op, GraphAttrs a, Tensor t) {
    String activation = a.str("activation", null);
    if (activation == null) {
      return t;
    }
    float lo;
    float hi;
    switch (activation) {
      case "relu" -> {
        lo = 0;
        hi = Float.POSITIVE_INFINITY;
      }
      case "clip" -> {
        lo = (float) a.f("clip_min", Float.NEGATIVE_INFINITY);
        hi = (float) a.f("clip_max", Float.POSITIVE_INFINITY);
      }
      default -> throw new InterpreterException(op, "has an unknown fused activation '"
          + activation + "'");
    }
    float[] v = t.floats();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.min(Math.max(v[i], lo), hi);
    }
    return t;
  }

  // ---- Element-wise ----

  private static Tensor unary(List<Tensor> in, DoubleUnaryOperator f) {
    float[] x = in.get(0).floats();
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) f.applyAsDouble(x[i]);
    }
    return floats(in.get(0).shape(), y);
  }

  /** A binary op with multidirectional broadcasting of both operands to `shape`. */
  private static Tensor binary(List<Tensor> in, long[] shape, DoubleBinaryOperator f) {
    float[] x = in.get(0).floats();
    float[] y = in.get(1).floats();
    int[] xi = Tensor.offsets(shape, 0, Tensor.broadcastStrides(in.get(0).shape(), shape));
    int[] yi = Tensor.offsets(shape, 0, Tensor.broadcastStrides(in.get(1).shape(), shape));
    float[] out = new float[xi.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) f.applyAsDouble(x[xi[i]], y[yi[i]]);
    }
    return floats(shape, out);
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static double clamp(double x, double lo, double hi) {
    return Math.min(Math.max(x, lo), hi);
  }

  /**
   * `none`: x * (1 + erf(x / sqrt 2)) / 2, computed as x * erfc(-x / sqrt 2) / 2, which keeps
   * its precision where erf is close to -1; `tanh`: the tanh approximation.
   */
  private static Tensor gelu(Operation op, List<Tensor> in, GraphAttrs a) {
    String approximate = a.str("approximate", "none");
    return switch (approximate) {
      case "none" -> unary(in, x -> 0.5 * x * Erf.erfc(-x * SQRT1_2));
      case "tanh" -> unary(in,
          x -> 0.5 * x * (1 + Math.tanh(SQRT_2_PI * (x + 0.044715 * x * x * x))));
      default -> throw new InterpreterException(op, "has an unknown approximation '"
          + approximate + "'");
    };
  }

  // ---- Normalizations and reductions ----

  /** ONNX Softmax (opset 13) along one axis, the maximum subtracted first. */
  private static Tensor softmax(Tensor t, GraphAttrs a) {
    long[] s = t.shape();
    int axis = GraphShapes.axis(a.i64("axis", -1), s.length, "axis");
    int len = (int) s[axis];
    int inner = (int) Tensor.size(Arrays.copyOfRange(s, axis + 1, s.length));
    int outer = (int) Tensor.size(Arrays.copyOf(s, axis));
    float[] x = t.floats();
    float[] y = new float[x.length];
    double[] e = new double[len];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
          max = Math.max(max, x[base + j * inner]);
        }
        double sum = 0;
        for (int j = 0; j < len; j++) {
          e[j] = Math.exp(x[base + j * inner] - max);
          sum += e[j];
        }
        for (int j = 0; j < len; j++) {
          y[base + j * inner] = (float) (e[j] / sum);
        }
      }
    }
    return floats(s, y);
  }

  /**
   * ONNX LayerNormalization over the dimensions from `axis` on: mean and (biased) variance per
   * row, then (x - mean) / sqrt(var + epsilon) * scale + bias.
   */
  private static Tensor layerNorm(List<Tensor> in, GraphAttrs a) {
    long[] s = in.get(0).shape();
    int axis = GraphShapes.axis(a.i64("axis", -1), s.length, "axis");
    long[] normalized = Arrays.copyOfRange(s, axis, s.length);
    int d = (int) Tensor.size(normalized);
    int rows = (int) Tensor.size(Arrays.copyOf(s, axis));
    double eps = a.f("epsilon", 1e-5f);
    float[] x = in.get(0).floats();
    float[] scale = in.get(1).floats();
    int[] si = Tensor.offsets(normalized, 0,
        Tensor.broadcastStrides(in.get(1).shape(), normalized));
    float[] bias = in.size() > 2 ? in.get(2).floats() : null;
    int[] bi = bias == null ? null : Tensor.offsets(normalized, 0,
        Tensor.broadcastStrides(in.get(2).shape(), normalized));
    float[] y = new float[x.length];
    for (int r = 0; r < rows; r++) {
      int base = r * d;
      double sum = 0;
      for (int j = 0; j < d; j++) {
        sum += x[base + j];
      }
      double mean = sum / d;
      double sq = 0;
      for (int j = 0; j < d; j++) {
        double c = x[base + j] - mean;
        sq += c * c;
      }
      double inv = 1 / Math.sqrt(sq / d + eps);
      for (int j = 0; j < d; j++) {
        double v = (x[base + j] - mean) * inv * scale[si[j]];
        y[base + j] = (float) (bias == null ? v : v + bias[bi[j]]);
      }
    }
    return floats(s, y);
  }

  /** Inference batch normalization per channel (dimension 1) with the stored statistics. */
  private static Tensor batchNorm(List<Tensor> in, GraphAttrs a) {
    long[] s = in.get(0).shape();
    int channels = (int) s[1];
    int inner = (int) Tensor.size(Arrays.copyOfRange(s, 2, s.length));
    int batches = (int) s[0];
    double eps = a.f("epsilon", 1e-5f);
    float[] x = in.get(0).floats();
    float[] scale = in.get(1).floats();
    float[] bias = in.get(2).floats();
    float[] mean = in.get(3).floats();
    float[] var = in.get(4).floats();
    float[] y = new float[x.length];
    for (int c = 0; c < channels; c++) {
      double sd = Math.sqrt((double) var[c] + eps);
      for (int n = 0; n < batches; n++) {
        int base = (n * channels + c) * inner;
        for (int i = 0; i < inner; i++) {
          y[base + i] = (float) ((x[base + i] - (double) mean[c]) / sd * scale[c] + bias[c]);
        }
      }
    }
    return floats(s, y);
  }

  /** ONNX ReduceMean over `axes` (all when absent): sums in input order, then one division. */
  private static Tensor reduceMean(Tensor t, GraphAttrs a, long[] shape) {
    long[] s = t.shape();
    long[] axes = a.ints("axes", null);
    boolean[] reduced = new boolean[s.length];
    if (axes == null) {
      Arrays.fill(reduced, true);
    } else {
      for (long ax : axes) {
        reduced[GraphShapes.axis(ax, s.length, "reduction axis")] = true;
      }
    }
    // the stride of each input dimension in the output: 0 for a reduced one
    long[] strides = new long[s.length];
    long acc = 1;
    double count = 1;
    for (int d = s.length - 1; d >= 0; d--) {
      if (reduced[d]) {
        count *= s[d];
      } else {
        strides[d] = acc;
        acc *= s[d];
      }
    }
    int[] target = Tensor.offsets(s, 0, strides);
    float[] x = t.floats();
    double[] sums = new double[(int) Tensor.size(shape)];
    for (int i = 0; i < x.length; i++) {
      sums[target[i]] += x[i];
    }
    float[] y = new float[sums.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) (sums[i] / count);
    }
    return floats(shape, y);
  }

  private static Tensor globalAvgPool(Tensor t, long[] shape) {
    float[] x = t.floats();
    int planes = (int) (shape[0] * shape[1]);
    int area = planes == 0 ? 0 : x.length / planes;
    float[] y = new float[planes];
    for (int p = 0; p < planes; p++) {
      double sum = 0;
      for (int i = p * area; i < (p + 1) * area; i++) {
        sum += x[i];
      }
      y[p] = (float) (sum / area);
    }
    return floats(shape, y);
  }

  // ---- Data movement (f32 and integer) ----

  private static Tensor transpose(Tensor t, GraphAttrs a, long[] shape) {
    int rank = t.rank();
    long[] perm = a.ints("perm", null);
    long[] in = Tensor.strides(t.shape());
    long[] strides = new long[rank];
    for (int i = 0; i < rank; i++) {
      strides[i] = in[perm == null ? rank - 1 - i : (int) perm[i]];
    }
    return t.gather(shape, Tensor.offsets(shape, 0, strides));
  }

  /** ONNX Slice: per axis the clamped start and step of {@link GraphShapes#sliceRange}. */
  private static Tensor slice(Tensor t, GraphAttrs a, long[] shape) {
    long[] s = t.shape();
    long[] starts = a.ints("starts", null);
    long[] ends = a.ints("ends", null);
    long[] axes = a.ints("axes", null);
    long[] steps = a.ints("steps", null);
    long[] in = Tensor.strides(s);
    long[] strides = in.clone();
    long base = 0;
    for (int i = 0; i < starts.length; i++) {
      int ax = GraphShapes.axis(axes == null ? i : axes[i], s.length, "slice axis");
      long step = steps == null ? 1 : steps[i];
      long[] range = GraphShapes.sliceRange(starts[i], ends[i], step, s[ax]);
      if (range[2] > 0) {
        base += range[0] * in[ax];
      }
      strides[ax] = step * in[ax];
    }
    return t.gather(shape, Tensor.offsets(shape, base, strides));
  }

  /** Copies each operand's block of `dim(axis) * inner` elements per outer index. */
  private static Tensor concat(List<Tensor> in, GraphAttrs a, long[] shape) {
    int axis = GraphShapes.axis(a.i64("axis", 0), shape.length, "axis");
    int outer = (int) Tensor.size(Arrays.copyOf(shape, axis));
    int inner = (int) Tensor.size(Arrays.copyOfRange(shape, axis + 1, shape.length));
    int row = (int) shape[axis] * inner;
    Tensor first = in.get(0);
    Object out = first.isFloat() ? new float[outer * row] : new long[outer * row];
    int at = 0;
    for (Tensor t : in) {
      Object src = t.isFloat() ? t.floats() : t.ints();
      int block = (int) t.dim(axis) * inner;
      for (int o = 0; o < outer; o++) {
        System.arraycopy(src, o * block, out, o * row + at, block);
      }
      at += block;
    }
    return first.isFloat() ? floats(shape, (float[]) out)
        : Tensor.ofInts((Type.IntegerType) first.elementType(), shape, (long[]) out);
  }

  private static Tensor floats(long[] shape, float[] data) {
    return Tensor.ofFloats(shape, data);
  }
}
