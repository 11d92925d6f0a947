package cimir.dialect.op;

import cimir.diag.DiagnosticEngine;
import cimir.dialect.graph.GraphDialect;
import cimir.dialect.graph.GraphShapes;
import cimir.ir.AttrConstraint;
import cimir.ir.Attribute;
import cimir.ir.Dialect;
import cimir.ir.OpDef;
import cimir.ir.Operation;
import cimir.ir.Trait;
import cimir.ir.Type;
import cimir.ir.TypeConstraint;
import cimir.print.IrPrinter;
import java.util.List;

/**
 * The `op` dialect: hardware-aware operators. Each keeps the computation of the graph op it
 * came from (`kind` names it, its attributes stay) and states its demand on the chip: the
 * reduction depth K, the output width N, the vectors M per inference, bit widths, bytes moved
 * and work. Passes (segmentation, mode allocation, the cost model) read only these.
 */
public final class OpDialect implements Dialect {
  private static final TypeConstraint TENSOR = GraphDialect.STATIC_TENSOR;
  private static final AttrConstraint COUNT = new AttrConstraint(
      "non-negative 64-bit signless integer attribute",
      a -> a instanceof Attribute.IntegerAttr i && i.type().equals(Type.IntegerType.I64)
          && i.value().signum() >= 0);
  private static final AttrConstraint POSITIVE = new AttrConstraint(
      "positive 64-bit signless integer attribute",
      a -> a instanceof Attribute.IntegerAttr i && i.type().equals(Type.IntegerType.I64)
          && i.value().signum() > 0);
  private static final AttrConstraint F64 = new AttrConstraint("64-bit float attribute",
      a -> a instanceof Attribute.FloatAttr f && f.type().equals(Type.FloatType.F64));

  /** The demand attributes every operator carries. */
  private static OpDef.Builder demand(OpDef.Builder b) {
    return b.attr("kind", AttrConstraint.STRING, "the graph op this computes (`conv2d`, ...)")
        .attr("input_bytes", COUNT, "bytes read per inference (activations)")
        .attr("output_bytes", COUNT, "bytes written per inference")
        .attr("work", COUNT, "MACs (products) or element operations per inference")
        .attr("intensity", F64, "work per byte moved (inputs, outputs and weights)");
  }

  private static OpDef.Builder product(OpDef.Builder b) {
    return demand(b)
        .attr("k", POSITIVE, "reduction depth of one output (C/group x kH x kW, or K)")
        .attr("n", POSITIVE, "output width: outputs sharing an input vector (channels per"
            + " group, or N)")
        .attr("m", POSITIVE, "input vectors per inference (output pixels, or rows)")
        .attr("groups", POSITIVE, "independent K x N weight matrices (convolution groups)")
        .attr("weight_bits", POSITIVE, "bits per weight")
        .attr("input_bits", POSITIVE, "bits per input")
        .attr("output_bits", POSITIVE, "bits per accumulated output")
        .attr("weight_bytes", COUNT, "bytes of weights");
  }

  public static final OpDef MVM = product(OpDef.builder("op.mvm")
      .summary("a weight-stationary matrix product on CIM arrays")
      .description("""
          A convolution (an im2col product) or a product with a constant matrix: the weights
          stay in compute-mode arrays, the M input vectors stream through them. `kind` is
          `conv2d`, `matmul` or `gemm`; the attributes of that graph op stay.

          ```mlir
          %2 = "op.mvm"(%x, %w) {groups = 1 : i64, input_bits = 8 : i64, input_bytes = 150528 : i64, intensity = 9.6e+01 : f64, k = 147 : i64, kind = "conv2d", m = 12544 : i64, n = 64 : i64, output_bits = 32 : i64, output_bytes = 802816 : i64, pads = array<i64: 3, 3, 3, 3>, strides = array<i64: 2, 2>, weight_bits = 8 : i64, weight_bytes = 9408 : i64, work = 118013952 : i64} : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>) -> tensor<1x64x112x112xf32>
          ```"""))
      .operand("input", TENSOR)
      .operand("weight", TENSOR)
      .optionalOperand("bias", TENSOR)
      .result("output", TENSOR)
      .traits(Trait.PURE)
      .verifier(OpDialect::verifyKind)
      .build();

