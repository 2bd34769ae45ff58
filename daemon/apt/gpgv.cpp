#include "daemon/apt/gpgv.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "daemon/apt/deb822.hpp"
#include "daemon/apt/file_io.hpp"
#include "daemon/apt/process.hpp"

namespace mirrord::apt {
namespace {

constexpr std::size_t kMaxSignedText = 64u << 20;
constexpr std::string_view kStatusPrefix = "[GNUPG:] ";

// One signature's status lines, between two NEWSIG lines.
struct SignatureStatus {
  std::set<std::string> keywords;
  std::vector<std::string_view> validsig;  // the VALIDSIG arguments
};

std::vector<SignatureStatus> signatures_of(std::string_view status) {
  std::vector<SignatureStatus> signatures(1);
  std::size_t start = 0;
  while (start < status.size()) {
    const std::size_t end = std::min(status.find('\n', start), status.size());
    std::string_view line = status.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with(kStatusPrefix)) {
      continue;
    }
    line.remove_prefix(kStatusPrefix.size());
    std::vector<std::string_view> words = split_words(line);
    if (words.empty()) {
      continue;
    }
    if (words[0] == "NEWSIG") {
      signatures.emplace_back();
      continue;
    }
    signatures.back().keywords.emplace(words[0]);
    if (words[0] == "VALIDSIG") {
      signatures.back().validsig.assign(words.begin() + 1, words.end());
    }
  }
  return signatures;
}

// Why one signature does not count; empty when it does.
std::string signature_problem(const SignatureStatus& signature,
                              const std::vector<std::string>& allowed) {
  for (const char* failure : {"BADSIG", "EXPKEYSIG", "REVKEYSIG", "EXPSIG", "ERRSIG"}) {
    if (signature.keywords.contains(failure)) {
      return std::string(failure) + (signature.keywords.contains("NO_PUBKEY")
                                         ? " (the key is not in the pinned keyring)"
                                         : "");
    }
  }
  if (!signature.keywords.contains("GOODSIG") || signature.validsig.size() < 10) {
    return "no good signature";
  }
  const std::string_view hash_algorithm = signature.validsig[7];
  if (hash_algorithm == "1" || hash_algorithm == "2" || hash_algorithm == "3") {
    return "made with a weak hash (OpenPGP hash algorithm " + std::string(hash_algorithm) + ")";
  }
  const std::string primary(signature.validsig[9]);
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), primary) == allowed.end()) {
    return "by key " + primary + ", which is not among the policy's fingerprints";
  }
  return {};
}

bool is_signature_status(const SignatureStatus& status) {
  for (const char* keyword :
       {"GOODSIG", "BADSIG", "ERRSIG", "EXPSIG", "EXPKEYSIG", "REVKEYSIG", "VALIDSIG"}) {
    if (status.keywords.contains(keyword)) {
      return true;
    }
  }
  return false;
}

bool is_armored(std::string_view head) {
  return head.starts_with("-----BEGIN PGP");
}

}  // namespace

GpgvVerdict judge_gpgv_status(std::string_view status,
                              const std::vector<std::string>& allowed_fingerprints) {
  GpgvVerdict verdict;
  for (const SignatureStatus& signature : signatures_of(status)) {
    if (!is_signature_status(signature)) {
      continue;  // e.g. the PLAINTEXT line before the first NEWSIG
    }
    const std::string problem = signature_problem(signature, allowed_fingerprints);
    if (problem.empty()) {
      verdict.accepted = true;
      verdict.fingerprint = std::string(signature.validsig[9]);
      verdict.reason.clear();
      return verdict;
    }
    verdict.reason += (verdict.reason.empty() ? "" : "; ") + problem;
  }
  if (verdict.reason.empty()) {
    verdict.reason = "gpgv reported no signature";
  }
  return verdict;
}

SignatureChecker::SignatureChecker(std::filesystem::path keyring,
                                   std::vector<std::string> allowed_fingerprints,
                                   std::filesystem::path work_dir)
    : keyring_(std::move(keyring)),
      allowed_(std::move(allowed_fingerprints)),
      work_dir_(std::move(work_dir)) {}

std::filesystem::path SignatureChecker::next_path(const std::string& name) const {
  return work_dir_ / (std::to_string(++counter_) + "-" + name);
}

Status SignatureChecker::prepare() {
  const std::filesystem::path home = work_dir_ / "gpgv-home";
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  ::chmod(home.c_str(), 0700);
  auto head = read_file(keyring_, 64u << 20);
  if (!head) {
    return make_error(ErrorCode::kInvalidInput,
                      "cannot read the policy's keyring: " + head.error().message);
  }
  if (!is_armored(*head)) {
    return {};
  }
  // gpgv reads binary keyrings only: convert an armored one (as `gpg --export --armor` writes).
  const std::filesystem::path binary = work_dir_ / "keyring.gpg";
  MIRRORD_TRY_ASSIGN(ProcessResult result,
                     run_process({"gpg", "--homedir", home.string(), "--batch", "--no-tty",
                                  "--dearmor", "--output", binary.string(), keyring_.string()},
                                 ProcessOptions{clean_environment()}));
  if (result.exit_code != 0) {
    return make_error(ErrorCode::kInvalidInput,
                      "cannot dearmor keyring " + keyring_.string() + ": " + result.err);
  }
  keyring_ = binary;
  return {};
}

Result<std::string> SignatureChecker::run_gpgv(const std::vector<std::string>& tail,
                                               const std::string& what) const {
  std::vector<std::string> argv{
      "gpgv", "--homedir", (work_dir_ / "gpgv-home").string(),          "--status-fd",
      "1",    "--keyring", std::filesystem::absolute(keyring_).string()};
  argv.insert(argv.end(), tail.begin(), tail.end());
  MIRRORD_TRY_ASSIGN(ProcessResult result, run_process(argv, ProcessOptions{clean_environment()}));
  const GpgvVerdict verdict = judge_gpgv_status(result.out, allowed_);
  if (!verdict.accepted) {
    return make_error(ErrorCode::kPolicy,
                      what + " has no acceptable signature by the pinned keyring " +
                          keyring_.string() + ": " + verdict.reason);
  }
  return verdict.fingerprint;
}

Result<VerifiedText> SignatureChecker::verify_clearsigned(std::string_view signed_file) const {
  const std::filesystem::path input = next_path("InRelease");
  const std::filesystem::path output = next_path("signed-text");
  MIRRORD_TRY(write_file(input, signed_file));
  VerifiedText verified;
  MIRRORD_TRY_ASSIGN(verified.signer,
                     run_gpgv({"--output", output.string(), input.string()}, "InRelease"));
  MIRRORD_TRY_ASSIGN(verified.text, read_file(output, kMaxSignedText));
  return verified;
}

Result<std::string> SignatureChecker::verify_detached(std::string_view data,
                                                      std::string_view signature) const {
  const std::filesystem::path data_path = next_path("Release");
  const std::filesystem::path signature_path = next_path("Release.gpg");
  MIRRORD_TRY(write_file(data_path, data));
  MIRRORD_TRY(write_file(signature_path, signature));
  return run_gpgv({signature_path.string(), data_path.string()}, "Release.gpg");
}

}  // namespace mirrord::apt
