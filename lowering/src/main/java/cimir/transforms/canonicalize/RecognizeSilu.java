package cimir.transforms.canonicalize;

import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RewritePattern;
import java.util.List;

/**
 * `mul(x, sigmoid(x))` or `mul(sigmoid(x), x)` becomes `silu(x)` when x is a float tensor, the
 * sigmoid has no other user and the product has x's type.
 */
final class RecognizeSilu implements RewritePattern {
  @Override
  public String rootName() {
    return "graph.mul";
  }

  @Override
  public boolean matchAndRewrite(Operation mul, PatternRewriter rewriter) {
    for (int i = 0; i < 2; i++) {
      Value x = mul.operand(i);
      Value s = mul.operand(1 - i);
      Operation sigmoid = GraphMatch.producer(s, "graph.sigmoid");
      if (sigmoid != null && sigmoid.operand(0) == x && GraphMatch.hasOneUse(s)
          && GraphMatch.isFloatTensor(x.type()) && mul.result(0).type().equals(x.type())) {
        Operation silu = GraphMatch.create(rewriter, "graph.silu", List.of(x), x.type(),
            DictionaryAttr.EMPTY, GraphMatch.fusedLoc(List.of(sigmoid, mul)));
        rewriter.replaceOp(mul, List.of(silu.result(0)));
        return true;
      }
    }
    return rewriter.notifyMatchFailure(mul, "no operand is a sigmoid of the other used only"
        + " here");
  }
}
