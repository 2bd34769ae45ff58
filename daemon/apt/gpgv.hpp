// Signature checks with gpgv against an operator-pinned keyring (never the system's trusted set),
// as protocols/apt.md §4 step 2 describes:
//
//   gpgv --homedir <empty dir> --status-fd 1 --keyring <pinned> --output <text> InRelease
//
// A file is accepted when at least one of its signatures is good (GOODSIG and VALIDSIG, and no
// BADSIG, EXPKEYSIG, REVKEYSIG, EXPSIG or ERRSIG for it), made with a hash other than MD5, SHA-1
// or RIPEMD-160, by a key whose primary fingerprint is allowed (any key of the keyring when the
// allowed list is empty). gpgv's exit code is not used: with several signatures, one by a key the
// keyring lacks makes it non-zero although another one is good (Debian signs with several keys).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "storage/result.hpp"

namespace mirrord::apt {

struct GpgvVerdict {
  bool accepted = false;
  std::string fingerprint;  // primary fingerprint of the accepted signature
  std::string reason;       // why nothing was accepted
};

// Judges gpgv's --status-fd output.
GpgvVerdict judge_gpgv_status(std::string_view status,
                              const std::vector<std::string>& allowed_fingerprints);

struct VerifiedText {
  std::string text;
  std::string signer;  // primary fingerprint of the accepted signature
};

class SignatureChecker {
 public:
  // `work_dir` is a private directory for gpgv's inputs and outputs (and its empty home).
  SignatureChecker(std::filesystem::path keyring, std::vector<std::string> allowed_fingerprints,
                   std::filesystem::path work_dir);

  // Checks the keyring (an armored one is converted with `gpg --dearmor`). Call once first.
  Status prepare();
  // Verifies a clearsigned file and returns the text gpgv says was signed (and nothing else).
  // The caller must still split the file strictly (clearsign.hpp): gpgv ignores appended text.
  Result<VerifiedText> verify_clearsigned(std::string_view signed_file) const;
  // Verifies a detached signature over `data`; returns the signer's primary fingerprint.
  Result<std::string> verify_detached(std::string_view data, std::string_view signature) const;

 private:
  Result<std::string> run_gpgv(const std::vector<std::string>& tail, const std::string& what) const;
  std::filesystem::path next_path(const std::string& name) const;

  std::filesystem::path keyring_;
  std::vector<std::string> allowed_;
  std::filesystem::path work_dir_;
  mutable unsigned counter_ = 0;
};

}  // namespace mirrord::apt
