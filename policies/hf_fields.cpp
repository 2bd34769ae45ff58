// The `[[mirror]]` keys of source = "hf".
#include <array>
#include <optional>

#include "policies/entry_fields.hpp"
#include "policies/identifiers.hpp"
#include "policies/inspect/trust_anchors.hpp"

namespace mirrord {
namespace {

Status set_repo(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.repo, read_string(node, where));
  const std::string problem = repo_id_problem(policy.hf.repo);
  return problem.empty() ? Status{} : bad_value(where, "'" + policy.hf.repo + "': " + problem);
}

Status set_repo_type(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.repo_type, read_string(node, where));
  if (policy.hf.repo_type != "model" && policy.hf.repo_type != "dataset") {
    return bad_value(where, "is '" + policy.hf.repo_type + "'; expected \"model\" or \"dataset\"");
  }
  return {};
}

Status set_revision(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.revision, read_string(node, where));
  const std::string problem = revision_problem(policy.hf.revision);
  return problem.empty() ? Status{} : bad_value(where, problem);
}

Status set_include(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.include, read_string_list(node, where));
  return check_patterns(policy.hf.include, where);
}

Status set_exclude(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.exclude, read_string_list(node, where));
  return check_patterns(policy.hf.exclude, where);
}

// An enumerated string value: `parse` maps it, `choices` says what is accepted.
template <class Rule>
Result<Rule> read_rule(const toml::node& node, const Where& where,
                       std::optional<Rule> (*parse)(std::string_view), const char* choices) {
  MIRRORD_TRY_ASSIGN(const std::string text, read_string(node, where));
  const auto rule = parse(text);
  if (!rule) {
    return bad_value(where, "is '" + text + "'; expected " + choices);
  }
  return *rule;
}

Status set_pickles(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.admission.pickles,
                     read_rule(node, where, parse_pickle_rule, R"("refuse", "scan" or "allow")"));
  return {};
}

Status set_remote_code(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.admission.remote_code,
                     read_rule(node, where, parse_remote_code_rule, R"("refuse" or "allow")"));
  return {};
}

Status set_signature(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(
      policy.hf.admission.signature,
      read_rule(node, where, parse_signature_rule, R"("required", "if-present" or "ignore")"));
  return {};
}

Status set_on_refusal(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.admission.on_refusal,
                     read_rule(node, where, parse_refusal_rule, R"("publish-rest" or "fail")"));
  return {};
}

// Key files are named relative to the policy file; each must hold a key or a certificate now,
// not at the first pull.
Status set_trusted_keys(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(const std::vector<std::string> names, read_string_list(node, where));
  std::vector<std::filesystem::path> files;
  for (const std::string& name : names) {
    std::filesystem::path file(name);
    if (file.is_relative()) {
      file = where.file.parent_path() / file;
    }
    if (auto loaded = TrustAnchors::load({file}); !loaded) {
      return bad_value(where, loaded.error().message);
    }
    files.push_back(std::move(file));
  }
  policy.hf.admission.trusted_keys = std::move(files);
  return {};
}

Status set_signature_ignore(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.admission.signature_ignore_paths, read_string_list(node, where));
  return {};
}

Status set_licenses(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.admission.licenses, read_string_list(node, where));
  return {};
}

Status set_max_file_size(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.admission.max_file_size, read_byte_size(node, where));
  return {};
}

Status set_max_total_size(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.admission.max_total_size, read_byte_size(node, where));
  return {};
}

constexpr std::array kHfFields = {
    Field{"repo", true, set_repo},
    Field{"repo_type", false, set_repo_type},
    Field{"revision", false, set_revision},
    Field{"include", false, set_include},
    Field{"exclude", false, set_exclude},
    Field{"pickles", false, set_pickles},
    Field{"remote_code", false, set_remote_code},
    Field{"signature", false, set_signature},
    Field{"trusted_keys", false, set_trusted_keys},
    Field{"signature_ignore", false, set_signature_ignore},
    Field{"licenses", false, set_licenses},
    Field{"max_file_size", false, set_max_file_size},
    Field{"max_total_size", false, set_max_total_size},
    Field{"on_refusal", false, set_on_refusal},
};

}  // namespace

std::span<const Field> hf_fields() {
  return kHfFields;
}

}  // namespace mirrord
