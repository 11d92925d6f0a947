package cimir.lowering.alloc;

/**
 * A solved {@link StageProblem}: the allocation, its figures, how sure the solver is of it
 * and which method found it.
 *
 * @param gap the relative gap between the allocation and the best bound (0 when optimal)
 * @param method `exact` (the combinatorial path) or `scip`
 */
public record Allocated(StageProblem.Choice choice, StageProblem.Figures figures,
    Status status, double gap, String method) {

  /** How the solver ended. */
  public enum Status { OPTIMAL, FEASIBLE, INFEASIBLE }

  /** No allocation fits the chip. */
  public static Allocated infeasible(StageProblem p) {
    int n = p.ops().size();
    return new Allocated(new StageProblem.Choice(new long[n], new long[n]),
        new StageProblem.Figures(false, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
            Double.POSITIVE_INFINITY, 0, 0, 0, 0, Double.POSITIVE_INFINITY,
            Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY),
        Status.INFEASIBLE, 0, "exact");
  }

  public boolean feasible() {
    return status != Status.INFEASIBLE;
  }

  /** The objective value, infinite when infeasible. */
  public double objective() {
    return figures.objective();
  }
}
