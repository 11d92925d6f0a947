package cimir.lowering.onnx;

import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphShapes;
import cimir.interp.Tensor;
import cimir.ir.Attribute;
import cimir.ir.Type;
import cimir.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One converter per ONNX operator: reads the node's attributes and emits `graph` ops. */
final class OnnxOps {
  private OnnxOps() {}

  /** Operators imported as graph ops (besides those only folded). */
  static final Set<String> CONVERTED = Set.of("Conv", "MatMul", "Gemm", "Add", "Sub", "Mul",
      "Div", "Pow", "Relu", "Sigmoid", "Tanh", "Erf", "Sqrt", "Exp", "Neg", "Clip",
      "HardSigmoid", "HardSwish", "Gelu", "Softmax", "LayerNormalization", "BatchNormalization",
      "ReduceMean", "MaxPool", "AveragePool", "GlobalAveragePool", "Reshape", "Transpose",
      "Concat", "Slice", "Flatten", "Split", "Squeeze", "Unsqueeze", "Cast", "Expand");

  private static final Map<String, String> ELEMENTWISE = Map.ofEntries(
      Map.entry("Add", "add"), Map.entry("Sub", "sub"), Map.entry("Mul", "mul"),
      Map.entry("Div", "div"), Map.entry("Pow", "pow"), Map.entry("Relu", "relu"),
      Map.entry("Sigmoid", "sigmoid"), Map.entry("Tanh", "tanh"), Map.entry("Erf", "erf"),
      Map.entry("Sqrt", "sqrt"), Map.entry("Exp", "exp"), Map.entry("Neg", "neg"),
      Map.entry("HardSwish", "hard_swish"));

