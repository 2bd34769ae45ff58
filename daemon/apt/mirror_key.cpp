#include "daemon/apt/mirror_key.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <mutex>

#include "daemon/apt/deb822.hpp"
#include "daemon/apt/file_io.hpp"
#include "daemon/apt/process.hpp"

namespace mirrord::apt {
namespace {

// One lock for every MirrorKey of the process: the admin API and pulls may both create the key.
std::mutex& key_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::string user_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
    return "mirrord archive signing key";
  }
  return std::string("mirrord archive signing key (") + host + ")";
}

// The fingerprint of the first secret primary key in `gpg --with-colons` output.
std::string first_secret_fingerprint(std::string_view colons) {
  bool after_sec = false;
  for (std::string_view line : value_lines(colons)) {
    if (line.starts_with("sec:")) {
      after_sec = true;
    } else if (after_sec && line.starts_with("fpr:")) {
      std::size_t field = 0;
      std::size_t start = 0;
      while (field < 9 && start != std::string_view::npos) {
        start = line.find(':', start);
        start = start == std::string_view::npos ? start : start + 1;
        ++field;
      }
      if (start == std::string_view::npos) {
        return {};
      }
      return std::string(line.substr(start, line.find(':', start) - start));
    }
  }
  return {};
}

Status prepare_home(const std::filesystem::path& home) {
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec || ::chmod(home.c_str(), 0700) != 0) {
    return make_error(ErrorCode::kIo, "cannot create the mirror key directory " + home.string());
  }
  return {};
}

}  // namespace

MirrorKey::MirrorKey(std::filesystem::path gnupg_home) : home_(std::move(gnupg_home)) {}

std::filesystem::path mirror_gnupg_home(const std::filesystem::path& storage_root) {
  return storage_root / "keys" / "gnupg";
}

Result<std::string> MirrorKey::gpg(std::vector<std::string> arguments,
                                   const std::string& what) const {
  std::vector<std::string> argv{"gpg",      "--homedir",    home_.string(),
                                "--batch",  "--no-tty",     "--pinentry-mode",
                                "loopback", "--passphrase", ""};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  ProcessOptions options{clean_environment()};
  options.environment.push_back("GNUPGHOME=" + home_.string());
  MIRRORD_TRY_ASSIGN(ProcessResult result, run_process(argv, options));
  if (result.exit_code != 0) {
    return make_error(ErrorCode::kInternal, "gpg could not " + what + " (exit " +
                                                std::to_string(result.exit_code) +
                                                "): " + result.err.substr(0, 2000));
  }
  return std::move(result.out);
}

void MirrorKey::stop_agent() const {
  // The agent would outlive the operation (and, in tests, the directory it serves).
  (void)run_process({"gpgconf", "--homedir", home_.string(), "--kill", "gpg-agent"},
                    ProcessOptions{clean_environment()});
}

Result<std::string> MirrorKey::ensure_key() const {
  MIRRORD_TRY(prepare_home(home_));
  MIRRORD_TRY_ASSIGN(std::string listing,
                     gpg({"--with-colons", "--list-secret-keys"}, "list the mirror key"));
  std::string fingerprint = first_secret_fingerprint(listing);
  if (!fingerprint.empty()) {
    return fingerprint;
  }
  MIRRORD_TRY(
      gpg({"--quick-gen-key", user_id(), "ed25519", "sign", "never"}, "create the mirror key"));
  MIRRORD_TRY_ASSIGN(listing, gpg({"--with-colons", "--list-secret-keys"}, "list the mirror key"));
  fingerprint = first_secret_fingerprint(listing);
  if (fingerprint.empty()) {
    return make_error(ErrorCode::kInternal, "gpg created no key in " + home_.string());
  }
  return fingerprint;
}

Result<std::string> MirrorKey::fingerprint() const {
  std::lock_guard lock(key_mutex());
  auto fingerprint = ensure_key();
  stop_agent();
  return fingerprint;
}

Result<std::string> MirrorKey::public_key() const {
  std::lock_guard lock(key_mutex());
  auto fingerprint = ensure_key();
  stop_agent();
  if (!fingerprint) {
    return fingerprint.error();
  }
  return gpg({"--armor", "--export", *fingerprint}, "export the mirror key");
}

Result<SignedRelease> MirrorKey::sign(std::string_view release_text) const {
  std::lock_guard lock(key_mutex());
  Result<SignedRelease> signed_release = [&]() -> Result<SignedRelease> {
    MIRRORD_TRY_ASSIGN(const std::string fingerprint, ensure_key());
    MIRRORD_TRY_ASSIGN(WorkDir work, WorkDir::create(home_.parent_path() / "work", "sign-"));
    const std::filesystem::path release = work.path() / "Release";
    const std::filesystem::path inrelease = work.path() / "InRelease";
    const std::filesystem::path detached = work.path() / "Release.gpg";
    MIRRORD_TRY(write_file(release, release_text));
    const std::vector<std::string> signer{"--local-user", fingerprint + "!", "--digest-algo",
                                          "SHA256", "--yes"};
    std::vector<std::string> clearsign = signer;
    clearsign.insert(clearsign.end(),
                     {"--clearsign", "--output", inrelease.string(), release.string()});
    MIRRORD_TRY(gpg(clearsign, "clearsign a Release"));
    std::vector<std::string> detach = signer;
    detach.insert(detach.end(),
                  {"--armor", "--detach-sign", "--output", detached.string(), release.string()});
    MIRRORD_TRY(gpg(detach, "sign a Release"));
    SignedRelease result;
    MIRRORD_TRY_ASSIGN(result.inrelease, read_file(inrelease, 64u << 20));
    MIRRORD_TRY_ASSIGN(result.release_gpg, read_file(detached, 1u << 20));
    return result;
  }();
  stop_agent();
  return signed_release;
}

}  // namespace mirrord::apt
