#include "daemon/git/git_lfs_upstream.hpp"

#include <nlohmann/json.hpp>

#include <map>

#include "daemon/fetch/backoff.hpp"

namespace mirrord::git {
namespace {

using nlohmann::json;

constexpr int kAttempts = 3;
constexpr std::uint64_t kMaxBatchAnswerBytes = 8ull << 20;
constexpr const char* kLfsMediaType = "application/vnd.git-lfs+json";

Error bad_answer(const std::string& problem) {
  return make_error(ErrorCode::kUpstream, "upstream LFS batch answer: " + problem);
}

bool is_header_token(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool is_header_value(std::string_view value) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

Result<LfsDownloadAction> read_action(const json& object, const LfsPointer& pointer) {
  const std::string oid = pointer.oid.hex();
  if (const auto error = object.find("error"); error != object.end()) {
    const json code = error->is_object() ? error->value("code", json()) : json();
    const json message = error->is_object() ? error->value("message", json()) : json();
    return make_error(ErrorCode::kUpstream,
                      "upstream LFS server refused object " + oid + ": " +
                          (code.is_number_integer() ? std::to_string(code.get<int>()) : "?") + " " +
                          (message.is_string() ? message.get<std::string>() : ""));
  }
  const json* download = nullptr;
  if (const auto actions = object.find("actions");
      actions != object.end() && actions->is_object()) {
    if (const auto it = actions->find("download"); it != actions->end() && it->is_object()) {
      download = &*it;
    }
  }
  if (download == nullptr) {
    return bad_answer("no download action for object " + oid);
  }
  const json href = download->value("href", json());
  if (!href.is_string() || !(href.get<std::string>().starts_with("https://") ||
                             href.get<std::string>().starts_with("http://"))) {
    return bad_answer("the download href of object " + oid + " is not an http(s) URL");
  }
  LfsDownloadAction action{pointer, href.get<std::string>(), {}};
  if (const auto headers = download->find("header"); headers != download->end()) {
    if (!headers->is_object()) {
      return bad_answer("the download header of object " + oid + " is not an object");
    }
    for (const auto& [name, value] : headers->items()) {
      if (!is_header_token(name) || !value.is_string() ||
          !is_header_value(value.get<std::string>())) {
        return bad_answer("object " + oid + " has a malformed download header");
      }
      action.headers.push_back(name + ": " + value.get<std::string>());
    }
  }
  return action;
}

Result<std::string> post_batch(Fetcher& fetcher, const std::string& server_url,
                               std::span<const LfsPointer> objects,
                               const std::atomic<bool>* cancel) {
  FetchRequest request;
  request.url = server_url + "/objects/batch";
  request.headers = {std::string("Accept: ") + kLfsMediaType,
                     std::string("Content-Type: ") + kLfsMediaType};
  request.post_body = render_batch_download_request(objects);
  request.max_body_bytes = kMaxBatchAnswerBytes;
  std::string body;
  const BodySink sink = [&body](std::span<const std::byte> chunk) -> Status {
    body.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    return {};
  };
  MIRRORD_TRY_ASSIGN(const FetchResponse response, fetcher.fetch(request, sink, cancel));
  if (response.status == 429 || response.status >= 500) {
    return make_error(ErrorCode::kUpstreamRetryable,
                      request.url + " answered " + std::to_string(response.status));
  }
  if (response.status != 200) {
    return make_error(ErrorCode::kUpstream,
                      request.url + " answered " + std::to_string(response.status) +
                          " (set lfs_url in the policy, or lfs = false to skip LFS objects)");
  }
  return body;
}

// One download attempt into the store; resumes a kept .part when the server honours Range.
Result<BlobInfo> download_once(const LfsFetchDeps& deps, const LfsDownloadAction& action,
                               JobContext& job) {
  ExpectedContent expected;
  expected.size = action.pointer.size;
  expected.sha256 = action.pointer.oid;
  expected.compute_git_oid = false;  // LFS objects are only looked up by sha256
  MIRRORD_TRY_ASSIGN(std::unique_ptr<BlobIngest> ingest, deps.store.begin_ingest(expected));
  const std::uint64_t offset = ingest->offset();
  if (offset < expected.size) {
    FetchRequest request;
    request.url = action.href;
    request.headers = action.headers;
    request.range_start = offset;
    request.max_body_bytes = expected.size - offset;
    const BodySink sink = [&](std::span<const std::byte> chunk) -> Status {
      MIRRORD_TRY(ingest->write(chunk));
      job.add_bytes(chunk.size());
      return {};
    };
    MIRRORD_TRY_ASSIGN(const FetchResponse response,
                       deps.fetcher.fetch(request, sink, job.cancel_flag()));
    const bool answered = offset == 0 ? response.status == 200 : response.status == 206;
    if (!answered && offset > 0 && response.status == 200) {
      ingest->discard();  // the server ignored Range: the next attempt starts from zero
      return make_error(ErrorCode::kUpstreamRetryable,
                        "LFS object " + action.pointer.oid.hex() + ": upstream ignored Range");
    }
    if (!answered) {
      const ErrorCode code = response.status == 429 || response.status >= 500
                                 ? ErrorCode::kUpstreamRetryable
                                 : ErrorCode::kUpstream;
      return make_error(code, "LFS object " + action.pointer.oid.hex() + ": upstream answered " +
                                  std::to_string(response.status));
    }
  }
  return ingest->commit();
}

// Whether the catalog already records this exact object and the store holds its bytes.
Result<bool> already_held(const LfsFetchDeps& deps, const LfsPointer& pointer) {
  MIRRORD_TRY_ASSIGN(const std::optional<BlobInfo> blob, deps.catalog.find_blob(pointer.oid));
  if (!blob || blob->size != pointer.size || !deps.store.contains(pointer.oid)) {
    return false;
  }
  MIRRORD_TRY(deps.catalog.record_blob(*blob));  // GC's grace period counts from this use
  return true;
}

Status download_object(const LfsFetchDeps& deps, const LfsDownloadAction& action, JobContext& job) {
  for (int attempt = 1;; ++attempt) {
    MIRRORD_TRY_ASSIGN(const bool held, already_held(deps, action.pointer));
    if (held) {
      job.file_done();
      return {};
    }
    auto blob = download_once(deps, action, job);
    if (blob) {
      MIRRORD_TRY(deps.catalog.record_blob(*blob));
      job.file_done();
      return {};
    }
    if (blob.error().code == ErrorCode::kConflict && !job.cancelled()) {
      // Another pull is ingesting the same bytes: wait for it, then reuse its blob.
      sleep_unless_cancelled(std::chrono::milliseconds(200), job.cancel_flag());
      --attempt;
      continue;
    }
    if (!blob.error().retryable() || attempt >= kAttempts || job.cancelled()) {
      return blob.error();
    }
    sleep_unless_cancelled(
        jittered_backoff(attempt, std::chrono::seconds(1), std::chrono::seconds(10)),
        job.cancel_flag());
  }
}

Result<std::vector<LfsDownloadAction>> batch_with_retries(const LfsFetchDeps& deps,
                                                          const std::string& server_url,
                                                          std::span<const LfsPointer> objects,
                                                          JobContext& job) {
  for (int attempt = 1;; ++attempt) {
    auto body = post_batch(deps.fetcher, server_url, objects, job.cancel_flag());
    if (body) {
      return parse_batch_download_response(*body, objects);
    }
    if (!body.error().retryable() || attempt >= kAttempts || job.cancelled()) {
      return body.error();
    }
    sleep_unless_cancelled(
        jittered_backoff(attempt, std::chrono::seconds(1), std::chrono::seconds(10)),
        job.cancel_flag());
  }
}

}  // namespace

std::string render_batch_download_request(std::span<const LfsPointer> objects) {
  json list = json::array();
  for (const LfsPointer& object : objects) {
    list.push_back({{"oid", object.oid.hex()}, {"size", object.size}});
  }
  return json{{"operation", "download"},
              {"transfers", {"basic"}},
              {"objects", std::move(list)},
              {"hash_algo", "sha256"}}
      .dump();
}

Result<std::vector<LfsDownloadAction>> parse_batch_download_response(
    std::string_view body, std::span<const LfsPointer> asked) {
  const json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object() || !answer.contains("objects") || !answer["objects"].is_array()) {
    return bad_answer("not a JSON object with an \"objects\" array");
  }
  if (const json transfer = answer.value("transfer", json("basic")); transfer != "basic") {
    return bad_answer("transfer adapter is not \"basic\"");
  }
  std::map<std::string, const json*> by_oid;
  for (const json& object : answer["objects"]) {
    if (object.is_object() && object.value("oid", json()).is_string()) {
      by_oid.emplace(object["oid"].get<std::string>(), &object);
    }
  }
  std::vector<LfsDownloadAction> actions;
  for (const LfsPointer& pointer : asked) {
    const auto it = by_oid.find(pointer.oid.hex());
    if (it == by_oid.end()) {
      return bad_answer("object " + pointer.oid.hex() + " is missing");
    }
    const json size = it->second->value("size", json());
    if (!it->second->contains("error") &&
        (!size.is_number_unsigned() || size.get<std::uint64_t>() != pointer.size)) {
      return bad_answer("object " + pointer.oid.hex() + " comes back with another size");
    }
    MIRRORD_TRY_ASSIGN(LfsDownloadAction action, read_action(*it->second, pointer));
    actions.push_back(std::move(action));
  }
  return actions;
}

Status fetch_lfs_objects(const LfsFetchDeps& deps, const std::string& server_url,
                         const std::vector<LfsPointer>& objects, JobContext& job) {
  std::vector<LfsPointer> missing;
  for (const LfsPointer& object : objects) {
    MIRRORD_TRY_ASSIGN(const bool held, already_held(deps, object));
    if (held) {
      job.file_done();
    } else {
      missing.push_back(object);
    }
  }
  for (std::size_t first = 0; first < missing.size(); first += kLfsBatchSize) {
    const std::size_t count = std::min(kLfsBatchSize, missing.size() - first);
    const std::span<const LfsPointer> chunk(missing.data() + first, count);
    MIRRORD_TRY_ASSIGN(const std::vector<LfsDownloadAction> actions,
                       batch_with_retries(deps, server_url, chunk, job));
    for (const LfsDownloadAction& action : actions) {
      if (job.cancelled()) {
        return make_error(ErrorCode::kCancelled, "the pull was cancelled");
      }
      MIRRORD_TRY(download_object(deps, action, job));
    }
  }
  return {};
}

}  // namespace mirrord::git
