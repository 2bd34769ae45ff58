// The /pypi/ routes over a real Catalog and BlobStore (daemon/pypi/pypi_routes.hpp).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "daemon/pypi/pypi_catalog.hpp"
#include "daemon/pypi/pypi_ingest.hpp"
#include "daemon/pypi/pypi_routes.hpp"
#include "tests/unit/daemon/pypi_test_support.hpp"

namespace mirrord::pypi {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
using pypi_test::body_of;
using pypi_test::header;
using pypi_test::make_request;

constexpr const char* kPipAccept =
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
    "text/html; q=0.01";
const std::string kWheel = "demo_pkg-1.0+x-py3-none-any.whl";
const std::string kWheelBytes = "pretend these are the bytes of a wheel";
const std::string kMetadataBytes = "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0+x\n";
const std::string kSdist = "demo_pkg-1.0.tar.gz";

class PypiRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const BlobInfo wheel =
        ingest_bytes(*fixture_.store, *fixture_.catalog, kWheelBytes, nullptr).value();
    const BlobInfo metadata =
        ingest_bytes(*fixture_.store, *fixture_.catalog, kMetadataBytes, nullptr).value();
    const BlobInfo sdist =
        ingest_bytes(*fixture_.store, *fixture_.catalog, "sdist", nullptr).value();
    wheel_hex_ = wheel.sha256.hex();
    sdist_hex_ = sdist.sha256.hex();
    ProjectState state;
    state.project = "demo-pkg";
    state.files = {PublishedFile{kWheel, "1.0+x", wheel.sha256, wheel.size, ">=3.8", std::nullopt,
                                 "", metadata.sha256, "", false, std::nullopt},
                   PublishedFile{kSdist, "1.0", sdist.sha256, sdist.size, "", std::string("old"),
                                 "", std::nullopt, "", false, std::nullopt}};
    state.sort_files();
    const std::vector<SnapshotFile> files = {
        {kWheel, wheel.sha256, *wheel.git_oid, false, wheel.size},
        {kWheel + ".metadata", metadata.sha256, *metadata.git_oid, false, metadata.size},
        {kSdist, sdist.sha256, *sdist.git_oid, false, sdist.size}};
    ASSERT_TRUE(
        publish_project(*fixture_.catalog, project_repo("idx", "demo-pkg"), state, files).ok());
    route_ = make_pypi_routes(fixture_.catalog, fixture_.store);
  }

  http::Response call(const std::string& method, const std::string& target,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto response = route_(make_request(method, target, std::move(headers)));
    EXPECT_TRUE(response.has_value()) << target;
    return response.value_or(http::Response{});
  }

  std::string wheel_url() const {
    return "/pypi/idx/files/demo-pkg/" + wheel_hex_ + "/demo_pkg-1.0%2Bx-py3-none-any.whl";
  }

  pypi_test::StoreFixture fixture_;
  http::Route route_;
  std::string wheel_hex_;
  std::string sdist_hex_;
};

TEST_F(PypiRoutesTest, ProjectPageIsNegotiated) {
  const http::Response json = call("GET", "/pypi/idx/simple/demo-pkg/", {{"Accept", kPipAccept}});
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(header(json, "Content-Type"), "application/vnd.pypi.simple.v1+json");
  EXPECT_EQ(header(json, "Vary"), "Accept");
  EXPECT_EQ(header(json, "ETag"), "\"" + sha256_of(json.body).hex() + "\"");
  const Json page = Json::parse(json.body);
  ASSERT_EQ(page["files"].size(), 2u);
  // Sorted by filename ('+' sorts before '.').
  EXPECT_EQ(page["files"][0]["url"],
            "../../files/demo-pkg/" + wheel_hex_ + "/demo_pkg-1.0%2Bx-py3-none-any.whl");
  EXPECT_EQ(page["files"][1]["yanked"], "old");

  const http::Response html = call("GET", "/pypi/idx/simple/demo-pkg/");
  EXPECT_EQ(header(html, "Content-Type"), "text/html");
  EXPECT_EQ(header(html, "Vary"), "Accept");
  EXPECT_THAT(html.body, HasSubstr(">demo_pkg-1.0+x-py3-none-any.whl</a>"));
  EXPECT_NE(header(html, "ETag"), header(json, "ETag"));

  const http::Response v1 = call("GET", "/pypi/idx/simple/demo-pkg/",
                                 {{"Accept", "application/vnd.pypi.simple.latest+html"}});
  EXPECT_EQ(header(v1, "Content-Type"), "application/vnd.pypi.simple.v1+html");
  const http::Response by_query =
      call("GET", "/pypi/idx/simple/demo-pkg/?format=application/vnd.pypi.simple.v1%2Bjson");
  EXPECT_EQ(header(by_query, "Content-Type"), "application/vnd.pypi.simple.v1+json");

  const http::Response refused =
      call("GET", "/pypi/idx/simple/demo-pkg/", {{"Accept", "application/xml"}});
  EXPECT_EQ(refused.status, 406);
  EXPECT_EQ(header(refused, "Vary"), "Accept");

  const http::Response head = call("HEAD", "/pypi/idx/simple/demo-pkg/", {{"Accept", kPipAccept}});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body.size(), json.body.size());  // the server drops the body, keeps the length
}

