// mirrorctl's exit codes. They are part of its interface: scripts branch on them, and
// `mirrorctl help` prints this list (keep the two in step; commands.cpp builds the help from
// kExitCodeTable below).
//
//   0    success (for pull: every file verified and published)
//   1    the operation failed (a failed or interrupted pull, an error answer from mirrord)
//   2    usage error (bad arguments, a malformed target)
//   3    mirrord could not be reached on its admin socket
//   4    unknown target (not a policy name, an alias, or an hf: target)
//   130  Ctrl-C while watching a pull (the pull itself continues in mirrord)
#pragma once

#include <array>
#include <string_view>

namespace mirrord::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,
  kExitUsage = 2,
  kExitUnreachable = 3,
  kExitUnknownTarget = 4,
  kExitInterrupted = 130,
};

struct ExitCodeDoc {
  ExitCode code;
  std::string_view meaning;
};

inline constexpr std::array kExitCodeTable = {
    ExitCodeDoc{kExitOk, "success (pull: every file verified and published)"},
    ExitCodeDoc{kExitFailed, "failed: the pull failed, or mirrord answered with an error"},
    ExitCodeDoc{kExitUsage, "usage error: bad arguments or a malformed target"},
    ExitCodeDoc{kExitUnreachable, "mirrord could not be reached on its admin socket"},
    ExitCodeDoc{kExitUnknownTarget, "unknown target"},
    ExitCodeDoc{kExitInterrupted, "Ctrl-C while watching a pull (the pull continues in mirrord)"},
};

}  // namespace mirrord::cli
