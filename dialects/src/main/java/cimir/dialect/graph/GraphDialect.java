package cimir.dialect.graph;

import cimir.diag.DiagnosticEngine;
import cimir.dialect.graph.GraphShapes.ShapeException;
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
 * The `graph` dialect: a DNN as imported, tensor ops with ONNX semantics. Every op with a shape
 * rule is verified by inferring its result type ({@link GraphShapes}) and comparing.
 */
public final class GraphDialect implements Dialect {
  /** A ranked tensor with no dynamic dimension. */
  public static final TypeConstraint STATIC_TENSOR = new TypeConstraint(
      "statically shaped tensor of any type values",
      t -> t instanceof Type.RankedTensorType r && r.hasStaticShape());

  private static final AttrConstraint I64_ARRAY = AttrConstraint.DENSE_I64_ARRAY;
  private static final AttrConstraint FLOAT = new AttrConstraint("32-bit float attribute",
      a -> a instanceof Attribute.FloatAttr f && f.type().equals(Type.FloatType.F32));
  private static final AttrConstraint FLAG = new AttrConstraint(
      "64-bit signless integer attribute whose value is 0 or 1",
      a -> a instanceof Attribute.IntegerAttr i && i.type().equals(Type.IntegerType.I64)
          && (i.value().signum() == 0 || i.value().intValue() == 1));

  /** Producers that may carry a fused activation (`activation`, `clip_min`, `clip_max`). */
  public static final List<String> FUSABLE = List.of("graph.conv2d", "graph.matmul",
      "graph.gemm", "graph.add");

  private static OpDef.Builder op(String mnemonic, String summary, String description) {
    OpDef.Builder b = OpDef.builder("graph." + mnemonic).summary(summary).description(description)
        .traits(Trait.PURE);
    if (FUSABLE.contains("graph." + mnemonic)) {
      b.optionalAttr("activation", AttrConstraint.stringEnum("relu", "clip"),
          "an activation applied to the result: `relu` (max(x, 0)) or `clip` to"
              + " [`clip_min`, `clip_max`]")
          .optionalAttr("clip_min", FLOAT, "lower bound of a fused `clip`")
          .optionalAttr("clip_max", FLOAT, "upper bound of a fused `clip`");
    }
    return b;
  }

  private static OpDef unary(String mnemonic, String summary, String formula) {
    return op(mnemonic, summary, formula + ", element-wise.\n\n```mlir\n%1 = \"graph." + mnemonic
        + "\"(%0) : (tensor<1x64xf32>) -> tensor<1x64xf32>\n```")
        .operand("input", STATIC_TENSOR)
        .result("output", STATIC_TENSOR)
        .verifier(GraphDialect::verifyInferred)
        .build();
  }

  private static OpDef binary(String mnemonic, String summary) {
    return op(mnemonic, summary, "Element-wise with multidirectional (numpy) broadcasting.\n\n"
        + "```mlir\n%2 = \"graph." + mnemonic + "\"(%0, %1) : (tensor<1x8x4x4xf32>,"
        + " tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>\n```")
        .operand("lhs", STATIC_TENSOR)
        .operand("rhs", STATIC_TENSOR)
        .result("output", STATIC_TENSOR)
        .verifier(GraphDialect::verifyInferred)
        .build();
  }

  public static final OpDef CONSTANT = OpDef.builder("graph.constant")
      .summary("a constant tensor")
      .description("""
          The tensor held by `value`; its type is the result type. Imported initializers and
          folded shape computations become constants.

          ```mlir
          %0 = "graph.constant"() {value = dense<1.000000e+00> : tensor<8xf32>} : () -> tensor<8xf32>
          ```""")
      .attr("value", AttrConstraint.ELEMENTS, "the tensor")
      .result("output", STATIC_TENSOR)
      .traits(Trait.PURE)
      .verifier((op, diag) -> {
        Type t = ((Attribute.DenseElementsAttr) op.attr("value")).type();
        if (!t.equals(op.result(0).type())) {
          diag.opError(op, "value type '" + IrPrinter.typeToString(t)
              + "' differs from the result type '" + IrPrinter.typeToString(op.result(0).type())
              + "'");
        }
      })
      .build();

