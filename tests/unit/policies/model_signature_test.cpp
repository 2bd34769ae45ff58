// verify_model_signature (policies/inspect/model_signature.hpp) on the OpenSSF golden signatures
// (tests/data/model-signing): each verifies with the right key or chain; each tampering fails with
// its own reason; keyless Sigstore bundles are never verified.
#include "policies/inspect/model_signature.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policies/inspect/base64.hpp"
#include "tests/unit/policies/inspect_fixtures.hpp"

namespace mirrord {
namespace {

using inspect_fixtures::data_dir;
using inspect_fixtures::read_file;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const std::filesystem::path kKeys = data_dir() / "model-signing/keys/certificate";
constexpr std::time_t kIn2026 = 1767225600;  // inside the test certificates' validity

TrustAnchors anchors_from(const std::string& file) {
  auto anchors = TrustAnchors::load({kKeys / file});
  EXPECT_TRUE(anchors.ok()) << anchors.error().message;
  return anchors.ok() ? *anchors : TrustAnchors{};
}

// The files of a golden directory (model.sig included, as a repo would list it).
std::vector<ModelFile> files_of(const std::filesystem::path& dir) {
  std::vector<ModelFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    files.push_back({entry.path().filename().string(), sha256_of(read_file(entry.path()))});
  }
  std::sort(files.begin(), files.end(),
            [](const ModelFile& a, const ModelFile& b) { return a.path < b.path; });
  return files;
}

struct Case {
  std::string bundle;
  std::vector<ModelFile> files;
  std::vector<std::string> ignores;
  TrustAnchors anchors;
  std::time_t at = kIn2026;

  ModelSignatureVerdict verify() const {
    return verify_model_signature({bundle, files, ignores, &anchors, at});
  }
};

Case golden(const std::string& name) {
  const auto dir = data_dir() / "model-signing" / name;
  Case c{read_file(dir / "model.sig"), files_of(dir), {}, {}};
  c.anchors = anchors_from(name.find("certificate") != std::string::npos ? "ca-cert.pem"
                                                                         : "signing-key-pub.pem");
  if (name.starts_with("v1.0.1")) {
    c.ignores = {"ignore-me"};  // not signed as ignored before v1.1.0: the operator says so
  }
  return c;
}

// A fresh key pair on `curve` (PEM of the public key, and the key itself).
std::shared_ptr<EVP_PKEY> fresh_key(const char* curve) {
  return std::shared_ptr<EVP_PKEY>(EVP_EC_gen(curve), EVP_PKEY_free);
}

std::string public_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return pem;
}

