#include "daemon/apt/release.hpp"

#include <algorithm>
#include <charconv>

#include "daemon/apt/deb822.hpp"
#include "daemon/apt/release_date.hpp"

namespace mirrord::apt {
namespace {

constexpr std::uint64_t kMaxIndexSize = 4ull << 30;

Error invalid(const std::string& message) {
  return make_error(ErrorCode::kInvalidInput, "Release: " + message);
}

std::vector<std::string> words_of(std::optional<std::string_view> value) {
  std::vector<std::string> words;
  if (value) {
    for (std::string_view word : split_words(*value)) {
      words.emplace_back(word);
    }
  }
  return words;
}

bool is_lower_hex(std::string_view text, std::size_t size) {
  return text.size() == size && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

struct ChecksumLine {
  std::string_view hex;
  std::uint64_t size = 0;
  std::string_view path;
};

Result<ChecksumLine> parse_checksum_line(std::string_view line, std::size_t hex_size) {
  const std::vector<std::string_view> words = split_words(line);
  if (words.size() != 3) {
    return invalid("malformed checksum line '" + std::string(line.substr(0, 200)) + "'");
  }
  ChecksumLine parsed{words[0], 0, words[2]};
  const auto [end, ec] =
      std::from_chars(words[1].data(), words[1].data() + words[1].size(), parsed.size);
  if (ec != std::errc() || end != words[1].data() + words[1].size() ||
      parsed.size > kMaxIndexSize) {
    return invalid("bad size in checksum line for " + std::string(parsed.path));
  }
  if (!is_lower_hex(parsed.hex, hex_size)) {
    return invalid("bad digest in checksum line for " + std::string(parsed.path));
  }
  if (!is_safe_relative_path(parsed.path)) {
    return invalid("unsafe path '" + std::string(parsed.path.substr(0, 200)) + "'");
  }
  return parsed;
}

Status read_sha256(std::string_view list, ReleaseInfo& info) {
  for (std::string_view line : value_lines(list)) {
    MIRRORD_TRY_ASSIGN(const ChecksumLine parsed, parse_checksum_line(line, 64));
    ReleaseEntry entry{std::string(parsed.path), parsed.size, *Sha256::from_hex(parsed.hex), {}};
    if (!info.entries.emplace(entry.path, entry).second) {
      return invalid("SHA256 lists " + entry.path + " twice");
    }
  }
  return {};
}

Status read_sha512(std::string_view list, ReleaseInfo& info) {
  for (std::string_view line : value_lines(list)) {
    MIRRORD_TRY_ASSIGN(const ChecksumLine parsed, parse_checksum_line(line, 128));
    auto entry = info.entries.find(std::string(parsed.path));
    if (entry == info.entries.end()) {
      continue;  // only SHA512-listed: never served (SHA256 is what the mirror verifies)
    }
    if (entry->second.size != parsed.size || entry->second.sha512) {
      return invalid("SHA512 and SHA256 disagree about " + entry->first);
    }
    entry->second.sha512 = std::string(parsed.hex);
  }
  return {};
}

Result<std::int64_t> required_date(const std::optional<std::string_view>& value,
                                   const char* field) {
  if (!value) {
    return invalid(std::string("no ") + field + " field");
  }
  const auto date = parse_release_date(*value);
  if (!date) {
    return invalid(std::string("unreadable ") + field + " '" + std::string(*value) + "'");
  }
  return *date;
}

bool field_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') {
    return false;
  }
  return std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

}  // namespace

Result<ReleaseInfo> parse_release(std::string_view signed_text) {
  MIRRORD_TRY_ASSIGN(const std::vector<Deb822Stanza> stanzas, parse_deb822(signed_text));
  if (stanzas.size() != 1) {
    return invalid("expected one stanza, found " + std::to_string(stanzas.size()));
  }
  const Deb822Stanza& stanza = stanzas.front();
  ReleaseInfo info;
  info.origin = std::string(stanza.get("Origin").value_or(""));
  info.label = std::string(stanza.get("Label").value_or(""));
  info.suite = std::string(stanza.get("Suite").value_or(""));
  info.codename = std::string(stanza.get("Codename").value_or(""));
  MIRRORD_TRY_ASSIGN(info.date, required_date(stanza.get("Date"), "Date"));
  if (const auto valid_until = stanza.get("Valid-Until")) {
    MIRRORD_TRY_ASSIGN(info.valid_until, required_date(valid_until, "Valid-Until"));
  }
  info.architectures = words_of(stanza.get("Architectures"));
  info.components = words_of(stanza.get("Components"));
  info.acquire_by_hash = stanza.get("Acquire-By-Hash").value_or("") == "yes";
  info.no_arch_all_packages =
      stanza.get("No-Support-for-Architecture-all").value_or("") == "Packages";
  const auto sha256 = stanza.get("SHA256");
  if (!sha256) {
    return invalid("no SHA256 list (MD5Sum and SHA1 are too weak to trust)");
  }
  MIRRORD_TRY(read_sha256(*sha256, info));
  if (const auto sha512 = stanza.get("SHA512")) {
    MIRRORD_TRY(read_sha512(*sha512, info));
  }
  return info;
}

Result<std::string> resigned_release_text(std::string_view signed_text, std::int64_t date,
                                          std::int64_t valid_until) {
  std::string out;
  bool saw_date = false;
  bool dropping = false;  // inside a dropped field, including its continuation lines
  std::size_t start = 0;
  while (start < signed_text.size()) {
    const std::size_t end = std::min(signed_text.find('\n', start), signed_text.size());
    const std::string_view line = signed_text.substr(start, end - start);
    start = end + 1;
    const bool continuation = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (continuation && dropping) {
      continue;
    }
    dropping = false;
    if (!continuation && (field_is(line, "Valid-Until") || field_is(line, "Signed-By"))) {
      dropping = true;
      continue;
    }
    if (!continuation && field_is(line, "Date")) {
      out += "Date: " + format_release_date(date) + "\n";
      out += "Valid-Until: " + format_release_date(valid_until) + "\n";
      saw_date = true;
      continue;
    }
    out.append(line);
    out.push_back('\n');
  }
  if (!saw_date) {
    return invalid("no Date field to replace");
  }
  return out;
}

bool is_safe_relative_path(std::string_view path) {
  if (path.empty() || path.size() > 1024) {
    return false;
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment.front() == '.') {
      return false;  // covers "", ".", ".." and hidden names
    }
    for (char c : segment) {
      if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '"' || c == '?' || c == '#') {
        return false;
      }
    }
    start = end + 1;
  }
  return true;
}

}  // namespace mirrord::apt
