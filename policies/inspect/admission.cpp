#include "policies/inspect/admission.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace mirrord {
namespace {

using nlohmann::json;

std::string license_problem(const AdmissionPolicy& policy,
                            const std::optional<FoundLicense>& license) {
  if (policy.licenses.empty()) {
    return {};
  }
  if (!license) {
    return "the model declares no licence (in its repo metadata or model card), and the policy "
           "admits only listed licences";
  }
  for (const std::string& id : license->ids) {
    if (std::find(policy.licenses.begin(), policy.licenses.end(), id) != policy.licenses.end()) {
      return {};
    }
  }
  std::string ids;
  for (const std::string& id : license->ids)
    ids += (ids.empty() ? "" : ", ") + id;
  return "licence " + ids + " (from the " + license->source +
         ") is not among the policy's licenses";
}

json policy_json(const AdmissionPolicy& policy) {
  json keys = json::array();
  for (const auto& key : policy.trusted_keys)
    keys.push_back(key.filename().string());
  return json{{"pickles", to_string(policy.pickles)},
              {"remote_code", to_string(policy.remote_code)},
              {"signature", to_string(policy.signature)},
              {"trusted_keys", keys},
              {"signature_ignore", policy.signature_ignore_paths},
              {"max_file_size", policy.max_file_size},
              {"max_total_size", policy.max_total_size},
              {"licenses", policy.licenses},
              {"on_refusal", to_string(policy.on_refusal)}};
}

json file_json(const FileVerdict& file) {
  json out{{"path", file.path},
           {"size", file.size},
           {"sha256", file.sha256},
           {"status", to_string(file.status)},
           {"format", file.inspection.format}};
  if (!file.inspection.reason.empty())
    out["reason"] = file.inspection.reason;
  if (!file.inspection.detail.empty())
    out["detail"] = file.inspection.detail;
  if (!file.inspection.imports.empty())
    out["imports"] = file.inspection.imports;
  if (file.inspection.remote_code)
    out["remote_code"] = true;
  if (!file.signature.empty())
    out["signature"] = file.signature;
  return out;
}

}  // namespace

std::string_view to_string(FileStatus status) {
  switch (status) {
    case FileStatus::kAdmitted:
      return "admitted";
    case FileStatus::kRefused:
      return "refused";
    case FileStatus::kReleased:
      return "released";
    case FileStatus::kWithheld:
      return "withheld";
  }
  return "refused";
}

bool Admission::admits_size(const std::string& path, std::uint64_t size) {
  if (policy_.max_file_size == 0 || size <= policy_.max_file_size) {
    return true;
  }
  FileVerdict withheld{path, size, "", FileStatus::kWithheld, {}, ""};
  withheld.inspection.format = "unknown";
  withheld.inspection.refused = true;
  withheld.inspection.reason = "larger than max_file_size (" + std::to_string(size) + " > " +
                               std::to_string(policy_.max_file_size) + " bytes); not downloaded";
  files_.push_back(std::move(withheld));
  return false;
}

Status Admission::check_total(std::uint64_t total) const {
  if (policy_.max_total_size != 0 && total > policy_.max_total_size) {
    return make_error(ErrorCode::kPolicy, "the selected files total " + std::to_string(total) +
                                              " bytes, above the policy's max_total_size of " +
                                              std::to_string(policy_.max_total_size));
  }
  return {};
}

void Admission::add_inspection(const std::string& path, std::uint64_t size, const Sha256& sha256,
                               FileInspection inspection) {
  const FileStatus status = inspection.refused ? FileStatus::kRefused : FileStatus::kAdmitted;
  files_.push_back(FileVerdict{path, size, sha256.hex(), status, std::move(inspection), ""});
}

void Admission::add_release(const std::string& path, std::uint64_t size, const Sha256& sha256,
                            const std::string& release_reason) {
  FileInspection inspection;
  inspection.format = "released";
  inspection.detail = "released from quarantine by an operator: " + release_reason;
  files_.push_back(FileVerdict{path, size, sha256.hex(), FileStatus::kReleased, inspection, ""});
}

FileVerdict* Admission::find(const std::string& path) {
  for (FileVerdict& file : files_) {
    if (file.path == path)
      return &file;
  }
  return nullptr;
}

