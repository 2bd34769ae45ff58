// Rendering pages from ProjectState, and the state's canonical JSON
// (daemon/pypi/pypi_render.hpp, project_state.hpp).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "daemon/pypi/html_scan.hpp"
#include "daemon/pypi/project_state.hpp"
#include "daemon/pypi/pypi_render.hpp"
#include "daemon/pypi/simple_html.hpp"
#include "daemon/pypi/simple_json.hpp"

namespace mirrord::pypi {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

ProjectState sample_state() {
  ProjectState state;
  state.project = "demo-pkg";
  PublishedFile wheel;
  wheel.filename = "demo_pkg-1.0+local-py3-none-any.whl";
  wheel.version = "1.0+local";
  wheel.sha256 = sha256_of("wheel");
  wheel.size = 972;
  wheel.requires_python = ">=3.8,<4";
  wheel.core_metadata = sha256_of("metadata");
  wheel.upload_time = "2024-01-02T03:04:05Z";
  wheel.yanked = "bad \"build\" <x>";
  PublishedFile sdist;
  sdist.filename = "demo_pkg-0.9.tar.gz";
  sdist.version = "0.9";
  sdist.sha256 = sha256_of("sdist");
  sdist.size = 10;
  sdist.yanked = "";
  sdist.delisted = true;
  sdist.upstream_sha256 = sha256_of("other");
  PublishedFile newer;
  newer.filename = "demo_pkg-1.10-py3-none-any.whl";
  newer.version = "1.10";
  newer.sha256 = sha256_of("newer");
  newer.size = 5;
  state.files = {wheel, sdist, newer};
  state.sort_files();
  return state;
}

TEST(ProjectStateTest, RoundTripsAndIsCanonical) {
  const ProjectState state = sample_state();
  auto back = ProjectState::from_json(state.to_json());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->files, state.files);
  EXPECT_EQ(back->commit(), state.commit());
  ProjectState shuffled = state;
  std::swap(shuffled.files[0], shuffled.files[2]);
  shuffled.sort_files();
  EXPECT_EQ(shuffled.commit(), state.commit());
  ProjectState yanked = state;
  yanked.files[2].yanked = "now yanked";
  EXPECT_NE(yanked.commit(), state.commit());
  EXPECT_FALSE(ProjectState::from_json("{\"files\": [{\"filename\": \"x\"}]}").ok());
  EXPECT_FALSE(ProjectState::from_json("nonsense").ok());
}

TEST(PypiRenderTest, JsonPageFollowsPep691And700) {
  const Json page = Json::parse(render_project_json(sample_state()));
  EXPECT_EQ(page["meta"]["api-version"], "1.1");
  EXPECT_EQ(page["name"], "demo-pkg");
  EXPECT_EQ(page["versions"], Json({"0.9", "1.0+local", "1.10"}));
  ASSERT_EQ(page["files"].size(), 3u);
  const Json& wheel = page["files"][1];
  EXPECT_EQ(wheel["filename"], "demo_pkg-1.0+local-py3-none-any.whl");
  EXPECT_EQ(wheel["url"], "../../files/demo-pkg/" + sha256_of("wheel").hex() +
                              "/demo_pkg-1.0%2Blocal-py3-none-any.whl");
  EXPECT_EQ(wheel["hashes"], Json({{"sha256", sha256_of("wheel").hex()}}));
  EXPECT_EQ(wheel["requires-python"], ">=3.8,<4");
  EXPECT_EQ(wheel["core-metadata"], Json({{"sha256", sha256_of("metadata").hex()}}));
  EXPECT_EQ(wheel["size"], 972);
  EXPECT_EQ(wheel["upload-time"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(wheel["yanked"], "bad \"build\" <x>");
  const Json& sdist = page["files"][0];
  EXPECT_EQ(sdist["yanked"], true);
  EXPECT_EQ(sdist["_mirrord-delisted"], true);
  EXPECT_EQ(sdist["_mirrord-upstream-sha256"], sha256_of("other").hex());
  const Json& newer = page["files"][2];
  for (const char* absent : {"requires-python", "core-metadata", "yanked", "upload-time"}) {
    EXPECT_FALSE(newer.contains(absent)) << absent;
  }
  EXPECT_THAT(page.dump(), Not(HasSubstr("dist-info-metadata")));
}

TEST(PypiRenderTest, HtmlPageReadsBackAsTheSameFiles) {
  const std::string html = render_project_html(sample_state());
  EXPECT_THAT(html, HasSubstr("<meta name=\"pypi:repository-version\" content=\"1.1\">"));
  EXPECT_THAT(html, HasSubstr("data-requires-python=\"&gt;=3.8,&lt;4\""));
  EXPECT_THAT(html, HasSubstr("data-yanked=\"bad &quot;build&quot; &lt;x&gt;\""));
  EXPECT_THAT(html, HasSubstr("data-yanked=\"\">demo_pkg-0.9.tar.gz</a>"));
  EXPECT_THAT(html, Not(HasSubstr("dist-info-metadata")));
  // Our own parser, used on our own page, sees what a client sees.
  const std::string page_url = "http://m/pypi/x/simple/demo-pkg/";
  auto read_back = read_html_page(html, page_url);
  ASSERT_TRUE(read_back.ok());
  ASSERT_EQ(read_back->files.size(), 3u);
  const UpstreamFile& wheel = read_back->files[1];
  EXPECT_EQ(wheel.filename, "demo_pkg-1.0+local-py3-none-any.whl");
  EXPECT_EQ(wheel.url, "http://m/pypi/x/files/demo-pkg/" + sha256_of("wheel").hex() +
                           "/demo_pkg-1.0%2Blocal-py3-none-any.whl");
  EXPECT_EQ(wheel.sha256, sha256_of("wheel"));
  EXPECT_EQ(wheel.requires_python.value_or(""), ">=3.8,<4");
  EXPECT_EQ(wheel.yanked.value_or(""), "bad \"build\" <x>");
  const HtmlScan scan = scan_html(html);
  EXPECT_EQ(*scan.anchors[1].attribute("data-core-metadata"),
            "sha256=" + sha256_of("metadata").hex());
  EXPECT_EQ(scan.anchors[1].text, "demo_pkg-1.0+local-py3-none-any.whl");
  // JSON read back the same way agrees.
  auto json_back = read_json_page(render_project_json(sample_state()), page_url);
  ASSERT_TRUE(json_back.ok());
  EXPECT_EQ(json_back->files[1].url, wheel.url);
}

TEST(PypiRenderTest, ProjectLists) {
  const std::vector<std::string> projects = {"demo-pkg", "torch"};
  const Json list = Json::parse(render_index_json(projects));
  EXPECT_EQ(list["meta"]["api-version"], "1.1");
  EXPECT_EQ(list["projects"], Json::parse(R"([{"name": "demo-pkg"}, {"name": "torch"}])"));
  const HtmlScan scan = scan_html(render_index_html(projects));
  ASSERT_EQ(scan.anchors.size(), 2u);
  EXPECT_EQ(*scan.anchors[1].attribute("href"), "torch/");
  EXPECT_EQ(scan.anchors[1].text, "torch");
}

}  // namespace
}  // namespace mirrord::pypi
