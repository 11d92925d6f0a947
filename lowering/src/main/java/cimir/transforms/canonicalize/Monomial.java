package cimir.transforms.canonicalize;

import cimir.ir.Operation;
import cimir.ir.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * A product read off a tree of `graph.mul` and `graph.div`: `coefficient * f1 * ... * fn`,
 * where the coefficient gathers the one-element constants (divided by those in a divisor) and
 * the factors are the other leaves. The tree goes down through mul and div ops whose result has
 * a single use, so every association and operand order of the same product reads the same:
 * `mul(mul(x, h), 0.5)`, `mul(x, mul(0.5, h))` and `div(mul(x, h), 2)` are all `0.5 * x * h`.
 * A div by anything but a one-element constant is a factor, not part of the tree.
 *
 * @param ops the mul and div ops of the tree, the root first
 */
record Monomial(double coefficient, List<Value> factors, List<Operation> ops) {
  /** Deeper products are not what the recognizers look for. */
  private static final int MAX_OPS = 8;

  /** The product computed by `root`; null unless it is a mul or a div by a constant. */
  static Monomial of(Operation root) {
    if (!isProduct(root)) {
      return null;
    }
    Reader r = new Reader();
    r.expand(root);
    return new Monomial(r.coefficient, List.copyOf(r.factors), List.copyOf(r.ops));
  }

  /** A `graph.mul`, or a `graph.div` by a one-element constant. */
  private static boolean isProduct(Operation op) {
    return op != null && (op.name().equals("graph.mul")
        || op.name().equals("graph.div") && GraphMatch.scalar(op.operand(1)) != null);
  }

  private static final class Reader {
    double coefficient = 1;
    final List<Value> factors = new ArrayList<>();
    final List<Operation> ops = new ArrayList<>();

    void expand(Operation op) {
      ops.add(op);
      if (op.name().equals("graph.div")) {
        term(op.operand(0));
        coefficient /= GraphMatch.scalar(op.operand(1));
      } else {
        term(op.operand(0));
        term(op.operand(1));
      }
    }

    private void term(Value v) {
      Double c = GraphMatch.scalar(v);
      if (c != null) {
        coefficient *= c;
      } else if (isProduct(v.definingOp()) && GraphMatch.hasOneUse(v) && ops.size() < MAX_OPS) {
        expand(v.definingOp());
      } else {
        factors.add(v);
      }
    }
  }
}
