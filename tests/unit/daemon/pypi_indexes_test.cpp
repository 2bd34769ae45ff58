// Several simple indexes of the same projects (daemon/pypi/pypi_indexes.hpp): how their pages
// merge, and pulls in which one index is down, serves other bytes, or disagrees on a hash.
#include "daemon/pypi/pypi_indexes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/pypi/pypi_catalog.hpp"
#include "daemon/pypi/pypi_pull.hpp"
#include "tests/unit/daemon/pypi_test_support.hpp"

namespace mirrord::pypi {
namespace {

using pypi_test::make_wheel;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kA = "https://a.test/simple/";
constexpr const char* kB = "https://b.test/simple/";
const std::string kWheel1 = "demo_pkg-1.0-py3-none-any.whl";
const std::string kWheel2 = "demo_pkg-2.0-py3-none-any.whl";

UpstreamFile listed(const std::string& filename, const std::string& url,
                    std::optional<Sha256> sha256) {
  UpstreamFile file;
  file.filename = filename;
  file.url = url;
  file.sha256 = sha256;
  return file;
}

TEST(MergeIndexPagesTest, UnitesFilenamesAndAddsPlacesListingTheSameHash) {
  const Sha256 one = sha256_of("one");
  const Sha256 two = sha256_of("two");
  std::vector<IndexPage> pages(2);
  pages[0] = {kA,
              {{listed("x-1.whl", "https://a.test/x-1.whl", one),
                listed("x-3.whl", "https://a.test/x-3.whl", std::nullopt)},
               {"a problem"}}};
  pages[1] = {kB,
              {{listed("x-2.whl", "https://b.test/x-2.whl", two),
                listed("x-1.whl", "https://b.test/x-1.whl", one),
                listed("x-3.whl", "https://b.test/x-3.whl", std::nullopt)},
               {}}};
  const UpstreamPage merged = merge_index_pages(pages);
  ASSERT_EQ(merged.files.size(), 3u);
  EXPECT_EQ(merged.files[0].filename, "x-1.whl");
  EXPECT_EQ(merged.files[0].url, "https://a.test/x-1.whl");
  EXPECT_THAT(merged.files[0].other_urls, ElementsAre("https://b.test/x-1.whl"));
  EXPECT_FALSE(merged.files[0].refusal);
  EXPECT_EQ(merged.files[1].filename, "x-3.whl");
  EXPECT_THAT(merged.files[1].other_urls, IsEmpty());  // no hash: nothing to compare with
  EXPECT_EQ(merged.files[2].filename, "x-2.whl");      // only on the second index
  EXPECT_EQ(merged.files[2].sha256, two);
  EXPECT_THAT(merged.problems, ElementsAre("https://a.test/simple/: a problem"));
}

TEST(MergeIndexPagesTest, TheHashComesFromTheFirstIndexThatGivesOne) {
  const Sha256 one = sha256_of("one");
  std::vector<IndexPage> pages(2);
  pages[0] = {kA, {{listed("x-1.whl", "https://a.test/x-1.whl", std::nullopt)}, {}}};
  pages[1] = {kB, {{listed("x-1.whl", "https://b.test/x-1.whl", one)}, {}}};
  const UpstreamPage merged = merge_index_pages(pages);
  EXPECT_EQ(merged.files[0].sha256, one);
  EXPECT_EQ(merged.files[0].url, "https://b.test/x-1.whl");
  EXPECT_THAT(merged.files[0].other_urls, IsEmpty());
}

TEST(MergeIndexPagesTest, SizesThatDisagreeUnderOneHashAreDropped) {
  std::vector<IndexPage> pages(2);
  UpstreamFile a = listed("x-1.whl", "https://a.test/x-1.whl", sha256_of("one"));
  UpstreamFile b = listed("x-1.whl", "https://b.test/x-1.whl", sha256_of("one"));
  a.size = 11;
  b.size = 3;
  pages[0] = {kA, {{a}, {}}};
  pages[1] = {kB, {{b}, {}}};
  EXPECT_FALSE(merge_index_pages(pages).files[0].size);
  pages[1].page.files[0].size = 11;
  EXPECT_EQ(merge_index_pages(pages).files[0].size, 11u);
}

TEST(MergeIndexPagesTest, IndexesDisagreeingOnAHashRefuseTheFile) {
  std::vector<IndexPage> pages(2);
  pages[0] = {kA, {{listed("x-1.whl", "https://a.test/x-1.whl", sha256_of("one"))}, {}}};
  pages[1] = {kB, {{listed("x-1.whl", "https://b.test/x-1.whl", sha256_of("two"))}, {}}};
  const UpstreamPage merged = merge_index_pages(pages);
  ASSERT_TRUE(merged.files[0].refusal);
  EXPECT_THAT(*merged.files[0].refusal, HasSubstr("the indexes disagree on its sha256"));
  EXPECT_THAT(*merged.files[0].refusal, HasSubstr(sha256_of("two").hex()));
}

std::string page_for(const std::vector<std::pair<std::string, std::string>>& files,
                     const std::string& base) {
  std::string html = "<html><body>";
  for (const auto& [name, bytes] : files) {
    html +=
        "<a href=\"" + base + name + "#sha256=" + sha256_of(bytes).hex() + "\">" + name + "</a>\n";
  }
  return html + "</body></html>";
}

class PypiIndexesPullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    wheel1_ = make_wheel("demo_pkg", "1.0", "");
    wheel2_ = make_wheel("demo_pkg", "2.0", "");
    target_.index = kA;
    target_.extra_indexes = {kB};
    target_.projects = {"demo-pkg"};
  }

