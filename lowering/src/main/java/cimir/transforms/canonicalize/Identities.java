package cimir.transforms.canonicalize;

import cimir.dialect.graph.GraphAttrs;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RewritePattern;
import cimir.rewrite.RootedPattern;
import java.util.List;

/**
 * The small patterns that remove ops computing nothing, or merge two data movements into one.
 * Each replaces its root by an operand of the same type or by one new op.
 */
final class Identities {
  private Identities() {}

  /** The identity patterns, one instance per root op. */
  static List<RewritePattern> all() {
    return List.of(new FoldNoOpReshape("graph.reshape"), new FoldNoOpReshape("graph.flatten"),
        new ComposeReshapes(), new FoldIdentityTranspose(), new ComposeTransposes(),
        new FoldWholeSlice(), new FoldSingleConcat(),
        new FoldNeutralOperand("graph.add", 0, true),
        new FoldNeutralOperand("graph.sub", 0, false),
        new FoldNeutralOperand("graph.mul", 1, true),
        new FoldNeutralOperand("graph.div", 1, false));
  }

  /** `reshape(x)` or `flatten(x)` whose result type is the type of x becomes x. */
  static final class FoldNoOpReshape extends RootedPattern {
    FoldNoOpReshape(String root) {
      super(root);
    }

    @Override
    public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
      if (!op.result(0).type().equals(op.operand(0).type())) {
        return rewriter.notifyMatchFailure(op, "the shape changes");
      }
      rewriter.replaceOp(op, List.of(op.operand(0)));
      return true;
    }
  }

  /**
   * `reshape(reshape(x))` (or of `flatten(x)`) becomes one `reshape(x)` to the outer result
   * shape, written out (a 0 in the outer `shape` copied a dimension of the inner result); x
   * itself when that shape is x's.
   */
  static final class ComposeReshapes implements RewritePattern {
    @Override
    public String rootName() {
      return "graph.reshape";
    }

    @Override
    public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
      Operation inner = op.operand(0).definingOp();
      if (inner == null || !inner.name().equals("graph.reshape")
          && !inner.name().equals("graph.flatten")) {
        return rewriter.notifyMatchFailure(op, "the input is not a reshape or flatten");
      }
      Value x = inner.operand(0);
      if (op.result(0).type().equals(x.type())) {
        rewriter.replaceOp(op, List.of(x));
        return true;
      }
      long[] shape = GraphMatch.shape(op.result(0).type());
      for (long d : shape) {
        if (d == 0) {
          return rewriter.notifyMatchFailure(op, "a zero-sized dimension reads as 'copy'");
        }
      }
      Operation merged = GraphMatch.create(rewriter, "graph.reshape", List.of(x),
          op.result(0).type(), DictionaryAttr.EMPTY.with("shape", GraphAttrs.ints(shape)),
          GraphMatch.fusedLoc(List.of(inner, op)));
      rewriter.replaceOp(op, List.of(merged.result(0)));
      return true;
    }
  }

  /** The permutation of a transpose: `perm`, or the reversal when absent. */
  static long[] perm(Operation transpose) {
    long[] perm = new GraphAttrs(transpose.attributes()).ints("perm", null);
    if (perm == null) {
      int rank = GraphMatch.shape(transpose.operand(0).type()).length;
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    return perm;
  }

  static boolean isIdentity(long[] perm) {
    for (int i = 0; i < perm.length; i++) {
      if (perm[i] != i) {
        return false;
      }
    }
    return true;
  }

  /** `transpose(x)` with the identity permutation becomes x. */
  static final class FoldIdentityTranspose implements RewritePattern {
    @Override
    public String rootName() {
      return "graph.transpose";
    }

    @Override
    public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
      if (!isIdentity(perm(op))) {
        return rewriter.notifyMatchFailure(op, "the permutation is not the identity");
      }
      rewriter.replaceOp(op, List.of(op.operand(0)));
      return true;
    }
  }

  /**
   * `transpose(transpose(x){p1}){p2}` becomes `transpose(x){p}` with p[i] = p1[p2[i]] (output
   * dimension i is x's dimension p1[p2[i]]), or x when p is the identity.
   */
  static final class ComposeTransposes implements RewritePattern {
    @Override
    public String rootName() {
      return "graph.transpose";
    }

    @Override
    public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
      Operation inner = GraphMatch.producer(op.operand(0), "graph.transpose");
      if (inner == null) {
        return rewriter.notifyMatchFailure(op, "the input is not a transpose");
      }
      long[] p1 = perm(inner);
      long[] p2 = perm(op);
      long[] p = new long[p2.length];
      for (int i = 0; i < p.length; i++) {
        p[i] = p1[(int) p2[i]];
      }
      Value x = inner.operand(0);
      if (isIdentity(p)) {
        rewriter.replaceOp(op, List.of(x));
        return true;
      }
      Operation merged = GraphMatch.create(rewriter, "graph.transpose", List.of(x),
          op.result(0).type(), DictionaryAttr.EMPTY.with("perm", GraphAttrs.ints(p)),
          GraphMatch.fusedLoc(List.of(inner, op)));
      rewriter.replaceOp(op, List.of(merged.result(0)));
      return true;
    }
  }

  /**
   * `slice(x)` with positive steps whose result type is x's becomes x: with a step s > 0, a
   * window of all d elements of a dimension of size d >= 2 must start at 0 with s = 1.
   */
  static final class FoldWholeSlice implements RewritePattern {
    @Override
    public String rootName() {
      return "graph.slice";
    }

    @Override
    public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
      if (!op.result(0).type().equals(op.operand(0).type())) {
        return rewriter.notifyMatchFailure(op, "the slice drops elements");
      }
      for (long step : new GraphAttrs(op.attributes()).ints("steps", new long[0])) {
        if (step <= 0) {
          return rewriter.notifyMatchFailure(op, "a negative step reverses the elements");
        }
      }
      rewriter.replaceOp(op, List.of(op.operand(0)));
      return true;
    }
  }

  /** `concat(x)` of a single operand becomes x. */
  static final class FoldSingleConcat implements RewritePattern {
    @Override
    public String rootName() {
      return "graph.concat";
    }

    @Override
    public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
      if (op.numOperands() != 1) {
        return rewriter.notifyMatchFailure(op, "more than one operand");
      }
      rewriter.replaceOp(op, List.of(op.operand(0)));
      return true;
    }
  }

  /**
   * `add(x, 0)`, `sub(x, 0)`, `mul(x, 1)`, `div(x, 1)` (and `add(0, x)`, `mul(1, x)`) become
   * x when the constant is all zeros or all ones and broadcasting it leaves x's type as it is.
   * An add carrying a fused activation stays.
   */
  static final class FoldNeutralOperand extends RootedPattern {
    private final double neutral;
    private final boolean commutative;

    FoldNeutralOperand(String root, double neutral, boolean commutative) {
      super(root);
      this.neutral = neutral;
      this.commutative = commutative;
    }

    @Override
    public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
      if (op.attr("activation") != null) {
        return rewriter.notifyMatchFailure(op, "carries a fused activation");
      }
      Type type = op.result(0).type();
      for (int i = commutative ? 0 : 1; i < 2; i++) {
        Value x = op.operand(1 - i);
        if (x.type().equals(type) && GraphMatch.isConstantFilledWith(op.operand(i), neutral)) {
          rewriter.replaceOp(op, List.of(x));
          return true;
        }
      }
      return rewriter.notifyMatchFailure(op, "no operand is a constant "
          + (neutral == 0 ? "0" : "1") + " that leaves the other's type unchanged");
    }
  }
}
