package cimir.sim;

import cimir.interp.Tensor;
import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.BlockArgument;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The global memory of a compiled program as the host sees it: the bytes to place before the
 * run, built from the program's operand tensors and its `memory` description (regions by kind
 * and layout, docs/design/meta-to-isa.md 7.2 and part C), and the result tensors read back
 * after it. Byte 0 of the image is the first byte of global memory.
 */
public final class MemoryImage {
  private MemoryImage() {}

  /**
   * The values of `program`'s operands for one inference: a function argument is
   * `arguments.get(index)`, a constant its value.
   *
   * @throws IllegalArgumentException for an operand that is neither
   */
  public static List<Tensor> operands(Operation program, List<Tensor> arguments) {
    List<Tensor> out = new ArrayList<>();
    for (Value v : program.operands()) {
      if (v instanceof BlockArgument a) {
        out.add(arguments.get(a.index()));
      } else if (v.definingOp() != null
          && v.definingOp().attr("value") instanceof Attribute.DenseElementsAttr d) {
        out.add(Tensor.fromAttr(d));
      } else {
        throw new IllegalArgumentException("the program has an operand that is neither an"
            + " argument nor a constant");
      }
    }
    return out;
  }

  /** Inferences `program` runs (its `batch`, 1 when absent). */
  public static int batch(Operation program) {
    return program.attr("batch") instanceof Attribute.IntegerAttr b ? b.value().intValue() : 1;
  }

  /**
   * The image of `program` (an `isa.program` op) given the values of its operands, the same
   * for every inference it runs.
   */
  public static byte[] build(Operation program, List<Tensor> operands) {
    return buildImages(program, java.util.Collections.nCopies(batch(program), operands));
  }

  /**
   * The image of `program` given, per inference b, the values of its operands
   * (`images.get(b)`): a region of inference b takes them from there, a region all inferences
   * share (weights) from inference 0's.
   */
  public static byte[] buildImages(Operation program, List<List<Tensor>> images) {
    if (images.size() != batch(program)) {
      throw new IllegalArgumentException("the program runs " + batch(program)
          + " inferences, the operands are for " + images.size());
    }
    List<DictionaryAttr> regions = regions(program);
    long size = 0;
    for (DictionaryAttr r : regions) {
      size = Math.max(size, i64(r, "offset") + i64(r, "size"));
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("the image needs " + size + " bytes");
    }
    byte[] image = new byte[(int) size];
    for (DictionaryAttr r : regions) {
      String kind = str(r, "kind");
      int at = (int) i64(r, "offset");
      switch (kind) {
        case "data" -> {
          long[] bytes = ((Attribute.DenseArrayAttr) r.get("bytes")).longValues();
          for (int i = 0; i < bytes.length; i++) {
            image[at + i] = (byte) bytes[i];
          }
        }
        case "operand" -> {
          Tensor t = images.get(imageOf(r)).get((int) i64(r, "index"));
          byte[] bytes = switch (str(r, "layout")) {
            case "row-major" -> bytes(t, identity(t.shape()));
            case "nhwc" -> bytes(t, nhwc(t.shape()));
            case "taps" -> bytes(t, taps(t.shape()));
            case "macro" -> macro(slice(t, longs(r, "starts"), longs(r, "ends")), r);
            default -> throw new IllegalArgumentException("unknown layout '"
                + str(r, "layout") + "'");
          };
          if (bytes.length != i64(r, "size")) {
            throw new IllegalArgumentException("operand " + i64(r, "index") + " has "
                + bytes.length + " bytes in layout " + str(r, "layout") + ", its region "
                + i64(r, "size"));
          }
          System.arraycopy(bytes, 0, image, at, bytes.length);
        }
        default -> { } // results and scratch: nothing to place
      }
    }
    return image;
  }

  /** The program's results (its first inference's), read from the image after the run. */
  public static List<Tensor> results(Operation program, byte[] image) {
    return results(program, image, 0);
  }

