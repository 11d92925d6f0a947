package cimir.lit;

import java.nio.file.Path;

/** Where the lit-tests module lives when its tests run (Maven's basedir, else the working dir). */
final class LitTestPaths {
  private LitTestPaths() {}

  static Path moduleDir() {
    String basedir = System.getProperty("basedir");
    return Path.of(basedir != null ? basedir : "").toAbsolutePath();
  }

  static Path fileCheckCorpus() {
    return moduleDir().resolve("filecheck");
  }
}
