package cimir.sim;

/**
 * What went wrong inside one instruction, before the core, the PC and the instruction are
 * attached to it: the run loop turns it into a {@link SimulationException}.
 */
public final class Fault extends Exception {
  public Fault(String message) {
    super(message, null, false, false);
  }
}
