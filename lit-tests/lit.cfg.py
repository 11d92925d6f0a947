# -*- Python -*-
# Configuration for LLVM's lit running the cimir lit corpus:
#
#   python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv lit-tests
#
# Environment overrides:
#   CIM_OPT    path of the cim-opt executable (default: <repo>/bin/cim-opt)
#   CIM_TRANSLATE  path of cim-translate (default: <repo>/bin/cim-translate)
#   CIM_INTERP     path of cim-interp (default: <repo>/bin/cim-interp)
#   CIM_SIM        path of cim-sim (default: <repo>/bin/cim-sim)
#   CIM_RUN        path of cim-run (default: <repo>/bin/cim-run)
#   CIM_EXPLORE    path of cim-explore (default: <repo>/bin/cim-explore)
#   FILECHECK  path of FileCheck (default: /usr/lib/llvm-19/bin/FileCheck)
#
# `not` is lit's builtin, so nothing is substituted for it.

import os

import lit.formats

config.name = "cimir"
config.test_format = lit.formats.ShTest(False)
config.suffixes = [".cim"]
config.excludes = ["filecheck", "Output", "target", "src", "Inputs"]

config.test_source_root = os.path.dirname(os.path.abspath(__file__))
config.test_exec_root = config.test_source_root

repo_root = os.path.dirname(config.test_source_root)

cim_opt = os.environ.get("CIM_OPT") or os.path.join(repo_root, "bin", "cim-opt")
cim_translate = os.environ.get("CIM_TRANSLATE") or os.path.join(repo_root, "bin", "cim-translate")
cim_interp = os.environ.get("CIM_INTERP") or os.path.join(repo_root, "bin", "cim-interp")
cim_sim = os.environ.get("CIM_SIM") or os.path.join(repo_root, "bin", "cim-sim")
cim_run = os.environ.get("CIM_RUN") or os.path.join(repo_root, "bin", "cim-run")
cim_explore = os.environ.get("CIM_EXPLORE") or os.path.join(repo_root, "bin", "cim-explore")
filecheck = os.environ.get("FILECHECK") or "/usr/lib/llvm-19/bin/FileCheck"

# Tool names as whole words only (lit substitutions are regular expressions).
config.substitutions.append((r"(?<![\w/.-])cim-opt(?![\w-])", cim_opt))
config.substitutions.append((r"(?<![\w/.-])cim-translate(?![\w-])", cim_translate))
config.substitutions.append((r"(?<![\w/.-])cim-interp(?![\w-])", cim_interp))
config.substitutions.append((r"(?<![\w/.-])cim-sim(?![\w-])", cim_sim))
config.substitutions.append((r"(?<![\w/.-])cim-run(?![\w-])", cim_run))
config.substitutions.append((r"(?<![\w/.-])cim-explore(?![\w-])", cim_explore))
config.substitutions.append((r"(?<![\w/.-])FileCheck(?![\w-])", filecheck))

# %models: the ONNX models shipped with the repository.
config.substitutions.append(("%models", os.path.join(repo_root, "models")))

# Pass through what the JVM and the launchers need.
for var in ("JAVA_HOME", "HOME", "MAVEN_OPTS", "JAVA_TOOL_OPTIONS", "M2_HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