  public static final OpDef DMM = product(OpDef.builder("op.dmm")
      .summary("a product of two activations (attention)")
      .description("""
          Both operands change per inference, so neither can stay in an array: one is written
          into arrays (or memory-mode buffers) before the other streams through. `kind` is
          `matmul`.

          ```mlir
          %2 = "op.dmm"(%q, %kt) {groups = 1 : i64, input_bits = 8 : i64, input_bytes = 98304 : i64, intensity = 4.2e+01 : f64, k = 64 : i64, kind = "matmul", m = 1536 : i64, n = 128 : i64, output_bits = 32 : i64, output_bytes = 786432 : i64, weight_bits = 8 : i64, weight_bytes = 0 : i64, work = 12582912 : i64} : (tensor<12x128x64xf32>, tensor<12x64x128xf32>) -> tensor<12x128x128xf32>
          ```"""))
      .operand("lhs", TENSOR)
      .operand("rhs", TENSOR)
      .result("output", TENSOR)
      .traits(Trait.PURE)
      .verifier(OpDialect::verifyKind)
      .build();

  public static final OpDef VEC = demand(OpDef.builder("op.vec")
      .summary("element-wise, pooling, normalization or softmax work on the vector unit")
      .description("""
          `kind` names the graph op (`relu`, `add`, `max_pool`, `softmax`, `layer_norm`, ...,
          and a depthwise `conv2d` when the cost model keeps it off the arrays); its attributes
          stay. `work` counts element operations (MACs of a depthwise convolution).

          ```mlir
          %2 = "op.vec"(%0, %1) {input_bytes = 401408 : i64, intensity = 3.3e-01 : f64, kind = "add", output_bytes = 200704 : i64, work = 200704 : i64} : (tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
          ```"""))
      .variadicOperand("inputs", TENSOR)
      .result("output", TENSOR)
      .optionalAttr("weight_bytes", COUNT, "bytes of weights (a depthwise convolution's)")
      .traits(Trait.PURE)
      .verifier(OpDialect::verifyKind)
      .build();

  public static final OpDef MOVE = demand(OpDef.builder("op.move")
      .summary("pure data movement (reshape, transpose, concat, slice, flatten)")
      .description("""
          No arithmetic: `work` is 0 for a view (reshape, flatten) and the bytes copied
          otherwise.

          ```mlir
          %1 = "op.move"(%0) {input_bytes = 2048 : i64, intensity = 0.0 : f64, kind = "flatten", output_bytes = 2048 : i64, work = 0 : i64} : (tensor<1x512x1x1xf32>) -> tensor<1x512xf32>
          ```"""))
      .variadicOperand("inputs", TENSOR)
      .result("output", TENSOR)
      .traits(Trait.PURE)
      .verifier(OpDialect::verifyKind)
      .build();

  public static final OpDef SEGMENT = OpDef.builder("op.segment")
      .summary("the operators of one stage, resident on the chip together")
      .description("""
          One region of one block; its operators run concurrently, pipelined. The block ends in
          `op.yield` of the values later stages use, which become the segment's results.

          ```mlir
          %0 = "op.segment"() ({
            %1 = "op.mvm"(...) ...
            "op.yield"(%1) : (tensor<1x64x56x56xf32>) -> ()
          }) {index = 0 : i64} : () -> tensor<1x64x56x56xf32>
          ```""")
      .variadicResult("outputs", TENSOR)
      .regions(1)
      .optionalAttr("index", COUNT, "the stage's position in execution order")
      .verifier(OpDef.Verifier.yieldsResults("op.yield"))
      .build();

  public static final OpDef YIELD = OpDef.builder("op.yield")
      .summary("ends an op.segment, naming its results")
      .description("""
          ```mlir
          "op.yield"(%1) : (tensor<1x64x56x56xf32>) -> ()
          ```""")
      .variadicOperand("values", TENSOR)
      .traits(Trait.PURE, Trait.TERMINATOR)
      .build();

  private static final List<OpDef> OPS = List.of(MVM, DMM, VEC, MOVE, SEGMENT, YIELD);

  @Override
  public String name() {
    return "op";
  }

  @Override
  public String summary() {
    return "hardware-aware operators with their demand on the chip";
  }

  @Override
  public List<OpDef> ops() {
    return OPS;
  }

  /**
   * The type of an `add` of the i32 partial sums of a product split along its reduction (two
   * operands of one i32 tensor type; the sum wraps in 32 bits), else null. `graph.add` itself
   * computes on floats only.
   */
  public static Type partialSumType(String kind, List<Type> operands) {
    return kind.equals("add") && operands.size() == 2 && operands.get(0).equals(operands.get(1))
        && operands.get(0) instanceof Type.RankedTensorType r
        && r.elementType().equals(Type.IntegerType.I32) ? r : null;
  }

