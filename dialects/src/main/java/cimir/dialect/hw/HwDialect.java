package cimir.dialect.hw;

import cimir.ir.Dialect;
import cimir.ir.OpDef;
import java.util.List;

/**
 * The `hw` dialect: no ops, only the module attribute `hw.arch` that names the hardware a
 * module is compiled for ({@link HwArch}). Registered so that the documentation lists it.
 */
public final class HwDialect implements Dialect {
  @Override
  public String name() {
    return "hw";
  }

  @Override
  public String summary() {
    return "the hardware model, no ops: the module attribute `hw.arch = #hw.arch<\"NAME|FILE\">`"
        + " (or `#hw.arch<\"NAME|FILE\", \"OVERRIDES\">`, e.g. `\"T=4,B=8\"`) names the chip a"
        + " module is compiled for, a preset (`cimflow`, `dynaplasia`) or a JSON description"
        + " (`docs/hw-schema.md`); `--arch` and `--arch-set` set it";
  }

  @Override
  public List<OpDef> ops() {
    return List.of();
  }
}
