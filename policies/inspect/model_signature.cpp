// verify_model_signature: the bundle and envelope, then the signer and the statement.
#include "policies/inspect/model_signature.hpp"

#include <nlohmann/json.hpp>

#include "policies/inspect/base64.hpp"

namespace mirrord {
namespace {

using nlohmann::json;

constexpr std::string_view kBundleV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
constexpr std::string_view kBundleV03Alt = "application/vnd.dev.sigstore.bundle+json;version=0.3";
constexpr std::string_view kInTotoType = "application/vnd.in-toto+json";
constexpr std::size_t kMaxBundleBytes = 16u << 20;

ModelSignatureVerdict failed(std::string method, std::string reason) {
  ModelSignatureVerdict verdict;
  verdict.method = std::move(method);
  verdict.reason = std::move(reason);
  return verdict;
}

ModelSignatureVerdict not_verifiable(std::string method, std::string reason) {
  ModelSignatureVerdict verdict = failed(std::move(method), std::move(reason));
  verdict.status = SignatureStatus::kNotVerifiable;
  return verdict;
}

const json* member(const json& object, const char* key) {
  if (!object.is_object())
    return nullptr;
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

std::optional<std::string> string_member(const json& object, const char* key) {
  const json* value = member(object, key);
  return value != nullptr && value->is_string() ? std::optional(value->get<std::string>())
                                                : std::nullopt;
}

std::optional<std::string> decoded_member(const json& object, const char* key) {
  const auto text = string_member(object, key);
  return text ? base64_decode_strict(*text) : std::nullopt;
}

std::optional<model_sig::Envelope> read_envelope(const json& bundle, std::string& problem) {
  const json* envelope = member(bundle, "dsseEnvelope");
  model_sig::Envelope out;
  const auto payload = envelope ? decoded_member(*envelope, "payload") : std::nullopt;
  const auto type = envelope ? string_member(*envelope, "payloadType") : std::nullopt;
  const json* signatures = envelope ? member(*envelope, "signatures") : nullptr;
  if (!payload || !type || signatures == nullptr || !signatures->is_array() ||
      signatures->empty()) {
    problem = "the DSSE envelope lacks a base64 payload, a payloadType or a signature";
    return std::nullopt;
  }
  const auto signature = decoded_member((*signatures)[0], "sig");
  if (!signature) {
    problem = "signatures[0].sig is not strict base64";
    return std::nullopt;
  }
  if (*type != kInTotoType) {
    problem = "payloadType is '" + *type + "', not " + std::string(kInTotoType);
    return std::nullopt;
  }
  out.payload = *payload;
  out.payload_type = *type;
  out.signature = *signature;
  return out;
}

// The DER certificates of x509CertificateChain, leaf first; nullopt when malformed.
std::optional<std::vector<std::string>> chain_of(const json& material) {
  const json* chain = member(material, "x509CertificateChain");
  const json* certificates = chain ? member(*chain, "certificates") : nullptr;
  if (certificates == nullptr || !certificates->is_array() || certificates->empty()) {
    return std::nullopt;
  }
  std::vector<std::string> der;
  for (const json& certificate : *certificates) {
    auto bytes = decoded_member(certificate, "rawBytes");
    if (!bytes) {
      return std::nullopt;
    }
    der.push_back(std::move(*bytes));
  }
  return der;
}

bool has_trust(const TrustAnchors* anchors, bool certificates) {
  return anchors != nullptr &&
         !(certificates ? anchors->certificates().empty() : anchors->keys().empty());
}

}  // namespace

std::string_view to_string(SignatureStatus status) {
  switch (status) {
    case SignatureStatus::kVerified:
      return "verified";
    case SignatureStatus::kNotVerifiable:
      return "present, not verifiable";
    case SignatureStatus::kFailed:
      return "failed";
  }
  return "failed";
}

std::string dsse_pae(std::string_view payload_type, std::string_view payload) {
  return "DSSEv1 " + std::to_string(payload_type.size()) + " " + std::string(payload_type) + " " +
         std::to_string(payload.size()) + " " + std::string(payload);
}

ModelSignatureVerdict verify_model_signature(const ModelSignatureInput& input) {
  if (input.bundle.size() > kMaxBundleBytes) {
    return failed("", "model.sig is larger than any signature bundle");
  }
  const json bundle = json::parse(input.bundle, nullptr, /*allow_exceptions=*/false);
  if (bundle.is_discarded() || !bundle.is_object()) {
    return failed("", "model.sig is not a JSON object");
  }
  const auto media_type = string_member(bundle, "mediaType");
  if (!media_type || (*media_type != kBundleV03 && *media_type != kBundleV03Alt)) {
    return failed("", "unsupported bundle mediaType " + (media_type ? *media_type : "(none)"));
  }
  const json* material = member(bundle, "verificationMaterial");
  if (material == nullptr || !material->is_object()) {
    return failed("", "the bundle has no verificationMaterial");
  }
  std::string problem;
  const auto envelope = read_envelope(bundle, problem);
  if (!envelope) {
    return failed("", problem);
  }
  const std::string pae = dsse_pae(envelope->payload_type, envelope->payload);
  ModelSignatureVerdict verdict;
  if (const json* key = member(*material, "publicKey"); key != nullptr) {
    if (!has_trust(input.anchors, false)) {
      return not_verifiable("key", "signed with a key, and no trusted public key is configured");
    }
    const std::string hint = string_member(*key, "hint").value_or("");
    if (!model_sig::verify_with_keys(hint, pae, envelope->signature, *input.anchors, verdict)) {
      return verdict;
    }
  } else if (member(*material, "x509CertificateChain") != nullptr) {
    const auto chain = chain_of(*material);
    if (!chain) {
      return failed("certificate", "x509CertificateChain is malformed");
    }
    if (!has_trust(input.anchors, true)) {
      return not_verifiable("certificate",
                            "signed with a certificate, and no trusted CA is configured");
    }
    const std::time_t at = input.verify_time.value_or(std::time(nullptr));
    if (!model_sig::verify_with_chain(*chain, pae, envelope->signature, *input.anchors, at,
                                      verdict)) {
      return verdict;
    }
  } else if (member(*material, "certificate") != nullptr) {
    return not_verifiable("sigstore",
                          "keyless Sigstore signature; no Sigstore trust root is configured");
  } else {
    return failed("", "verificationMaterial names no key, certificate chain or certificate");
  }
  if (!model_sig::check_statement(envelope->payload, input, verdict)) {
    verdict.status = SignatureStatus::kFailed;
    return verdict;
  }
  verdict.status = SignatureStatus::kVerified;
  return verdict;
}

}  // namespace mirrord
