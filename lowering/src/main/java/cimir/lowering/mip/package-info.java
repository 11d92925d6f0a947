/**
 * Mixed-integer linear programs solved by SCIP 10, called through JNA: {@link
 * cimir.lowering.mip.Mip} builds a problem (variables with bounds and objective coefficients,
 * linear constraints with two sides), solves it under {@link cimir.lowering.mip.Mip.Params} and
 * returns a {@link cimir.lowering.mip.Mip.Result} that outlives the native instance.
 *
 * <p>The library is `libscip.so.10.0` (SCIP 10 with SoPlex 8, Apache-2.0) from the native-only
 * jar `com.google.ortools:ortools-linux-x86-64`. The build unpacks it, with the `libz.so.1` it
 * needs and JNA's `libjnidispatch.so`, into `lowering/target/native/` once, so a start costs a
 * `dlopen` and no copying; the tools' launcher runs from `lowering/target`, so it finds that
 * copy. Elsewhere the library is copied out of the OR-Tools jar on the class path into
 * `~/.cache/cimir/` on first use; `-Dcimir.scip.library=/path/to/libscip.so` overrides both. On
 * a machine without it, {@link cimir.lowering.mip.Mip#create()} throws {@link
 * cimir.lowering.mip.ScipUnavailableException}, whose message names the jar to add.
 *
 * <p>SCIP logs with C's stdio on standard output, where it would mix with printed IR, so every
 * problem starts quiet. {@link cimir.lowering.mip.Mip.Params#log()} turns the log on and routes
 * it through a SCIP message handler to Java's {@link System#err}.
 *
 * <p>SCIP 10 renumbered `SCIP_STATUS` (OPTIMAL is 1 in 10.x, 11 in 8.x and 9.x); the binding reads
 * `SCIPmajorVersion()` and maps the codes to {@link cimir.lowering.mip.Mip.Status}. Every call's
 * `SCIP_RETCODE` is checked; a failure throws {@link cimir.lowering.mip.ScipException} naming the
 * function.
 */
package cimir.lowering.mip;
