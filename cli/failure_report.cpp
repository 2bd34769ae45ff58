#include "cli/failure_report.hpp"

#include "cli/exit_codes.hpp"

namespace mirrord::cli {

int report_failed_answer(const AdminResponse& response, const std::string& socket_path,
                         const Console& console, AnswerSubject subject) {
  if (!response.reached) {
    console.err << unreachable_message(socket_path, response.failure) << '\n';
    return kExitUnreachable;
  }
  console.err << "error: " << describe_failure(response) << '\n';
  if (subject == AnswerSubject::kTarget && response.status == 404) {
    return kExitUnknownTarget;
  }
  if (subject == AnswerSubject::kTarget && response.status == 400) {
    return kExitUsage;
  }
  return kExitFailed;
}

int usage_error(const Console& console, const std::string& message) {
  console.err << "error: " << message << "\nrun `mirrorctl help` for usage\n";
  return kExitUsage;
}

}  // namespace mirrord::cli
