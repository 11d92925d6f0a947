package cimir.lowering.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.hw.HardwareModel;
import cimir.lowering.cost.CimflowStageCost.Core;
import cimir.lowering.cost.CimflowStageCost.Dag;
import cimir.lowering.cost.CimflowStageCost.Layer;
import cimir.lowering.cost.CimflowStageCost.Options;
import cimir.lowering.cost.CimflowStageCost.Placed;
import cimir.lowering.cost.CimflowStageCost.Result;
import cimir.lowering.cost.CimflowStageCost.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * CIMFlow's stage cost against the numbers its partitioner computes for ResNet18 at the
 * default point (T = 8, B = 16, batch 8): every expected number below is published in
 * reference/cimflow-partitioner.md, tables "ResNet18 baseline1", "ResNet18 baseline2" and
 * "ResNet18, dp, default point: the partition". A small stage is checked against a hand
 * calculation.
 */
class CimflowStageCostTest {
  static final HardwareModel CHIP = CostModelTest.CIMFLOW;
  static final Options REPLICATE = new Options(8, true);
  static final Options ONE_REPLICA = new Options(8, false);
  /**
   * The baselines' layer order, Kahn's topological order of the DAG (stage 0 of both
   * baselines is "rids 0-17 in topsort order 0..14,15,17,16", with 5, 7, 6 and 10, 12, 11 as
   * its stage node list shows; then 18, 19).
   */
  static final List<Integer> KAHN = List.of(0, 1, 2, 3, 4, 5, 7, 6, 8, 9, 10, 12, 11, 13, 14,
      15, 17, 16, 18, 19);

  /**
   * Breakdown columns in the reference's order: cost, calc, comm, node_load/B, global/64,
   * max_request/B, ring, weight_load, pattern, cores used.
   */
  private static void assertColumns(long[] expected, Result r) {
    assertTrue(r.fits(), r.reason());
    long[] actual = {r.total(), r.calc(), r.comm(), r.nodeLoad(), r.global(), r.request(),
        r.ring(), r.weightLoad(), r.pattern(), r.coresUsed()};
    assertEquals(Arrays.toString(expected), Arrays.toString(actual));
  }

  /** The stage as `rid-cores-replicas` in placement order, like the reference's stderr. */
  private static String layout(Result r) {
    List<String> parts = new ArrayList<>();
    for (Placed p : r.layers()) {
      parts.add(p.layer() + "-" + p.coresPerReplica() + "-" + p.replicas());
    }
    return "[" + String.join(", ", parts) + "]";
  }

  private static List<Long> calcs(Result r) {
    return r.layers().stream().map(Placed::calc).toList();
  }

