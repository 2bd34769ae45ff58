// The pickle scanner (policies/inspect/pickle_scanner.hpp) on crafted pickles: imports resolved
// through the memo, calls, BUILD, malformed and truncated input, several pickles, legacy torch.
#include "policies/inspect/pickle_scanner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/policies/inspect_fixtures.hpp"

namespace mirrord {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::string_literals;

Result<PickleScan> scan(const std::string& bytes) {
  MemoryByteSource source{std::string_view(bytes)};
  ByteReader reader(source);
  return scan_pickles(reader);
}

std::string refusal(const std::string& bytes) {
  auto result = scan(bytes);
  EXPECT_FALSE(result.ok()) << "admitted";
  return result.ok() ? std::string() : result.error().message;
}

// A protocol-4 pickle: STACK_GLOBAL(module, name)() built from short strings.
std::string stack_global_call(const std::string& module, const std::string& name) {
  return "\x80\x04\x8c"s + static_cast<char>(module.size()) + module + "\x94\x8c" +
         static_cast<char>(name.size()) + name + "\x94\x93\x94)R."s;
}

TEST(PickleScannerTest, AdmitsAnAllowedImportAndReportsIt) {
  auto result = scan(stack_global_call("collections", "OrderedDict"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_THAT(result->imports, ElementsAre("collections.OrderedDict"));
  EXPECT_EQ(result->pickles, 1);
}

TEST(PickleScannerTest, RefusesAnImportOutsideTheAllowlistWithItsName) {
  EXPECT_THAT(refusal(stack_global_call("posix", "system")), HasSubstr("imports posix.system"));
  // A torch name outside the rebuild set is refused like any other.
  EXPECT_THAT(refusal("ctorch._inductor.codecache\ncompile_file\n."),
              HasSubstr("imports torch._inductor.codecache.compile_file"));
  // A dotted name is compared whole: bdb + Bdb.run is not bdb.Bdb.
  EXPECT_THAT(refusal(stack_global_call("collections", "OrderedDict.fromkeys")),
              HasSubstr("collections.OrderedDict.fromkeys"));
}

TEST(PickleScannerTest, ResolvesStackGlobalThroughTheMemoNotTheLastStrings) {
  // 'os' and 'system' are memoized, then decoys pushed; GET 2, GET 3 name os.system.
  const std::string bytes =
      "Vos\np2\n0Vsystem\np3\n0Vtorch\np0\n0VLongStorage\np1\n0g2\ng3\n\x93(Vx\ntR."s;
  EXPECT_THAT(refusal(bytes), HasSubstr("imports os.system"));
}

TEST(PickleScannerTest, NormalizesPython2ModuleNames) {
  auto builtin_set = scan("c__builtin__\nset\n)R.");
  ASSERT_TRUE(builtin_set.ok()) << builtin_set.error().message;
  EXPECT_THAT(builtin_set->imports, ElementsAre("builtins.set"));
  EXPECT_THAT(refusal("c__builtin__\neval\n."), HasSubstr("builtins.eval"));
}

TEST(PickleScannerTest, RefusesImportsItCannotResolve) {
  EXPECT_THAT(refusal("\x80\x04K\x01K\x02\x93."s), HasSubstr("not constant strings"));
  EXPECT_THAT(refusal("\x80\x02\x82\x01."s), HasSubstr("extension registry"));
  EXPECT_THAT(refusal("\x80\x02\x83\x01\x00."s), HasSubstr("EXT2"));
  EXPECT_THAT(refusal("cbuiltins\nev\xf8l\n."), HasSubstr("not a dotted ASCII identifier"));
}

TEST(PickleScannerTest, RefusesCallsOnAnythingButAnImport) {
  EXPECT_THAT(refusal("\x80\x02]\x29R."s),
              HasSubstr("REDUCE calls something that is not an import"));
  EXPECT_THAT(refusal("\x80\x02]\x29\x81."s), HasSubstr("NEWOBJ"));
  EXPECT_THAT(refusal("(Vx\no."), HasSubstr("OBJ"));
}

TEST(PickleScannerTest, RefusesBuildOnAnImportedObject) {
  // BUILD on torch._utils itself would overwrite the module's functions.
  EXPECT_THAT(refusal("ctorch\nSize\n}b."), HasSubstr("BUILD on an imported object"));
  auto on_instance = scan("ccollections\nOrderedDict\n)R}b.");
  EXPECT_TRUE(on_instance.ok()) << on_instance.error().message;
}

TEST(PickleScannerTest, RefusesMalformedInputWithTheOffset) {
  EXPECT_THAT(refusal(""), HasSubstr("empty"));
  EXPECT_THAT(refusal("\x80\x06N."s), HasSubstr("protocol 6 is above 5"));
  EXPECT_THAT(refusal("\x80\x02\xff."s), HasSubstr("unknown opcode 0xff"));
  EXPECT_THAT(refusal("\x80\x02h\x07."s), HasSubstr("memo slot 7, which was never written"));
  EXPECT_THAT(refusal("\x80\x02R."s), HasSubstr("offset 2"));
  EXPECT_THAT(refusal("\x80\x02N"s), HasSubstr("without STOP"));
  EXPECT_THAT(refusal("\x80\x02\x8b\xff\xff\xff\xff."s), HasSubstr("negative length"));
  EXPECT_THAT(refusal("\x80\x02\x95\xff\xff\xff\xff\xff\xff\xff\x7f."s), HasSubstr("FRAME"));
  EXPECT_THAT(refusal("S'unterminated\n."), HasSubstr("not quoted"));
  EXPECT_THAT(refusal("Inoline"), HasSubstr("has no end"));
}

TEST(PickleScannerTest, RefusesDeclaredLengthsPastTheEndBeforeAllocating) {
  const std::string huge = "\x80\x04\x8d"s + inspect_fixtures::le64(1ull << 63) + "x.";
  EXPECT_THAT(refusal(huge), HasSubstr("truncated"));
  EXPECT_THAT(refusal("\x80\x03X\xff\xff\xff\x7f."s), HasSubstr("truncated"));
}

TEST(PickleScannerTest, ScansEveryPickleOfAStream) {
  const std::string benign = "\x80\x04]\x94."s;
  auto two = scan(benign + benign);
  ASSERT_TRUE(two.ok()) << two.error().message;
  EXPECT_EQ(two->pickles, 2);
  EXPECT_THAT(refusal(benign + stack_global_call("requests.api", "get")),
              HasSubstr("requests.api.get"));
  EXPECT_THAT(refusal(benign + "\x01"), HasSubstr("unknown opcode 0x01"));
}

TEST(PickleScannerTest, EnforcesStackAndMemoLimits) {
  PickleScanLimits limits;
  limits.max_stack = 4;
  limits.max_memo = 2;
  MemoryByteSource deep{std::string_view("NNNNN.")};
  ByteReader deep_reader(deep);
  EXPECT_FALSE(scan_pickles(deep_reader, limits).ok());
  MemoryByteSource memo{std::string_view("Nq\x01q\x02q\x03.")};
  ByteReader memo_reader(memo);
  auto refused = scan_pickles(memo_reader, limits);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("memo larger than 2"));
}

TEST(PickleScannerTest, LegacyTorchStopsAfterFivePicklesAndIgnoresStorageBytes) {
  const std::string magic = "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."s;
  const std::string small = "\x80\x02K\x01."s;
  const std::string storage = "\xde\xad\xbe\xef not a pickle \xff"s;
  auto legacy = scan(magic + small + small + small + small + storage);
  ASSERT_TRUE(legacy.ok()) << legacy.error().message;
  EXPECT_TRUE(legacy->legacy_torch);
  EXPECT_EQ(legacy->pickles, 5);
  // Without the magic number first, trailing bytes are garbage.
  EXPECT_FALSE(scan(small + small + small + small + small + storage).ok());
  // A magic number that a call produces is not the magic number.
  EXPECT_THAT(refusal("\x80\x02"
                      "c__builtin__\neval\nX\x02\x00\x00\x00"
                      "0x\x85R."s),
              HasSubstr("builtins.eval"));
}

TEST(PickleScannerTest, SniffsBinaryPickles) {
  EXPECT_TRUE(starts_like_binary_pickle("\x80\x02"));
  EXPECT_TRUE(starts_like_binary_pickle("\x80\x05"));
  EXPECT_FALSE(starts_like_binary_pickle("\x80\x06"));
  EXPECT_FALSE(starts_like_binary_pickle("PK"));
}

}  // namespace
}  // namespace mirrord