  /** The results of inference `inference`, read from the image after the run, in order. */
  public static List<Tensor> results(Operation program, byte[] image, int inference) {
    List<Tensor> out = new ArrayList<>();
    for (int i = 0; i < program.numResults(); i++) {
      out.add(null);
    }
    for (DictionaryAttr r : regions(program)) {
      if (!str(r, "kind").equals("result") || imageOf(r) != inference) {
        continue;
      }
      int index = (int) i64(r, "index");
      Type.RankedTensorType type = (Type.RankedTensorType) program.result(index).type();
      long[] shape = type.shape().stream().mapToLong(Long::longValue).toArray();
      int[] order = str(r, "layout").equals("nhwc") ? nhwc(shape) : identity(shape);
      out.set(index, read(type.elementType(), shape, order, image, (int) i64(r, "offset")));
    }
    return out;
  }

  /** The inference a region belongs to (its `image`; 0 for the regions all share). */
  private static int imageOf(DictionaryAttr r) {
    return r.get("image") == null ? 0 : (int) i64(r, "image");
  }

  // ---- layouts: position in memory of each element in logical (row-major) order ----------

  private static int[] identity(long[] shape) {
    int[] order = new int[(int) Tensor.size(shape)];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return order;
  }

  /** (n, c, h, w) at memory position ((n H + h) W + w) C + c. */
  private static int[] nhwc(long[] s) {
    int[] order = new int[(int) Tensor.size(s)];
    int i = 0;
    for (long n = 0; n < s[0]; n++) {
      for (long c = 0; c < s[1]; c++) {
        for (long h = 0; h < s[2]; h++) {
          for (long w = 0; w < s[3]; w++) {
            order[i++] = (int) ((((n * s[2]) + h) * s[3] + w) * s[1] + c);
          }
        }
      }
    }
    return order;
  }

  /** Depthwise weights (c, 0, i, j) at memory position (i Kw + j) C + c. */
  private static int[] taps(long[] s) {
    int[] order = new int[(int) Tensor.size(s)];
    int k = 0;
    for (long c = 0; c < s[0]; c++) {
      for (long i = 0; i < s[2]; i++) {
        for (long j = 0; j < s[3]; j++) {
          order[k++] = (int) ((i * s[3] + j) * s[0] + c);
        }
      }
    }
    return order;
  }

