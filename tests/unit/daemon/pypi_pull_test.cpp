// Pulls against an in-memory upstream (daemon/pypi/pypi_pull.hpp, pypi_sync.hpp): what gets
// published, verified and refused, and how upstream drift shows.
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/pypi/pypi_catalog.hpp"
#include "daemon/pypi/pypi_ingest.hpp"
#include "daemon/pypi/pypi_pull.hpp"
#include "tests/unit/daemon/pypi_test_support.hpp"

namespace mirrord::pypi {
namespace {

using pypi_test::make_wheel;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kIndex = "https://index.test/whl/cu124/";
constexpr const char* kPage = "https://index.test/whl/cu124/demo-pkg/";
constexpr const char* kOffsite = "https://files.test/store/";

const std::string kWheel1 = "demo_pkg-1.0-py3-none-any.whl";
const std::string kWheel2 = "demo_pkg-2.0-py3-none-any.whl";
const std::string kSdist = "demo_pkg-2.0.tar.gz";
const std::string kBad = "demo_pkg-2.0-cp312-cp312-linux_x86_64.whl";

std::string anchor(const std::string& href, const std::string& name,
                   const std::string& extra = "") {
  return "<a href=\"" + href + "\"" + extra + ">" + name + "</a><br>\n";
}

class PypiPullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    wheel1_ = make_wheel("demo_pkg", "1.0", "Requires-Python: >=3.8\n");
    wheel2_ = make_wheel("demo_pkg", "2.0", "Requires-Python: >=3.9\n");
    sdist_ = "pretend sdist bytes";
    target_.index = kIndex;
    target_.projects = {"Demo_Pkg"};
  }

  // A PyTorch-style page: a relative link with a hash, an off-site link without one, an sdist
  // on the index host, and a wheel whose listed hash is wrong.
  void serve_html_upstream(const std::string& timestamp = "1") {
    upstream_.serve_html(
        kPage, "<html><body>" +
                   anchor("/whl/" + kWheel1 + "#sha256=" + sha256_of(wheel1_).hex(), kWheel1,
                          " data-upload-time=\"2024-05-06T07:08:09Z\"") +
                   anchor(std::string(kOffsite) + kWheel2, kWheel2) +
                   anchor("../" + kSdist, kSdist, " data-requires-python=\"&gt;=3.7\"") +
                   anchor("/whl/" + kBad + "#sha256=" + std::string(64, 'f'), kBad) +
                   "</body></html><!--TIMESTAMP " + timestamp + "-->");
    upstream_.serve_file("https://index.test/whl/" + kWheel1, wheel1_);
    upstream_.serve_file(std::string(kOffsite) + kWheel2, wheel2_);
    upstream_.serve_file("https://index.test/whl/cu124/" + kSdist, sdist_);
    upstream_.serve_file("https://index.test/whl/" + kBad, "bytes that hash to something else");
  }

  Status pull(const PypiTarget& target) {
    const PullDeps deps{*fixture_.catalog,
                        *fixture_.store,
                        upstream_,
                        locks_,
                        fixture_.dir.path() / "pypi",
                        "https://default.test/simple/",
                        2,
                        UpstreamOptions{2, std::chrono::milliseconds(1),
                                        std::chrono::milliseconds(1), [](auto, auto) {}}};
    JobContext job;
    return run_pypi_pull(target, "cu124", deps, job);
  }

  CurrentProject current(const std::string& project = "demo-pkg") {
    auto found = load_current(*fixture_.catalog, project_repo("cu124", project));
    EXPECT_TRUE(found.ok() && found->has_value()) << project;
    return found.ok() && *found ? std::move(**found) : CurrentProject{};
  }

  std::optional<std::string> ref(const char* name, const std::string& project = "demo-pkg") {
    return fixture_.catalog->resolve_ref(project_repo("cu124", project), name).value();
  }

  std::uint64_t file_count(const char* ref_name) {
    const auto commit = ref(ref_name);
    EXPECT_TRUE(commit.has_value()) << ref_name;
    auto snapshot =
        fixture_.catalog->find_snapshot(project_repo("cu124", "demo-pkg"), commit.value_or(""));
    return snapshot.ok() && *snapshot ? (*snapshot)->file_count : 999;
  }

