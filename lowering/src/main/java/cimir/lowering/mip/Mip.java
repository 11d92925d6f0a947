package cimir.lowering.mip;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A mixed-integer linear program, solved by SCIP; each instance owns one native SCIP and frees
 * it on {@link #close()}.
 *
 * <pre>
 *   min or max  sum_j c_j x_j
 *   subject to  lhs_i <= sum_j a_ij x_j <= rhs_i     for every constraint i
 *               l_j <= x_j <= u_j,  x_j integer for the integer and binary variables
 * </pre>
 *
 * Bounds and sides may be infinite ({@link Double#POSITIVE_INFINITY}). Use it from one thread;
 * different instances may solve in different threads at the same time.
 *
 * <pre>{@code
 * try (Mip mip = Mip.create()) {
 *   Mip.Var x = mip.intVar("x", 0, 10, 3);
 *   Mip.Var y = mip.continuousVar("y", 0, Double.POSITIVE_INFINITY, 1);
 *   mip.addLinear("c", new Mip.Var[] {x, y}, new double[] {1, 2}, 4, Double.POSITIVE_INFINITY);
 *   Mip.Result r = mip.solve(Mip.Params.DEFAULT);
 *   if (r.hasSolution()) { ... r.value(x) ... }
 * }
 * }</pre>
 */
public final class Mip implements AutoCloseable {
  /** How a solve ended, whatever SCIP version reported it. */
  public enum Status {
    /** Solved to optimality (within the gap limit if it is 0). */
    OPTIMAL,
    /** Proven to have no solution. */
    INFEASIBLE,
    /** Proven unbounded. */
    UNBOUNDED,
    /** Proven infeasible or unbounded, without telling which. */
    INFEASIBLE_OR_UNBOUNDED,
    /** Stopped at the time limit, with or without a solution. */
    TIME_LIMIT,
    /** Stopped because the relative gap fell below the limit; a solution exists. */
    GAP_LIMIT,
    /** Stopped at a node limit. */
    NODE_LIMIT,
    /** Stopped at SCIP's memory limit. */
    MEMORY_LIMIT,
    /** Stopped at another limit (solutions, restarts, primal or dual bound). */
    OTHER_LIMIT,
    /** Interrupted by a signal or from another thread. */
    INTERRUPTED,
    /** Not known: SCIP returned a code this binding does not know. */
    UNKNOWN
  }

  /** The kind of a variable. */
  public enum Type {
    /** 0 or 1. */
    BINARY(0),
    /** An integer in its bounds. */
    INTEGER(1),
    /** Any real in its bounds. */
    CONTINUOUS(3);

    /** `SCIP_VARTYPE`: BINARY 0, INTEGER 1, (deprecated IMPLINT 2), CONTINUOUS 3 in SCIP 8-10. */
    final int scipCode;

    Type(int scipCode) {
      this.scipCode = scipCode;
    }
  }

  /** A variable of one {@link Mip}, valid until that Mip is closed. */
  public static final class Var {
    private final Mip owner;
    private final int index;
    private final String name;
    private final Type type;
    private final Pointer handle;

    private Var(Mip owner, int index, String name, Type type, Pointer handle) {
      this.owner = owner;
      this.index = index;
      this.name = name;
      this.type = type;
      this.handle = handle;
    }

    public String name() {
      return name;
    }

    public Type type() {
      return type;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * How to solve.
   *
   * @param timeLimitSeconds wall-clock limit for {@link #solve}, or infinity for none
   * @param relativeGap stop once |primal - dual| / min(|primal|, |dual|) is at most this; 0
   *     solves to optimality
   * @param threads 1 for SCIP's sequential solver; more runs SCIP's concurrent solver on that
   *     many threads
   * @param seed shifts all of SCIP's random seeds (`randomization/randomseedshift`), >= 0
   * @param log where SCIP prints its log (a tool's standard error); null, SCIP prints nothing
   * @param presolve whether SCIP presolves (its default); off, it solves the model as stated
   */
  public record Params(double timeLimitSeconds, double relativeGap, int threads, int seed,
      java.io.PrintStream log, boolean presolve) {
    /** No time limit, optimality, one thread, seed 0, quiet, presolved. */
    public static final Params DEFAULT =
        new Params(Double.POSITIVE_INFINITY, 0, 1, 0, null, true);

    public Params {
      if (!(timeLimitSeconds > 0)) {
        throw new IllegalArgumentException("time limit must be positive: " + timeLimitSeconds);
      }
      if (!(relativeGap >= 0)) {
        throw new IllegalArgumentException("relative gap must be >= 0: " + relativeGap);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1: " + threads);
      }
      if (seed < 0) {
        throw new IllegalArgumentException("seed must be >= 0: " + seed);
      }
    }

    public Params withTimeLimit(double seconds) {
      return new Params(seconds, relativeGap, threads, seed, log, presolve);
    }

    public Params withGap(double gap) {
      return new Params(timeLimitSeconds, gap, threads, seed, log, presolve);
    }

    public Params withThreads(int count) {
      return new Params(timeLimitSeconds, relativeGap, count, seed, log, presolve);
    }

    public Params withSeed(int value) {
      return new Params(timeLimitSeconds, relativeGap, threads, value, log, presolve);
    }

    public Params withPresolve(boolean on) {
      return new Params(timeLimitSeconds, relativeGap, threads, seed, log, on);
    }

    /** Logs to `out`, or nowhere when it is null. */
    public Params withLog(java.io.PrintStream out) {
      return new Params(timeLimitSeconds, relativeGap, threads, seed, out, presolve);
    }
  }

  /**
   * What a solve found, copied out of SCIP so it outlives the {@link Mip}. Values of integer and
   * binary variables are rounded to the nearest integer.
   */
  public static final class Result {
    private final Mip owner;
    private final Status status;
    private final double[] values;
    private final double objective;
    private final double dualBound;
    private final double gap;
    private final double solveSeconds;

    private Result(Mip owner, Status status, double[] values, double objective, double dualBound,
        double gap, double solveSeconds) {
      this.owner = owner;
      this.status = status;
      this.values = values;
      this.objective = objective;
      this.dualBound = dualBound;
      this.gap = gap;
      this.solveSeconds = solveSeconds;
    }

    public Status status() {
      return status;
    }

    /** Whether SCIP found a feasible solution (the optimum if {@link Status#OPTIMAL}). */
    public boolean hasSolution() {
      return values != null;
    }

    /** The objective value of the best solution. */
    public double objective() {
      requireSolution();
      return objective;
    }

    /** The value of `var` in the best solution. */
    public double value(Var var) {
      requireSolution();
      if (var.owner != owner) {
        throw new IllegalArgumentException("variable '" + var.name + "' belongs to another Mip");
      }
      return values[var.index];
    }

    /** The best proven bound on the objective; infinite if none (or if infeasible). */
    public double dualBound() {
      return dualBound;
    }

    /** SCIP's relative gap between the best solution and the dual bound; infinite if unknown. */
    public double gap() {
      return gap;
    }

    /** SCIP's solving time, presolving included. */
    public double solveSeconds() {
      return solveSeconds;
    }

    private void requireSolution() {
      if (values == null) {
        throw new IllegalStateException("no solution (status " + status + ")");
      }
    }

    @Override
    public String toString() {
      return status + (values == null ? "" : " objective " + objective) + " dual bound "
          + dualBound + " in " + solveSeconds + " s";
    }
  }

  private final ScipLibrary lib;
  private final ScipLibrary.Api api;
  private final double infinity;
  private final List<Var> vars = new ArrayList<>();
  private Pointer scip;
  private boolean solved;
  /** The log's callbacks, held while SCIP may call them (until {@link #close}). */
  private ScipLibrary.MessageCallback logInfo;
  private ScipLibrary.MessageCallback logWarning;

  private Mip(ScipLibrary lib, Pointer scip) {
    this.lib = lib;
    this.api = lib.api;
    this.scip = scip;
    this.infinity = api.SCIPinfinity(scip);
  }

  /** An empty minimisation problem named `mip`. */
  public static Mip create() throws ScipUnavailableException {
    return create("mip");
  }

  /** An empty minimisation problem; `name` appears in SCIP's log. */
  public static Mip create(String name) throws ScipUnavailableException {
    ScipLibrary lib = ScipLibrary.get();
    PointerByReference ref = new PointerByReference();
    ScipLibrary.check(lib.api.SCIPcreate(ref), "SCIPcreate");
    Pointer scip = ref.getValue();
    try {
      lib.api.SCIPsetMessagehdlrQuiet(scip, ScipLibrary.TRUE);
      ScipLibrary.check(lib.api.SCIPincludeDefaultPlugins(scip), "SCIPincludeDefaultPlugins");
      ScipLibrary.check(lib.api.SCIPcreateProbBasic(scip, name), "SCIPcreateProbBasic");
      return new Mip(lib, scip);
    } catch (RuntimeException e) {
      lib.api.SCIPfree(ref);
      throw e;
    }
  }

  /** The SCIP version in use, such as `10.0.0`. */
  public static String scipVersion() throws ScipUnavailableException {
    return ScipLibrary.get().version();
  }

  /** The SCIP major version in use (the status codes depend on it). */
  public static int scipMajorVersion() throws ScipUnavailableException {
    return ScipLibrary.get().major;
  }

  /** A variable that is 0 or 1, with objective coefficient `obj`. */
  public Var binaryVar(String name, double obj) {
    return addVar(name, 0, 1, obj, Type.BINARY);
  }

  /** An integer variable in [lb, ub] with objective coefficient `obj`. */
  public Var intVar(String name, double lb, double ub, double obj) {
    return addVar(name, lb, ub, obj, Type.INTEGER);
  }

  /** A real variable in [lb, ub] with objective coefficient `obj`. */
  public Var continuousVar(String name, double lb, double ub, double obj) {
    return addVar(name, lb, ub, obj, Type.CONTINUOUS);
  }

  /** The variables in creation order. */
  public List<Var> vars() {
    return List.copyOf(vars);
  }

  private Var addVar(String name, double lb, double ub, double obj, Type type) {
    requireModifiable();
    Objects.requireNonNull(name, "name");
    if (Double.isNaN(lb) || Double.isNaN(ub) || lb > ub || lb == Double.POSITIVE_INFINITY
        || ub == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("bad bounds for '" + name + "': [" + lb + ", " + ub
          + "]");
    }
    if (!finite(obj)) {
      throw new IllegalArgumentException("objective coefficient of '" + name + "' is " + obj);
    }
    PointerByReference ref = new PointerByReference();
    ScipLibrary.check(api.SCIPcreateVarBasic(scip, ref, name, toScip(lb), toScip(ub), obj,
        type.scipCode), "SCIPcreateVarBasic");
    Pointer handle = ref.getValue();
    try {
      ScipLibrary.check(api.SCIPaddVar(scip, handle), "SCIPaddVar");
    } finally {
      // The problem holds its own reference; the handle stays valid until SCIPfree.
      ScipLibrary.check(api.SCIPreleaseVar(scip, ref), "SCIPreleaseVar");
    }
    Var var = new Var(this, vars.size(), name, type, handle);
    vars.add(var);
    return var;
  }

  /** The constraint `lhs <= sum coefs[k] * vars[k] <= rhs`; a side may be infinite. */
  public void addLinear(String name, Var[] terms, double[] coefs, double lhs, double rhs) {
    requireModifiable();
    Objects.requireNonNull(name, "name");
    if (terms.length != coefs.length) {
      throw new IllegalArgumentException("constraint '" + name + "' has " + terms.length
          + " variables but " + coefs.length + " coefficients");
    }
    if (Double.isNaN(lhs) || Double.isNaN(rhs) || lhs > rhs || lhs == Double.POSITIVE_INFINITY
        || rhs == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("bad sides for '" + name + "': [" + lhs + ", " + rhs
          + "]");
    }
    Pointer[] handles = new Pointer[terms.length];
    for (int k = 0; k < terms.length; k++) {
      if (terms[k].owner != this) {
        throw new IllegalArgumentException("variable '" + terms[k].name + "' in constraint '"
            + name + "' belongs to another Mip");
      }
      if (!finite(coefs[k])) {
        throw new IllegalArgumentException("coefficient of '" + terms[k].name + "' in '" + name
            + "' is " + coefs[k]);
      }
      handles[k] = terms[k].handle;
    }
    PointerByReference ref = new PointerByReference();
    ScipLibrary.check(api.SCIPcreateConsBasicLinear(scip, ref, name, terms.length,
        handles.length == 0 ? null : handles, coefs.length == 0 ? null : coefs, toScip(lhs),
        toScip(rhs)), "SCIPcreateConsBasicLinear");
    try {
      ScipLibrary.check(api.SCIPaddCons(scip, ref.getValue()), "SCIPaddCons");
    } finally {
      ScipLibrary.check(api.SCIPreleaseCons(scip, ref), "SCIPreleaseCons");
    }
  }

  /**
   * The constraint `lhs <= sum lin[k] x_k + sum quad[k] x_{q1[k]} x_{q2[k]} <= rhs`, through
   * SCIP's nonlinear constraint handler (exact for nonconvex products too, by spatial branching
   * on bounded variables).
   */
  public void addQuadratic(String name, Var[] linVars, double[] linCoefs, Var[] quadVars1,
      Var[] quadVars2, double[] quadCoefs, double lhs, double rhs) {
    requireModifiable();
    if (linVars.length != linCoefs.length || quadVars1.length != quadVars2.length
        || quadVars1.length != quadCoefs.length) {
      throw new IllegalArgumentException("constraint '" + name + "' has mismatched terms");
    }
    PointerByReference ref = new PointerByReference();
    ScipLibrary.check(api.SCIPcreateConsBasicQuadraticNonlinear(scip, ref, name,
        linVars.length, linVars.length == 0 ? null : handles(name, linVars),
        linCoefs.length == 0 ? null : linCoefs, quadVars1.length,
        quadVars1.length == 0 ? null : handles(name, quadVars1),
        quadVars2.length == 0 ? null : handles(name, quadVars2),
        quadCoefs.length == 0 ? null : quadCoefs, toScip(lhs), toScip(rhs)),
        "SCIPcreateConsBasicQuadraticNonlinear");
    try {
      ScipLibrary.check(api.SCIPaddCons(scip, ref.getValue()), "SCIPaddCons");
    } finally {
      ScipLibrary.check(api.SCIPreleaseCons(scip, ref), "SCIPreleaseCons");
    }
  }

  /** Sets the objective coefficient of `var`. */
  public void setObjective(Var var, double coef) {
    requireModifiable();
    if (var.owner != this || !finite(coef)) {
      throw new IllegalArgumentException("bad objective coefficient " + coef + " of '"
          + var.name + "'");
    }
    ScipLibrary.check(api.SCIPchgVarObj(scip, var.handle, coef), "SCIPchgVarObj");
  }

  private Pointer[] handles(String constraint, Var[] vars) {
    Pointer[] out = new Pointer[vars.length];
    for (int k = 0; k < vars.length; k++) {
      if (vars[k].owner != this) {
        throw new IllegalArgumentException("variable '" + vars[k].name + "' in constraint '"
            + constraint + "' belongs to another Mip");
      }
      out[k] = vars[k].handle;
    }
    return out;
  }

  /** {@link #addLinear(String, Var[], double[], double, double)} with the terms of a map. */
  public void addLinear(String name, Map<Var, Double> terms, double lhs, double rhs) {
    Var[] vs = new Var[terms.size()];
    double[] cs = new double[terms.size()];
    int k = 0;
    for (Map.Entry<Var, Double> e : terms.entrySet()) {
      vs[k] = e.getKey();
      cs[k] = e.getValue();
      k++;
    }
    addLinear(name, vs, cs, lhs, rhs);
  }

  /** Minimise the objective (the default). */
  public void minimize() {
    requireModifiable();
    ScipLibrary.check(api.SCIPsetObjsense(scip, 1), "SCIPsetObjsense");
  }

  /** Maximise the objective. */
  public void maximize() {
    requireModifiable();
    ScipLibrary.check(api.SCIPsetObjsense(scip, -1), "SCIPsetObjsense");
  }

  /** Solves the problem; once per Mip, after which it can no longer change. */
  public Result solve(Params params) {
    requireModifiable();
    solved = true;
    if (params.log() != null) {
      logTo(params.log());
    }
    if (params.timeLimitSeconds() != Double.POSITIVE_INFINITY) {
      setReal("limits/time", Math.min(params.timeLimitSeconds(), infinity));
    }
    setReal("limits/gap", Math.min(params.relativeGap(), infinity));
    setInt("randomization/randomseedshift", params.seed());
    if (!params.presolve()) {
      setInt("presolving/maxrounds", 0);
    }
    if (params.threads() > 1) {
      // Opportunistic: SCIP 10.0.0's deterministic concurrent mode (parallel/mode 1) stops
      // its solvers at once with status unknown, even on a 40-item knapsack.
      setInt("parallel/mode", 0);
      setInt("parallel/maxnthreads", params.threads());
      ScipLibrary.check(api.SCIPsolveConcurrent(scip), "SCIPsolveConcurrent");
    } else {
      ScipLibrary.check(api.SCIPsolve(scip), "SCIPsolve");
    }
    Status status = lib.status(api.SCIPgetStatus(scip));
    Pointer sol = api.SCIPgetBestSol(scip);
    double[] values = null;
    double objective = Double.NaN;
    if (sol != null) {
      values = new double[vars.size()];
      if (!vars.isEmpty()) {
        Pointer[] handles = new Pointer[vars.size()];
        for (Var v : vars) {
          handles[v.index] = v.handle;
        }
        ScipLibrary.check(api.SCIPgetSolVals(scip, sol, handles.length, handles, values),
            "SCIPgetSolVals");
        for (Var v : vars) {
          if (v.type != Type.CONTINUOUS) {
            values[v.index] = Math.rint(values[v.index]);
          }
        }
      }
      objective = fromScip(api.SCIPgetSolOrigObj(scip, sol));
    }
    return new Result(this, status, values, objective, fromScip(api.SCIPgetDualbound(scip)),
        fromScip(api.SCIPgetGap(scip)), api.SCIPgetSolvingTime(scip));
  }

  /** Frees the native SCIP and everything in it; later calls fail. Idempotent. */
  @Override
  public void close() {
    if (scip != null) {
      PointerByReference ref = new PointerByReference(scip);
      scip = null;
      ScipLibrary.check(api.SCIPfree(ref), "SCIPfree");
    }
  }

  /** Replaces the quiet default handler with one that prints on `out`. */
  private void logTo(java.io.PrintStream out) {
    PointerByReference ref = new PointerByReference();
    logInfo = new ScipLibrary.StreamPrinter(out, "");
    logWarning = new ScipLibrary.StreamPrinter(out, "WARNING: ");
    ScipLibrary.check(api.SCIPmessagehdlrCreate(ref, ScipLibrary.TRUE, null, ScipLibrary.FALSE,
        logWarning, logInfo, logInfo, null, null), "SCIPmessagehdlrCreate");
    try {
      ScipLibrary.check(api.SCIPsetMessagehdlr(scip, ref.getValue()), "SCIPsetMessagehdlr");
    } finally {
      ScipLibrary.check(api.SCIPmessagehdlrRelease(ref), "SCIPmessagehdlrRelease");
    }
  }

  private void setReal(String param, double value) {
    ScipLibrary.check(api.SCIPsetRealParam(scip, param, value), "SCIPsetRealParam(" + param + ")");
  }

  private void setInt(String param, int value) {
    ScipLibrary.check(api.SCIPsetIntParam(scip, param, value), "SCIPsetIntParam(" + param + ")");
  }

  private void requireModifiable() {
    if (scip == null) {
      throw new IllegalStateException("the Mip is closed");
    }
    if (solved) {
      throw new IllegalStateException("the Mip is solved and can no longer change");
    }
  }

  private double toScip(double value) {
    return value >= infinity ? infinity : value <= -infinity ? -infinity : value;
  }

  private double fromScip(double value) {
    return value >= infinity ? Double.POSITIVE_INFINITY
        : value <= -infinity ? Double.NEGATIVE_INFINITY : value;
  }

  private static boolean finite(double value) {
    return !Double.isNaN(value) && !Double.isInfinite(value);
  }
}
