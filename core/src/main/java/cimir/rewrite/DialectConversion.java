package cimir.rewrite;

import cimir.ir.Block;
import cimir.ir.BlockArgument;
import cimir.ir.Context;
import cimir.ir.OpOperand;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a dialect conversion. Ops are visited in order; each op the target does not accept is
 * given to the patterns of its name, which see its operands already converted. Where a value
 * changes type but a user is not converted (yet, or ever), or a converted op uses a value of an
 * unconverted type, a `builtin.unrealized_conversion_cast` bridges the two types, as in MLIR;
 * casts that end up unused, or that cast a type to itself, are removed at the end.
 *
 * A partial conversion keeps ops the target does not mention; a full conversion reports them.
 * Patterns must decide before they change anything: there is no rollback.
 */
public final class DialectConversion {
  public static final String CAST = "builtin.unrealized_conversion_cast";

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
    PatternRewriter rewriter = new PatternRewriter(ctx, new PatternRewriter.Listener() {});
    boolean ok = true;
    for (Operation op : ops) {
      if (op.block() == null || op.name().equals(CAST)) {
        continue;
      }
      ConversionTarget.Legality legality = target.legality(op);
      if (legality == ConversionTarget.Legality.LEGAL
          || legality == ConversionTarget.Legality.UNKNOWN && !full) {
        continue;
      }
      List<Value> converted = new ArrayList<>();
      for (Value v : op.operands()) {
        converted.add(materialize(rewriter, op, lookThroughCast(v), types));
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
    removeDeadCasts(root);
    return ok;
  }

  /**
   * Replaces `op` by `values` of possibly different (converted) types: users keep seeing the
   * old types through casts until they are converted themselves.
   */
  public static void replaceOp(PatternRewriter rewriter, Operation op, List<Value> values) {
    List<Value> bridged = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Value v = values.get(i);
      Type old = op.result(i).type();
      if (v.type().equals(old)) {
        bridged.add(v);
      } else {
        rewriter.setInsertionPointAfter(v.definingOp() != null ? v.definingOp() : op);
        bridged.add(rewriter.create(CAST, List.of(v), List.of(old), null, op.location())
            .result(0));
      }
    }
    rewriter.replaceOp(op, bridged);
  }

  /** Converts the argument types of `block` in place, with casts for their old-typed users. */
  public static void convertBlockArguments(PatternRewriter rewriter, Block block,
      TypeConverter types) {
    for (BlockArgument a : block.arguments()) {
      Type old = a.type();
      Type next = types.convert(old);
      if (next.equals(old) || !a.hasUses()) {
        a.setType(next);
        continue;
      }
      List<OpOperand> uses = a.uses();
      a.setType(next);
      Operation cast = Operation.create(CAST, rewriter.context().lookupOp(CAST), List.of(a),
          List.of(old), null, null, List.of(), 0, a.location());
      block.insertBefore(cast, block.first());
      for (OpOperand u : uses) {
        u.set(cast.result(0));
      }
    }
  }

  /** A value of the converted type: `v` itself, or a cast of it inserted before `user`. */
  private static Value materialize(PatternRewriter rewriter, Operation user, Value v,
      TypeConverter types) {
    Type target = types.convert(v.type());
    if (target.equals(v.type())) {
      return v;
    }
    rewriter.setInsertionPoint(user);
    return rewriter.create(CAST, List.of(v), List.of(target), null, user.location()).result(0);
  }

  private static Value lookThroughCast(Value v) {
    Operation def = v.definingOp();
    return def != null && def.name().equals(CAST) && def.numOperands() == 1 ? def.operand(0) : v;
  }

  private static void removeDeadCasts(Operation root) {
    List<Operation> casts = new ArrayList<>();
    root.walk(op -> {
      if (op.name().equals(CAST)) {
        casts.add(op);
      }
    });
    for (int i = casts.size() - 1; i >= 0; i--) {
      Operation c = casts.get(i);
      if (c.numOperands() == 1 && c.operand(0).type().equals(c.result(0).type())) {
        c.result(0).replaceAllUsesWith(c.operand(0));
      }
      if (!c.result(0).hasUses()) {
        c.erase();
      }
    }
  }
}