  pypi_test::StoreFixture fixture_;
  pypi_test::UpstreamFake upstream_;
  ProjectLocks locks_;
  PypiTarget target_;
  std::string wheel1_, wheel2_, sdist_;
};

TEST_F(PypiPullTest, PublishesVerifiedFilesAndRefusesTheWrongHash) {
  serve_html_upstream();
  const Status status = pull(target_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kDigestMismatch);
  EXPECT_THAT(status.error().message, HasSubstr(kBad + ": the bytes hash to sha256"));
  EXPECT_THAT(status.error().message, HasSubstr("but the index lists " + std::string(64, 'f')));

  const CurrentProject project = current();
  ASSERT_EQ(project.state.files.size(), 3u);  // the mismatching wheel is not listed
  EXPECT_EQ(project.state.find(kBad), nullptr);
  const PublishedFile* wheel1 = project.state.find(kWheel1);
  ASSERT_NE(wheel1, nullptr);
  EXPECT_EQ(wheel1->sha256, sha256_of(wheel1_));
  EXPECT_EQ(wheel1->size, wheel1_.size());
  EXPECT_EQ(wheel1->requires_python, ">=3.8");  // from METADATA
  EXPECT_EQ(wheel1->upload_time, "2024-05-06T07:08:09Z");
  ASSERT_TRUE(wheel1->core_metadata.has_value());
  EXPECT_EQ(*wheel1->core_metadata,
            sha256_of(pypi_test::metadata_text("demo_pkg", "1.0", "Requires-Python: >=3.8\n")));
  const PublishedFile* wheel2 = project.state.find(kWheel2);  // off-site, no upstream hash
  ASSERT_NE(wheel2, nullptr);
  EXPECT_EQ(wheel2->sha256, sha256_of(wheel2_));  // computed at ingest
  const PublishedFile* sdist = project.state.find(kSdist);
  ASSERT_NE(sdist, nullptr);
  EXPECT_EQ(sdist->requires_python, ">=3.7");  // from the page: sdists have no METADATA read
  EXPECT_FALSE(sdist->core_metadata.has_value());
  // Every published row names stored bytes with the digest the page will advertise.
  for (const SnapshotFile& row : project.files) {
    auto bytes = read_blob(*fixture_.store, row.sha256, 1 << 20);
    ASSERT_TRUE(bytes.ok()) << row.path;
    EXPECT_EQ(sha256_of(*bytes), row.sha256);
  }
  EXPECT_EQ(project.files.size(), 5u);  // 3 distributions and 2 .metadata
  // The refused bytes are kept for inspection, outside the store.
  const auto quarantine = fixture_.dir.path() / "pypi" / "quarantine" / "cu124";
  EXPECT_TRUE(std::filesystem::exists(
      quarantine / (sha256_of("bytes that hash to something else").hex() + "-" + kBad)));
  EXPECT_TRUE(std::filesystem::is_empty(fixture_.dir.path() / "pypi" / "staging"));
  EXPECT_FALSE(ref(kDelistedRef).has_value());  // no drift: no report lines
  EXPECT_FALSE(ref(kRefusedRef).has_value());
}

TEST_F(PypiPullTest, AnUnchangedUpstreamPublishesNothingNew) {
  serve_html_upstream("1");
  target_.wheel_tags = {"py3-none-any"};  // leave the bad wheel out
  ASSERT_TRUE(pull(target_).ok());
  const std::string first = ref(kCurrentRef).value();
  const std::size_t downloads = upstream_.requests().size();
  serve_html_upstream("2");  // new page bytes (timestamp), same files
  ASSERT_TRUE(pull(target_).ok());
  EXPECT_EQ(ref(kCurrentRef).value(), first);
  EXPECT_EQ(upstream_.requests().size(), downloads + 1);  // only the page again
}

