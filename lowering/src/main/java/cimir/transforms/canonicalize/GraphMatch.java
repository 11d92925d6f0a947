package cimir.transforms.canonicalize;

import cimir.interp.Tensor;
import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.FloatFormat;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import cimir.rewrite.PatternRewriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What the canonicalization patterns ask of graph IR: producers, uses, constants, new ops. */
final class GraphMatch {
  /** Relative tolerance of the constants a recognizer compares (1e-4). */
  static final double TOLERANCE = 1e-4;

  private GraphMatch() {}

  /** The op of `name` that defines `v`, or null. */
  static Operation producer(Value v, String name) {
    Operation d = v.definingOp();
    return d != null && d.name().equals(name) ? d : null;
  }

  /** Whether `v` has exactly one use (an op using it twice counts twice). */
  static boolean hasOneUse(Value v) {
    return v.uses().size() == 1;
  }

  /** The single op using `v` once, or null. */
  static Operation soleUser(Value v) {
    var uses = v.uses();
    return uses.size() == 1 ? uses.get(0).owner() : null;
  }

  /** Whether every use of `v` is by one of `owners`. */
  static boolean usedOnlyBy(Value v, Set<Operation> owners) {
    for (var use : v.uses()) {
      if (!owners.contains(use.owner())) {
        return false;
      }
    }
    return true;
  }

  /** A `graph.add` without a fused activation, or null. */
  static Operation plainAdd(Value v) {
    Operation add = producer(v, "graph.add");
    return add != null && add.attr("activation") == null ? add : null;
  }

  /** The dense value of a `graph.constant` defining `v`, or null. */
  static Attribute.DenseElementsAttr constantAttr(Value v) {
    Operation c = producer(v, "graph.constant");
    return c != null && c.attr("value") instanceof Attribute.DenseElementsAttr d ? d : null;
  }

  /** The value of a `graph.constant` of f32 elements defining `v`, or null. */
  static Tensor f32Constant(Value v) {
    Attribute.DenseElementsAttr d = constantAttr(v);
    return d != null && d.elementType().equals(Type.FloatType.F32) ? Tensor.fromAttr(d) : null;
  }

  /**
   * The element of a one-element constant (of any rank, float or integer) defining `v`, or
   * null: the scalars of exported graphs (`tensor<f32>`, `tensor<1xf32>`).
   */
  static Double scalar(Value v) {
    Attribute.DenseElementsAttr d = constantAttr(v);
    if (d == null || !isNumeric(d.elementType()) || !d.type().hasStaticShape()
        || d.type().numElements() != 1) {
      return null;
    }
    return element(d, 0);
  }

  /**
   * Whether `v` is a constant whose every element equals `value` (both zeros count as 0); reads
   * the stored values only up to the first that differs.
   */
  static boolean isConstantFilledWith(Value v, double value) {
    Attribute.DenseElementsAttr d = constantAttr(v);
    if (d == null || !isNumeric(d.elementType())) {
      return false;
    }
    for (int i = 0; i < d.values().size(); i++) {
      if (element(d, i) != value) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNumeric(Type element) {
    return element instanceof Type.FloatType || element instanceof Type.IntegerType;
  }

  /** Stored value `i` of a float or integer `dense` attribute, as a double. */
  private static double element(Attribute.DenseElementsAttr d, int i) {
    return d.elementType() instanceof Type.FloatType f
        ? FloatFormat.toDouble(d.values().get(i), f.kind()) : d.values().get(i).longValue();
  }

  /** The value of a float attribute, or null when `a` is absent or not a float. */
  static Double floatValue(Attribute a) {
    return a instanceof Attribute.FloatAttr f ? f.doubleValue() : null;
  }

  /** `value` is within {@link #TOLERANCE} of `target`, relatively (exactly when target is 0). */
  static boolean near(Double value, double target) {
    return value != null && Math.abs(value - target) <= TOLERANCE * Math.abs(target);
  }

  /** Whether every op of `ops` has one result, of type `type`. */
  static boolean allTyped(List<Operation> ops, Type type) {
    for (Operation op : ops) {
      if (op.numResults() != 1 || !op.result(0).type().equals(type)) {
        return false;
      }
    }
    return true;
  }

  /** The static shape of a ranked tensor type, or null. */
  static long[] shape(Type t) {
    return t instanceof Type.RankedTensorType r && r.hasStaticShape()
        ? r.shape().stream().mapToLong(Long::longValue).toArray() : null;
  }

  /** Whether `t` is a static tensor of floats. */
  static boolean isFloatTensor(Type t) {
    return shape(t) != null && ((Type.RankedTensorType) t).elementType() instanceof Type.FloatType;
  }

  /** Whether `v` is a static f32 tensor. */
  static boolean isF32Tensor(Value v) {
    return shape(v.type()) != null
        && ((Type.RankedTensorType) v.type()).elementType().equals(Type.FloatType.F32);
  }

  /** Creates a graph op at the rewriter's insertion point. */
  static Operation create(PatternRewriter rewriter, String name, List<Value> operands,
      Type resultType, DictionaryAttr attrs, Location loc) {
    return rewriter.create(name, operands, List.of(resultType), attrs, loc);
  }

  /** Creates a `graph.constant` holding `t`. */
  static Value constant(PatternRewriter rewriter, Tensor t, Location loc) {
    return create(rewriter, "graph.constant", List.of(), t.type(),
        DictionaryAttr.EMPTY.with("value", t.toAttr()), loc).result(0);
  }

  /**
   * The location of an op that replaces `ops`: MLIR's `FusedLoc::get` of theirs, in the order
   * given; nested fusions without metadata are flattened, duplicates and unknown locations
   * dropped, and a single remaining location is used as it is.
   */
  static Location fusedLoc(List<Operation> ops) {
    Set<Location> locs = new LinkedHashSet<>();
    for (Operation op : ops) {
      addFlattened(locs, op.location());
    }
    if (locs.isEmpty()) {
      return Location.Unknown.INSTANCE;
    }
    return locs.size() == 1 ? locs.iterator().next()
        : new Location.Fused(new ArrayList<>(locs), null);
  }

  private static void addFlattened(Set<Location> out, Location loc) {
    if (loc instanceof Location.Fused f && f.metadata() == null) {
      for (Location l : f.locations()) {
        addFlattened(out, l);
      }
    } else if (loc != null && !(loc instanceof Location.Unknown)) {
      out.add(loc);
    }
  }
}