  public static final OpDef CONV2D = op("conv2d", "a 2-d convolution (groups: depthwise too)", """
      ONNX Conv over NCHW input and (M, C/group, kH, kW) weights with an optional bias of M.
      `pads` are (top, left, bottom, right). `group` = C = M is a depthwise convolution.

      ```mlir
      %2 = "graph.conv2d"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x16x16xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x16x16xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .operand("weight", STATIC_TENSOR)
      .optionalOperand("bias", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .defaultedAttr("strides", I64_ARRAY, GraphAttrs.ints(1, 1), "stride per spatial dimension")
      .defaultedAttr("pads", I64_ARRAY, GraphAttrs.ints(0, 0, 0, 0),
          "padding (top, left, bottom, right)")
      .defaultedAttr("dilations", I64_ARRAY, GraphAttrs.ints(1, 1),
          "dilation per spatial dimension")
      .defaultedAttr("group", AttrConstraint.I64, GraphAttrs.i64(1), "number of groups")
      .optionalAttr("kernel_shape", I64_ARRAY, "kernel size; must match the weight when given")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef MATMUL = op("matmul", "a matrix product with numpy semantics", """
      ONNX MatMul: batched over leading dimensions with broadcasting; a 1-d operand is promoted
      to a matrix and the promoted dimension dropped.

      ```mlir
      %2 = "graph.matmul"(%a, %b) : (tensor<1x128x768xf32>, tensor<768x3072xf32>) -> tensor<1x128x3072xf32>
      ```""")
      .operand("lhs", STATIC_TENSOR)
      .operand("rhs", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef GEMM = op("gemm", "alpha * op(A) * op(B) + beta * C", """
      ONNX Gemm on 2-d operands; `transA`/`transB` transpose A and B; C broadcasts to the
      result.

      ```mlir
      %3 = "graph.gemm"(%a, %w, %c) {transB = 1 : i64} : (tensor<1x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<1x1000xf32>
      ```""")
      .operand("a", STATIC_TENSOR)
      .operand("b", STATIC_TENSOR)
      .optionalOperand("c", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .defaultedAttr("alpha", FLOAT, GraphAttrs.f32(1), "scale of the product")
      .defaultedAttr("beta", FLOAT, GraphAttrs.f32(1), "scale of C")
      .defaultedAttr("transA", FLAG, GraphAttrs.i64(0), "1: use A transposed")
      .defaultedAttr("transB", FLAG, GraphAttrs.i64(0), "1: use B transposed")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef ADD = binary("add", "element-wise sum");
  public static final OpDef SUB = binary("sub", "element-wise difference");
  public static final OpDef MUL = binary("mul", "element-wise product");
  public static final OpDef DIV = binary("div", "element-wise quotient");
  public static final OpDef POW = binary("pow", "element-wise power");

  public static final OpDef RELU = unary("relu", "rectified linear unit", "max(x, 0)");
  public static final OpDef SIGMOID = unary("sigmoid", "logistic sigmoid", "1 / (1 + exp(-x))");
  public static final OpDef TANH = unary("tanh", "hyperbolic tangent", "tanh(x)");
  public static final OpDef ERF = unary("erf", "Gauss error function", "erf(x)");
  public static final OpDef SQRT = unary("sqrt", "square root", "sqrt(x)");
  public static final OpDef EXP = unary("exp", "exponential", "exp(x)");
  public static final OpDef NEG = unary("neg", "negation", "-x");
  public static final OpDef SILU = unary("silu", "sigmoid-weighted linear unit (swish)",
      "x * sigmoid(x)");
  public static final OpDef HARD_SWISH = unary("hard_swish", "hard swish",
      "x * max(0, min(1, x / 6 + 1 / 2))");

  public static final OpDef GELU = op("gelu", "Gaussian error linear unit", """
      `approximate = "none"`: x * (1 + erf(x / sqrt(2))) / 2; `"tanh"`:
      x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))) / 2, element-wise.

      ```mlir
      %1 = "graph.gelu"(%0) {approximate = "none"} : (tensor<1x4x32xf32>) -> tensor<1x4x32xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .defaultedAttr("approximate", AttrConstraint.stringEnum("none", "tanh"),
          Attribute.StringAttr.of("none"), "the exact (erf) form or the tanh approximation")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef HARD_SIGMOID = op("hard_sigmoid", "hard sigmoid", """
      max(0, min(1, alpha * x + beta)), element-wise (ONNX HardSigmoid).

      ```mlir
      %1 = "graph.hard_sigmoid"(%0) {alpha = 0.166666672 : f32, beta = 5.000000e-01 : f32} : (tensor<1x16xf32>) -> tensor<1x16xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .defaultedAttr("alpha", FLOAT, GraphAttrs.f32(0.2), "slope")
      .defaultedAttr("beta", FLOAT, GraphAttrs.f32(0.5), "offset")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef CLIP = op("clip", "clamp to [min, max]", """
      min(max(x, min), max), element-wise; a missing bound is unbounded. ReLU6 is a clip to
      [0, 6].

      ```mlir
      %1 = "graph.clip"(%0) {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : (tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .optionalAttr("min", FLOAT, "lower bound")
      .optionalAttr("max", FLOAT, "upper bound")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef SOFTMAX = op("softmax", "softmax along one axis", """
      exp(x) / sum(exp(x)) along `axis` (ONNX Softmax, opset 13).

      ```mlir
      %1 = "graph.softmax"(%0) {axis = -1 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .defaultedAttr("axis", AttrConstraint.I64, GraphAttrs.i64(-1), "the normalized axis")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef LAYER_NORM = op("layer_norm", "layer normalization", """
      (x - mean) / sqrt(var + epsilon) * scale + bias over the dimensions from `axis` to the
      last (ONNX LayerNormalization); `scale` and `bias` broadcast to those dimensions.

      ```mlir
      %3 = "graph.layer_norm"(%x, %g, %b) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<1x4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x4x16xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .operand("scale", STATIC_TENSOR)
      .optionalOperand("bias", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .defaultedAttr("axis", AttrConstraint.I64, GraphAttrs.i64(-1), "first normalized axis")
      .defaultedAttr("epsilon", FLOAT, GraphAttrs.f32(1e-5), "added to the variance")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef BATCH_NORM = op("batch_norm", "batch normalization (inference)", """
      (x - mean) / sqrt(variance + epsilon) * scale + bias per channel (dimension 1), with
      the stored statistics. Canonicalization folds it into a preceding convolution.

      ```mlir
      %5 = "graph.batch_norm"(%x, %s, %b, %m, %v) {epsilon = 9.99999974E-6 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .operand("scale", STATIC_TENSOR)
      .operand("bias", STATIC_TENSOR)
      .operand("mean", STATIC_TENSOR)
      .operand("variance", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .defaultedAttr("epsilon", FLOAT, GraphAttrs.f32(1e-5), "added to the variance")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef REDUCE_MEAN = op("reduce_mean", "mean over axes", """
      ONNX ReduceMean: the mean over `axes` (all when absent); `keepdims` = 1 keeps them as
      size 1.

      ```mlir
      %1 = "graph.reduce_mean"(%0) {axes = array<i64: -1>, keepdims = 1 : i64} : (tensor<1x4x16xf32>) -> tensor<1x4x1xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .optionalAttr("axes", I64_ARRAY, "reduced axes; all when absent")
      .defaultedAttr("keepdims", FLAG, GraphAttrs.i64(1), "1: keep reduced axes as size 1")
      .verifier(GraphDialect::verifyInferred)
      .build();

  private static OpDef pool(String mnemonic, String summary, boolean average) {
    OpDef.Builder b = op(mnemonic, summary, "ONNX " + (average ? "AveragePool" : "MaxPool")
        + " over NCHW input; `pads` are (top, left, bottom, right)"
        + (average ? "; `count_include_pad` = 1 divides by the full window" : "") + ".\n\n"
        + "```mlir\n%1 = \"graph." + mnemonic + "\"(%0) {kernel_shape = array<i64: 2, 2>,"
        + " strides = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>\n```")
        .operand("input", STATIC_TENSOR)
        .result("output", STATIC_TENSOR)
        .attr("kernel_shape", I64_ARRAY, "window size")
        .defaultedAttr("strides", I64_ARRAY, GraphAttrs.ints(1, 1), "stride per dimension")
        .defaultedAttr("pads", I64_ARRAY, GraphAttrs.ints(0, 0, 0, 0),
            "padding (top, left, bottom, right)")
        .defaultedAttr("ceil_mode", FLAG, GraphAttrs.i64(0), "1: round the output size up");
    if (average) {
      b.defaultedAttr("count_include_pad", FLAG, GraphAttrs.i64(0),
          "1: padding counts in the divisor");
    } else {
      b.defaultedAttr("dilations", I64_ARRAY, GraphAttrs.ints(1, 1), "window dilation");
    }
    return b.verifier(GraphDialect::verifyInferred).build();
  }

  public static final OpDef MAX_POOL = pool("max_pool", "2-d max pooling", false);
  public static final OpDef AVG_POOL = pool("avg_pool", "2-d average pooling", true);

  public static final OpDef GLOBAL_AVG_POOL = op("global_avg_pool",
      "mean over all spatial dimensions", """
      ONNX GlobalAveragePool: (N, C, H, W) to (N, C, 1, 1).

      ```mlir
      %1 = "graph.global_avg_pool"(%0) : (tensor<1x512x7x7xf32>) -> tensor<1x512x1x1xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef RESHAPE = op("reshape", "the same elements in another shape", """
      ONNX Reshape with the target shape as an attribute: 0 copies the input dimension, one -1
      takes what is left.

      ```mlir
      %1 = "graph.reshape"(%0) {shape = array<i64: 0, 0, 2, 8>} : (tensor<1x4x16xf32>) -> tensor<1x4x2x8xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .attr("shape", I64_ARRAY, "target shape (0: copy, -1: infer)")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef TRANSPOSE = op("transpose", "permutes dimensions", """
      Output dimension i is input dimension `perm[i]` (reversed when absent).

      ```mlir
      %1 = "graph.transpose"(%0) {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x8xf32>) -> tensor<1x2x4x8xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .optionalAttr("perm", I64_ARRAY, "the permutation")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef CONCAT = op("concat", "joins tensors along an axis", """
      All operands agree outside `axis`.

      ```mlir
      %2 = "graph.concat"(%0, %1) {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32>
      ```""")
      .variadicOperand("inputs", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .attr("axis", AttrConstraint.I64, "the joined axis")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef SLICE = op("slice", "a strided window of a tensor", """
      ONNX Slice with constant bounds: along `axes` (0, 1, ... when absent) from `starts` to
      `ends` by `steps` (1 when absent); negative indices count from the end; bounds are
      clamped.

      ```mlir
      %1 = "graph.slice"(%0) {axes = array<i64: 2>, ends = array<i64: 16>, starts = array<i64: 0>} : (tensor<1x4x48xf32>) -> tensor<1x4x16xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .attr("starts", I64_ARRAY, "first index per sliced axis")
      .attr("ends", I64_ARRAY, "end index (exclusive) per sliced axis")
      .optionalAttr("axes", I64_ARRAY, "sliced axes")
      .optionalAttr("steps", I64_ARRAY, "step per sliced axis")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef FLATTEN = op("flatten", "a 2-d view split at an axis", """
      ONNX Flatten: dimensions before `axis` become the rows, the rest the columns.

      ```mlir
      %1 = "graph.flatten"(%0) {axis = 1 : i64} : (tensor<1x512x1x1xf32>) -> tensor<1x512xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .defaultedAttr("axis", AttrConstraint.I64, GraphAttrs.i64(1), "the split axis")
      .verifier(GraphDialect::verifyInferred)
      .build();

  private static final AttrConstraint I8_BOUND = new AttrConstraint(
      "64-bit signless integer attribute in [-128, 127]",
      a -> a instanceof Attribute.IntegerAttr i && i.type().equals(Type.IntegerType.I64)
          && i.value().longValue() >= -128 && i.value().longValue() <= 127);

  private static OpDef.Builder clamped(OpDef.Builder b) {
    return b.defaultedAttr("min", I8_BOUND, GraphAttrs.i64(-128), "lower clamp (a fused ReLU: 0)")
        .defaultedAttr("max", I8_BOUND, GraphAttrs.i64(127), "upper clamp");
  }

  public static final OpDef QUANTIZE = op("quantize", "f32 to i8 with a scale", """
      q = clamp(round_half_even(x / scale), -128, 127), with x / scale computed in f32:
      symmetric quantization, zero point 0. Where an int8 graph leaves the integers (its
      inputs, and float detours) it passes through `quantize`.

      ```mlir
      %1 = "graph.quantize"(%0) {scale = 0.0313725509 : f32} : (tensor<1x3x16x16xf32>) -> tensor<1x3x16x16xi8>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .attr("scale", FLOAT, "the real value of one integer step")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef DEQUANTIZE = op("dequantize", "integers to f32 with a scale", """
      x = q * scale, in f32.

      ```mlir
      %1 = "graph.dequantize"(%0) {scale = 0.0313725509 : f32} : (tensor<1x10xi8>) -> tensor<1x10xf32>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .attr("scale", FLOAT, "the real value of one integer step")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef REQUANTIZE = clamped(op("requantize",
      "i32 (or i8) to i8 by a multiplier and a shift", """
      y = clamp((x * multiplier + 2^(shift - 1)) >> shift, min, max) in 64-bit integers, with
      an arithmetic shift: rounding half up (towards +inf); for shift = 0 no rounding term.
      One multiplier and shift for the tensor, or one per channel along `axis`. This is how an
      accumulator of scale s_x * s_w becomes an activation of scale s_y:
      multiplier / 2^shift = s_x * s_w / s_y.

      ```mlir
      %1 = "graph.requantize"(%0) {max = 127 : i64, min = 0 : i64, multiplier = array<i64: 1518500250, 1372618415>, shift = array<i64: 38, 38>} : (tensor<1x2x8x8xi32>) -> tensor<1x2x8x8xi8>
      ```"""))
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .attr("multiplier", I64_ARRAY, "multiplier(s) in [0, 2^31)")
      .attr("shift", I64_ARRAY, "right shift(s) in [0, 62]")
      .defaultedAttr("axis", AttrConstraint.I64, GraphAttrs.i64(1), "the channel axis")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef QADD = clamped(op("qadd", "int8 addition with rescaling", """
      y = clamp((a * lhs_multiplier + b * rhs_multiplier + 2^(shift - 1)) >> shift, min, max)
      in 64-bit integers with broadcasting; a residual addition of activations of different
      scales (a vector unit's residual-add-quantize).

      ```mlir
      %2 = "graph.qadd"(%0, %1) {lhs_multiplier = 1073741824 : i64, max = 127 : i64, min = -128 : i64, rhs_multiplier = 805306368 : i64, shift = 31 : i64} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8>
      ```"""))
      .operand("lhs", STATIC_TENSOR)
      .operand("rhs", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .attr("lhs_multiplier", AttrConstraint.I64, "multiplier of the left operand")
      .attr("rhs_multiplier", AttrConstraint.I64, "multiplier of the right operand")
      .attr("shift", AttrConstraint.I64, "right shift in [0, 62]")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef QMUL = clamped(op("qmul", "int8 multiplication with rescaling", """
      y = clamp((a * b * multiplier + 2^(shift - 1)) >> shift, min, max) in 64-bit integers
      with broadcasting (a vector unit's residual-mul-quantize).

      ```mlir
      %2 = "graph.qmul"(%0, %1) {max = 127 : i64, min = -128 : i64, multiplier = 1073741824 : i64, shift = 37 : i64} : (tensor<1x8xi8>, tensor<1x8xi8>) -> tensor<1x8xi8>
      ```"""))
      .operand("lhs", STATIC_TENSOR)
      .operand("rhs", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .attr("multiplier", AttrConstraint.I64, "multiplier")
      .attr("shift", AttrConstraint.I64, "right shift in [0, 62]")
      .verifier(GraphDialect::verifyInferred)
      .build();

  public static final OpDef LUT = op("lut", "an int8 function by table lookup", """
      y = table[x + 128]: any element-wise function of one int8 input (sigmoid, GELU, SiLU,
      hard swish, ...) is exact as a 256-entry table computed from the input and output
      scales.

      ```mlir
      %1 = "graph.lut"(%0) {table = dense<"0x...">: tensor<256xi8>} : (tensor<1x8xi8>) -> tensor<1x8xi8>
      ```""")
      .operand("input", STATIC_TENSOR)
      .result("output", STATIC_TENSOR)
      .attr("table", new AttrConstraint("dense tensor<256xi8> attribute",
          a -> a instanceof Attribute.DenseElementsAttr d && d.type().equals(
              new Type.RankedTensorType(List.of(256L), Type.IntegerType.I8))),
          "the outputs for inputs -128..127")
      .verifier(GraphDialect::verifyInferred)
      .build();

  private static final List<OpDef> OPS = List.of(CONSTANT, CONV2D, MATMUL, GEMM, ADD, SUB, MUL,
      DIV, POW, RELU, SIGMOID, TANH, ERF, SQRT, EXP, NEG, SILU, GELU, HARD_SIGMOID, HARD_SWISH,
      CLIP, SOFTMAX, LAYER_NORM, BATCH_NORM, REDUCE_MEAN, MAX_POOL, AVG_POOL, GLOBAL_AVG_POOL,
      RESHAPE, TRANSPOSE, CONCAT, SLICE, FLATTEN, QUANTIZE, DEQUANTIZE, REQUANTIZE, QADD, QMUL,
      LUT);

  /** A context with the dialects a graph module uses: builtin, func and graph. */
  public static cimir.ir.Context newContext() {
    cimir.ir.Context ctx = new cimir.ir.Context();
    ctx.register(new cimir.dialect.builtin.BuiltinDialect());
    ctx.register(new cimir.dialect.func.FuncDialect());
    ctx.register(new GraphDialect());
    return ctx;
  }

  @Override
  public String name() {
    return "graph";
  }

  @Override
  public String summary() {
    return "the DNN as imported: tensor ops with ONNX semantics";
  }

  @Override
  public List<OpDef> ops() {
    return OPS;
  }

  /** Infers the result type and reports a geometry error or a mismatch with the declared one. */
  private static void verifyInferred(Operation op, DiagnosticEngine diag) {
    Type inferred;
    try {
      inferred = GraphShapes.infer(op.name(), op.operandTypes(), op.attributes());
    } catch (ShapeException e) {
      diag.opError(op, e.getMessage());
      return;
    }
    Type declared = op.result(0).type();
    if (!inferred.equals(declared)) {
      diag.opError(op, "result type '" + IrPrinter.typeToString(declared)
          + "' differs from the inferred type '" + IrPrinter.typeToString(inferred) + "'");
      return;
    }
    if (op.attr("activation") != null && GraphShapes.elementType(inferred)
        instanceof Type.IntegerType) {
      diag.opError(op, "a fused activation needs a float result; int8 graphs clamp in"
          + " 'graph.requantize'");
      return;
    }
    if (op.attr("activation") instanceof Attribute.StringAttr s && s.value().equals("clip")
        && op.attr("clip_min") == null && op.attr("clip_max") == null) {
      diag.opError(op, "a fused 'clip' needs 'clip_min' or 'clip_max'");
    }
  }
}
