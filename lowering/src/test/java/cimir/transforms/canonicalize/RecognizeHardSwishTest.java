package cimir.transforms.canonicalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.builtin.BuiltinDialect;
import cimir.dialect.func.FuncDialect;
import cimir.dialect.graph.GraphDialect;
import cimir.ir.Context;
import cimir.ir.Operation;
import cimir.ir.Verifier;
import cimir.parse.IrParser;
import cimir.rewrite.GreedyRewriteDriver;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The clip-of-add form of hard swish, which the pass never shows the pattern (FuseActivation
 * moves the clip into the add first), recognized by the pattern on its own.
 */
class RecognizeHardSwishTest {
  private static final String IR = """
      func.func @f(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
        %three = "graph.constant"() {value = dense<3.0> : tensor<f32>} : () -> tensor<f32>
        %six = "graph.constant"() {value = dense<6.0> : tensor<f32>} : () -> tensor<f32>
        %0 = "graph.add"(%three, %x) : (tensor<f32>, tensor<1x16xf32>) -> tensor<1x16xf32>
        %1 = "graph.clip"(%0) {max = 6.0 : f32, min = 0.0 : f32} : (tensor<1x16xf32>) -> tensor<1x16xf32>
        %2 = "graph.mul"(%1, %x) : (tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<1x16xf32>
        %3 = "graph.div"(%2, %six) : (tensor<1x16xf32>, tensor<f32>) -> tensor<1x16xf32>
        return %3 : tensor<1x16xf32>
      }
      """;

  private static Map<String, Integer> run(String ir) {
    Context ctx = new Context();
    ctx.register(new BuiltinDialect());
    ctx.register(new FuncDialect());
    ctx.register(new GraphDialect());
    Operation module = IrParser.parse(ctx, "t.cim", ir);
    GreedyRewriteDriver.Result r = GreedyRewriteDriver.apply(ctx, module,
        List.of(new RecognizeHardSwish("graph.div")), 100);
    assertTrue(r.converged());
    assertTrue(Verifier.verify(ctx, module));
    Map<String, Integer> counts = new TreeMap<>();
    module.walk(op -> {
      if (op.dialect().equals("graph")) {
        counts.merge(op.name(), 1, Integer::sum);
      }
    });
    return counts;
  }

  @Test
  void clipOfAddIsRecognized() {
    assertEquals(Map.of("graph.hard_swish", 1), run(IR));
  }

  @Test
  void clipToOtherBoundsIsNot() {
    Map<String, Integer> counts = run(IR.replace("max = 6.0", "max = 5.0"));
    assertEquals(null, counts.get("graph.hard_swish"));
    assertEquals(1, counts.get("graph.clip"));
  }
}
