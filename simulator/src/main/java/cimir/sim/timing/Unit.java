package cimir.sim.timing;

/** The execute units of a core, each a resource busy until some cycle. */
enum Unit {
  SCALAR("scalar"),
  /** The macro groups' bit-serial products (CIM_MVM). */
  CIM("cim"),
  VECTOR("vector"),
  TRANSFER("transfer"),
  REDUCE("reduce"),
  /** The arrays' configuration and readout: CIM_CFG, CIM_OUT, CIM_SWITCH. */
  CIM_CONTROL("cim-control");

  /** The key in TimingReport.busyCyclesByUnit. */
  final String key;

  Unit(String key) {
    this.key = key;
  }
}
