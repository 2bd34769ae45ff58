// Runs a fuzz target's LLVMFuzzerTestOneInput over files, without libFuzzer: how every *_fuzz.cpp
// is built by compilers without -fsanitize=fuzzer (gcc, the plain and ASan builds), so that the
// committed corpus and the regression inputs of past crashes run on every `ctest`.
//
// Usage: <target> PATH...   (each PATH a file, or a directory whose regular files are all run)
// Exits 0 when every input ran; a crash or a sanitizer report ends the process as it would under
// libFuzzer. An argument that does not exist is an error: a renamed corpus must not pass silently.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

bool run_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", file.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  // A copy in its own allocation, so that ASan sees a read past the end of the input.
  std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(input.empty() ? nullptr : input.data(), input.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) {
    LLVMFuzzerInitialize(&argc, &argv);
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  std::size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        if (entry.is_regular_file()) {
          if (!run_file(entry.path())) {
            return 1;
          }
          ++runs;
        }
      }
    } else if (std::filesystem::is_regular_file(path, ec)) {
      if (!run_file(path)) {
        return 1;
      }
      ++runs;
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
      return 1;
    }
  }
  // An empty corpus would make this test pass without testing anything.
  if (runs == 0) {
    std::fprintf(stderr, "no input found in the given paths\n");
    return 1;
  }
  std::printf("%zu inputs ran\n", runs);
  return 0;
}
