package cimir.sim.timing;

/**
 * The P x Q mesh with XY routing and per-link contention: each directed link is free from some
 * cycle on, and a transfer reserves every link of its route for its flits, pipelined over the
 * hops (TimingModel).
 */
final class Mesh {
  private static final int EAST = 0;
  private static final int WEST = 1;
  private static final int SOUTH = 2;
  private static final int NORTH = 3;

  private final int cols;
  private final int cyclesPerHop;
  /** The first free cycle of the link leaving node `n` in direction `d`, at `4 n + d`. */
  private final long[] linkFree;

  Mesh(int rows, int cols, int cyclesPerHop) {
    this.cols = cols;
    this.cyclesPerHop = cyclesPerHop;
    this.linkFree = new long[4 * rows * cols];
  }

  int hops(int from, int to) {
    return Math.abs(from % cols - to % cols) + Math.abs(from / cols - to / cols);
  }

  /**
   * Reserves the route from `from` to `to` for `flits` flits whose head leaves no earlier than
   * `earliest`; the cycle the head leaves.
   */
  long reserve(int from, int to, long earliest, long flits) {
    int[] route = route(from, to);
    long start = earliest;
    for (int k = 0; k < route.length; k++) {
      start = Math.max(start, linkFree[route[k]] - (long) k * cyclesPerHop);
    }
    for (int k = 0; k < route.length; k++) {
      linkFree[route[k]] = start + (long) k * cyclesPerHop + flits;
    }
    return start;
  }

  /** The links of the XY route, as indexes into `linkFree`: along the row first. */
  private int[] route(int from, int to) {
    int[] links = new int[hops(from, to)];
    int k = 0;
    int node = from;
    int col = from % cols;
    int row = from / cols;
    int toCol = to % cols;
    int toRow = to / cols;
    while (col != toCol) {
      int d = toCol > col ? EAST : WEST;
      links[k++] = 4 * node + d;
      col += d == EAST ? 1 : -1;
      node = row * cols + col;
    }
    while (row != toRow) {
      int d = toRow > row ? SOUTH : NORTH;
      links[k++] = 4 * node + d;
      row += d == SOUTH ? 1 : -1;
      node = row * cols + col;
    }
    return links;
  }
}
