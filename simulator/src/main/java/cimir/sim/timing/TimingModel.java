package cimir.sim.timing;

import cimir.dialect.hw.HardwareModel;

/**
 * The latencies and constants of the timing model, as formulas over the hardware model.
 *
 * <pre>
 * Issue (per core, in order, one instruction per cycle; `pending` are the instructions issued
 * before i that have not ended, with the byte ranges they read and write):
 *   issue(i) = max(next(i-1), free(unit(i)), ready(r) for r in regs(i),
 *                  end(p) for p pending, p.write, p.range ∩ (reads(i) ∪ writes(i)) ≠ ∅,
 *                  end(p) for p pending, p.read,  p.range ∩ writes(i) ≠ ∅)
 *   next(i)  = issue(i) + 1            (a branch resolves at decode: it takes only its slot)
 *   free(unit(i)) := end(i), but for CIM_MVM issue(i) + inputBits (the CIM unit is a
 *   pipeline: the next product's first input bit follows this one's last, on any groups,
 *   as in CIMFlow's simulator, which takes the next CIM instruction once it has handed this
 *   one's bits to the macro groups);  ready(r) := end(i) for r written by i
 *   CIM (CIM_MVM) and CIM control (CIM_CFG, CIM_OUT, CIM_SWITCH) are two units; per macro
 *   group g they keep order: a product starts after the last control instruction on g, a
 *   control instruction after the last product and control instruction on g. A product
 *   reads its groups' arrays and a switch writes its arrays, as ranges of the macro space.
 *
 * Latencies (end - issue; an operand of 0 bytes still takes one cycle):
 *   scalar, SC_LD, SC_ST, CIM_CFG         1
 *   MEM_CPY local -> local of n bytes     ceil(n / B_local)
 *   global access of n bytes (MEM_CPY to or from global, SC_LDG, SC_STG), on the one chip-wide
 *   port:  s = the first cycle from issue on with ceil(n / B_global) free cycles of the port;
 *          end = s + ceil(n / B_global) + L_global
 *   CIM_MVM                               inputBits + S_cim - 1   (groups in parallel; the
 *                                         unit busy for inputBits of them)
 *   CIM_OUT of n outputs on g groups      ceil(4 n g / B_local)
 *   CIM_SWITCH                            switchCycles
 *   VEC_OP of n elements                  ceil(n / lanes) + L_vec
 *   REDUCE of n elements                  ceil(n / lanes) + ceil(log2 lanes) + L_vec
 *                                         (its own unit, beside the vector unit)
 *   SEND/RECV of n bytes over h hops      start = max(issue(SEND), issue(RECV)) delayed by
 *                                         the route's links;  end = start + h cph + F - 1,
 *                                         F = max(1, ceil(n / flitBytes)); a SEND or RECV
 *                                         holds its core's issue until the rendezvous, then
 *                                         its bytes stay pending until end
 *   BARRIER                               release = max(arrivals) + L_barrier, arrival =
 *                                         max(next, end of every earlier instruction)
 *   TAG                                   1 on the transfer unit; signals at its end
 *   WAIT for n signals                    issue = max(ready, n-th signal + L_tag)
 *
 * NoC: core c sits at (row c / Q, column c mod Q); XY routing (columns first); the k-th link
 * of a route (k = 0..h-1) carries the transfer's F flits during [start + k cph, start + k cph
 * + F), one flit per link per cycle: start is the first cycle from the rendezvous on at which
 * every link of the route is free for those cycles.
 *
 * The port and the links are booked in intervals, so a request may take a gap before an
 * interval booked earlier by a stalled instruction for a later time (Timeline).
 *
 * Table NoC (CIMFlow's flit16dim8.json: lat[a][b] cycles and e[a][b] pJ per flit, node -1 the
 * global memory; reference/cimflow.md 1.4): flits are not pipelined and contend only at their
 * sender's injection port, one FIFO per node:
 *   SEND/RECV   start = first fit of F lat[s][r] cycles on s's port from
 *                       rendezvous + lat[s][r] + lat[r][s]   (request, ready);
 *               end = start + F lat[s][r];   energy (F + 1) e[s][r] + e[r][s]
 *   global load at core c    request lat[c][-1], then F lat[-1][c] on the memory's port
 *   global store             F lat[c][-1] on c's port, then the acknowledgement lat[-1][c]
 *                            energy F e[data] + e[request or acknowledgement]
 *
 * Energy (pJ): MVM of n inputs  n T columns g macPj;  local bytes read or written  localPjPerByte;
 *   global bytes  globalPjPerByte;  flit hops  nocPjPerFlitHop (mesh);  vector elements
 *   vectorPjPerOp;  switched arrays  switchPj;  bytes written into the macro space
 *   weightWritePjPerByte;  static  staticMwPerCore C cycles nsPerCycle.
 * Stages: the stretches between a core's barriers; each instruction's energy goes to its
 * core's stage, static energy to the stage's cycles.
 * </pre>
 */
