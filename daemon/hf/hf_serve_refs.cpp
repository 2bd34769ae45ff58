// E6: refs (protocols/hf.md §3, huggingface_hub list_repo_refs). The catalog keeps ref names
// only, so they are sorted by shape: "refs/pr/N" are pull requests, "refs/convert/X" are converts,
// every other name is a branch. Tags cannot be told apart from branches and are listed as such.
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon/hf/hf_serve_handlers.hpp"
#include "daemon/hf/hf_serve_json.hpp"

namespace mirrord::hf {
namespace {

constexpr std::string_view kPullRequestPrefix = "refs/pr/";
constexpr std::string_view kConvertPrefix = "refs/convert/";

nlohmann::json git_ref(const std::string& name, const std::string& ref, const std::string& commit) {
  return {{"name", name}, {"ref", ref}, {"targetCommit", commit}};
}

}  // namespace

http::Response serve_refs(const HfServeContext& ctx, const http::Request& request,
                          const HfReading& reading) {
  auto query = request_query(request);
  if (!query.ok()) {
    return error_response(request, query.error());
  }
  auto refs = ctx.catalog.list_refs(reading.repo);
  if (!refs.ok()) {
    return error_response(request, refs.error());
  }
  const bool include_prs = query_flag(query.value(), "include_prs", false);
  nlohmann::json body = {{"branches", nlohmann::json::array()},
                         {"tags", nlohmann::json::array()},
                         {"converts", nlohmann::json::array()},
                         {"pullRequests", nlohmann::json::array()}};
  for (const RefInfo& ref : *refs.value()) {
    const std::string_view name = ref.name;
    if (name.starts_with(kPullRequestPrefix)) {
      if (include_prs) {
        body["pullRequests"].push_back(git_ref(ref.name, ref.name, ref.commit));
      }
    } else if (name.starts_with(kConvertPrefix)) {
      body["converts"].push_back(
          git_ref(std::string(name.substr(kConvertPrefix.size())), ref.name, ref.commit));
    } else {
      body["branches"].push_back(git_ref(ref.name, "refs/heads/" + ref.name, ref.commit));
    }
  }
  return json_answer(request, body);
}

}  // namespace mirrord::hf
