#include "daemon/hf/hf_serve_path.hpp"

#include <optional>

#include "daemon/http/message.hpp"

namespace mirrord::hf {
namespace {

using Segments = std::vector<std::string>;

// The repo kind named by a plural segment ("models", "datasets", ...), or nullopt.
std::optional<std::string> kind_of_plural(std::string_view plural) {
  if (plural == "models")
    return "model";
  if (plural == "datasets")
    return "dataset";
  if (plural == "spaces")
    return "space";
  if (plural == "kernels")
    return "kernel";
  return std::nullopt;
}

std::optional<HfEndpoint> api_verb(std::string_view segment) {
  if (segment == "revision")
    return HfEndpoint::kRevisionInfo;
  if (segment == "tree")
    return HfEndpoint::kTree;
  if (segment == "paths-info")
    return HfEndpoint::kPathsInfo;
  if (segment == "refs")
    return HfEndpoint::kRefs;
  if (segment == "xet-read-token" || segment == "xet-write-token")
    return HfEndpoint::kXetToken;
  return std::nullopt;
}

bool is_reserved_first(std::string_view segment) {
  return segment == "api" || segment == "datasets" || segment == "spaces" || segment == "kernels";
}

bool all_non_empty(const Segments& segs, std::size_t first, std::size_t last) {
  for (std::size_t i = first; i < last; ++i) {
    if (segs[i].empty()) {
      return false;
    }
  }
  return true;
}

Segments tail_from(const Segments& segs, std::size_t first) {
  return first < segs.size() ? Segments(segs.begin() + first, segs.end()) : Segments{};
}

// The reading of segs[start..] with an id of `id_len` segments, if it fits an API form.
std::optional<HfReading> api_reading(const Segments& segs, std::size_t start, std::size_t id_len,
                                     const std::string& kind) {
  const std::size_t verb_at = start + id_len;
  if (verb_at > segs.size() || !all_non_empty(segs, start, verb_at)) {
    return std::nullopt;
  }
  HfReading reading;
  reading.repo = RepoKey{kind, join_segments(segs, start, verb_at)};
  if (verb_at == segs.size()) {
    reading.endpoint = HfEndpoint::kRepoInfo;
    return reading;
  }
  const auto verb = api_verb(segs[verb_at]);
  if (!verb) {
    return std::nullopt;
  }
  reading.endpoint = *verb;
  reading.tail = tail_from(segs, verb_at + 1);
  return reading;
}

// The reading of a file URL with an id of `id_len` segments starting at `start`: the verb must be
// "resolve" and be followed by a revision and at least one path segment.
std::optional<HfReading> resolve_reading(const Segments& segs, std::size_t start,
                                         std::size_t id_len, const std::string& kind) {
  const std::size_t verb_at = start + id_len;
  if (verb_at + 3 > segs.size()) {
    return std::nullopt;
  }
  if (segs[verb_at] != "resolve" || !all_non_empty(segs, start, verb_at)) {
    return std::nullopt;
  }
  return HfReading{HfEndpoint::kResolve, RepoKey{kind, join_segments(segs, start, verb_at)},
                   tail_from(segs, verb_at + 1)};
}

HfPath readings_path(std::optional<HfReading> two, std::optional<HfReading> one) {
  HfPath path;
  path.kind = HfPathKind::kRepoRequest;
  if (two)
    path.readings.push_back(std::move(*two));
  if (one)
    path.readings.push_back(std::move(*one));
  return path;
}

HfPath parse_api(const Segments& segs) {
  if (segs.size() == 2 && segs[1] == "agent-harnesses") {
    return {HfPathKind::kAgentHarnesses, {}};
  }
  if (segs.size() >= 2 && segs[1] == "telemetry") {
    return {HfPathKind::kTelemetry, {}};
  }
  const auto kind = segs.size() >= 2 ? kind_of_plural(segs[1]) : std::nullopt;
  if (!kind) {
    return {HfPathKind::kNotHf, {}};
  }
  HfPath path = readings_path(api_reading(segs, 2, 2, *kind), api_reading(segs, 2, 1, *kind));
  if (path.readings.empty()) {
    path.kind = HfPathKind::kUnknownApi;
  }
  return path;
}

HfPath parse_file_url(const Segments& segs) {
  std::size_t start = 0;
  std::string kind = "model";
  if (const auto plural = kind_of_plural(segs[0]); plural && segs[0] != "models") {
    start = 1;
    kind = *plural;
  }
  HfPath path =
      readings_path(resolve_reading(segs, start, 2, kind), resolve_reading(segs, start, 1, kind));
  if (path.readings.empty()) {
    path.kind = HfPathKind::kNotHf;  // e.g. a git URL sharing the namespace
  }
  return path;
}

// Whether a path we could not decode still looks like one of ours (then it is malformed, not
// somebody else's).
bool looks_like_hf(const std::vector<std::string_view>& raw) {
  if (!raw.empty() && is_reserved_first(raw[0])) {
    return true;
  }
  return (raw.size() > 1 && raw[1] == "resolve") || (raw.size() > 2 && raw[2] == "resolve");
}

}  // namespace

std::string join_segments(const std::vector<std::string>& segments, std::size_t first,
                          std::size_t last) {
  std::string out;
  for (std::size_t i = first; i < last && i < segments.size(); ++i) {
    if (i > first) {
      out += '/';
    }
    out += segments[i];
  }
  return out;
}

bool is_safe_repo_path(std::string_view path) {
  if (path.empty() || path.find('\\') != std::string_view::npos ||
      path.find('\0') != std::string_view::npos) {
    return false;
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return false;
    }
    start = slash + 1;
  }
  return true;
}

HfPath parse_hf_path(std::string_view raw_path) {
  const std::vector<std::string_view> raw = http::split_path(raw_path);
  Segments segs;
  segs.reserve(raw.size());
  for (std::string_view segment : raw) {
    auto decoded = http::percent_decode(segment);
    if (!decoded) {
      return {looks_like_hf(raw) ? HfPathKind::kMalformed : HfPathKind::kNotHf, {}};
    }
    segs.push_back(std::move(*decoded));
  }
  if (segs.empty() || segs[0].empty()) {
    return {HfPathKind::kNotHf, {}};
  }
  if (segs[0] == "api") {
    return parse_api(segs);
  }
  return parse_file_url(segs);
}

}  // namespace mirrord::hf
