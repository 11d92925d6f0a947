package cimir.lowering.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import cimir.interp.Tensor;
import cimir.ir.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folding on int64 shape values is exact, even near the range PyTorch uses as "to the end". */
class OnnxFolderTest {
  private static OnnxModel.Node node(String op, OnnxModel.Attribute... attrs) {
    return new OnnxModel.Node("n", op, "", List.of("a", "b"), List.of("y"), List.of(attrs));
  }

  private static Tensor longs(long... v) {
    return Tensor.ofLongs(new long[] {v.length}, v);
  }

  @Test
  void integerArithmeticComparisonAndCastsAreExact() throws Exception {
    long max = Long.MAX_VALUE;
    // max - 1 and max differ by one, which a double cannot tell apart.
    assertArrayEquals(new long[] {max - 1, 7},
        OnnxFolder.fold(node("Sub"), List.of(longs(max, 9), longs(1, 2))).get(0).ints());
    assertArrayEquals(new long[] {0, 1},
        OnnxFolder.fold(node("Equal"), List.of(longs(max - 1, 5), longs(max, 5))).get(0)
            .ints());
    // Integer division truncates towards zero: -7 / 2 = -3.
    assertArrayEquals(new long[] {-3, 3},
        OnnxFolder.fold(node("Div"), List.of(longs(-7, 7), longs(2, 2))).get(0).ints());
    // Cast of max to INT32 wraps to -1, as a C cast does.
    OnnxModel.Attribute to = new OnnxModel.Attribute("to", OnnxModel.AttributeKind.INT, 0,
        OnnxModel.DataType.INT32, null, null, null, null, null, null, null, null);
    Tensor cast = OnnxFolder.fold(new OnnxModel.Node("c", "Cast", "", List.of("a"),
        List.of("y"), List.of(to)), List.of(longs(max, 300))).get(0);
    assertArrayEquals(new long[] {-1, 300}, cast.ints());
    assertArrayEquals(new long[] {max, 4}, OnnxFolder.fold(node("Where"), List.of(
        Tensor.ofInts(Type.IntegerType.I1, new long[] {2}, new long[] {1, 0}), longs(max, 3),
        longs(1, 4))).get(0).ints());
  }
}
