#include "cli/args.hpp"

#include "policies/identifiers.hpp"

namespace mirrord::cli {
namespace {

// Options that take a value, as "--name VALUE" or "--name=VALUE".
struct ValueOption {
  std::string_view name;
  std::string_view value_name;  // in messages: "--socket needs a path"
  std::string_view metavar;     // in the usage: "--socket PATH"
  std::optional<std::string> Arguments::*field;
};

constexpr ValueOption kValueOptions[] = {
    {"--socket", "path", "PATH", &Arguments::socket},
    {"--public-url", "URL", "URL", &Arguments::public_url},
    {"--reason", "text", "TEXT", &Arguments::reason},
    {"--from", "peer name", "PEER", &Arguments::from},
    {"--to", "path", "FILE|DIR", &Arguments::to},
    {"--since", "path", "BUNDLE", &Arguments::since},
    {"--key", "path", "PEM", &Arguments::key},
};

// "; did you mean '--json'?" for an option one or two typos away from a known one, else "".
std::string option_suggestion(std::string_view flag) {
  const std::string_view name = flag.substr(0, flag.find('='));
  std::string_view best;
  std::size_t best_distance = 3;
  for (const std::string_view known : kKnownOptions) {
    if (!name.starts_with("--") || !known.starts_with("--")) {
      continue;  // "-x" is no typo of "-h"
    }
    const std::size_t distance = edit_distance(name, known);
    if (distance < best_distance) {
      best = known;
      best_distance = distance;
    }
  }
  return best.empty() ? std::string() : "; did you mean '" + std::string(best) + "'?";
}

// Applies "--name VALUE" / "--name=VALUE"; returns nullopt when `flag` is no value option.
std::optional<std::string> apply_value_option(std::string_view flag, const std::string* next,
                                              bool& consumed_next, Arguments& out) {
  for (const ValueOption& option : kValueOptions) {
    std::optional<std::string>& field = out.*option.field;
    const std::string needs = std::string(option.name) + " needs a ";
    if (flag.starts_with(std::string(option.name) + "=")) {
      field = std::string(flag.substr(option.name.size() + 1));
    } else if (flag == option.name) {
      if (next == nullptr) {
        return needs + std::string(option.value_name) + " (" + std::string(option.name) + " " +
               std::string(option.metavar) + ")";
      }
      field = *next;
      consumed_next = true;
    } else {
      continue;
    }
    return field->empty() ? needs + "non-empty " + std::string(option.value_name) : std::string();
  }
  return std::nullopt;
}

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
  } else if (auto problem = apply_value_option(flag, next, consumed_next, out)) {
    return *problem;
  } else {
    return "unknown option '" + std::string(flag) + "'" + option_suggestion(flag);
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
