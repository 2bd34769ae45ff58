// The web catalog page, rendered from a real SQLite catalog: every section, the client snippets
// with the public URL, hostile upstream names escaped, and the page kept until a publish.
#include "daemon/web/catalog_page.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "daemon/web/client_snippets.hpp"
#include "storage/digest.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::web {
namespace {

constexpr const char* kCommit = "1111111111111111111111111111111111111111";
constexpr const char* kHostile = "evil/<script>alert(1)</script>\"'&";

class CatalogPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto inner = Catalog::open(dir_ / "catalog.db");
    ASSERT_TRUE(inner.ok()) << inner.error().message;
    generation_ = std::make_shared<CatalogGeneration>();
    catalog_ = std::make_shared<GenerationCatalog>(std::move(inner.value()), generation_);
  }

  void publish(const RepoKey& repo, const std::string& ref, const std::string& path,
               const std::string& info_json = "{}", const std::string& verdict_json = "{}") {
    const std::string content = repo.name + path;
    BlobInfo blob{sha256_of(content), git_blob_oid_of(content), content.size()};
    ASSERT_TRUE(catalog_->record_blob(blob).ok());
    NewSnapshot snapshot;
    snapshot.repo = repo;
    snapshot.commit = kCommit;
    snapshot.files = {{path, blob.sha256, *blob.git_oid, false, blob.size}};
    snapshot.refs = {ref};
    snapshot.info_json = info_json;
    snapshot.trust.verdict_json = verdict_json;
    auto published = catalog_->publish_snapshot(snapshot);
    ASSERT_TRUE(published.ok()) << published.error().message;
  }

  std::string get(const http::Route& route, const std::string& path) {
    http::Request request;
    request.method = "GET";
    request.path = path;
    auto response = route(request);
    if (!response)
      return "(not claimed)";
    EXPECT_EQ(response->status, 200) << response->body;
    EXPECT_EQ(response->headers.get("Content-Type").value_or(""), "text/html; charset=utf-8");
    return response->body;
  }

  mirrord::testing::TempDir temp_;
  const std::filesystem::path& dir_ = temp_.path();
  std::shared_ptr<CatalogGeneration> generation_;
  std::shared_ptr<GenerationCatalog> catalog_;
};

