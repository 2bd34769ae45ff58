// E1: repo info (protocols/hf.md §3.1).
//
// The body starts from the snapshot's info_json (upstream metadata, already allow-listed by the
// source), keeps only the keys below, scrubs it again, and then sets the values the catalog owns:
// id, _id, sha, siblings, private, disabled. `gated` and `lastModified` come from the metadata
// when it has usable values.
#include <array>
#include <ctime>
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon/hf/hf_serve_entries.hpp"
#include "daemon/hf/hf_serve_handlers.hpp"
#include "daemon/hf/hf_serve_json.hpp"
#include "storage/digest.hpp"

namespace mirrord::hf {
namespace {

constexpr std::array<std::string_view, 18> kPassThroughKeys = {"author",
                                                               "cardData",
                                                               "citation",
                                                               "config",
                                                               "createdAt",
                                                               "description",
                                                               "downloads",
                                                               "gated",
                                                               "lastModified",
                                                               "library_name",
                                                               "likes",
                                                               "model-index",
                                                               "paperswithcode_id",
                                                               "pipeline_tag",
                                                               "safetensors",
                                                               "tags",
                                                               "transformersInfo",
                                                               "widgetData"};

nlohmann::json pass_through_metadata(const std::string& info_json) {
  nlohmann::json parsed = nlohmann::json::parse(info_json, nullptr, false);
  nlohmann::json kept = nlohmann::json::object();
  if (!parsed.is_object()) {
    return kept;
  }
  for (std::string_view key : kPassThroughKeys) {
    if (const auto it = parsed.find(key); it != parsed.end()) {
      kept[std::string(key)] = *it;
    }
  }
  scrub_upstream_json(kept);
  return kept;
}

// A stable opaque id derived from the repo: JS clients read `_id` but never interpret it.
std::string opaque_repo_id(const RepoKey& repo) {
  return sha256_of(repo.kind + ":" + repo.name).hex().substr(0, 24);
}

std::string iso8601_utc(std::int64_t unix_seconds) {
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buffer;
}

bool is_valid_gated(const nlohmann::json& value) {
  return value == false || value == "auto" || value == "manual";
}

nlohmann::json repo_info_json(const ResolvedRevision& resolved,
                              const std::vector<SnapshotFile>& files, bool with_blobs) {
  const SnapshotInfo& snapshot = *resolved.snapshot;
  nlohmann::json info = pass_through_metadata(snapshot.info_json);
  if (!info.contains("gated") || !is_valid_gated(info["gated"])) {
    info["gated"] = false;
  }
  if (!info.contains("lastModified") || !info["lastModified"].is_string()) {
    info["lastModified"] = iso8601_utc(snapshot.published_at);
  }
  if (!info.contains("tags") || !info["tags"].is_array()) {
    info["tags"] = nlohmann::json::array();
  }
  info["_id"] = opaque_repo_id(snapshot.repo);
  info["id"] = snapshot.repo.name;
  info["sha"] = snapshot.commit;
  info["private"] = false;
  info["disabled"] = false;
  nlohmann::json siblings = nlohmann::json::array();
  for (const SnapshotFile& file : files) {
    siblings.push_back(sibling_json(file, with_blobs));
  }
  info["siblings"] = std::move(siblings);
  return info;
}

}  // namespace

http::Response serve_repo_info(const HfServeContext& ctx, const http::Request& request,
                               const HfReading& reading) {
  auto query = request_query(request);
  if (!query.ok()) {
    return error_response(request, query.error());
  }
  const std::string revision = reading.endpoint == HfEndpoint::kRevisionInfo
                                   ? join_segments(reading.tail, 0, reading.tail.size())
                                   : std::string();
  auto resolved = ctx.catalog.resolve(reading.repo, revision);
  if (!resolved.ok()) {
    return error_response(request, resolved.error());
  }
  const ResolvedRevision& snapshot = resolved.value();
  const bool with_blobs = query_flag(query.value(), "blobs", false);
  // The body depends only on the (immutable) snapshot and the blobs flag: rendered once.
  const std::string key =
      "info:" + std::to_string(snapshot.snapshot->id) + (with_blobs ? ":blobs" : ":");
  auto body = ctx.catalog.rendered(key, [&]() -> HfResult<std::string> {
    auto files = ctx.catalog.list_files(snapshot.snapshot->id);
    if (!files.ok()) {
      return files.error();
    }
    return dump_json(repo_info_json(snapshot, *files.value(), with_blobs));
  });
  if (!body.ok()) {
    return error_response(request, body.error());
  }
  return json_text_answer(request, *body.value());
}

}  // namespace mirrord::hf
