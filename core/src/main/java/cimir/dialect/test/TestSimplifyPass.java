package cimir.dialect.test;

import cimir.ir.Attribute;
import cimir.ir.Operation;
import cimir.pass.Pass;
import cimir.pass.PassContext;
import cimir.pass.PassInfo;
import cimir.pass.PassOption;
import cimir.rewrite.GreedyRewriteDriver;
import cimir.rewrite.PatternRewriter;
import cimir.rewrite.RewritePattern;
import java.util.List;

/**
 * Worked example of a rewrite pass: simplifies `test` arithmetic with two patterns run to a
 * fixpoint by the greedy driver. Copy this to write a pattern-based pass.
 */
public final class TestSimplifyPass implements Pass {
  /** The pass options: a bound on rewrites, so a bad pattern set cannot loop forever. */
  public record Options(long maxRewrites) {}

  public static final PassInfo INFO = new PassInfo("test-simplify",
      "fold double negations and additions of zero in the test dialect",
      List.of(PassOption.count("max-rewrites", 10000,
          "fail when a fixpoint needs more rewrites than this")),
      o -> new TestSimplifyPass(new Options(o.getInt("max-rewrites"))));

  private final Options options;

  public TestSimplifyPass(Options options) {
    this.options = options;
  }

  /** `negate(negate(x))` becomes `x`. */
  static final class DoubleNegation implements RewritePattern {
    @Override
    public String rootName() {
      return "test.negate";
    }

    @Override
    public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
      Operation inner = op.operand(0).definingOp();
      if (inner == null || inner.def() != TestDialect.NEGATE) {
        return rewriter.notifyMatchFailure(op, "operand is not a negation");
      }
      if (inner.operand(0).definingOp() == op) {
        return rewriter.notifyMatchFailure(op, "a cycle of negations (graph region) is kept");
      }
      rewriter.replaceOp(op, List.of(inner.operand(0)));
      return true;
    }
  }

  /** `add(x, 0)` and `add(0, x)` become `x`. */
  static final class AddZero implements RewritePattern {
    @Override
    public String rootName() {
      return "test.add";
    }

    @Override
    public boolean matchAndRewrite(Operation op, PatternRewriter rewriter) {
      for (int i = 0; i < 2; i++) {
        Operation c = op.operand(i).definingOp();
        if (c != null && c.def() == TestDialect.CONSTANT && op.operand(1 - i).definingOp() != op
            && c.attr("value") instanceof Attribute.IntegerAttr v && v.value().signum() == 0) {
          rewriter.replaceOp(op, List.of(op.operand(1 - i)));
          return true;
        }
      }
      return rewriter.notifyMatchFailure(op, "no operand is the constant 0");
    }
  }

  @Override
  public void run(Operation module, PassContext ctx) {
    GreedyRewriteDriver.Result r = GreedyRewriteDriver.apply(ctx.context(), module,
        List.of(new DoubleNegation(), new AddZero()), options.maxRewrites());
    ctx.count("rewrites", r.rewrites());
    if (!r.converged()) {
      ctx.diag().opError(r.last(), "test-simplify did not converge within "
          + options.maxRewrites() + " rewrites");
      ctx.fail();
    }
  }
}
