#include "daemon/git/git_hf_repo.hpp"

#include "daemon/git/git_handles.hpp"
#include "daemon/git/git_pack_writer.hpp"
#include "daemon/git/git_ref_plan.hpp"
#include "daemon/git/git_server_info.hpp"
#include "daemon/git/git_snapshot_tree.hpp"

namespace mirrord::git {
namespace {

constexpr const char* kAuthorName = "mirrord";
constexpr const char* kAuthorEmail = "mirrord@localhost";

// The git branch serving a catalog ref: "main" -> refs/heads/main; "refs/pr/1" stays.
std::optional<std::string> branch_for(const std::string& catalog_ref) {
  const std::string name =
      catalog_ref.starts_with("refs/") ? catalog_ref : "refs/heads/" + catalog_ref;
  int valid = 0;
  if (git_reference_name_is_valid(&valid, name.c_str()) < 0 || valid != 1) {
    git_error_clear();
    return std::nullopt;
  }
  return name;
}

std::string trailer_of(const git_commit* commit) {
  const std::string message = git_commit_message(commit);
  const std::size_t at = message.rfind(kHfCommitTrailer);
  if (at == std::string::npos) {
    return {};
  }
  const std::size_t start = at + kHfCommitTrailer.size();
  return message.substr(start, message.find('\n', start) - start);
}

// The branch's current commit, if the branch exists.
Result<CommitHandle> current_commit(git_repository* repo, const std::string& branch) {
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo, branch.c_str()) < 0) {
    git_error_clear();
    return CommitHandle();
  }
  git_commit* raw = nullptr;
  MIRRORD_TRY(git_check(git_commit_lookup(&raw, repo, &oid), "read " + branch));
  return CommitHandle(raw);
}

Result<git_oid> synthesize_commit(git_repository* repo, const BlobStore& store,
                                  const SnapshotInfo& snapshot,
                                  const std::vector<SnapshotFile>& files,
                                  const git_commit* parent) {
  MIRRORD_TRY_ASSIGN(const git_oid tree_oid, build_snapshot_tree(repo, store, files));
  git_tree* raw_tree = nullptr;
  MIRRORD_TRY(git_check(git_tree_lookup(&raw_tree, repo, &tree_oid), "read a tree"));
  TreeHandle tree(raw_tree);
  git_signature* raw_signature = nullptr;
  MIRRORD_TRY(git_check(
      git_signature_new(&raw_signature, kAuthorName, kAuthorEmail, snapshot.published_at, 0),
      "make a signature"));
  SignatureHandle signature(raw_signature);
  const std::string message = snapshot.repo.name + " at " + snapshot.commit +
                              "\n\nMirrored from the Hugging Face Hub.\n\n" +
                              std::string(kHfCommitTrailer) + snapshot.commit + "\n";
  const git_commit* parents[] = {parent};
  git_oid oid;
  MIRRORD_TRY(
      git_check(git_commit_create(&oid, repo, nullptr, signature.get(), signature.get(), "UTF-8",
                                  message.c_str(), tree.get(), parent == nullptr ? 0 : 1, parents),
                "write a commit"));
  return oid;
}

}  // namespace

HfGitRepos::HfGitRepos(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store,
                       std::filesystem::path root)
    : catalog_(std::move(catalog)), store_(std::move(store)), root_(std::move(root)) {}

std::filesystem::path HfGitRepos::directory(const RepoKey& repo) const {
  return root_ / repo.kind / (repo.name + ".git");
}

Status HfGitRepos::refresh(const RepoKey& repo) {
  std::lock_guard lock(mutex_);
  return refresh_locked(repo);
}

Status HfGitRepos::refresh_locked(const RepoKey& repo) {
  MIRRORD_TRY_ASSIGN(const std::vector<RefInfo> refs, catalog_->list_refs(repo));
  if (refs.empty()) {
    return make_error(ErrorCode::kNotFound, repo.name + " has no published ref");
  }
  const std::filesystem::path dir = directory(repo);
  MIRRORD_TRY_ASSIGN(RepositoryHandle git_repo, open_or_init_bare(dir.string()));
  MIRRORD_TRY_ASSIGN(PackWriter writer, PackWriter::attach(git_repo.get()));
  std::vector<std::pair<std::string, git_oid>> moved;
  for (const RefInfo& ref : refs) {
    const std::optional<std::string> branch = branch_for(ref.name);
    if (!branch) {
      continue;
    }
    MIRRORD_TRY_ASSIGN(CommitHandle parent, current_commit(git_repo.get(), *branch));
    if (parent && trailer_of(parent.get()) == ref.commit) {
      continue;
    }
    MIRRORD_TRY_ASSIGN(const auto snapshot, catalog_->find_snapshot(repo, ref.commit));
    if (!snapshot) {
      return make_error(ErrorCode::kInternal, "ref " + ref.name + " names a missing snapshot");
    }
    MIRRORD_TRY_ASSIGN(const auto files, catalog_->list_files(snapshot->id));
    MIRRORD_TRY_ASSIGN(const git_oid oid,
                       synthesize_commit(git_repo.get(), *store_, *snapshot, files, parent.get()));
    moved.emplace_back(*branch, oid);
  }
  if (moved.empty() && std::filesystem::exists(dir / "info" / "refs")) {
    return {};
  }
  if (!moved.empty()) {
    MIRRORD_TRY(writer.write());  // objects first: a ref must never name a missing object
  }
  for (const auto& [branch, oid] : moved) {
    git_reference* raw = nullptr;
    MIRRORD_TRY(git_check(
        git_reference_create(&raw, git_repo.get(), branch.c_str(), &oid, 1, "mirrord snapshot"),
        "point " + branch));
    git_reference_free(raw);
  }
  MIRRORD_TRY(update_head(git_repo.get(), "refs/heads/main"));
  return write_server_info(git_repo.get(), dir);
}

}  // namespace mirrord::git
