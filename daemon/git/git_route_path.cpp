#include "daemon/git/git_route_path.hpp"

#include <vector>

#include "daemon/git/git_pack_names.hpp"
#include "daemon/http/message.hpp"
#include "policies/git_target.hpp"
#include "policies/identifiers.hpp"

namespace mirrord::git {
namespace {

using Segments = std::vector<std::string>;

struct FileMatch {
  GitFile file;
  std::size_t length;  // segments the file part takes
  std::string part;
};

bool ends_with(const Segments& s, std::initializer_list<std::string_view> tail) {
  if (s.size() < tail.size()) {
    return false;
  }
  std::size_t i = s.size() - tail.size();
  for (std::string_view want : tail) {
    if (s[i++] != want) {
      return false;
    }
  }
  return true;
}

std::optional<FileMatch> match_lfs(const Segments& s) {
  // The last "info", "lfs" pair that leaves a repository in front of it.
  for (std::size_t i = s.size(); i-- > 1;) {
    if (s[i - 1] != "info" || s[i] != "lfs") {
      continue;
    }
    const std::size_t rest = s.size() - (i + 1);
    const std::size_t length = rest + 2;
    if (rest == 2 && s[i + 1] == "objects" && s[i + 2] == "batch") {
      return FileMatch{GitFile::kLfsBatch, length, {}};
    }
    if (rest == 2 && s[i + 1] == "objects" && s[i + 2].size() == 64 && is_lower_hex(s[i + 2])) {
      return FileMatch{GitFile::kLfsObject, length, s[i + 2]};
    }
    if (rest >= 1 && s[i + 1] == "locks") {
      return FileMatch{GitFile::kLfsLocks, length, {}};
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<FileMatch> match_file(const Segments& s) {
  if (auto lfs = match_lfs(s)) {
    return lfs;
  }
  const std::size_t n = s.size();
  if (ends_with(s, {"info", "refs"})) {
    return FileMatch{GitFile::kInfoRefs, 2, {}};
  }
  if (ends_with(s, {"objects", "info", "packs"})) {
    return FileMatch{GitFile::kInfoPacks, 3, {}};
  }
  if (ends_with(s, {"objects", "info", "alternates"}) ||
      ends_with(s, {"objects", "info", "http-alternates"})) {
    return FileMatch{GitFile::kAlternates, 3, {}};
  }
  if (n >= 3 && s[n - 3] == "objects" && s[n - 2] == "pack" && is_pack_file_name(s[n - 1])) {
    return FileMatch{GitFile::kPack, 3, s[n - 1]};
  }
  if (n >= 3 && s[n - 3] == "objects" && is_loose_object_path(s[n - 2], s[n - 1])) {
    return FileMatch{GitFile::kLooseObject, 3, s[n - 2] + "/" + s[n - 1]};
  }
  if (ends_with(s, {"HEAD"})) {
    return FileMatch{GitFile::kHead, 1, {}};
  }
  if (ends_with(s, {"git-upload-pack"})) {
    return FileMatch{GitFile::kUploadPack, 1, {}};
  }
  if (ends_with(s, {"git-receive-pack"})) {
    return FileMatch{GitFile::kReceivePack, 1, {}};
  }
  return std::nullopt;
}

std::optional<Segments> decoded_segments(std::string_view raw_path) {
  Segments segments;
  for (std::string_view raw : http::split_path(raw_path)) {
    auto decoded = http::percent_decode(raw);
    if (!decoded || decoded->find('/') != std::string::npos) {
      return std::nullopt;
    }
    segments.push_back(std::move(*decoded));
  }
  return segments;
}

std::string join(const Segments& s, std::size_t first, std::size_t last) {
  std::string joined;
  for (std::size_t i = first; i < last; ++i) {
    joined += (i == first ? "" : "/") + s[i];
  }
  return joined;
}

std::optional<RepoKey> hf_repo(Segments repo) {
  std::string kind = "model";
  if (repo.size() == 3 && repo[0] == "datasets") {
    kind = "dataset";
    repo.erase(repo.begin());
  }
  if (repo.size() != 2) {
    return std::nullopt;
  }
  std::string name = repo[0] + "/" + repo[1];
  if (!repo_id_problem(name).empty()) {
    return std::nullopt;
  }
  return RepoKey{kind, std::move(name)};
}

}  // namespace

ParsedGitPath parse_git_path(std::string_view raw_path) {
  const bool mirror_space = raw_path.starts_with("/git/");
  const GitPathKind miss = mirror_space ? GitPathKind::kMalformed : GitPathKind::kNotGit;
  const std::optional<Segments> segments = decoded_segments(raw_path);
  if (!segments) {
    return {miss, {}};
  }
  const std::optional<FileMatch> match = match_file(*segments);
  if (!match || match->length >= segments->size()) {
    return {miss, {}};
  }
  Segments repo(segments->begin(), segments->end() - static_cast<std::ptrdiff_t>(match->length));
  if (repo.back().ends_with(".git")) {
    repo.back().resize(repo.back().size() - 4);
  }
  GitPath path{{}, match->file, match->part};
  if (mirror_space) {
    std::string name = join(repo, 1, repo.size());
    if (repo.size() < 2 || !git_mirror_name_problem(name).empty()) {
      return {GitPathKind::kMalformed, {}};
    }
    path.repo = RepoKey{"git", std::move(name)};
    return {GitPathKind::kGit, std::move(path)};
  }
  const std::optional<RepoKey> key = hf_repo(std::move(repo));
  if (!key) {
    return {GitPathKind::kNotGit, {}};
  }
  path.repo = *key;
  return {GitPathKind::kGit, std::move(path)};
}

}  // namespace mirrord::git
