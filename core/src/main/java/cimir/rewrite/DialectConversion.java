package cimir.rewrite;

import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a dialect conversion. Ops are visited in order; each op the target does not accept is
 * given to the patterns of its name, which see its operands already converted. Where a value
 * changes type but a user is not converted (yet, or ever), or a converted op uses a value of an
 * unconverted type, a `builtin.unrealized_conversion_cast` bridges the two types, as in MLIR
 * (see {@link ConversionRewriter}); the casts it made that end up unused, or that cast a type
 * to itself, are removed at the end. Casts already in the input are left alone.
 *
 * A partial conversion keeps ops the target does not mention; a full conversion reports them.
 * Patterns must decide before they change anything: there is no rollback.
 */
public final class DialectConversion {
  private DialectConversion() {}

  public static boolean applyPartial(Context ctx, Operation root, ConversionTarget target,
      List<ConversionPattern> patterns, TypeConverter types) {
    return apply(ctx, root, target, patterns, types, false);
  }

  public static boolean applyFull(Context ctx, Operation root, ConversionTarget target,
      List<ConversionPattern> patterns, TypeConverter types) {
    return apply(ctx, root, target, patterns, types, true);
  }

  private static boolean apply(Context ctx, Operation root, ConversionTarget target,
      List<ConversionPattern> patterns, TypeConverter types, boolean full) {
    List<Operation> ops = new ArrayList<>();
    root.walk(op -> {
      if (op != root) {
        ops.add(op);
      }
    });
    ConversionRewriter rewriter = new ConversionRewriter(ctx);
    boolean ok = true;
    for (Operation op : ops) {
      if (op.block() == null) {
        continue;
      }
      ConversionTarget.Legality legality = target.legality(op);
      if (legality == ConversionTarget.Legality.LEGAL
          || legality == ConversionTarget.Legality.UNKNOWN && !full) {
        continue;
      }
      List<Value> converted = new ArrayList<>();
      for (Value v : op.operands()) {
        converted.add(rewriter.materialize(op, rewriter.lookThroughCast(v), types));
      }
      boolean done = false;
      for (ConversionPattern p : patterns) {
        if (p.rootName().equals(op.name())) {
          rewriter.setInsertionPoint(op);
          if (p.matchAndRewrite(op, converted, types, rewriter)) {
            done = true;
            break;
          }
        }
      }
      if (!done) {
        ctx.diagnostics().error(op.location(), "failed to legalize operation '" + op.name() + "'"
            + (legality == ConversionTarget.Legality.ILLEGAL ? " that was explicitly marked illegal"
            : ""));
        ok = false;
      }
    }
    rewriter.removeDeadCasts();
    return ok;
  }
}
