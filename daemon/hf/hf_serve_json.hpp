// JSON helpers of the Hugging Face routes: rendering (never throwing on odd bytes), the JSON
// answer itself, and the defensive scrub that keeps Xet fields and upstream URLs out of anything
// passed through from upstream metadata (protocols/hf.md §8).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "daemon/http/message.hpp"

namespace mirrord::hf {

// Serializes without throwing: invalid UTF-8 is replaced, not an exception.
std::string dump_json(const nlohmann::json& value);

// 200 (or `status`) with Content-Type application/json; charset=utf-8. A HEAD request gets the
// same headers and no body.
http::Response json_answer(const http::Request& request, const nlohmann::json& value,
                           int status = 200);
// The same answer for a body already rendered with dump_json.
http::Response json_text_answer(const http::Request& request, std::string body, int status = 200);

// Removes, at any depth, keys starting with "xet" (any case) and string values that carry a URL
// of an upstream host (huggingface.co, hf.co, modelscope.cn and their subdomains). Arrays lose
// such elements. Used on metadata that came from upstream, on top of the source's own allow-list.
void scrub_upstream_json(nlohmann::json& value);

// Whether `text` contains "://" followed by an upstream host.
bool mentions_upstream_url(const std::string& text);

}  // namespace mirrord::hf
