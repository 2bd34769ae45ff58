// Resolving index links (daemon/pypi/pypi_url.hpp).
#include <gtest/gtest.h>

#include "daemon/pypi/pypi_url.hpp"

namespace mirrord::pypi {
namespace {

constexpr const char* kPage = "https://download.pytorch.org/whl/cu124/torch/";

std::string resolved(const char* reference, const char* base = kPage) {
  return resolve_url(base, reference).value_or("<none>");
}

TEST(PypiUrlTest, ResolvesRelativeAndAbsoluteLinks) {
  EXPECT_EQ(resolved("torch-2.4.0.whl"),
            "https://download.pytorch.org/whl/cu124/torch/torch-2.4.0.whl");
  EXPECT_EQ(resolved("../../torch-2.4.0.whl#sha256=ab"),
            "https://download.pytorch.org/whl/torch-2.4.0.whl#sha256=ab");
  EXPECT_EQ(
      resolved("/whl/cu124/torch-2.4.0%2Bcu124-cp312-cp312-linux_x86_64.whl"),
      "https://download.pytorch.org/whl/cu124/torch-2.4.0%2Bcu124-cp312-cp312-linux_x86_64.whl");
  EXPECT_EQ(resolved("//download-r2.pytorch.org/whl/x.whl"),
            "https://download-r2.pytorch.org/whl/x.whl");
  EXPECT_EQ(resolved("HTTPS://files.pythonhosted.org/packages/a/b.whl"),
            "https://files.pythonhosted.org/packages/a/b.whl");
  EXPECT_EQ(resolved("  x.whl\n"), "https://download.pytorch.org/whl/cu124/torch/x.whl");
  EXPECT_EQ(resolved("../../../../../../x.whl"), "https://download.pytorch.org/x.whl");
  EXPECT_EQ(resolved("./a/./b/../c.whl?q=1"),
            "https://download.pytorch.org/whl/cu124/torch/a/c.whl?q=1");
  EXPECT_EQ(resolved("x.whl", "http://127.0.0.1:8080"), "http://127.0.0.1:8080/x.whl");
}

TEST(PypiUrlTest, RefusesLinksThatAreNotPlainHttp) {
  for (const char* reference :
       {"javascript:alert(1)", "file:///etc/passwd", "ftp://h/x.whl", "mailto:a@b",
        "https://user:pw@host/x.whl", "https://host:99999999/x.whl", "https://ho st/x.whl",
        "https://host\\x.whl", "x\x01.whl", "https:///x.whl", "https://bad_host!/x"}) {
    SCOPED_TRACE(reference);
    EXPECT_FALSE(resolve_url(kPage, reference).has_value());
  }
  EXPECT_FALSE(resolve_url("not a url", "x.whl").has_value());
}

TEST(PypiUrlTest, HostsAndFilenames) {
  EXPECT_EQ(url_host("https://Download-R2.pytorch.org:443/x").value_or(""),
            "download-r2.pytorch.org");
  EXPECT_EQ(url_host("http://[::1]:8080/x").value_or(""), "[::1]");
  EXPECT_FALSE(url_host("https://a@b/x").has_value());
  EXPECT_EQ(url_filename("https://h/p/torch-2.6.0%2Bcu124-cp312-cp312-linux_x86_64.whl#sha256=1")
                .value_or(""),
            "torch-2.6.0+cu124-cp312-cp312-linux_x86_64.whl");
  EXPECT_FALSE(url_filename("https://h/p/").has_value());
  EXPECT_FALSE(url_filename("https://h/p/a%00b.whl").has_value());
  EXPECT_EQ(without_fragment("https://h/a.whl#sha256=x"), "https://h/a.whl");
  EXPECT_EQ(fragment_of("https://h/a.whl#sha256=x"), "sha256=x");
  EXPECT_EQ(fragment_of("https://h/a.whl"), "");
}

}  // namespace
}  // namespace mirrord::pypi
