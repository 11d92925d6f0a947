package cimir.rewrite;

import cimir.ir.Block;
import cimir.ir.BlockArgument;
import cimir.ir.Context;
import cimir.ir.OpOperand;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rewriter of a dialect conversion. It bridges type changes with
 * `builtin.unrealized_conversion_cast` ops, remembers which casts it made (casts the input
 * already had are never looked through or removed), and reuses a cast of the same value to the
 * same type within a block.
 */
public final class ConversionRewriter extends PatternRewriter {
  public static final String CAST = "builtin.unrealized_conversion_cast";

  private final Set<Operation> casts = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<Block, Map<List<Object>, Value>> castCache = new IdentityHashMap<>();

  ConversionRewriter(Context ctx) {
    super(ctx, new Listener() {});
  }

  /**
   * Replaces `op` by `values` of possibly converted types: users keep seeing the old types
   * through casts until they are converted themselves.
   */
  @Override
  public void replaceOp(Operation op, List<Value> values) {
    List<Value> bridged = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Value v = values.get(i);
      Type old = op.result(i).type();
      if (v.type().equals(old)) {
        bridged.add(v);
      } else {
        setInsertionPointAfter(v.definingOp() != null ? v.definingOp() : op);
        bridged.add(cast(v, old, op));
      }
    }
    super.replaceOp(op, bridged);
  }

  /** `v` as the converted type, through a cast inserted before `user` when needed. */
  Value materialize(Operation user, Value v, TypeConverter types) {
    Type target = types.convert(v.type());
    if (target.equals(v.type())) {
      return v;
    }
    Map<List<Object>, Value> cache = castCache.computeIfAbsent(user.block(), b -> new HashMap<>());
    Value known = cache.get(List.of(v, target));
    if (known != null) {
      return known;
    }
    setInsertionPoint(user);
    Value made = cast(v, target, user);
    cache.put(List.of(v, target), made);
    return made;
  }

  private Value cast(Value v, Type to, Operation near) {
    Operation c = create(CAST, List.of(v), List.of(to), null, near.location());
    casts.add(c);
    return c.result(0);
  }

  /** The value a conversion cast of this conversion stands for, or `v` itself. */
  Value lookThroughCast(Value v) {
    Operation def = v.definingOp();
    return def != null && casts.contains(def) ? def.operand(0) : v;
  }

  /** Converts the argument types of `block` in place, with casts for their old-typed users. */
  public void convertBlockArguments(Block block, TypeConverter types) {
    for (BlockArgument a : block.arguments()) {
      Type old = a.type();
      Type next = types.convert(old);
      if (next.equals(old)) {
        continue;
      }
      List<OpOperand> uses = a.uses();
      a.setType(next);
      if (uses.isEmpty()) {
        continue;
      }
      Operation c = Operation.create(CAST, context().lookupOp(CAST), List.of(a), List.of(old),
          null, null, List.of(), 0, a.location());
      block.insertBefore(c, block.first());
      casts.add(c);
      for (OpOperand u : uses) {
        u.set(c.result(0));
      }
    }
  }

  /** Removes the casts this conversion made that are unused, or cast a type to itself. */
  void removeDeadCasts() {
    List<Operation> made = new ArrayList<>(casts);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Operation c : made) {
        if (c.block() == null) {
          continue;
        }
        if (c.operand(0).type().equals(c.result(0).type())) {
          c.result(0).replaceAllUsesWith(c.operand(0));
        }
        if (!c.result(0).hasUses()) {
          c.erase();
          changed = true;
        }
      }
    }
  }
}
