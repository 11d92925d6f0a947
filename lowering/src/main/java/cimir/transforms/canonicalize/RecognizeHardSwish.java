package cimir.transforms.canonicalize;

import cimir.dialect.graph.GraphAttrs;
import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RootedPattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Hard swish as exported op by op, rooted at the outermost mul (or div by 6) of a
 * {@link Monomial}, so either association and operand order matches:
 *
 * <pre>
 *   x * hard_sigmoid(x){alpha = 1/6, beta = 0.5}
 *   x * clip(add(x, 3)){min = 0, max = 6} / 6        (or * (1/6), anywhere in the product)
 *   x * add(x, 3){activation = "clip", clip_min = 0, clip_max = 6} / 6
 * </pre>
 *
 * becomes `hard_swish(x)`. The last form is the second after `FuseActivation` moved the clip
 * into the add. Constants match with a relative tolerance of 1e-4 (the bound 0 exactly);
 * intermediates must have a single use and x's type (a float tensor), adds no other activation.
 */
final class RecognizeHardSwish extends RootedPattern {
  /** `root` is `graph.mul` or `graph.div` (for `x * clip(..) / 6`). */
  RecognizeHardSwish(String root) {
    super(root);
  }

  @Override
  public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
    Monomial product = Monomial.of(op);
    if (product == null || product.factors().size() != 2) {
      return rewriter.notifyMatchFailure(op, "not a product of two factors");
    }
    for (int i = 0; i < 2; i++) {
      Value x = product.factors().get(i);
      Value g = product.factors().get(1 - i);
      List<Operation> matched = new ArrayList<>(product.ops());
      boolean gate = GraphMatch.near(product.coefficient(), 1) && isHardSigmoid(g, x, matched)
          || GraphMatch.near(product.coefficient(), 1.0 / 6) && isRelu6OfXPlus3(g, x, matched);
      if (gate && GraphMatch.isFloatTensor(x.type()) && GraphMatch.allTyped(matched, x.type())) {
        Operation hs = GraphMatch.create(rewriter, "graph.hard_swish", List.of(x), x.type(),
            DictionaryAttr.EMPTY, GraphMatch.fusedLoc(matched));
        rewriter.replaceOp(op, List.of(hs.result(0)));
        return true;
      }
    }
    return rewriter.notifyMatchFailure(op, "not x * hard_sigmoid(x) or x * clip(x + 3, 0, 6)"
        + " / 6 with single-use intermediates");
  }

  /** g = hard_sigmoid(x){alpha = 1/6, beta = 0.5}, used once. */
  private static boolean isHardSigmoid(Value g, Value x, List<Operation> matched) {
    Operation hs = GraphMatch.producer(g, "graph.hard_sigmoid");
    if (hs == null || hs.operand(0) != x || !GraphMatch.hasOneUse(g)) {
      return false;
    }
    GraphAttrs a = new GraphAttrs(hs.attributes());
    matched.add(hs);
    return GraphMatch.near(a.f("alpha", 0.2), 1.0 / 6) && GraphMatch.near(a.f("beta", 0.5), 0.5);
  }

  /** g = clip(x + 3, 0, 6), as a clip of an add or as an add with the clip fused, used once. */
  private static boolean isRelu6OfXPlus3(Value g, Value x, List<Operation> matched) {
    if (!GraphMatch.hasOneUse(g)) {
      return false;
    }
    Operation add;
    Attribute min;
    Attribute max;
    Operation clip = GraphMatch.producer(g, "graph.clip");
    if (clip != null) {
      add = GraphMatch.plainAdd(clip.operand(0));
      if (add == null || !GraphMatch.hasOneUse(clip.operand(0))) {
        return false;
      }
      matched.add(clip);
      min = clip.attr("min");
      max = clip.attr("max");
    } else {
      add = GraphMatch.producer(g, "graph.add");
      if (add == null || !Attribute.StringAttr.of("clip").equals(add.attr("activation"))) {
        return false;
      }
      min = add.attr("clip_min");
      max = add.attr("clip_max");
    }
    matched.add(add);
    int three = add.operand(0) == x ? 1 : 0;
    return add.operand(1 - three) == x && GraphMatch.near(GraphMatch.scalar(add.operand(three)), 3)
        && GraphMatch.near(GraphMatch.floatValue(min), 0)
        && GraphMatch.near(GraphMatch.floatValue(max), 6);
  }
}
