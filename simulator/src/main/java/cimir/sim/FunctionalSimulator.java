package cimir.sim;

import cimir.dialect.hw.AddressMap;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an ISA program on real bytes: every core's instructions, transfers and barriers, with
 * the meanings of docs/design/meta-to-isa.md (Part B 8.4, 8.7, 9; Part C 14), no timing.
 *
 * <p>Scheduling is round robin: each core in turn runs until it ends (its PC past its last
 * instruction) or blocks. SEND and RECV are blocking rendezvous matched by (sender, receiver,
 * id): the second of the pair to arrive copies the bytes and both go on. BARRIER blocks until
 * `GRF[rs]` cores have arrived at barrier `GRF[rt]`. When no core can go on and some have not
 * ended, the run stops with a deadlock that names every blocked core. The global memory is as
 * large as the array given, from `AddressMap.global()` on; the simulator writes into that array.
 */
public final class FunctionalSimulator {
  /**
   * What a run did.
   *
   * @param executed instructions completed, by core id
   * @param transfers SEND/RECV pairs completed
   * @param barriers barriers completed (each time all the cores a barrier waits for arrived)
   */
  public record Result(long[] executed, long transfers, long barriers) {}

  /** The cores that have arrived at an open barrier, and how many it waits for. */
  private record Arrivals(int count, List<Core> cores) {}

  private final byte[] global;
  private final Core[] cores;
  private final Map<Integer, Arrivals> openBarriers = new HashMap<>();
  private final Tags tags = new Tags();
  private long limit;
  private long total;
  private long transfers;
  private long barriers;

  /** `global`: the global memory's bytes, index 0 = AddressMap.of(hw).global(). */
  public FunctionalSimulator(HardwareModel hw, IsaProgram program, byte[] global) {
    for (int id : program.cores().keySet()) {
      if (id < 0 || id >= hw.cores()) {
        throw new IllegalArgumentException("the program has a core " + id + ", but '"
            + hw.name() + "' has cores 0.." + (hw.cores() - 1));
      }
    }
    this.global = global;
    AddressMap map = AddressMap.of(hw);
    this.cores = new Core[hw.cores()];
    for (int c = 0; c < cores.length; c++) {
      cores[c] = new Core(c, program.cores().getOrDefault(c, List.of()),
          new Memories(map, global), hw);
    }
  }

  /**
   * Runs every core to its end; throws on a fault or deadlock. `maxInstructions`: a guard over
   * all cores.
   */
  public Result run(long maxInstructions) throws SimulationException {
    checkFields();
    limit = maxInstructions;
    boolean ran = true;
    while (ran) {
      ran = false;
      for (Core c : cores) {
        if (c.runnable()) {
          runUntilBlocked(c);
          ran = true;
        }
      }
    }
    List<SimulationException.Blocked> blocked = new ArrayList<>();
    for (Core c : cores) {
      if (c.wait != null) {
        blocked.add(new SimulationException.Blocked(c.id, c.pc, c.code[c.pc].source(),
            waitsFor(c.wait)));
      }
    }
    if (!blocked.isEmpty()) {
      throw SimulationException.deadlock(blocked);
    }
    long[] executed = new long[cores.length];
    for (Core c : cores) {
      executed[c.id] = c.executed;
    }
    return new Result(executed, transfers, barriers);
  }

  public byte[] global() {
    return global;
  }

  /** Every field of every instruction in its range (a register below 32, say). */
  private void checkFields() throws SimulationException {
    for (Core c : cores) {
      for (int pc = 0; pc < c.code.length; pc++) {
        IsaInst inst = c.code[pc].source();
        List<String> errors = inst.rangeErrors();
        if (!errors.isEmpty()) {
          throw SimulationException.fault(c.id, pc, inst, String.join("; ", errors));
        }
      }
    }
  }

  private void runUntilBlocked(Core c) throws SimulationException {
    while (c.runnable()) {
      Core.Decoded d = c.code[c.pc];
      try {
        switch (d.kind()) {
          case SEND -> send(c, d.f());
          case RECV -> recv(c, d.f());
          case BARRIER -> barrier(c, d.f());
          case TAG -> tag(c, d.f());
          case WAIT -> await(c, d.f());
          default -> complete(c, c.execute(d));
        }
      } catch (Fault f) {
        throw SimulationException.fault(c.id, c.pc, d.source(), f.getMessage());
      }
    }
  }

  /** The instruction at `c`'s PC has completed; `next` is its next PC. */
  private void complete(Core c, int next) throws SimulationException {
    if (total == limit) {
      throw SimulationException.fault(c.id, c.pc, c.code[c.pc].source(), "the run exceeds "
          + limit + " instructions over all cores");
    }
    total++;
    c.executed++;
    c.pc = next;
  }

  /** SEND rs, rt, rd, re, rf: `GRF[re]` bytes at `GRF[rs]` to core `GRF[rt]`, at `GRF[rd]`. */
  private void send(Core c, int[] f) throws Fault, SimulationException {
    int to = c.grf[f[1]];
    checkPeer(c, to, "destination");
    Core.SendWait s = new Core.SendWait(to, c.grf[f[4]], Core.address(c.grf[f[0]], 0),
        Core.address(c.grf[f[2]], 0), c.grf[f[3]]);
    c.mem.local(s.src(), s.bytes(), "the source");
    Core receiver = cores[to];
    if (receiver.wait instanceof Core.RecvWait r && r.from() == c.id && r.id() == s.id()) {
      rendezvous(c, s, receiver, r);
    } else {
      c.wait = s;
    }
  }