  static void convert(OnnxImporter im, OnnxModel.Node node) throws OnnxImportException {
    String op = node.opType();
    String out = im.output(0);
    var a = OnnxImporter.attrs();
    if (ELEMENTWISE.containsKey(op)) {
      im.emit(ELEMENTWISE.get(op), elementwiseOperands(im, node), a, out);
      return;
    }
    switch (op) {
      case "Conv" -> conv(im, node, a, out);
      case "MatMul" -> im.emit("matmul", List.of(im.value(0), im.value(1)), a, out);
      case "Gemm" -> {
        copyFloat(node, "alpha", a);
        copyFloat(node, "beta", a);
        copyInt(node, "transA", a);
        copyInt(node, "transB", a);
        im.emit("gemm", operands(im, 3), a, out);
      }
      case "Clip" -> {
        Tensor min = im.optionalConstantInput(1, "the minimum");
        Tensor max = im.optionalConstantInput(2, "the maximum");
        if (min != null) {
          a.put("min", GraphAttrs.f32(min.get(0)));
        }
        if (max != null) {
          a.put("max", GraphAttrs.f32(max.get(0)));
        }
        im.emit("clip", List.of(im.value(0)), a, out);
      }
      case "HardSigmoid" -> {
        a.put("alpha", GraphAttrs.f32(floatAttr(node, "alpha", 0.2)));
        a.put("beta", GraphAttrs.f32(floatAttr(node, "beta", 0.5)));
        im.emit("hard_sigmoid", List.of(im.value(0)), a, out);
      }
      case "Gelu" -> {
        a.put("approximate", Attribute.StringAttr.of(stringAttr(node, "approximate", "none")));
        im.emit("gelu", List.of(im.value(0)), a, out);
      }
      case "Softmax" -> {
        a.put("axis", GraphAttrs.i64(OnnxFolder.intAttr(node, "axis", -1)));
        im.emit("softmax", List.of(im.value(0)), a, out);
      }
      case "LayerNormalization" -> {
        im.requireUnusedOutputsFrom(1);
        a.put("axis", GraphAttrs.i64(OnnxFolder.intAttr(node, "axis", -1)));
        a.put("epsilon", GraphAttrs.f32(floatAttr(node, "epsilon", 1e-5)));
        im.emit("layer_norm", operands(im, 3), a, out);
      }
      case "BatchNormalization" -> {
        if (OnnxFolder.intAttr(node, "training_mode", 0) != 0) {
          throw im.unsupported("training_mode = 1 is not supported; export the model in"
              + " evaluation mode");
        }
        im.requireUnusedOutputsFrom(1);
        a.put("epsilon", GraphAttrs.f32(floatAttr(node, "epsilon", 1e-5)));
        im.emit("batch_norm", operands(im, 5), a, out);
      }
      case "ReduceMean" -> reduceMean(im, node, a, out);
      case "MaxPool", "AveragePool" -> pool(im, node, a, out);
      case "GlobalAveragePool" -> im.emit("global_avg_pool", List.of(im.value(0)), a, out);
      case "Reshape" -> {
        Tensor shape = im.constantInput(1, "the target shape");
        if (OnnxFolder.intAttr(node, "allowzero", 0) != 0
            && Arrays.stream(shape.ints()).anyMatch(d -> d == 0)) {
          throw im.unsupported("allowzero = 1 with a zero in the shape is not supported");
        }
        a.put("shape", GraphAttrs.ints(shape.ints()));
        im.emit("reshape", List.of(im.value(0)), a, out);
      }
      case "Squeeze", "Unsqueeze" -> {
        long[] axes = node.inputs().size() > 1
            ? im.constantInput(1, "the axes").ints() : OnnxFolder.longsAttr(node, "axes");
        long[] shape = GraphShapes.shapeOf(im.typeOf(im.input(0)), 0);
        try {
          long[] target = op.equals("Squeeze") ? OnnxFolder.squeezeShape(shape, axes)
              : OnnxFolder.unsqueezeShape(shape, axes);
          a.put("shape", GraphAttrs.ints(target));
        } catch (OnnxFolder.FoldException e) {
          throw im.unsupported(e.getMessage());
        }
        im.emit("reshape", List.of(im.value(0)), a, out);
      }
      case "Transpose" -> {
        long[] perm = OnnxFolder.longsAttr(node, "perm");
        if (perm != null) {
          a.put("perm", GraphAttrs.ints(perm));
        }
        im.emit("transpose", List.of(im.value(0)), a, out);
      }
      case "Concat" -> {
        a.put("axis", GraphAttrs.i64(OnnxFolder.intAttr(node, "axis", 0)));
        List<Value> ins = new ArrayList<>();
        for (int i = 0; i < node.inputs().size(); i++) {
          ins.add(im.value(i));
        }
        im.emit("concat", ins, a, out);
      }
      case "Slice" -> {
        a.put("starts", GraphAttrs.ints(im.constantInput(1, "the starts").ints()));
        a.put("ends", GraphAttrs.ints(im.constantInput(2, "the ends").ints()));
        Tensor axes = im.optionalConstantInput(3, "the axes");
        Tensor steps = im.optionalConstantInput(4, "the steps");
        if (axes != null) {
          a.put("axes", GraphAttrs.ints(axes.ints()));
        }
        if (steps != null) {
          a.put("steps", GraphAttrs.ints(steps.ints()));
        }
        im.emit("slice", List.of(im.value(0)), a, out);
      }
      case "Flatten" -> {
        a.put("axis", GraphAttrs.i64(OnnxFolder.intAttr(node, "axis", 1)));
        im.emit("flatten", List.of(im.value(0)), a, out);
      }
      case "Split" -> split(im, node);
      case "Cast" -> {
        Type to = OnnxTensors.elementType((int) OnnxFolder.intAttr(node, "to", 0));
        Type from = GraphShapes.elementType(im.typeOf(im.input(0)));
        if (to == null || !to.equals(from)) {
          throw im.unsupported("a Cast that changes the element type of a value computed at run"
              + " time is not supported (only no-op casts and casts of constants are)");
        }
        im.alias(out, im.input(0));
      }
      case "Expand" -> {
        Tensor shape = im.constantInput(1, "the target shape");
        long[] in = GraphShapes.shapeOf(im.typeOf(im.input(0)), 0);
        long[] target;
        try {
          target = GraphShapes.broadcast(in, shape.ints());
        } catch (GraphShapes.ShapeException e) {
          throw im.unsupported(e.getMessage());
        }
        if (!Arrays.equals(target, in)) {
          throw im.unsupported("an Expand that grows a value computed at run time is not"
              + " supported (only one that changes nothing, or one on constants)");
        }
        im.alias(out, im.input(0));
      }
      default -> throw im.unsupported("unsupported ONNX operator '" + op + "'; cimir supports "
          + OnnxImporter.supportedList());
    }
  }

