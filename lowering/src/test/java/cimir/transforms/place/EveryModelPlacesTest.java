package cimir.transforms.place;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.dialect.graph.GraphAttrs;
import cimir.ir.Operation;
import cimir.lowering.RepositoryModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `place` after `segment,mode-alloc` on every shipped model on the cimflow chip: every operator
 * with c cores gets c cores no other operator of its segment holds, every operator without
 * cores shares an operator's cores (or core 0), each segment's `place.byte_hops` is the cost of
 * the written cores, and it is never above any of CIMFlow's four patterns.
 */
class EveryModelPlacesTest {
  @ParameterizedTest
  @MethodSource("cimir.lowering.RepositoryModels#benchmarks")
  void placesNoWorseThanEveryPattern(String model) throws Exception {
    Operation module = RepositoryModels.run(model,
        "canonicalize,graph-to-op{arch=cimflow},segment,mode-alloc,place").module();
    List<Operation> segments = new ArrayList<>();
    module.walk(op -> {
      if (op.name().equals("op.segment")) {
        segments.add(op);
      }
    });
    assertTrue(!segments.isEmpty());
    for (Operation seg : segments) {
      String what = model + ", segment " + new GraphAttrs(seg.attributes()).i64("index", -1);
      PlacePass.Groups g = PlacePass.Groups.of(seg, 8, 8);
      Placement.Problem p = g.problem();
      int[][] written = new int[p.groups()][];
      Set<Long> taken = new HashSet<>();
      List<long[]> owned = new ArrayList<>();
      for (int i = 0; i < g.ops().size(); i++) {
        GraphAttrs a = new GraphAttrs(g.ops().get(i).attributes());
        long[] cores = a.ints("place.cores", null);
        long need = a.i64("alloc.cores", -1);
        if (need > 0) {
          assertEquals(need, cores.length, what);
          for (long c : cores) {
            assertTrue(c >= 0 && c < 64 && taken.add(c), what + ": core " + c);
          }
          owned.add(cores);
        }
        written[g.group()[i]] = Arrays.stream(cores).mapToInt(c -> (int) c).toArray();
      }
      for (Operation op : g.ops()) {
        GraphAttrs a = new GraphAttrs(op.attributes());
        if (a.i64("alloc.cores", -1) == 0) {
          long[] cores = a.ints("place.cores", null);
          assertTrue(Arrays.equals(cores, new long[] {0})
              || owned.stream().anyMatch(o -> Arrays.equals(o, cores)), what);
        }
      }
      double hops = new GraphAttrs(seg.attributes()).f("place.byte_hops", -1);
      assertEquals(Placement.cost(p, written), hops, 1e-9 * Math.max(1, hops), what);
      for (Placement.Pattern pattern : Placement.Pattern.values()) {
        double base = Placement.cost(p, Placement.baseline(p, pattern));
        assertTrue(hops <= base * (1 + 1e-12), what + ": " + hops + " > " + pattern.key + " "
            + base);
      }
    }
  }
}