  @Test
  void dpStageZeroRids0To14() {
    Result r = CimflowStageCost.of(CimflowResNet18.dag(), CimflowResNet18.rids(0, 14), CHIP,
        REPLICATE);
    // cost, calc, comm, node_load, global, request, ring, weight load, pattern 1, 62 cores
    assertColumns(new long[] {697728, 100352, 597376, 125440, 62720, 200704, 100352, 296320,
        1, 62}, r);
    // the stderr line of the original program
    assertEquals("[0-1-8, 1-1-4, 2-1-4, 3-1-4, 4-1-4, 5-2-2, 7-2-1, 6-2-2, 8-2-2, 9-2-2, "
        + "10-4-1, 12-4-1, 11-4-1, 13-4-1, 14-4-1]", layout(r));
    // calc_i column of the dp table
    assertEquals(List.of(100352L, 100352L, 100352L, 100352L, 100352L, 50176L, 50176L, 80284L,
        80284L, 80284L, 40144L, 12544L, 66904L, 66904L, 66904L), calcs(r));
    // weight load by hand, ceil(Cout Kd / 64) x rep_in x replicas:
    //   rid 0:        ceil(64 x 147 / 64) = 147 x 16 = 2352 x 8 replicas         =  18816
    //   rids 1-4:     64 x 576 / 64 = 576 x 8 = 4608 x 4 replicas x 4 layers      =  73728
    //   rid 5:        128 x 576 / 64 = 1152 x 8 = 9216 x 2                        =  18432
    //   rid 7:        128 x 64 / 64 = 128 x 16 = 2048 x 1                         =   2048
    //   rids 6, 8, 9: 128 x 1152 / 64 = 2304 x 5 = 11520 x 2 x 3 layers           =  69120
    //   rid 10:       256 x 1152 / 64 = 4608 x 5                                  =  23040
    //   rid 12:       256 x 128 / 64 = 512 x 16                                   =   8192
    //   rids 11, 13, 14: 256 x 2304 / 64 = 9216 x 3 x 3 layers                    =  82944
    //   sum                                                                       = 296320
    // global bytes by hand (x 8 images): the input 3 x 224 x 224 = 150528; off-chain edges
    // 5 -> 6 (128 x 28 x 28 = 100352, written and read) and 10 -> 11 (256 x 14 x 14 = 50176,
    // written and read); the output of 14 (50176) leaves the stage:
    // 8 x (150528 + 2 x 100352 + 2 x 50176 + 50176) = 4014080 = 62720 x 64
    assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 7, 6, 8, 9, 10, 12, 11, 13, 14)),
        r.chains());
    // placement along pattern 1 (two sides): rid 0's 8 one-core replicas take cells 0-7 of
    // the table (row 0 right to left from column 3, then row 1 left to right), rid 1 cell 8
    List<List<Core>> stem = r.layer(0).cores();
    assertEquals(List.of(new Core(0, 3), new Core(0, 2), new Core(0, 1), new Core(0, 0),
        new Core(1, 0), new Core(1, 1), new Core(1, 2), new Core(1, 3)),
        stem.stream().map(replica -> replica.get(0)).toList());
    assertEquals(List.of(new Core(2, 3)), r.layer(1).cores().get(0));
  }

  @Test
  void dpStageOneRids15To19() {
    Result r = CimflowStageCost.of(CimflowResNet18.dag(), CimflowResNet18.rids(15, 19), CHIP,
        REPLICATE);
    // comm = max(6272, 15680, 1568) + 25088 + 198656
    assertColumns(new long[] {289600, 50176, 239424, 6272, 15680, 1568, 25088, 198656, 1, 40},
        r);
    assertEquals("[15-8-1, 17-8-1, 16-8-1, 18-8-1, 19-8-1]", layout(r));
    assertEquals(List.of(16728L, 3136L, 50176L, 50176L, 50176L), calcs(r));
    // weight load by hand: rid 15: 512 x 2304 / 64 = 18432 x 3 = 55296; rid 17: 512 x 256 /
    // 64 = 2048 x 16 = 32768; rids 16, 18, 19: 512 x 4608 / 64 = 36864 x 1, three times =
    // 110592; 55296 + 32768 + 110592 = 198656.
    // global bytes by hand (x 8 images): 14's output read (256 x 14 x 14 = 50176), the
    // off-chain edge 15 -> 16 (512 x 7 x 7 = 25088) written and read, 19's output (25088)
    // for the classifier: 8 x (50176 + 2 x 25088 + 25088) = 1003520 = 15680 x 64
  }

  @Test
  void baseline1Stages() {
    Dag dag = CimflowResNet18.dag();
    List<Integer> order = KAHN;
    Result first = CimflowStageCost.of(dag, order.subList(0, 18), CHIP, REPLICATE);
    assertColumns(new long[] {1179488, 401408, 778080, 250880, 65856, 100352, 200704, 326496,
        0, 64}, first);
    assertEquals("[0-1-2, 1-1-2, 2-1-2, 3-1-2, 4-1-2, 5-2-1, 7-2-1, 6-2-1, 8-2-1, 9-2-1, "
        + "10-4-1, 12-4-1, 11-4-1, 13-4-1, 14-4-1, 15-8-1, 17-8-1, 16-8-1]", layout(first));
    Result second = CimflowStageCost.of(dag, order.subList(18, 20), CHIP, REPLICATE);
    assertColumns(new long[] {142720, 50176, 92544, 3136, 6272, 392, 12544, 73728, 1, 16},
        second);
    assertEquals("[18-8-1, 19-8-1]", layout(second));
  }

  @Test
  void baseline2Stages() {
    Dag dag = CimflowResNet18.dag();
    List<Integer> order = KAHN;
    Result first = CimflowStageCost.of(dag, order.subList(0, 18), CHIP, ONE_REPLICA);
    assertColumns(new long[] {1810992, 802816, 1008176, 501760, 65856, 50176, 200704, 305712,
        0, 59}, first);
    assertEquals("[0-1-1, 1-1-1, 2-1-1, 3-1-1, 4-1-1, 5-2-1, 7-2-1, 6-2-1, 8-2-1, 9-2-1, "
        + "10-4-1, 12-4-1, 11-4-1, 13-4-1, 14-4-1, 15-8-1, 17-8-1, 16-8-1]", layout(first));
    // one more layer (rid 18, 8 cores) would need 67 of 64 cores
    Result tooMany = CimflowStageCost.of(dag, order.subList(0, 19), CHIP, ONE_REPLICA);
    assertFalse(tooMany.fits());
    assertEquals("the stage needs 67 cores, the chip has 64", tooMany.reason());
    Result second = CimflowStageCost.of(dag, order.subList(18, 20), CHIP, ONE_REPLICA);
    assertColumns(new long[] {142720, 50176, 92544, 3136, 6272, 392, 12544, 73728, 1, 16},
        second);
  }

  /**
   * Two 1x1 convolutions on 4 x 4 pixels, A (16 -> 64 channels, reads the network input) then
   * B (64 -> 128, a stage output), batch 2, by hand. A: Kd = 16, rep_in = 16, 1 core, t =
   * ceil(16 x 16 x 8 / 16) = 128, L = ceil(64 x 16 / 64) x 16 = 256. B: Kd = 64, rep_in = 16,
   * 2 cores, t = 128, L = ceil(128 x 64 / 64) x 16 = 2048. calc = ceil(2 x 128 / 1) = 256.
   */
  @Test
  void twoLayerStageByHand() {
    Dag dag = new Dag(List.of(new Layer(0, 16, 64, 1, 1, 4, 4), new Layer(1, 64, 128, 1, 1, 4,
        4)), List.of(List.of(1), List.of()), Map.of(0, new Tensor(16, 4, 4)), Set.of(1));
    Result r = CimflowStageCost.of(dag, List.of(0, 1), CHIP, new Options(2, true));
    // Pattern 0 puts A on (0,0), B on (0,1) and (0,2). Per image: A reads 16 x 16 = 256 B
    // from global memory and sends 64 x 16 = 1024 B on chip, all to B's first core (one
    // slice of <= 64 channels); B writes 128 x 16 = 2048 B, 1024 B from each core.
    // Core loads over 2 images: A 2 x (256 + 1024) = 2560, B's first core 2 x (1024 + 1024) =
    // 4096, B's second 2 x 1024 = 2048: ceil(4096 / 16) = 256.
    // Global: 2 x (256 + 2048) = 4608 bytes: ceil(4608 / 64) = 72.
    // Request: 1024 B over 1 hop: ceil(1024 / 16) = 64.
    // Ring of B (2 cores, 1 hop apart: 2 hops around): 2 images x ceil(2 x 1024 / 16) = 256.
    // comm = max(256, 72, 64) + 256 + (256 + 2048) = 2816; total = 256 + 2816 = 3072.
    // Patterns 1-3 give the same distances, hence the same cost, and do not replace it; more
    // replicas only add weight loads (B twice: comm = max(160, 72, 64) + 128 + 4352).
    assertColumns(new long[] {3072, 256, 2816, 256, 72, 64, 256, 2304, 0, 3}, r);
    assertEquals(List.of(List.of(new Core(0, 0))), r.layer(0).cores());
    assertEquals(List.of(List.of(new Core(0, 1), new Core(0, 2))), r.layer(1).cores());
  }

  @Test
  void aLayerDeeperThanACoreDoesNotFit() {
    // Kd = 1024 x 3 x 3 = 9216 > H m K = 32 x 16 x 16 = 8192
    Dag dag = new Dag(List.of(new Layer(0, 1024, 64, 3, 3, 7, 7)), List.of(List.of()),
        Map.of(), Set.of());
    Result r = CimflowStageCost.of(dag, List.of(0), CHIP, REPLICATE);
    assertFalse(r.fits());
    assertEquals("layer 0 reduces over 9216 rows, more than one core's 8192", r.reason());
  }

  /** Pattern `index` on the 8 x 8 mesh as a grid of placement numbers. */
  private static int[][] grid(int index) {
    int[][] g = new int[8][8];
    List<Core> order = CimflowStageCost.pattern(index, 8);
    for (int n = 0; n < order.size(); n++) {
      g[order.get(n).x()][order.get(n).y()] = n;
    }
    return g;
  }

  @Test
  void placementPatternsOfTheEightByEightMesh() {
    // the reference's 8 x 8 tables (cimpara.py `pattern_maps_64`, utils/pattern_maps_gen.py)
    assertEquals("[15, 14, 13, 12, 11, 10, 9, 8]", Arrays.toString(grid(0)[1]));
    assertEquals("[3, 2, 1, 0, 63, 62, 61, 60]", Arrays.toString(grid(1)[0]));
    assertEquals("[4, 5, 6, 7, 56, 57, 58, 59]", Arrays.toString(grid(1)[1]));
    assertEquals("[28, 29, 30, 31, 32, 33, 34, 35]", Arrays.toString(grid(1)[7]));
    // the generator's snake of 2 x 2 blocks (the older hard-coded table visits every block
    // vertical-first; the ResNet18 numbers are the same with either)
    assertEquals("[0, 3, 4, 5, 8, 11, 12, 13]", Arrays.toString(grid(2)[0]));
    assertEquals("[1, 2, 7, 6, 9, 10, 15, 14]", Arrays.toString(grid(2)[1]));
    assertEquals("[29, 28, 27, 24, 21, 20, 19, 16]", Arrays.toString(grid(2)[2]));
    // the Hilbert curve ("drunk snake"), equal to the hard-coded table
    assertEquals("[0, 3, 4, 5, 58, 59, 60, 63]", Arrays.toString(grid(3)[0]));
    assertEquals("[21, 22, 25, 26, 37, 38, 41, 42]", Arrays.toString(grid(3)[7]));
  }
}
