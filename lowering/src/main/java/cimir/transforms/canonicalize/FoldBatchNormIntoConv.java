package cimir.transforms.canonicalize;

import cimir.dialect.graph.GraphAttrs;
import cimir.interp.Tensor;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RewritePattern;
import java.util.List;

/**
 * `batch_norm(conv2d(x, W, b?), s, beta, mean, var)` becomes `conv2d(x, W', b')` with, per
 * output channel m and k[m] = s[m] / sqrt(var[m] + epsilon):
 * W'[m] = W[m] * k[m] and b'[m] = (b[m] - mean[m]) * k[m] + beta[m] (b = 0 when absent),
 * computed in double and stored as f32. The convolution must have no other user and no fused
 * activation; W, b and the four statistics must be constants.
 */
final class FoldBatchNormIntoConv implements RewritePattern {
  @Override
  public String rootName() {
    return "graph.batch_norm";
  }

  @Override
  public boolean matchAndRewrite(Operation bn, PatternRewriter rewriter) {
    Operation conv = GraphMatch.producer(bn.operand(0), "graph.conv2d");
    if (conv == null) {
      return rewriter.notifyMatchFailure(bn, "input is not a graph.conv2d");
    }
    if (!GraphMatch.hasOneUse(conv.result(0))) {
      return rewriter.notifyMatchFailure(bn, "the convolution has other users");
    }
    if (conv.attr("activation") != null) {
      return rewriter.notifyMatchFailure(bn, "the convolution carries a fused activation");
    }
    Tensor w = GraphMatch.f32Constant(conv.operand(1));
    if (w == null) {
      return rewriter.notifyMatchFailure(bn, "the convolution weight is not an f32 constant"
          + " (weights passed as function arguments have no values to fold)");
    }
    Tensor b = conv.numOperands() > 2 ? GraphMatch.f32Constant(conv.operand(2)) : null;
    if (conv.numOperands() > 2 && b == null) {
      return rewriter.notifyMatchFailure(bn, "the convolution bias is not an f32 constant");
    }
    Tensor[] stats = new Tensor[4];
    String[] names = {"scale", "bias", "mean", "variance"};
    for (int i = 0; i < 4; i++) {
      stats[i] = GraphMatch.f32Constant(bn.operand(1 + i));
      if (stats[i] == null) {
        return rewriter.notifyMatchFailure(bn, "the batch-norm " + names[i]
            + " is not an f32 constant");
      }
    }
    double epsilon = new GraphAttrs(bn.attributes()).f("epsilon", 1e-5);
    int channels = (int) w.dim(0);
    int perChannel = w.size() / Math.max(1, channels);
    float[] wf = new float[w.size()];
    float[] bf = new float[channels];
    for (int m = 0; m < channels; m++) {
      double denominator = stats[3].get(m) + epsilon;
      if (!(denominator > 0)) {
        return rewriter.notifyMatchFailure(bn, "variance + epsilon of channel " + m
            + " is not positive");
      }
      double k = stats[0].get(m) / Math.sqrt(denominator);
      for (int i = m * perChannel; i < (m + 1) * perChannel; i++) {
        wf[i] = (float) (w.get(i) * k);
      }
      double bias = b == null ? 0 : b.get(m);
      bf[m] = (float) ((bias - stats[2].get(m)) * k + stats[1].get(m));
    }
    Location loc = GraphMatch.fusedLoc(List.of(conv, bn));
    Value weight = GraphMatch.constant(rewriter, Tensor.ofFloats(w.shape(), wf), loc);
    Value bias = GraphMatch.constant(rewriter, Tensor.ofFloats(new long[] {channels}, bf), loc);
    Operation folded = GraphMatch.create(rewriter, "graph.conv2d",
        List.of(conv.operand(0), weight, bias), bn.result(0).type(), conv.attributes(), loc);
    rewriter.replaceOp(bn, List.of(folded.result(0)));
    return true;
  }
}
