// ZipArchive (policies/inspect/zip_reader.hpp): reading stored and deflate members with their
// CRC, PyTorch's data descriptors, ZIP64 end records, and every ambiguity it must refuse.
#include "policies/inspect/zip_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/policies/zip_builder.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;
using zip_builder::build;
using zip_builder::Member;

std::string open_refusal(const std::string& bytes) {
  MemoryByteSource source{std::string_view(bytes)};
  auto archive = ZipArchive::open(source);
  EXPECT_FALSE(archive.ok()) << "opened";
  return archive.ok() ? std::string() : archive.error().message;
}

Result<std::string> read_all(const ZipArchive& archive, const ZipMember& member) {
  std::string out;
  MIRRORD_TRY(archive.read_member(member, [&](std::span<const std::byte> chunk) {
    out.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    return Status{};
  }));
  return out;
}

TEST(ZipReaderTest, ReadsStoredDeflateAndDescriptorMembers) {
  const std::string bytes = build({{"a/data.pkl", "stored bytes"},
                                   {"a/data/0", "deflated bytes", 8},
                                   {"a/version", "3\n", 0, 0x0808}})
                                .bytes;
  MemoryByteSource source{std::string_view(bytes)};
  auto archive = ZipArchive::open(source);
  ASSERT_TRUE(archive.ok()) << archive.error().message;
  ASSERT_EQ(archive->members().size(), 3u);
  EXPECT_EQ(*read_all(*archive, archive->members()[0]), "stored bytes");
  EXPECT_EQ(*read_all(*archive, archive->members()[1]), "deflated bytes");
  EXPECT_EQ(*read_all(*archive, archive->members()[2]), "3\n");
  EXPECT_EQ(*archive->read_head(archive->members()[1], 4), "defl");
}

TEST(ZipReaderTest, AcceptsPyTorchsOwnWriter) {
  const std::string bytes =
      inspect_fixtures::read_file(inspect_fixtures::data_dir() / "pickles/new_pytorch_model.bin");
  MemoryByteSource source{std::string_view(bytes)};
  auto archive = ZipArchive::open(source);
  ASSERT_TRUE(archive.ok()) << archive.error().message;
  for (const ZipMember& member : archive->members()) {
    EXPECT_TRUE(read_all(*archive, member).ok()) << member.name;
  }
}

TEST(ZipReaderTest, AcceptsZip64EndRecordsAndRefusesInconsistentOnes) {
  const auto built = build({{"x.pkl", "data"}});
  const std::string zip64 = zip_builder::with_zip64_end(built, 1);
  MemoryByteSource source{std::string_view(zip64)};
  auto archive = ZipArchive::open(source);
  ASSERT_TRUE(archive.ok()) << archive.error().message;
  EXPECT_EQ(archive->members().at(0).name, "x.pkl");
  EXPECT_THAT(open_refusal(zip_builder::with_zip64_end(built, 2)), HasSubstr("zip:"));
}

TEST(ZipReaderTest, RefusesFlagsAndMethodsItCannotScan) {
  for (std::uint16_t flag : {0x0001, 0x0020, 0x0040, 0x2000}) {
    SCOPED_TRACE(flag);
    EXPECT_THAT(open_refusal(build({{"data.pkl", "x", 0, flag}}).bytes),
                HasSubstr("general-purpose flags"));
  }
  EXPECT_THAT(open_refusal(build({{"data.pkl", "x", 12}}).bytes), HasSubstr("method 12"));
}

TEST(ZipReaderTest, RefusesMembersThatWouldInflateFarBeyondTheirSize) {
  // A deflate member recorded as 2 MiB of content in 5 bytes of data.
  std::string bytes = build({{"bomb.pkl", "hello", 8}}).bytes;
  const std::string huge = inspect_fixtures::le32(2u << 20);
  const std::size_t central = bytes.find("PK\x01\x02");
  bytes.replace(22, 4, huge);            // local header: uncompressed size
  bytes.replace(central + 24, 4, huge);  // central entry: uncompressed size
  EXPECT_THAT(open_refusal(bytes), HasSubstr("zip bomb"));
}

TEST(ZipReaderTest, RefusesLocalAndCentralDisagreement) {
  Member renamed{"data.pkl", "x"};
  renamed.local_name = "datap.kl";
  EXPECT_THAT(open_refusal(build({renamed}).bytes), HasSubstr("local header names 'datap.kl'"));
  Member crc{"data.pkl", "x"};
  crc.central_crc = 1234;
  EXPECT_THAT(open_refusal(build({crc}).bytes), HasSubstr("disagree"));
  Member descriptor{"data.pkl", "x", 0, 0x0008};
  descriptor.central_crc = 1234;
  EXPECT_THAT(open_refusal(build({descriptor}).bytes), HasSubstr("data descriptor"));
}

TEST(ZipReaderTest, RefusesBadNames) {
  EXPECT_THAT(open_refusal(build({{"a", "1"}, {"a", "2"}}).bytes), HasSubstr("appears twice"));
  EXPECT_THAT(open_refusal(build({{"../evil.pkl", "1"}}).bytes), HasSubstr("'..'"));
  EXPECT_THAT(open_refusal(build({{"/etc/evil", "1"}}).bytes), HasSubstr("absolute"));
  EXPECT_THAT(open_refusal(build({{"a\\b", "1"}}).bytes), HasSubstr("backslash"));
}

TEST(ZipReaderTest, RefusesOverlappingMembers) {
  // B's local header and data sit inside A's data; the directory lists both.
  const std::string inner = build({{"b", "payload"}}).bytes;
  const std::string inner_local = inner.substr(0, inner.find("PK\x01\x02"));
  Member a{"a", inner_local};
  Member b{"b", "payload"};
  b.central_offset = 30 + 1;  // right after A's local header and name
  EXPECT_THAT(open_refusal(build({a, b}).bytes), HasSubstr("overlaps"));
}

TEST(ZipReaderTest, RefusesEndRecordsThatDoNotEndTheFile) {
  const std::string bytes = build({{"a", "1"}}).bytes;
  EXPECT_THAT(open_refusal(bytes + "x"), HasSubstr("no end-of-central-directory record"));
  EXPECT_THAT(open_refusal(bytes.substr(0, bytes.size() / 2)), HasSubstr("zip:"));
  EXPECT_THAT(open_refusal("PK"), HasSubstr("too short"));
  const std::string with_comment = build({{"a", "1"}}, "a comment").bytes;
  MemoryByteSource with_comment_source{std::string_view(with_comment)};
  EXPECT_TRUE(ZipArchive::open(with_comment_source).ok());
}

TEST(ZipReaderTest, ReadMemberChecksCrcAndInflatedSize) {
  std::string bytes = build({{"a", "hello", 8}}).bytes;
  bytes[30 + 1 + 5] ^= 0x01;  // a byte of the deflated data ("hello" after the 5-byte block head)
  MemoryByteSource source{std::string_view(bytes)};
  auto archive = ZipArchive::open(source);
  ASSERT_TRUE(archive.ok()) << archive.error().message;
  auto read = read_all(*archive, archive->members()[0]);
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.error().message, HasSubstr("CRC-32"));
}

}  // namespace
}  // namespace mirrord
