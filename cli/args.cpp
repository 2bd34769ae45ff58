#include "cli/args.hpp"

namespace mirrord::cli {
namespace {

constexpr std::string_view kSocketFlag = "--socket";

// Applies one flag; returns a usage error, or "" when it was understood. `next` is the argument
// after it (for "--socket PATH"); `consumed_next` says whether it was used.
std::string apply_flag(std::string_view flag, const std::string* next, bool& consumed_next,
                       Arguments& out) {
  if (flag == "--json") {
    out.json = true;
  } else if (flag == "--no-progress") {
    out.no_progress = true;
  } else if (flag == "--dry-run") {
    out.dry_run = true;
  } else if (flag == "-h" || flag == "--help") {
    out.help = true;
  } else if (flag.starts_with(std::string(kSocketFlag) + "=")) {
    out.socket = std::string(flag.substr(kSocketFlag.size() + 1));
  } else if (flag == kSocketFlag) {
    if (next == nullptr) {
      return "--socket needs a path (--socket PATH)";
    }
    out.socket = *next;
    consumed_next = true;
  } else {
    return "unknown option '" + std::string(flag) + "'";
  }
  if (out.socket && out.socket->empty()) {
    return "--socket needs a non-empty path";
  }
  return {};
}

}  // namespace

ParsedArguments parse_arguments(const std::vector<std::string>& args) {
  ParsedArguments parsed;
  Arguments& out = parsed.arguments;
  bool flags_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool is_flag = !flags_ended && arg.size() > 1 && arg[0] == '-';
    if (is_flag && arg == "--") {
      flags_ended = true;
    } else if (is_flag) {
      bool consumed_next = false;
      const std::string* next = i + 1 < args.size() ? &args[i + 1] : nullptr;
      parsed.error = apply_flag(arg, next, consumed_next, out);
      if (!parsed.error.empty()) {
        return parsed;
      }
      i += consumed_next ? 1 : 0;
    } else if (out.command.empty()) {
      out.command = arg;
    } else {
      out.operands.push_back(arg);
    }
  }
  return parsed;
}

std::string resolve_socket_path(const std::optional<std::string>& flag, const char* env_value) {
  if (flag) {
    return *flag;
  }
  if (env_value != nullptr && *env_value != '\0') {
    return env_value;
  }
  return std::string(kDefaultAdminSocket);
}

}  // namespace mirrord::cli
