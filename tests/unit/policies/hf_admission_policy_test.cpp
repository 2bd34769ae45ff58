// The admission keys of hf policies (policies/hf_fields.cpp, AdmissionPolicy): defaults, every
// accepted value, and the errors for bad ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/policy.hpp"
#include "tests/unit/policies/inspect_fixtures.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;

constexpr const char* kHead = "[[mirror]]\nname = \"m\"\nsource = \"hf\"\nrepo = \"org/model\"\n";

// Parses one entry as if it were a file in the test keys folder (relative key paths resolve there).
Result<std::vector<Policy>> parse(const std::string& extra) {
  return PolicySet::parse_text(
      std::string(kHead) + extra,
      inspect_fixtures::data_dir() / "model-signing/keys/certificate/p.toml");
}

std::string error_of(const std::string& extra) {
  auto parsed = parse(extra);
  EXPECT_FALSE(parsed.ok()) << "accepted: " << extra;
  return parsed.ok() ? std::string() : parsed.error().message;
}

TEST(HfAdmissionPolicyTest, DefaultsAreTheSafeOnes) {
  auto parsed = parse("");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const AdmissionPolicy& admission = parsed->at(0).hf.admission;
  EXPECT_EQ(admission.pickles, PickleRule::kScan);
  EXPECT_EQ(admission.remote_code, RemoteCodeRule::kRefuse);
  EXPECT_EQ(admission.signature, SignatureRule::kIfPresent);
  EXPECT_EQ(admission.on_refusal, RefusalRule::kPublishRest);
  EXPECT_TRUE(admission.trusted_keys.empty());
  EXPECT_EQ(admission.max_file_size, 0u);
}

TEST(HfAdmissionPolicyTest, ReadsEveryKey) {
  auto parsed = parse(R"(pickles = "refuse"
remote_code = "allow"
signature = "required"
trusted_keys = ["signing-key-pub.pem", "ca-cert.pem"]
signature_ignore = ["ignore-me"]
licenses = ["apache-2.0", "mit"]
max_file_size = "20 GiB"
max_total_size = 1048576
on_refusal = "fail"
)");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const AdmissionPolicy& admission = parsed->at(0).hf.admission;
  EXPECT_EQ(admission.pickles, PickleRule::kRefuse);
  EXPECT_EQ(admission.remote_code, RemoteCodeRule::kAllow);
  EXPECT_EQ(admission.signature, SignatureRule::kRequired);
  ASSERT_EQ(admission.trusted_keys.size(), 2u);
  EXPECT_EQ(admission.trusted_keys[0].filename(), "signing-key-pub.pem");
  EXPECT_TRUE(admission.trusted_keys[0].is_absolute());
  EXPECT_EQ(admission.signature_ignore_paths, std::vector<std::string>{"ignore-me"});
  EXPECT_EQ(admission.licenses.size(), 2u);
  EXPECT_EQ(admission.max_file_size, 20ull << 30);
  EXPECT_EQ(admission.max_total_size, 1048576u);
  EXPECT_EQ(admission.on_refusal, RefusalRule::kFail);
}

TEST(HfAdmissionPolicyTest, RefusesBadValuesWithTheLine) {
  EXPECT_THAT(error_of("pickles = \"maybe\"\n"), HasSubstr(":5: 'pickles' is 'maybe'"));
  EXPECT_THAT(error_of("remote_code = true\n"), HasSubstr("must be a string"));
  EXPECT_THAT(error_of("signature = \"always\"\n"), HasSubstr("\"if-present\""));
  EXPECT_THAT(error_of("on_refusal = \"skip\"\n"), HasSubstr("\"publish-rest\" or \"fail\""));
  EXPECT_THAT(error_of("max_file_size = \"20 parsecs\"\n"), HasSubstr("expected bytes"));
  EXPECT_THAT(error_of("max_file_size = -1\n"), HasSubstr("positive"));
  EXPECT_THAT(error_of("trusted_keys = [\"missing.pem\"]\n"), HasSubstr("cannot read trusted key"));
  EXPECT_THAT(error_of("trusted_keys = [\"../../v1.1.0-certificate/signme-1\"]\n"),
              HasSubstr("no PEM PUBLIC KEY or CERTIFICATE"));
  EXPECT_THAT(error_of("pickle = \"scan\"\n"), HasSubstr("did you mean 'pickles'"));
}

TEST(HfAdmissionPolicyTest, ParsesByteSizes) {
  EXPECT_EQ(parse_byte_size("1024"), 1024u);
  EXPECT_EQ(parse_byte_size("1 KiB"), 1024u);
  EXPECT_EQ(parse_byte_size("2MB"), 2'000'000u);
  EXPECT_EQ(parse_byte_size("3 TiB"), 3ull << 40);
  EXPECT_FALSE(parse_byte_size("99999999 TiB"));
  EXPECT_FALSE(parse_byte_size("GiB"));
  EXPECT_FALSE(parse_byte_size("1 gib"));
}

}  // namespace
}  // namespace mirrord
