// mirrorctl: the command-line client of mirrord. See cli/commands.hpp for the commands and
// cli/exit_codes.hpp for the exit codes.
#include <curl/curl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"

namespace {

constexpr std::size_t kDefaultTerminalWidth = 80;

std::size_t stdout_width() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return kDefaultTerminalWidth;
}

// libcurl's process-wide state, set up before any handle and torn down after the last.
class CurlGlobal {
 public:
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

}  // namespace

int main(int argc, char** argv) {
  const CurlGlobal curl;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const bool terminal = isatty(STDOUT_FILENO) != 0;
  const mirrord::cli::Console console{std::cout, std::cerr, terminal,
                                      terminal ? stdout_width() : kDefaultTerminalWidth};
  const std::string socket_env_var(mirrord::cli::kSocketEnvVar);
  return mirrord::cli::dispatch(args, std::getenv(socket_env_var.c_str()), console);
}
