package cimir.lowering.alloc;

import cimir.lowering.mip.Mip;
import cimir.lowering.mip.ScipUnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Solves a {@link StageProblem} with SCIP. The formulation, with z = 1/T the stage's
 * throughput:
 *
 * <pre>
 *   variables  u_i in Z, min_i <= u_i <= (duplicate ? N / a_i : min_i)     copies
 *              y_i in Z, 0 <= y_i <= (dual mode ? N : 0)                   buffer arrays
 *              k_i in Z, 0 <= k_i <= P                                     cores
 *              z, T >= 0;  sw_mc, sw_cm >= 0
 *   roofline   w_i z - a_i OP_cim u_i <= base_i        (base: 0 weights, lanes otherwise)
 *              b_i z - D_cim (y_i + sum_{p in pred(i)} y_p) <= D_main
 *              T z >= 1                                (T >= 1/z: convex)
 *   cores      floor(M / a_i) k_i >= u_i  if a_i <= M, else k_i >= ceil(a_i / M) u_i
 *              sum_i k_i <= P                 (P > 1: operators own whole cores)
 *   arrays     sum_i a_i u_i + sum_i y_i <= N
 *   switches   sw_cm >= sum_i y_i - M',  sw_mc >= sum_i a_i u_i - (N - M')
 *   Lc = batch T + t_sw (sw_cm + sw_mc) + sum_i l_i u_i + L0
 *   latency:   minimise Lc
 *   energy:    1 <= K <= P, K >= sum_i k_i (P > 1), Q >= K T;  minimise
 *              Ec = batch sum_i e_i + s batch Q + e_sw (sw_cm + sw_mc) + sum_i f_i u_i + E0
 *   weighted:  the energy's constraints;  minimise Lc + lambda Ec
 * </pre>
 *
 * The products T z and K T are SCIP quadratic constraints (spatial branch and bound makes
 * them exact). The returned figures are recomputed from the integer solution with
 * {@link StageProblem#evaluate}.
 */
public final class MipAllocator {
  private final double timeLimitSeconds;
  private final java.io.PrintStream log;
  private long solved;
  private long nanos;

  /** @param timeLimitSeconds the limit of each solve (infinite for none) */
  public MipAllocator(double timeLimitSeconds) {
    this(timeLimitSeconds, null);
  }

  /**
   * @param timeLimitSeconds the limit of each solve (infinite for none)
   * @param log where SCIP prints its log; null for nowhere
   */
  public MipAllocator(double timeLimitSeconds, java.io.PrintStream log) {
    this.timeLimitSeconds = timeLimitSeconds;
    this.log = log;
  }

  /** MIPs solved so far. */
  public long solved() {
    return solved;
  }

  /** Time spent in SCIP so far. */
  public long millis() {
    return nanos / 1_000_000;
  }

  /**
   * The optimum of `p` (or the incumbent at the time limit, status FEASIBLE with its gap).
   *
   * @throws MipUnavailableException when SCIP's native library cannot be loaded
   */
  public Allocated solve(StageProblem p) {
    return solve(p, Double.POSITIVE_INFINITY, 0);
  }

  /**
   * {@link #solve(StageProblem)}, knowing an allocation of objective `known` exists (from the
   * exact path, say): under the latency objective batch T <= known bounds the period; with
   * `leastPeriod`, a period no allocation beats, this bounds every operator's copies and keeps
   * SCIP's outer approximation of T z >= 1 tight.
   */
  public Allocated solve(StageProblem p, double known, double leastPeriod) {
    int n = p.ops().size();
    long[] min = p.fewest().copies();
    StageProblem.Figures smallest = p.evaluate(p.fewest());
    if (!smallest.feasible()) {
      return Allocated.infeasible(p);
    }
    if (smallest.period() == 0) {
      return new Allocated(new StageProblem.Choice(min, new long[n]), smallest,
          Allocated.Status.OPTIMAL, 0, "scip");
    }
    long start = System.nanoTime();
    try (Mip mip = Mip.create("stage")) {
      double tMax = smallest.period();
      if (p.objective() == StageProblem.Objective.LATENCY && p.batch() > 0) {
        tMax = Math.min(tMax, known / p.batch() * (1 + 1e-9));
      }
      Model m = build(mip, p, Math.max(leastPeriod, 0), tMax);
      // Without presolve: with it, SCIP 10 called worse allocations optimal on large stages
      // (50 of LLaMA prefill's stages on dynaplasia, ResNet18's one on cimflow, against the
      // exact path) and ran VGG16's to its time limit; without, it agrees with the exact path
      // on every repository model and is no slower (bench/segment.sh).
      Mip.Result r = mip.solve(Mip.Params.DEFAULT.withTimeLimit(timeLimitSeconds).withLog(log)
          .withPresolve(false));
      solved++;
      if (!r.hasSolution()) {
        return Allocated.infeasible(p);
      }
      long[] u = new long[n];
      long[] y = new long[n];
      for (int i = 0; i < n; i++) {
        u[i] = Math.round(r.value(m.u[i]));
        y[i] = Math.round(r.value(m.y[i]));
      }
      StageProblem.Choice choice = new StageProblem.Choice(u, y);
      boolean optimal = r.status() == Mip.Status.OPTIMAL;
      return new Allocated(choice, p.evaluate(choice),
          optimal ? Allocated.Status.OPTIMAL : Allocated.Status.FEASIBLE,
          optimal ? 0 : r.gap(), "scip");
    } catch (ScipUnavailableException e) {
      throw new MipUnavailableException(e.getMessage());
    } finally {
      nanos += System.nanoTime() - start;
    }
  }

  /** SCIP cannot be loaded on this machine. */
  public static final class MipUnavailableException extends RuntimeException {
    MipUnavailableException(String message) {
      super(message);
    }
  }

  private record Model(Mip.Var[] u, Mip.Var[] y) {}

  private static Model build(Mip mip, StageProblem p, double tMin, double tMax) {
    int n = p.ops().size();
    StageProblem.Chip chip = p.chip();
    long arrays = chip.arrays();
    List<List<Integer>> pred = p.predecessors();
    Mip.Var[] u = new Mip.Var[n];
    Mip.Var[] y = new Mip.Var[n];
    Mip.Var[] k = new Mip.Var[n];
    for (int i = 0; i < n; i++) {
      StageProblem.Item it = p.ops().get(i);
      long most = p.mostCopies(i);
      long least = it.minCopies();
      if (tMin > 0 && it.usesArrays()) {
        // An optimum's period lies in [tMin, tMax]: it needs at least the copies that reach
        // tMax and never more than those that reach tMin.
        least = Math.max(least, ExactAllocator.copiesFor(p, i, tMax * (1 + 1e-9)));
        long enough = ExactAllocator.copiesFor(p, i, tMin * (1 - 1e-9));
        most = enough < 0 ? most : Math.max(least, Math.min(most, enough));
      }
      u[i] = mip.intVar("u" + i, least, most, 0);
      y[i] = mip.intVar("y" + i, 0, chip.dualMode() ? arrays : 0, 0);
      k[i] = mip.intVar("k" + i, 0, chip.cores(), 0);
    }
    double lowest = Math.min(Math.max(tMin * (1 - 1e-9), lowestPeriod(p)), tMax);
    Mip.Var z = mip.continuousVar("z", 1 / tMax, 1 / lowest, 0);
    Mip.Var t = mip.continuousVar("T", lowest, tMax, 0);
    Mip.Var swMc = mip.continuousVar("sw_mc", 0, arrays, 0);
    Mip.Var swCm = mip.continuousVar("sw_cm", 0, arrays, 0);
    for (int i = 0; i < n; i++) {
      StageProblem.Item it = p.ops().get(i);
      if (it.work() > 0 && it.use() != StageProblem.Use.MOVE) {
        double base = it.use() == StageProblem.Use.WEIGHTS ? 0 : chip.lanes();
        mip.addLinear("compute" + i, new Mip.Var[] {z, u[i]},
            new double[] {it.work(), -it.copyRate(chip)},
            Double.NEGATIVE_INFINITY, base);
      }
      if (it.bytes() > 0) {
        List<Mip.Var> vs = new ArrayList<>(List.of(z, y[i]));
        List<Double> cs = new ArrayList<>(List.of(it.bytes(), -chip.memoryBytesPerCycle()));
        for (int q : pred.get(i)) {
          vs.add(y[q]);
          cs.add(-chip.memoryBytesPerCycle());
        }
        mip.addLinear("memory" + i, vs.toArray(Mip.Var[]::new),
            cs.stream().mapToDouble(Double::doubleValue).toArray(), Double.NEGATIVE_INFINITY,
            chip.mainBytesPerCycle());
      }
      long a = it.arraysPerCopy();
      if (it.usesArrays()) {
        long m = chip.arraysPerCore();
        double[] coef = a <= m ? new double[] {m / a, -1}
            : new double[] {1, -StageProblem.ceilDiv(a, m)};
        mip.addLinear("cores" + i, new Mip.Var[] {k[i], u[i]}, coef, 0,
            Double.POSITIVE_INFINITY);
      } else {
        mip.addLinear("nocores" + i, new Mip.Var[] {k[i]}, new double[] {1}, 0, 0);
      }
    }
    mip.addQuadratic("period", new Mip.Var[0], new double[0], new Mip.Var[] {t},
        new Mip.Var[] {z}, new double[] {1}, 1, Double.POSITIVE_INFINITY);
    double[] ones = new double[n];
    java.util.Arrays.fill(ones, 1);
    if (chip.exclusiveCores()) {
      mip.addLinear("chip cores", k, ones, Double.NEGATIVE_INFINITY, chip.cores());
    }
    double[] perCopy = new double[n];
    for (int i = 0; i < n; i++) {
      perCopy[i] = p.ops().get(i).arraysPerCopy();
    }
    Mip.Var[] uy = concat(u, y);
    mip.addLinear("chip arrays", uy, concat(perCopy, ones), Double.NEGATIVE_INFINITY, arrays);
    mip.addLinear("switch to memory", concat(new Mip.Var[] {swCm}, y),
        concat(new double[] {1}, neg(ones)), -p.previousMemory(), Double.POSITIVE_INFINITY);
    mip.addLinear("switch to compute", concat(new Mip.Var[] {swMc}, u),
        concat(new double[] {1}, neg(perCopy)), -(arrays - p.previousMemory()),
        Double.POSITIVE_INFINITY);

    // Lc = batch T + t_sw (sw_cm + sw_mc) + sum l_i u_i + L0, as terms over (vars, coefs).
    List<Mip.Var> lv = new ArrayList<>(List.of(t, swCm, swMc));
    List<Double> lc = new ArrayList<>(List.of((double) p.batch(), chip.switchCycles(),
        chip.switchCycles()));
    List<Mip.Var> ev = new ArrayList<>(List.of(swCm, swMc));
    List<Double> ec = new ArrayList<>(List.of(chip.switchPj(), chip.switchPj()));
    for (int i = 0; i < n; i++) {
      StageProblem.Item it = p.ops().get(i);
      lv.add(u[i]);
      lc.add(it.loadCycles());
      ev.add(u[i]);
      ec.add(it.loadPj());
    }
    // The constants L0 and batch sum e_i + E0 do not move the optimum; evaluate() adds them.
    if (p.objective() == StageProblem.Objective.LATENCY) {
      objective(mip, lv, lc);
      return new Model(u, y);
    }
    Mip.Var cores = mip.continuousVar("K", 1, chip.cores(), 0);
    if (chip.exclusiveCores()) {
      mip.addLinear("busy cores", concat(new Mip.Var[] {cores}, k),
          concat(new double[] {1}, neg(ones)), 0, Double.POSITIVE_INFINITY);
    }
    Mip.Var q = mip.continuousVar("Q", 0, chip.cores() * tMax, 0);
    mip.addQuadratic("core time", new Mip.Var[] {q}, new double[] {1}, new Mip.Var[] {cores},
        new Mip.Var[] {t}, new double[] {-1}, 0, Double.POSITIVE_INFINITY);
    ev.add(q);
    ec.add(chip.staticPjPerCoreCycle() * p.batch());
    if (p.objective() == StageProblem.Objective.ENERGY) {
      objective(mip, ev, ec);
      return new Model(u, y);
    }
    for (int a = 0; a < ev.size(); a++) {
      lv.add(ev.get(a));
      lc.add(p.energyWeight() * ec.get(a));
    }
    objective(mip, lv, lc);
    return new Model(u, y);
  }

  /** The least period any allocation reaches: every operator with all it could have. */
  private static double lowestPeriod(StageProblem p) {
    long arrays = p.chip().arrays();
    double lowest = 0;
    for (int i = 0; i < p.ops().size(); i++) {
      StageProblem.Item it = p.ops().get(i);
      long most = p.mostCopies(i);
      lowest = Math.max(lowest, p.latency(i, most, p.chip().dualMode() ? arrays : 0));
    }
    return lowest;
  }

  /** Minimise sum coefs[j] vars[j] (a variable may appear more than once). */
  private static void objective(Mip mip, List<Mip.Var> vars, List<Double> coefs) {
    java.util.Map<Mip.Var, Double> sum = new java.util.LinkedHashMap<>();
    for (int j = 0; j < vars.size(); j++) {
      sum.merge(vars.get(j), coefs.get(j), Double::sum);
    }
    sum.forEach(mip::setObjective);
  }

  private static Mip.Var[] concat(Mip.Var[] a, Mip.Var[] b) {
    Mip.Var[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static double[] neg(double[] a) {
    return java.util.Arrays.stream(a).map(x -> -x).toArray();
  }

  private static double[] doubles(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
