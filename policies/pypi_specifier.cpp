// Version specifiers (PEP 440 "Version specifiers"): parsing a comma-separated set and the meaning
// of each operator, including the exclusive-ordering rules of < and > for pre-, post- and local
// releases of the version named.
#include <algorithm>
#include <array>
#include <cctype>

#include "policies/pypi_version.hpp"
#include "storage/text.hpp"

namespace mirrord {
namespace {

using Op = VersionSpecifier::Op;

std::string_view trim(std::string_view text) {
  return trim_any(text, kAsciiSpace);
}

Error invalid(std::string_view specifier, std::string_view problem) {
  return make_error(ErrorCode::kInvalidInput,
                    "version specifier '" + std::string(specifier) + "' " + std::string(problem));
}

struct OpSpelling {
  std::string_view text;
  Op op;
};

// Longest spellings first so that "===" is not read as "==" and "<=" not as "<".
constexpr std::array kOps = {
    OpSpelling{"===", Op::kArbitrary}, OpSpelling{"~=", Op::kCompatible},
    OpSpelling{"==", Op::kEqual},      OpSpelling{"!=", Op::kNotEqual},
    OpSpelling{"<=", Op::kLessEqual},  OpSpelling{">=", Op::kGreaterEqual},
    OpSpelling{"<", Op::kLess},        OpSpelling{">", Op::kGreater},
};

// Release components `prefix` lead `candidate`'s release (missing components count as 0).
bool release_starts_with(const Pep440Version& candidate, const std::vector<std::int64_t>& prefix) {
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const std::int64_t part = i < candidate.release.size() ? candidate.release[i] : 0;
    if (part != prefix[i]) {
      return false;
    }
  }
  return true;
}

bool prefix_match(const Pep440Version& candidate, const Pep440Version& spec) {
  return candidate.epoch == spec.epoch && release_starts_with(candidate, spec.release);
}

bool equal_match(const Pep440Version& candidate, const VersionSpecifier& spec) {
  if (spec.wildcard) {
    return prefix_match(candidate, spec.version);
  }
  const Pep440Version compared =
      spec.version.local.empty() ? candidate.public_version() : candidate;
  return compare_versions(compared, spec.version) == 0;
}

// Same release, ignoring pre/post/dev/local: "2.0rc1", "2.0.post1" and "2.0+x" all share 2.0's.
bool same_release(const Pep440Version& a, const Pep440Version& b) {
  Pep440Version x = a.public_version();
  Pep440Version y = b.public_version();
  x.pre.reset(), x.post.reset(), x.dev.reset();
  y.pre.reset(), y.post.reset(), y.dev.reset();
  return compare_versions(x, y) == 0;
}

Result<VersionSpecifier> parse_one(std::string_view text) {
  const std::string_view whole = trim(text);
  const auto spelling = std::find_if(
      kOps.begin(), kOps.end(), [&](const OpSpelling& s) { return whole.starts_with(s.text); });
  if (spelling == kOps.end()) {
    return invalid(whole, "needs an operator (~=, ==, !=, <=, >=, <, >, ===)");
  }
  VersionSpecifier spec;
  spec.op = spelling->op;
  spec.text = std::string(trim(whole.substr(spelling->text.size())));
  if (spec.text.empty()) {
    return invalid(whole, "names no version");
  }
  if (spec.op == Op::kArbitrary) {
    return spec;
  }
  std::string_view version_text = spec.text;
  if (version_text.ends_with(".*")) {
    if (spec.op != Op::kEqual && spec.op != Op::kNotEqual) {
      return invalid(whole, "uses '.*', which only == and != allow");
    }
    spec.wildcard = true;
    version_text.remove_suffix(2);
  }
  const std::optional<Pep440Version> version = Pep440Version::parse(version_text);
  if (!version) {
    return invalid(whole, "does not name a PEP 440 version");
  }
  spec.version = *version;
  if (spec.wildcard && (version->pre || version->post || version->dev || !version->local.empty())) {
    return invalid(whole, "puts '.*' after a pre, post, dev or local part");
  }
  const bool equality = spec.op == Op::kEqual || spec.op == Op::kNotEqual;
  if (!version->local.empty() && !equality) {
    return invalid(whole, "has a local version ('+...'), which only == and != allow");
  }
  if (spec.op == Op::kCompatible && version->release.size() < 2) {
    return invalid(whole, "uses ~= with a single release component (write ~=X.Y)");
  }
  return spec;
}

}  // namespace

bool VersionSpecifier::contains(const Pep440Version& candidate) const {
  switch (op) {
    case Op::kArbitrary: {
      std::string lowered_text;
      std::string lowered_candidate = candidate.str();
      for (const char c : text) {
        lowered_text.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
      return lowered_text == lowered_candidate;
    }
    case Op::kEqual:
      return equal_match(candidate, *this);
    case Op::kNotEqual:
      return !equal_match(candidate, *this);
    case Op::kCompatible: {
      Pep440Version prefix = version;
      prefix.release.pop_back();
      return compare_versions(candidate.public_version(), version) >= 0 &&
             prefix_match(candidate, prefix);
    }
    case Op::kLessEqual:
      return compare_versions(candidate.public_version(), version) <= 0;
    case Op::kGreaterEqual:
      return compare_versions(candidate.public_version(), version) >= 0;
    case Op::kLess:
      // "<2.0" does not admit 2.0rc1 unless the specifier itself names a pre-release.
      return compare_versions(candidate, version) < 0 &&
             !(candidate.is_prerelease() && !version.is_prerelease() &&
               same_release(candidate, version));
    case Op::kGreater:
      // ">2.0" admits neither 2.0.post1 (unless it names a post release) nor 2.0+local.
      return compare_versions(candidate.public_version(), version) > 0 &&
             !(candidate.is_postrelease() && !version.is_postrelease() &&
               same_release(candidate, version));
  }
  return false;
}

Result<SpecifierSet> SpecifierSet::parse(std::string_view text) {
  SpecifierSet set;
  if (trim(text).empty()) {
    return set;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    MIRRORD_TRY_ASSIGN(VersionSpecifier spec, parse_one(part));
    set.specifiers_.push_back(std::move(spec));
    if (comma == std::string_view::npos) {
      return set;
    }
    start = comma + 1;
  }
}

bool SpecifierSet::names_prerelease() const {
  return std::any_of(specifiers_.begin(), specifiers_.end(), [](const VersionSpecifier& spec) {
    return spec.op != Op::kNotEqual && spec.op != Op::kArbitrary && spec.version.is_prerelease();
  });
}

bool SpecifierSet::contains(const Pep440Version& candidate, bool allow_prereleases) const {
  if (candidate.is_prerelease() && !allow_prereleases && !names_prerelease()) {
    return false;
  }
  return std::all_of(specifiers_.begin(), specifiers_.end(),
                     [&](const VersionSpecifier& spec) { return spec.contains(candidate); });
}

}  // namespace mirrord
