// verify_model_signature: OpenSSF model signing (model.sig, security.md §1), the key-based and
// certificate-based methods, with OpenSSL.
//
// Checked in order: the Sigstore bundle (v0.3 media type, strict JSON and base64); the signer,
// from the operator's trust anchors only (a public key whose hint, when present, matches, or a
// certificate chain to a configured CA with digitalSignature / codeSigning on the leaf); the
// ECDSA signature over the DSSE PAE with the curve's hash; the in-toto Statement v1 with
// predicate v1.0, one subject, sha256 files serialization; the root digest recomputed from the
// resources; and the exact file set: every file of the model, minus the ignore paths (model.sig,
// .git*, the signed ignore_paths, the operator's), must be signed with an equal digest, and every
// signed file must exist.
//
// Keyless Sigstore bundles (a Fulcio certificate with transparency-log entries) need a Sigstore
// trust root, which is not configured: they are "present, not verifiable", never verified.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policies/inspect/trust_anchors.hpp"
#include "storage/digest.hpp"

namespace mirrord {

// A file of the model as the mirror knows it. `sha256` is unknown for a file the mirror did not
// download (its presence is still checked, its digest cannot be).
struct ModelFile {
  std::string path;
  std::optional<Sha256> sha256;
};

struct ModelSignatureInput {
  std::string_view bundle;                 // the bytes of model.sig
  std::vector<ModelFile> files;            // every file of the model (model.sig may be among them)
  std::vector<std::string> ignore_paths;   // configured by the operator
  const TrustAnchors* anchors = nullptr;   // null or empty: nothing can be verified
  std::optional<std::time_t> verify_time;  // for certificate validity; default: now
};

enum class SignatureStatus { kVerified, kNotVerifiable, kFailed };
std::string_view to_string(SignatureStatus status);

struct ModelSignatureVerdict {
  SignatureStatus status = SignatureStatus::kFailed;
  std::string method;                     // "key", "certificate", "sigstore", or "" when unreadable
  std::string reason;                     // failed / not verifiable: why; verified: who signed
  std::vector<std::string> signed_paths;  // files whose signed digest matched
  std::vector<std::string> unchecked_paths;  // signed files the mirror has no digest for
  std::vector<std::string> ignored_paths;    // files excluded by ignore rules: never "verified"
};

ModelSignatureVerdict verify_model_signature(const ModelSignatureInput& input);

// The DSSE v1 pre-authentication encoding: what the signature covers.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

// Private to the verifier (model_signature_*.cpp): the signer checks and the statement checks.
namespace model_sig {

struct Envelope {
  std::string payload;  // decoded
  std::string payload_type;
  std::string signature;  // decoded DER
};

// Verifies `pae` against a configured key (method "key"); fills method and reason.
bool verify_with_keys(const std::string& hint, const std::string& pae, const std::string& signature,
                      const TrustAnchors& anchors, ModelSignatureVerdict& verdict);
// Verifies the chain (DER certificates, leaf first) and `pae` with the leaf's key.
bool verify_with_chain(const std::vector<std::string>& chain, const std::string& pae,
                       const std::string& signature, const TrustAnchors& anchors, std::time_t at,
                       ModelSignatureVerdict& verdict);
// Checks the statement, the root digest and the file set; fills the path lists.
bool check_statement(const std::string& payload, const ModelSignatureInput& input,
                     ModelSignatureVerdict& verdict);

}  // namespace model_sig

}  // namespace mirrord