TEST_F(PypiPullTest, DriftIsKeptVisibleAndReportedOnce) {
  serve_html_upstream();
  target_.wheel_tags = {"py3-none-any"};
  ASSERT_TRUE(pull(target_).ok());
  // Upstream de-lists the sdist and lists new bytes under the name of wheel 1.
  const std::string replaced = make_wheel("demo_pkg", "1.0", "Requires-Python: >=3.10\n");
  upstream_.serve_html(kPage,
                       anchor("/whl/" + kWheel1 + "#sha256=" + sha256_of(replaced).hex(), kWheel1) +
                           anchor(std::string(kOffsite) + kWheel2, kWheel2));
  upstream_.serve_file("https://index.test/whl/" + kWheel1, replaced);
  const Status drift = pull(target_);
  ASSERT_FALSE(drift.ok());
  EXPECT_THAT(drift.error().message,
              HasSubstr(kWheel1 + ": upstream now lists sha256 " + sha256_of(replaced).hex()));
  const CurrentProject project = current();
  ASSERT_EQ(project.state.files.size(), 3u);
  EXPECT_TRUE(project.state.find(kSdist)->delisted);
  EXPECT_EQ(project.state.find(kWheel1)->sha256, sha256_of(wheel1_));  // published bytes stay
  EXPECT_EQ(project.state.find(kWheel1)->upstream_sha256, sha256_of(replaced));
  EXPECT_EQ(file_count(kDelistedRef), 1u);
  EXPECT_EQ(file_count(kRefusedRef), 1u);
  // The same drift again is already reported: the pull succeeds, the report stays.
  ASSERT_TRUE(pull(target_).ok());
  EXPECT_EQ(file_count(kRefusedRef), 1u);
  // Upstream goes back: the flags clear and the report lines show zero files.
  serve_html_upstream();
  ASSERT_TRUE(pull(target_).ok());
  const CurrentProject restored = current();
  EXPECT_FALSE(restored.state.find(kSdist)->delisted);
  EXPECT_FALSE(restored.state.find(kWheel1)->upstream_sha256.has_value());
  EXPECT_EQ(file_count(kDelistedRef), 0u);
  EXPECT_EQ(file_count(kRefusedRef), 0u);
}

TEST_F(PypiPullTest, ReadsJsonIndexesWithYankAndSize) {
  upstream_.serve_json(kPage, R"({"meta": {"api-version": "1.1"}, "name": "demo-pkg", "files": [
      {"filename": ")" + kWheel1 + R"(", "url": "https://files.test/)" +
                                  kWheel1 + R"(",
       "hashes": {"sha256": ")" + sha256_of(wheel1_).hex() +
                                  R"("}, "size": )" + std::to_string(wheel1_.size()) + R"(,
       "yanked": "use 2.0", "upload-time": "2024-01-01T00:00:00.000001Z"},
      {"filename": ")" + kWheel2 + R"(", "url": "https://files.test/)" +
                                  kWheel2 + R"(",
       "hashes": {"sha256": ")" + sha256_of(wheel2_).hex() +
                                  R"("}, "size": 3}]})");
  upstream_.serve_file(std::string("https://files.test/") + kWheel1, wheel1_);
  upstream_.serve_file(std::string("https://files.test/") + kWheel2, wheel2_);
  target_.versions = "==1.0";  // pinned: a yanked file may be mirrored
  ASSERT_TRUE(pull(target_).ok());
  const CurrentProject first = current();
  const PublishedFile* wheel1 = first.state.find(kWheel1);
  ASSERT_NE(wheel1, nullptr);
  EXPECT_EQ(wheel1->yanked.value_or("-"), "use 2.0");
  EXPECT_EQ(wheel1->upload_time, "2024-01-01T00:00:00.000001Z");
  // The listed size is a promise: 2.0's upstream sends more bytes than listed.
  target_.versions = "==2.0";
  const Status oversize = pull(target_);
  ASSERT_FALSE(oversize.ok());
  EXPECT_THAT(oversize.error().message, HasSubstr("more bytes than the index lists"));
  EXPECT_EQ(current().state.find(kWheel2), nullptr);
  // Un-yanking upstream is seen on the next sync.
  upstream_.serve_json(kPage, R"({"files": [{"filename": ")" + kWheel1 +
                                  R"(", "url": "https://files.test/)" + kWheel1 + R"("}]})");
  target_.versions = "==1.0";
  ASSERT_TRUE(pull(target_).ok());
  EXPECT_FALSE(current().state.find(kWheel1)->yanked.has_value());
}

