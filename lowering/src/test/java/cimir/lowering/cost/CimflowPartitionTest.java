package cimir.lowering.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.lowering.cost.CimflowPartition.Plan;
import cimir.lowering.cost.CimflowPartition.Strategy;
import cimir.lowering.cost.CimflowStageCost.Placed;
import cimir.lowering.cost.CimflowStageCost.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CIMFlow's DP and greedy baselines on ResNet18 at the default point (T = 8, B = 16, batch 8)
 * against reference/cimflow-partitioner.md ("ResNet18 at the default point" and the tables
 * after it).
 */
class CimflowPartitionTest {
  private static Plan plan(Strategy s) {
    return CimflowPartition.run(CimflowResNet18.dag(), CostModelTest.CIMFLOW, 8, s);
  }

  private static List<List<Integer>> stageLayers(Plan p) {
    return p.stages().stream()
        .map(r -> r.layers().stream().map(Placed::layer).toList()).toList();
  }

  @Test
  void resnet18IsATotalOrderWith21Prefixes() {
    // "That gives 21 prefixes (DP states)."
    assertEquals(21, CimflowPartition.prefixes(CimflowResNet18.dag()).size());
  }

  @Test
  void baselinesFollowKahnsOrder() {
    assertEquals(CimflowStageCostTest.KAHN,
        CimflowPartition.topologicalOrder(CimflowResNet18.dag()));
  }

  @Test
  void dpSplitsAfterRid14() {
    Plan p = plan(Strategy.DP);
    assertTrue(p.fits());
    // 987,328 = 697,728 + 289,600
    assertEquals(987328, p.total());
    assertEquals(List.of(697728L, 289600L), p.stages().stream().map(Result::total).toList());
    assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 7, 6, 8, 9, 10, 12, 11, 13, 14),
        List.of(15, 17, 16, 18, 19)), stageLayers(p));
  }

  @Test
  void baseline1PacksRids0To17First() {
    Plan p = plan(Strategy.BASELINE1);
    // 1,322,208 = 1,179,488 + 142,720
    assertEquals(1322208, p.total());
    assertEquals(List.of(1179488L, 142720L), p.stages().stream().map(Result::total).toList());
    assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 7, 6, 8, 9, 10, 12, 11, 13, 14, 15, 17, 16),
        List.of(18, 19)), stageLayers(p));
  }

  @Test
  void baseline2HasTheSameSplitWithoutReplicas() {
    Plan p = plan(Strategy.BASELINE2);
    // 1,953,712 = 1,810,992 + 142,720
    assertEquals(1953712, p.total());
    assertEquals(List.of(1810992L, 142720L), p.stages().stream().map(Result::total).toList());
    assertEquals(stageLayers(plan(Strategy.BASELINE1)), stageLayers(p));
  }
}
