package cimir.lowering.metatoisa;

import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The program's global memory: a bump allocator over it (64-byte aligned, the port width) and
 * the description of what the host places there before the run and reads after it
 * (docs/design/meta-to-isa.md, 7.2). Regions:
 * <ul>
 *   <li>`operand`: operand `index` of the `isa.program` (a network input, weights, a bias),
 *       in `layout`: "nhwc" (images), "row-major", "taps" (a depthwise convolution's weights
 *       `[C, 1, Kh, Kw]` tap-major: weight (c, i, j) at byte `(i Kw + j) C + c`), or "macro":
 *       the sub-box `starts .. ends` of the operand laid out for one weight copy, macro by
 *       macro, `macro_bytes` each, as {@link ProductKernels} describes (the region's other
 *       attributes give the tiling: product, packing, groups, depth, outputs, tile_depth,
 *       deep_tiles, widths, macro_rows, macro_columns, macros_per_group, tap_stride, row_stride,
 *       transposed);
 *   <li>`data`: the constant tables the lowering made (requantization records, lookup
 *       tables), their bytes in the `bytes` attribute;
 *   <li>`result`: result `index` of the program, as the host reads it after the run;
 *   <li>`scratch`: stage outputs and spilled values, nothing to place.
 * </ul>
 * A program of several inferences (`batch` on the `isa.program`) has an `operand` region per
 * inference for each network input and a `result` region per inference for each result, told
 * apart by their `image` attribute (0 .. batch - 1); weights and tables serve all. Offsets
 * are from the global memory's first byte.
 */
final class GlobalImage {
  static final long ALIGN = 64;

  private long top;
  private final List<DictionaryAttr> regions = new ArrayList<>();
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();
  private final Map<ByteBuffer, Long> dataOffsets = new HashMap<>();
  private long dataOffset = -1;
  private long dataReserve;
  private final long capacity;

  GlobalImage(long capacity) {
    this.capacity = capacity;
  }

  /** Reserves `bytes`, described by `region` (null: scratch); returns the offset. */
  long alloc(long bytes, DictionaryAttr region) {
    long at = top;
    top += (Math.max(1, bytes) + ALIGN - 1) / ALIGN * ALIGN;
    DictionaryAttr r = (region == null ? DictionaryAttr.EMPTY.with("kind",
        Attribute.StringAttr.of("scratch")) : region)
        .with("offset", Attribute.IntegerAttr.i64(at))
        .with("size", Attribute.IntegerAttr.i64(bytes));
    regions.add(r);
    return at;
  }

  /**
   * Records that result `index` of the program (of inference `image`, null at batch 1) is read
   * at `offset` in `layout`.
   */
  void result(int index, Attribute image, long offset, long bytes, String layout) {
    DictionaryAttr r = DictionaryAttr.EMPTY.with("kind", Attribute.StringAttr.of("result"))
        .with("index", Attribute.IntegerAttr.i64(index));
    if (image != null) {
      r = r.with("image", image);
    }
    regions.add(r.with("layout", Attribute.StringAttr.of(layout))
        .with("offset", Attribute.IntegerAttr.i64(offset))
        .with("size", Attribute.IntegerAttr.i64(bytes)));
  }

  /**
   * Reserves `bytes` for the data region, before anything else is allocated, so that the
   * tables' addresses are known while the code is generated.
   */
  void reserveData(long bytes) {
    dataOffset = top;
    dataReserve = bytes;
    top += (bytes + ALIGN - 1) / ALIGN * ALIGN;
  }

  /**
   * Constant bytes in the data region, appended unless the same bytes are there already;
   * returns their global offset (4-aligned).
   */
  long data(byte[] bytes) {
    Long known = dataOffsets.get(ByteBuffer.wrap(bytes));
    if (known != null) {
      return known;
    }
    while (data.size() % 4 != 0) {
      data.write(0);
    }
    long at = data.size();
    if (at + bytes.length > dataReserve) {
      throw new IllegalStateException("the data region's reserve of " + dataReserve
          + " bytes is too small");
    }
    data.write(bytes, 0, bytes.length);
    dataOffsets.put(ByteBuffer.wrap(bytes.clone()), dataOffset + at);
    return dataOffset + at;
  }

  long dataSize() {
    return data.size();
  }

  /** Bytes the image spans. */
  long size() {
    return top;
  }

  long capacity() {
    return capacity;
  }

  /** The regions, the data region (with its bytes) last. */
  Attribute.ArrayAttr describe() {
    List<Attribute> out = new ArrayList<>(regions);
    if (dataOffset >= 0) {
      byte[] bytes = data.toByteArray();
      long[] values = new long[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        values[i] = bytes[i];
      }
      out.add(DictionaryAttr.EMPTY.with("kind", Attribute.StringAttr.of("data"))
          .with("offset", Attribute.IntegerAttr.i64(dataOffset))
          .with("size", Attribute.IntegerAttr.i64(bytes.length))
          .with("bytes", new Attribute.DenseArrayAttr(cimir.ir.Type.IntegerType.I8,
              java.util.Arrays.stream(values).mapToObj(java.math.BigInteger::valueOf).toList())));
    }
    return new Attribute.ArrayAttr(out);
  }
}