  Status pull() {
    PullDeps deps{*fixture_.catalog,
                  *fixture_.store,
                  upstream_,
                  locks_,
                  fixture_.dir.path() / "pypi",
                  "https://default.test/simple/",
                  2,
                  UpstreamOptions{2, std::chrono::milliseconds(1), std::chrono::milliseconds(1),
                                  [](auto, auto) {}}};
    deps.health = &health_;
    JobContext job;
    return run_pypi_pull(target_, "root", deps, job);
  }

  std::vector<std::string> published() {
    auto found = load_current(*fixture_.catalog, project_repo("root", "demo-pkg"));
    std::vector<std::string> names;
    if (found.ok() && *found) {
      for (const auto& file : (*found)->state.files) {
        names.push_back(file.filename);
      }
    }
    return names;
  }

  pypi_test::StoreFixture fixture_;
  pypi_test::UpstreamFake upstream_;
  ProjectLocks locks_;
  PypiTarget target_;
  UpstreamHealth health_;
  std::string wheel1_, wheel2_;
};

TEST_F(PypiIndexesPullTest, ADownIndexDoesNotStopThePullAndAStaleOneHidesNothing) {
  upstream_.serve(std::string(kA) + "demo-pkg/",
                  {0, "", "", make_error(ErrorCode::kUpstreamRetryable, "connection refused")});
  upstream_.serve_html(std::string(kB) + "demo-pkg/",
                       page_for({{kWheel1, wheel1_}, {kWheel2, wheel2_}}, "https://b.test/f/"));
  upstream_.serve_file("https://b.test/f/" + kWheel1, wheel1_);
  upstream_.serve_file("https://b.test/f/" + kWheel2, wheel2_);
  const Status status = pull();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_THAT(published(), ElementsAre(kWheel1, kWheel2));
  EXPECT_EQ(upstream_.count(std::string(kA) + "demo-pkg/"), 2u);  // asked, retried, skipped
}

TEST_F(PypiIndexesPullTest, BytesComeFromTheOtherIndexWhenTheFirstServesOthers) {
  const std::string page_a = page_for({{kWheel1, wheel1_}}, "https://a.test/f/");
  upstream_.serve_html(std::string(kA) + "demo-pkg/", page_a);
  upstream_.serve_file("https://a.test/f/" + kWheel1, "forged bytes");
  upstream_.serve_html(std::string(kB) + "demo-pkg/",
                       page_for({{kWheel1, wheel1_}}, "https://b.test/f/"));
  upstream_.serve_file("https://b.test/f/" + kWheel1, wheel1_);
  const Status status = pull();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_THAT(published(), ElementsAre(kWheel1));
  EXPECT_EQ(upstream_.count("https://a.test/f/" + kWheel1), 1u);
  EXPECT_EQ(health_.stats("https://a.test:443")->failures, 1u);
}

TEST_F(PypiIndexesPullTest, AFileWhoseHashTheIndexesDisagreeOnIsNamedAndNeverPublished) {
  const std::string other = make_wheel("demo_pkg", "2.0", "Summary: other\n");
  upstream_.serve_html(std::string(kA) + "demo-pkg/",
                       page_for({{kWheel1, wheel1_}, {kWheel2, wheel2_}}, "https://a.test/f/"));
  upstream_.serve_html(std::string(kB) + "demo-pkg/",
                       page_for({{kWheel2, other}}, "https://b.test/f/"));
  upstream_.serve_file("https://a.test/f/" + kWheel1, wheel1_);
  upstream_.serve_file("https://a.test/f/" + kWheel2, wheel2_);
  upstream_.serve_file("https://b.test/f/" + kWheel2, other);
  const Status status = pull();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_THAT(status.error().message, HasSubstr(kWheel2 + ": the indexes disagree on its sha256"));
  EXPECT_THAT(published(), ElementsAre(kWheel1));
  EXPECT_EQ(upstream_.count("https://a.test/f/" + kWheel2), 0u);
  EXPECT_EQ(upstream_.count("https://b.test/f/" + kWheel2), 0u);
}

TEST_F(PypiIndexesPullTest, AProjectOnNoIndexIsNotFound) {
  const Status status = pull();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace mirrord::pypi
