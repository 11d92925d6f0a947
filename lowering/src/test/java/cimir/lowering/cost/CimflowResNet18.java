package cimir.lowering.cost;

import cimir.lowering.cost.CimflowStageCost.Dag;
import cimir.lowering.cost.CimflowStageCost.Layer;
import cimir.lowering.cost.CimflowStageCost.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ResNet18 (torchvision, 224 x 224, batch-norm folded) as CIMFlow's partitioner condenses it,
 * written out by hand: 20 convolution nodes, rids in ONNX node order
 * (reference/cimflow-partitioner.md, "ResNet18, dp, default point: the partition").
 */
final class CimflowResNet18 {
  private CimflowResNet18() {}

  /**
   * rid: ONNX conv, Cin, Cout, kernel, output side. Output sides: the stem's 7x7 stride-2 conv
   * halves 224 to 112; layer1 runs at 56 (after the max-pool), layer2 at 28, layer3 at 14,
   * layer4 at 7 (the first conv and the 1x1 downsample of each of layer2-4 have stride 2).
   */
  static final long[][] CONVS = {
      {3, 64, 7, 112}, // 0 /conv1/Conv
      {64, 64, 3, 56}, // 1 /layer1/layer1.0/conv1/Conv
      {64, 64, 3, 56}, // 2 /layer1/layer1.0/conv2/Conv
      {64, 64, 3, 56}, // 3 /layer1/layer1.1/conv1/Conv
      {64, 64, 3, 56}, // 4 /layer1/layer1.1/conv2/Conv
      {64, 128, 3, 28}, // 5 /layer2/layer2.0/conv1/Conv
      {128, 128, 3, 28}, // 6 /layer2/layer2.0/conv2/Conv
      {64, 128, 1, 28}, // 7 /layer2/layer2.0/downsample/downsample.0/Conv
      {128, 128, 3, 28}, // 8 /layer2/layer2.1/conv1/Conv
      {128, 128, 3, 28}, // 9 /layer2/layer2.1/conv2/Conv
      {128, 256, 3, 14}, // 10 /layer3/layer3.0/conv1/Conv
      {256, 256, 3, 14}, // 11 /layer3/layer3.0/conv2/Conv
      {128, 256, 1, 14}, // 12 /layer3/layer3.0/downsample/downsample.0/Conv
      {256, 256, 3, 14}, // 13 /layer3/layer3.1/conv1/Conv
      {256, 256, 3, 14}, // 14 /layer3/layer3.1/conv2/Conv
      {256, 512, 3, 7}, // 15 /layer4/layer4.0/conv1/Conv
      {512, 512, 3, 7}, // 16 /layer4/layer4.0/conv2/Conv
      {256, 512, 1, 7}, // 17 /layer4/layer4.0/downsample/downsample.0/Conv
      {512, 512, 3, 7}, // 18 /layer4/layer4.1/conv1/Conv
      {512, 512, 3, 7}, // 19 /layer4/layer4.1/conv2/Conv
  };

  /**
   * Adjacency, one entry per ONNX edge between two groups, in ONNX node order. The groups
   * (belong_node): conv1 of a block absorbs the block-input ReLU and its own ReLU, conv2 the
   * Add, so within a block conv1 -> conv2 has two ONNX edges when the block has no downsample
   * (input ReLU -> Add, inner ReLU -> conv2), and with a downsample the input ReLU feeds the
   * downsample (conv1 -> ds) and ds feeds the Add (ds -> conv2). Rid 1 also absorbs the
   * max-pool, whose output goes to the Add of rid 2 as well.
   */
  static final int[][] SUCCESSORS = {
      {1}, // 0: Relu -> MaxPool
      {2, 2}, // 1: MaxPool -> Add, Relu -> conv2
      {3}, // 2: Add -> Relu
      {4, 4}, // 3: Relu -> Add, Relu -> conv2
      {5}, // 4: Add -> Relu
      {7, 6}, // 5: Relu -> downsample conv, Relu -> conv2
      {8}, // 6: Add -> Relu
      {6}, // 7: downsample conv -> Add
      {9, 9}, // 8
      {10}, // 9
      {12, 11}, // 10
      {13}, // 11
      {11}, // 12
      {14, 14}, // 13
      {15}, // 14
      {17, 16}, // 15
      {18}, // 16
      {16}, // 17
      {19, 19}, // 18
      {}, // 19: Add, Relu, GlobalAveragePool, Flatten -> Gemm (an output)
  };

  static Dag dag() {
    List<Layer> layers = new ArrayList<>();
    List<List<Integer>> successors = new ArrayList<>();
    for (int id = 0; id < CONVS.length; id++) {
      long[] c = CONVS[id];
      layers.add(new Layer(id, c[0], c[1], c[2], c[2], c[3], c[3]));
      List<Integer> next = new ArrayList<>();
      for (int v : SUCCESSORS[id]) {
        next.add(v);
      }
      successors.add(next);
    }
    return new Dag(layers, successors, Map.of(0, new Tensor(3, 224, 224)), Set.of(19));
  }

  /** Rids `from` to `to` inclusive, ascending (the DP's stage order). */
  static List<Integer> rids(int from, int to) {
    List<Integer> ids = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      ids.add(i);
    }
    return ids;
  }
}