  /**
   * The two operands of a binary op; a constant whose element type differs from the other
   * operand's (e.g. an integer exponent of Pow) is converted to it.
   */
  private static List<Value> elementwiseOperands(OnnxImporter im, OnnxModel.Node node)
      throws OnnxImportException {
    if (node.inputs().size() == 1) {
      return List.of(im.value(0));
    }
    Type t0 = GraphShapes.elementType(im.typeOf(im.input(0)));
    Type t1 = GraphShapes.elementType(im.typeOf(im.input(1)));
    if (!t0.equals(t1)) {
      int constant = im.isConstant(im.input(1)) ? 1 : im.isConstant(im.input(0)) ? 0 : -1;
      if (constant < 0) {
        throw im.unsupported("operands of element types differ and neither is a constant");
      }
      Type target = constant == 1 ? t0 : t1;
      Tensor c = im.constantInput(constant, "the operand");
      String name = im.input(constant) + "." + OnnxTensors.dataType(target);
      im.bindConstant(name, convert(c, target));
      List<String> names = new ArrayList<>(node.inputs());
      names.set(constant, name);
      return List.of(im.valueOf(names.get(0)), im.valueOf(names.get(1)));
    }
    return List.of(im.value(0), im.value(1));
  }

  private static Tensor convert(Tensor c, Type target) {
    if (target instanceof Type.FloatType) {
      float[] f = new float[c.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) c.get(i);
      }
      return Tensor.ofFloats(c.shape(), f);
    }
    long[] v = new long[c.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = c.getLong(i);
    }
    return Tensor.ofInts((Type.IntegerType) target, c.shape(), v);
  }

  /** The first `max` inputs that are present, in order. */
  private static List<Value> operands(OnnxImporter im, int max) throws OnnxImportException {
    List<Value> out = new ArrayList<>();
    for (int i = 0; i < max && i < im.node().inputs().size(); i++) {
      if (im.input(i).isEmpty()) {
        break;
      }
      out.add(im.value(i));
    }
    return out;
  }

  private static void conv(OnnxImporter im, OnnxModel.Node node, Map<String, Attribute> a,
      String out) throws OnnxImportException {
    long[] x = GraphShapes.shapeOf(im.typeOf(im.input(0)), 0);
    long[] w = GraphShapes.shapeOf(im.typeOf(im.input(1)), 1);
    if (x.length != 4 || w.length != 4) {
      throw im.unsupported("only 2-d convolutions (4-d input and weight) are supported, but the"
          + " input is " + Arrays.toString(x) + " and the weight " + Arrays.toString(w));
    }
    long[] strides = orDefault(OnnxFolder.longsAttr(node, "strides"), 1, 1);
    long[] dilations = orDefault(OnnxFolder.longsAttr(node, "dilations"), 1, 1);
    long[] kernel = {w[2], w[3]};
    a.put("dilations", GraphAttrs.ints(dilations));
    a.put("group", GraphAttrs.i64(OnnxFolder.intAttr(node, "group", 1)));
    a.put("pads", GraphAttrs.ints(pads(im, node, x, kernel, strides, dilations)));
    a.put("strides", GraphAttrs.ints(strides));
    im.emit("conv2d", operands(im, 3), a, out);
  }

  private static void pool(OnnxImporter im, OnnxModel.Node node, Map<String, Attribute> a,
      String out) throws OnnxImportException {
    im.requireUnusedOutputsFrom(1);
    long[] x = GraphShapes.shapeOf(im.typeOf(im.input(0)), 0);
    long[] kernel = OnnxFolder.longsAttr(node, "kernel_shape");
    if (x.length != 4 || kernel == null || kernel.length != 2) {
      throw im.unsupported("only 2-d pooling (4-d input, two kernel sizes) is supported");
    }
    long[] strides = orDefault(OnnxFolder.longsAttr(node, "strides"), 1, 1);
    long[] dilations = orDefault(OnnxFolder.longsAttr(node, "dilations"), 1, 1);
    boolean average = node.opType().equals("AveragePool");
    a.put("kernel_shape", GraphAttrs.ints(kernel));
    a.put("strides", GraphAttrs.ints(strides));
    a.put("pads", GraphAttrs.ints(pads(im, node, x, kernel, strides, dilations)));
    copyInt(node, "ceil_mode", a);
    if (average) {
      if (dilations[0] != 1 || dilations[1] != 1) {
        throw im.unsupported("dilated average pooling is not supported");
      }
      copyInt(node, "count_include_pad", a);
    } else if (dilations[0] != 1 || dilations[1] != 1) {
      a.put("dilations", GraphAttrs.ints(dilations));
    }
    im.emit(average ? "avg_pool" : "max_pool", List.of(im.value(0)), a, out);
  }

  /** Explicit pads (top, left, bottom, right) from `pads` or `auto_pad`. */
  private static long[] pads(OnnxImporter im, OnnxModel.Node node, long[] x, long[] kernel,
      long[] strides, long[] dilations) throws OnnxImportException {
    String auto = stringAttr(node, "auto_pad", "NOTSET");
    switch (auto) {
      case "NOTSET" -> {
        return orDefault(OnnxFolder.longsAttr(node, "pads"), 0, 0, 0, 0);
      }
      case "VALID" -> {
        return new long[4];
      }
      case "SAME_UPPER", "SAME_LOWER" -> {
        long[] p = new long[4];
        for (int i = 0; i < 2; i++) {
          long outSize = Math.floorDiv(x[2 + i] + strides[i] - 1, strides[i]);
          long span = dilations[i] * (kernel[i] - 1) + 1;
          long total = Math.max(0, (outSize - 1) * strides[i] + span - x[2 + i]);
          long small = total / 2;
          p[i] = auto.equals("SAME_UPPER") ? small : total - small;
          p[i + 2] = total - p[i];
        }
        return p;
      }
      default -> throw im.unsupported("auto_pad '" + auto + "' is not an ONNX value");
    }
  }

  private static void reduceMean(OnnxImporter im, OnnxModel.Node node, Map<String, Attribute> a,
      String out) throws OnnxImportException {
    long[] axes = node.inputs().size() > 1 && !im.input(1).isEmpty()
        ? im.constantInput(1, "the axes").ints() : OnnxFolder.longsAttr(node, "axes");
    if (axes != null && axes.length == 0) {
      axes = null;
    }
    if (axes == null && OnnxFolder.intAttr(node, "noop_with_empty_axes", 0) != 0) {
      im.alias(out, im.input(0));
      return;
    }
    if (axes != null) {
      a.put("axes", GraphAttrs.ints(axes));
    }
    a.put("keepdims", GraphAttrs.i64(OnnxFolder.intAttr(node, "keepdims", 1)));
    im.emit("reduce_mean", List.of(im.value(0)), a, out);
  }

  /** Split becomes one `graph.slice` per output. */
  private static void split(OnnxImporter im, OnnxModel.Node node) throws OnnxImportException {
    long[] x = GraphShapes.shapeOf(im.typeOf(im.input(0)), 0);
    int axis;
    try {
      axis = GraphShapes.axis(OnnxFolder.intAttr(node, "axis", 0), x.length, "axis");
    } catch (GraphShapes.ShapeException e) {
      throw im.unsupported(e.getMessage());
    }
    int n = node.outputs().size();
    long[] sizes = node.inputs().size() > 1 && !im.input(1).isEmpty()
        ? im.constantInput(1, "the split sizes").ints() : OnnxFolder.longsAttr(node, "split");
    if (sizes == null) {
      long parts = OnnxFolder.intAttr(node, "num_outputs", n);
      long each = Math.floorDiv(x[axis] + parts - 1, parts);
      sizes = new long[n];
      for (int i = 0; i < n; i++) {
        sizes[i] = Math.max(0, Math.min(each, x[axis] - each * i));
      }
    }
    if (sizes.length != n || Arrays.stream(sizes).sum() != x[axis]
        || Arrays.stream(sizes).anyMatch(s -> s < 0)) {
      throw im.unsupported("split sizes " + Arrays.toString(sizes) + " do not cover dimension "
          + axis + " of size " + x[axis] + " in " + n + " outputs");
    }
    long start = 0;
    for (int i = 0; i < n; i++) {
      var a = OnnxImporter.attrs();
      a.put("axes", GraphAttrs.ints(axis));
      a.put("ends", GraphAttrs.ints(start + sizes[i]));
      a.put("starts", GraphAttrs.ints(start));
      im.emit("slice", List.of(im.value(0)), a, im.output(i));
      start += sizes[i];
    }
  }

  private static long[] orDefault(long[] v, long... fallback) {
    return v != null ? v : fallback;
  }

  private static double floatAttr(OnnxModel.Node node, String name, double fallback) {
    OnnxModel.Attribute a = node.attribute(name);
    return a == null ? fallback : a.f();
  }

  private static String stringAttr(OnnxModel.Node node, String name, String fallback) {
    OnnxModel.Attribute a = node.attribute(name);
    return a == null || a.s() == null ? fallback
        : new String(a.s(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void copyFloat(OnnxModel.Node node, String name, Map<String, Attribute> a) {
    OnnxModel.Attribute at = node.attribute(name);
    if (at != null) {
      a.put(name, GraphAttrs.f32(at.f()));
    }
  }

  private static void copyInt(OnnxModel.Node node, String name, Map<String, Attribute> a) {
    OnnxModel.Attribute at = node.attribute(name);
    if (at != null) {
      a.put(name, GraphAttrs.i64(at.i()));
    }
  }
}
