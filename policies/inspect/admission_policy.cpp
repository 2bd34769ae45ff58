#include "policies/inspect/admission_policy.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace mirrord {
namespace {

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names,
                         Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) {
      return name;
    }
  }
  return "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& names,
                             std::string_view text) {
  for (const auto& [candidate, name] : names) {
    if (name == text) {
      return candidate;
    }
  }
  return std::nullopt;
}

constexpr std::array kPickleNames = {std::pair{PickleRule::kRefuse, std::string_view("refuse")},
                                     std::pair{PickleRule::kScan, std::string_view("scan")},
                                     std::pair{PickleRule::kAllow, std::string_view("allow")}};
constexpr std::array kSignatureNames = {
    std::pair{SignatureRule::kRequired, std::string_view("required")},
    std::pair{SignatureRule::kIfPresent, std::string_view("if-present")},
    std::pair{SignatureRule::kIgnore, std::string_view("ignore")}};
constexpr std::array kRemoteCodeNames = {
    std::pair{RemoteCodeRule::kRefuse, std::string_view("refuse")},
    std::pair{RemoteCodeRule::kAllow, std::string_view("allow")}};
constexpr std::array kRefusalNames = {
    std::pair{RefusalRule::kPublishRest, std::string_view("publish-rest")},
    std::pair{RefusalRule::kFail, std::string_view("fail")}};

constexpr std::array kUnits = {
    std::pair{std::string_view("B"), 1ull},
    std::pair{std::string_view("KB"), 1000ull},
    std::pair{std::string_view("MB"), 1000ull * 1000},
    std::pair{std::string_view("GB"), 1000ull * 1000 * 1000},
    std::pair{std::string_view("TB"), 1000ull * 1000 * 1000 * 1000},
    std::pair{std::string_view("KiB"), 1ull << 10},
    std::pair{std::string_view("MiB"), 1ull << 20},
    std::pair{std::string_view("GiB"), 1ull << 30},
    std::pair{std::string_view("TiB"), 1ull << 40},
};

}  // namespace

std::string_view to_string(PickleRule rule) {
  return name_of(kPickleNames, rule);
}
std::string_view to_string(SignatureRule rule) {
  return name_of(kSignatureNames, rule);
}
std::string_view to_string(RemoteCodeRule rule) {
  return name_of(kRemoteCodeNames, rule);
}
std::string_view to_string(RefusalRule rule) {
  return name_of(kRefusalNames, rule);
}

std::optional<PickleRule> parse_pickle_rule(std::string_view text) {
  return value_of(kPickleNames, text);
}
std::optional<SignatureRule> parse_signature_rule(std::string_view text) {
  return value_of(kSignatureNames, text);
}
std::optional<RemoteCodeRule> parse_remote_code_rule(std::string_view text) {
  return value_of(kRemoteCodeNames, text);
}
std::optional<RefusalRule> parse_refusal_rule(std::string_view text) {
  return value_of(kRefusalNames, text);
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::uint64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) {
    return std::nullopt;
  }
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  while (!unit.empty() && unit.front() == ' ') {
    unit.remove_prefix(1);
  }
  if (unit.empty()) {
    return number;
  }
  for (const auto& [name, factor] : kUnits) {
    std::uint64_t bytes = 0;
    if (name == unit) {
      return __builtin_mul_overflow(number, factor, &bytes) ? std::nullopt
                                                            : std::optional<std::uint64_t>(bytes);
    }
  }
  return std::nullopt;
}

}  // namespace mirrord
