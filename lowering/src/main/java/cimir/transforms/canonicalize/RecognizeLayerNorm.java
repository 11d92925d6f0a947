package cimir.transforms.canonicalize;

import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphShapes;
import cimir.interp.Tensor;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RewritePattern;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Layer normalization as exported op by op, rooted at its division:
 *
 * <pre>
 *   m = reduce_mean(x){axes = A, keepdims = 1}     A = the trailing axes k..r-1 of x
 *   d = sub(x, m)
 *   p = pow(d, 2)  or  mul(d, d)
 *   v = reduce_mean(p){axes = A, keepdims = 1}
 *   a = add(v, eps)  or  add(eps, v)              eps a one-element constant
 *   s = sqrt(a)
 *   n = div(d, s)
 *   [g = mul(n, gamma) or mul(gamma, n)]          gamma broadcasts to x's shape[k..r-1]
 *   [o = add(g, beta)  or add(beta, g)]           beta likewise (g is n without the mul)
 * </pre>
 *
 * becomes `layer_norm(x, gamma, beta?){axis = k - r, epsilon = eps}`, with a constant of ones
 * for gamma when there is no mul. Every intermediate must be used only inside the pattern: m, p,
 * v, a, s once; d by the square and the division only; n and g by the next op taken in. When n
 * (or g) has other users, the pattern ends there and the mul (add) stays.
 */
final class RecognizeLayerNorm implements RewritePattern {
  @Override
  public String rootName() {
    return "graph.div";
  }

  @Override
  public boolean matchAndRewrite(Operation div, PatternRewriter rewriter) {
    Value d = div.operand(0);
    Operation sqrt = GraphMatch.producer(div.operand(1), "graph.sqrt");
    if (sqrt == null || !GraphMatch.hasOneUse(div.operand(1))) {
      return rewriter.notifyMatchFailure(div, "the divisor is not a sqrt used only here");
    }
    Operation addEps = GraphMatch.plainAdd(sqrt.operand(0));
    if (addEps == null || !GraphMatch.hasOneUse(sqrt.operand(0))) {
      return rewriter.notifyMatchFailure(div, "the sqrt is not of an add used only there");
    }
    int epsIndex = GraphMatch.scalar(addEps.operand(1)) != null ? 1 : 0;
    Double eps = GraphMatch.scalar(addEps.operand(epsIndex));
    Value v = addEps.operand(1 - epsIndex);
    if (eps == null || !addEps.result(0).type().equals(v.type())) {
      return rewriter.notifyMatchFailure(div, "the variance is not added to a scalar constant");
    }
    Operation var = GraphMatch.producer(v, "graph.reduce_mean");
    if (var == null || !GraphMatch.hasOneUse(v)) {
      return rewriter.notifyMatchFailure(div, "the variance is not a reduce_mean used only once");
    }
    Operation square = var.operand(0).definingOp();
    if (square == null || !GraphMatch.hasOneUse(var.operand(0)) || !isSquareOf(square, d)) {
      return rewriter.notifyMatchFailure(div, "the variance is not the mean of the square of"
          + " the dividend, used only there");
    }
    Operation sub = GraphMatch.producer(d, "graph.sub");
    if (sub == null || !GraphMatch.usedOnlyBy(d, Set.of(square, div))) {
      return rewriter.notifyMatchFailure(div, "the dividend is not a sub used only by the"
          + " square and the division");
    }
    Value x = sub.operand(0);
    Operation mean = GraphMatch.producer(sub.operand(1), "graph.reduce_mean");
    if (mean == null || mean.operand(0) != x || !GraphMatch.hasOneUse(sub.operand(1))) {
      return rewriter.notifyMatchFailure(div, "the subtrahend is not the mean of the minuend,"
          + " used only there");
    }
    long[] shape = GraphMatch.shape(x.type());
    if (!GraphMatch.isF32Tensor(x) || !d.type().equals(x.type())
        || !div.result(0).type().equals(x.type())) {
      return rewriter.notifyMatchFailure(div, "the input is not an f32 tensor keeping its type");
    }
    int first = trailingAxes(mean, shape.length);
    if (first < 0 || trailingAxes(var, shape.length) != first) {
      return rewriter.notifyMatchFailure(div, "the means are not over the same trailing axes"
          + " with keepdims = 1");
    }
    long[] normalized = Arrays.copyOfRange(shape, first, shape.length);

    List<Operation> matched = new ArrayList<>(List.of(mean, sub, square, var, addEps, sqrt,
        div));
    Operation last = div;
    Value gamma = null;
    Value beta = null;
    Operation user = GraphMatch.soleUser(last.result(0));
    Value param = affineOperand(user, "graph.mul", last, normalized);
    if (param != null) {
      gamma = param;
      last = user;
      matched.add(user);
      user = GraphMatch.soleUser(last.result(0));
    }
    param = affineOperand(user, "graph.add", last, normalized);
    if (param != null) {
      beta = param;
      last = user;
      matched.add(user);
    }

    rewriter.setInsertionPoint(last);
    Location loc = GraphMatch.fusedLoc(matched);
    if (gamma == null) {
      float[] ones = new float[Math.toIntExact(GraphShapes.product(normalized))];
      Arrays.fill(ones, 1f);
      gamma = GraphMatch.constant(rewriter, Tensor.ofFloats(normalized, ones), loc);
    }
    List<Value> operands = beta == null ? List.of(x, gamma) : List.of(x, gamma, beta);
    DictionaryAttr attrs = DictionaryAttr.EMPTY
        .with("axis", GraphAttrs.i64(first - shape.length))
        .with("epsilon", GraphAttrs.f32(eps));
    Operation ln = GraphMatch.create(rewriter, "graph.layer_norm", operands, x.type(), attrs,
        loc);
    rewriter.replaceOp(last, List.of(ln.result(0)));
    return true;
  }

