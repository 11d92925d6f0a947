package cimir.lowering.mip;

/** A SCIP call returned an error code: which function, and SCIP's name for the code. */
public final class ScipException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String function;
  private final int retcode;

  ScipException(String function, int retcode) {
    super(function + " failed: " + retcodeName(retcode) + " (" + retcode + ")");
    this.function = function;
    this.retcode = retcode;
  }

  /** The C function that failed, such as `SCIPsolve`. */
  public String function() {
    return function;
  }

  /** The `SCIP_RETCODE` it returned (non-positive; `SCIP_OKAY` is 1). */
  public int retcode() {
    return retcode;
  }

  /** The names of `enum SCIP_Retcode` in `type_retcode.h`, unchanged from SCIP 3 to 10. */
  static String retcodeName(int retcode) {
    return switch (retcode) {
      case 1 -> "SCIP_OKAY";
      case 0 -> "SCIP_ERROR";
      case -1 -> "SCIP_NOMEMORY";
      case -2 -> "SCIP_READERROR";
      case -3 -> "SCIP_WRITEERROR";
      case -4 -> "SCIP_NOFILE";
      case -5 -> "SCIP_FILECREATEERROR";
      case -6 -> "SCIP_LPERROR";
      case -7 -> "SCIP_NOPROBLEM";
      case -8 -> "SCIP_INVALIDCALL";
      case -9 -> "SCIP_INVALIDDATA";
      case -10 -> "SCIP_INVALIDRESULT";
      case -11 -> "SCIP_PLUGINNOTFOUND";
      case -12 -> "SCIP_PARAMETERUNKNOWN";
      case -13 -> "SCIP_PARAMETERWRONGTYPE";
      case -14 -> "SCIP_PARAMETERWRONGVAL";
      case -15 -> "SCIP_KEYALREADYEXISTING";
      case -16 -> "SCIP_MAXDEPTHLEVEL";
      case -17 -> "SCIP_BRANCHERROR";
      case -18 -> "SCIP_NOTIMPLEMENTED";
      default -> "unknown SCIP_RETCODE";
    };
  }
}