  private static byte[] bytes(Tensor t, int[] order) {
    int eb = elementBytes(t.elementType());
    ByteBuffer b = ByteBuffer.allocate(t.size() * eb).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < t.size(); i++) {
      b.position(order[i] * eb);
      if (t.isFloat()) {
        b.putFloat((float) t.get(i));
      } else if (eb == 1) {
        b.put((byte) t.getLong(i));
      } else if (eb == 4) {
        b.putInt((int) t.getLong(i));
      } else {
        b.putLong(t.getLong(i));
      }
    }
    return b.array();
  }

  private static Tensor read(Type element, long[] shape, int[] order, byte[] image, int at) {
    int n = (int) Tensor.size(shape);
    int eb = elementBytes(element);
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    if (element instanceof Type.FloatType) {
      float[] data = new float[n];
      for (int i = 0; i < n; i++) {
        data[i] = b.getFloat(at + order[i] * eb);
      }
      return Tensor.ofFloats(shape, data);
    }
    long[] data = new long[n];
    for (int i = 0; i < n; i++) {
      int p = at + order[i] * eb;
      data[i] = eb == 1 ? image[p] : eb == 4 ? b.getInt(p) : b.getLong(p);
    }
    return Tensor.ofInts((Type.IntegerType) element, shape, data);
  }

  /** `t[starts .. ends)` along every dimension. */
  private static Tensor slice(Tensor t, long[] starts, long[] ends) {
    long[] shape = new long[t.rank()];
    boolean whole = true;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = ends[i] - starts[i];
      whole &= starts[i] == 0 && ends[i] == t.dim(i);
    }
    if (whole) {
      return t;
    }
    long[] strides = Tensor.strides(t.shape());
    long base = 0;
    for (int i = 0; i < shape.length; i++) {
      base += starts[i] * strides[i];
    }
    return t.gather(shape, Tensor.offsets(shape, base, strides));
  }

  /**
   * One weight copy in the arrays' byte order: array x of the copy is macro `x mod T` of macro
   * group `x / T`; macro group m is group `m / (wg g)`, width `(m / g) mod wg`, deep tile
   * `m mod g`; byte `r rows cols + k cols + j` of a macro holds the weight of reduction element
   * `d kg + r rows + k` and output `(w T + t) cols + j` of its group, 0 where there is none;
   * a convolution's element kk is channel `j mod tap_stride` of column `j / tap_stride` of
   * kernel row `kk / row_stride`, j = `kk mod row_stride`, 0 past the kernel's columns.
   */
  private static byte[] macro(Tensor w, DictionaryAttr r) {
    String product = str(r, "product");
    boolean diagonal = str(r, "packing").equals("diagonal");
    long cg = i64(r, "groups");
    long kd = i64(r, "depth");
    long nc = i64(r, "outputs");
    long kg = i64(r, "tile_depth");
    long g = i64(r, "deep_tiles");
    long wg = i64(r, "widths");
    long rows = i64(r, "macro_rows");
    long cols = i64(r, "macro_columns");
    long t = i64(r, "macros_per_group");
    long used = i64(r, "macro_bytes");
    boolean transposed = i64(r, "transposed") != 0;
    long tapStride = r.get("tap_stride") != null ? i64(r, "tap_stride")
        : diagonal ? cols : w.shape().length == 4 ? w.shape()[1] : 0;
    long rowStride = r.get("row_stride") != null ? i64(r, "row_stride")
        : w.shape().length == 4 ? w.shape()[3] * tapStride : 0;
    long arrays = cg * wg * g * t;
    byte[] out = new byte[(int) (arrays * used)];
    long[] s = w.shape();
    long[] strides = Tensor.strides(s);
    long rowsUsed = used / (rows * cols);
    for (long x = 0; x < arrays; x++) {
      long m = x / t;
      long grp = m / (wg * g);
      long wd = (m / g) % wg;
      long d = m % g;
      long macroInGroup = x % t;
      for (long row = 0; row < rowsUsed; row++) {
        for (long k = 0; k < rows; k++) {
          long kk = d * kg + row * rows + k;
          if (kk >= kd) {
            continue;
          }
          for (long j = 0; j < cols; j++) {
            long o = (wd * t + macroInGroup) * cols + j;
            long value;
            if (product.equals("conv2d")) {
              long kw = s[3];
              long cinG = diagonal ? cols : s[1];
              long ih = kk / rowStride;
              long iw = kk % rowStride / tapStride;
              long ci = kk % rowStride % tapStride;
              if (ci >= cinG || iw >= kw) {
                continue; // compartments past a tap's channels or a kernel row's taps
              }
              if (diagonal) {
                long c = grp * cols + o;
                if (o >= cols || ci != o || c >= s[0]) {
                  continue;
                }
                value = w.getLong((int) (c * strides[0] + ih * strides[2] + iw * strides[3]));
              } else {
                if (o >= nc) {
                  continue;
                }
                long oc = grp * nc + o;
                value = w.getLong((int) (oc * strides[0] + ci * strides[1] + ih * strides[2]
                    + iw * strides[3]));
              }
            } else {
              if (o >= nc) {
                continue;
              }
              int rank = s.length;
              value = transposed
                  ? w.getLong((int) (o * strides[rank - 2] + kk * strides[rank - 1]))
                  : w.getLong((int) (kk * strides[rank - 2] + o * strides[rank - 1]));
            }
            out[(int) (x * used + row * rows * cols + k * cols + j)] = (byte) value;
          }
        }
      }
    }
    return out;
  }

  // ---- attributes ------------------------------------------------------------------------

  private static List<DictionaryAttr> regions(Operation program) {
    List<DictionaryAttr> out = new ArrayList<>();
    if (program.attr("memory") instanceof Attribute.ArrayAttr a) {
      for (Attribute e : a.elements()) {
        out.add((DictionaryAttr) e);
      }
    }
    return out;
  }

  private static long i64(DictionaryAttr r, String name) {
    return r.get(name) instanceof Attribute.IntegerAttr i ? i.value().longValue() : 0;
  }

  private static String str(DictionaryAttr r, String name) {
    return r.get(name) instanceof Attribute.StringAttr s ? s.value() : "";
  }

  private static long[] longs(DictionaryAttr r, String name) {
    return ((Attribute.DenseArrayAttr) r.get(name)).longValues();
  }

  static int elementBytes(Type t) {
    int bits = t instanceof Type.IntegerType i ? i.width()
        : t instanceof Type.FloatType f ? f.kind().width() : 8;
    return Math.max(1, bits / 8);
  }
}