void Admission::set_signature(std::optional<ModelSignatureVerdict> verdict) {
  signature_present_ = verdict.has_value();
  if (!verdict) {
    return;
  }
  signature_ = std::move(*verdict);
  if (signature_.status != SignatureStatus::kVerified) {
    return;
  }
  for (const auto& [paths, label] : {std::pair{&signature_.signed_paths, "verified"},
                                     std::pair{&signature_.unchecked_paths, "unchecked"},
                                     std::pair{&signature_.ignored_paths, "ignored"}}) {
    for (const std::string& path : *paths) {
      if (FileVerdict* file = find(path))
        file->signature = label;
    }
  }
}

void Admission::set_license(std::optional<FoundLicense> license) {
  license_ = std::move(license);
}

Status Admission::decide() const {
  std::vector<std::string> problems;
  if (std::string problem = license_problem(policy_, license_); !problem.empty()) {
    problems.push_back(std::move(problem));
  }
  if (policy_.signature != SignatureRule::kIgnore) {
    if (signature_present_ && signature_.status == SignatureStatus::kFailed) {
      problems.push_back("model.sig does not verify: " + signature_.reason);
    } else if (policy_.signature == SignatureRule::kRequired && !signature_present_) {
      problems.push_back("the policy requires a signature and the repo has no model.sig");
    } else if (policy_.signature == SignatureRule::kRequired &&
               signature_.status != SignatureStatus::kVerified) {
      problems.push_back(
          "the policy requires a verified signature; model.sig is present but "
          "not verifiable: " +
          signature_.reason);
    }
  }
  if (policy_.on_refusal == RefusalRule::kFail) {
    for (const FileVerdict* file : refused()) {
      problems.push_back(file->path + " was refused (" + file->inspection.reason + ")");
    }
  }
  if (problems.empty()) {
    return {};
  }
  std::string message = "the snapshot was not published: ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    message += (i == 0 ? "" : "; ") + problems[i];
  }
  return make_error(ErrorCode::kPolicy, message);
}

bool Admission::admitted(const std::string& path) const {
  return std::any_of(files_.begin(), files_.end(), [&](const FileVerdict& file) {
    return file.path == path &&
           (file.status == FileStatus::kAdmitted || file.status == FileStatus::kReleased);
  });
}

std::vector<const FileVerdict*> Admission::refused() const {
  std::vector<const FileVerdict*> out;
  for (const FileVerdict& file : files_) {
    if (file.status == FileStatus::kRefused || file.status == FileStatus::kWithheld) {
      out.push_back(&file);
    }
  }
  return out;
}

std::string Admission::verdict_json(const std::string& failure) const {
  json counts{{"admitted", 0}, {"refused", 0}, {"released", 0}, {"withheld", 0}};
  json files = json::array();
  json remote_code = json::array();
  std::vector<const FileVerdict*> sorted;
  for (const FileVerdict& file : files_)
    sorted.push_back(&file);
  std::sort(sorted.begin(), sorted.end(),
            [](const FileVerdict* a, const FileVerdict* b) { return a->path < b->path; });
  for (const FileVerdict* file : sorted) {
    counts[std::string(to_string(file->status))] =
        counts[std::string(to_string(file->status))].get<int>() + 1;
    files.push_back(file_json(*file));
    if (file->inspection.remote_code)
      remote_code.push_back(file->path);
  }
  json signature{{"status", policy_.signature == SignatureRule::kIgnore ? "ignored by policy"
                            : signature_present_ ? std::string(to_string(signature_.status))
                                                 : "absent"}};
  if (signature_present_) {
    signature["method"] = signature_.method;
    signature["detail"] = signature_.reason;
  }
  json license = license_ ? json{{"ids", license_->ids}, {"source", license_->source}}
                          : json{{"ids", json::array()}, {"source", "none"}};
  license["allowed"] = license_problem(policy_, license_).empty();
  return json{{"version", 1},       {"decision", failure.empty() ? "published" : "refused"},
              {"failure", failure}, {"policy", policy_json(policy_)},
              {"counts", counts},   {"signature", signature},
              {"license", license}, {"remote_code", remote_code},
              {"files", files}}
      .dump();
}

}  // namespace mirrord
