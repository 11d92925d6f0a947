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

  /** What a blocked SEND waits for: `core 1 to receive 64 bytes with id 3 (core 1 has ended)`. */
  public static String toReceive(int to, long bytes, long id, boolean ended) {
    return "core " + to + " to receive " + bytes + " bytes with id " + id + ended(to, ended);
  }

  /** What a blocked RECV waits for: `core 0 to send 64 bytes with id 3`. */
  public static String toSend(int from, long bytes, long id, boolean ended) {
    return "core " + from + " to send " + bytes + " bytes with id " + id + ended(from, ended);
  }

  /** What a core at a barrier waits for: `barrier 2 to gather 64 cores (3 arrived)`. */
  public static String toGather(long id, long count, int arrived) {
    return "barrier " + id + " to gather " + count + " cores (" + arrived + " arrived)";
  }

  private static String ended(int core, boolean ended) {
    return ended ? " (core " + core + " has ended)" : "";
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
