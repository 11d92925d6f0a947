package cimir.dialect.meta;

import cimir.diag.DiagnosticEngine;
import cimir.dialect.graph.GraphDialect;
import cimir.ir.AttrConstraint;
import cimir.ir.Attribute;
import cimir.ir.Dialect;
import cimir.ir.OpDef;
import cimir.ir.Operation;
import cimir.ir.Trait;
import cimir.ir.Type;
import cimir.ir.TypeConstraint;
import java.util.List;

/**
 * The `meta` dialect: meta-operators, the work of each stage spelled out on concrete arrays and
 * cores. A `meta.flow` runs its stages in order; before each `meta.parallel` (one stage, its
 * operations concurrent) come the mode switches and weight loads that prepare its arrays.
 * Values are tensors as in the `op` dialect: loads, stores and transfers move them between
 * global memory, a core's local memory and memory-mode arrays without changing them, and
 * `meta.mvm` and `meta.vec` compute what the `op` operator of the same `kind` computes.
 *
 * <p>Arrays are numbered across the chip, core c holding arrays c A .. c A + A - 1 for A arrays
 * per core; the chip's figures sit on the `meta.flow`, so every range is checked without the
 * hardware model, and {@link MetaFlowVerifier} follows each array's mode and weights through
 * the flow.
 */
public final class MetaDialect implements Dialect {
  private static final TypeConstraint TENSOR = GraphDialect.STATIC_TENSOR;
  static final AttrConstraint COUNT = new AttrConstraint(
      "non-negative 64-bit signless integer attribute",
      a -> a instanceof Attribute.IntegerAttr i && i.type().equals(Type.IntegerType.I64)
          && i.value().signum() >= 0);
  private static final AttrConstraint POSITIVE = new AttrConstraint(
      "positive 64-bit signless integer attribute",
      a -> a instanceof Attribute.IntegerAttr i && i.type().equals(Type.IntegerType.I64)
          && i.value().signum() > 0);
  private static final AttrConstraint ARRAYS = new AttrConstraint(
      "non-empty array<i64> of distinct non-negative array numbers in increasing order",
      a -> a instanceof Attribute.DenseArrayAttr d && increasing(d.longValues()));
  private static final AttrConstraint MODE = new AttrConstraint(
      "\"compute\" or \"memory\"", a -> a instanceof Attribute.StringAttr s
          && (s.value().equals("compute") || s.value().equals("memory")));
  private static final AttrConstraint PLACE = new AttrConstraint(
      "\"local\" or \"arrays\"", a -> a instanceof Attribute.StringAttr s
          && (s.value().equals("local") || s.value().equals("arrays")));

  public static final OpDef FLOW = OpDef.builder("meta.flow")
      .summary("the stages of a function, in execution order")
      .description("""
          One block: per stage, the `meta.switch` and `meta.load_weights` that prepare its
          arrays, then its `meta.parallel` (weight loads may also come inside it, before the
          products that use them); it ends in `meta.yield` of the function's results.
          Every array starts in compute mode, holding no weights. Its attributes are the
          chip's figures that the meta-operators are checked against.

          ```mlir
          %0 = "meta.flow"() ({
            "meta.load_weights"(%w) {arrays = array<i64: 0, 1>, copies = 1 : i64} : (tensor<16x16x3x3xf32>) -> ()
            %1 = "meta.parallel"() ({ ... }) {segment = 0 : i64} : () -> tensor<1x10xf32>
            "meta.yield"(%1) : (tensor<1x10xf32>) -> ()
          }) {array_bytes = 4096 : i64, arrays_per_core = 128 : i64, cores = 64 : i64} : () -> tensor<1x10xf32>
          ```""")
      .variadicResult("outputs", TENSOR)
      .regions(1)
      .attr("cores", POSITIVE, "cores on the chip")
      .attr("arrays_per_core", POSITIVE, "CIM arrays (macros) per core")
      .attr("array_bytes", POSITIVE, "bytes one array holds in memory mode")
      .verifier(MetaFlowVerifier::verify)
      .build();

