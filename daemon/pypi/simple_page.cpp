#include "daemon/pypi/simple_page.hpp"

#include <algorithm>

#include "daemon/pypi/dist_filename.hpp"

namespace mirrord::pypi {
namespace {

bool digits(std::string_view text, std::size_t from, std::size_t count) {
  if (text.size() < from + count) {
    return false;
  }
  return std::all_of(text.begin() + from, text.begin() + from + count,
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void PageBuilder::problem(std::string text) {
  if (problem_count_++ < kMaxProblems) {
    page_.problems.push_back(std::move(text));
  }
}

void PageBuilder::add(UpstreamFile file) {
  if (const std::string why = filename_problem(file.filename); !why.empty()) {
    problem("a file name " + why + "; link skipped");
    return;
  }
  if (page_.files.size() >= kMaxFiles) {
    problem("more than 200000 files on one page; the rest is skipped");
    return;
  }
  if (!names_.insert(file.filename).second) {
    problem(file.filename + " is listed more than once; the first link is used");
    return;
  }
  page_.files.push_back(std::move(file));
}

Result<std::optional<Sha256>> parse_hash_claim(std::string_view text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || text.substr(0, equals) != "sha256") {
    return std::optional<Sha256>();
  }
  const auto digest = Sha256::from_hex(text.substr(equals + 1));
  if (!digest) {
    return make_error(ErrorCode::kInvalidInput, "malformed sha256 value");
  }
  return std::optional<Sha256>(*digest);
}

std::string normalize_upload_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS
  const bool shape = digits(text, 0, 4) && text.size() >= 19 && text[4] == '-' &&
                     digits(text, 5, 2) && text[7] == '-' && digits(text, 8, 2) &&
                     text[10] == 'T' && digits(text, 11, 2) && text[13] == ':' &&
                     digits(text, 14, 2) && text[16] == ':' && digits(text, 17, 2);
  if (!shape) {
    return {};
  }
  std::size_t end = 19;
  if (end < text.size() && text[end] == '.') {
    std::size_t fraction = 0;
    while (end + 1 + fraction < text.size() && digits(text, end + 1 + fraction, 1)) {
      ++fraction;
    }
    if (fraction == 0 || fraction > 6) {
      return {};
    }
    end += 1 + fraction;
  }
  const std::string_view zone = text.substr(end);
  if (zone != "Z" && zone != "+00:00") {
    return {};
  }
  return std::string(text.substr(0, end)) + "Z";
}

bool supported_api_version(std::string_view version) {
  const std::size_t dot = version.find('.');
  return dot != std::string_view::npos && version.substr(0, dot) == "1" &&
         digits(version, dot + 1, version.size() - dot - 1) && version.size() > dot + 1;
}

}  // namespace mirrord::pypi
