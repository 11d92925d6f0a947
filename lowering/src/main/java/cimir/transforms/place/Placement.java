package cimir.transforms.place;

import cimir.lowering.cost.CimflowStageCost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The placement of one segment's operator groups on the cores of a P x Q mesh: the byte-hop
 * cost, CIMFlow's four fixed patterns as baselines, and the optimiser (an exact enumeration
 * when the assignments are few, else an iterated steepest-descent search over core swaps
 * started from every pattern).
 *
 * <p>Groups 0..G-1 each need n_g cores (movable) or sit on one fixed core (pinned; they own
 * nothing and may share it). Core ids are row-major, id = row Q + column, and the distance is
 * the XY-routing hop count d(a, b) = |row_a - row_b| + |col_a - col_b|. With W_gh the bytes
 * per inference that flow between groups g and h (both directions), a placement S_g (n_g
 * distinct cores per movable group, no core in two movable groups) costs
 *
 * <pre>
 *   cost(S) = sum_{g &lt; h} W_gh * (1 / (n_g n_h)) * sum_{a in S_g} sum_{b in S_h} d(a, b)
 * </pre>
 *
 * byte-hops: a group's output is split evenly over its n_g cores and its input evenly over
 * its n_h cores, so every pair (a, b) carries W_gh / (n_g n_h) bytes over d(a, b) hops, and
 * the factor is W_gh times the mean distance between the two sets.
 */
public final class Placement {
  private Placement() {}

  /** Most assignments the exact enumeration visits; beyond it the local search alone runs. */
  static final long EXACT_LIMIT = 200_000;

  /**
   * A segment's problem: the mesh, per group its cores needed and its pinned core (-1 when
   * movable; a pinned group needs 1), and the symmetric bytes between groups.
   */
  public record Problem(int rows, int cols, int[] need, int[] pinned, double[][] bytes) {
    public int meshCores() {
      return rows * cols;
    }

    public int groups() {
      return need.length;
    }

    /** Cores the movable groups need together. */
    public long demand() {
      long sum = 0;
      for (int g = 0; g < groups(); g++) {
        sum += pinned[g] < 0 ? need[g] : 0;
      }
      return sum;
    }

    int hops(int a, int b) {
      return Math.abs(a / cols - b / cols) + Math.abs(a % cols - b % cols);
    }
  }

  /** CIMFlow's placement patterns, in {@link CimflowStageCost#pattern} order. */
  public enum Pattern {
    S_SNAKE("s-snake"), TWO_SIDES("two-sides"), BLOCK_SNAKE("block-snake"), HILBERT("hilbert");

    /** The pattern's name as a `strategy=` value. */
    public final String key;

    Pattern(String key) {
      this.key = key;
    }

    /** Whether the pattern exists on a rows x cols mesh (square, even; Hilbert: 2^k). */
    public boolean fits(int rows, int cols) {
      boolean square = rows == cols && rows >= 2 && rows % 2 == 0;
      return square && (this != HILBERT || Integer.bitCount(rows) == 1);
    }

    /** The mesh's core ids in the order the pattern deals them. */
    int[] order(int side) {
      return CimflowStageCost.pattern(ordinal(), side).stream()
          .mapToInt(c -> c.x() * side + c.y()).toArray();
    }
  }

  /** The byte-hops of `cores` (per group, its cores). */
  public static double cost(Problem p, int[][] cores) {
    double total = 0;
    for (int g = 0; g < p.groups(); g++) {
      for (int h = g + 1; h < p.groups(); h++) {
        if (p.bytes[g][h] == 0) {
          continue;
        }
        long hops = 0;
        for (int a : cores[g]) {
          for (int b : cores[h]) {
            hops += p.hops(a, b);
          }
        }
        total += p.bytes[g][h] * hops / ((double) cores[g].length * cores[h].length);
      }
    }
    return total;
  }

  /** Cores dealt to the movable groups in group order along `order`; pinned groups stay. */
  static int[][] deal(Problem p, int[] order) {
    int[][] cores = new int[p.groups()][];
    int next = 0;
    for (int g = 0; g < p.groups(); g++) {
      if (p.pinned[g] >= 0) {
        cores[g] = new int[] {p.pinned[g]};
      } else {
        cores[g] = Arrays.copyOfRange(order, next, next + p.need[g]);
        Arrays.sort(cores[g]);
        next += p.need[g];
      }
    }
    return cores;
  }

