#include "daemon/pypi/pypi_negotiate.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <tuple>

#include "storage/text.hpp"

namespace mirrord::pypi {
namespace {

constexpr std::string_view kJsonV1 = "application/vnd.pypi.simple.v1+json";
constexpr std::string_view kJsonLatest = "application/vnd.pypi.simple.latest+json";
constexpr std::string_view kHtmlV1 = "application/vnd.pypi.simple.v1+html";
constexpr std::string_view kHtmlLatest = "application/vnd.pypi.simple.latest+html";
constexpr std::string_view kTextHtml = "text/html";

// Specificity of a match: an exact type beats "type/*", which beats "*/*".
enum Specificity { kNone = 0, kAny = 1, kTypeWildcard = 2, kExact = 3 };

struct Offer {
  PageFormat format;
  std::array<std::string_view, 2> exact;
  std::string_view major;  // "application" or "text"
};

constexpr std::array kOffers = {
    Offer{PageFormat::kJson, {kJsonV1, kJsonLatest}, "application"},
    Offer{PageFormat::kHtml, {kHtmlV1, kHtmlLatest}, "application"},
    Offer{PageFormat::kTextHtml, {kTextHtml, kTextHtml}, "text"},
};

std::string_view trim(std::string_view text) {
  return trim_any(text, kBlanks);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

// q in [0, 1] in thousandths; nullopt when malformed.
std::optional<int> parse_q(std::string_view value) {
  value = trim(value);
  if (value.empty() || value.size() > 5 || (value[0] != '0' && value[0] != '1')) {
    return std::nullopt;
  }
  double q = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
  if (ec != std::errc() || end != value.data() + value.size() || q < 0 || q > 1) {
    return std::nullopt;
  }
  return static_cast<int>(q * 1000 + 0.5);
}

Specificity match(const Offer& offer, std::string_view range) {
  if (range == offer.exact[0] || range == offer.exact[1]) {
    return kExact;
  }
  if (range.size() == offer.major.size() + 2 && range.starts_with(offer.major) &&
      range.ends_with("/*")) {
    return kTypeWildcard;
  }
  return range == "*/*" ? kAny : kNone;
}

struct Wanted {
  int q = -1;  // -1: not mentioned
  Specificity specificity = kNone;
};

// Ties: among exact mentions JSON first; when only wildcards matched, the most compatible
// (text/html) first.
int preference(PageFormat format, Specificity specificity) {
  const int order = static_cast<int>(format);
  return specificity == kExact ? 2 - order : order;
}

}  // namespace

std::optional<PageFormat> negotiate_format(std::optional<std::string_view> accept,
                                           std::optional<std::string_view> format_parameter) {
  const std::string_view header = format_parameter ? *format_parameter : accept.value_or("*/*");
  std::array<Wanted, kOffers.size()> wanted{};
  std::size_t start = 0;
  while (start <= header.size()) {
    const std::size_t comma = std::min(header.find(',', start), header.size());
    const std::string_view entry = header.substr(start, comma - start);
    start = comma + 1;
    const std::size_t semicolon = entry.find(';');
    const std::string range = lower(trim(entry.substr(0, semicolon)));
    std::optional<int> q = 1000;
    for (std::size_t at = semicolon; at != std::string_view::npos && q;) {
      const std::size_t next = entry.find(';', at + 1);
      const std::string_view param = trim(entry.substr(at + 1, next - at - 1));
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        q = parse_q(param.substr(2));
      }
      at = next;
    }
    if (!q) {
      continue;  // a malformed q-value makes the entry meaningless
    }
    for (std::size_t i = 0; i < kOffers.size(); ++i) {
      const Specificity specificity = match(kOffers[i], range);
      if (specificity > wanted[i].specificity) {
        wanted[i] = Wanted{*q, specificity};
      }
    }
  }
  std::optional<PageFormat> best;
  std::tuple<int, int, int> best_rank{0, 0, 0};
  for (std::size_t i = 0; i < kOffers.size(); ++i) {
    if (wanted[i].q <= 0) {
      continue;
    }
    const std::tuple<int, int, int> rank{wanted[i].q, wanted[i].specificity,
                                         preference(kOffers[i].format, wanted[i].specificity)};
    if (!best || rank > best_rank) {
      best = kOffers[i].format;
      best_rank = rank;
    }
  }
  return best;
}

const char* content_type_of(PageFormat format) {
  switch (format) {
    case PageFormat::kJson:
      return "application/vnd.pypi.simple.v1+json";
    case PageFormat::kHtml:
      return "application/vnd.pypi.simple.v1+html";
    case PageFormat::kTextHtml:
      return "text/html";
  }
  return "text/html";
}

}  // namespace mirrord::pypi
