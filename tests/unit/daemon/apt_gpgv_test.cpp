#include "daemon/apt/gpgv.hpp"

#include <gtest/gtest.h>

#include "daemon/apt/clearsign.hpp"
#include "daemon/apt/process.hpp"
#include "tests/unit/daemon/apt_gpg_fixture.hpp"

namespace mirrord::apt {
namespace {

using testing::TestKey;

constexpr const char* kPrimary = "CDCDFA0F43AEF7E8C9EC8588F67E9BFFDF768766";

std::string validsig(const std::string& hash_algorithm, const std::string& primary = kPrimary) {
  return "[GNUPG:] VALIDSIG " + primary + " 2026-11-28 1795901878 0 4 0 22 " + hash_algorithm +
         " 01 " + primary + "\n";
}

std::string good(const std::string& hash_algorithm = "8") {
  return "[GNUPG:] NEWSIG\n[GNUPG:] GOODSIG F67E9BFFDF768766 Test\n" + validsig(hash_algorithm);
}

TEST(AptGpgvStatus, AcceptsOneGoodStrongSignature) {
  const GpgvVerdict verdict = judge_gpgv_status(good(), {});
  EXPECT_TRUE(verdict.accepted);
  EXPECT_EQ(verdict.fingerprint, kPrimary);
  EXPECT_TRUE(judge_gpgv_status(good(), {kPrimary}).accepted);
}

TEST(AptGpgvStatus, RefusesWeakHashesAndUnlistedKeys) {
  EXPECT_FALSE(judge_gpgv_status(good("2"), {}).accepted);  // SHA-1
  EXPECT_FALSE(judge_gpgv_status(good("1"), {}).accepted);  // MD5
  const GpgvVerdict other = judge_gpgv_status(good(), {std::string(40, 'A')});
  EXPECT_FALSE(other.accepted);
  EXPECT_NE(other.reason.find("not among"), std::string::npos);
}

TEST(AptGpgvStatus, RefusesExpiredRevokedAndBadSignatures) {
  for (const char* failure : {"EXPKEYSIG", "REVKEYSIG", "BADSIG", "EXPSIG"}) {
    const std::string status = "[GNUPG:] NEWSIG\n[GNUPG:] " + std::string(failure) +
                               " F67E9BFFDF768766 Test\n" + validsig("8");
    EXPECT_FALSE(judge_gpgv_status(status, {}).accepted) << failure;
  }
  EXPECT_FALSE(judge_gpgv_status("", {}).accepted);
  EXPECT_FALSE(judge_gpgv_status("[GNUPG:] NEWSIG\n[GNUPG:] GOODSIG X y\n", {}).accepted);
}

TEST(AptGpgvStatus, OneGoodSignatureAmongUnknownOnesIsEnough) {
  const std::string status =
      "[GNUPG:] NEWSIG\n[GNUPG:] ERRSIG 1111 1 8 01 1795901878 9 AAAA\n[GNUPG:] NO_PUBKEY 1111\n" +
      good();
  EXPECT_TRUE(judge_gpgv_status(status, {}).accepted);
  // The status of the signature before cannot leak into the one after.
  const std::string reversed = good() + "[GNUPG:] NEWSIG\n[GNUPG:] BADSIG 2222 x\n";
  EXPECT_TRUE(judge_gpgv_status(reversed, {}).accepted);
}

TEST(AptGpgvStatus, ReasonNamesOnlyRealSignatures) {
  const std::string status =
      "[GNUPG:] PLAINTEXT 74 0 \n[GNUPG:] NEWSIG\n[GNUPG:] ERRSIG 1111 22 8 01 1795901878 9 AAAA\n"
      "[GNUPG:] NO_PUBKEY 1111\n";
  const GpgvVerdict verdict = judge_gpgv_status(status, {});
  EXPECT_FALSE(verdict.accepted);
  EXPECT_EQ(verdict.reason, "ERRSIG (the key is not in the pinned keyring)");
  EXPECT_TRUE(judge_gpgv_status("[GNUPG:] PLAINTEXT 74 0 \n" + good(), {}).accepted);
}

class AptGpgv : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pinned_ = new TestKey("pinned");
    stranger_ = new TestKey("stranger");
  }
  static void TearDownTestSuite() {
    delete pinned_;
    delete stranger_;
  }
  SignatureChecker checker(std::vector<std::string> allowed = {}) {
    SignatureChecker checker(pinned_->keyring(), std::move(allowed), work_.path());
    EXPECT_TRUE(checker.prepare().ok());
    return checker;
  }

  static TestKey* pinned_;
  static TestKey* stranger_;
  mirrord::testing::TempDir work_;
};

TestKey* AptGpgv::pinned_ = nullptr;
TestKey* AptGpgv::stranger_ = nullptr;