TEST_F(CatalogPageTest, ListsEveryKindWithItsClientSnippet) {
  publish({"model", "Qwen/Qwen2.5-0.5B-Instruct"}, "main", "config.json",
          R"({"license":"apache-2.0"})",
          R"({"counts":{"admitted":3,"refused":1},"signature":{"status":"absent"}})");
  publish({"dataset", "org/data"}, "main", "train.csv");
  publish({"pypi", "pypi/tinypkg"}, "current", "tinypkg-1.0-py3-none-any.whl");
  publish({"pypi", "pypi/tinypkg-delisted"}, "delisted", "x.whl");  // a report ref, not served
  publish({"git", "pytorch"}, "main", "README");
  auto route = make_catalog_page_route(catalog_, "http://mirror.test:8080");
  const std::string page = get(route, "/");
  EXPECT_NE(page.find("Qwen/Qwen2.5-0.5B-Instruct"), std::string::npos);
  EXPECT_NE(page.find("HF_ENDPOINT=http://mirror.test:8080 huggingface-cli download "
                      "Qwen/Qwen2.5-0.5B-Instruct"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("apache-2.0"), std::string::npos);
  EXPECT_NE(page.find("3 admitted, 1 refused; signature: absent"), std::string::npos);
  EXPECT_NE(page.find("--repo-type dataset"), std::string::npos);
  EXPECT_NE(page.find("pip install --index-url http://mirror.test:8080/pypi/pypi/simple/ tinypkg"),
            std::string::npos);
  EXPECT_EQ(page.find("tinypkg-delisted"), std::string::npos);
  EXPECT_NE(page.find("git clone http://mirror.test:8080/git/pytorch"), std::string::npos);
  EXPECT_NE(page.find("Models (1)"), std::string::npos);
  EXPECT_EQ(get(route, "/ui/"), page);
  EXPECT_EQ(get(route, "/ui/other"), "(not claimed)");
  EXPECT_EQ(page.find("<script"), std::string::npos) << "the page has no script at all";
}

TEST_F(CatalogPageTest, HostileNamesAndLicencesAreEscaped) {
  publish({"model", kHostile}, "main", "a.txt", R"({"license":"<img src=x onerror=alert(2)>"})");
  auto route = make_catalog_page_route(catalog_, "http://mirror.test");
  const std::string page = get(route, "/");
  EXPECT_EQ(page.find("<script>"), std::string::npos) << page;
  EXPECT_EQ(page.find("<img"), std::string::npos) << page;
  EXPECT_NE(page.find("evil/&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
}

TEST_F(CatalogPageTest, ThePageIsKeptUntilAPublish) {
  publish({"model", "a/one"}, "main", "x");
  auto route = make_catalog_page_route(catalog_, "http://m");
  const std::string first = get(route, "/");
  EXPECT_EQ(first.find("b/two"), std::string::npos);
  // A change the generation does not hear of (straight into SQLite) stays unseen: cached.
  auto raw = Catalog::open(dir_ / "catalog.db");
  ASSERT_TRUE(raw.ok());
  const std::string content = "raw";
  BlobInfo blob{sha256_of(content), git_blob_oid_of(content), content.size()};
  ASSERT_TRUE((*raw)->record_blob(blob).ok());
  NewSnapshot hidden;
  hidden.repo = {"model", "c/hidden"};
  hidden.commit = kCommit;
  hidden.files = {{"f", blob.sha256, *blob.git_oid, false, blob.size}};
  hidden.refs = {"main"};
  ASSERT_TRUE((*raw)->publish_snapshot(hidden).ok());
  EXPECT_EQ(get(route, "/"), first) << "served from the cache";
  publish({"model", "b/two"}, "main", "y");
  const std::string second = get(route, "/");
  EXPECT_NE(second.find("b/two"), std::string::npos);
  EXPECT_NE(second.find("c/hidden"), std::string::npos);
}

TEST_F(CatalogPageTest, AnEmptyCatalogSaysHowToPull) {
  auto route = make_catalog_page_route(catalog_, "http://m");
  EXPECT_NE(get(route, "/").find("Nothing is mirrored yet"), std::string::npos);
}

TEST(ClientSnippetsTest, QuotesWhatAShellWouldInterpret) {
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  const auto hf = hf_snippets("http://m", "model", "a/b;rm -rf ~", "v1.0");
  EXPECT_EQ(hf[0], "HF_ENDPOINT=http://m huggingface-cli download 'a/b;rm -rf ~' --revision v1.0");
  EXPECT_EQ(hf[1],
            "HF_ENDPOINT=http://m python3 -c 'from huggingface_hub import snapshot_download; "
            "print(snapshot_download(\"a/b;rm -rf ~\", revision=\"v1.0\"))'");
  const auto quoted = hf_snippets("http://m", "model", "a/b'c", "main");
  EXPECT_EQ(quoted[1].find("b'c"), std::string::npos) << "a quote would end the -c program";
  const auto apt = apt_snippets("http://m", "debian", "bookworm", {"contrib", "main"}, true);
  ASSERT_EQ(apt.size(), 2u);
  EXPECT_EQ(apt[1],
            "deb [signed-by=/etc/apt/keyrings/mirrord.asc] http://m/apt/debian bookworm "
            "contrib main");
}

TEST(ClientSnippetsTest, VerdictSummaryAndLicence) {
  EXPECT_EQ(summarize_verdict("{}"), "");
  EXPECT_EQ(summarize_verdict("not json"), "");
  EXPECT_EQ(summarize_verdict(R"({"counts":{"admitted":2,"withheld":0}})"), "2 admitted");
  EXPECT_EQ(licence_of(R"({"license":{"ids":["MIT","Apache-2.0"]}})", "{}"), "MIT, Apache-2.0");
  EXPECT_EQ(licence_of(R"({"license":{"ids":[]}})", R"({"license":"other"})"), "other");
  EXPECT_EQ(licence_of("{}", "{}"), "");
}

}  // namespace
}  // namespace mirrord::web
