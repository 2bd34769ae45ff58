#include "cli/completion.hpp"

#include <algorithm>

#include "cli/exit_codes.hpp"

namespace mirrord::cli {
namespace {

// The part of the script that does not depend on the table. It reads the words typed so far:
// the command (the first word that is not an option or an option's value), its operands, and a
// --socket to pass on when asking for policy names. bash splits "--socket=PATH" into three
// words ("--socket", "=", "PATH"), which the loop expects.
constexpr std::string_view kScriptHead = R"SH(# mirrorctl completion for bash. Install:
#   mirrorctl completion bash > /etc/bash_completion.d/mirrorctl    (or ~/.local/share/bash-completion/completions/mirrorctl)
#   or, for this shell only:  source <(mirrorctl completion bash)
_mirrorctl_policy_names() {
  "${COMP_WORDS[0]}" "${_mirrorctl_socket[@]}" policy names 2>/dev/null
}

_mirrorctl() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
  local command="" i word
  local -a operands=()
  _mirrorctl_socket=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${COMP_WORDS[i]}"
    case "$word" in
      --socket|--public-url|--reason|--from|--to|--since|--key)
        [[ "${COMP_WORDS[i+1]}" == "=" ]] && ((i++))
        ((i++))
        [[ "$word" == --socket ]] && _mirrorctl_socket=(--socket "${COMP_WORDS[i]}")
        ;;
      -*) ;;
      *) if [[ -z "$command" ]]; then command="$word"; else operands+=("$word"); fi ;;
    esac
  done
  [[ "$prev" == "=" ]] && prev="${COMP_WORDS[COMP_CWORD-2]}"
  case "$prev" in
    --socket|--to|--since|--key) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --public-url|--reason|--from) COMPREPLY=(); return ;;
  esac
  local options words="" files=0 targets=0
)SH";

constexpr std::string_view kScriptTail = R"SH(  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ -z "$command" ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  elif [[ ${#operands[@]} -eq 0 && -n "$words" ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  elif [[ ${#operands[@]} -eq 0 && $targets -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$(_mirrorctl_policy_names)" -- "$cur"))
  elif [[ $files -eq 1 ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _mirrorctl mirrorctl
)SH";

std::string joined(const std::vector<std::string_view>& words) {
  std::string out;
  for (const std::string_view word : words) {
    out += (out.empty() ? "" : " ") + std::string(word);
  }
  return out;
}

std::string command_names() {
  std::vector<std::string_view> names;
  for (const Command& command : command_table()) {
    names.push_back(command.name);
  }
  return joined(names);
}

// One `case` branch: what the command's operands and options complete to.
std::string case_branch(const Command& command) {
  const std::string words =
      command.name == "help" ? command_names() : std::string(command.subcommands);
  return "    " + std::string(command.name) + ") options=\"" + joined(command_options(command)) +
         "\" words=\"" + words + "\" files=" + ((command.flags & kCompletesFiles) ? "1" : "0") +
         " targets=" + ((command.flags & kCompletesTarget) ? "1" : "0") + " ;;\n";
}

std::string all_options() {
  std::vector<std::string_view> options;
  for (const Command& command : command_table()) {
    for (const std::string_view option : command_options(command)) {
      if (std::find(options.begin(), options.end(), option) == options.end()) {
        options.push_back(option);
      }
    }
  }
  return joined(options);
}

}  // namespace

std::string bash_completion_script() {
  std::string script(kScriptHead);
  script += "  local commands=\"" + command_names() + "\"\n";
  script += "  case \"$command\" in\n";
  for (const Command& command : command_table()) {
    script += case_branch(command);
  }
  script += "    *) options=\"" + all_options() + "\" ;;\n  esac\n";
  return script + std::string(kScriptTail);
}

std::string zsh_completion_script() {
  return "# mirrorctl completion for zsh (bash's, through bashcompinit). Install:\n"
         "#   source <(mirrorctl completion zsh)    (in ~/.zshrc, after compinit)\n"
         "autoload -U +X bashcompinit && bashcompinit\n" +
         bash_completion_script();
}

int run_completion_command(const Invocation& invocation) {
  const auto& operands = invocation.arguments.operands;
  const std::string shell = operands.size() == 1 ? operands[0] : "";
  if (shell == "bash") {
    invocation.console.out << bash_completion_script();
    return kExitOk;
  }
  if (shell == "zsh") {
    invocation.console.out << zsh_completion_script();
    return kExitOk;
  }
  invocation.console.err << "error: completion takes one SHELL: bash or zsh\n"
                            "usage: mirrorctl completion bash|zsh\n";
  return kExitUsage;
}

}  // namespace mirrord::cli
