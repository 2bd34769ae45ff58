// The statement checks of model.sig: in-toto Statement v1 with predicate v1.0, the root digest,
// and the exact file set of the model minus the ignore paths.
#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "policies/inspect/model_signature.hpp"

namespace mirrord::model_sig {
namespace {

using nlohmann::json;

constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";
constexpr std::string_view kPredicateType = "https://model_signing/signature/v1.0";
// Always excluded by the reference signer, whatever the signature says.
constexpr std::array<std::string_view, 5> kDefaultIgnores = {"model.sig", ".git", ".gitattributes",
                                                             ".github", ".gitignore"};

bool fail(ModelSignatureVerdict& verdict, std::string reason) {
  verdict.reason = std::move(reason);
  return false;
}

// The draft OMS path rules: relative, '/'-separated, no "." or ".." segment, no empty segment.
bool is_clean_path(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\0') != std::string::npos) {
    return false;
  }
  const std::string padded = "/" + path + "/";
  return padded.find("//") == std::string::npos && padded.find("/./") == std::string::npos &&
         padded.find("/../") == std::string::npos;
}

bool is_ignored(const std::string& path, const std::set<std::string>& ignores) {
  return std::any_of(ignores.begin(), ignores.end(), [&](const std::string& ignore) {
    return path == ignore || path.starts_with(ignore + "/");
  });
}

struct Predicate {
  std::map<std::string, Sha256> resources;  // by name (sorted, as the root digest needs)
  std::vector<std::string> ignore_paths;
  Sha256 subject;
};

bool read_serialization(const json& serialization, Predicate& predicate,
                        ModelSignatureVerdict& verdict) {
  if (!serialization.is_object()) {
    return fail(verdict, "the predicate has no serialization");
  }
  const std::string method = serialization.value("method", "");
  if (method != "files") {
    return fail(verdict, "serialization method '" + method + "' is not supported (only files)");
  }
  const std::string hash_type = serialization.value("hash_type", "");
  if (hash_type != "sha256") {
    return fail(verdict, "hash type '" + hash_type + "' is not supported (only sha256)");
  }
  if (const auto ignores = serialization.find("ignore_paths"); ignores != serialization.end()) {
    if (!ignores->is_array()) {
      return fail(verdict, "ignore_paths is not a list");
    }
    for (const json& ignore : *ignores) {
      if (!ignore.is_string()) {
        return fail(verdict, "ignore_paths holds a non-string");
      }
      predicate.ignore_paths.push_back(ignore.get<std::string>());
    }
  }
  return true;
}

bool read_statement(const std::string& payload, Predicate& predicate,
                    ModelSignatureVerdict& verdict) {
  const json statement = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (statement.is_discarded() || !statement.is_object()) {
    return fail(verdict, "the signed payload is not a JSON object");
  }
  if (statement.value("_type", "") != kStatementType ||
      statement.value("predicateType", "") != kPredicateType) {
    return fail(verdict, "the payload is not an in-toto Statement v1 with predicate v1.0");
  }
  const json subjects = statement.value("subject", json());
  if (!subjects.is_array() || subjects.size() != 1 || !subjects[0].contains("digest") ||
      !subjects[0]["digest"].is_object()) {
    return fail(verdict, "the statement must have exactly one subject with a digest");
  }
  const auto subject = Sha256::from_hex(subjects[0]["digest"].value("sha256", ""));
  const json predicate_json = statement.value("predicate", json());
  if (!subject || !predicate_json.is_object()) {
    return fail(verdict, "the subject digest is not sha256, or the predicate is missing");
  }
  predicate.subject = *subject;
  if (!read_serialization(predicate_json.value("serialization", json()), predicate, verdict)) {
    return false;
  }
  const json resources = predicate_json.value("resources", json());
  if (!resources.is_array() || resources.empty()) {
    return fail(verdict, "the predicate lists no resources");
  }
  for (const json& resource : resources) {
    const std::string name = resource.is_object() ? resource.value("name", "") : "";
    const auto digest =
        resource.is_object() ? Sha256::from_hex(resource.value("digest", "")) : std::nullopt;
    if ((name != "." && !is_clean_path(name)) || !digest ||
        resource.value("algorithm", "") != "sha256") {
      return fail(verdict, "a resource has a bad name, algorithm or digest");
    }
    if (!predicate.resources.emplace(name, *digest).second) {
      return fail(verdict, "the resource '" + name + "' is listed twice");
    }
  }
  return true;
}

// ROOT = sha256 over the raw resource digests, in order of name.
Sha256 root_digest(const std::map<std::string, Sha256>& resources) {
  Sha256Hasher hasher;
  for (const auto& [name, digest] : resources) {
    hasher.update(std::as_bytes(std::span(digest.bytes())));
  }
  return hasher.finish();
}

bool compare_file(const std::string& signed_name, const ModelFile& file, const Sha256& digest,
                  ModelSignatureVerdict& verdict) {
  if (!file.sha256) {
    verdict.unchecked_paths.push_back(file.path);
    return true;
  }
  if (*file.sha256 != digest) {
    return fail(verdict, file.path + " does not match its signed digest (" +
                             (signed_name == "." ? "the single-file model" : "tampered") + ")");
  }
  verdict.signed_paths.push_back(file.path);
  return true;
}

}  // namespace

bool check_statement(const std::string& payload, const ModelSignatureInput& input,
                     ModelSignatureVerdict& verdict) {
  Predicate predicate;
  if (!read_statement(payload, predicate, verdict)) {
    return false;
  }
  if (root_digest(predicate.resources) != predicate.subject) {
    return fail(verdict, "the subject digest does not match the resources (root digest mismatch)");
  }
  std::set<std::string> ignores(kDefaultIgnores.begin(), kDefaultIgnores.end());
  ignores.insert(predicate.ignore_paths.begin(), predicate.ignore_paths.end());
  ignores.insert(input.ignore_paths.begin(), input.ignore_paths.end());
  std::vector<const ModelFile*> covered;
  for (const ModelFile& file : input.files) {
    if (is_ignored(file.path, ignores)) {
      verdict.ignored_paths.push_back(file.path);
    } else {
      covered.push_back(&file);
    }
  }
  // A single-file model: one resource named "." stands for the one file there is.
  if (predicate.resources.size() == 1 && predicate.resources.begin()->first == ".") {
    if (covered.size() != 1) {
      return fail(verdict, "the signature covers a single file, but the model has " +
                               std::to_string(covered.size()) + " unignored files");
    }
    return compare_file(".", *covered[0], predicate.resources.begin()->second, verdict);
  }
  for (const ModelFile* file : covered) {
    const auto resource = predicate.resources.find(file->path);
    if (resource == predicate.resources.end()) {
      return fail(verdict, file->path + " is not covered by the signature (an added file)");
    }
    if (!compare_file(file->path, *file, resource->second, verdict)) {
      return false;
    }
  }
  for (const auto& resource : predicate.resources) {
    const std::string& name = resource.first;
    const bool present = std::any_of(covered.begin(), covered.end(),
                                     [&](const ModelFile* file) { return file->path == name; });
    if (!present) {
      return fail(verdict, "the signed file " + name + " is missing (a removed file)");
    }
  }
  return true;
}

}  // namespace mirrord::model_sig
