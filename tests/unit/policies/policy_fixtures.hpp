// Policy texts and helpers shared by the policies tests.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "policies/policy.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::policy_fixtures {

inline constexpr const char* kQwenEntry = R"(# a comment
[[mirror]]
name = "qwen"
aliases = ["qwen2.5", "Qwen-Small"]
source = "hf"
repo = "Qwen/Qwen2.5-0.5B-Instruct"
repo_type = "model"
revision = "main"
include = ["*.json", "*.safetensors"]
exclude = ["*.bin"]
)";

inline constexpr const char* kDeepseekEntry = R"(
[[mirror]]
name = "deepseek"
source = "hf"
repo = "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"
)";
// A PolicySet loaded from one file holding `text`.
inline PolicySet load_set(const std::string& text) {
  testing::TempDir dir;
  testing::write_file(dir.path() / "set.toml", text);
  auto set = PolicySet::load({dir.path()});
  EXPECT_TRUE(set.ok()) << set.error().message;
  return set.ok() ? std::move(set).value() : PolicySet{};
}

}  // namespace mirrord::policy_fixtures
