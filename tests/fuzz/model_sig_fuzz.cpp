// libFuzzer target: the model.sig reader (Sigstore bundle, DSSE envelope, strict base64, in-toto
// statement) with the test key and CA as trust anchors, over a two-file model.
// Property: nothing verifies (the fuzzer has no private key). Seeds: corpus/model_sig/ (the
// OpenSSF golden model.sig files and broken variants).
#include <cstddef>
#include <cstdint>
#include <string>

#include "policies/inspect/base64.hpp"
#include "policies/inspect/model_signature.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

// The test signing key (tests/data/model-signing/keys/certificate/signing-key-pub.pem), so that
// inputs reach the signature and statement checks, not only the parser.
constexpr const char* kTestKey = R"(-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEsu6rZGBTjxtvRWPMixT+3HyndV0J0Ybt
aHZUcO4DEK+OJHO/4e32bb/fbJKSpRgcBsIpKLcVijUomyFOERbd7u+BTPSUjGZD
Qq6J7lTvp/EAXQGOKxW9RP0MGX3qAkvi
-----END PUBLIC KEY-----
)";

const mirrord::TrustAnchors& anchors() {
  static const mirrord::TrustAnchors loaded = [] {
    auto parsed = mirrord::TrustAnchors::from_pem(kTestKey, "fuzz key");
    return parsed ? *parsed : mirrord::TrustAnchors{};
  }();
  return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  mirrord::ModelSignatureInput input;
  input.bundle = bytes;
  input.files = {{"signme-1", mirrord::sha256_of("signme-1")}, {"signme-2", std::nullopt}};
  input.anchors = &anchors();
  input.verify_time = 1767225600;
  // The file digests above are not what any real signature covers, and the fuzzer has no private
  // key: nothing it writes can verify.
  const auto verdict = mirrord::verify_model_signature(input);
  FUZZ_CHECK(verdict.status != mirrord::SignatureStatus::kVerified);
  (void)mirrord::base64_decode_strict(bytes);
  return 0;
}