TEST_F(PypiPullTest, HostAllowListAndSizeCap) {
  serve_html_upstream();
  target_.wheel_tags = {"py3-none-any"};
  target_.file_hosts = {"other.test"};
  const Status status = pull(target_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kPolicy);
  EXPECT_THAT(status.error().message, HasSubstr(kWheel2 + ": its URL https://files.test/"));
  EXPECT_NE(current().state.find(kWheel1), nullptr);  // on the index's own host: allowed
  EXPECT_EQ(upstream_.count(std::string(kOffsite) + kWheel2), 0u);

  target_.file_hosts = {"*.test"};
  target_.max_file_size = 100;  // smaller than wheel 2; sizes are unknown before download
  const Status capped = pull(target_);
  ASSERT_FALSE(capped.ok());
  EXPECT_THAT(capped.error().message, HasSubstr("larger than the size cap (100 bytes)"));
}

TEST_F(PypiPullTest, UnknownProjectsAndEmptySelectionsFail) {
  target_.projects = {"absent"};
  const Status missing = pull(target_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("absent: https://index.test/whl/cu124/absent/"));
  serve_html_upstream();
  target_.projects = {"demo-pkg"};
  target_.versions = ">=9";
  const Status nothing = pull(target_);
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().code, ErrorCode::kPolicy);
  EXPECT_THAT(nothing.error().message, HasSubstr("no file of demo-pkg (4 listed upstream)"));
  EXPECT_TRUE(list_projects(*fixture_.catalog, "cu124").value().empty());
}

TEST_F(PypiPullTest, RetriesRetryableFailuresThenSucceeds) {
  serve_html_upstream();
  target_.wheel_tags = {"py3-none-any"};
  upstream_.serve(kPage, pypi_test::Reply{503, "text/plain", "busy", {}});
  const Status busy = pull(target_);
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, ErrorCode::kUpstreamRetryable);
  EXPECT_EQ(upstream_.count(kPage), 2u);  // max_attempts
  serve_html_upstream();
  EXPECT_TRUE(pull(target_).ok());
}

TEST_F(PypiPullTest, MirrorsDependenciesFromTheirMetadata) {
  const std::string app =
      make_wheel("app", "1.0",
                 "Requires-Dist: Demo_Pkg>=1.5\nRequires-Dist: optional-thing; extra == \"x\"\n"
                 "Requires-Dist: urlpkg @ https://example.org/u.whl\n");
  upstream_.serve_html(std::string(kIndex) + "app/",
                       anchor("app-1.0-py3-none-any.whl#sha256=" + sha256_of(app).hex(),
                              "app-1.0-py3-none-any.whl"));
  upstream_.serve_file(std::string(kIndex) + "app/app-1.0-py3-none-any.whl", app);
  serve_html_upstream();
  target_.projects = {"app"};
  target_.sdists = false;
  target_.wheel_tags = {"py3-none-any"};
  ASSERT_TRUE(pull(target_).ok());  // without the switch: app only
  EXPECT_EQ(list_projects(*fixture_.catalog, "cu124").value(), std::vector<std::string>{"app"});
  target_.dependencies = true;
  ASSERT_TRUE(pull(target_).ok());
  EXPECT_EQ(list_projects(*fixture_.catalog, "cu124").value(),
            (std::vector<std::string>{"app", "demo-pkg"}));
  const CurrentProject dependency = current();
  ASSERT_EQ(dependency.state.files.size(), 1u);  // the newest version matching >=1.5
  EXPECT_EQ(dependency.state.files[0].filename, kWheel2);
  EXPECT_EQ(upstream_.count(std::string(kIndex) + "optional-thing/"), 0u);
  EXPECT_EQ(upstream_.count(std::string(kIndex) + "urlpkg/"), 0u);
}

TEST_F(PypiPullTest, AdhocTargetsUseTheDefaultIndex) {
  PypiTarget adhoc;
  adhoc.projects = {"demo-pkg"};
  adhoc.latest = 1;
  const Status status = pull(adhoc);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("https://default.test/simple/demo-pkg/"));
}

}  // namespace
}  // namespace mirrord::pypi
