// PEP 440 versions and version specifiers, as far as a mirror's filters need them: parsing (every
// spelling PEP 440 normalizes), total ordering, pre-release detection, and the comparison
// operators ~=, ==, !=, <=, >=, <, >, === (with "==X.*" prefix matching).
//
// Parsing is a hand-written cursor over the text (no regex: upstream filenames are hostile input
// and std::regex recurses per character). Numbers longer than 18 digits are refused rather than
// overflowed. Versions that do not parse (legacy "2004d" style) are never selected by a filter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/result.hpp"

namespace mirrord {

struct Pep440Version {
  enum class PreKind { kAlpha, kBeta, kRc };
  struct Pre {
    PreKind kind = PreKind::kAlpha;
    std::int64_t number = 0;
  };

  std::int64_t epoch = 0;
  std::vector<std::int64_t> release;  // at least one component
  std::optional<Pre> pre;
  std::optional<std::int64_t> post;
  std::optional<std::int64_t> dev;
  std::vector<std::string> local;  // lower-case segments after '+'

  static std::optional<Pep440Version> parse(std::string_view text);

  bool is_prerelease() const { return pre.has_value() || dev.has_value(); }
  bool is_postrelease() const { return post.has_value(); }
  // The normalized form, e.g. "1!2.0rc1.post2.dev3+ubuntu.1".
  std::string str() const;
  // The same version without its local segments.
  Pep440Version public_version() const;
};

// <0, 0, >0 in PEP 440 order (local segments included).
int compare_versions(const Pep440Version& a, const Pep440Version& b);

struct VersionSpecifier {
  enum class Op {
    kCompatible,
    kEqual,
    kNotEqual,
    kLessEqual,
    kGreaterEqual,
    kLess,
    kGreater,
    kArbitrary
  };
  Op op = Op::kEqual;
  std::string text;       // the version as written (for ===, and messages)
  Pep440Version version;  // unset for ===
  bool wildcard = false;  // "==1.2.*" / "!=1.2.*"

  bool contains(const Pep440Version& candidate) const;
};

// A comma-separated list of specifiers, all of which must hold. Empty text: every version.
class SpecifierSet {
 public:
  // Whitespace around operators and commas is allowed; anything PEP 440 forbids (~= with one
  // release component, a wildcard on <, a local version on >=, ...) is kInvalidInput.
  static Result<SpecifierSet> parse(std::string_view text);

  // Pre-releases match only when `allow_prereleases` or when a specifier names a pre-release
  // itself ("==2.0rc1", ">=2.0b1"), as PEP 440 asks of installers.
  bool contains(const Pep440Version& candidate, bool allow_prereleases) const;
  bool names_prerelease() const;
  bool empty() const { return specifiers_.empty(); }
  const std::vector<VersionSpecifier>& specifiers() const { return specifiers_; }

 private:
  std::vector<VersionSpecifier> specifiers_;
};

}  // namespace mirrord
