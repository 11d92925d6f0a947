package cimir.lowering.cost;

/**
 * The resources an operator runs on: arrays (macros) in compute mode, of which `duplication`
 * copies of the weights, arrays in memory mode (buffers), and the cores they span.
 */
public record Allocation(long computeArrays, long duplication, long memoryArrays, long cores) {
  public Allocation {
    if (computeArrays < 0 || duplication < 1 || memoryArrays < 0 || cores < 0) {
      throw new IllegalArgumentException("invalid allocation " + computeArrays + "/"
          + duplication + "/" + memoryArrays + "/" + cores);
    }
  }
}
