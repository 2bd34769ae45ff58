// Shared fixture of the hf_routes_*_test.cpp files: a real Catalog and a real local BlobStore in a
// temporary directory, filled by ingesting files the way a pull does, plus helpers to call the
// HF route with plain http::Request values.
//
// Published by SetUp():
//   Qwen/Qwen2.5-0.5B-Instruct, Qwen/Qwen2.5-7B-Instruct: the fixture files of tests/data/hf/repos
//     at kCommit, ref main (model*.safetensors as LFS, every other file regular).
//   mirrord-test/tree: kTreeMain (ref main and a branch named "refs") with nested directories,
//     an empty file, a name with a space, an LFS file; kTreePr (ref "refs/pr/1") adds pr-only.txt.
//   datasets mirrord-test/ds at kDatasetCommit; model "gpt2" (a legacy one-segment id).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/hf/hf_routes.hpp"
#include "daemon/http/message.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::hf_test {

inline constexpr const char* kCommit = "7ae557604adf67be50417f59c2c2f167def9a775";
inline constexpr const char* kQ05 = "Qwen/Qwen2.5-0.5B-Instruct";
inline constexpr const char* kQ7 = "Qwen/Qwen2.5-7B-Instruct";
inline constexpr const char* kTreeMain = "1111111111111111111111111111111111111111";
inline constexpr const char* kTreePr = "2222222222222222222222222222222222222222";
inline constexpr const char* kDatasetCommit = "3333333333333333333333333333333333333333";
inline constexpr const char* kLegacyCommit = "4444444444444444444444444444444444444444";
inline constexpr const char* kPublicUrl = "http://127.0.0.1:1234/hf";

struct FileSpec {
  std::string path;
  std::string content;
  bool lfs = false;
};

class HfRoutesTest : public ::testing::Test {
 protected:
  // The fixture repos are ingested once into a template directory; each test gets a copy.
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  // Ingests each file into the store (as a pull would) and publishes the snapshot.
  void publish(const RepoKey& repo, const std::string& commit, const std::vector<FileSpec>& files,
               const std::vector<std::string>& refs, const std::string& info_json = "{}");

  // A route over the fixture's catalog and store (default: kPublicUrl, page size 1000).
  http::Route make_route(HfRoutesOptions options = {kPublicUrl, 1000}) const;
  std::optional<http::Response> try_call(
      const std::string& method, const std::string& target,
      const std::vector<std::pair<std::string, std::string>>& headers = {},
      const std::string& body = "") const;
  // Like try_call, failing the test when the route declines the request.
  http::Response call(const std::string& method, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers = {},
                      const std::string& body = "") const;

  static std::filesystem::path template_dir_;
  std::filesystem::path dir_;
  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<BlobStore> store_;
  http::Route route_;
};

// Builds a request as the server would: target split into raw path and raw query.
http::Request make_request(const std::string& method, const std::string& target);
// The bytes a response would send: its string body, or the byte range of its file body.
std::string body_bytes(const http::Response& response);
std::string header_or_empty(const http::Response& response, std::string_view name);
std::string read_test_file(const std::filesystem::path& relative_to_test_data);
// Fails the test if the response carries an X-Xet-* header, or if its body mentions xetHash or
// an upstream host.
void expect_no_xet_or_upstream(const http::Response& response, const std::string& context);

}  // namespace mirrord::hf_test
