package cimir.interp;

import cimir.dialect.func.FuncOp;
import cimir.dialect.graph.GraphShapes;
import cimir.ir.Attribute;
import cimir.ir.Block;
import cimir.ir.Operation;
import cimir.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic arguments for running a function without user data: the network's inputs by
 * the rule of the models' `*.expected.json` files, and pseudo-random weights of the declared
 * shapes for a model exported without them. The quantize pass, the interpreter's command line
 * and the simulator all draw weights from here, so they agree bit for bit.
 *
 * <p>Weights of the argument named `n` (its `onnx.name`, else `arg<i>`): uniform in [-b, b]
 * from SplitMix64 seeded with `n`'s UTF-16 hash; b = 1 / sqrt(fan-in) for rank 2 and up
 * (fan-in = elements / first dimension, PyTorch's default bound), b = 0.1 below. An argument
 * that the quantize pass turned into integers carries `graph.scale` (one value, or one per
 * channel along `graph.axis`): it holds clamp(rint(w / scale)) of those same floats.
 */
public final class ModelInputs {
  private ModelInputs() {}

  /** `x[i] = ((i mod 17) - 8) / 8` over the flattened row-major index. */
  public static Tensor ruleInput(long[] shape) {
    return ruleInput(shape, 0);
  }

  /**
   * The input of inference `k` of a batch: `x[i] = (((i + 7k) mod 17) - 8) / 8`, so that each
   * inference sees other data (inference 0's is {@link #ruleInput(long[])}).
   */
  public static Tensor ruleInput(long[] shape, int k) {
    float[] x = new float[Math.toIntExact(Tensor.size(shape))];
    for (int i = 0; i < x.length; i++) {
      x[i] = (((i + 7L * k) % 17) - 8) / 8f;
    }
    return Tensor.ofFloats(shape, x);
  }

  /** The pseudo-random float weights of an argument called `name`. */
  public static Tensor randomWeights(String name, long[] shape) {
    int n = Math.toIntExact(Tensor.size(shape));
    double bound = shape.length >= 2 && shape[0] > 0 ? 1 / Math.sqrt((double) n / shape[0])
        : 0.1;
    long state = name.hashCode() * 0x9E3779B97F4A7C15L;
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      state += 0x9E3779B97F4A7C15L;
      long z = state;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z ^= z >>> 31;
      double u = (z >>> 11) * 0x1.0p-53; // uniform in [0, 1)
      w[i] = (float) ((2 * u - 1) * bound);
    }
    return Tensor.ofFloats(shape, w);
  }

  /** The name weights of argument `i` are drawn for. */
  public static String argumentName(Operation func, int i) {
    return argAttrs(func, i).get("onnx.name") instanceof Attribute.StringAttr s ? s.value()
        : "arg" + i;
  }

  /** The attribute dictionary of argument `i` (empty when none). */
  public static Attribute.DictionaryAttr argAttrs(Operation func, int i) {
    Attribute all = func.properties() == null ? null : func.properties().get("arg_attrs");
    if (func.attr("arg_attrs") != null) {
      all = func.attr("arg_attrs");
    }
    if (all instanceof Attribute.ArrayAttr a && i < a.elements().size()
        && a.elements().get(i) instanceof Attribute.DictionaryAttr d) {
      return d;
    }
    return Attribute.DictionaryAttr.EMPTY;
  }

  /**
   * Arguments for `func`: the first `dataInputs` by {@link #ruleInput} (f32), the others
   * pseudo-random weights, quantized where the argument says so.
   */
  public static List<Tensor> arguments(Operation func, int dataInputs) {
    return arguments(func, dataInputs, 0);
  }

  /** {@link #arguments(Operation, int)} with the inputs of inference `k` of a batch. */
  public static List<Tensor> arguments(Operation func, int dataInputs, int k) {
    Block body = new FuncOp(func).body();
    List<Tensor> args = new ArrayList<>();
    for (int i = 0; i < body.arguments().size(); i++) {
      Type t = body.argument(i).type();
      long[] shape = GraphShapes.shapeOf(t, i);
      if (i < dataInputs) {
        if (!GraphShapes.elementType(t).equals(Type.FloatType.F32)) {
          throw new IllegalArgumentException("input #" + i + " is not f32");
        }
        args.add(ruleInput(shape, k));
        continue;
      }
      Tensor w = randomWeights(argumentName(func, i), shape);
      Attribute.DictionaryAttr attrs = argAttrs(func, i);
      if (GraphShapes.elementType(t) instanceof Type.IntegerType it) {
        args.add(quantized(w, it, attrs));
      } else {
        args.add(w);
      }
    }
    return args;
  }

  /** clamp(rint(w / scale[c])) with the scales of `graph.scale` along `graph.axis`. */
  private static Tensor quantized(Tensor w, Type.IntegerType type, Attribute.DictionaryAttr a) {
    if (!(a.get("graph.scale") instanceof Attribute.DenseElementsAttr scaleAttr)) {
      throw new IllegalArgumentException("an integer weight argument needs 'graph.scale'");
    }
    float[] scale = Tensor.fromAttr(scaleAttr).floats();
    long[] shape = w.shape();
    int axis = a.get("graph.axis") instanceof Attribute.IntegerAttr ax
        ? GraphShapes.axis(ax.value().longValue(), shape.length, "graph.axis") : 0;
    return quantize(w, scale, axis, type);
  }

  /**
   * clamp(rint(w / scale[c])) with one scale, or one per channel c along `axis`; the clamp is
   * [-127, 127] for i8 (symmetric weights) and the i32 range otherwise.
   */
  public static Tensor quantize(Tensor w, float[] scale, int axis, Type.IntegerType type) {
    long[] shape = w.shape();
    int channels = scale.length == 1 ? 1 : (int) shape[axis];
    int inner = channels == 1 ? 1
        : (int) Tensor.size(java.util.Arrays.copyOfRange(shape, axis + 1, shape.length));
    long lo = type.width() == 8 ? -127 : Integer.MIN_VALUE;
    long hi = type.width() == 8 ? 127 : Integer.MAX_VALUE;
    float[] f = w.floats();
    long[] q = new long[f.length];
    for (int i = 0; i < q.length; i++) {
      int c = channels == 1 ? 0 : i / inner % channels;
      q[i] = Int8.clamp((long) Math.rint(f[i] / scale[c]), lo, hi);
    }
    return Tensor.ofInts(type, shape, q);
  }
}
