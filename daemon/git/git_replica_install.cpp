#include "daemon/git/git_replica_install.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "daemon/git/git_fetch.hpp"
#include "daemon/git/git_handles.hpp"
#include "daemon/git/git_pack_maintenance.hpp"
#include "daemon/git/git_pack_names.hpp"
#include "daemon/git/git_published_refs.hpp"
#include "daemon/git/git_pull.hpp"
#include "daemon/git/git_ref_plan.hpp"
#include "daemon/git/git_server_info.hpp"
#include "policies/git_target.hpp"

namespace mirrord::git {
namespace {

using nlohmann::json;
using IndexerHandle = GitHandle<git_indexer, git_indexer_free>;

Error refused(const GitReplica& replica, const std::string& reason) {
  return make_error(ErrorCode::kInvalidInput, "git mirror " + replica.name + ": " + reason);
}

struct SyncState {
  std::string url;
  std::string head;
  std::map<std::string, git_oid> refs;
};

Result<SyncState> parse_sync_state(const GitReplica& replica) {
  const json info = json::parse(replica.sync_info_json, nullptr, /*allow_exceptions=*/false);
  if (!info.is_object() || !info.contains("url") || !info["url"].is_string() ||
      !info.contains("head") || !info["head"].is_string() || !info.contains("refs") ||
      !info["refs"].is_object()) {
    return refused(replica, "its sync record is not an object with url, head and refs");
  }
  SyncState state{info["url"].get<std::string>(), info["head"].get<std::string>(), {}};
  for (const auto& [name, value] : info["refs"].items()) {
    const auto oid = parse_oid(value.is_string() ? value.get<std::string>() : std::string());
    if (!is_mirrorable_ref_name(name) || !oid) {
      return refused(replica, "its sync record lists ref '" + name.substr(0, 260) +
                                  "', which is not a mirrorable ref name with a 40-hex id");
    }
    state.refs.emplace(name, *oid);
  }
  for (const auto& [ref, commit] : replica.ref_commits) {
    if (!state.refs.contains(ref)) {
      return refused(replica, "a snapshot names ref " + ref + ", which its sync record lacks");
    }
  }
  return state;
}

// Streams one pack blob through libgit2's indexer into `incoming`; returns its pack name.
Result<std::string> index_pack(const BlobStore& store, const Sha256& digest,
                               const std::filesystem::path& incoming) {
  MIRRORD_TRY_ASSIGN(const OpenBlob blob, store.open(digest));
  git_indexer_options options = GIT_INDEXER_OPTIONS_INIT;
  git_indexer* raw = nullptr;
  MIRRORD_TRY(git_check(git_indexer_new(&raw, incoming.c_str(), 0, nullptr, &options),
                        "start indexing a pack"));
  IndexerHandle indexer(raw);
  git_indexer_progress stats{};
  std::vector<char> buffer(256 * 1024);
  for (;;) {
    const ssize_t got = ::read(blob.fd.get(), buffer.data(), buffer.size());
    if (got < 0) {
      return make_error(ErrorCode::kIo, "cannot read pack blob " + digest.hex());
    }
    if (got == 0) {
      break;
    }
    MIRRORD_TRY(git_check(
        git_indexer_append(indexer.get(), buffer.data(), static_cast<std::size_t>(got), &stats),
        "index pack " + digest.hex(), ErrorCode::kInvalidInput));
  }
  MIRRORD_TRY(git_check(git_indexer_commit(indexer.get(), &stats), "index pack " + digest.hex(),
                        ErrorCode::kInvalidInput));
  return "pack-" + std::string(git_indexer_name(indexer.get())) + ".pack";
}

// Moves an indexed pack into objects/pack: the pack first, then its index (which makes git
// readers see it). A pack of that name already there has the same content (its name is its
// checksum) and is kept.
Status move_into_place(const std::filesystem::path& incoming, const std::filesystem::path& packs,
                       const std::string& pack_name) {
  std::error_code ec;
  if (!std::filesystem::exists(packs / index_name_of(pack_name), ec)) {
    for (const std::string& name : {pack_name, index_name_of(pack_name)}) {
      std::filesystem::rename(incoming / name, packs / name, ec);
      if (ec) {
        return make_error(ErrorCode::kIo, "cannot move " + name + " into place: " + ec.message());
      }
    }
  }
  std::filesystem::remove_all(incoming, ec);
  return {};
}

Status add_packs(const GitReplica& replica, const BlobStore& store,
                 const std::filesystem::path& dir) {
  const std::filesystem::path packs = dir / "objects" / "pack";
  const std::filesystem::path incoming = dir / "mirrord-incoming";
  for (const Sha256& digest : replica.packs) {
    std::error_code ec;
    std::filesystem::remove_all(incoming, ec);
    std::filesystem::create_directories(incoming, ec);
    std::filesystem::create_directories(packs, ec);
    auto name = index_pack(store, digest, incoming);
    if (!name) {
      std::filesystem::remove_all(incoming, ec);
      return name.error().code == ErrorCode::kIo ? name.error()
                                                 : refused(replica, name.error().message);
    }
    MIRRORD_TRY(move_into_place(incoming, packs, *name));
  }
  return {};
}

// Every recorded ref names a commit or tag that is present and peels to what its snapshot
// says, and everything the refs reach is present.
Status check_refs(const GitReplica& replica, const SyncState& state, git_repository* repo) {
  std::vector<git_oid> tips;
  for (const auto& [name, oid] : state.refs) {
    git_object* raw = nullptr;
    if (git_object_lookup(&raw, repo, &oid, GIT_OBJECT_ANY) < 0) {
      git_error_clear();
      return refused(replica, "ref " + name + " names " + oid_hex(oid) +
                                  ", which none of the record's packs holds");
    }
    ObjectHandle object(raw);
    const git_object_t type = git_object_type(object.get());
    if (type != GIT_OBJECT_COMMIT && type != GIT_OBJECT_TAG) {
      return refused(replica, "ref " + name + " names a " + git_object_type2string(type) +
                                  ", not a commit or a tag");
    }
    git_object* peeled = nullptr;
    MIRRORD_TRY(git_check(git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT), "peel " + name,
                          ErrorCode::kInvalidInput));
    ObjectHandle commit(peeled);
    const auto expected = replica.ref_commits.find(name);
    if (expected != replica.ref_commits.end() &&
        expected->second != oid_hex(*git_object_id(commit.get()))) {
      return refused(replica, "ref " + name + " peels to " + oid_hex(*git_object_id(commit.get())) +
                                  ", but its snapshot is " + expected->second);
    }
    tips.push_back(oid);
  }
  git_packbuilder* raw_builder = nullptr;
  MIRRORD_TRY(git_check(git_packbuilder_new(&raw_builder, repo), "start a connectivity walk"));
  PackBuilderHandle builder(raw_builder);
  auto reached = insert_reachable_from(repo, builder.get(), tips);
  if (!reached) {
    return refused(replica, "the history of its refs is incomplete: " + reached.error().message);
  }
  return {};
}

// Moves the served refs to the record's (deleting those it no longer lists), then HEAD.
Status set_refs(const SyncState& state, git_repository* repo) {
  MIRRORD_TRY_ASSIGN(const std::vector<PublishedRef> served, list_published_refs(repo));
  for (const PublishedRef& ref : served) {
    if (!state.refs.contains(ref.name)) {
      git_reference* raw = nullptr;
      if (git_reference_lookup(&raw, repo, ref.name.c_str()) == 0) {
        ReferenceHandle old(raw);
        MIRRORD_TRY(git_check(git_reference_delete(old.get()), "delete ref " + ref.name));
      }
      git_error_clear();
    }
  }
  for (const auto& [name, oid] : state.refs) {
    git_reference* raw = nullptr;
    MIRRORD_TRY(
        git_check(git_reference_create(&raw, repo, name.c_str(), &oid, 1, "mirrord: replicated"),
                  "set ref " + name));
    ReferenceHandle created(raw);
  }
  return update_head(repo, state.head);
}

}  // namespace

Status install_git_replica(const GitReplica& replica, const BlobStore& store,
                           const std::filesystem::path& storage_root) {
  if (const std::string problem = git_mirror_name_problem(replica.name); !problem.empty()) {
    return refused(replica, "the name cannot name a git mirror: it " + problem);
  }
  MIRRORD_TRY_ASSIGN(const SyncState state, parse_sync_state(replica));
  const std::filesystem::path dir = git_mirror_directory(storage_root, replica.name);
  {
    MIRRORD_TRY_ASSIGN(RepositoryHandle repo, open_or_init_bare(dir.string()));
    MIRRORD_TRY(check_mirror_url(repo.get(), state.url));
  }
  MIRRORD_TRY(add_packs(replica, store, dir));
  // A fresh handle: its object database lists the packs just added.
  MIRRORD_TRY_ASSIGN(RepositoryHandle repo, open_bare(dir.string()));
  MIRRORD_TRY(check_refs(replica, state, repo.get()));
  MIRRORD_TRY(set_refs(state, repo.get()));
  return write_server_info(repo.get(), dir);
}

}  // namespace mirrord::git
