package cimir.transforms.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.builtin.ModuleOp;
import cimir.dialect.hw.HwPresets;
import cimir.ir.Operation;
import cimir.lowering.RepositoryModels;
import cimir.lowering.alloc.StageModel;
import cimir.lowering.alloc.StageProblem;
import org.junit.jupiter.api.Test;

/**
 * Moves that only slice weights for products cost nothing in a stage: the lowering emits
 * nothing for them, and the product's stage pays for the weights once, as its load. BERT's
 * feed-forward weights (768 x 3072) do not fit dynaplasia's 96 arrays, so graph-to-op splits
 * the products and slices their weights with `op.move`s.
 */
class WeightViewTest {
  @Test
  void movesThatOnlySliceWeightsAreFree() throws Exception {
    RepositoryModels.Run run = RepositoryModels.run("bert_base_layer",
        "canonicalize,graph-to-op{arch=dynaplasia}");
    Operation func = new ModuleOp(run.module()).body().first();
    OperatorGraph g = new OperatorGraph(func.region(0).entryBlock());
    StageModel model = new StageModel(HwPresets.byName("dynaplasia").orElseThrow(), 1,
        StageProblem.Objective.LATENCY, true, true);
    int views = 0;
    int moves = 0;
    for (int i = 0; i < g.size(); i++) {
      Operation op = g.ops().get(i);
      if (!op.name().equals("op.move")) {
        assertFalse(g.weightView(i), op.name() + " #" + i);
        continue;
      }
      moves++;
      // Independently of the graph: every use is a product's weight operand.
      boolean weights = !op.result(0).uses().isEmpty();
      for (var use : op.result(0).uses()) {
        weights &= use.owner().name().equals("op.mvm") && use.index() == 1;
      }
      assertEquals(weights, g.weightView(i), "move #" + i);
      if (weights) {
        views++;
        StageProblem.Item item = g.item(model, i);
        assertEquals(0, item.bytes());
        assertEquals(0, item.work());
        assertEquals(0, item.dynamicPj());
      } else {
        assertEquals(model.item(g.name(i), g.demand(i)), g.item(model, i), "move #" + i);
      }
    }
    assertTrue(views > 0, "the split products slice their weights");
    System.out.printf("bert_base_layer on dynaplasia: %d moves, %d weight views%n", moves, views);
  }

  /**
   * Free weight views cut off alone would make stages that only cost a barrier (the LLaMA
   * decode block's split projections gave 59 of 237): `segment` attaches them to the stage
   * after, so every segment holds an operator that costs something.
   */
  @Test
  void noSegmentIsWeightViewsAlone() throws Exception {
    RepositoryModels.Run run = RepositoryModels.run("llama7b_block_decode",
        "canonicalize,quantize,graph-to-op{arch=dynaplasia},segment{max-states=1}");
    Operation func = new ModuleOp(run.module()).body().first();
    OperatorGraph g = new OperatorGraph(func.region(0).entryBlock());
    int segments = 0;
    int views = 0;
    for (Operation seg : func.region(0).entryBlock()) {
      if (!seg.name().equals("op.segment")) {
        continue;
      }
      segments++;
      boolean real = false;
      for (Operation op : seg.region(0).entryBlock()) {
        if (OperatorGraph.OPERATORS.contains(op.name())) {
          boolean view = g.weightView(g.indexOf(op));
          views += view ? 1 : 0;
          real |= !view;
        }
      }
      assertTrue(real, "segment " + (segments - 1) + " holds weight views alone");
    }
    assertTrue(views > 0 && segments > 1, segments + " segments, " + views + " views");
  }
}
