// Pep440Version: parsing every spelling PEP 440 accepts (its "permissive" regex, written as a
// cursor) and the total order of the specification's "Summary of permitted suffixes".
#include <algorithm>
#include <cctype>
#include <tuple>

#include "policies/pypi_version.hpp"
#include "storage/text.hpp"

namespace mirrord {
namespace {

constexpr std::size_t kMaxDigits = 18;  // fits std::int64_t

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z');
}
bool is_separator(char c) {
  return c == '.' || c == '-' || c == '_';
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  std::size_t pos() const { return pos_; }
  void reset(std::size_t pos) { pos_ = pos; }
  void skip(std::size_t n = 1) { pos_ += n; }
  bool skip_if(char c) {
    if (peek() == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool skip_separator() {
    if (is_separator(peek())) {
      ++pos_;
      return true;
    }
    return false;
  }
  // Consumes `word` case-insensitively when it comes next and is not followed by a letter.
  bool skip_word(std::string_view word) {
    if (text_.size() - pos_ < word.size()) {
      return false;
    }
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (lower(text_[pos_ + i]) != word[i]) {
        return false;
      }
    }
    const char after = peek(word.size());
    if (after != '\0' && std::isalpha(static_cast<unsigned char>(after))) {
      return false;
    }
    pos_ += word.size();
    return true;
  }
  // nullopt when no digit comes next; a number too long to hold is `overflow`.
  std::optional<std::int64_t> number(bool& overflow) {
    std::size_t digits = 0;
    std::int64_t value = 0;
    while (is_digit(peek())) {
      if (++digits > kMaxDigits) {
        overflow = true;
        return std::nullopt;
      }
      value = value * 10 + (peek() - '0');
      ++pos_;
    }
    return digits == 0 ? std::nullopt : std::optional<std::int64_t>(value);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string_view trim(std::string_view text) {
  return trim_any(text, kAsciiSpace);
}

std::optional<Pep440Version::PreKind> pre_kind(Cursor& in) {
  // Longer spellings first, so "preview" is not read as "pre" followed by garbage.
  static constexpr std::pair<std::string_view, Pep440Version::PreKind> kSpellings[] = {
      {"alpha", Pep440Version::PreKind::kAlpha}, {"a", Pep440Version::PreKind::kAlpha},
      {"beta", Pep440Version::PreKind::kBeta},   {"b", Pep440Version::PreKind::kBeta},
      {"preview", Pep440Version::PreKind::kRc},  {"pre", Pep440Version::PreKind::kRc},
      {"rc", Pep440Version::PreKind::kRc},       {"c", Pep440Version::PreKind::kRc},
  };
  for (const auto& [word, kind] : kSpellings) {
    if (in.skip_word(word)) {
      return kind;
    }
  }
  return std::nullopt;
}

// "[-_.]?LABEL[-_.]?N?", where `read_label` consumes LABEL and reports whether it was there.
// The cursor is restored when the label is absent; a missing number is 0 ("1.0a" is "1.0a0").
template <class ReadLabel>
std::optional<std::int64_t> optional_suffix(Cursor& in, ReadLabel read_label, bool& overflow) {
  const std::size_t start = in.pos();
  in.skip_separator();
  if (!read_label(in)) {
    in.reset(start);
    return std::nullopt;
  }
  const std::size_t before_number = in.pos();
  in.skip_separator();
  std::optional<std::int64_t> number = in.number(overflow);
  if (!number) {
    in.reset(before_number);  // a lone trailing separator is not part of this suffix
  }
  return number.value_or(0);
}

bool parse_release(Cursor& in, Pep440Version& version, bool& overflow) {
  for (;;) {
    std::optional<std::int64_t> part = in.number(overflow);
    if (!part) {
      return false;
    }
    version.release.push_back(*part);
    if (in.peek() != '.' || !is_digit(in.peek(1))) {
      return true;
    }
    in.skip();
  }
}

bool parse_post(Cursor& in, Pep440Version& version, bool& overflow) {
  if (in.peek() == '-' && is_digit(in.peek(1))) {  // "1.0-1" is "1.0.post1"
    in.skip();
    version.post = in.number(overflow);
    return version.post.has_value();
  }
  version.post = optional_suffix(
      in, [](Cursor& c) { return c.skip_word("post") || c.skip_word("rev") || c.skip_word("r"); },
      overflow);
  return true;
}

bool parse_local(Cursor& in, Pep440Version& version) {
  if (!in.skip_if('+')) {
    return true;
  }
  for (;;) {
    std::string segment;
    while (is_alnum(in.peek())) {
      segment.push_back(lower(in.peek()));
      in.skip();
    }
    if (segment.empty()) {
      return false;
    }
    version.local.push_back(std::move(segment));
    if (!in.skip_separator()) {
      return true;
    }
  }
}

bool is_number(const std::string& segment) {
  return !segment.empty() && std::all_of(segment.begin(), segment.end(), is_digit);
}

// Local segments: numbers sort after letters and numerically among themselves.
int compare_local(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const bool a_number = is_number(a[i]);
    const bool b_number = is_number(b[i]);
    if (a_number != b_number) {
      return a_number ? 1 : -1;
    }
    if (a_number) {
      const std::string_view a_digits =
          std::string_view(a[i]).substr(std::min(a[i].find_first_not_of('0'), a[i].size() - 1));
      const std::string_view b_digits =
          std::string_view(b[i]).substr(std::min(b[i].find_first_not_of('0'), b[i].size() - 1));
      if (a_digits.size() != b_digits.size()) {
        return a_digits.size() < b_digits.size() ? -1 : 1;
      }
      if (const int c = a_digits.compare(b_digits); c != 0) {
        return c < 0 ? -1 : 1;
      }
    } else if (const int c = a[i].compare(b[i]); c != 0) {
      return c < 0 ? -1 : 1;
    }
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// The pre-release key: a dev release of a final version sorts before its pre-releases.
std::tuple<int, int, std::int64_t> pre_key(const Pep440Version& v) {
  if (v.pre) {
    return {1, static_cast<int>(v.pre->kind), v.pre->number};
  }
  if (v.dev && !v.post) {
    return {0, 0, 0};
  }
  return {2, 0, 0};
}

}  // namespace

std::optional<Pep440Version> Pep440Version::parse(std::string_view text) {
  Cursor in(trim(text));
  bool overflow = false;
  Pep440Version version;
  if (lower(in.peek()) == 'v') {
    in.skip();
  }
  if (!parse_release(in, version, overflow)) {
    return std::nullopt;
  }
  if (in.skip_if('!')) {
    version.epoch = version.release.front();
    if (version.release.size() != 1) {
      return std::nullopt;
    }
    version.release.clear();
    if (!parse_release(in, version, overflow)) {
      return std::nullopt;
    }
  }
  PreKind kind = PreKind::kAlpha;
  const auto read_pre = [&kind](Cursor& c) {
    const std::optional<PreKind> found = pre_kind(c);
    kind = found.value_or(kind);
    return found.has_value();
  };
  if (const std::optional<std::int64_t> number = optional_suffix(in, read_pre, overflow)) {
    version.pre = Pre{kind, *number};
  }
  if (!parse_post(in, version, overflow)) {
    return std::nullopt;
  }
  version.dev = optional_suffix(
      in, [](Cursor& c) { return c.skip_word("dev"); }, overflow);
  if (!parse_local(in, version) || !in.done() || overflow) {
    return std::nullopt;
  }
  return version;
}

std::string Pep440Version::str() const {
  std::string out;
  if (epoch != 0) {
    out = std::to_string(epoch) + "!";
  }
  for (std::size_t i = 0; i < release.size(); ++i) {
    out += (i == 0 ? "" : ".") + std::to_string(release[i]);
  }
  if (pre) {
    static constexpr const char* kLabels[] = {"a", "b", "rc"};
    out += kLabels[static_cast<int>(pre->kind)] + std::to_string(pre->number);
  }
  if (post) {
    out += ".post" + std::to_string(*post);
  }
  if (dev) {
    out += ".dev" + std::to_string(*dev);
  }
  for (std::size_t i = 0; i < local.size(); ++i) {
    out += (i == 0 ? "+" : ".") + local[i];
  }
  return out;
}

Pep440Version Pep440Version::public_version() const {
  Pep440Version copy = *this;
  copy.local.clear();
  return copy;
}

int compare_versions(const Pep440Version& a, const Pep440Version& b) {
  if (const int c = three_way(a.epoch, b.epoch); c != 0) {
    return c;
  }
  // Trailing zeros do not count: 1.0 == 1.0.0.
  const std::size_t length = std::max(a.release.size(), b.release.size());
  for (std::size_t i = 0; i < length; ++i) {
    const std::int64_t x = i < a.release.size() ? a.release[i] : 0;
    const std::int64_t y = i < b.release.size() ? b.release[i] : 0;
    if (const int c = three_way(x, y); c != 0) {
      return c;
    }
  }
  if (const int c = three_way(pre_key(a), pre_key(b)); c != 0) {
    return c;
  }
  // No post release sorts first; no dev release sorts last.
  if (const int c = three_way(a.post.value_or(-1), b.post.value_or(-1)); c != 0) {
    return c;
  }
  const auto dev_key = [](const Pep440Version& v) {
    return v.dev ? std::make_pair(0, *v.dev) : std::make_pair(1, std::int64_t{0});
  };
  if (const int c = three_way(dev_key(a), dev_key(b)); c != 0) {
    return c;
  }
  return compare_local(a.local, b.local);
}

}  // namespace mirrord
