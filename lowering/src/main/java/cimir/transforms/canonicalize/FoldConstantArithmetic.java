package cimir.transforms.canonicalize;

import cimir.interp.Tensor;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RewritePattern;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * `add`, `sub`, `mul`, `div`, `pow` and `sqrt` of f32 `graph.constant` operands whose result
 * holds at most {@link #MAX_ELEMENTS} elements become one `graph.constant`. Binary ops
 * broadcast as numpy does; each element is computed in double and rounded to f32 once, which
 * for +, -, *, / and sqrt is the correctly rounded f32 result.
 */
final class FoldConstantArithmetic implements RewritePattern {
  /** Larger results stay as computations: folding them would only grow the IR. */
  static final int MAX_ELEMENTS = 4096;

  private final String root;

  FoldConstantArithmetic(String root) {
    this.root = root;
  }

  /** One instance per foldable op. */
  static List<RewritePattern> all() {
    List<RewritePattern> out = new ArrayList<>();
    for (String op : List.of("add", "sub", "mul", "div", "pow", "sqrt")) {
      out.add(new FoldConstantArithmetic("graph." + op));
    }
    return out;
  }

  @Override
  public String rootName() {
    return root;
  }

  @Override
  public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
    long[] shape = GraphMatch.shape(op.result(0).type());
    if (shape == null || Tensor.size(shape) > MAX_ELEMENTS) {
      return rewriter.notifyMatchFailure(op, "the result has more than " + MAX_ELEMENTS
          + " elements");
    }
    if (op.attr("activation") != null) {
      return rewriter.notifyMatchFailure(op, "carries a fused activation");
    }
    List<Tensor> in = new ArrayList<>();
    for (Value v : op.operands()) {
      Tensor t = GraphMatch.f32Constant(v);
      if (t == null) {
        return rewriter.notifyMatchFailure(op, "an operand is not an f32 constant");
      }
      in.add(t);
    }
    Tensor folded = switch (op.name()) {
      case "graph.sqrt" -> map(in.get(0), Math::sqrt);
      case "graph.add" -> broadcast(in.get(0), in.get(1), shape, (a, b) -> a + b);
      case "graph.sub" -> broadcast(in.get(0), in.get(1), shape, (a, b) -> a - b);
      case "graph.mul" -> broadcast(in.get(0), in.get(1), shape, (a, b) -> a * b);
      case "graph.div" -> broadcast(in.get(0), in.get(1), shape, (a, b) -> a / b);
      case "graph.pow" -> broadcast(in.get(0), in.get(1), shape, Math::pow);
      default -> null;
    };
    if (folded == null || !folded.type().equals(op.result(0).type())) {
      return rewriter.notifyMatchFailure(op, "not a foldable f32 computation");
    }
    rewriter.replaceOp(op, List.of(GraphMatch.constant(rewriter, folded, op.location())));
    return true;
  }

  private static Tensor map(Tensor a, DoubleUnaryOperator f) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) f.applyAsDouble(a.get(i));
    }
    return Tensor.ofFloats(a.shape(), out);
  }

  /**
   * `f(a, b)` element-wise over the broadcast shape `out`: each operand is aligned to the
   * trailing dimensions of `out`, and a dimension of size 1 repeats (stride 0).
   */
  static Tensor broadcast(Tensor a, Tensor b, long[] out, DoubleBinaryOperator f) {
    long[] sa = broadcastStrides(a.shape(), out);
    long[] sb = broadcastStrides(b.shape(), out);
    float[] data = new float[Math.toIntExact(Tensor.size(out))];
    int[] index = new int[out.length];
    for (int i = 0; i < data.length; i++) {
      long ia = 0;
      long ib = 0;
      for (int d = 0; d < out.length; d++) {
        ia += index[d] * sa[d];
        ib += index[d] * sb[d];
      }
      data[i] = (float) f.applyAsDouble(a.get((int) ia), b.get((int) ib));
      for (int d = out.length - 1; d >= 0 && ++index[d] == out[d]; d--) {
        index[d] = 0;
      }
    }
    return Tensor.ofFloats(out, data);
  }

  /** Row-major strides of `shape` seen in the broadcast shape `out`: 0 where it repeats. */
  private static long[] broadcastStrides(long[] shape, long[] out) {
    long[] own = Tensor.strides(shape);
    long[] s = new long[out.length];
    int offset = out.length - shape.length;
    for (int d = 0; d < shape.length; d++) {
      s[offset + d] = shape[d] == 1 ? 0 : own[d];
    }
    return s;
  }
}
