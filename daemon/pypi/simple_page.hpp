// What an upstream project page (PEP 503 HTML or PEP 691 JSON) says about each file, after the
// parser has resolved its URL and checked what it could. Everything here is an upstream *claim*:
// the sha256 is compared with the bytes at ingest, the rest is refreshed on every sync.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "storage/digest.hpp"
#include "storage/result.hpp"

namespace mirrord::pypi {

struct UpstreamFile {
  std::string filename;                        // checked with filename_problem()
  std::string url;                             // absolute http(s), without fragment
  std::optional<Sha256> sha256;                // the index's claim, if it made one
  std::optional<std::string> requires_python;  // as listed (entities decoded)
  std::optional<std::string> yanked;           // nullopt: not yanked; "": yanked, no reason
  std::optional<std::uint64_t> size;           // JSON API 1.1 only
  std::string upload_time;                     // "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" or empty
  // Several indexes (pypi_indexes.hpp): where else the same filename is listed with the same
  // sha256, tried after `url`; and why the file is refused when the indexes disagree on it.
  std::vector<std::string> other_urls;
  std::optional<std::string> refusal;
};

struct UpstreamPage {
  std::vector<UpstreamFile> files;    // unique filenames, in page order
  std::vector<std::string> problems;  // links that were skipped and why (at most kMaxProblems)
};

// Collects files while a parser walks a page: validates each, drops repeated filenames, and keeps
// a bounded list of problems.
class PageBuilder {
 public:
  static constexpr std::size_t kMaxProblems = 50;
  static constexpr std::size_t kMaxFiles = 200000;

  void add(UpstreamFile file);
  void problem(std::string text);
  UpstreamPage finish() { return std::move(page_); }

 private:
  UpstreamPage page_;
  std::set<std::string> names_;
  std::size_t problem_count_ = 0;
};

// "sha256=<64 hex>" (the #fragment of a PEP 503 link, or a data-core-metadata value). nullopt
// when the text names another algorithm; an error when it names sha256 with a malformed value.
Result<std::optional<Sha256>> parse_hash_claim(std::string_view text);

// Upload times in the PEP 700 form "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"; "+00:00" is accepted for "Z".
// Anything else gives "" (unknown), never a guess.
std::string normalize_upload_time(std::string_view text);

// The API major version of a PEP 629 "1.x" string is 1; anything else cannot be read.
bool supported_api_version(std::string_view version);

}  // namespace mirrord::pypi
