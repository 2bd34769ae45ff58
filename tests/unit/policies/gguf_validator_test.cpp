// validate_gguf (policies/inspect/gguf_validator.hpp): the tiny Qwen GGUF passes; crafted headers
// with huge counts and lengths, bad types and bad tensor infos are refused.
#include "policies/inspect/gguf_validator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/policies/inspect_fixtures.hpp"

namespace mirrord {
namespace {

using inspect_fixtures::le32;
using inspect_fixtures::le64;
using ::testing::HasSubstr;

std::string gstr(const std::string& text) {
  return le64(text.size()) + text;
}

// A GGUF v3 file: the given metadata entries and tensor infos, then `data` bytes aligned to 32.
std::string gguf(std::uint64_t kv_count, const std::string& kvs, std::uint64_t tensor_count,
                 const std::string& infos, std::size_t data = 0) {
  std::string out = "GGUF" + le32(3) + le64(tensor_count) + le64(kv_count) + kvs + infos;
  out += std::string((32 - out.size() % 32) % 32, '\0');
  return out + std::string(data, '\0');
}

std::string tensor(const std::string& name, std::vector<std::uint64_t> dims, std::uint32_t type,
                   std::uint64_t offset) {
  std::string out = gstr(name) + le32(static_cast<std::uint32_t>(dims.size()));
  for (std::uint64_t dim : dims)
    out += le64(dim);
  return out + le32(type) + le64(offset);
}

Result<GgufSummary> validate(const std::string& bytes) {
  MemoryByteSource source{std::string_view(bytes)};
  return validate_gguf(source);
}

std::string refusal(const std::string& bytes) {
  auto result = validate(bytes);
  EXPECT_FALSE(result.ok()) << "admitted";
  return result.ok() ? std::string() : result.error().message;
}

TEST(GgufValidatorTest, TinyQwenPasses) {
  auto summary = validate(inspect_fixtures::read_file(inspect_fixtures::data_dir() /
                                                      "gguf/qwen2.5-0.5b-instruct-tiny.gguf"));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->version, 3u);
  EXPECT_EQ(summary->architecture, "qwen2");
  EXPECT_EQ(summary->tensors, 26u);  // as in model.safetensors
}

TEST(GgufValidatorTest, AcceptsAWellFormedCraftedFile) {
  const std::string kvs = gstr("general.architecture") + le32(8) + gstr("llama") + gstr("tokens") +
                          le32(9) + le32(8) + le64(2) + gstr("a") + gstr("b");
  const std::string infos = tensor("w", {32, 2}, 2, 0) + tensor("f", {4}, 0, 64);
  auto summary = validate(gguf(2, kvs, 2, infos, 64 + 16));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->architecture, "llama");
}

TEST(GgufValidatorTest, RefusesMagicAndVersion) {
  EXPECT_THAT(refusal("GGML" + le32(3) + le64(0) + le64(0)), HasSubstr("magic"));
  EXPECT_THAT(refusal("GGUF" + le32(1) + le64(0) + le64(0)), HasSubstr("version 1"));
  EXPECT_THAT(refusal("GGUF"), HasSubstr("truncated"));
}

TEST(GgufValidatorTest, RefusesCountsAndLengthsPastTheFile) {
  EXPECT_THAT(refusal(gguf(1ull << 63, "", 0, "")), HasSubstr("metadata count"));
  EXPECT_THAT(refusal(gguf(0, "", 1ull << 63, "")), HasSubstr("tensor count"));
  EXPECT_THAT(refusal(gguf(1, le64(1ull << 63) + "k", 0, "")), HasSubstr("metadata key length"));
  EXPECT_THAT(refusal(gguf(1, gstr("k") + le32(8) + le64(1ull << 63), 0, "")),
              HasSubstr("runs past the end"));
  EXPECT_THAT(refusal(gguf(1, gstr("k") + le32(9) + le32(4) + le64(1ull << 62), 0, "")),
              HasSubstr("array k"));
}

TEST(GgufValidatorTest, RefusesBadValueTypes) {
  EXPECT_THAT(refusal(gguf(1, gstr("k") + le32(13) + "xxxx", 0, "")),
              HasSubstr("unknown value type"));
  EXPECT_THAT(refusal(gguf(1, gstr("k") + le32(9) + le32(9) + le64(0), 0, "")),
              HasSubstr("nested"));
  EXPECT_THAT(refusal(gguf(1, gstr("general.alignment") + le32(4) + le32(48), 0, "")),
              HasSubstr("power of two"));
  EXPECT_THAT(refusal(gguf(2, gstr("k") + le32(0) + "x" + gstr("k") + le32(0) + "x", 0, "")),
              HasSubstr("appears twice"));
}

TEST(GgufValidatorTest, RefusesBadTensorInfos) {
  EXPECT_THAT(refusal(gguf(0, "", 1, tensor("t", {1, 1, 1, 1, 1}, 0, 0), 32)),
              HasSubstr("5 dimensions"));
  EXPECT_THAT(refusal(gguf(0, "", 1, tensor("t", {(1ull << 42) + 1, 1ull << 42}, 0, 0), 32)),
              HasSubstr("overflowing"));
  EXPECT_THAT(refusal(gguf(0, "", 1, tensor("t", {4}, 4, 0), 32)),
              HasSubstr("removed ggml type 4"));
  EXPECT_THAT(refusal(gguf(0, "", 1, tensor("t", {4}, 99, 0), 32)), HasSubstr("type 99"));
  EXPECT_THAT(refusal(gguf(0, "", 1, tensor("t", {31}, 2, 0), 32)), HasSubstr("multiple of 32"));
  EXPECT_THAT(refusal(gguf(0, "", 1, tensor("t", {4}, 0, 3), 32)), HasSubstr("unaligned"));
  EXPECT_THAT(refusal(gguf(0, "", 1, tensor("t", {64}, 0, 0), 32)), HasSubstr("past the end"));
  EXPECT_THAT(refusal(gguf(0, "", 2, tensor("a", {16}, 0, 0) + tensor("b", {16}, 0, 32), 64)),
              HasSubstr("overlaps"));
  EXPECT_THAT(refusal(gguf(0, "", 2, tensor("a", {4}, 0, 0) + tensor("a", {4}, 0, 32), 64)),
              HasSubstr("repeated"));
  EXPECT_THAT(refusal(gguf(0, "", 1, tensor(std::string(64, 'n'), {4}, 0, 0), 32)),
              HasSubstr("too long"));
}

}  // namespace
}  // namespace mirrord
