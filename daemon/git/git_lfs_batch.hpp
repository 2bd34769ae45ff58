// The Git LFS Batch API of the mirror (protocols/git.md §6.3): download actions for the objects
// a repository publishes, pointing at the mirror's own object route; never an upstream URL.
//
// The request body is untrusted: it is parsed without exceptions, the operation must be
// "download" (upload: 403, the mirror is read-only), at most kMaxLfsBatchObjects objects, each
// with a 64-hex oid and a size. An object is offered only when it belongs to a published
// snapshot of this repository (`scope`) with the same size and its blob is in the store;
// otherwise it gets a per-object error (404 unknown, 422 size mismatch or malformed).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "daemon/http/message.hpp"
#include "storage/digest.hpp"

namespace mirrord::git {

inline constexpr std::size_t kMaxLfsBatchObjects = 1000;
inline constexpr const char* kLfsMediaType = "application/vnd.git-lfs+json";

// The LFS objects one repository publishes: sha256 -> size.
using LfsScope = std::map<Sha256, std::uint64_t>;

struct LfsBatchContext {
  const LfsScope& scope;
  std::function<bool(const Sha256&)> in_store;
  std::string href_base;  // absolute, ends with '/': href = href_base + oid
};

http::Response answer_lfs_batch(const http::Request& request, const LfsBatchContext& context);

// A whole-request LFS error: {"message": ...} with the LFS media type.
http::Response lfs_error_response(int status, const std::string& message);

}  // namespace mirrord::git