  /** The kind names a graph op whose shape rule accepts the operands and gives the result. */
  private static void verifyKind(Operation op, DiagnosticEngine diag) {
    String kind = ((Attribute.StringAttr) op.attr("kind")).value();
    List<String> allowed = switch (op.name()) {
      case "op.mvm" -> List.of("conv2d", "matmul", "gemm");
      case "op.dmm" -> List.of("matmul");
      case "op.move" -> List.of("reshape", "transpose", "concat", "slice", "flatten");
      default -> null;
    };
    if (allowed != null && !allowed.contains(kind)) {
      diag.opError(op, "kind '" + kind + "' is not one of '" + String.join("', '", allowed)
          + "'");
      return;
    }
    boolean depthwise = kind.equals("conv2d") && op.numOperands() > 1
        && op.operand(1).type() instanceof Type.RankedTensorType w && w.shape().size() == 4
        && w.shape().get(1) == 1;
    if (op.name().equals("op.vec") && !depthwise && (kind.equals("constant")
        || List.of("conv2d", "matmul", "gemm", "reshape", "transpose", "concat", "slice",
            "flatten").contains(kind))) {
      diag.opError(op, "kind '" + kind + "' is not vector work (of the products, only a"
          + " depthwise conv2d is)");
      return;
    }
    Type inferred = partialSumType(kind, op.operandTypes());
    try {
      if (inferred == null) {
        inferred = GraphShapes.infer("graph." + kind, op.operandTypes(), op.attributes());
      }
    } catch (GraphShapes.ShapeException e) {
      diag.opError(op, "as '" + kind + "': " + e.getMessage());
      return;
    }
    if (!inferred.equals(op.result(0).type())) {
      diag.opError(op, "result type '" + IrPrinter.typeToString(op.result(0).type())
          + "' differs from the inferred type '" + IrPrinter.typeToString(inferred) + "'");
      return;
    }
    if (op.name().equals("op.mvm") || op.name().equals("op.dmm")) {
      verifyProductDemand(op, kind, diag);
    }
  }

  /**
   * The product's K, N, M and groups agree with its operand shapes: for a convolution K = C/g x
   * kH x kW, N = Cout/g, M = batch x output pixels; for a matrix product K and N from the
   * operands (with gemm's transposes), M = outputs / N. A depthwise convolution packed
   * diagonally (`packing = "diagonal"`) holds blocks of N channels: K = N kH kW and the groups
   * cover the channels, N (groups - 1) < C <= N groups.
   */
  private static void verifyProductDemand(Operation op, String kind, DiagnosticEngine diag) {
    for (String name : List.of("k", "n", "m", "groups")) {
      if (!(op.attr(name) instanceof Attribute.IntegerAttr)) {
        return; // the generic checks report it
      }
    }
    long[] y = shape(op.result(0).type());
    long[] w = shape(op.operand(1).type());
    long k;
    long n;
    long m;
    long groups;
    boolean packed = op.attr("packing") instanceof Attribute.StringAttr p
        && p.value().equals("diagonal");
    if (kind.equals("conv2d")) {
      long group = op.attr("group") instanceof Attribute.IntegerAttr g ? g.value().longValue()
          : 1;
      m = y[0] * y[2] * y[3];
      if (packed) {
        n = longAttr(op, "n");
        groups = longAttr(op, "groups");
        k = n * w[2] * w[3];
        if (n * groups < w[0] || n * (groups - 1) >= w[0]) {
          diag.opError(op, "packs " + w[0] + " channels into " + groups + " block(s) of " + n);
          return;
        }
      } else {
        k = w[1] * w[2] * w[3];
        n = w[0] / group;
        groups = group;
      }
    } else {
      long[] x = shape(op.operand(0).type());
      boolean ta = op.attr("transA") instanceof Attribute.IntegerAttr t && t.value().signum() != 0;
      boolean tb = op.attr("transB") instanceof Attribute.IntegerAttr t && t.value().signum() != 0;
      k = x.length == 1 ? x[0] : ta ? x[x.length - 2] : x[x.length - 1];
      n = w.length == 1 ? 1 : tb ? w[w.length - 2] : w[w.length - 1];
      long outputs = 1;
      for (long d : y) {
        outputs *= d;
      }
      m = outputs / n;
      groups = 1;
    }
    long[] expected = {k, n, m, groups};
    String[] names = {"k", "n", "m", "groups"};
    for (int i = 0; i < names.length; i++) {
      if (longAttr(op, names[i]) != expected[i]) {
        diag.opError(op, "demand '" + names[i] + "' is " + longAttr(op, names[i])
            + ", but the operand shapes give " + expected[i]);
        return;
      }
    }
  }

  private static long longAttr(Operation op, String name) {
    return ((Attribute.IntegerAttr) op.attr(name)).value().longValue();
  }

  private static long[] shape(Type t) {
    return ((Type.RankedTensorType) t).shape().stream().mapToLong(Long::longValue).toArray();
  }
}