// A self-signed CA certificate of an unrelated authority.
std::string unrelated_ca_pem() {
  auto key = fresh_key("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24 * 365 * 20);
  X509_set_pubkey(cert, key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("unrelated-ca"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key.get(), EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  X509_free(cert);
  return pem;
}

// The bundle with its statement edited by `edit` and signed again with the test signing key.
std::string resigned(const std::string& bundle_text,
                     const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json bundle = nlohmann::json::parse(bundle_text);
  auto& envelope = bundle["dsseEnvelope"];
  nlohmann::json statement =
      nlohmann::json::parse(*base64_decode_strict(envelope["payload"].get<std::string>()));
  edit(statement);
  const std::string payload = statement.dump();
  const std::string pem = read_file(kKeys / "signing-key.pem");
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EXPECT_NE(key, nullptr);
  const std::string pae = dsse_pae("application/vnd.in-toto+json", payload);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestSignInit(ctx, nullptr, EVP_sha384(), nullptr, key);
  std::size_t length = 0;
  EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(pae.data()),
                 pae.size());
  std::string signature(length, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                 reinterpret_cast<const unsigned char*>(pae.data()), pae.size());
  signature.resize(length);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  envelope["payload"] = base64_encode(payload);
  envelope["signatures"][0]["sig"] = base64_encode(signature);
  return bundle.dump();
}

class GoldenSignatureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenSignatureTest, VerifiesWithTheRightKeyOrChain) {
  const Case c = golden(GetParam());
  const ModelSignatureVerdict verdict = c.verify();
  EXPECT_EQ(verdict.status, SignatureStatus::kVerified) << verdict.reason;
  EXPECT_EQ(verdict.method,
            GetParam().find("certificate") != std::string::npos ? "certificate" : "key");
  if (GetParam() == "v1.0.0-elliptic-key") {
    EXPECT_THAT(verdict.signed_paths, ElementsAre("signme-1"));
  } else {
    EXPECT_THAT(verdict.signed_paths, UnorderedElementsAre("signme-1", "signme-2"));
  }
  EXPECT_THAT(verdict.ignored_paths, ::testing::Contains("model.sig"));
}

TEST_P(GoldenSignatureTest, AFlippedByteFails) {
  Case c = golden(GetParam());
  for (ModelFile& file : c.files) {
    if (file.path == "signme-1")
      file.sha256 = sha256_of("signme-1 with one byte flipped");
  }
  const ModelSignatureVerdict verdict = c.verify();
  EXPECT_EQ(verdict.status, SignatureStatus::kFailed);
  EXPECT_THAT(verdict.reason, HasSubstr("signme-1 does not match its signed digest"));
}

TEST_P(GoldenSignatureTest, AnAddedFileFails) {
  Case c = golden(GetParam());
  c.files.push_back({"evil.py", sha256_of("import os")});
  const ModelSignatureVerdict verdict = c.verify();
  EXPECT_EQ(verdict.status, SignatureStatus::kFailed);
  EXPECT_THAT(verdict.reason, GetParam() == "v1.0.0-elliptic-key"
                                  ? HasSubstr("covers a single file")
                                  : HasSubstr("evil.py is not covered by the signature"));
}

TEST_P(GoldenSignatureTest, TheWrongKeyFails) {
  Case c = golden(GetParam());
  auto stranger = fresh_key("P-384");
  const bool certificate = GetParam().find("certificate") != std::string::npos;
  c.anchors = *TrustAnchors::from_pem(certificate ? unrelated_ca_pem() : public_pem(stranger.get()),
                                      "stranger");
  const ModelSignatureVerdict verdict = c.verify();
  EXPECT_EQ(verdict.status, SignatureStatus::kFailed);
  if (certificate) {
    EXPECT_THAT(verdict.reason, HasSubstr("does not lead to a trusted CA"));
  } else if (GetParam().starts_with("v1.1.0")) {
    EXPECT_THAT(verdict.reason, HasSubstr("which is not a trusted key"));  // the hint names it
  } else {
    EXPECT_THAT(verdict.reason, HasSubstr("does not verify with any trusted key"));
  }
}

TEST_P(GoldenSignatureTest, AModifiedModelSigFails) {
  Case c = golden(GetParam());
  // Changing a signed digest without signing again breaks the signature.
  nlohmann::json bundle = nlohmann::json::parse(c.bundle);
  std::string payload = *base64_decode_strict(bundle["dsseEnvelope"]["payload"].get<std::string>());
  const std::size_t at = payload.find("\"digest\": \"") + 11;
  payload[at] = payload[at] == '0' ? '1' : '0';
  bundle["dsseEnvelope"]["payload"] = base64_encode(payload);
  c.bundle = bundle.dump();
  const ModelSignatureVerdict verdict = c.verify();
  EXPECT_EQ(verdict.status, SignatureStatus::kFailed);
  EXPECT_THAT(verdict.reason, HasSubstr("does not verify"));
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenSignatureTest,
                         ::testing::Values("v1.0.0-certificate", "v1.0.0-elliptic-key",
                                           "v1.0.1-certificate", "v1.0.1-elliptic-key",
                                           "v1.1.0-certificate", "v1.1.0-elliptic-key"));

TEST(ModelSignatureTest, ARemovedFileFails) {
  Case c = golden("v1.1.0-elliptic-key");
  std::erase_if(c.files, [](const ModelFile& file) { return file.path == "signme-2"; });
  EXPECT_THAT(c.verify().reason, HasSubstr("signed file signme-2 is missing"));
}

TEST(ModelSignatureTest, AnUnsignedFileIsNotIgnoredUnlessConfigured) {
  Case c = golden("v1.0.1-elliptic-key");
  c.ignores.clear();
  const ModelSignatureVerdict refused = c.verify();
  EXPECT_EQ(refused.status, SignatureStatus::kFailed);
  EXPECT_THAT(refused.reason, HasSubstr("ignore-me is not covered"));
  c.ignores = {"ignore-me"};
  const ModelSignatureVerdict verified = c.verify();
  EXPECT_EQ(verified.status, SignatureStatus::kVerified) << verified.reason;
  EXPECT_THAT(verified.ignored_paths, ::testing::Contains("ignore-me"));
  EXPECT_THAT(verified.signed_paths, ::testing::Not(::testing::Contains("ignore-me")));
}

TEST(ModelSignatureTest, AStatementEditedAndResignedFailsOnTheRootDigest) {
  Case c = golden("v1.1.0-elliptic-key");
  c.bundle = resigned(c.bundle, [](nlohmann::json& statement) {
    statement["predicate"]["resources"][0]["digest"] = std::string(64, 'a');
  });
  const ModelSignatureVerdict verdict = c.verify();
  EXPECT_EQ(verdict.status, SignatureStatus::kFailed);
  EXPECT_THAT(verdict.reason, HasSubstr("root digest mismatch"));
}

TEST(ModelSignatureTest, KeylessSigstoreIsPresentButNeverVerified) {
  for (const std::string name : {"v1.0.0-sigstore", "v1.0.1-sigstore", "v1.1.0-sigstore"}) {
    SCOPED_TRACE(name);
    Case c = golden(name);
    c.anchors = anchors_from("ca-cert.pem");
    c.anchors.add(anchors_from("signing-key-pub.pem"));
    const ModelSignatureVerdict verdict = c.verify();
    EXPECT_EQ(verdict.status, SignatureStatus::kNotVerifiable);
    EXPECT_EQ(verdict.method, "sigstore");
    EXPECT_THAT(verdict.reason, HasSubstr("no Sigstore trust root"));
    EXPECT_EQ(to_string(verdict.status), "present, not verifiable");
  }
}

TEST(ModelSignatureTest, WithoutTrustAnchorsNothingIsVerified) {
  Case c = golden("v1.1.0-certificate");
  c.anchors = anchors_from("signing-key-pub.pem");  // a key, but no CA
  EXPECT_EQ(c.verify().status, SignatureStatus::kNotVerifiable);
  Case k = golden("v1.1.0-elliptic-key");
  k.anchors = TrustAnchors{};
  EXPECT_EQ(k.verify().status, SignatureStatus::kNotVerifiable);
}

TEST(ModelSignatureTest, CertificatesAreCheckedAtTheVerificationTime) {
  Case c = golden("v1.1.0-certificate");
  c.at = 2208988800;  // 2040: after the leaf expired
  const ModelSignatureVerdict verdict = c.verify();
  EXPECT_EQ(verdict.status, SignatureStatus::kFailed);
  EXPECT_THAT(verdict.reason, HasSubstr("expired"));
}

TEST(ModelSignatureTest, RefusesMalformedBundles) {
  Case c = golden("v1.1.0-elliptic-key");
  const std::string original = c.bundle;
  c.bundle = "not json";
  EXPECT_THAT(c.verify().reason, HasSubstr("not a JSON object"));
  nlohmann::json bundle = nlohmann::json::parse(original);
  bundle["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.2+json";
  c.bundle = bundle.dump();
  EXPECT_THAT(c.verify().reason, HasSubstr("unsupported bundle mediaType"));
  bundle = nlohmann::json::parse(original);
  std::string sig = bundle["dsseEnvelope"]["signatures"][0]["sig"];
  bundle["dsseEnvelope"]["signatures"][0]["sig"] = sig.insert(4, "\n");
  c.bundle = bundle.dump();
  EXPECT_THAT(c.verify().reason, HasSubstr("not strict base64"));
}

TEST(Base64Test, DecodesStrictlyAndRoundTrips) {
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
  EXPECT_EQ(*base64_decode_strict("aGVsbG8="), "hello");
  EXPECT_EQ(*base64_decode_strict(""), "");
  EXPECT_FALSE(base64_decode_strict("aGVsbG8"));    // missing padding
  EXPECT_FALSE(base64_decode_strict("aGVs bG8="));  // whitespace
  EXPECT_FALSE(base64_decode_strict("aGVsbG9="));   // non-zero unused bits
  EXPECT_FALSE(base64_decode_strict("aG=sbG8="));   // padding inside
  for (std::string bytes : {"", "a", "ab", "abc", "abcd", "\xff\x00\x10"}) {
    EXPECT_EQ(*base64_decode_strict(base64_encode(bytes)), bytes);
  }
}

}  // namespace
}  // namespace mirrord
