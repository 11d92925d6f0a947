package cimir.transforms.segment;

import cimir.ir.Block;
import cimir.ir.OpResult;
import cimir.ir.Operation;
import cimir.ir.Value;
import cimir.lowering.alloc.StageModel;
import cimir.lowering.alloc.StageProblem;
import cimir.lowering.cost.Demand;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The `op` dialect operators of one function as a DAG, in program order (a topological order),
 * looking through `op.segment` boundaries: which operator feeds which, their demands, and
 * which results leave the function. `segment` and `mode-alloc` both read functions this way.
 */
public final class OperatorGraph {
  /** The operator ops of the `op` dialect (not segments, yields or constants). */
  public static final Set<String> OPERATORS = Set.of("op.mvm", "op.dmm", "op.vec", "op.move");

  private final List<Operation> ops = new ArrayList<>();
  private final Map<Operation, Integer> index = new HashMap<>();
  private final List<List<Integer>> preds = new ArrayList<>();
  private final List<Demand> demands = new ArrayList<>();
  private long[] outputBytes;
  private boolean[] liveOut;
  private boolean[] weightView;

  /** Reads the body of a function (its entry block). */
  public OperatorGraph(Block body) {
    collect(body);
    outputBytes = new long[ops.size()];
    liveOut = new boolean[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      Operation op = ops.get(i);
      List<Integer> p = new ArrayList<>();
      for (Value v : op.operands()) {
        Operation def = producer(v);
        Integer j = def == null ? null : index.get(def);
        if (j != null && !p.contains(j)) {
          p.add(j);
        }
      }
      preds.add(p);
      Demand d = Demand.fromAttributes(op);
      demands.add(d);
      outputBytes[i] = d.outputBytes();
    }
    weightView = new boolean[ops.size()];
    for (int i = ops.size() - 1; i >= 0; i--) {
      weightView[i] = ops.get(i).name().equals("op.move") && readAsWeights(ops.get(i).result(0));
      if (weightView[i]) {
        outputBytes[i] = 0;
      }
    }
    Operation ret = body.terminator();
    if (ret != null) {
      for (Value v : ret.operands()) {
        Integer j = index.get(producer(v));
        if (j != null) {
          liveOut[j] = true;
        }
      }
    }
  }

  private void collect(Block block) {
    for (Operation op : block) {
      if (op.name().equals("op.segment")) {
        collect(op.region(0).entryBlock());
      } else if (OPERATORS.contains(op.name())) {
        index.put(op, ops.size());
        ops.add(op);
      }
    }
  }

  /**
   * Whether every use of `v` reads it as the stationary weights of an `op.mvm` or passes it on
   * to a weight view (through segment results). Such a move only slices weights: the lowering
   * emits nothing for it (the arrays are loaded from the weights' place in global memory), and
   * the product's stage pays for the bytes as its weight load.
   */
  private boolean readAsWeights(Value v) {
    if (v.uses().isEmpty()) {
      return false;
    }
    for (var use : v.uses()) {
      Operation u = use.owner();
      Integer j = index.get(u);
      boolean weights = u.name().equals("op.mvm") && use.index() == 1
          || j != null && weightView[j];
      if (!weights && u.name().equals("op.yield") && u.parentOp() != null
          && u.parentOp().name().equals("op.segment")) {
        weights = readAsWeights(u.parentOp().result(use.index()));
      }
      if (!weights) {
        return false;
      }
    }
    return true;
  }

  /** The operator that computes `v`, looking through segment results to what they yield. */
  static Operation producer(Value v) {
    while (v != null && v.definingOp() != null && v.definingOp().name().equals("op.segment")) {
      Operation yield = v.definingOp().region(0).entryBlock().terminator();
      v = yield.operand(((OpResult) v).index());
    }
    return v == null ? null : v.definingOp();
  }

  public List<Operation> ops() {
    return ops;
  }

  public int size() {
    return ops.size();
  }

  public int indexOf(Operation op) {
    return index.get(op);
  }

  public Demand demand(int i) {
    return demands.get(i);
  }

  /** Whether operator i only slices weights for products (costs nothing of its own). */
  public boolean weightView(int i) {
    return weightView[i];
  }

  public Partitioner.Network network() {
    return new Partitioner.Network(preds);
  }

  /** The cost of candidate stages of this function under `model`. */
  public StageCoster coster(StageModel model,
      java.util.function.Function<StageProblem, cimir.lowering.alloc.Allocated> mip) {
    List<StageProblem.Item> items = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      items.add(item(model, i));
    }
    return new StageCoster(model, items, network(), outputBytes, liveOut, mip);
  }

  /** Operator i's numbers in stages of `model`. */
  public StageProblem.Item item(StageModel model, int i) {
    return weightView[i] ? model.weightView(name(i)) : model.item(name(i), demands.get(i));
  }

  /** A short name of operator i: its kind and index (`conv2d#3`). */
  public String name(int i) {
    return demands.get(i).op() + "#" + i;
  }

  /** The operators of each segment of the function, in order (empty if unsegmented). */
  public List<BitSet> segments(Block body) {
    List<BitSet> out = new ArrayList<>();
    for (Operation op : body) {
      if (op.name().equals("op.segment")) {
        BitSet s = new BitSet();
        for (Operation inner : op.region(0).entryBlock()) {
          Integer i = index.get(inner);
          if (i != null) {
            s.set(i);
          }
        }
        out.add(s);
      }
    }
    return out;
  }
}
