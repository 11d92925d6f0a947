package cimir.tools;

import cimir.diag.DiagnosticEngine;
import cimir.diag.SourceManager;
import cimir.dialect.hw.HwArch;
import cimir.dialect.hw.HwException;
import cimir.dialect.hw.HwOverrides;
import cimir.ir.Location;
import cimir.ir.Operation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * `--arch` and `--arch-set`, the same on every tool (a picocli mixin): the hardware a module is
 * compiled for, resolved and validated before the input is read, then set as the module
 * attribute `hw.arch = #hw.arch<...>` (replacing one the module has). `--arch-set` alone adds its
 * overrides to the module's own `hw.arch`.
 */
final class ArchOptions {
  @Option(names = "--arch", paramLabel = "NAME|FILE",
      description = "the hardware: a preset (cimflow, dynaplasia) or a JSON file"
          + " (docs/hw-schema.md); sets the module attribute hw.arch")
  String arch;

  @Option(names = "--arch-set", paramLabel = "KEY=VALUE,...",
      description = "hardware overrides, e.g. T=4,B=8 or core.macro.rows=320 (aliases T, K, B,"
          + " C, P, Q)")
  String archSet;

  /** The validated `--arch` with `--arch-set`, once {@link #check} succeeded. */
  private HwArch.Spec spec;

  /** The tool's name, for problems that have no place in a file. */
  private String tool = "cimir";

  /**
   * Resolves and validates `--arch` with `--arch-set` (or only the keys and values of
   * `--arch-set` when it comes alone); false after reporting on `stderr`.
   */
  boolean check(String tool, PrintStream stderr) {
    this.tool = tool;
    if (arch == null && archSet == null) {
      return true;
    }
    DiagnosticEngine diag = new DiagnosticEngine(new SourceManager());
    try {
      if (arch != null) {
        HwArch.Spec s = new HwArch.Spec(arch, archSet);
        s.model();
        spec = s;
      } else {
        HwOverrides.parse(archSet);
      }
      return true;
    } catch (HwException e) {
      report(e, new Location.Name(tool, null), diag);
      diag.flush(stderr);
      return false;
    }
  }

  /**
   * Sets `hw.arch` on `module` as the options say (nothing when neither is given); false after
   * a diagnostic.
   */
  boolean apply(Operation module, DiagnosticEngine diag) {
    if (arch == null && archSet == null) {
      return true;
    }
    HwArch.Spec s = spec;
    Location at = module.location() != null && module.location().filePosition() != null
        ? module.location() : new Location.Name(tool, null);
    if (s == null) {
      try {
        HwArch.Spec own = HwArch.spec(module);
        if (own == null) {
          diag.error(at, "'--arch-set' needs '--arch' or a module with an '"
              + HwArch.ATTR_NAME + "' attribute");
          return false;
        }
        s = own.plus(archSet);
        s.model();
      } catch (HwException e) {
        report(e, at, diag);
        return false;
      }
    }
    module.setAttr(HwArch.ATTR_NAME, s.attr());
    return true;
  }

  /**
   * Reports `e` at its own position (with the line of the file it names), or at `fallback` when
   * it has none.
   */
  private static void report(HwException e, Location fallback, DiagnosticEngine diag) {
    if (e.line() > 0 && diag.sources().text(e.source()) == null) {
      try {
        diag.sources().add(e.source(), Files.readString(Path.of(e.source())));
      } catch (IOException | RuntimeException ignored) {
        // The message still has the position; only the quoted line is missing.
      }
    }
    diag.error(e.location() != null ? e.location() : fallback, e.detail());
  }
}
