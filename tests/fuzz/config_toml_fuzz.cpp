// Fuzzes the daemon's config file reader (parse_config): any text gives a Config or an error
// naming the file, and a Config that is accepted keeps the bounds the daemon relies on.
//
// Input: TOML text. Seeds: tests/fuzz/corpus/config_toml.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/config.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = mirrord::parse_config(text, "fuzz.toml");
  if (!config) {
    FUZZ_CHECK(config.error().message.find("fuzz.toml") != std::string::npos);
    return 0;
  }
  FUZZ_CHECK(config->threads >= 1 && config->threads <= 256);
  FUZZ_CHECK(config->parallel_files >= 1 && config->parallel_files <= 64);
  FUZZ_CHECK(config->parallel_pulls >= 1 && config->parallel_pulls <= 64);
  FUZZ_CHECK(mirrord::split_host_port(config->listen).ok());
  (void)config->admin_socket_path();
  (void)config->policies_dir_path();
  return 0;
}
