#include "daemon/apt/apt_routes.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "daemon/apt/apt_blobs.hpp"
#include "daemon/apt/apt_state.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::apt {
namespace {

class AptRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *make_local_blob_store(dir_.path(), make_posix_file_system());
    catalog_ = std::move(Catalog::open(dir_.path() / "catalog.db")).value();
    route_ = make_apt_routes(catalog_, store_);
  }

  SnapshotFile file(const std::string& path, const std::string& content) {
    return snapshot_file(path, *store_bytes(*store_, *catalog_, content));
  }

  // Publishes generation `n` of policy "deb": its InRelease, a canonical index, a by-hash copy
  // and a pool file, all named after `n`.
  void publish_generation(const std::string& n, std::int64_t now) {
    const auto previous = load_current(*catalog_, "deb");
    ASSERT_TRUE(previous.ok()) << previous.error().message;
    AptRepoState state;
    state.mode = "verbatim";
    state.suites["stable"].upstream_date = now;
    const auto published =
        publish_state(*catalog_, "deb",
                      {file("dists/stable/InRelease", "inrelease " + n),
                       file("dists/stable/main/binary-amd64/Packages", "packages " + n),
                       file("dists/stable/main/binary-amd64/by-hash/SHA256/" + n, "packages " + n),
                       file("pool/main/p/p_" + n + ".deb", "deb " + n),
                       file(".upstream/stable/signed-text", "evidence " + n)},
                      state, *previous, now);
    ASSERT_TRUE(published.ok()) << published.error().message;
  }

  http::Response call(const std::string& method, const std::string& path) {
    http::Request request;
    request.method = method;
    request.target = path;
    request.path = path;
    auto response = route_(request);
    EXPECT_TRUE(response.has_value()) << path;
    return response ? std::move(*response) : http::Response{};
  }

  // The body of a 200 response (sent with sendfile by the server: read the fd here).
  static std::string body(const http::Response& response) {
    if (!response.file) {
      return response.body;
    }
    std::string data(response.file->length, '\0');
    EXPECT_EQ(::pread(response.file->fd->get(), data.data(), data.size(),
                      static_cast<off_t>(response.file->offset)),
              static_cast<ssize_t>(data.size()));
    return data;
  }

  static std::int64_t now() { return unix_now_for_test(); }
  static std::int64_t unix_now_for_test() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  mirrord::testing::TempDir dir_;
  std::shared_ptr<BlobStore> store_;
  std::shared_ptr<Catalog> catalog_;
  http::Route route_;
};

TEST_F(AptRoutesTest, IgnoresOtherPaths) {
  http::Request request;
  request.method = "GET";
  request.path = "/Qwen/x/resolve/main/a";
  EXPECT_FALSE(route_(request));
}

TEST_F(AptRoutesTest, ServesTheCurrentSnapshot) {
  publish_generation("1", now());
  const http::Response inrelease = call("GET", "/apt/deb/dists/stable/InRelease");
  EXPECT_EQ(inrelease.status, 200);
  EXPECT_EQ(body(inrelease), "inrelease 1");
  EXPECT_EQ(inrelease.headers.get("Cache-Control"), "no-cache");
  const http::Response deb = call("GET", "/apt/deb/pool/main/p/p_1.deb");
  EXPECT_EQ(deb.status, 200);
  EXPECT_EQ(body(deb), "deb 1");
  EXPECT_EQ(deb.headers.get("Content-Type"), "application/vnd.debian.binary-package");
  EXPECT_EQ(deb.headers.get("ETag"), "\"" + sha256_of("deb 1").hex() + "\"");
  const http::Response head = call("HEAD", "/apt/deb/dists/stable/main/binary-amd64/Packages");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(call("GET", "/apt/deb/dists/stable/Release").status, 404);
  EXPECT_EQ(call("GET", "/apt/other/dists/stable/InRelease").status, 404);
}

TEST_F(AptRoutesTest, OldByHashAndPoolNamesStayReachableButCanonicalNamesSwitch) {
  publish_generation("1", now());
  publish_generation("2", now());
  EXPECT_EQ(body(call("GET", "/apt/deb/dists/stable/InRelease")), "inrelease 2");
  EXPECT_EQ(body(call("GET", "/apt/deb/dists/stable/main/binary-amd64/Packages")), "packages 2");
  // A client that read generation 1's InRelease just before the switch still gets its files.
  EXPECT_EQ(body(call("GET", "/apt/deb/dists/stable/main/binary-amd64/by-hash/SHA256/1")),
            "packages 1");
  EXPECT_EQ(body(call("GET", "/apt/deb/pool/main/p/p_1.deb")), "deb 1");
}

TEST_F(AptRoutesTest, ExpiredRetainedSnapshotsAreNotServed) {
  publish_generation("1", now() - kRetainSeconds - 10);  // retained "until" lies in the past
  publish_generation("2", now() - kRetainSeconds - 5);
  EXPECT_EQ(call("GET", "/apt/deb/pool/main/p/p_1.deb").status, 404);
  EXPECT_EQ(call("GET", "/apt/deb/pool/main/p/p_2.deb").status, 200);
}

TEST_F(AptRoutesTest, RefusesUnsafePathsAndEvidence) {
  publish_generation("1", now());
  for (const char* path :
       {"/apt/deb/.upstream/stable/signed-text", "/apt/deb/../x", "/apt/deb/pool//a",
        "/apt/deb/%2e%2e/x", "/apt/deb", "/apt/", "/apt/deb/pool/a%00b"}) {
    const int status = call("GET", path).status;
    EXPECT_TRUE(status == 400 || status == 404) << path << " " << status;
    EXPECT_NE(status, 200) << path;
  }
  EXPECT_EQ(call("POST", "/apt/deb/dists/stable/InRelease").status, 405);
}

}  // namespace
}  // namespace mirrord::apt