  /** CIMFlow's pattern `pattern` on this mesh (it must {@link Pattern#fits}). */
  public static int[][] baseline(Problem p, Pattern pattern) {
    return deal(p, pattern.order(p.rows()));
  }

  /**
   * The optimiser: the exact optimum when at most {@link #EXACT_LIMIT} assignments exist,
   * else {@link #searched}.
   */
  public static int[][] optimise(Problem p, long seed) {
    if (assignments(p) <= EXACT_LIMIT) {
      return exact(p);
    }
    return searched(p, seed);
  }

  /**
   * An iterated local search: the best local optimum of {@link #descend} from every pattern
   * that fits the mesh (from the row-major order when none does), then {@link #KICKS} rounds
   * that swap the owners of three random pairs of cores of the best placement (a
   * java.util.Random of `seed`, so the result is deterministic), descend again, and keep the
   * result when it costs less. Never worse than the best pattern, not guaranteed optimal.
   */
  static int[][] searched(Problem p, long seed) {
    List<int[][]> starts = new ArrayList<>();
    for (Pattern pattern : Pattern.values()) {
      if (pattern.fits(p.rows(), p.cols())) {
        starts.add(baseline(p, pattern));
      }
    }
    if (starts.isEmpty()) {
      int[] rowMajor = new int[p.meshCores()];
      Arrays.setAll(rowMajor, i -> i);
      starts.add(deal(p, rowMajor));
    }
    int[][] best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int[][] start : starts) {
      int[][] s = descend(p, start);
      double c = cost(p, s);
      if (c < bestCost) {
        best = s;
        bestCost = c;
      }
    }
    Random random = new Random(seed);
    for (int round = 0; round < KICKS; round++) {
      int[] owner = owners(p, best);
      for (int k = 0; k < 3; k++) {
        int x = random.nextInt(owner.length);
        int y = random.nextInt(owner.length);
        int swap = owner[x];
        owner[x] = owner[y];
        owner[y] = swap;
      }
      int[][] s = descend(p, sets(p, owner, best));
      double c = cost(p, s);
      if (c < bestCost) {
        best = s;
        bestCost = c;
      }
    }
    return best;
  }

  /** Rounds of {@link #searched}'s perturbation. */
  static final int KICKS = 64;

  /** Per core, the movable group that owns it, or -1. */
  private static int[] owners(Problem p, int[][] cores) {
    int[] owner = new int[p.meshCores()];
    Arrays.fill(owner, -1);
    for (int g = 0; g < p.groups(); g++) {
      if (p.pinned[g] < 0) {
        for (int a : cores[g]) {
          owner[a] = g;
        }
      }
    }
    return owner;
  }

  /** Per group its cores (ascending) under `owner`; pinned groups as in `like`. */
  private static int[][] sets(Problem p, int[] owner, int[][] like) {
    int[][] cores = new int[p.groups()][];
    for (int g = 0; g < p.groups(); g++) {
      final int group = g;
      cores[g] = p.pinned[g] >= 0 ? like[g].clone()
          : IntStream.range(0, owner.length).filter(c -> owner[c] == group).toArray();
    }
    return cores;
  }

  /** How many placements exist (saturating at Long.MAX_VALUE). */
  static long assignments(Problem p) {
    long count = 1;
    int free = p.meshCores();
    for (int g = 0; g < p.groups(); g++) {
      if (p.pinned[g] >= 0) {
        continue;
      }
      for (int k = 0; k < p.need[g]; k++) {
        // C(free, n) built as a product of (free - k) / (k + 1), exact at every step
        if (count > Long.MAX_VALUE / Math.max(1, free - k)) {
          return Long.MAX_VALUE;
        }
        count = count * (free - k) / (k + 1);
      }
      free -= p.need[g];
    }
    return count;
  }

  /**
   * Steepest descent from `start`: among all swaps of the owners of two cores x and y (a
   * movable group's core against another's or against a free core), apply the one that
   * lowers the cost most; stop when none lowers it. With D_g(c) = sum_{b in S_g} d(c, b) and
   * w_gh = W_gh / (n_g n_h), giving x (owned by i) to j and y (owned by j) to i changes the
   * cost by
   *
   * <pre>
   *   delta = sum_{k != i, j} w_ik (D_k(y) - D_k(x)) + sum_{k != i, j} w_jk (D_k(x) - D_k(y))
   *         + w_ij (D_i(x) + D_j(y) - D_i(y) - D_j(x) + 2 d(x, y))
   * </pre>
   *
   * (a free side contributes no terms), so a move is priced in O(G) from the table D.
   */
  static int[][] descend(Problem p, int[][] start) {
    int n = p.meshCores();
    int groups = p.groups();
    int[] owner = owners(p, start);
    double[][] d = new double[groups][n];
    for (int g = 0; g < groups; g++) {
      for (int a : start[g]) {
        for (int c = 0; c < n; c++) {
          d[g][c] += p.hops(c, a);
        }
      }
    }
    double[][] w = new double[groups][groups];
    for (int g = 0; g < groups; g++) {
      for (int h = 0; h < groups; h++) {
        w[g][h] = g == h ? 0 : p.bytes[g][h] / ((double) size(p, g) * size(p, h));
      }
    }
    double scale = Math.max(1, cost(p, start));
    while (true) {
      double bestDelta = -1e-9 * scale;
      int bestX = -1;
      int bestY = -1;
      for (int x = 0; x < n; x++) {
        for (int y = x + 1; y < n; y++) {
          int i = owner[x];
          int j = owner[y];
          if (i == j) {
            continue;
          }
          double delta = 0;
          for (int k = 0; k < groups; k++) {
            if (k != i && k != j) {
              double dy = d[k][y] - d[k][x];
              delta += (i >= 0 ? w[i][k] * dy : 0) - (j >= 0 ? w[j][k] * dy : 0);
            }
          }
          if (i >= 0 && j >= 0) {
            delta += w[i][j] * (d[i][x] + d[j][y] - d[i][y] - d[j][x] + 2 * p.hops(x, y));
          }
          if (delta < bestDelta) {
            bestDelta = delta;
            bestX = x;
            bestY = y;
          }
        }
      }
      if (bestX < 0) {
        break;
      }
      int i = owner[bestX];
      int j = owner[bestY];
      owner[bestX] = j;
      owner[bestY] = i;
      for (int c = 0; c < n; c++) {
        int change = p.hops(c, bestY) - p.hops(c, bestX);
        if (i >= 0) {
          d[i][c] += change;
        }
        if (j >= 0) {
          d[j][c] -= change;
        }
      }
    }
    return sets(p, owner, start);
  }

  private static int size(Problem p, int g) {
    return p.pinned[g] >= 0 ? 1 : p.need[g];
  }

  /**
   * The optimum by enumeration: every choice of n_g cores for each movable group in turn,
   * among the cores earlier groups left free; the first placement of least cost wins.
   */
  static int[][] exact(Problem p) {
    int[][] cores = new int[p.groups()][];
    for (int g = 0; g < p.groups(); g++) {
      cores[g] = p.pinned[g] >= 0 ? new int[] {p.pinned[g]} : new int[p.need[g]];
    }
    Search s = new Search(p, cores);
    s.group(0);
    return s.best;
  }

  /** The state of {@link #exact}'s enumeration. */
  private static final class Search {
    final Problem p;
    final int[][] cores;
    final boolean[] used;
    int[][] best;
    double bestCost = Double.POSITIVE_INFINITY;

    Search(Problem p, int[][] cores) {
      this.p = p;
      this.cores = cores;
      this.used = new boolean[p.meshCores()];
    }

    void group(int g) {
      if (g == p.groups()) {
        double c = cost(p, cores);
        if (c < bestCost) {
          bestCost = c;
          best = Arrays.stream(cores).map(int[]::clone).toArray(int[][]::new);
        }
      } else if (p.pinned[g] >= 0) {
        group(g + 1);
      } else {
        choose(g, 0, 0);
      }
    }

    /** Picks core number `k` of group g among cores `from` and above. */
    void choose(int g, int k, int from) {
      if (k == p.need[g]) {
        group(g + 1);
        return;
      }
      for (int c = from; c < p.meshCores(); c++) {
        if (!used[c]) {
          used[c] = true;
          cores[g][k] = c;
          choose(g, k + 1, c + 1);
          used[c] = false;
        }
      }
    }
  }
}
