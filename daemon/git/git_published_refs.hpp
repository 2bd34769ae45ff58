// The refs a git mirror publishes to clients: every ref outside refs/mirrord/, with the object
// an annotated tag peels to (what info/refs lists after "^{}").
#pragma once

#include <git2.h>

#include <optional>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace mirrord::git {

struct PublishedRef {
  std::string name;                   // e.g. "refs/tags/v1.0"
  std::string oid;                    // 40-hex, what the ref points at
  std::optional<std::string> peeled;  // 40-hex, for a ref to a tag object: the tag's target
  std::optional<std::string> commit;  // 40-hex, the commit it peels to (none for a tree or blob)
};

// Published refs sorted by name (byte order). Symbolic refs are skipped.
Result<std::vector<PublishedRef>> list_published_refs(git_repository* repo);

}  // namespace mirrord::git
