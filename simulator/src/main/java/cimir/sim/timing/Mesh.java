package cimir.sim.timing;

/**
 * The P x Q mesh with XY routing and per-link contention: a transfer books every directed link
 * of its route for its flits, pipelined over the hops (TimingModel), in the earliest cycles
 * all of them are free.
 */
final class Mesh {
  private static final int EAST = 0;
  private static final int WEST = 1;
  private static final int SOUTH = 2;
  private static final int NORTH = 3;

  private final int cols;
  private final int cyclesPerHop;
  /** The bookings of the link leaving node `n` in direction `d`, at `4 n + d`. */
  private final Timeline[] links;

  Mesh(int rows, int cols, int cyclesPerHop) {
    this.cols = cols;
    this.cyclesPerHop = cyclesPerHop;
    this.links = new Timeline[4 * rows * cols];
    for (int i = 0; i < links.length; i++) {
      links[i] = new Timeline();
    }
  }

  /** Directed links of the mesh. */
  int links() {
    int rows = links.length / 4 / cols;
    return 2 * (rows * (cols - 1) + cols * (rows - 1));
  }

  int hops(int from, int to) {
    return Math.abs(from % cols - to % cols) + Math.abs(from / cols - to / cols);
  }

  /**
   * Books the route from `from` to `to` for `flits` flits whose head leaves no earlier than
   * `earliest`: the k-th link for `[start + k cph, start + k cph + flits)`, `start` the first
   * cycle at which every link is free then. `floor`: no later transfer is ready before it.
   * Returns `start`.
   */
  long reserve(int from, int to, long earliest, long flits, long floor) {
    int[] route = route(from, to);
    long start = earliest;
    boolean moved = true;
    while (moved) {
      moved = false;
      for (int k = 0; k < route.length; k++) {
        long at = start + (long) k * cyclesPerHop;
        long fit = links[route[k]].earliestFit(at, flits);
        if (fit > at) {
          start = fit - (long) k * cyclesPerHop;
          moved = true;
        }
      }
    }
    for (int k = 0; k < route.length; k++) {
      links[route[k]].book(start + (long) k * cyclesPerHop, flits, floor);
    }
    return start;
  }

  /** The links of the XY route, as indexes into `links`: along the row first. */
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