  /** RECV rs, rt, rd, re, rf: `GRF[re]` bytes from core `GRF[rs]` into `GRF[rd]`. */
  private void recv(Core c, int[] f) throws Fault, SimulationException {
    int from = c.grf[f[0]];
    checkPeer(c, from, "source");
    Core.RecvWait r = new Core.RecvWait(from, c.grf[f[4]], Core.address(c.grf[f[2]], 0),
        c.grf[f[3]]);
    c.mem.local(r.dst(), r.bytes(), "the destination");
    Core sender = cores[from];
    if (sender.wait instanceof Core.SendWait s && s.to() == c.id && s.id() == r.id()) {
      rendezvous(sender, s, c, r);
    } else {
      c.wait = r;
    }
  }

  private void checkPeer(Core c, int peer, String role) throws Fault {
    if (peer < 0 || peer >= cores.length) {
      throw new Fault("the " + role + " core " + peer + " does not exist (cores 0.."
          + (cores.length - 1) + ")");
    }
    if (peer == c.id) {
      throw new Fault("the " + role + " core is the core itself");
    }
  }

  /** Both ends of a transfer are there: sizes agree, bytes go to the receiver's address. */
  private void rendezvous(Core sender, Core.SendWait s, Core receiver, Core.RecvWait r)
      throws Fault, SimulationException {
    if (s.bytes() != r.bytes()) { // the receiver's address counts (meta-to-isa.md A11)
      throw new Fault(SimulationException.at(sender.id, sender.pc, sender.code[sender.pc].source())
          + " sends " + s.bytes() + " bytes to address " + s.dst() + ", but "
          + SimulationException.at(receiver.id, receiver.pc,
              receiver.code[receiver.pc].source())
          + " receives " + r.bytes() + " bytes at address " + r.dst());
    }
    Memories.Span from = sender.mem.local(s.src(), s.bytes(), "the source");
    Memories.Span to = receiver.mem.local(r.dst(), r.bytes(), "the destination");
    System.arraycopy(from.bytes(), from.offset(), to.bytes(), to.offset(), s.bytes());
    sender.wait = null;
    receiver.wait = null;
    transfers++;
    complete(sender, sender.pc + 1);
    complete(receiver, receiver.pc + 1);
  }

  /** BARRIER rs, rt: wait until `GRF[rs]` cores have arrived at barrier `GRF[rt]`. */
  private void barrier(Core c, int[] f) throws Fault, SimulationException {
    int count = c.grf[f[0]];
    int id = c.grf[f[1]];
    if (count < 1 || count > cores.length) {
      throw new Fault("a barrier of " + count + " cores on a chip of " + cores.length);
    }
    Arrivals arrivals = openBarriers.computeIfAbsent(id, k -> new Arrivals(count,
        new ArrayList<>()));
    if (arrivals.count() != count) {
      Core first = arrivals.cores().get(0);
      throw new Fault("the barrier " + id + " waits for " + count + " cores here, but for "
          + arrivals.count() + " at " + SimulationException.at(first.id, first.pc,
              first.code[first.pc].source()));
    }
    c.wait = new Core.BarrierWait(id, count);
    arrivals.cores().add(c);
    if (arrivals.cores().size() == count) {
      openBarriers.remove(id);
      barriers++;
      for (Core a : arrivals.cores()) {
        a.wait = null;
        complete(a, a.pc + 1);
      }
    }
  }

  /** TAG rs: signals `GRF[rs]`, and wakes the WAITs it completes. */
  private void tag(Core c, int[] f) throws SimulationException {
    tags.tag(c.id, c.grf[f[0]], 0);
    complete(c, c.pc + 1);
    for (Core w : cores) {
      if (w.wait instanceof Core.TagWait t && tags.seen(t.from(), t.id()) >= t.count()) {
        w.wait = null;
        complete(w, w.pc + 1);
      }
    }
  }

  /** WAIT rs, rt, rd: until TAG `GRF[rt]` from core `GRF[rs]` (0: any) came `GRF[rd]` times. */
  private void await(Core c, int[] f) throws Fault, SimulationException {
    Core.TagWait t = new Core.TagWait(c.grf[f[0]], c.grf[f[1]], c.grf[f[2]]);
    Tags.check(t.from(), t.count(), cores.length);
    if (tags.seen(t.from(), t.id()) >= t.count()) {
      complete(c, c.pc + 1);
    } else {
      c.wait = t;
    }
  }

  /** `core 1 to receive 64 bytes with id 3 (core 1 has ended)`. */
  private String waitsFor(Core.Wait w) {
    if (w instanceof Core.TagWait t) {
      return tags.waitsFor(t.from(), t.id(), t.count());
    }
    if (w instanceof Core.SendWait s) {
      return SimulationException.toReceive(s.to(), s.bytes(), s.id(), cores[s.to()].ended());
    }
    if (w instanceof Core.RecvWait r) {
      return SimulationException.toSend(r.from(), r.bytes(), r.id(), cores[r.from()].ended());
    }
    Core.BarrierWait b = (Core.BarrierWait) w;
    return SimulationException.toGather(b.id(), b.count(),
        openBarriers.get(b.id()).cores().size());
  }
}