TEST_F(PypiRoutesTest, RevalidationAnswersNotModified) {
  const http::Response first = call("GET", "/pypi/idx/simple/demo-pkg/", {{"Accept", kPipAccept}});
  const http::Response again =
      call("GET", "/pypi/idx/simple/demo-pkg/",
           {{"Accept", kPipAccept}, {"If-None-Match", header(first, "ETag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(header(again, "Vary"), "Accept");
  const http::Response other_format =
      call("GET", "/pypi/idx/simple/demo-pkg/", {{"If-None-Match", header(first, "ETag")}});
  EXPECT_EQ(other_format.status, 200);  // the HTML has its own ETag
}

TEST_F(PypiRoutesTest, RedirectsToTheCanonicalUrl) {
  const http::Response index = call("GET", "/pypi/idx/simple");
  EXPECT_EQ(index.status, 301);
  EXPECT_EQ(header(index, "Location"), "simple/");
  const http::Response slashless = call("GET", "/pypi/idx/simple/Demo_Pkg");
  EXPECT_EQ(slashless.status, 301);
  EXPECT_EQ(header(slashless, "Location"), "demo-pkg/");
  const http::Response unnormalized = call("GET", "/pypi/idx/simple/Demo_Pkg/");
  EXPECT_EQ(unnormalized.status, 301);
  EXPECT_EQ(header(unnormalized, "Location"), "../demo-pkg/");
}

TEST_F(PypiRoutesTest, ProjectList) {
  const http::Response json =
      call("GET", "/pypi/idx/simple/", {{"Accept", "application/vnd.pypi.simple.v1+json"}});
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(Json::parse(json.body)["projects"], Json::parse(R"([{"name": "demo-pkg"}])"));
  EXPECT_EQ(call("GET", "/pypi/other/simple/").status, 404);
  EXPECT_EQ(call("GET", "/pypi/other/simple/demo-pkg/").status, 404);
  EXPECT_EQ(call("GET", "/pypi/idx/simple/absent/").status, 404);
}

TEST_F(PypiRoutesTest, ServesFilesAndMetadataByDigest) {
  const http::Response wheel = call("GET", wheel_url());
  EXPECT_EQ(wheel.status, 200);
  EXPECT_EQ(body_of(wheel), kWheelBytes);
  EXPECT_EQ(header(wheel, "ETag"), "\"" + wheel_hex_ + "\"");
  EXPECT_EQ(header(wheel, "Accept-Ranges"), "bytes");
  const http::Response head = call("HEAD", wheel_url());
  EXPECT_EQ(head.head_content_length.value_or(0), kWheelBytes.size());
  const http::Response range = call("GET", wheel_url(), {{"Range", "bytes=0-6"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(body_of(range), "pretend");
  const http::Response past = call("GET", wheel_url(), {{"Range", "bytes=1000-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(header(past, "Content-Range"), "bytes */" + std::to_string(kWheelBytes.size()));
  const http::Response metadata = call("GET", wheel_url() + ".metadata");
  EXPECT_EQ(metadata.status, 200);
  EXPECT_EQ(body_of(metadata), kMetadataBytes);
  // The unencoded '+' is the same file.
  EXPECT_EQ(call("GET", "/pypi/idx/files/demo-pkg/" + wheel_hex_ + "/" + kWheel).status, 200);
}

TEST_F(PypiRoutesTest, RefusesFilesThePageDoesNotListWithThatDigest) {
  const std::string other_hex(64, 'a');
  for (const std::string& target :
       {"/pypi/idx/files/demo-pkg/" + other_hex + "/" + kWheel,   // wrong digest
        "/pypi/idx/files/demo-pkg/" + sdist_hex_ + "/" + kWheel,  // another file's digest
        "/pypi/idx/files/demo-pkg/" + sdist_hex_ + "/" + kSdist + ".metadata",  // no metadata
        "/pypi/idx/files/other/" + wheel_hex_ + "/" + kWheel,                   // another project
        "/pypi/other/files/demo-pkg/" + wheel_hex_ + "/" + kWheel,              // another root
        "/pypi/idx/files/demo-pkg/" + wheel_hex_ + "/%2e%2e%2fcatalog.db",
        "/pypi/idx/files/demo-pkg/xyz/" + kWheel, "/pypi/idx/files/demo-pkg/" + wheel_hex_,
        std::string("/pypi/idx/files/demo-pkg/") + wheel_hex_ + "/%zz"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(call("GET", target).status, 404);
  }
  EXPECT_EQ(call("GET", "/pypi/..%2F/simple/").status, 404);
  EXPECT_EQ(call("GET", "/pypi/").status, 404);
  const http::Response post = call("POST", "/pypi/idx/simple/");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(header(post, "Allow"), "GET, HEAD");
  EXPECT_FALSE(route_(make_request("GET", "/Qwen/x/resolve/main/a")).has_value());
  EXPECT_FALSE(route_(make_request("GET", "/pypi")).has_value());
}

}  // namespace
}  // namespace mirrord::pypi