  /** `pow(d, 2)` with a one-element exponent, or `mul(d, d)`, typed as d. */
  private static boolean isSquareOf(Operation op, Value d) {
    if (!op.result(0).type().equals(d.type())) {
      return false;
    }
    return op.name().equals("graph.pow") && op.operand(0) == d
        && Double.valueOf(2).equals(GraphMatch.scalar(op.operand(1)))
        || op.name().equals("graph.mul") && op.operand(0) == d && op.operand(1) == d;
  }

  /**
   * The first reduced axis of a `reduce_mean` with keepdims = 1 over the trailing axes k..r-1
   * of a rank-r input (all axes when `axes` is absent), or -1.
   */
  private static int trailingAxes(Operation reduce, int rank) {
    GraphAttrs a = new GraphAttrs(reduce.attributes());
    if (a.i64("keepdims", 1) != 1) {
      return -1;
    }
    long[] axes = a.ints("axes", null);
    if (axes == null) {
      return 0;
    }
    boolean[] reduced = new boolean[rank];
    for (long ax : axes) {
      if (ax < -rank || ax >= rank) {
        return -1;
      }
      reduced[(int) (ax < 0 ? ax + rank : ax)] = true;
    }
    int first = rank;
    while (first > 0 && reduced[first - 1]) {
      first--;
    }
    for (int i = 0; i < first; i++) {
      if (reduced[i]) {
        return -1;
      }
    }
    return first < rank ? first : -1;
  }

  /**
   * The other operand of `user`, an op `name` (a mul, or an add without activation) applied to
   * the result of `prev` in either order, when it broadcasts to the normalized shape without
   * changing the result type; else null.
   */
  private static Value affineOperand(Operation user, String name, Operation prev,
      long[] normalized) {
    if (user == null || !user.name().equals(name) || user.attr("activation") != null
        || !user.result(0).type().equals(prev.result(0).type())) {
      return null;
    }
    Value here = prev.result(0);
    Value other = user.operand(0) == here ? user.operand(1) : user.operand(0);
    long[] p = GraphMatch.shape(other.type());
    if (other == here || p == null || p.length > normalized.length) {
      return null;
    }
    try {
      return Arrays.equals(GraphShapes.broadcast(normalized, p), normalized) ? other : null;
    } catch (GraphShapes.ShapeException e) {
      return null;
    }
  }
}