  public static final OpDef PARALLEL = OpDef.builder("meta.parallel")
      .summary("one stage: operations that run concurrently, pipelined")
      .description("""
          One block ending in `meta.yield` of the values later stages read, which become its
          results (stored in global memory by a `meta.store`).

          ```mlir
          %1 = "meta.parallel"() ({
            %2 = "meta.load"(%arg0) {core = 0 : i64, to = "local"} : (tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
            ...
            "meta.yield"(%9) : (tensor<1x10xf32>) -> ()
          }) {segment = 0 : i64} : () -> tensor<1x10xf32>
          ```""")
      .variadicResult("outputs", TENSOR)
      .regions(1)
      .attr("segment", COUNT, "the stage's position in execution order")
      .verifier(OpDef.Verifier.yieldsResults("meta.yield"))
      .build();

  public static final OpDef YIELD = OpDef.builder("meta.yield")
      .summary("ends a meta.flow or meta.parallel, naming its results")
      .description("""
          ```mlir
          "meta.yield"(%9) : (tensor<1x10xf32>) -> ()
          ```""")
      .variadicOperand("values", TENSOR)
      .traits(Trait.PURE, Trait.TERMINATOR)
      .build();

  public static final OpDef SWITCH = OpDef.builder("meta.switch")
      .summary("puts arrays into compute or memory mode")
      .description("""
          Only arrays whose mode changes: switching an array to the mode it is in is an error.
          An array switched to memory mode loses its weights.

          ```mlir
          "meta.switch"() {arrays = array<i64: 4, 5, 6>, to = "memory"} : () -> ()
          ```""")
      .attr("to", MODE, "the arrays' new mode")
      .attr("arrays", ARRAYS, "the arrays")
      .build();

  public static final OpDef LOAD_WEIGHTS = OpDef.builder("meta.load_weights")
      .summary("writes a weight tensor into compute-mode arrays")
      .description("""
          `copies` copies of the weights, over the arrays in order (each copy on
          arrays / copies consecutive arrays). The arrays must be in compute mode.

          ```mlir
          "meta.load_weights"(%w) {arrays = array<i64: 0, 1, 2, 3>, copies = 2 : i64} : (tensor<16x16x3x3xf32>) -> ()
          ```""")
      .operand("weights", TENSOR)
      .attr("arrays", ARRAYS, "the arrays that receive the weights")
      .attr("copies", POSITIVE, "copies of the weights (dividing the number of arrays)")
      .verifier((op, diag) -> verifyCopies(op, diag))
      .build();

  public static final OpDef MVM = OpDef.builder("meta.mvm")
      .summary("a matrix product on a set of compute-mode arrays")
      .description("""
          Computes what the `op.mvm` or `op.dmm` of the same `kind` computes (its attributes
          stay). With weights that stay in the arrays, the arrays must hold `weights` from a
          `meta.load_weights`; with `streamed`, the weight operand is an activation written
          into the arrays during the stage (attention). `core` is the core of the first array.
          `buffer` lists memory-mode arrays through which its inputs and output stream; a
          consumer on the same core reads that output in place.

          ```mlir
          %3 = "meta.mvm"(%2, %w) {arrays = array<i64: 0, 1>, copies = 1 : i64, core = 0 : i64, kind = "conv2d", pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x16x16xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x16x16xf32>
          ```""")
      .operand("input", TENSOR)
      .operand("weights", TENSOR)
      .optionalOperand("bias", TENSOR)
      .result("output", TENSOR)
      .attr("kind", AttrConstraint.STRING, "the product computed (`conv2d`, `matmul`, `gemm`)")
      .attr("arrays", ARRAYS, "the arrays doing the product")
      .attr("copies", POSITIVE, "weight copies over the arrays")
      .attr("core", COUNT, "the core the product is issued from")
      .optionalAttr("streamed", AttrConstraint.UNIT, "the weights are written at run time")
      .optionalAttr("buffer", ARRAYS, "memory-mode arrays buffering its inputs and output")
      .verifier((op, diag) -> verifyCopies(op, diag))
      .build();

  public static final OpDef VEC = OpDef.builder("meta.vec")
      .summary("vector-unit work or a data movement on one core")
      .description("""
          Computes what the `op.vec` or `op.move` of the same `kind` computes (its attributes
          stay); `buffer` as for `meta.mvm`.

          ```mlir
          %4 = "meta.vec"(%3, %2) {core = 0 : i64, kind = "add"} : (tensor<1x16x16x16xf32>, tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
          ```""")
      .variadicOperand("inputs", TENSOR)
      .result("output", TENSOR)
      .attr("kind", AttrConstraint.STRING, "the work (`add`, `relu`, `softmax`, `transpose`...)")
      .attr("core", COUNT, "the core whose vector unit does it")
      .optionalAttr("buffer", ARRAYS, "memory-mode arrays buffering its inputs and output")
      .build();

