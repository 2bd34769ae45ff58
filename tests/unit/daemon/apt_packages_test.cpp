#include "daemon/apt/packages.hpp"

#include <gtest/gtest.h>

namespace mirrord::apt {
namespace {

std::string stanza(const std::string& name, const std::string& extra = "",
                   const std::string& priority = "optional") {
  return "Package: " + name + "\nVersion: 1.0\nArchitecture: amd64\nPriority: " + priority + "\n" +
         extra + "Filename: pool/main/" + name +
         "_1.0_amd64.deb\nSize: 10\nSHA256: " + std::string(64, 'a') + "\n\n";
}

std::vector<PackageEntry> parse(const std::string& text) {
  std::vector<PackageEntry> packages;
  const Status status = for_each_package(text, [&](PackageEntry&& entry) {
    packages.push_back(std::move(entry));
    return Status{};
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
  return packages;
}

AptTarget target_of(std::vector<std::string> packages, std::vector<std::string> priorities,
                    bool dependencies) {
  AptTarget target;
  target.packages = std::move(packages);
  target.priorities = std::move(priorities);
  target.dependencies = dependencies;
  return target;
}

TEST(AptPackages, ParsesRelations) {
  EXPECT_EQ(parse_relations("a (>= 1) | b:any, c [amd64] <!nocheck>,d:amd64 (<< 2)"),
            (std::vector<std::vector<std::string>>{{"a", "b"}, {"c"}, {"d"}}));
  EXPECT_TRUE(parse_relations("").empty());
  EXPECT_TRUE(parse_relations(" , | ").empty());
}

TEST(AptPackages, ParsesStanzas) {
  const auto packages = parse(stanza("hello", "Pre-Depends: libc6\nDepends: a | b\nProvides: x\n"));
  ASSERT_EQ(packages.size(), 1u);
  EXPECT_EQ(packages[0].name, "hello");
  EXPECT_EQ(packages[0].filename, "pool/main/hello_1.0_amd64.deb");
  EXPECT_EQ(packages[0].size, 10u);
  EXPECT_EQ(packages[0].depends, (std::vector<std::vector<std::string>>{{"libc6"}, {"a", "b"}}));
  EXPECT_EQ(packages[0].provides, std::vector<std::string>{"x"});
}

TEST(AptPackages, RefusesUnverifiableOrUnsafeStanzas) {
  const auto refuses = [](const std::string& text) {
    return !for_each_package(text, [](PackageEntry&&) { return Status{}; }).ok();
  };
  EXPECT_TRUE(refuses("Package: a\nFilename: pool/a.deb\nSize: 1\n"));  // no SHA256
  EXPECT_TRUE(refuses("Package: a\nFilename: pool/a.deb\nSHA256: " + std::string(64, 'a') + "\n"));
  EXPECT_TRUE(refuses("Package: a\nFilename: ../a.deb\nSize: 1\nSHA256: " + std::string(64, 'a')));
  EXPECT_TRUE(
      refuses("Package: a\nFilename: dists/x/InRelease\nSize: 1\nSHA256: " + std::string(64, 'a')));
  EXPECT_TRUE(
      refuses("Package: a\nFilename: pool/a.deb\nSize: -1\nSHA256: " + std::string(64, 'a')));
  EXPECT_TRUE(refuses("Filename: pool/a.deb\nSize: 1\nSHA256: " + std::string(64, 'a')));
}

TEST(AptPackages, SelectsEverythingWithoutFilters) {
  const auto packages = parse(stanza("a") + stanza("b"));
  const auto names = select_package_names(packages, AptTarget{});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::set<std::string>{"a", "b"}));
}

TEST(AptPackages, SelectsByNameAndPriorityWithoutClosure) {
  const auto packages =
      parse(stanza("app", "Depends: lib\n") + stanza("lib") + stanza("base", "", "required"));
  const auto names = select_package_names(packages, target_of({"app"}, {"required"}, false));
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::set<std::string>{"app", "base"}));
}

TEST(AptPackages, ClosureFollowsDependsAlternativesAndProviders) {
  const auto packages = parse(stanza("app", "Pre-Depends: pre\nDepends: missing | alt, mta\n") +
                              stanza("pre", "Depends: deep\n") + stanza("deep") + stanza("alt") +
                              stanza("other-alt") + stanza("exim", "Provides: mta\n") +
                              stanza("postfix", "Provides: mta (= 1)\n") + stanza("unrelated"));
  const auto names = select_package_names(packages, target_of({"app"}, {}, true));
  ASSERT_TRUE(names.ok()) << names.error().message;
  EXPECT_EQ(*names, (std::set<std::string>{"app", "pre", "deep", "alt", "exim", "postfix"}));
}

TEST(AptPackages, ClosureTakesTheFirstRealAlternative) {
  const auto packages =
      parse(stanza("app", "Depends: first | second\n") + stanza("first") + stanza("second"));
  const auto names = select_package_names(packages, target_of({"app"}, {}, true));
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::set<std::string>{"app", "first"}));
}

TEST(AptPackages, UnknownListedPackageIsAnError) {
  const auto packages = parse(stanza("a"));
  const auto names = select_package_names(packages, target_of({"typo"}, {}, false));
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace mirrord::apt
