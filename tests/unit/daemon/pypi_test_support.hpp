// Test support for the PyPI ecosystem tests: an in-memory upstream behind the Fetcher interface
// (pages and files by URL, every request recorded, replies changeable between syncs), wheels
// built in memory as real ZIP files with libarchive, and a real Catalog and BlobStore in a
// temporary directory.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "daemon/fetch/fetcher.hpp"
#include "daemon/http/message.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"
#include "storage/file_system.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::pypi_test {

struct Reply {
  long status = 200;
  std::string content_type;
  std::string body;
  std::optional<Error> fail;  // no response at all (a network error)
};

class UpstreamFake final : public Fetcher {
 public:
  void serve(const std::string& url, Reply reply) {
    std::lock_guard lock(mutex_);
    replies_[url] = std::move(reply);
  }
  void serve_html(const std::string& url, std::string html) {
    serve(url, Reply{200, "text/html", std::move(html), {}});
  }
  void serve_json(const std::string& url, std::string json) {
    serve(url, Reply{200, "application/vnd.pypi.simple.v1+json", std::move(json), {}});
  }
  void serve_file(const std::string& url, std::string bytes) {
    serve(url, Reply{200, "application/octet-stream", std::move(bytes), {}});
  }
  void remove(const std::string& url) {
    std::lock_guard lock(mutex_);
    replies_.erase(url);
  }
  std::vector<FetchRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count(const std::string& url) const {
    std::size_t n = 0;
    for (const FetchRequest& request : requests()) {
      n += request.url == url ? 1 : 0;
    }
    return n;
  }

  Result<FetchResponse> fetch(const FetchRequest& request, const BodySink& sink,
                              const std::atomic<bool>* cancel) override {
    if (cancel != nullptr && cancel->load()) {
      return make_error(ErrorCode::kCancelled, "cancelled");
    }
    Reply reply;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      const auto it = replies_.find(request.url);
      reply = it == replies_.end() ? Reply{404, "text/plain", "not found", {}} : it->second;
    }
    if (reply.fail) {
      return *reply.fail;
    }
    FetchResponse response;
    response.status = reply.status;
    response.effective_url = request.url;
    response.headers = {{"Content-Type", reply.content_type}};
    if (reply.status >= 200 && reply.status < 300) {
      if (reply.body.size() > request.max_body_bytes) {
        return make_error(ErrorCode::kSizeMismatch, "body over the cap");
      }
      MIRRORD_TRY(sink(std::as_bytes(std::span(reply.body.data(), reply.body.size()))));
      response.body_bytes = reply.body.size();
    }
    return response;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Reply> replies_;
  std::vector<FetchRequest> requests_;
};

// A ZIP archive holding `entries` (path -> content), built with libarchive.
inline std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::size_t capacity = 1 << 16;
  for (const auto& entry : entries) {
    capacity += entry.first.size() * 2 + entry.second.size() + 512;
  }
  std::string out(capacity, '\0');
  std::size_t used = 0;
  archive* writer = archive_write_new();
  archive_write_set_format_zip(writer);
  archive_write_open_memory(writer, out.data(), out.size(), &used);
  for (const auto& [path, content] : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, path.c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    archive_write_header(writer, entry);
    archive_write_data(writer, content.data(), content.size());
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
  out.resize(used);
  return out;
}

inline std::string metadata_text(const std::string& name, const std::string& version,
                                 const std::string& extra = "") {
  return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n" + extra +
         "\nLong description.\nRequires-Python: >=9 (body text, not a header)\n";
}

// A real wheel of `name` `version` whose METADATA is metadata_text(name, version, extra).
inline std::string make_wheel(const std::string& name, const std::string& version,
                              const std::string& extra = "") {
  const std::string dist_info = name + "-" + version + ".dist-info/";
  return make_zip({{name + "/__init__.py", "VALUE = 1\n"},
                   {dist_info + "METADATA", metadata_text(name, version, extra)},
                   {dist_info + "WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n"},
                   {dist_info + "RECORD", ""}});
}

// A Catalog and a local BlobStore in a fresh temporary directory.
struct StoreFixture {
  StoreFixture() {
    store = make_local_blob_store(dir.path() / "store", make_posix_file_system()).value();
    catalog = std::shared_ptr<Catalog>(Catalog::open(dir.path() / "catalog.db").value());
  }
  testing::TempDir dir;
  std::shared_ptr<BlobStore> store;
  std::shared_ptr<Catalog> catalog;
};

// A request as the server builds it: the target split into raw path and raw query.
inline http::Request make_request(const std::string& method, const std::string& target,
                                  std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Request request;
  request.method = method;
  request.target = target;
  const std::size_t question = target.find('?');
  request.path = target.substr(0, question);
  request.query = question == std::string::npos ? std::string() : target.substr(question + 1);
  for (auto& [name, value] : headers) {
    request.headers.add(std::move(name), std::move(value));
  }
  return request;
}

// The bytes a response would send: its string body, or the byte range of its file body.
inline std::string body_of(const http::Response& response) {
  if (!response.file) {
    return response.body;
  }
  std::string bytes(response.file->length, '\0');
  const ssize_t got = ::pread(response.file->fd->get(), bytes.data(), bytes.size(),
                              static_cast<off_t>(response.file->offset));
  EXPECT_EQ(got, static_cast<ssize_t>(bytes.size()));
  return bytes;
}

inline std::string header(const http::Response& response, std::string_view name) {
  return std::string(response.headers.get(name).value_or(""));
}

}  // namespace mirrord::pypi_test
