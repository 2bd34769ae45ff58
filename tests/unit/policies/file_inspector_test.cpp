// inspect_model_file over the real corpora: the picklescan test files (tests/data/pickles), the
// tiny Qwen repos, and the remote-code rule.
#include "policies/inspect/file_inspector.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "tests/unit/policies/inspect_fixtures.hpp"

namespace mirrord {
namespace {

using inspect_fixtures::data_dir;
using inspect_fixtures::read_file;
using ::testing::HasSubstr;

FileInspection inspect(const std::string& path, const std::string& bytes, InspectRules rules = {}) {
  MemoryByteSource source{std::string_view(bytes)};
  auto inspection = inspect_model_file(path, source, rules);
  EXPECT_TRUE(inspection.ok()) << inspection.error().message;
  return inspection.ok() ? *inspection : FileInspection{};
}

FileInspection inspect_file(const std::filesystem::path& file, InspectRules rules = {}) {
  return inspect(file.filename().string(), read_file(file), rules);
}

// The reason each refused file of the corpus must give (a part of it).
const std::map<std::string, std::string>& expected_refusals() {
  static const std::map<std::string, std::string> reasons = {
      {"bad_pytorch.pt", "unknown container"},
      {"benign_password_protected.zip", "flags 0x0001"},
      {"broken_model.pkl", "builtins.exec"},
      {"malicious-invalid-bytes.pkl", "os.system"},
      {"malicious0.pkl", "builtins."},
      {"malicious1.7z", "7z archive"},
      {"malicious1.zip", "builtins.eval"},
      {"malicious10.pkl", "builtins.exec"},
      {"malicious11.pkl", "os.system"},
      {"malicious12.pkl", "operator.attrgetter"},
      {"malicious13a.pkl", "pickle.loads"},
      {"malicious13b.pkl", "_pickle.loads"},
      {"malicious14.pkl", "runpy._run_code"},
      {"malicious15a.pkl", "builtins.getattr"},
      {"malicious15b.pkl", "bdb.Bdb.run"},
      {"malicious16.pkl", "pip.main"},
      {"malicious17.pkl", "torch._inductor.codecache.compile_file"},
      {"malicious18.pkl", "pydoc.pipepager"},
      {"malicious19.pkl", "functools.partial"},
      {"malicious1_0x1.zip", "flags 0x0001"},
      {"malicious1_0x20.zip", "flags 0x0020"},
      {"malicious1_0x40.zip", "flags 0x0040"},
      {"malicious1_central_directory.zip", "local header names 'datap.kl'"},
      {"malicious1_v0.pkl", "builtins.eval"},
      {"malicious1_v3.pkl", "builtins.eval"},
      {"malicious1_v4.pkl", "builtins.eval"},
      {"malicious1_wrong_ext.zip", "builtins.eval"},
      {"malicious2_v0.pkl", "posix.system"},
      {"malicious2_v3.pkl", "posix.system"},
      {"malicious2_v4.pkl", "posix.system"},
      {"malicious20.pkl", "venv.create"},
      {"malicious3.pkl", "httplib.HTTPSConnection"},
      {"malicious4.pickle", "requests.api.get"},
      {"malicious5.pickle", "aiohttp.client.ClientSession"},
      {"malicious6.pkl", "requests.api.get"},
      {"malicious7.pkl", "socket.create_connection"},
      {"malicious8.pkl", "subprocess.run"},
      {"malicious9.pkl", "sys.exit"},
      {"not_a_pickle.bin", "not a dotted ASCII identifier"},
      {"pytorch_magic_bypass.pt", "builtins.eval"},
      {"sys_module_override_sploit.pkl", "imports torch._utils ("},
  };
  return reasons;
}

TEST(PickleCorpusTest, EveryFileGetsItsVerdictUnderScan) {
  int refused = 0;
  int admitted = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir() / "pickles")) {
    const std::string name = entry.path().filename().string();
    if (name == "LICENSE") {
      continue;
    }
    SCOPED_TRACE(name);
    const FileInspection inspection = inspect_file(entry.path());
    const auto expected = expected_refusals().find(name);
    if (expected != expected_refusals().end()) {
      EXPECT_TRUE(inspection.refused);
      EXPECT_THAT(inspection.reason, HasSubstr(expected->second));
      ++refused;
    } else {
      EXPECT_FALSE(inspection.refused) << inspection.reason;
      ++admitted;
    }
    if (name.starts_with("malicious")) {
      EXPECT_TRUE(inspection.refused) << "every malicious file must be refused";
    }
  }
  EXPECT_EQ(refused, 41);
  EXPECT_EQ(admitted, 5);  // pytorch_model.bin, new_pytorch_model.bin, benign0_v{0,3,4}.pkl
}

