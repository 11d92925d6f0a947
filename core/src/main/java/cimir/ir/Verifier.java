package cimir.ir;

import cimir.diag.Diagnostic;
import cimir.diag.DiagnosticEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies IR: first structure (operands defined and dominating their uses in SSACFG regions,
 * isolation, successors and terminators), then each registered op against its definition
 * (operand and result counts and types, attributes, regions, traits), then its custom verifier.
 * Errors go to the diagnostic engine; {@link #verify} says whether there were none.
 */
public final class Verifier {
  private final Context ctx;
  private final DiagnosticEngine diag;

  private Verifier(Context ctx) {
    this.ctx = ctx;
    this.diag = ctx.diagnostics();
  }

  /** Verifies `top` and everything nested in it; returns true when no error was reported. */
  public static boolean verify(Context ctx, Operation top) {
    int before = ctx.diagnostics().errorCount();
    new Verifier(ctx).verifyOp(top);
    return ctx.diagnostics().errorCount() == before;
  }

  private void verifyOp(Operation op) {
    int before = diag.errorCount();
    if (op.def() == null && !ctx.acceptsUnknownOp(op.name())
        && !op.name().equals("builtin.unrealized_forward_ref")) {
      diag.error(op.location(), "unregistered operation '" + op.name() + "'");
    }
    if (!op.successors().isEmpty() && op.block() != null && op.block().last() != op) {
      diag.opError(op, "operation with block successors must terminate its parent block");
    }
    for (Block s : op.successors()) {
      if (op.block() == null || s.parent() != op.block().parent()) {
        diag.opError(op, "reference to block defined in another region");
      }
    }
    for (Region r : op.regions()) {
      verifyRegion(op, r);
    }
    if (diag.errorCount() == before && op.def() != null) {
      verifyDefinition(op, op.def());
    }
  }

  private void verifyRegion(Operation op, Region r) {
    boolean graph = mayBeGraphRegion(op);
    if (op.hasTrait(Trait.SINGLE_BLOCK) && r.blocks().size() > 1) {
      diag.opError(op, "expects region #" + r.index() + " to have 0 or 1 blocks");
      return;
    }
    if (!r.isEmpty() && !r.entryBlock().predecessors().isEmpty()) {
      diag.opError(op, "entry block of region may not have predecessors");
      return;
    }
    if (op.hasTrait(Trait.REQUIRES_TERMINATOR)) {
      for (Block b : r.blocks()) {
        Operation last = b.last();
        if (last == null) {
          diag.error(op.location(), "empty block: expect at least a terminator");
          return;
        }
        if (!isTerminator(last)) {
          diag.error(last.location(), "block with no terminator, has '" + last.name() + "'");
          return;
        }
      }
    }
    Map<Block, Integer> order = new IdentityHashMap<>();
    for (Block b : r.blocks()) {
      order.put(b, order.size());
    }
    Set<Block> reachable = graph ? null : reachable(r);
    for (Block b : r.blocks()) {
      Map<Operation, Integer> position = new IdentityHashMap<>();
      int i = 0;
      for (Operation inner : b) {
        position.put(inner, i++);
      }
      for (Operation inner : b) {
        if (inner.hasTrait(Trait.TERMINATOR) && inner != b.last()) {
          diag.opError(inner, "must be the last operation in the parent block");
          return;
        }
        for (int k = 0; k < inner.numOperands(); k++) {
          Value v = inner.operand(k);
          if (!checkOperand(op, inner, k, v, graph, reachable, position)) {
            return;
          }
        }
        verifyOp(inner);
      }
    }
  }

  /** Whether `op` may end a block: a terminator, an op with successors, or an op that may
   * have successors (unregistered ops and ops with variadic successors), as MLIR allows. */
  private static boolean isTerminator(Operation op) {
    return op.hasTrait(Trait.TERMINATOR) || !op.successors().isEmpty() || op.def() == null
        || op.def().variadicSuccessors();
  }

  /** Checks that operand `k` of `user` is visible and, in SSACFG regions, dominates it. */
  private boolean checkOperand(Operation regionOwner, Operation user, int k, Value v,
      boolean graph, Set<Block> reachable, Map<Operation, Integer> position) {
    Block defBlock = v.parentBlock();
    if (defBlock == null) {
      diag.opError(user, "operand #" + k + " does not dominate this use");
      return false;
    }
    // Find the ancestor of `user` that lives in the defining block's region.
    Operation anc = user;
    while (anc != null && anc.block() != null && anc.block().parent() != defBlock.parent()) {
      Operation parent = anc.parentOp();
      if (parent != null && parent.hasTrait(Trait.ISOLATED_FROM_ABOVE) && parent != user) {
        diag.opError(user, "using value defined outside the region").attachNote(
            parent.location(), "required by region isolation constraints");
        return false;
      }
      anc = parent;
    }
    if (anc == null || anc.block() == null) {
      diag.opError(user, "operand #" + k + " does not dominate this use");
      return false;
    }
    if (anc != user && anc.hasTrait(Trait.ISOLATED_FROM_ABOVE)) {
      diag.opError(user, "using value defined outside the region");
      return false;
    }
    Region region = defBlock.parent();
    boolean graphRegion = region.parentOp() != null && mayBeGraphRegion(region.parentOp());
    if (graphRegion) {
      return true;
    }
    if (!properlyDominates(v, anc)) {
      if (reachable != null && anc.block().parent() == user.block().parent()
          && !reachable.contains(anc.block())) {
        return true;
      }
      Diagnostic d = diag.opError(user, "operand #" + k + " does not dominate this use");
      Operation def = v.definingOp();
      if (def != null) {
        d.attachNote(def.location(), "operand defined here (op in the same "
            + (def.block() == anc.block() ? "block" : "region") + ")");
      }
      return false;
    }
    return true;
  }

  /** Regions of unregistered ops may be graph regions, as MLIR assumes. */
  private static boolean mayBeGraphRegion(Operation op) {
    return op.def() == null || op.hasTrait(Trait.GRAPH_REGION);
  }

  private static boolean properlyDominates(Value v, Operation user) {
    Block defBlock = v.parentBlock();
    Block useBlock = user.block();
    if (defBlock == useBlock) {
      if (v instanceof BlockArgument) {
        return true;
      }
      for (Operation p = user.prevInBlock(); p != null; p = p.prevInBlock()) {
        if (p == v.definingOp()) {
          return true;
        }
      }
      return false;
    }
    return dominators(useBlock).contains(defBlock);
  }

  private static Set<Block> reachable(Region r) {
    Set<Block> seen = new HashSet<>();
    if (r.isEmpty()) {
      return seen;
    }
    List<Block> work = new ArrayList<>(List.of(r.entryBlock()));
    while (!work.isEmpty()) {
      Block b = work.remove(work.size() - 1);
      if (!seen.add(b)) {
        continue;
      }
      for (Operation op : b) {
        work.addAll(op.successors());
      }
    }
    return seen;
  }

  /** The blocks that dominate `b` in its region (iterative data-flow; regions are small). */
  private static Set<Block> dominators(Block b) {
    Region r = b.parent();
    List<Block> blocks = r.blocks();
    Map<Block, List<Block>> preds = new HashMap<>();
    for (Block x : blocks) {
      preds.put(x, x.predecessors());
    }
    Map<Block, Set<Block>> dom = new HashMap<>();
    for (Block x : blocks) {
      dom.put(x, x == r.entryBlock() ? new HashSet<>(Set.of(x)) : new HashSet<>(blocks));
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Block x : blocks) {
        if (x == r.entryBlock()) {
          continue;
        }
        Set<Block> next = null;
        for (Block p : preds.get(x)) {
          if (next == null) {
            next = new HashSet<>(dom.get(p));
          } else {
            next.retainAll(dom.get(p));
          }
        }
        if (next == null) {
          next = new HashSet<>();
        }
        next.add(x);
        if (!next.equals(dom.get(x))) {
          dom.put(x, next);
          changed = true;
        }
      }
    }
    return dom.get(b);
  }

  // ---- Checks from the op definition ----

  private void verifyDefinition(Operation op, OpDef def) {
    if (!checkValues(op, "operand", def.operands(), op.operandTypes())
        || !checkValues(op, "result", def.results(), op.resultTypes())) {
      return;
    }
    for (OpDef.AttrDef a : def.attributes()) {
      Attribute value = op.attr(a.name());
      if (value == null) {
        if (a.required()) {
          diag.opError(op, "requires attribute '" + a.name() + "'");
          return;
        }
        continue;
      }
      if (!a.constraint().accepts(value)) {
        diag.opError(op, "attribute '" + a.name() + "' failed to satisfy constraint: "
            + a.constraint().description());
        return;
      }
    }
    if (!def.variadicRegions() && op.numRegions() != def.numRegions()) {
      diag.opError(op, "requires " + def.numRegions() + " region"
          + (def.numRegions() == 1 ? "" : "s"));
      return;
    }
    if (!def.variadicSuccessors() && op.successors().size() != def.numSuccessors()) {
      diag.opError(op, "requires " + def.numSuccessors() + " successor"
          + (def.numSuccessors() == 1 ? "" : "s") + " but found " + op.successors().size());
      return;
    }
    if (def.traits().contains(Trait.SAME_OPERANDS_AND_RESULT_TYPE)) {
      List<Type> all = new ArrayList<>(op.operandTypes());
      all.addAll(op.resultTypes());
      for (Type t : all) {
        if (!t.equals(all.get(0))) {
          diag.opError(op, "requires the same type for all operands and results");
          return;
        }
      }
    }
    if (def.verifier() != null) {
      def.verifier().verify(op, diag);
    }
  }

  /** Matches values to slots (one variadic slot may take any number) and checks each type. */
  private boolean checkValues(Operation op, String kind, List<OpDef.ValueDef> slots,
      List<Type> types) {
    int fixed = 0;
    int variadic = 0;
    for (OpDef.ValueDef s : slots) {
      if (s.arity() == OpDef.Arity.SINGLE) {
        fixed++;
      } else {
        variadic++;
      }
    }
    if (variadic == 0 && types.size() != fixed) {
      diag.opError(op, "expected " + fixed + " " + kind + (fixed == 1 ? "" : "s")
          + ", but found " + types.size());
      return false;
    }
    if (variadic > 0 && types.size() < fixed) {
      diag.opError(op, "expected " + fixed + " or more " + kind + "s, but found "
          + types.size());
      return false;
    }
    if (variadic > 1) {
      return true; // the split between several variadic slots is the custom verifier's job
    }
    int extra = types.size() - fixed;
    int index = 0;
    for (OpDef.ValueDef s : slots) {
      int n = s.arity() == OpDef.Arity.SINGLE ? 1 : extra;
      if (s.arity() == OpDef.Arity.OPTIONAL && n > 1) {
        diag.opError(op, "expected at most one value for " + kind + " '" + s.name() + "'");
        return false;
      }
      for (int i = 0; i < n; i++, index++) {
        Type t = types.get(index);
        if (!s.constraint().accepts(t)) {
          diag.opError(op, kind + " #" + index + " must be " + s.constraint().description()
              + ", but got '" + cimir.print.IrPrinter.typeToString(t) + "'");
          return false;
        }
      }
    }
    return true;
  }
}
