// Runs a helper program (gpgv, gpg) without a shell: posix_spawnp with an explicit argument
// vector and environment, stdin from /dev/null, stdout and stderr captured (bounded), a deadline
// after which the child is killed. Inputs and outputs other than stdout go through files named
// on the command line, so no pipe is ever written to (no SIGPIPE in the daemon).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace mirrord::apt {

struct ProcessOptions {
  std::vector<std::string> environment;  // "NAME=value" entries; nothing else is inherited
  std::chrono::seconds timeout{120};
  std::size_t max_output_bytes = 4u << 20;  // per stream; more fails the run
};

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal number
  std::string out;
  std::string err;
};

// kNotFound when the program cannot be started, kInternal when it overran the deadline or its
// output limit (it is killed then).
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessOptions& options);

// The environment helpers run with: a fixed PATH and the C locale, nothing from the daemon's.
std::vector<std::string> clean_environment();

}  // namespace mirrord::apt