TEST(PickleCorpusTest, TorchWeightsAreAdmittedWithTheirImports) {
  const FileInspection legacy = inspect_file(data_dir() / "pickles/pytorch_model.bin");
  EXPECT_EQ(legacy.format, "torch-legacy");
  EXPECT_THAT(legacy.imports, ::testing::UnorderedElementsAre("collections.OrderedDict",
                                                              "torch._utils._rebuild_tensor_v2",
                                                              "torch.FloatStorage"));
  const FileInspection zip = inspect_file(data_dir() / "pickles/new_pytorch_model.bin");
  EXPECT_EQ(zip.format, "torch-zip");
  EXPECT_FALSE(zip.refused) << zip.reason;
  const FileInspection qwen =
      inspect_file(data_dir() / "hf/repos/legacy/pickled-model/pytorch_model.bin");
  EXPECT_EQ(qwen.format, "torch-zip");
  EXPECT_FALSE(qwen.refused) << qwen.reason;
  EXPECT_THAT(qwen.imports, ::testing::Contains("torch.BFloat16Storage"));
}

TEST(PickleCorpusTest, ZipWithACorruptCrcIsRefused) {
  std::string zip = read_file(data_dir() / "pickles/malicious1.zip");
  // Change the CRC-32 in the local header (offset 14) and the central entry (offset 16 of it).
  const std::size_t central = zip.find("PK\x01\x02");
  zip[14] ^= 0x01;
  zip[central + 16] ^= 0x01;
  const FileInspection inspection = inspect("model.bin", zip);
  EXPECT_TRUE(inspection.refused);
  EXPECT_THAT(inspection.reason, HasSubstr("fails its CRC-32 check"));
  // The same corruption of a storage member of a real torch archive is caught too.
  std::string torch = read_file(data_dir() / "pickles/new_pytorch_model.bin");
  // The last data byte of archive/data/0: just before the second data descriptor.
  const std::size_t second_descriptor = torch.find("PK\x07\x08", torch.find("PK\x07\x08") + 4);
  torch[second_descriptor - 1] ^= 0x7f;
  const FileInspection storage = inspect("pytorch_model.bin", torch);
  EXPECT_TRUE(storage.refused);
  EXPECT_THAT(storage.reason, HasSubstr("CRC-32"));
}

TEST(PickleCorpusTest, RefuseAndAllowRules) {
  const std::filesystem::path weights = data_dir() / "pickles/pytorch_model.bin";
  const FileInspection refused =
      inspect_file(weights, {PickleRule::kRefuse, RemoteCodeRule::kRefuse});
  EXPECT_TRUE(refused.refused);
  EXPECT_THAT(refused.reason, HasSubstr("pickles = \"refuse\""));
  const FileInspection zip = inspect_file(data_dir() / "pickles/new_pytorch_model.bin",
                                          {PickleRule::kRefuse, RemoteCodeRule::kRefuse});
  EXPECT_TRUE(zip.refused);
  const FileInspection allowed = inspect_file(data_dir() / "pickles/malicious1_v4.pkl",
                                              {PickleRule::kAllow, RemoteCodeRule::kRefuse});
  EXPECT_FALSE(allowed.refused);
  EXPECT_THAT(allowed.detail, HasSubstr("not scanned"));
}

TEST(FileInspectorTest, QwenSafetensorsAndTheirRepoFilesPass) {
  for (const auto& entry :
       std::filesystem::directory_iterator(data_dir() / "hf/repos/Qwen/Qwen2.5-7B-Instruct")) {
    SCOPED_TRACE(entry.path().filename().string());
    const FileInspection inspection = inspect_file(entry.path());
    EXPECT_FALSE(inspection.refused) << inspection.reason;
    if (entry.path().extension() == ".safetensors") {
      EXPECT_EQ(inspection.format, "safetensors");
    }
  }
}

TEST(FileInspectorTest, RemoteCodeIsRefusedUnlessAllowed) {
  for (const std::string path :
       {"modeling_deepseek.py", "tokenization_kimi.py", "configuration_chatglm.py",
        "sub/dir/helper.py", "libcustom_ops.so", "kernels.so.1", "ops.pyd"}) {
    SCOPED_TRACE(path);
    const FileInspection refused = inspect(path, "import os\n");
    EXPECT_TRUE(refused.refused);
    EXPECT_TRUE(refused.remote_code);
    EXPECT_THAT(refused.reason, HasSubstr("remote_code = \"refuse\""));
    const FileInspection allowed =
        inspect(path, "import os\n", {PickleRule::kScan, RemoteCodeRule::kAllow});
    EXPECT_FALSE(allowed.refused);
    EXPECT_TRUE(allowed.remote_code);
  }
  EXPECT_FALSE(inspect("README.md", "# a python example: import os\n").remote_code);
  EXPECT_FALSE(inspect("config.py.json", "{}").remote_code);
}

TEST(FileInspectorTest, ContentDecidesNotTheName) {
  // A pickle named like text is still scanned; a PNG named .pt is not a pickle.
  const std::string evil = read_file(data_dir() / "pickles/malicious1_v4.pkl");
  EXPECT_TRUE(inspect("notes.txt", evil).refused);
  EXPECT_TRUE(inspect("weights.gguf", "not gguf at all").refused);
  EXPECT_EQ(inspect("tokenizer.json", "{\"version\": \"1.0\"}").format, "data");
}

}  // namespace
}  // namespace mirrord
