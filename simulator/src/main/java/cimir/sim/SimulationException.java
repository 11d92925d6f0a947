package cimir.sim;

import cimir.dialect.isa.IsaInst;
import cimir.isa.IsaAsmPrinter;
import java.util.List;
import java.util.StringJoiner;

/**
 * A simulated program stopped: a fault of one instruction (its core, PC and instruction), the
 * instruction guard reached, or a deadlock naming every blocked core, its PC and what it waits
 * for.
 */
public final class SimulationException extends Exception {
  /** A core that cannot go on: where it stands and what it waits for. */
  public record Blocked(int core, int pc, IsaInst instruction, String waitsFor) {
    @Override
    public String toString() {
      return at(core, pc, instruction) + " waits for " + waitsFor;
    }
  }

  private final int core;
  private final int pc;
  private final IsaInst instruction;
  private final String reason;
  private final List<Blocked> blocked;

  private SimulationException(String message, int core, int pc, IsaInst instruction,
      String reason, List<Blocked> blocked) {
    super(message, null, false, false);
    this.core = core;
    this.pc = pc;
    this.instruction = instruction;
    this.reason = reason;
    this.blocked = List.copyOf(blocked);
  }

  /** A fault of `instruction`, the one at `pc` of `core`. */
  public static SimulationException fault(int core, int pc, IsaInst instruction, String reason) {
    return new SimulationException(at(core, pc, instruction) + ": " + reason, core, pc,
        instruction, reason, List.of());
  }

  /** No core can go on, and not every core has ended; `blocked` is not empty. */
  public static SimulationException deadlock(List<Blocked> blocked) {
    StringJoiner message = new StringJoiner("; ", "deadlock: ", "");
    for (Blocked b : blocked) {
      message.add(b.toString());
    }
    Blocked first = blocked.get(0);
    return new SimulationException(message.toString(), first.core(), first.pc(),
        first.instruction(), "deadlock", blocked);
  }

  /** `core 1, pc 7 'RECV r1, r2, r3, r4, r5'`. */
  public static String at(int core, int pc, IsaInst instruction) {
    return "core " + core + ", pc " + pc + " '" + IsaAsmPrinter.print(instruction) + "'";
  }

  /** The core of the faulting instruction; for a deadlock, the first blocked core. */
  public int core() {
    return core;
  }

  /** The faulting instruction's index in its core's stream; for a deadlock, the first's. */
  public int pc() {
    return pc;
  }

  /** The faulting instruction; for a deadlock, the first blocked core's. */
  public IsaInst instruction() {
    return instruction;
  }

  /** What went wrong, without the location: `division by zero`, `deadlock`. */
  public String reason() {
    return reason;
  }

  public boolean isDeadlock() {
    return !blocked.isEmpty();
  }

  /** Every blocked core of a deadlock, by core id; empty for a fault. */
  public List<Blocked> blocked() {
    return blocked;
  }
}
