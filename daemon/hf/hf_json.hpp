// Parsing of the Hugging Face upstream API's JSON (protocols/hf.md §3.1, §3.2, §13.1).
//
// Everything parsed here comes from the network and is treated as hostile: sizes and nesting are
// bounded, every path is validated before it can name anything, every digest must have its exact
// form, and LFS entries are cross-checked (the git id of the rebuilt pointer must equal the tree
// oid). Upstream JSON is never passed on: only an allow-list of repo metadata survives, re-encoded
// by us (no URLs, no xetHash, nothing we did not ask for).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/hf/hf_source.hpp"
#include "storage/result.hpp"

namespace mirrord {

// What the revision endpoint tells us: the canonical repo id (after a rename), the commit, and the
// allow-listed metadata as a JSON object of our own making:
//   private, gated, disabled, lastModified, createdAt, tags (strings only), library_name,
//   pipeline_tag, license (from cardData, when a string).
struct HfRevisionInfo {
  std::string id;         // "ORG/NAME" (or a legacy single-segment id)
  std::string sha;        // 40 lower-case hex
  std::string info_json;  // e.g. {"gated":false,"private":false,"tags":["text-generation"]}
};

// Parses GET /api/{t}s/{repo}/revision/{rev}. kInvalidInput when the body is not a JSON object,
// or `id` / `sha` is missing or malformed.
Result<HfRevisionInfo> parse_hf_revision(std::string_view body);

// Whether GET /api/{t}s/{repo}/refs lists `revision` among its tags (by name, or as
// "refs/tags/<name>"). A body that is not such an answer lists no tag.
bool hf_refs_list_tag(std::string_view body, std::string_view revision);

// Parses one page of GET /api/{t}s/{repo}/tree/{sha}?recursive=true: the file entries (directories
// are validated and skipped). Any malformed entry fails the page with kInvalidInput naming it.
Result<std::vector<ManifestEntry>> parse_hf_tree_page(std::string_view body);

// Checks a whole listing: no path twice, and no file that is also a directory of another path
// ("a" and "a/b"). kInvalidInput naming the offending path.
Status check_manifest_paths(const std::vector<ManifestEntry>& files);

// A repo file path as it may appear in a manifest: relative, '/'-separated, no empty, "." or ".."
// segment, no backslash, no control character (NUL included), at most 1024 bytes in all and 255
// per segment.
Status check_repo_path(std::string_view path);

// "ORG/NAME" or a legacy "NAME": segments of [A-Za-z0-9._-], 1 to 96 characters, not starting or
// ending with '.' or '-', no "..". Safe to splice into a URL path unescaped.
bool is_valid_repo_id(std::string_view id);

// The target of rel="next" in a Link header value, e.g.
//   <https://huggingface.co/api/models/x/tree/abc?cursor=zz>; rel="next"
// nullopt when there is none.
std::optional<std::string> parse_link_next(std::string_view link_header);

}  // namespace mirrord
