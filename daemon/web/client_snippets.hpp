// The shell lines that use a mirrored repository through this mirror, one function per client.
// `base` is the mirror's public URL without a trailing '/'. The text is raw (not HTML-escaped);
// names are shell-quoted where a hostile one could break out of the command.
#pragma once

#include <string>
#include <vector>

namespace mirrord::web {

std::vector<std::string> hf_snippets(const std::string& base, const std::string& repo_type,
                                     const std::string& repo, const std::string& revision);
std::vector<std::string> pypi_snippets(const std::string& base, const std::string& root,
                                       const std::string& project);
std::vector<std::string> apt_snippets(const std::string& base, const std::string& archive,
                                      const std::string& suite,
                                      const std::vector<std::string>& components, bool resigned);
std::vector<std::string> git_snippets(const std::string& base, const std::string& name);

// 'text' with single quotes, safe for POSIX shells.
std::string shell_quote(const std::string& text);

}  // namespace mirrord::web
