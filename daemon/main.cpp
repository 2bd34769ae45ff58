// mirrord: the mirror daemon. See README.md for configuration and operation.
#include <cstdio>
#include <cstring>
#include <string>

#include "daemon/app.hpp"
#include "daemon/config.hpp"

namespace {

constexpr const char* kUsage =
    "usage: mirrord [--config FILE] [--offline] [--check-config] [--version] [--help]\n"
    "\n"
    "  --config FILE   read settings from FILE (TOML); without it, embedded defaults\n"
    "  --offline       contact no upstream: serve what is mirrored, pulls fail at once (apt\n"
    "                  entries in resign mode re-sign their held snapshot); as [upstream] offline\n"
    "  --check-config  validate the configuration and policies, then exit\n"
    "  --help          print this help\n"
    "  --version       print the version\n"
    "\n"
    "Signals: SIGHUP re-reads FILE and the policies; SIGTERM or SIGINT stops (pulls keep their\n"
    "partial files for resume). See mirrord(8).\n"
    "\n"
    "Exit codes: 0 clean stop, 1 runtime failure, 2 usage or configuration error.\n";

}  // namespace

int main(int argc, char** argv) {
  std::string config_file;
  bool check_only = false;
  bool offline = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_file = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_file = arg.substr(9);
    } else if (arg == "--offline") {
      offline = true;
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--version") {
      std::printf("mirrord %s\n", MIRRORD_VERSION);
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "mirrord: unknown argument '%s'\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  auto config = config_file.empty() ? mirrord::Result<mirrord::Config>(mirrord::default_config())
                                    : mirrord::load_config(config_file);
  if (!config) {
    std::fprintf(stderr, "mirrord: %s\n", config.error().message.c_str());
    return 2;
  }
  config->offline_flag = offline;
  if (check_only) {
    return mirrord::check_daemon_config(*config);
  }
  return mirrord::run_daemon(*config, config_file);
}
