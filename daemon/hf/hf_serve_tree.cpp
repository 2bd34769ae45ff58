// E2: tree listing (protocols/hf.md §3.2), paged with an absolute Link.
//
// Paging: entries are sorted by path; a page ends after `tree_page_size` entries and the next one
// starts after the last path it returned. The cursor is that path, hex-encoded (opaque to
// clients). The Link names the commit, not the branch, so a branch that moves between two pages
// cannot mix two snapshots. Without a configured public URL no absolute Link can be built, so the
// whole listing is returned in one page.
#include <algorithm>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon/hf/hf_serve_entries.hpp"
#include "daemon/hf/hf_serve_handlers.hpp"
#include "daemon/hf/hf_serve_json.hpp"

namespace mirrord::hf {
namespace {

struct TreeQuery {
  bool recursive = false;
  bool expand = false;
  std::optional<std::string> after;  // from the cursor: list paths strictly after this one
};

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0x0f];
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9')
        return c - '0';
      if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
      return -1;
    };
    const int high = nibble(hex[i]);
    const int low = nibble(hex[i + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

HfResult<TreeQuery> parse_tree_query(const http::Request& request) {
  auto params = request_query(request);
  if (!params.ok()) {
    return params.error();
  }
  TreeQuery query;
  query.recursive = query_flag(params.value(), "recursive", false);
  query.expand = query_flag(params.value(), "expand", false);
  if (auto cursor = query_value(params.value(), "cursor")) {
    query.after = hex_decode(*cursor);
    if (!query.after) {
      return bad_request("Invalid cursor");
    }
  }
  return query;
}

std::string next_link(const HfServeContext& ctx, const SnapshotInfo& snapshot,
                      const std::string& path, const TreeQuery& query,
                      const std::string& last_path) {
  std::string base = ctx.options.public_url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  std::string url = base + "/api/" + plural_of_kind(snapshot.repo.kind) + "/" +
                    http::percent_encode(snapshot.repo.name, true) + "/tree/" + snapshot.commit;
  if (!path.empty()) {
    url += "/" + http::percent_encode(path, true);
  }
  url += std::string("?recursive=") + (query.recursive ? "true" : "false") +
         "&expand=" + (query.expand ? "true" : "false") + "&cursor=" + hex_encode(last_path);
  return "<" + url + ">; rel=\"next\"";
}

// The sub-path after the revision: decoded segments joined, a trailing slash ignored.
HfResult<std::string> sub_path(const std::vector<std::string>& tail, std::size_t first) {
  std::size_t last = tail.size();
  while (last > first && tail[last - 1].empty()) {
    --last;
  }
  std::string path = join_segments(tail, first, last);
  if (!path.empty() && !is_safe_repo_path(path)) {
    return bad_request("Invalid path: " + path);
  }
  return path;
}

http::Response render_page(const HfServeContext& ctx, const http::Request& request,
                           const SnapshotInfo& snapshot, const std::string& path,
                           const TreeQuery& query, const std::vector<TreeEntry>& entries) {
  auto begin = entries.begin();
  if (query.after) {
    begin = std::upper_bound(
        entries.begin(), entries.end(), *query.after,
        [](const std::string& after, const TreeEntry& entry) { return after < entry.path; });
  }
  const bool paged = !ctx.options.public_url.empty() && ctx.options.tree_page_size > 0;
  const std::size_t remaining = static_cast<std::size_t>(entries.end() - begin);
  const std::size_t count = paged ? std::min(remaining, ctx.options.tree_page_size) : remaining;
  nlohmann::json body = nlohmann::json::array();
  for (auto it = begin; it != begin + static_cast<std::ptrdiff_t>(count); ++it) {
    body.push_back(tree_entry_json(*it));
  }
  http::Response response = json_answer(request, body);
  if (count < remaining) {
    const std::string& last_path = (begin + static_cast<std::ptrdiff_t>(count - 1))->path;
    response.headers.set("Link", next_link(ctx, snapshot, path, query, last_path));
  }
  return response;
}

}  // namespace

http::Response serve_tree(const HfServeContext& ctx, const http::Request& request,
                          const HfReading& reading) {
  auto query = parse_tree_query(request);
  if (!query.ok()) {
    return error_response(request, query.error());
  }
  auto revision = ctx.catalog.resolve_prefix(reading.repo, reading.tail);
  if (!revision.ok()) {
    return error_response(request, revision.error());
  }
  const SnapshotInfo& snapshot = *revision.value().revision.snapshot;
  auto path = sub_path(reading.tail, revision.value().consumed);
  if (!path.ok()) {
    return error_response(request, path.error());
  }
  auto built = ctx.catalog.repo_tree(snapshot.id);
  if (!built.ok()) {
    return error_response(request, built.error());
  }
  const RepoTree& tree = *built.value();
  const auto entry = tree.entry(path.value());
  if (!entry) {
    return error_response(request, entry_not_found(path.value(), snapshot.commit));
  }
  const std::vector<TreeEntry> entries = entry->is_directory()
                                             ? tree.list(path.value(), query.value().recursive)
                                             : std::vector<TreeEntry>{*entry};
  return render_page(ctx, request, snapshot, path.value(), query.value(), entries);
}

}  // namespace mirrord::hf
