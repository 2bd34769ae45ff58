// How a command reports an admin API answer that is not ok(), and the exit code it then returns.
#pragma once

#include <string>

#include "cli/admin_client.hpp"
#include "cli/console.hpp"

namespace mirrord::cli {

// What a 404 or 400 answer means to the command.
enum class AnswerSubject {
  kResource,  // any error answer is a failure (exit 1)
  kTarget,    // the request named a TARGET: 404 is an unknown target (4), 400 a malformed one (2)
};

// Prints "cannot reach mirrord at ..." or "error: <the daemon's message>" on stderr and returns
// the exit code (cli/exit_codes.hpp): 3 when mirrord was not reached, else as `subject` says.
int report_failed_answer(const AdminResponse& response, const std::string& socket_path,
                         const Console& console, AnswerSubject subject);

// Prints "error: <message>" and where usage is explained on stderr; returns kExitUsage (2).
int usage_error(const Console& console, const std::string& message);

}  // namespace mirrord::cli
