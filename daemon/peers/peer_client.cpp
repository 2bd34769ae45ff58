#include "daemon/peers/peer_client.hpp"

#include <nlohmann/json.hpp>

#include "daemon/fetch/backoff.hpp"
#include "daemon/fetch/content_range.hpp"
#include "daemon/fetch/url.hpp"
#include "policies/inspect/base64.hpp"

namespace mirrord::peers {
namespace {

using nlohmann::json;

bool transient_status(long status) {
  return status == 429 || status >= 500;
}

Error status_error(const FetchResponse& response, const std::string& what) {
  const auto message = response.header("X-Error-Message");
  const std::string said =
      "the peer answered HTTP " + std::to_string(response.status) +
      (message ? " (" + std::string(message->substr(0, 300)) + ")" : std::string());
  const ErrorCode code = response.status == 404              ? ErrorCode::kNotFound
                         : transient_status(response.status) ? ErrorCode::kUpstreamRetryable
                                                             : ErrorCode::kUpstream;
  return make_error(code, what + ": " + said);
}

std::string repo_path(const RepoKey& repo) {
  return "/api/mirror/records/" + percent_encode(repo.kind) + "/" + percent_encode(repo.name, "/");
}

}  // namespace

PeerClient::PeerClient(PeerConfig peer, Fetcher& fetcher, const std::atomic<bool>* cancel,
                       PeerClientOptions options)
    : peer_(std::move(peer)), fetcher_(fetcher), cancel_(cancel), options_(std::move(options)) {
  if (!options_.sleep) {
    options_.sleep = sleep_unless_cancelled;
  }
}

Status PeerClient::with_retries(const std::string& what, const std::function<Status()>& attempt) {
  for (int tried = 1;; ++tried) {
    if (cancel_ != nullptr && cancel_->load()) {
      return make_error(ErrorCode::kCancelled, what + ": cancelled");
    }
    Status status = attempt();
    if (status || !status.error().retryable() || tried >= options_.attempts) {
      return status;
    }
    options_.sleep(jittered_backoff(tried, options_.backoff, options_.max_backoff), cancel_);
  }
}

Result<std::string> PeerClient::get_json(const std::string& path) {
  const std::string what = "peer " + peer_.name + " " + path;
  std::string body;
  const Status status = with_retries(what, [&]() -> Status {
    body.clear();
    FetchRequest request;
    request.url = peer_.url + path;
    request.max_body_bytes = options_.max_json_bytes;
    auto response = fetcher_.fetch(
        request,
        [&body](std::span<const std::byte> chunk) -> Status {
          body.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
          return {};
        },
        cancel_);
    if (!response) {
      return make_error(response.error().code, what + ": " + response.error().message);
    }
    if (response->status != 200) {
      return status_error(*response, what);
    }
    return {};
  });
  if (!status) {
    return status.error();
  }
  return body;
}

Result<std::vector<RepoKey>> PeerClient::list_repos() {
  MIRRORD_TRY_ASSIGN(const std::string body, get_json("/api/mirror/repos"));
  const json answer = json::parse(body, nullptr, false);
  if (!answer.is_object() || !answer.contains("repos") || !answer["repos"].is_array()) {
    return make_error(ErrorCode::kInvalidInput,
                      "peer " + peer_.name + ": /api/mirror/repos is not {\"repos\": [...]}");
  }
  std::vector<RepoKey> repos;
  for (const json& repo : answer["repos"]) {
    if (!repo.is_object() || !repo.contains("kind") || !repo["kind"].is_string() ||
        !repo.contains("name") || !repo["name"].is_string()) {
      return make_error(ErrorCode::kInvalidInput,
                        "peer " + peer_.name + ": a repo of /api/mirror/repos is malformed");
    }
    repos.push_back(RepoKey{repo["kind"].get<std::string>(), repo["name"].get<std::string>()});
  }
  return repos;
}

Result<std::vector<replica::SignedRecord>> PeerClient::records(const RepoKey& repo) {
  MIRRORD_TRY_ASSIGN(const std::string body, get_json(repo_path(repo)));
  auto records = parse_records_answer(body);
  if (!records) {
    return make_error(records.error().code, "peer " + peer_.name + ": records of " + repo.kind +
                                                " " + repo.name + ": " + records.error().message);
  }
  return records;
}

Status PeerClient::fetch(const replica::RecordBlob& blob, std::uint64_t offset,
                         const replica::BlobSink& sink) {
  const std::string what = "peer " + peer_.name + " blob " + blob.sha256.hex();
  return with_retries(what, [&]() -> Status {
    if (offset >= blob.size) {
      return {};  // everything is already in the .part (or the blob is empty)
    }
    FetchRequest request;
    request.url = peer_.url + "/api/mirror/blobs/" + blob.sha256.hex();
    request.range_start = offset;
    request.max_body_bytes = blob.size - offset;
    Status sink_status;
    auto response = fetcher_.fetch(
        request,
        [&](std::span<const std::byte> chunk) -> Status {
          sink_status = sink(chunk);
          if (sink_status) {
            offset += chunk.size();  // a retry resumes after what the sink took
          }
          return sink_status;
        },
        cancel_);
    if (!sink_status) {
      return sink_status;  // the store refused the bytes: no retry of the same bytes
    }
    if (!response) {
      return make_error(response.error().code, what + ": " + response.error().message);
    }
    if (response->status != 200 && response->status != 206) {
      return status_error(*response, what);
    }
    if (!response_continues_at(*response, request.range_start)) {
      return make_error(ErrorCode::kUpstream,
                        what + ": the peer did not answer the range asked for");
    }
    if (offset != blob.size) {
      return make_error(ErrorCode::kUpstreamRetryable, what + ": the transfer ended after " +
                                                           std::to_string(offset) + " of " +
                                                           std::to_string(blob.size) + " bytes");
    }
    return {};
  });
}

Result<std::vector<replica::SignedRecord>> parse_records_answer(std::string_view body) {
  const json answer = json::parse(body, nullptr, false);
  if (!answer.is_object() || answer.value("format", "") != replica::kRecordFormat ||
      !answer.contains("records") || !answer["records"].is_array()) {
    return make_error(ErrorCode::kInvalidInput, "the answer is not {\"format\": \"" +
                                                    std::string(replica::kRecordFormat) +
                                                    "\", \"records\": [...]}");
  }
  std::vector<replica::SignedRecord> records;
  for (const json& item : answer["records"]) {
    const bool strings = item.is_object() && item.contains("record") &&
                         item["record"].is_string() && item.contains("signature") &&
                         item["signature"].is_string();
    auto bytes = strings ? base64_decode_strict(item["record"].get<std::string>()) : std::nullopt;
    auto signature =
        strings ? base64_decode_strict(item["signature"].get<std::string>()) : std::nullopt;
    if (!bytes || !signature) {
      return make_error(ErrorCode::kInvalidInput,
                        "a record is not {\"record\": base64, \"signature\": base64}");
    }
    records.push_back(replica::SignedRecord{std::move(*bytes), std::move(*signature)});
  }
  return records;
}

std::string records_answer(const RepoKey& repo, const std::vector<replica::SignedRecord>& records) {
  json list = json::array();
  for (const replica::SignedRecord& record : records) {
    list.push_back(json{{"record", base64_encode(record.bytes)},
                        {"signature", base64_encode(record.signature)}});
  }
  return json{{"format", replica::kRecordFormat},
              {"repo", json{{"kind", repo.kind}, {"name", repo.name}}},
              {"records", list}}
      .dump();
}

}  // namespace mirrord::peers
