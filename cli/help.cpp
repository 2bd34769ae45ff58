#include "cli/help.hpp"

#include <array>
#include <cstdint>

#include "cli/exit_codes.hpp"
#include "cli/failure_report.hpp"
#include "policies/identifiers.hpp"

namespace mirrord::cli {
namespace {

using nlohmann::json;

// Typos allowed before a command name is no longer suggested ("stauts" is 1, "pul" is 1).
constexpr std::size_t kMaxCommandTypos = 2;

constexpr std::array kOptionDocs = {
    OptionDoc{"--socket", "PATH", "mirrord's admin socket", 0},
    OptionDoc{"--json", "", "print JSON objects instead of text", kTakesJson},
    OptionDoc{"--no-progress", "", "no progress bar or progress lines", kTakesNoProgress},
    OptionDoc{"--public-url", "URL", "the mirror's URL as clients reach it (default: mirrord's)",
              kTakesPublicUrl},
    OptionDoc{"--dry-run", "", "say what would be removed, remove nothing", kTakesDryRun},
    OptionDoc{"--reason", "TEXT", "why, recorded with the pin", kTakesReason},
    OptionDoc{"--from", "PEER", "pull from another mirror ([peers.PEER] of mirrord's config)",
              kTakesFrom},
    OptionDoc{"--to", "FILE|DIR", "where export writes the bundle (a .tar file, else a directory)",
              kTakesBundleTo},
    OptionDoc{"--since", "BUNDLE", "leave out the blobs of this earlier bundle (incremental)",
              kTakesBundleTo},
    OptionDoc{"--key", "PEM", "also trust bundles signed by this public key", kTakesKey},
    OptionDoc{"--help", "", "show the usage of the command (or of mirrorctl)", 0},
};

std::string option_label(const OptionDoc& doc) {
  return std::string(doc.name) + (doc.metavar.empty() ? "" : " " + std::string(doc.metavar));
}

}  // namespace

std::span<const OptionDoc> option_docs() {
  return kOptionDocs;
}

std::vector<std::string_view> command_options(const Command& command) {
  std::vector<std::string_view> options;
  for (const OptionDoc& doc : kOptionDocs) {
    if (doc.needs_flag == 0 || (command.flags & doc.needs_flag) != 0) {
      options.push_back(doc.name);
    }
  }
  return options;
}

std::string command_help_text(const Command& command) {
  const std::string synopsis(command.synopsis);
  std::string text = "usage: mirrorctl " + std::string(command.name) +
                     (synopsis.empty() ? "" : " " + synopsis) + "\n\n" +
                     std::string(command.summary) + "\n\noptions:\n";
  for (const OptionDoc& doc : kOptionDocs) {
    if (doc.needs_flag == 0 || (command.flags & doc.needs_flag) != 0) {
      const std::string label = option_label(doc);
      text += "  " + label + std::string(label.size() < 18 ? 18 - label.size() : 1, ' ') +
              std::string(doc.text) + "\n";
    }
  }
  return text + "\nexit codes: see `mirrorctl help`\n";
}

json help_json() {
  json commands = json::array();
  for (const Command& command : command_table()) {
    json options = json::array();
    for (const std::string_view option : command_options(command)) {
      options.push_back(option);
    }
    commands.push_back({{"name", command.name},
                        {"synopsis", command.synopsis},
                        {"summary", command.summary},
                        {"options", options},
                        {"subcommands", command.subcommands}});
  }
  json options = json::array();
  for (const OptionDoc& doc : kOptionDocs) {
    options.push_back({{"name", doc.name}, {"metavar", doc.metavar}, {"text", doc.text}});
  }
  json codes = json::array();
  for (const ExitCodeDoc& doc : kExitCodeTable) {
    codes.push_back({{"code", static_cast<int>(doc.code)}, {"meaning", doc.meaning}});
  }
  return {{"commands", commands}, {"options", options}, {"exit_codes", codes}};
}

std::string unknown_command_message(std::string_view typed) {
  std::string_view best;
  std::size_t best_distance = SIZE_MAX;
  for (const Command& command : command_table()) {
    const std::size_t distance = edit_distance(typed, command.name);
    const bool prefix = typed.size() >= 2 && command.name.starts_with(typed);
    if ((distance <= kMaxCommandTypos || prefix) && distance < best_distance) {
      best = command.name;
      best_distance = distance;
    }
  }
  return "unknown command '" + std::string(typed) + "'" +
         (best.empty() ? "" : "; did you mean '" + std::string(best) + "'?");
}

int run_help_command(const Invocation& invocation) {
  const auto& operands = invocation.arguments.operands;
  const Console& console = invocation.console;
  if (operands.size() > 1) {
    return usage_error(console, "help takes at most one COMMAND");
  }
  if (operands.empty()) {
    console.out << (invocation.arguments.json ? help_json().dump(2) + "\n" : help_text());
    return kExitOk;
  }
  const Command* command = find_command(operands[0]);
  if (command == nullptr) {
    console.err << "error: " << unknown_command_message(operands[0])
                << "\nrun `mirrorctl help` for the list of commands\n";
    return kExitUsage;
  }
  if (invocation.arguments.json) {
    const json help = help_json();  // alive for the whole loop
    for (const json& entry : help["commands"]) {
      if (entry["name"].get<std::string>() == command->name) {
        console.out << entry.dump(2) << '\n';
      }
    }
  } else {
    console.out << command_help_text(*command);
  }
  return kExitOk;
}

}  // namespace mirrord::cli