TEST_F(AptGpgv, VerifiesAClearsignedReleaseAndReturnsOnlyTheSignedText) {
  const std::string text = "Origin: Test\n-dash\nSuite: stable \n";
  const std::string inrelease = pinned_->clearsign(text);
  const auto verified = checker().verify_clearsigned(inrelease + "Origin: appended\n");
  ASSERT_TRUE(verified.ok()) << verified.error().message;  // gpgv ignores appended text...
  EXPECT_EQ(verified->text, "Origin: Test\n-dash\nSuite: stable\n");  // ...but never returns it
  EXPECT_EQ(verified->signer, pinned_->fingerprint());
  EXPECT_FALSE(split_clearsigned(inrelease + "Origin: appended\n").ok());  // the splitter refuses
}

TEST_F(AptGpgv, RefusesAnUnpinnedSigner) {
  const auto verified = checker().verify_clearsigned(stranger_->clearsign("Origin: Test\n"));
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().code, ErrorCode::kPolicy);
  EXPECT_NE(verified.error().message.find("not in the pinned keyring"), std::string::npos);
}

TEST_F(AptGpgv, RefusesAKeyOutsideThePolicysFingerprints) {
  const std::string inrelease = pinned_->clearsign("Origin: Test\n");
  EXPECT_TRUE(checker({pinned_->fingerprint()}).verify_clearsigned(inrelease).ok());
  EXPECT_FALSE(checker({stranger_->fingerprint()}).verify_clearsigned(inrelease).ok());
}

TEST_F(AptGpgv, RefusesATamperedText) {
  std::string inrelease = pinned_->clearsign("Origin: Test\nSuite: stable\n");
  inrelease.replace(inrelease.find("stable"), 6, "stabl3");
  EXPECT_FALSE(checker().verify_clearsigned(inrelease).ok());
}

TEST_F(AptGpgv, VerifiesDetachedSignatures) {
  const std::string text = "Origin: Test\n";
  const std::string signature = pinned_->detached(text);
  auto signer = checker().verify_detached(text, signature);
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  EXPECT_EQ(*signer, pinned_->fingerprint());
  EXPECT_FALSE(checker().verify_detached(text + "x", signature).ok());
  EXPECT_FALSE(checker().verify_detached(text, stranger_->detached(text)).ok());
}

TEST_F(AptGpgv, AcceptsAnArmoredKeyring) {
  const auto armored = work_.path() / "armored.asc";
  mirrord::testing::write_file(armored, pinned_->armored_public_key());
  SignatureChecker checker(armored, {}, work_.path());
  ASSERT_TRUE(checker.prepare().ok());
  EXPECT_TRUE(checker.verify_clearsigned(pinned_->clearsign("Origin: Test\n")).ok());
}

TEST_F(AptGpgv, MissingKeyringIsAConfigurationError) {
  SignatureChecker checker(work_.path() / "absent.gpg", {}, work_.path());
  const Status status = checker.prepare();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidInput);
}

TEST(AptProcess, CapturesOutputAndExitCodeWithoutAShell) {
  auto result = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"},
                            ProcessOptions{clean_environment()});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->out, "out\n");
  EXPECT_EQ(result->err, "err\n");
  auto env = run_process({"env"}, ProcessOptions{{"ONLY=this"}});
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->out, "ONLY=this\n");
  EXPECT_EQ(run_process({"/nonexistent/program"}, {}).error().code, ErrorCode::kNotFound);
  ProcessOptions quick{clean_environment()};
  quick.timeout = std::chrono::seconds(1);
  EXPECT_FALSE(run_process({"sleep", "5"}, quick).ok());
}

}  // namespace
}  // namespace mirrord::apt

namespace mirrord::apt {
namespace {

TEST(AptMirrorKey, IsCreatedOnceAndReused) {
  mirrord::testing::TempDir dir;
  const MirrorKey key(dir.path() / "keys" / "gnupg");
  auto first = key.fingerprint();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->size(), 40u);
  auto again = MirrorKey(dir.path() / "keys" / "gnupg").fingerprint();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  auto public_key = key.public_key();
  ASSERT_TRUE(public_key.ok());
  EXPECT_TRUE(public_key->starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
  EXPECT_EQ(std::filesystem::status(key.home()).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
}

TEST(AptMirrorKey, SignaturesVerifyWithTheExportedKeyOnly) {
  mirrord::testing::TempDir dir;
  const MirrorKey key(dir.path() / "gnupg");
  const auto signed_release = key.sign("Origin: Mirror\n");
  ASSERT_TRUE(signed_release.ok()) << signed_release.error().message;
  mirrord::testing::write_file(dir.path() / "mirror.asc", *key.public_key());
  SignatureChecker checker(dir.path() / "mirror.asc", {*key.fingerprint()}, dir.path());
  ASSERT_TRUE(checker.prepare().ok());
  const auto verified = checker.verify_clearsigned(signed_release->inrelease);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->text, "Origin: Mirror\n");
  EXPECT_TRUE(checker.verify_detached("Origin: Mirror\n", signed_release->release_gpg).ok());
  EXPECT_FALSE(checker.verify_detached("Origin: Other\n", signed_release->release_gpg).ok());
}

}  // namespace
}  // namespace mirrord::apt
