package cimir.lowering.metatoisa;

import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How each tensor lies in memory. A rank-4 tensor that a convolution or a pooling reads or
 * writes is an image and lies channels-last (NHWC: a pixel's channels are contiguous, so a
 * convolution patch is a few contiguous runs); every other tensor is row-major in its logical
 * order. A value and the copies made of it (loads, stores, transfers), and the inputs and output
 * of element-wise work of one shape, share one layout: they are joined into classes and a class
 * is channels-last when any member is an image.
 */
final class Layouts {
  private static final Set<String> ELEMENTWISE = Set.of("quantize", "dequantize", "requantize",
      "qadd", "qmul", "lut", "relu", "add", "sub", "mul", "clip", "sigmoid", "tanh");
  private static final Set<String> IMAGE_KINDS = Set.of("max_pool", "avg_pool",
      "global_avg_pool", "conv2d");

  private final Map<Value, Value> parent = new HashMap<>();
  private final Set<Value> images = new HashSet<>();

  /** Joins the values of a function's flow (its ops in `walk` order). */
  Layouts(List<Operation> ops, Map<Long, Operation> sendsByChannel) {
    for (Operation op : ops) {
      String kind = op.attr("kind") instanceof cimir.ir.Attribute.StringAttr s ? s.value() : "";
      switch (op.name()) {
        case "meta.load", "meta.store" -> join(op.operand(0), op.result(0));
        case "meta.mvm" -> {
          if (kind.equals("conv2d")) {
            mark(op.operand(0));
            mark(op.result(0));
          }
        }
        case "meta.vec" -> {
          if (IMAGE_KINDS.contains(kind)) {
            mark(op.operand(0));
            mark(op.result(0));
          } else if (ELEMENTWISE.contains(kind)) {
            for (Value v : op.operands()) {
              if (v.type().equals(op.result(0).type()) || sameShape(v, op.result(0))) {
                join(v, op.result(0));
              }
            }
          }
        }
        default -> { }
      }
    }
    for (Operation op : ops) {
      if (op.name().equals("meta.recv")) {
        Operation send = sendsByChannel.get(channelOf(op));
        if (send != null) {
          join(send.operand(0), op.result(0));
        }
      } else if (op.name().equals("meta.parallel")) {
        Operation yield = op.region(0).entryBlock().last();
        for (int i = 0; i < op.numResults(); i++) {
          join(yield.operand(i), op.result(i));
        }
      }
    }
    Set<Value> roots = new HashSet<>();
    for (Value v : images) {
      roots.add(find(v));
    }
    images.clear();
    images.addAll(roots);
  }

  static long channelOf(Operation op) {
    return ((cimir.ir.Attribute.IntegerAttr) op.attr("channel")).value().longValue();
  }

  /** Whether `v` lies channels-last. */
  boolean nhwc(Value v) {
    return rank(v) == 4 && images.contains(find(v));
  }

  /**
   * Byte strides of `v`'s logical dimensions in memory: row-major, or for NHWC
   * (n, c, h, w) -> (H W C, 1, W C, C), times the element size.
   */
  long[] strides(Value v) {
    long[] dims = dims(v);
    long eb = elementBytes(v.type());
    long[] s = new long[dims.length];
    if (nhwc(v)) {
      s[1] = eb;
      s[3] = dims[1] * eb;
      s[2] = dims[3] * s[3];
      s[0] = dims[2] * s[2];
      return s;
    }
    long step = eb;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = step;
      step *= dims[i];
    }
    return s;
  }

  static long[] dims(Value v) {
    return ((Type.RankedTensorType) v.type()).shape().stream().mapToLong(Long::longValue)
        .toArray();
  }

  static int rank(Value v) {
    return v.type() instanceof Type.RankedTensorType r ? r.shape().size() : 0;
  }

  static long elements(Value v) {
    long n = 1;
    for (long d : dims(v)) {
      n *= d;
    }
    return n;
  }

  static int elementBytes(Type t) {
    Type e = t instanceof Type.RankedTensorType r ? r.elementType() : t;
    int bits = e instanceof Type.IntegerType i ? i.width()
        : e instanceof Type.FloatType f ? f.kind().width() : 8;
    return Math.max(1, bits / 8);
  }

  static long bytes(Value v) {
    return elements(v) * elementBytes(v.type());
  }

  private static boolean sameShape(Value a, Value b) {
    return a.type() instanceof Type.RankedTensorType ra
        && b.type() instanceof Type.RankedTensorType rb && ra.shape().equals(rb.shape());
  }

  private void mark(Value v) {
    if (rank(v) == 4) {
      images.add(v);
    }
  }

  private Value find(Value v) {
    Value p = parent.getOrDefault(v, v);
    if (p == v) {
      return v;
    }
    Value root = find(p);
    parent.put(v, root);
    return root;
  }

  private void join(Value a, Value b) {
    Value ra = find(a);
    Value rb = find(b);
    if (ra != rb) {
      parent.put(ra, rb);
    }
  }
}
