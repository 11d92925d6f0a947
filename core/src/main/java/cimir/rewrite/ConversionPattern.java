package cimir.rewrite;

import cimir.ir.Operation;
import cimir.ir.Value;
import java.util.List;

/**
 * A pattern of a dialect conversion. It receives the op's operands already converted (the
 * values that replaced them, with target types) and the type converter; its rewriter's
 * `replaceOp` accepts values of converted types.
 */
public interface ConversionPattern {
  /** The op name this pattern converts. */
  String rootName();

  default String name() {
    return getClass().getSimpleName();
  }

  boolean matchAndRewrite(Operation op, List<Value> convertedOperands, TypeConverter types,
      ConversionRewriter rewriter);
}
