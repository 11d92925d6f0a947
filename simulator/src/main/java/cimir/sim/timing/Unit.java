package cimir.sim.timing;

/** The execute units of a core, each a resource busy until some cycle. */
enum Unit {
  SCALAR("scalar"),
  CIM("cim"),
  VECTOR("vector"),
  TRANSFER("transfer"),
  REDUCE("reduce");

  /** The key in TimingReport.busyCyclesByUnit. */
  final String key;

  Unit(String key) {
    this.key = key;
  }
}
