#include "tests/unit/daemon/hf_routes_fixture.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "storage/digest.hpp"
#include "storage/file_system.hpp"

namespace mirrord::hf_test {
namespace {

bool is_lfs_fixture(const std::string& name) {
  return name.starts_with("model") && name.ends_with(".safetensors");
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::vector<FileSpec> tree_repo_files() {
  return {{"README.md", "tree repo\n", false},
          {"empty.txt", "", false},
          {"docs/a b.md", "spaced name\n", false},
          {"onnx.json", "{\"onnx\": true}\n", false},
          {"onnx/model.onnx", "onnx-bytes-0123456789", true},
          {"onnx/sub/weights.bin", std::string("w\0\1\2", 4), false},
          {"onnx/sub/notes.txt", "notes\n", false}};
}

struct Storage {
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<BlobStore> store;
};

Storage open_storage(const std::filesystem::path& dir) {
  auto catalog = Catalog::open(dir / "catalog.db");
  EXPECT_TRUE(catalog.ok()) << catalog.error().message;
  auto store = make_local_blob_store(dir / "store", make_posix_file_system());
  EXPECT_TRUE(store.ok()) << store.error().message;
  if (!catalog.ok() || !store.ok()) {
    return {};
  }
  return {std::move(catalog.value()), std::move(store.value())};
}

std::filesystem::path make_temp_dir(const std::string& stem) {
  std::string pattern = (std::filesystem::path(::testing::TempDir()) / (stem + "_XXXXXX")).string();
  EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
  return pattern;
}

// Ingests `content` as a pull would (expected digest first, then verified) and records it.
SnapshotFile ingest_into(const Storage& storage, const std::string& path,
                         const std::string& content, bool lfs) {
  ExpectedContent expected;
  expected.size = content.size();
  if (lfs) {
    expected.sha256 = sha256_of(content);
  } else {
    expected.git_oid = git_blob_oid_of(content);
  }
  auto ingest = storage.store->begin_ingest(expected);
  EXPECT_TRUE(ingest.ok()) << ingest.error().message;
  if (!ingest.ok()) {
    return {};
  }
  const auto* bytes = reinterpret_cast<const std::byte*>(content.data());
  EXPECT_TRUE((*ingest)->write({bytes, content.size()}).ok());
  auto blob = (*ingest)->commit();
  EXPECT_TRUE(blob.ok()) << blob.error().message;
  if (!blob.ok()) {
    return {};
  }
  EXPECT_TRUE(storage.catalog->record_blob(*blob).ok());
  SnapshotFile file;
  file.path = path;
  file.sha256 = blob->sha256;
  file.git_oid = lfs ? lfs_pointer_oid(blob->sha256, blob->size) : *blob->git_oid;
  file.lfs = lfs;
  file.size = blob->size;
  return file;
}

void publish_into(const Storage& storage, const RepoKey& repo, const std::string& commit,
                  const std::vector<FileSpec>& files, const std::vector<std::string>& refs,
                  const std::string& info_json) {
  NewSnapshot snapshot;
  snapshot.repo = repo;
  snapshot.commit = commit;
  snapshot.info_json = info_json;
  snapshot.refs = refs;
  for (const FileSpec& spec : files) {
    snapshot.files.push_back(ingest_into(storage, spec.path, spec.content, spec.lfs));
  }
  auto published = storage.catalog->publish_snapshot(snapshot);
  EXPECT_TRUE(published.ok()) << published.error().message;
}

void publish_fixture_repo(const Storage& storage, const std::string& name) {
  const std::filesystem::path root = std::filesystem::path(MIRRORD_TEST_DATA) / "hf/repos" / name;
  std::vector<FileSpec> files;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    const std::string file_name = entry.path().filename().string();
    files.push_back({file_name,
                     read_test_file(std::filesystem::path("hf/repos") / name / file_name),
                     is_lfs_fixture(file_name)});
  }
  EXPECT_FALSE(files.empty()) << root;
  publish_into(storage, {"model", name}, kCommit, files, {"main"}, "{}");
}

void publish_all(const Storage& storage) {
  publish_fixture_repo(storage, kQ05);
  publish_fixture_repo(storage, kQ7);
  std::vector<FileSpec> pr_files = tree_repo_files();
  pr_files.push_back({"pr-only.txt", "only in the pull request\n", false});
  publish_into(storage, {"model", "mirrord-test/tree"}, kTreeMain, tree_repo_files(),
               {"main", "refs"}, "{}");
  publish_into(storage, {"model", "mirrord-test/tree"}, kTreePr, pr_files, {"refs/pr/1"}, "{}");
  publish_into(storage, {"dataset", "mirrord-test/ds"}, kDatasetCommit,
               {{"README.md", "dataset card\n", false}, {"data/train.csv", "a,b\n1,2\n", false}},
               {"main"}, "{}");
  publish_into(storage, {"model", "gpt2"}, kLegacyCommit,
               {{"config.json", "{\"model_type\":\"gpt2\"}", false}}, {"main"}, "{}");
}

}  // namespace

std::filesystem::path HfRoutesTest::template_dir_;

void HfRoutesTest::SetUpTestSuite() {
  template_dir_ = make_temp_dir("hf_routes_template");
  const Storage storage = open_storage(template_dir_);
  ASSERT_TRUE(storage.catalog && storage.store);
  publish_all(storage);
}  // the catalog closes here, so the directory can be copied

void HfRoutesTest::TearDownTestSuite() {
  std::error_code ignored;
  std::filesystem::remove_all(template_dir_, ignored);
}

void HfRoutesTest::SetUp() {
  dir_ = make_temp_dir("hf_routes");
  std::filesystem::copy(template_dir_, dir_, std::filesystem::copy_options::recursive);
  Storage storage = open_storage(dir_);
  ASSERT_TRUE(storage.catalog && storage.store);
  catalog_ = std::move(storage.catalog);
  store_ = std::move(storage.store);
  route_ = make_route();
}

void HfRoutesTest::TearDown() {
  route_ = nullptr;
  catalog_.reset();
  store_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void HfRoutesTest::publish(const RepoKey& repo, const std::string& commit,
                           const std::vector<FileSpec>& files, const std::vector<std::string>& refs,
                           const std::string& info_json) {
  publish_into({catalog_, store_}, repo, commit, files, refs, info_json);
}

http::Route HfRoutesTest::make_route(HfRoutesOptions options) const {
  return make_hf_routes(catalog_, store_, std::move(options));
}

std::optional<http::Response> HfRoutesTest::try_call(
    const std::string& method, const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& body) const {
  http::Request request = make_request(method, target);
  for (const auto& [name, value] : headers) {
    request.headers.add(name, value);
  }
  request.body = body;
  return route_(request);
}

http::Response HfRoutesTest::call(const std::string& method, const std::string& target,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  const std::string& body) const {
  auto response = try_call(method, target, headers, body);
  EXPECT_TRUE(response.has_value()) << method << " " << target << " was declined";
  return response ? std::move(*response) : http::Response{599, {}, {}, {}, {}};
}

http::Request make_request(const std::string& method, const std::string& target) {
  http::Request request;
  request.method = method;
  request.target = target;
  const std::size_t question = target.find('?');
  request.path = target.substr(0, question);
  request.query = question == std::string::npos ? std::string() : target.substr(question + 1);
  return request;
}

std::string body_bytes(const http::Response& response) {
  if (!response.file) {
    return response.body;
  }
  std::string bytes(response.file->length, '\0');
  const ssize_t got = ::pread(response.file->fd->get(), bytes.data(), bytes.size(),
                              static_cast<off_t>(response.file->offset));
  EXPECT_EQ(got, static_cast<ssize_t>(bytes.size()));
  return bytes;
}

std::string header_or_empty(const http::Response& response, std::string_view name) {
  return std::string(response.headers.get(name).value_or(""));
}

std::string read_test_file(const std::filesystem::path& relative_to_test_data) {
  std::ifstream in(std::filesystem::path(MIRRORD_TEST_DATA) / relative_to_test_data,
                   std::ios::binary);
  EXPECT_TRUE(in.good()) << relative_to_test_data;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void expect_no_xet_or_upstream(const http::Response& response, const std::string& context) {
  for (const auto& [name, value] : response.headers.items()) {
    EXPECT_FALSE(lower(name).starts_with("x-xet")) << context << ": header " << name;
    EXPECT_EQ(lower(value).find("huggingface.co"), std::string::npos) << context << ": " << name;
    EXPECT_EQ(lower(value).find("xet-"), std::string::npos) << context << ": " << name;
  }
  EXPECT_NE(header_or_empty(response, "Content-Type"), "application/vnd.xet-fileinfo+json")
      << context;
  if (!response.file) {
    EXPECT_EQ(response.body.find("xetHash"), std::string::npos) << context;
    EXPECT_EQ(lower(response.body).find("huggingface.co"), std::string::npos) << context;
  }
}

}  // namespace mirrord::hf_test
