// validate_safetensors (policies/inspect/safetensors_validator.hpp): the tiny Qwen files pass; the
// reference reader's hostile cases, ported, are refused.
#include "policies/inspect/safetensors_validator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/policies/inspect_fixtures.hpp"

namespace mirrord {
namespace {

using inspect_fixtures::le64;
using ::testing::HasSubstr;

// A file: the 8-byte length, the header text, then `data_bytes` zero bytes.
std::string file_with(const std::string& header, std::size_t data_bytes) {
  return le64(header.size()) + header + std::string(data_bytes, '\0');
}

Result<SafetensorsSummary> validate(const std::string& bytes) {
  MemoryByteSource source{std::string_view(bytes)};
  return validate_safetensors(source);
}

std::string refusal(const std::string& bytes) {
  auto result = validate(bytes);
  EXPECT_FALSE(result.ok()) << "admitted";
  return result.ok() ? std::string() : result.error().message;
}

constexpr const char* kTwoTensors =
    R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
    R"("b":{"dtype":"BF16","shape":[4],"data_offsets":[16,24]},"__metadata__":{"format":"pt"}})";

TEST(SafetensorsValidatorTest, TinyQwenFilesPass) {
  const auto repos = inspect_fixtures::data_dir() / "hf/repos/Qwen";
  int files = 0;
  for (const auto& dir : std::filesystem::directory_iterator(repos)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".safetensors")
        continue;
      SCOPED_TRACE(entry.path().string());
      auto summary = validate(inspect_fixtures::read_file(entry.path()));
      ASSERT_TRUE(summary.ok()) << summary.error().message;
      EXPECT_GT(summary->tensors, 0u);
      EXPECT_EQ(summary->dtypes.count("BF16"), 1u);
      ++files;
    }
  }
  EXPECT_EQ(files, 7);
}

TEST(SafetensorsValidatorTest, AcceptsContiguousTensorsPaddingEmptyAndScalar) {
  auto two = validate(file_with(std::string(kTwoTensors) + "    ", 24));
  ASSERT_TRUE(two.ok()) << two.error().message;
  EXPECT_EQ(two->tensors, 2u);
  EXPECT_EQ(two->data_bytes, 24u);
  auto special =
      validate(file_with(R"({"empty":{"dtype":"F16","shape":[0,3],"data_offsets":[0,0]},)"
                         R"("scalar":{"dtype":"I64","shape":[],"data_offsets":[0,8]},)"
                         R"("nibbles":{"dtype":"F4","shape":[2],"data_offsets":[8,9]}})",
                         9));
  EXPECT_TRUE(special.ok()) << special.error().message;
}

TEST(SafetensorsValidatorTest, RefusesHeaderLengthsOutOfBounds) {
  EXPECT_THAT(refusal(le64(1ull << 63) + "{}"), HasSubstr("above the limit"));
  EXPECT_THAT(refusal(le64(100'000'001) + "{}"), HasSubstr("above the limit"));
  EXPECT_THAT(refusal(le64(1000) + "{}"), HasSubstr("runs past the end"));
  EXPECT_THAT(refusal("1234"), HasSubstr("shorter than"));
}

TEST(SafetensorsValidatorTest, RefusesHeadersThatAreNotAJsonObject) {
  EXPECT_THAT(refusal(file_with("{\"a\": \"\xff\xfe\"}", 0)), HasSubstr("not valid UTF-8 JSON"));
  EXPECT_THAT(refusal(file_with("not json", 0)), HasSubstr("not valid UTF-8 JSON"));
  EXPECT_THAT(refusal(file_with("[1, 2]", 0)), HasSubstr("not a JSON object"));
  EXPECT_THAT(refusal(file_with(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                                R"("a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
                                2)),
              HasSubstr("repeats the key 'a'"));
  EXPECT_THAT(refusal(file_with("[[[[[[[[1]]]]]]]]", 0)), HasSubstr("nests deeper"));
}

TEST(SafetensorsValidatorTest, RefusesBadTensorInfo) {
  EXPECT_THAT(refusal(file_with(R"({"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}})", 4)),
              HasSubstr("unknown dtype"));
  EXPECT_THAT(refusal(file_with(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4)),
              HasSubstr("dimension"));
  EXPECT_THAT(refusal(file_with(R"({"a":{"dtype":"F32","shape":[1]}})", 4)),
              HasSubstr("exactly dtype, shape and data_offsets"));
  EXPECT_THAT(
      refusal(file_with(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}})", 4)),
      HasSubstr("exactly dtype"));
  EXPECT_THAT(refusal(file_with(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}})", 8)),
              HasSubstr("need 4 bytes"));
  EXPECT_THAT(refusal(file_with(R"({"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}})", 2)),
              HasSubstr("whole number of bytes"));
  EXPECT_THAT(refusal(file_with(R"({"__metadata__":{"n":1}})", 0)), HasSubstr("not a string"));
}

TEST(SafetensorsValidatorTest, RefusesOverflowingShapes) {
  EXPECT_THAT(
      refusal(file_with(
          R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}})", 4)),
      HasSubstr("overflowing"));
  EXPECT_THAT(
      refusal(file_with(
          R"({"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}})", 8)),
      HasSubstr("does not fill"));
}

TEST(SafetensorsValidatorTest, RefusesOverlapsHolesTrailingBytesAndShortBuffers) {
  // Two tensors sharing one offset.
  EXPECT_THAT(refusal(file_with(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                                R"("b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})",
                                4)),
              HasSubstr("hole or an overlap"));
  EXPECT_THAT(refusal(file_with(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}})", 8)),
              HasSubstr("starts at 4 where 0"));
  // One trailing byte: a polyglot could hide there.
  EXPECT_THAT(refusal(file_with(kTwoTensors, 25)), HasSubstr("holds 25"));
  EXPECT_THAT(refusal(file_with(kTwoTensors, 23)), HasSubstr("holds 23"));
}

}  // namespace
}  // namespace mirrord
