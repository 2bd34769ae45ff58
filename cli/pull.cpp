#include "cli/pull.hpp"

#include <csignal>
#include <thread>

#include "cli/api_objects.hpp"
#include "cli/exit_codes.hpp"
#include "cli/format.hpp"
#include "cli/progress.hpp"

namespace mirrord::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void note_interrupt(int) {
  g_interrupted = 1;
}

// Catches Ctrl-C while a pull is watched, so mirrorctl can say where the pull went instead of
// dying mid-line; restores the previous handler afterwards.
class InterruptWatch {
 public:
  InterruptWatch() {
    g_interrupted = 0;
    struct sigaction action {};
    action.sa_handler = note_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptWatch() { sigaction(SIGINT, &previous_, nullptr); }
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  bool triggered() const { return g_interrupted != 0; }

 private:
  struct sigaction previous_ {};
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

ProgressStyle style_for(const PullOptions& options, const Console& console) {
  if (options.json || !options.show_progress) {
    return ProgressStyle::kNone;
  }
  return console.out_is_terminal ? ProgressStyle::kBar : ProgressStyle::kLines;
}

std::string suggestions_text(const nlohmann::json& body) {
  std::string joined;
  if (body.contains("suggestions") && body["suggestions"].is_array()) {
    for (const nlohmann::json& name : body["suggestions"]) {
      if (name.is_string()) {
        joined += (joined.empty() ? "" : ", ") + name.get<std::string>();
      }
    }
  }
  return joined;
}

}  // namespace

int report_start_failure(const AdminResponse& response, const std::string& socket,
                         const Console& console) {
  if (!response.reached) {
    console.err << unreachable_message(socket, response.failure) << '\n';
    return kExitUnreachable;
  }
  const std::string error = describe_failure(response);
  console.err << "error: " << error << '\n';
  if (response.status == 404 && response.body.contains("peers")) {
    console.err << "hint: the peers in mirrord's config are: "
                << (response.body["peers"].empty() ? std::string("(none)")
                                                   : response.body["peers"].dump())
                << '\n';
    return kExitUnknownTarget;
  }
  if (response.status == 404) {
    const std::string suggestions = suggestions_text(response.body);
    if (!suggestions.empty() && error.find("did you mean") == std::string::npos) {
      console.err << "did you mean: " << suggestions << "?\n";
    }
    console.err << "hint: a target is a policy name or alias, or hf:ORG/NAME[@REVISION]\n";
    return kExitUnknownTarget;
  }
  return response.status == 400 ? kExitUsage : kExitFailed;
}

namespace {

int report_poll_failure(const AdminResponse& response, const Job& job, const std::string& socket,
                        const Console& console) {
  if (!response.reached) {
    console.err << "error: lost contact with mirrord: "
                << unreachable_message(socket, response.failure) << '\n'
                << "hint: once mirrord is back, `mirrorctl status` shows whether job " << job.id
                << " still runs\n";
    return kExitUnreachable;
  }
  if (response.status == 404) {
    console.err << "error: mirrord no longer knows job " << job.id << " (was it restarted?)\n"
                << "hint: run `mirrorctl pull " << job.target << "` again\n";
    return kExitFailed;
  }
  console.err << "error: " << describe_failure(response) << '\n';
  return kExitFailed;
}

int report_interrupt(const Job& job, const std::string& target, const Console& console) {
  console.err << "stopped watching job " << job.id << "; the pull continues in mirrord.\n"
              << "  see it:          mirrorctl status\n"
              << "  watch it again:  mirrorctl pull " << target << "   (joins the running job)\n";
  return kExitInterrupted;
}

int report_outcome(const Job& job, const std::string& target, double elapsed,
                   const Console& console, bool json) {
  if (job.state == "succeeded") {
    if (!json) {
      console.out << "mirrored " << job.key << " at commit " << short_commit(job.commit) << " ("
                  << job.files_done << " files, " << human_bytes(job.bytes_done) << ") in "
                  << human_duration(elapsed) << '\n';
    }
    return kExitOk;
  }
  if (job.state == "failed") {
    console.err << "error: " << (job.error.empty() ? "the pull failed" : job.error) << '\n'
                << "hint: fix the cause above, then run `mirrorctl pull " << target
                << "` again; mirrord's log (journalctl -u mirrord) has the details\n";
  } else if (job.state == "interrupted") {
    console.err << "error: the pull was interrupted inside mirrord (was it stopped?)"
                << (job.error.empty() ? "" : ": " + job.error) << '\n'
                << "hint: run `mirrorctl pull " << target << "` again to resume it\n";
  } else {
    console.err << "error: job " << job.id << " ended in state '" << job.state
                << "', which this mirrorctl does not know; is mirrord newer than mirrorctl?\n";
  }
  return kExitFailed;
}

void print_start(const Job& job, bool joined, const std::string& target, const Console& console) {
  console.out << "pulling " << target << " (" << job.key
              << "): " << (joined ? "joined the running job " : "job ") << job.id
              << (joined ? "" : " started") << '\n'
              << std::flush;
}

}  // namespace

int run_pull(AdminClient& client, const PullOptions& options, const Console& console) {
  return start_and_watch(client, "/v1/pulls", options, console);
}

int start_and_watch(AdminClient& client, const std::string& path, const PullOptions& options,
                    const Console& console) {
  const auto start = std::chrono::steady_clock::now();
  nlohmann::json body{{"target", options.target}};
  if (!options.from.empty()) {
    body["from"] = options.from;
  }
  const AdminResponse created = client.post(path, body);
  if (!created.ok()) {
    return report_start_failure(created, client.socket_path(), console);
  }
  nlohmann::json final_job;
  const int code = watch_job(client, options, console, created.body, start, final_job);
  if (options.json && !final_job.is_null()) {
    console.out << final_job.dump(2) << '\n';
  }
  return code;
}

int watch_job(AdminClient& client, const PullOptions& options, const Console& console,
              const nlohmann::json& started, std::chrono::steady_clock::time_point start,
              nlohmann::json& final_job) {
  nlohmann::json job_object = started.contains("job") ? started["job"] : nlohmann::json();
  Job job = job_from_json(job_object);
  if (!options.json) {
    const bool joined = started.value("joined", nlohmann::json(false)) == true;
    print_start(job, joined, options.target.empty() ? job.target : options.target, console);
  }
  const InterruptWatch interrupt;
  ProgressReporter reporter(console.out, style_for(options, console), console.terminal_width,
                            options.line_interval_seconds);
  reporter.update(job, seconds_since(start));
  while (!is_final_state(job.state)) {
    std::this_thread::sleep_for(options.poll_interval);
    if (interrupt.triggered()) {
      reporter.finish();
      return report_interrupt(job, options.target, console);
    }
    const AdminResponse polled = client.get("/v1/jobs/" + std::to_string(job.id));
    if (!polled.ok()) {
      reporter.finish();
      return report_poll_failure(polled, job, client.socket_path(), console);
    }
    job_object = polled.body.contains("job") ? polled.body["job"] : nlohmann::json();
    job = job_from_json(job_object);
    reporter.update(job, seconds_since(start));
  }
  reporter.finish();
  final_job = job_object;
  return report_outcome(job, options.target.empty() ? job.target : options.target,
                        seconds_since(start), console, options.json);
}

}  // namespace mirrord::cli
