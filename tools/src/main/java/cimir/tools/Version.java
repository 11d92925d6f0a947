package cimir.tools;

import picocli.CommandLine;

/** The version every tool prints for `--version`. */
public final class Version implements CommandLine.IVersionProvider {
  public static final String VERSION = "0.1.0";

  @Override
  public String[] getVersion() {
    return new String[] {"cimir " + VERSION};
  }
}
