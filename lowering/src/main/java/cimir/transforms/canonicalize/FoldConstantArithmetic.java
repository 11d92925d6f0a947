package cimir.transforms.canonicalize;

import cimir.interp.Interpreter;
import cimir.interp.InterpreterException;
import cimir.interp.Tensor;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RewritePattern;
import cimir.rewrite.RootedPattern;
import java.util.ArrayList;
import java.util.List;

/**
 * `add`, `sub`, `mul`, `div`, `pow` and `sqrt` of f32 `graph.constant` operands whose result
 * holds at most {@link #MAX_ELEMENTS} elements become one `graph.constant`, computed by the
 * reference interpreter (in double, rounded to f32 once: for +, -, *, / and sqrt the correctly
 * rounded f32 result).
 */
final class FoldConstantArithmetic extends RootedPattern {
  /** Larger results stay as computations: folding them would only grow the IR. */
  static final int MAX_ELEMENTS = 4096;

  FoldConstantArithmetic(String root) {
    super(root);
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
    Tensor folded;
    try {
      folded = Interpreter.evaluate(op, in);
    } catch (InterpreterException e) {
      return rewriter.notifyMatchFailure(op, e.reason());
    }
    if (!folded.type().equals(op.result(0).type())) {
      return rewriter.notifyMatchFailure(op, "not a foldable f32 computation");
    }
    rewriter.replaceOp(op, List.of(GraphMatch.constant(rewriter, folded, op.location())));
    return true;
  }
}
