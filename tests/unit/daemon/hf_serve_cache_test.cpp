// GenerationCache: answers are kept until the generation moves, answers loaded across a publish
// are refused, the weight budget bounds memory, and without a generation nothing is kept.
#include "daemon/hf/hf_serve_cache.hpp"

#include <gtest/gtest.h>

#include <string>

#include "daemon/hf/hf_serve_errors.hpp"

namespace mirrord::hf {
namespace {

TEST(GenerationCacheTest, KeepsAnAnswerUntilThePublishThatFollows) {
  auto generation = std::make_shared<CatalogGeneration>();
  GenerationCache<std::string> cache(generation, 100);
  std::uint64_t under = 0;
  EXPECT_FALSE(cache.find("k", under).has_value());
  cache.keep("k", "v1", under);
  EXPECT_EQ(cache.find("k", under).value_or(""), "v1");

  generation->bump();
  EXPECT_FALSE(cache.find("k", under).has_value()) << "a publish must drop every answer";
  EXPECT_EQ(cache.size(), 0u);
}

TEST(GenerationCacheTest, RefusesAnAnswerLoadedBeforeAPublishThatCameInMeanwhile) {
  auto generation = std::make_shared<CatalogGeneration>();
  GenerationCache<std::string> cache(generation, 100);
  std::uint64_t under = 0;
  EXPECT_FALSE(cache.find("k", under).has_value());
  generation->bump();  // the publish commits while the answer is being loaded
  cache.keep("k", "stale", under);
  std::uint64_t now = 0;
  EXPECT_FALSE(cache.find("k", now).has_value());
  EXPECT_EQ(now, under + 1);
}

TEST(GenerationCacheTest, AnOlderReaderNeitherClearsNorFillsANewerCache) {
  auto generation = std::make_shared<CatalogGeneration>();
  GenerationCache<std::string> cache(generation, 100);
  std::uint64_t old_reader = 0;
  EXPECT_FALSE(cache.find("a", old_reader).has_value());
  generation->bump();
  std::uint64_t new_reader = 0;
  EXPECT_FALSE(cache.find("b", new_reader).has_value());
  cache.keep("b", "fresh", new_reader);
  cache.keep("a", "stale", old_reader);
  EXPECT_EQ(cache.find("b", new_reader).value_or(""), "fresh");
  EXPECT_FALSE(cache.find("a", new_reader).has_value());
}

TEST(GenerationCacheTest, TheWeightBudgetBoundsWhatIsKept) {
  auto generation = std::make_shared<CatalogGeneration>();
  GenerationCache<std::string> cache(generation, 10);
  std::uint64_t under = 0;
  (void)cache.find("x", under);
  cache.keep("huge", "v", under, 11);
  EXPECT_FALSE(cache.find("huge", under).has_value()) << "heavier than the whole budget";
  cache.keep("a", "1", under, 6);
  cache.keep("b", "2", under, 4);
  EXPECT_EQ(cache.size(), 2u);
  cache.keep("c", "3", under, 1);  // over budget: one of the others makes room
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.find("c", under).value_or(""), "3");
  const bool a = cache.find("a", under).has_value();
  const bool b = cache.find("b", under).has_value();
  EXPECT_NE(a, b) << "exactly one of a and b was dropped";
  cache.keep("d", "4", under, 10);  // the whole budget: everything else goes
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("d", under).value_or(""), "4");
}

TEST(GenerationCacheTest, WithoutAGenerationNothingIsKept) {
  GenerationCache<std::string> cache(nullptr, 100);
  std::uint64_t under = 0;
  cache.keep("k", "v", under);
  EXPECT_FALSE(cache.find("k", under).has_value());
}

TEST(GenerationCacheTest, CachedLoadsOnceAndNeverKeepsAnError) {
  auto generation = std::make_shared<CatalogGeneration>();
  GenerationCache<int> cache(generation, 100);
  int loads = 0;
  auto load = [&]() -> HfResult<int> {
    ++loads;
    return 7;
  };
  auto weigh = [](int) { return std::size_t{1}; };
  EXPECT_EQ(cached(cache, "k", load, weigh).value(), 7);
  EXPECT_EQ(cached(cache, "k", load, weigh).value(), 7);
  EXPECT_EQ(loads, 1);

  int failures = 0;
  auto fail = [&]() -> HfResult<int> {
    ++failures;
    return unavailable(make_error(ErrorCode::kIo, "disk gone"));
  };
  EXPECT_FALSE(cached(cache, "e", fail, weigh).ok());
  EXPECT_FALSE(cached(cache, "e", fail, weigh).ok());
  EXPECT_EQ(failures, 2) << "a failure must be asked again, not remembered";
}

}  // namespace
}  // namespace mirrord::hf
