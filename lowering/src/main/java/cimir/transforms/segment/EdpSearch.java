package cimir.transforms.segment;

import cimir.lowering.alloc.StageModel;
import cimir.lowering.alloc.StageProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Minimises a function's energy-delay product over its partitions and allocations, through
 * weighted sums that the stage-by-stage solvers take:
 *
 * <pre>
 *   minimise (sum_s L_s)(sum_s E_s)     over every partition and every stage's allocation
 * </pre>
 *
 * No sum over stages expresses this product (a sum of per-stage products favours many small
 * stages), but L E is quasi-concave for L, E > 0, so its minimum over the finite set of
 * reachable (L, E) lies at a vertex of their convex hull, and every vertex that can be the
 * minimum (the lower-left ones) minimises L + lambda E for some lambda >= 0: a sum over stages,
 * which the DP and the allocators solve exactly. The vertices come from the non-inferior set
 * estimation: A, the latency optimum, and B, the energy optimum; between neighbours A and B,
 * lambda = (L_B - L_A) / (E_A - E_B) is the weight under which A and B tie, and the optimum C
 * of L + lambda E is a new vertex when it lies strictly below their segment, after which the
 * search goes on between A and C and between C and B. The answer is the reachable point of
 * least L E among those found.
 */
final class EdpSearch {
  /** The weighted solves a search makes at most (each a DP or a pass over the stages). */
  static final int MAX_SOLVES = 16;

  /** A solution and its whole-function latency (cycles) and energy (pJ). */
  record Point<R>(R solution, double latency, double energy) {
    double product() {
      return latency * energy;
    }

    boolean feasible() {
      return Double.isFinite(latency) && Double.isFinite(energy);
    }
  }

  /** The best point of a search and the number of solves it made. */
  record Result<R>(Point<R> best, int solves) {}

  private EdpSearch() {}

  /**
   * The point of least L E among the hull vertices `solve` reaches on `base` made to minimise
   * latency, energy and weighted sums of both.
   */
  static <R> Result<R> minimise(StageModel base, Function<StageModel, Point<R>> solve) {
    Point<R> a = solve.apply(base.with(StageProblem.Objective.LATENCY));
    if (!a.feasible()) {
      return new Result<>(a, 1);
    }
    Point<R> b = solve.apply(base.with(StageProblem.Objective.ENERGY));
    List<Point<R>> found = new ArrayList<>(List.of(a, b));
    int solves = 2;
    // Segments of the hull still to refine, A before B: A of less latency, B of less energy.
    List<Point<R>[]> open = new ArrayList<>();
    open.add(pair(a, b));
    while (!open.isEmpty() && solves < MAX_SOLVES) {
      Point<R>[] ab = open.remove(0);
      Point<R> l = ab[0];
      Point<R> r = ab[1];
      if (!(r.latency() > l.latency() && l.energy() > r.energy())) {
        continue; // one of the two dominates the other: nothing lies between them
      }
      double lambda = (r.latency() - l.latency()) / (l.energy() - r.energy());
      Point<R> c = solve.apply(base.withEnergyWeight(lambda));
      solves++;
      if (!c.feasible()) {
        continue;
      }
      found.add(c);
      double tie = l.latency() + lambda * l.energy();
      if (c.latency() + lambda * c.energy() < tie * (1 - 1e-9)) {
        open.add(pair(l, c));
        open.add(pair(c, r));
      }
    }
    Point<R> best = a;
    for (Point<R> p : found) {
      if (p.feasible() && p.product() < best.product()) {
        best = p;
      }
    }
    return new Result<>(best, solves);
  }

  @SuppressWarnings("unchecked")
  private static <R> Point<R>[] pair(Point<R> a, Point<R> b) {
    return new Point[] {a, b};
  }
}
