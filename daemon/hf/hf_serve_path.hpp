// Reading a Hugging Face request path (protocols/hf.md §2).
//
// The path is split on '/' while still percent-encoded and each segment is decoded afterwards, so
// that "refs%2Fpr%2F1" stays one segment. The verb segment ("resolve" for files; "revision",
// "tree", "paths-info", "refs", "xet-read-token", "xet-write-token" under /api/{t}s/) decides how
// many segments form the repo id. When both a one-segment (legacy) and a two-segment reading are
// possible, both are returned, the two-segment one first: the router keeps the first whose repo
// exists.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/catalog.hpp"

namespace mirrord::hf {

enum class HfEndpoint {
  kRepoInfo,      // GET /api/{t}s/{repo}
  kRevisionInfo,  // GET /api/{t}s/{repo}/revision/{rev}
  kTree,          // GET /api/{t}s/{repo}/tree/{rev}[/{path}]
  kPathsInfo,     // POST /api/{t}s/{repo}/paths-info/{rev}
  kRefs,          // GET /api/{t}s/{repo}/refs
  kXetToken,      // /api/{t}s/{repo}/xet-read-token/... and xet-write-token: always 404
  kResolve,       // HEAD/GET /[{t}s/]{repo}/resolve/{rev}/{path}
};

// One way of reading the path.
struct HfReading {
  HfEndpoint endpoint = HfEndpoint::kRepoInfo;
  RepoKey repo;
  std::vector<std::string> tail;  // decoded segments after the verb (revision, then file path)
};

enum class HfPathKind {
  kNotHf,           // not ours: other routes may answer it
  kMalformed,       // ours, but a segment has a malformed escape or a NUL
  kRepoRequest,     // see readings
  kUnknownApi,      // under /api/{t}s/ but no known endpoint
  kAgentHarnesses,  // /api/agent-harnesses
  kTelemetry,       // /api/telemetry/...
};

struct HfPath {
  HfPathKind kind = HfPathKind::kNotHf;
  std::vector<HfReading> readings;  // kRepoRequest: preferred reading first
};

HfPath parse_hf_path(std::string_view raw_path);

// Joins decoded segments with '/'.
std::string join_segments(const std::vector<std::string>& segments, std::size_t first,
                          std::size_t last);

// Whether `path` is a safe repo-relative file path: non-empty segments, none "." or "..", no
// backslash, no NUL, not absolute.
bool is_safe_repo_path(std::string_view path);

}  // namespace mirrord::hf
