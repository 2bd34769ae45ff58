#include "daemon/apt/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "storage/unique_fd.hpp"

namespace mirrord::apt {
namespace {

// Owns posix_spawn_file_actions_t.
class SpawnActions {
 public:
  SpawnActions() { posix_spawn_file_actions_init(&actions_); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return make_error(ErrorCode::kIo, std::string("pipe2: ") + std::strerror(errno));
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (const std::string& text : strings) {
    pointers.push_back(const_cast<char*>(text.c_str()));
  }
  pointers.push_back(nullptr);
  return pointers;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

// Reads both streams until they close; false when the deadline or the size limit is hit.
Result<void> drain(UniqueFd& out_fd, UniqueFd& err_fd, const ProcessOptions& options,
                   ProcessResult& result) {
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  std::array<pollfd, 2> fds{pollfd{out_fd.get(), POLLIN, 0}, pollfd{err_fd.get(), POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  char buffer[16384];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return make_error(ErrorCode::kInternal, "timed out");
    }
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) {
      return make_error(ErrorCode::kIo, std::string("poll: ") + std::strerror(errno));
    }
    for (std::size_t i = 0; i < fds.size() && ready > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) {
        continue;
      }
      if (got <= 0) {
        fds[i].fd = -1;  // closed (or failed): stop polling it
        continue;
      }
      sinks[i]->append(buffer, static_cast<std::size_t>(got));
      if (sinks[i]->size() > options.max_output_bytes) {
        return make_error(ErrorCode::kInternal, "wrote more than the output limit");
      }
    }
  }
  return {};
}

}  // namespace

std::vector<std::string> clean_environment() {
  return {"PATH=/usr/bin:/bin", "LC_ALL=C", "LANG=C"};
}

Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessOptions& options) {
  if (argv.empty()) {
    return make_error(ErrorCode::kInternal, "run_process without a program");
  }
  MIRRORD_TRY_ASSIGN(Pipe out, make_pipe());
  MIRRORD_TRY_ASSIGN(Pipe err, make_pipe());
  SpawnActions actions;
  posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(actions.get(), out.write.get(), 1);
  posix_spawn_file_actions_adddup2(actions.get(), err.write.get(), 2);
  posix_spawn_file_actions_addclosefrom_np(actions.get(), 3);  // no daemon descriptor leaks
  std::vector<char*> args = c_strings(argv);
  std::vector<char*> env = c_strings(options.environment);
  pid_t pid = 0;
  const int spawned =
      ::posix_spawnp(&pid, argv[0].c_str(), actions.get(), nullptr, args.data(), env.data());
  out.write.reset();
  err.write.reset();
  if (spawned != 0) {
    return make_error(ErrorCode::kNotFound,
                      "cannot run " + argv[0] + ": " + std::strerror(spawned));
  }
  ProcessResult result;
  const Result<void> drained = drain(out.read, err.read, options, result);
  if (!drained) {
    ::kill(pid, SIGKILL);
    wait_for(pid);
    return make_error(drained.error().code, argv[0] + " " + drained.error().message);
  }
  result.exit_code = wait_for(pid);
  return result;
}

}  // namespace mirrord::apt
