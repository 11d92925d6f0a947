package cimir.rewrite;

import cimir.ir.Operation;

/**
 * A named local rewrite: `matchAndRewrite` either changes the IR through the rewriter and
 * returns true, or changes nothing and returns false (saying why with
 * {@link PatternRewriter#notifyMatchFailure}).
 */
public interface RewritePattern {
  /** The op name this pattern matches, or null for any op. */
  String rootName();

  default String name() {
    return getClass().getSimpleName();
  }

  /** Higher benefit patterns are tried first. */
  default int benefit() {
    return 1;
  }

  boolean matchAndRewrite(Operation op, PatternRewriter rewriter);
}
