#include "daemon/git/git_pack_maintenance.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include "daemon/git/git_handles.hpp"
#include "daemon/git/git_pack_names.hpp"
#include "daemon/git/git_server_info.hpp"

namespace mirrord::git {
namespace {

constexpr const char* kRetiredFile = "mirrord-retired-packs";

// pack name -> time retired.
std::map<std::string, std::int64_t> read_retired(const std::filesystem::path& repo_dir) {
  std::map<std::string, std::int64_t> retired;
  std::ifstream in(repo_dir / kRetiredFile);
  std::int64_t when = 0;
  std::string name;
  while (in >> when >> name) {
    if (is_pack_file_name(name) && name.ends_with(".pack")) {
      retired.emplace(name, when);
    }
  }
  return retired;
}

Status write_retired(const std::filesystem::path& repo_dir,
                     const std::map<std::string, std::int64_t>& retired) {
  std::ostringstream out;
  for (const auto& [name, when] : retired) {
    out << when << ' ' << name << '\n';
  }
  return write_file_atomically(repo_dir / kRetiredFile, out.str());
}

void delete_pack(const std::filesystem::path& repo_dir, const std::string& pack_name) {
  const std::filesystem::path dir = repo_dir / "objects" / "pack";
  std::error_code ec;
  std::filesystem::remove(dir / index_name_of(pack_name), ec);  // index first: no half pack
  std::filesystem::remove(dir / pack_name, ec);
}

// Adds everything the repository's refs reach (staging refs included) to `builder`.
Status insert_reachable(git_repository* repo, git_packbuilder* builder) {
  git_reference_iterator* raw_it = nullptr;
  MIRRORD_TRY(git_check(git_reference_iterator_new(&raw_it, repo), "list refs"));
  ReferenceIteratorHandle it(raw_it);
  std::vector<git_oid> tips;
  git_reference* next = nullptr;
  while (git_reference_next(&next, it.get()) == 0) {
    ReferenceHandle ref(next);
    const git_oid* target = git_reference_target(ref.get());
    if (target != nullptr) {  // not symbolic (HEAD)
      tips.push_back(*target);
    }
  }
  git_error_clear();
  return insert_reachable_from(repo, builder, tips);
}

// Writes the pack and returns its file name.
Result<std::string> write_consolidated_pack(git_repository* repo,
                                            const std::filesystem::path& repo_dir) {
  git_packbuilder* raw = nullptr;
  MIRRORD_TRY(git_check(git_packbuilder_new(&raw, repo), "start a pack"));
  PackBuilderHandle builder(raw);
  git_packbuilder_set_threads(builder.get(), 0);
  MIRRORD_TRY(insert_reachable(repo, builder.get()));
  const std::string pack_dir = (repo_dir / "objects" / "pack").string();
  MIRRORD_TRY(git_check(git_packbuilder_write(builder.get(), pack_dir.c_str(), 0, nullptr, nullptr),
                        "write the consolidated pack"));
  return "pack-" + std::string(git_packbuilder_name(builder.get())) + ".pack";
}

}  // namespace

Status insert_reachable_from(git_repository* repo, git_packbuilder* builder,
                             const std::vector<git_oid>& tips) {
  git_revwalk* raw_walk = nullptr;
  MIRRORD_TRY(git_check(git_revwalk_new(&raw_walk, repo), "start a walk"));
  RevwalkHandle walk(raw_walk);
  for (const git_oid& tip : tips) {
    git_object* raw = nullptr;
    MIRRORD_TRY(git_check(git_object_lookup(&raw, repo, &tip, GIT_OBJECT_ANY), "read a ref"));
    ObjectHandle object(raw);
    if (git_object_type(object.get()) == GIT_OBJECT_COMMIT) {
      MIRRORD_TRY(git_check(git_revwalk_push(walk.get(), &tip), "walk a ref"));
    } else {
      MIRRORD_TRY(
          git_check(git_packbuilder_insert_recur(builder, &tip, nullptr), "pack a tag or tree"));
      git_object* peeled = nullptr;
      if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) == 0) {
        ObjectHandle commit(peeled);
        MIRRORD_TRY(
            git_check(git_revwalk_push(walk.get(), git_object_id(commit.get())), "walk a tag"));
      }
      git_error_clear();
    }
  }
  return git_check(git_packbuilder_insert_walk(builder, walk.get()), "pack the history");
}

std::set<std::string> retired_packs(const std::filesystem::path& repo_dir) {
  std::set<std::string> names;
  for (const auto& [name, when] : read_retired(repo_dir)) {
    names.insert(name);
  }
  return names;
}

Status consolidate_packs(git_repository* repo, const std::filesystem::path& repo_dir,
                         const PackLimits& limits, std::int64_t now) {
  std::map<std::string, std::int64_t> retired = read_retired(repo_dir);
  for (auto it = retired.begin(); it != retired.end();) {
    if (it->second + limits.retire_grace_s <= now) {
      delete_pack(repo_dir, it->first);
      it = retired.erase(it);
    } else {
      ++it;
    }
  }
  MIRRORD_TRY_ASSIGN(const std::vector<std::string> live, list_packs(repo_dir));
  if (live.size() > limits.max_packs) {
    MIRRORD_TRY_ASSIGN(const std::string consolidated, write_consolidated_pack(repo, repo_dir));
    for (const std::string& name : live) {
      if (name != consolidated) {
        retired.emplace(name, now);
      }
    }
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, repo) == 0) {
      git_odb_refresh(odb);
      git_odb_free(odb);
    }
  }
  return write_retired(repo_dir, retired);
}

}  // namespace mirrord::git
