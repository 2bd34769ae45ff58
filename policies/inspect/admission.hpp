// Admission: the decision whether a pulled snapshot may be published, file by file and as a
// whole, and the verdict that records why (stored with the snapshot, shown by `mirrorctl show`).
//
// Per file: a file over max_file_size is withheld (never downloaded); every downloaded file is
// admitted or refused by its inspection (file_inspector.hpp), or admitted because an operator
// released exactly that content. As a whole, publishing is refused (kPolicy, with every reason)
// when the licence is not allowed or not declared while licences are listed; when model.sig is
// present but fails; when signature = "required" and there is no verified signature; and when any
// file is refused under on_refusal = "fail". Otherwise the admitted files are published and the
// refused ones go to quarantine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policies/inspect/admission_policy.hpp"
#include "policies/inspect/file_inspector.hpp"
#include "policies/inspect/license_finder.hpp"
#include "policies/inspect/model_signature.hpp"
#include "storage/result.hpp"

namespace mirrord {

enum class FileStatus { kAdmitted, kRefused, kReleased, kWithheld };
std::string_view to_string(FileStatus status);

struct FileVerdict {
  std::string path;
  std::uint64_t size = 0;
  std::string sha256;  // hex; empty for a withheld file
  FileStatus status = FileStatus::kAdmitted;
  FileInspection inspection;
  std::string signature;  // "verified", "ignored" (not covered), "unchecked", or ""
};

class Admission {
 public:
  explicit Admission(AdmissionPolicy policy) : policy_(std::move(policy)) {}

  // Before downloading: whether a file of `size` may be fetched at all (else it is withheld), and
  // whether the total may be. kPolicy when the total of fetched files exceeds max_total_size.
  bool admits_size(const std::string& path, std::uint64_t size);
  Status check_total(std::uint64_t total) const;

  void add_inspection(const std::string& path, std::uint64_t size, const Sha256& sha256,
                      FileInspection inspection);
  void add_release(const std::string& path, std::uint64_t size, const Sha256& sha256,
                   const std::string& release_reason);
  // nullopt: the repo has no model.sig (or the policy ignores signatures).
  void set_signature(std::optional<ModelSignatureVerdict> verdict);
  void set_license(std::optional<FoundLicense> license);

  // OK when the snapshot may be published (its admitted files), else kPolicy with the reasons.
  Status decide() const;

  const std::vector<FileVerdict>& files() const { return files_; }
  bool admitted(const std::string& path) const;
  std::vector<const FileVerdict*> refused() const;
  // The verdict as JSON (README "Trust"); `failure` is decide()'s message, or empty.
  std::string verdict_json(const std::string& failure) const;

 private:
  FileVerdict* find(const std::string& path);

  AdmissionPolicy policy_;
  std::vector<FileVerdict> files_;
  bool signature_present_ = false;
  ModelSignatureVerdict signature_;
  std::optional<FoundLicense> license_;
};

}  // namespace mirrord
