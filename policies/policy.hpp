// Policies: what may be mirrored, from where, under which rules.
//
// Policy files are TOML files (*.toml) in the configured policy directories. Each holds one or more
// `[[mirror]]` entries:
//
//   [[mirror]]
//   name = "qwen"                      # unique; what `mirrorctl pull` accepts
//   aliases = ["qwen2.5"]              # other names for it
//   source = "hf"                      # ecosystem; "hf" today
//   repo = "Qwen/Qwen2.5-0.5B-Instruct"
//   repo_type = "model"                # model | dataset (default model)
//   revision = "main"                  # branch, tag or 40-hex commit (default main)
//   include = ["*.json", "*.safetensors"]   # glob patterns; empty = everything
//   exclude = ["*.bin"]
//   # admission (README "Trust"; policies/inspect/admission_policy.hpp):
//   pickles = "scan"                   # refuse | scan | allow
//   remote_code = "refuse"             # refuse | allow (*.py, native libraries)
//   signature = "if-present"           # required | if-present | ignore (OpenSSF model.sig)
//   trusted_keys = ["keys/vendor.pem"] # PEM public keys or CA certificates
//   signature_ignore = ["ignore-me"]   # extra model.sig ignore paths
//   max_file_size = "50 GiB"           # and max_total_size; integers are bytes
//   licenses = ["apache-2.0", "mit"]   # empty = any
//   on_refusal = "publish-rest"        # publish-rest | fail
//   # operations, any source (policies/operations.hpp): schedule, keep, pin, quota
//   upstream = "peer:regional"        # any source: pull from the mirror [peers.regional]
//
// A target can also be named without a policy: "hf:ORG/NAME[@REV]" (or "hf:datasets/ORG/NAME").
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "policies/apt_target.hpp"
#include "policies/git_target.hpp"
#include "policies/inspect/admission_policy.hpp"
#include "policies/operations.hpp"
#include "policies/pypi_target.hpp"
#include "storage/result.hpp"

namespace mirrord {

struct HfTarget {
  std::string repo;                 // "ORG/NAME"
  std::string repo_type = "model";  // "model" | "dataset"
  std::string revision = "main";
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  AdmissionPolicy admission;  // what the content must satisfy to be published

  // Canonical single-flight key, e.g. "hf:model:Qwen/X@main".
  std::string key() const;
  // Whether `path` is selected by include/exclude.
  bool selects(std::string_view path) const;
};

struct Policy {
  std::string name;
  std::vector<std::string> aliases;
  std::string source;  // "hf" | "pypi" | "apt" | "git": which of the targets below is used
  HfTarget hf;
  PypiTarget pypi;
  AptTarget apt;
  GitTarget git;
  PolicyOperations ops;  // schedule, retention, quota (policies/operations.hpp)
  // `upstream = "peer:NAME"`: pulls come from the mirror [peers.NAME] instead of the source's own
  // upstream (README "Federation"); empty: the source's own upstream.
  std::string upstream_peer;
  std::filesystem::path file;  // where it was defined (empty for ad-hoc targets)
  int line = 0;

  // Canonical single-flight key of what this policy mirrors.
  std::string key() const;
};

// Glob match with '*' (any run not crossing '/'), '**' (any run, crossing '/'), '?' and [a-z]
// classes. A pattern without '/' matches against the whole path and against the base name.
bool glob_match(std::string_view pattern, std::string_view path);

class PolicySet {
 public:
  // Loads every *.toml under each directory (missing directories are skipped). A malformed file
  // fails the whole load with file:line in the message; duplicate names or aliases too.
  static Result<PolicySet> load(const std::vector<std::filesystem::path>& dirs);
  // Parses one policy file (for `mirrorctl policy check`, and by load()).
  static Result<std::vector<Policy>> parse_file(const std::filesystem::path& file);
  static Result<std::vector<Policy>> parse_text(std::string_view text,
                                                const std::filesystem::path& source_name);

  // Resolves a name, an alias, or an ad-hoc "hf:..." target. Unknown names fail with kNotFound and
  // a message listing close matches ("did you mean ...").
  Result<Policy> resolve(std::string_view target) const;
  // Names and aliases close to `name` (edit distance), best first.
  std::vector<std::string> close_matches(std::string_view name, std::size_t max = 3) const;
  const std::vector<Policy>& policies() const { return policies_; }

 private:
  std::vector<Policy> policies_;
};

// Names and aliases share one case-insensitive namespace: fails (file:line of both places) when a
// spelling is used twice across `policies`, as it would be when their files are loaded together.
Status check_unique_policy_names(const std::vector<Policy>& policies);

// Parses "hf:ORG/NAME[@REV]" or "hf:datasets/ORG/NAME[@REV]" into an ad-hoc policy.
Result<Policy> parse_adhoc_target(std::string_view target);
// Parses "pypi:NAME[==VERSION]" (from the default PyPI index) into an ad-hoc policy.
Result<Policy> parse_adhoc_pypi_target(std::string_view target);
// Parses "git:URL" into an ad-hoc policy.
Result<Policy> parse_adhoc_git_target(std::string_view target);

}  // namespace mirrord
