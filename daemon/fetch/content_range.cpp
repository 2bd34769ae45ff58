#include "daemon/fetch/content_range.hpp"

#include <charconv>

namespace mirrord {
namespace {

std::optional<std::uint64_t> parse_position(std::string_view digits) {
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;  // out of range
  }
  return value;
}

}  // namespace

std::optional<std::uint64_t> content_range_start(std::string_view value) {
  constexpr std::string_view kUnit = "bytes ";
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  if (!value.starts_with(kUnit)) {
    return std::nullopt;
  }
  value.remove_prefix(kUnit.size());
  const auto dash = value.find('-');
  const auto slash = value.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return std::nullopt;
  }
  const auto first = parse_position(value.substr(0, dash));
  const auto last = parse_position(value.substr(dash + 1, slash - dash - 1));
  const std::string_view total = value.substr(slash + 1);
  if (!first || !last || *last < *first || (total != "*" && !parse_position(total))) {
    return std::nullopt;
  }
  return first;
}

bool response_continues_at(const FetchResponse& response, std::uint64_t range_start) {
  if (response.status == 200) {
    return range_start == 0;
  }
  if (response.status != 206) {
    return false;
  }
  const auto range = response.header("Content-Range");
  return range && content_range_start(*range) == range_start;
}

}  // namespace mirrord
