// Fuzzes the Hugging Face serving routes end to end (make_hf_routes) with hostile requests: any
// method, target, headers and body (paths-info bodies are parsed as JSON or forms) against a real
// catalog and blob store holding a few published repos. Every answer must be a valid status, and
// a file body must lie inside the blob that is sent.
//
// Input: "METHOD TARGET\n", header lines "Name: value\n", an empty line, then the body.
// Seeds: tests/fuzz/corpus/hf_routes.
#include <stdlib.h>
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/hf/hf_routes.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"
#include "storage/digest.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace mirrord;

constexpr const char* kCommit = "7ae557604adf67be50417f59c2c2f167def9a775";

struct FileSpec {
  std::string path;
  std::string content;
  bool lfs = false;
};

// A store with published repos in a temporary directory, removed at exit.
class Fixture {
 public:
  Fixture() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hf_routes_fuzz_XXXXXX");
    FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    auto catalog = Catalog::open(dir_ / "catalog.db");
    auto store = make_local_blob_store(dir_ / "store", make_posix_file_system());
    FUZZ_CHECK(catalog.ok() && store.ok());
    catalog_ = std::move(catalog.value());
    store_ = std::move(store.value());
    publish({"model", "org/repo"}, {{"config.json", "{\"a\":1}\n"},
                                    {"dir/sub/file.txt", "hello\n"},
                                    {"empty", ""},
                                    {"a b.bin", std::string(300, 'x'), true}});
    publish({"dataset", "org/data"}, {{"README.md", "card\n"}, {"data/train.csv", "a,b\n"}});
    publish({"model", "gpt2"}, {{"config.json", "{}"}});
    route_ = make_hf_routes(catalog_, store_, HfRoutesOptions{"http://127.0.0.1:1/m", 2});
  }
  ~Fixture() {
    route_ = nullptr;
    catalog_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  const http::Route& route() const { return route_; }

 private:
  void publish(const RepoKey& repo, const std::vector<FileSpec>& files) {
    NewSnapshot snapshot{repo, kCommit, {}, "{}", {"main", "refs/pr/1"}};
    for (const FileSpec& spec : files) {
      ExpectedContent expected{spec.content.size(), std::nullopt, std::nullopt};
      if (spec.lfs) {
        expected.sha256 = sha256_of(spec.content);
      } else {
        expected.git_oid = git_blob_oid_of(spec.content);
      }
      auto ingest = store_->begin_ingest(expected);
      FUZZ_CHECK(ingest.ok());
      FUZZ_CHECK((*ingest)->write(std::as_bytes(std::span(spec.content))).ok());
      auto blob = (*ingest)->commit();
      FUZZ_CHECK(blob.ok() && catalog_->record_blob(*blob).ok());
      snapshot.files.push_back(
          SnapshotFile{spec.path, blob->sha256,
                       spec.lfs ? lfs_pointer_oid(blob->sha256, blob->size) : *blob->git_oid,
                       spec.lfs, blob->size});
    }
    FUZZ_CHECK(catalog_->publish_snapshot(snapshot).ok());
  }

  std::filesystem::path dir_;
  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<BlobStore> store_;
  http::Route route_;
};

Fixture& fixture() {
  static Fixture instance;
  return instance;
}

http::Request parse_request(std::string_view input) {
  http::Request request;
  const auto line_end = input.find('\n');
  const std::string_view line = input.substr(0, line_end);
  input = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
  const auto space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  request.target = space == std::string_view::npos ? "/" : std::string(line.substr(space + 1));
  const auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) {
    request.query = request.target.substr(question + 1);
  }
  while (!input.empty()) {
    const auto end = input.find('\n');
    const std::string_view header = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    if (header.empty()) {
      break;  // the body follows
    }
    const auto colon = header.find(':');
    request.headers.add(
        std::string(header.substr(0, colon)),
        colon == std::string_view::npos ? "" : std::string(header.substr(colon + 1)));
  }
  request.body = std::string(input);
  request.request_id = "fuzz";
  request.peer = "fuzz";
  return request;
}

void check_response(const http::Response& response) {
  FUZZ_CHECK(response.status >= 200 && response.status <= 599);
  if (response.file) {
    FUZZ_CHECK(response.file->fd && response.file->fd->valid());
    struct stat info {};
    FUZZ_CHECK(::fstat(response.file->fd->get(), &info) == 0);
    const auto size = static_cast<std::uint64_t>(info.st_size);
    FUZZ_CHECK(response.file->offset <= size &&
               response.file->length <= size - response.file->offset);
    FUZZ_CHECK(response.body.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const http::Request request =
      parse_request(std::string_view(reinterpret_cast<const char*>(data), size));
  if (const auto response = fixture().route()(request)) {
    check_response(*response);
    if (request.method == "HEAD") {
      FUZZ_CHECK(!response->file);
    }
  }
  return 0;
}
