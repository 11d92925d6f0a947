package cimir.lit;

import java.util.List;
import java.util.Map;

/** The options of one FileCheck run, named after LLVM's {@code FileCheckRequest}. */
record FileCheckRequest(
    List<String> checkPrefixes,
    List<String> commentPrefixes,
    List<String> implicitCheckNot,
    Map<String, String> defines,
    boolean matchFullLines,
    boolean strictWhitespace,
    boolean allowEmpty,
    boolean allowUnusedPrefixes,
    boolean enableVarScope,
    boolean defaultCheckPrefix) {}
