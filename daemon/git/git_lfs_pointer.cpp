#include "daemon/git/git_lfs_pointer.hpp"

#include <charconv>

#include "daemon/git/git_pack_names.hpp"

namespace mirrord::git {
namespace {

constexpr std::string_view kVersionLine = "version https://git-lfs.github.com/spec/v1\n";
constexpr std::string_view kOidPrefix = "oid sha256:";
constexpr std::string_view kSizePrefix = "size ";
// Sizes beyond this are not files anyone stores; refusing them keeps arithmetic safe.
constexpr std::uint64_t kMaxObjectSize = std::uint64_t{1} << 50;

// Takes one LF-terminated line starting with `prefix`; returns its value without the LF.
std::optional<std::string_view> take_line(std::string_view& text, std::string_view prefix) {
  const std::size_t end = text.find('\n');
  if (end == std::string_view::npos || !text.starts_with(prefix)) {
    return std::nullopt;
  }
  const std::string_view value = text.substr(prefix.size(), end - prefix.size());
  text.remove_prefix(end + 1);
  return value;
}

std::optional<std::uint64_t> parse_size(std::string_view digits) {
  if (digits.empty() || digits.size() > 16 || (digits.size() > 1 && digits.front() == '0')) {
    return std::nullopt;
  }
  std::uint64_t size = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (error != std::errc() || end != digits.data() + digits.size() || size > kMaxObjectSize) {
    return std::nullopt;
  }
  return size;
}

}  // namespace

std::optional<LfsPointer> parse_lfs_pointer(std::string_view text) {
  if (text.size() > kMaxLfsPointerSize || !text.starts_with(kVersionLine)) {
    return std::nullopt;
  }
  text.remove_prefix(kVersionLine.size());
  const auto oid_hex = take_line(text, kOidPrefix);
  if (!oid_hex || oid_hex->size() != 64 || !is_lower_hex(*oid_hex)) {
    return std::nullopt;
  }
  const auto size_text = take_line(text, kSizePrefix);
  if (!size_text || !text.empty()) {
    return std::nullopt;
  }
  const auto size = parse_size(*size_text);
  const auto oid = Sha256::from_hex(*oid_hex);
  if (!size || !oid) {
    return std::nullopt;
  }
  return LfsPointer{*oid, *size};
}

}  // namespace mirrord::git
