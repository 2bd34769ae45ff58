// Throw-away OpenPGP keys for the apt tests: each TestKey is a fresh GnuPG home in a temporary
// directory (gpg run without a shell, agent stopped afterwards), so no test touches a real
// keyring. Signs the way Debian's archive does (clearsign, detached armored signatures).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "daemon/apt/file_io.hpp"
#include "daemon/apt/mirror_key.hpp"
#include "daemon/apt/process.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::apt::testing {

class TestKey {
 public:
  explicit TestKey(const std::string& name) : key_(dir_.path() / "gnupg") {
    auto fingerprint = key_.fingerprint();  // MirrorKey creates an Ed25519 key on first use
    if (!fingerprint) {
      throw std::runtime_error(fingerprint.error().message);
    }
    fingerprint_ = *fingerprint;
    keyring_ = dir_.path() / (name + ".gpg");
    const auto exported = gpg({"--export", fingerprint_});
    mirrord::testing::write_file(keyring_, exported);
    (void)name;
  }

  const std::string& fingerprint() const { return fingerprint_; }
  const std::filesystem::path& keyring() const { return keyring_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  const MirrorKey& mirror_key() const { return key_; }

  std::string armored_public_key() const { return gpg({"--armor", "--export", fingerprint_}); }

  // Clearsigns `text` (InRelease form).
  std::string clearsign(const std::string& text) const {
    auto signed_release = key_.sign(text);
    if (!signed_release) {
      throw std::runtime_error(signed_release.error().message);
    }
    return signed_release->inrelease;
  }
  std::string detached(const std::string& text) const {
    auto signed_release = key_.sign(text);
    if (!signed_release) {
      throw std::runtime_error(signed_release.error().message);
    }
    return signed_release->release_gpg;
  }

  std::string gpg(std::vector<std::string> arguments) const {
    std::vector<std::string> argv{"gpg", "--homedir", key_.home().string(), "--batch"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    auto result = run_process(argv, ProcessOptions{clean_environment()});
    if (!result || result->exit_code != 0) {
      throw std::runtime_error("gpg failed: " + (result ? result->err : result.error().message));
    }
    return result->out;
  }

 private:
  mirrord::testing::TempDir dir_;
  MirrorKey key_;
  std::string fingerprint_;
  std::filesystem::path keyring_;
};

}  // namespace mirrord::apt::testing