  public static final OpDef LOAD = OpDef.builder("meta.load")
      .summary("brings a tensor from global memory onto a core")
      .description("""
          Into the core's local memory (`to = "local"`) or into memory-mode arrays
          (`to = "arrays"`, listing them), in tiles of `tile_bytes`, which the arrays must
          hold. The value is unchanged.

          ```mlir
          %2 = "meta.load"(%arg0) {arrays = array<i64: 8, 9>, core = 0 : i64, tile_bytes = 8192 : i64, to = "arrays"} : (tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
          ```""")
      .operand("source", TENSOR)
      .result("loaded", TENSOR)
      .attr("to", PLACE, "local memory or memory-mode arrays")
      .attr("core", COUNT, "the receiving core")
      .attr("tile_bytes", POSITIVE, "bytes moved at a time")
      .optionalAttr("arrays", ARRAYS, "the memory-mode arrays, with `to = \"arrays\"`")
      .traits(Trait.SAME_OPERANDS_AND_RESULT_TYPE)
      .verifier((op, diag) -> verifyPlace(op, diag))
      .build();

  public static final OpDef STORE = OpDef.builder("meta.store")
      .summary("writes a tensor from a core to global memory")
      .description("""
          For later stages or the function's results. The value is unchanged.

          ```mlir
          %9 = "meta.store"(%8) {core = 0 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
          ```""")
      .operand("value", TENSOR)
      .result("stored", TENSOR)
      .attr("core", COUNT, "the sending core")
      .traits(Trait.SAME_OPERANDS_AND_RESULT_TYPE)
      .build();

  public static final OpDef SEND = OpDef.builder("meta.send")
      .summary("sends a tensor to another core over the NoC")
      .description("""
          Paired with the one `meta.recv` of the same `channel` in the same stage, which
          names the same cores and type.

          ```mlir
          "meta.send"(%3) {channel = 0 : i64, from = 0 : i64, to = 1 : i64} : (tensor<1x16x16x16xf32>) -> ()
          ```""")
      .operand("value", TENSOR)
      .attr("from", COUNT, "the sending core")
      .attr("to", COUNT, "the receiving core")
      .attr("channel", COUNT, "pairs the send with its receive")
      .build();

  public static final OpDef RECV = OpDef.builder("meta.recv")
      .summary("receives the tensor of the meta.send on the same channel")
      .description("""
          ```mlir
          %5 = "meta.recv"() {channel = 0 : i64, from = 0 : i64, to = 1 : i64} : () -> tensor<1x16x16x16xf32>
          ```""")
      .result("value", TENSOR)
      .attr("from", COUNT, "the sending core")
      .attr("to", COUNT, "the receiving core")
      .attr("channel", COUNT, "pairs the receive with its send")
      .build();

  private static final List<OpDef> OPS = List.of(FLOW, PARALLEL, YIELD, SWITCH, LOAD_WEIGHTS,
      MVM, VEC, LOAD, STORE, SEND, RECV);

  @Override
  public String name() {
    return "meta";
  }

  @Override
  public String summary() {
    return "meta-operators: stages on concrete arrays and cores";
  }

  @Override
  public List<OpDef> ops() {
    return OPS;
  }

  private static boolean increasing(long[] xs) {
    if (xs.length == 0 || xs[0] < 0) {
      return false;
    }
    for (int i = 1; i < xs.length; i++) {
      if (xs[i] <= xs[i - 1]) {
        return false;
      }
    }
    return true;
  }

  private static void verifyCopies(Operation op, DiagnosticEngine diag) {
    if (!(op.attr("arrays") instanceof Attribute.DenseArrayAttr a)
        || !(op.attr("copies") instanceof Attribute.IntegerAttr c)) {
      return; // the attribute checks report it
    }
    long copies = c.value().longValue();
    if (copies > 0 && a.longValues().length % copies != 0) {
      diag.opError(op, a.longValues().length + " arrays do not split into " + copies
          + " copies");
    }
  }

  private static void verifyPlace(Operation op, DiagnosticEngine diag) {
    if (!(op.attr("to") instanceof Attribute.StringAttr to)) {
      return;
    }
    boolean arrays = op.attr("arrays") != null;
    if (to.value().equals("arrays") != arrays) {
      diag.opError(op, arrays ? "lists arrays but loads into local memory"
          : "loads into arrays but lists none");
    }
  }
}
