package cimir.lowering.cost;

import cimir.dialect.hw.HardwareModel;
import java.util.List;

/**
 * A physical limit for a whole model on a chip, so results can be stated as a ratio to it:
 *
 * <pre>
 *   latency >= max( sum MACs / peak MACs per cycle,
 *                   compulsory bytes / global memory bandwidth )
 *   energy  >= sum MACs x E_mac + sum element ops x E_vec
 *              + compulsory bytes x E_global + weight bytes x E_weight-write
 * </pre>
 *
 * Compulsory bytes: the network's inputs and outputs and every weight, each crossing the
 * global memory port once; every weight is written into an array at least once. For a batch
 * of B inferences the MACs, element operations, inputs and outputs count B times, the
 * weights once.
 *
 * @param computeCycles sum MACs / peak MACs per cycle
 * @param memoryCycles compulsory bytes / global bandwidth
 * @param energyPj the energy bound
 * @param macs the model's MACs
 * @param compulsoryBytes inputs, outputs and weights
 */
public record LowerBound(double computeCycles, double memoryCycles, double energyPj, long macs,
    long compulsoryBytes) {

  /** The latency bound in cycles. */
  public double cycles() {
    return Math.max(computeCycles, memoryCycles);
  }

  /** Of the operators `ops` with the model's `inputBytes` and `outputBytes`. */
  public static LowerBound of(List<Demand> ops, long inputBytes, long outputBytes,
      HardwareModel hw) {
    return of(ops, inputBytes, outputBytes, hw, 1);
  }

  /** Of `batch` inferences of the operators `ops`, the weights loaded once. */
  public static LowerBound of(List<Demand> ops, long inputBytes, long outputBytes,
      HardwareModel hw, long batch) {
    long macs = 0;
    long elementOps = 0;
    long weights = 0;
    for (Demand d : ops) {
      switch (d.kind()) {
        case MVM, DMM -> macs += d.work();
        case VEC -> elementOps += d.work();
        case MOVE -> { }
      }
      weights += d.weightBytes();
    }
    macs *= batch;
    elementOps *= batch;
    long compulsory = batch * (inputBytes + outputBytes) + weights;
    HardwareModel.Energy e = hw.energy();
    double energy = macs * e.macPj() + elementOps * e.vectorPjPerOp()
        + compulsory * e.globalPjPerByte() + weights * e.weightWritePjPerByte();
    return new LowerBound(macs / hw.peakMacsPerCycle(),
        (double) compulsory / hw.global().bytesPerCycle(), energy, macs, compulsory);
  }
}
