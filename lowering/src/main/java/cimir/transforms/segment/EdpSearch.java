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
 *
 * <p>Pruning: each point found minimises L + w E for its weight w (A: w = 0, so L >= L_A for
 * every reachable point; B: w = infinity, E >= E_B), so every reachable point lies on or
 * above each found point's line. A vertex between neighbours P and Q lies in the triangle of
 * P, Q and the meeting point X of their lines; L E is quasi-concave, so its least value over
 * the triangle is at a corner, and when L_X E_X is no less than the best product found, no
 * vertex between P and Q can improve on it and the pair is not refined.
 */
final class EdpSearch {
  /** The weighted solves a search makes at most (each a DP or a pass over the stages). */
  static final int MAX_SOLVES = 16;

  /**
   * A solution, its whole-function latency (cycles) and energy (pJ), and the energy weight it
   * minimises L + weight E for (0 for the latency optimum, infinity for the energy optimum).
   */
  record Point<R>(R solution, double latency, double energy, double weight) {
    Point(R solution, double latency, double energy) {
      this(solution, latency, energy, Double.NaN);
    }

    Point<R> weighted(double w) {
      return new Point<>(solution, latency, energy, w);
    }

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
    Point<R> a = solve.apply(base.with(StageProblem.Objective.LATENCY)).weighted(0);
    if (!a.feasible()) {
      return new Result<>(a, 1);
    }
    Point<R> b = solve.apply(base.with(StageProblem.Objective.ENERGY))
        .weighted(Double.POSITIVE_INFINITY);
    int solves = 2;
    // Segments of the hull still to refine, A before B: A of less latency, B of less energy.
    List<Point<R>[]> open = new ArrayList<>();
    open.add(pair(a, b));
    Point<R> best = a.product() <= b.product() || !b.feasible() ? a : b;
    while (!open.isEmpty() && solves < MAX_SOLVES) {
      Point<R>[] ab = open.remove(0);
      Point<R> l = ab[0];
      Point<R> r = ab[1];
      if (!(r.latency() > l.latency() && l.energy() > r.energy())) {
        continue; // one of the two dominates the other: nothing lies between them
      }
      if (cornerProduct(l, r) >= best.product()) {
        continue; // nothing between them can beat the best
      }
      double lambda = (r.latency() - l.latency()) / (l.energy() - r.energy());
      Point<R> c = solve.apply(base.withEnergyWeight(lambda)).weighted(lambda);
      solves++;
      if (!c.feasible()) {
        continue;
      }
      if (c.product() < best.product()) {
        best = c;
      }
      double tie = l.latency() + lambda * l.energy();
      if (c.latency() + lambda * c.energy() < tie * (1 - 1e-9)) {
        open.add(pair(l, c));
        open.add(pair(c, r));
      }
    }
    return new Result<>(best, solves);
  }

  /**
   * L E at the meeting point of the lines of `l` and `r` (l of less latency): the least value
   * L E can take between them. l's line is L + w_l E = L_l + w_l E_l (L = L_l for w_l = 0),
   * r's likewise (E = E_r for w_r = infinity).
   */
  static double cornerProduct(Point<?> l, Point<?> r) {
    double e;
    double lat;
    if (Double.isInfinite(r.weight())) {
      e = r.energy();
      lat = l.latency() + l.weight() * (l.energy() - e);
    } else if (l.weight() == 0) {
      lat = l.latency();
      e = r.energy() + (r.latency() - lat) / r.weight();
    } else {
      double kl = l.latency() + l.weight() * l.energy();
      double kr = r.latency() + r.weight() * r.energy();
      e = (kl - kr) / (l.weight() - r.weight());
      lat = kl - l.weight() * e;
    }
    return lat * e;
  }

  @SuppressWarnings("unchecked")
  private static <R> Point<R>[] pair(Point<R> a, Point<R> b) {
    return new Point[] {a, b};
  }
}
