package cimir.transforms.canonicalize;

import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RootedPattern;
import java.util.ArrayList;
import java.util.List;

/**
 * GELU as exported op by op, rooted at the outermost mul (or div by 2) of
 * `0.5 * x * h`, read as a {@link Monomial} so that every association and order PyTorch exports
 * matches (`mul(mul(x, h), 0.5)`, `mul(mul(x, 0.5), h)`, `div(mul(x, h), 2)`, ...):
 *
 * <pre>
 *   erf form:   h = add(erf(c1 * x), 1)                                 c1 = 1/sqrt(2)
 *               (c1 * x is div(x, sqrt(2)) or mul(x, 0.70710678), any order)
 *               becomes gelu(x){approximate = "none"}
 *   tanh form:  h = add(tanh(c2 * add(x, c3 * x^3)), 1)                 c2 = sqrt(2/pi)
 *               (x^3 is pow(x, 3) or x * x * x; c3 = 0.044715)
 *               becomes gelu(x){approximate = "tanh"}
 * </pre>
 *
 * Each add may have its operands in either order. Constants are one-element constants matched
 * with a relative tolerance of 1e-4, except the exponent 3, which must be exact. Every op of
 * the pattern except the root must have a single use, every op must produce x's type (a float
 * tensor), and adds must carry no fused activation.
 */
final class RecognizeGelu extends RootedPattern {
  private static final double INV_SQRT2 = 1 / Math.sqrt(2);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
  private static final double CUBIC = 0.044715;

  /** `root` is `graph.mul` or `graph.div` (for `x * h / 2`). */
  RecognizeGelu(String root) {
    super(root);
  }

  @Override
  public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
    Monomial product = Monomial.of(op);
    if (product == null || product.factors().size() != 2
        || !GraphMatch.near(product.coefficient(), 0.5)) {
      return rewriter.notifyMatchFailure(op, "not a product 0.5 * x * h");
    }
    for (int i = 0; i < 2; i++) {
      Value x = product.factors().get(i);
      Value h = product.factors().get(1 - i);
      List<Operation> matched = new ArrayList<>(product.ops());
      String form = onePlus(h, x, matched);
      if (form != null && GraphMatch.isFloatTensor(x.type())
          && GraphMatch.allTyped(matched, x.type())) {
        Operation gelu = GraphMatch.create(rewriter, "graph.gelu", List.of(x), x.type(),
            DictionaryAttr.EMPTY.with("approximate", Attribute.StringAttr.of(form)),
            GraphMatch.fusedLoc(matched));
        rewriter.replaceOp(op, List.of(gelu.result(0)));
        return true;
      }
    }
    return rewriter.notifyMatchFailure(op, "no factor is 1 + erf(x / sqrt(2)) or"
        + " 1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)) of the other factor x, with"
        + " single-use intermediates");
  }

  /** "none" or "tanh" when h = 1 + erf(..x..) or 1 + tanh(..x..) in the forms above. */
  private static String onePlus(Value h, Value x, List<Operation> matched) {
    Operation add = GraphMatch.plainAdd(h);
    if (add == null || !GraphMatch.hasOneUse(h)) {
      return null;
    }
    int one = GraphMatch.near(GraphMatch.scalar(add.operand(0)), 1) ? 0 : 1;
    Value t = add.operand(1 - one);
    Operation f = t.definingOp();
    if (!GraphMatch.near(GraphMatch.scalar(add.operand(one)), 1) || !GraphMatch.hasOneUse(t)
        || f == null || !f.name().equals("graph.erf") && !f.name().equals("graph.tanh")) {
      return null;
    }
    Value arg = f.operand(0);
    Monomial scaled = GraphMatch.hasOneUse(arg) ? Monomial.of(arg.definingOp()) : null;
    if (scaled == null || scaled.factors().size() != 1) {
      return null;
    }
    matched.add(add);
    matched.add(f);
    matched.addAll(scaled.ops());
    Value inner = scaled.factors().get(0);
    if (f.name().equals("graph.erf")) {
      return inner == x && GraphMatch.near(scaled.coefficient(), INV_SQRT2) ? "none" : null;
    }
    if (!GraphMatch.near(scaled.coefficient(), SQRT_2_OVER_PI)) {
      return null;
    }
    Operation sum = GraphMatch.plainAdd(inner);
    if (sum == null || !GraphMatch.hasOneUse(inner)) {
      return null;
    }
    matched.add(sum);
    Value w = sum.operand(0) == x ? sum.operand(1) : sum.operand(0);
    return (sum.operand(0) == x || sum.operand(1) == x) && isCubicTerm(w, x, matched)
        ? "tanh" : null;
  }

  /** w = 0.044715 * x^3 with x^3 as pow(x, 3) or x * x * x. */
  private static boolean isCubicTerm(Value w, Value x, List<Operation> matched) {
    Monomial m = GraphMatch.hasOneUse(w) ? Monomial.of(w.definingOp()) : null;
    if (m == null || !GraphMatch.near(m.coefficient(), CUBIC)) {
      return false;
    }
    matched.addAll(m.ops());
    List<Value> f = m.factors();
    if (f.size() == 3 && f.get(0) == x && f.get(1) == x && f.get(2) == x) {
      return true;
    }
    Operation pow = f.size() == 1 ? GraphMatch.producer(f.get(0), "graph.pow") : null;
    if (pow == null || pow.operand(0) != x || !GraphMatch.hasOneUse(f.get(0))
        || !Double.valueOf(3).equals(GraphMatch.scalar(pow.operand(1)))) {
      return false;
    }
    matched.add(pow);
    return true;
  }
}
