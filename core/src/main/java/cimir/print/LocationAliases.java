package cimir.print;

import cimir.dialect.builtin.BuiltinDialect;
import cimir.dialect.func.FuncDialect;
import cimir.ir.Block;
import cimir.ir.BlockArgument;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The `#loc` aliases `--mlir-print-debuginfo` prints, chosen as MLIR's alias initializer does:
 * locations are visited in printing order (an op's location before its body, block arguments
 * before the ops of their block), each visit adding the location and then its printed
 * children; aliases are then ordered by nesting depth (stable) and named `loc`, `loc1`, ...
 * Locations of block arguments are printed inline, so their aliases are defined before the IR
 * rather than after it.
 */
final class LocationAliases {
  /** What is known about one location while aliases are chosen. */
  private static final class Info {
    int depth;
    boolean deferrable = true;
    String name;
  }

  private final Map<Location, Info> infos = new LinkedHashMap<>();
  private final boolean generic;
  private final List<Map.Entry<Location, Info>> ordered;

  LocationAliases(Operation top, boolean generic) {
    this.generic = generic;
    visitOp(top);
    ordered = new ArrayList<>(infos.entrySet());
    ordered.sort(Comparator.comparingInt(e -> e.getValue().depth));
    int n = 0;
    for (Map.Entry<Location, Info> e : ordered) {
      e.getValue().name = n == 0 ? "loc" : "loc" + n;
      n++;
    }
  }

  /** `#locN` of a visited location, or null. */
  String alias(Location loc) {
    Info i = infos.get(loc);
    return i == null ? null : i.name;
  }

  /** The aliases to define before (`deferred` false) or after (true) the IR, in order. */
  List<Location> definitions(boolean deferred) {
    List<Location> out = new ArrayList<>();
    for (Map.Entry<Location, Info> e : ordered) {
      if (e.getValue().deferrable == deferred) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  private void visitOp(Operation op) {
    visit(op.location(), true);
    if (!generic && op.def() == FuncDialect.FUNC) {
      if (!op.region(0).isEmpty()) {
        for (BlockArgument a : op.region(0).entryBlock().arguments()) {
          visit(a.location(), false);
        }
        visitRegion(op.region(0), false);
      }
      return;
    }
    boolean customModule = !generic && op.def() == BuiltinDialect.MODULE;
    for (Region r : op.regions()) {
      visitRegion(r, !customModule);
    }
  }

  private void visitRegion(Region region, boolean entryArgs) {
    List<Block> blocks = region.blocks();
    for (int i = 0; i < blocks.size(); i++) {
      if (i > 0 || entryArgs) {
        for (BlockArgument a : blocks.get(i).arguments()) {
          visit(a.location(), false);
        }
      }
      for (Operation op : blocks.get(i)) {
        visitOp(op);
      }
    }
  }

  /** Adds `loc` (then its printed children); returns its depth. */
  private int visit(Location loc, boolean deferrable) {
    Info known = infos.get(loc);
    if (known != null) {
      known.deferrable &= deferrable;
      return known.depth;
    }
    Info info = new Info();
    info.deferrable = deferrable;
    infos.put(loc, info);
    int depth = -1;
    for (Location child : printedChildren(loc)) {
      depth = Math.max(depth, visit(child, true));
    }
    info.depth = depth + 1;
    return info.depth;
  }

  /** The nested locations the printer writes for `loc` (an unknown name child is omitted). */
  static List<Location> printedChildren(Location loc) {
    if (loc instanceof Location.Name n && n.child() != null
        && !(n.child() instanceof Location.Unknown)) {
      return List.of(n.child());
    }
    if (loc instanceof Location.CallSite c) {
      return List.of(c.callee(), c.caller());
    }
    if (loc instanceof Location.Fused f) {
      return f.locations();
    }
    return List.of();
  }
}
