package cimir.lowering.cost;

import cimir.dialect.graph.GraphAttrs;
import cimir.dialect.graph.GraphShapes;
import cimir.ir.Attribute;
import cimir.ir.Operation;
import cimir.ir.Type;
import java.util.Set;

/**
 * What one operator asks of the chip, per inference: for products the reduction depth K, the
 * output width N, the input vectors M and the groups (`groups` independent K x N weight
 * matrices); the bytes it reads, writes and holds as weights, and its work. Computed from a
 * graph op, or read back from an `op` dialect op's attributes.
 *
 * @param kind the class of operator: a weight-stationary product (MVM), a product of two
 *     activations (DMM), vector work (VEC) or data movement (MOVE)
 * @param op the graph op it computes (`conv2d`, `add`, ...)
 * @param work MACs for products, element operations for vector work, bytes for moves
 */
public record Demand(Kind kind, String op, long k, long n, long m, long groups, int weightBits,
    int inputBits, int outputBits, long weightBytes, long inputBytes, long outputBytes,
    long work) {

  /** The four classes of operator of the `op` dialect. */
  public enum Kind { MVM, DMM, VEC, MOVE }

  private static final Set<String> MOVES = Set.of("reshape", "transpose", "concat", "slice",
      "flatten");

  /**
   * Whether `v` is a weight: a `graph.constant`, or an argument of a function after its first
   * `dataInputs` (the network's inputs; a model exported without weights takes them as
   * arguments).
   */
  public static boolean isWeight(cimir.ir.Value v, int dataInputs) {
    if (v instanceof cimir.ir.BlockArgument a) {
      return a.owner().parentOp() != null && a.owner().parentOp().name().equals("func.func")
          && a.index() >= dataInputs;
    }
    return v != null && v.definingOp() != null
        && v.definingOp().name().equals("graph.constant");
  }

  /** Work per byte moved (inputs, outputs and weights). */
  public double intensity() {
    long bytes = inputBytes + outputBytes + weightBytes;
    return bytes == 0 ? 0 : (double) work / bytes;
  }

  /** Output channels (N x groups) of a product. */
  public long outputChannels() {
    return n * groups;
  }

  /**
   * The demand of a graph op at the given bit widths (activations and weights of `dataBits`,
   * accumulators of 32 bits). A product whose second operand is `constantWeights` is an MVM.
   */
  public static Demand of(Operation graphOp, boolean constantWeights, int dataBits) {
    String op = graphOp.name().substring(graphOp.name().indexOf('.') + 1);
    long inBytes = 0;
    for (var v : graphOp.operands()) {
      inBytes += elements(v.type()) * dataBits / 8;
    }
    long out = elements(graphOp.result(0).type());
    long outBytes = out * dataBits / 8;
    GraphAttrs a = new GraphAttrs(graphOp.attributes());
    switch (op) {
      case "conv2d" -> {
        long[] x = shape(graphOp.operand(0).type());
        long[] w = shape(graphOp.operand(1).type());
        long[] y = shape(graphOp.result(0).type());
        long groups = a.i64("group", 1);
        long k = w[1] * w[2] * w[3];
        long n = w[0] / groups;
        long m = y[0] * y[2] * y[3];
        long weightBytes = elements(graphOp.operand(1).type()) * dataBits / 8;
        long activationBytes = elements(graphOp.operand(0).type()) * dataBits / 8;
        return new Demand(Kind.MVM, op, k, n, m, groups, dataBits, dataBits, 32, weightBytes,
            activationBytes, outBytes, m * k * n * groups);
      }
      case "matmul", "gemm" -> {
        long[] x = shape(graphOp.operand(0).type());
        long[] w = shape(graphOp.operand(1).type());
        boolean ta = a.i64("transA", 0) != 0;
        boolean tb = a.i64("transB", 0) != 0;
        long k = x.length == 1 ? x[0] : ta ? x[x.length - 2] : x[x.length - 1];
        long n = w.length == 1 ? 1 : tb ? w[w.length - 2] : w[w.length - 1];
        long m = out / n;
        boolean weights = constantWeights && w.length <= 2;
        long lhsBytes = elements(graphOp.operand(0).type()) * dataBits / 8;
        long rhsBytes = elements(graphOp.operand(1).type()) * dataBits / 8;
        if (weights) {
          return new Demand(Kind.MVM, op, k, n, m, 1, dataBits, dataBits, 32, rhsBytes,
              lhsBytes, outBytes, m * k * n);
        }
        return new Demand(Kind.DMM, op, k, n, m, 1, dataBits, dataBits, 32, 0,
            lhsBytes + rhsBytes, outBytes, m * k * n);
      }
      default -> {
        if (MOVES.contains(op)) {
          boolean view = op.equals("reshape") || op.equals("flatten");
          return new Demand(Kind.MOVE, op, 1, 1, 1, 1, dataBits, dataBits, dataBits, 0,
              inBytes, outBytes, view ? 0 : outBytes);
        }
        return new Demand(Kind.VEC, op, 1, 1, 1, 1, dataBits, dataBits, dataBits, 0, inBytes,
            outBytes, vectorWork(op, graphOp, out));
      }
    }
  }

  /** Element operations of vector work: one per output, or per input for reductions. */
  private static long vectorWork(String op, Operation graphOp, long out) {
    long in = elements(graphOp.operand(0).type());
    return switch (op) {
      case "max_pool", "avg_pool" -> {
        long[] k = new GraphAttrs(graphOp.attributes()).ints("kernel_shape", new long[] {1, 1});
        yield out * k[0] * k[1];
      }
      case "global_avg_pool", "reduce_mean" -> in;
      case "softmax", "layer_norm" -> 5 * in; // max/mean, subtract, exp/square, sum, divide
      default -> out;
    };
  }

  /** Reads the demand back from an `op` dialect op's attributes. */
  public static Demand fromAttributes(Operation op) {
    GraphAttrs a = new GraphAttrs(op.attributes());
    Kind kind = switch (op.name()) {
      case "op.mvm" -> Kind.MVM;
      case "op.dmm" -> Kind.DMM;
      case "op.vec" -> Kind.VEC;
      case "op.move" -> Kind.MOVE;
      default -> throw new IllegalArgumentException(op.name() + " has no demand");
    };
    return new Demand(kind, a.str("kind", "?"), a.i64("k", 1), a.i64("n", 1), a.i64("m", 1),
        a.i64("groups", 1), (int) a.i64("weight_bits", 8), (int) a.i64("input_bits", 8),
        (int) a.i64("output_bits", 32), a.i64("weight_bytes", 0), a.i64("input_bytes", 0),
        a.i64("output_bytes", 0), a.i64("work", 0));
  }

  /** The attributes that state this demand on an `op` dialect op. */
  public Attribute.DictionaryAttr toAttributes(Attribute.DictionaryAttr base) {
    Attribute.DictionaryAttr d = base.with("kind", Attribute.StringAttr.of(op))
        .with("input_bytes", GraphAttrs.i64(inputBytes))
        .with("output_bytes", GraphAttrs.i64(outputBytes))
        .with("work", GraphAttrs.i64(work))
        .with("intensity", Attribute.FloatAttr.f64(intensity()));
    if (kind == Kind.MVM || kind == Kind.DMM) {
      d = d.with("k", GraphAttrs.i64(k)).with("n", GraphAttrs.i64(n))
          .with("m", GraphAttrs.i64(m)).with("groups", GraphAttrs.i64(groups))
          .with("weight_bits", GraphAttrs.i64(weightBits))
          .with("input_bits", GraphAttrs.i64(inputBits))
          .with("output_bits", GraphAttrs.i64(outputBits))
          .with("weight_bytes", GraphAttrs.i64(weightBytes));
    } else if (weightBytes > 0) {
      d = d.with("weight_bytes", GraphAttrs.i64(weightBytes)); // a depthwise convolution's
    }
    return d;
  }

  private static long elements(Type t) {
    return GraphShapes.product(shape(t));
  }

  private static long[] shape(Type t) {
    return ((Type.RankedTensorType) t).shape().stream().mapToLong(Long::longValue).toArray();
  }
}