public final class TimingModel {
  private TimingModel() {}

  /**
   * S_cim: stages of the bit-serial MVM pipeline each input bit passes (CIMFlow: input
   * processing, SRAM read, adder tree, shift-add; reference/cimflow.md 4).
   */
  public static final int CIM_STAGES = 4;
  /**
   * L_global: cycles from the global port to a core; CIMFlow's NoC table gives 6 cycles per
   * flit from the global memory to any core (reference/cimflow.md 1.4).
   */
  public static final int GLOBAL_LATENCY = 6;
  /** L_vec: operand read and result write around the vector unit's lanes. */
  public static final int VECTOR_LATENCY = 2;
  /** L_barrier: the last arrival's signal reaches every core and releases it. */
  public static final int BARRIER_LATENCY = 2;
  /** L_tag: a TAG's signal reaches a waiting core. */
  public static final int TAG_LATENCY = 2;

  /** Cycles of one CIM_MVM: every input bit through the pipeline, the groups in parallel. */
  public static long mvmCycles(HardwareModel hw) {
    return mvmInterval(hw) + CIM_STAGES - 1;
  }

  /**
   * Cycles a CIM_MVM holds the CIM unit: one input bit a cycle enters the pipeline, so the
   * next product may follow after the last bit, before this one's sums are out.
   */
  public static long mvmInterval(HardwareModel hw) {
    return hw.core().macro().inputBits();
  }

  /** Cycles of a local copy of `bytes` bytes. */
  public static long localCycles(HardwareModel hw, long bytes) {
    return Math.max(1, ceil(bytes, hw.core().local().bytesPerCycle()));
  }

  /** Cycles `bytes` bytes hold the global port. */
  public static long globalPortCycles(HardwareModel hw, long bytes) {
    return Math.max(1, ceil(bytes, hw.global().bytesPerCycle()));
  }

  /** Cycles of CIM_OUT writing `outputs` int32 results of each of `groups` groups. */
  public static long outCycles(HardwareModel hw, long outputs, long groups) {
    return localCycles(hw, 4 * outputs * groups);
  }

  /** Cycles of a VEC_OP over `elements` elements. */
  public static long vectorCycles(HardwareModel hw, long elements) {
    return Math.max(1, ceil(elements, hw.core().vector().lanes())) + VECTOR_LATENCY;
  }

  /**
   * Cycles of a REDUCE over `elements` elements: `lanes` elements a cycle into an adder (or
   * comparator) tree of log2(lanes) levels, then the vector latency.
   */
  public static long reduceCycles(HardwareModel hw, long elements) {
    int lanes = hw.core().vector().lanes();
    int levels = 64 - Long.numberOfLeadingZeros(Math.max(1, lanes) - 1L);
    return Math.max(1, ceil(elements, lanes)) + levels + VECTOR_LATENCY;
  }

  /** Flits of a transfer of `bytes` bytes; a transfer takes at least one. */
  public static long flits(HardwareModel hw, long bytes) {
    return Math.max(1, ceil(bytes, hw.noc().flitBytes()));
  }

  /** Cycles of an uncontended transfer of `bytes` bytes over `hops` hops. */
  public static long transferCycles(HardwareModel hw, long bytes, int hops) {
    return (long) hops * hw.noc().cyclesPerHop() + flits(hw, bytes) - 1;
  }

  /**
   * MACs of one CIM_MVM of `length` inputs (at most a macro's rows; the rows beyond are idle)
   * on `groups` groups: length x T x columns each. Timing mode does not read CIM_CFG's
   * column masks (they live in local memory, which it does not hold), so a masked column's
   * MACs are charged too; cimir's lowering emits no CIM_CFG.
   */
  public static long mvmMacs(HardwareModel hw, long groups, long length) {
    HardwareModel.Macro m = hw.core().macro();
    return Math.min(m.rows(), Math.max(0, length)) * hw.core().macrosPerGroup() * m.columns()
        * groups;
  }

  static long ceil(long a, long b) {
    return (a + b - 1) / b;
  }
}
