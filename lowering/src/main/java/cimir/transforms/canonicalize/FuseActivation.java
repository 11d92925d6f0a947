package cimir.transforms.canonicalize;

import cimir.dialect.graph.GraphDialect;
import cimir.ir.Attribute;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RootedPattern;
import java.util.List;

/**
 * `relu(y)` or `clip(y){min?, max?}` where y is the only use of a conv2d, matmul, gemm or add
 * ({@link GraphDialect#FUSABLE}) that carries no activation yet: the producer takes
 * `activation = "relu"`, or `activation = "clip"` with `clip_min`/`clip_max` copied from the
 * clip's bounds (an absent bound stays absent; ReLU6 is the clip to [0, 6]), and replaces the
 * activation. A clip without bounds, and a producer with an integer result (int8 graphs clamp
 * in `graph.requantize`), are left alone.
 */
final class FuseActivation extends RootedPattern {
  /** `root` is `graph.relu` or `graph.clip`. */
  FuseActivation(String root) {
    super(root);
  }

  @Override
  public boolean matchAndRewrite(Operation act, PatternRewriter rewriter) {
    Value y = act.operand(0);
    Operation producer = y.definingOp();
    if (producer == null || !GraphDialect.FUSABLE.contains(producer.name())) {
      return rewriter.notifyMatchFailure(act, "the input is not produced by one of "
          + GraphDialect.FUSABLE);
    }
    if (!GraphMatch.hasOneUse(y)) {
      return rewriter.notifyMatchFailure(act, "the producer has other users");
    }
    if (!GraphMatch.isFloatTensor(y.type())) {
      return rewriter.notifyMatchFailure(act, "a fused activation needs a float result");
    }
    if (producer.attr("activation") != null) {
      return rewriter.notifyMatchFailure(act, "the producer already carries an activation");
    }
    boolean relu = act.name().equals("graph.relu");
    Attribute min = relu ? null : act.attr("min");
    Attribute max = relu ? null : act.attr("max");
    if (!relu && min == null && max == null) {
      return rewriter.notifyMatchFailure(act, "a clip without bounds has nothing to fuse");
    }
    Location loc = GraphMatch.fusedLoc(List.of(producer, act));
    rewriter.modifyInPlace(producer, p -> {
      p.setAttr("activation", Attribute.StringAttr.of(relu ? "relu" : "clip"));
      p.setAttr("clip_min", min);
      p.setAttr("clip_max", max);
      p.setLocation(loc);
    });
    rewriter.replaceOp(act, List.of(y));
    return true;
  }
}
