// AdmissionPolicy: what a model must satisfy to be published (the trust keys of an hf policy).
//
// Pure data, filled by policies/hf_fields.cpp from a `[[mirror]]` entry, and read by the
// inspectors and the admission decision. The defaults are the safe ones: pickles are scanned by
// the allowlist (never loaded), remote code is refused, a model.sig that is present must verify.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mirrord {

enum class PickleRule { kRefuse, kScan, kAllow };
enum class SignatureRule { kRequired, kIfPresent, kIgnore };
enum class RemoteCodeRule { kRefuse, kAllow };
enum class RefusalRule { kPublishRest, kFail };

struct AdmissionPolicy {
  PickleRule pickles = PickleRule::kScan;
  RemoteCodeRule remote_code = RemoteCodeRule::kRefuse;
  SignatureRule signature = SignatureRule::kIfPresent;
  std::vector<std::filesystem::path> trusted_keys;  // PEM public keys or CA certificates
  std::vector<std::string> signature_ignore_paths;  // operator-configured model.sig ignores
  std::uint64_t max_file_size = 0;                  // bytes; 0: no limit
  std::uint64_t max_total_size = 0;                 // bytes; 0: no limit
  std::vector<std::string> licenses;                // allowed licence ids; empty: any
  RefusalRule on_refusal = RefusalRule::kPublishRest;
};

std::string_view to_string(PickleRule rule);
std::string_view to_string(SignatureRule rule);
std::string_view to_string(RemoteCodeRule rule);
std::string_view to_string(RefusalRule rule);
std::optional<PickleRule> parse_pickle_rule(std::string_view text);
std::optional<SignatureRule> parse_signature_rule(std::string_view text);
std::optional<RemoteCodeRule> parse_remote_code_rule(std::string_view text);
std::optional<RefusalRule> parse_refusal_rule(std::string_view text);

// Parses a byte size: an integer, or a number with a unit (B, KB, MB, GB, TB, KiB, MiB, GiB,
// TiB), e.g. "20 GiB". nullopt when malformed or overflowing.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace mirrord
