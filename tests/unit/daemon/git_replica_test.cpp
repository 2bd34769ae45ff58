// A git mirror through the replica core: its pull stores the packs as blobs of the sync record
// (git_pack_blobs.hpp), and another mirror applying the signed records rebuilds the repository
// with libgit2's indexer and checks it against the records before publishing anything
// (git_replica_install.hpp, replica/git_records.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "daemon/git/git_catalog.hpp"
#include "daemon/git/git_pack_blobs.hpp"
#include "daemon/git/git_pull.hpp"
#include "daemon/replica/apply_records.hpp"
#include "tests/unit/daemon/git_test_repos.hpp"
#include "tests/unit/daemon/replica_fixture.hpp"

namespace mirrord {
namespace {

using git_test::hex;
using git_test::TestRepo;
using replica_fixture::Mirror;
using ::testing::HasSubstr;

// The mirrors here mirror no LFS objects: any request is a test failure.
class NoFetcher final : public Fetcher {
 public:
  Result<FetchResponse> fetch(const FetchRequest& request, const BodySink&,
                              const std::atomic<bool>*) override {
    ADD_FAILURE() << "unexpected fetch of " << request.url;
    return make_error(ErrorCode::kUpstream, "no network in this test");
  }
};

// Serves blobs from the exporting mirror's store.
class StoreSource final : public replica::BlobSource {
 public:
  explicit StoreSource(const BlobStore& store) : store_(store) {}
  Status fetch(const replica::RecordBlob& blob, std::uint64_t offset,
               const replica::BlobSink& sink) override {
    MIRRORD_TRY_ASSIGN(const OpenBlob opened, store_.open(blob.sha256));
    std::vector<char> buffer(4096);
    std::uint64_t at = 0;
    for (ssize_t got; (got = ::read(opened.fd.get(), buffer.data(), buffer.size())) > 0;) {
      const auto size = static_cast<std::uint64_t>(got);
      if (at + size > offset) {
        const std::uint64_t skip = at >= offset ? 0 : offset - at;
        MIRRORD_TRY(sink(std::as_bytes(std::span(buffer.data() + skip, size - skip))));
      }
      at += size;
    }
    return {};
  }

 private:
  const BlobStore& store_;
};

class GitReplicaTest : public ::testing::Test {
 protected:
  GitReplicaTest() : upstream_(upstream_dir_.path() / "upstream.git", true) {
    policy_.name = "demo";
    policy_.source = "git";
    policy_.git.url = upstream_.dir().string();
    policy_.git.lfs = false;
    first_ = upstream_.commit("refs/heads/main", {{"README.md", "one\n"}}, "one");
    tag_ = upstream_.annotated_tag("v1", first_);
    second_ = upstream_.commit("refs/heads/main", {{"README.md", "two\n"}}, "two");
    auto key = SigningKey::load_or_create(exporter_.dir.path() / "manifest-key.pem");
    EXPECT_TRUE(key) << key.error().message;
    key_.emplace(std::move(*key));
  }

  Status pull() {
    JobContext job;
    const GitPullDeps deps{*exporter_.catalog, *exporter_.store, no_fetcher_, root(exporter_)};
    return run_git_pull(policy_, deps, job);
  }

  static std::filesystem::path root(const Mirror& mirror) { return mirror.dir.path() / "root"; }

  std::vector<replica::VerifiedRecord> records() {
    auto signed_records = replica::export_records(*exporter_.catalog, repo_, *key_);
    EXPECT_TRUE(signed_records) << signed_records.error().message;
    std::vector<replica::VerifiedRecord> verified;
    for (const replica::SignedRecord& record : *signed_records) {
      auto checked = replica::verify_record(record, {key_->public_pem()});
      EXPECT_TRUE(checked) << checked.error().message;
      verified.push_back(std::move(*checked));
    }
    return verified;
  }

  Result<replica::ApplyResult> apply(const std::vector<replica::VerifiedRecord>& records) {
    StoreSource source(*exporter_.store);
    return replica::apply_records(records, source, *importer_.store, *importer_.catalog, nullptr,
                                  {}, root(importer_));
  }

  static std::filesystem::path mirror_dir(const Mirror& mirror) {
    return git_mirror_directory(root(mirror), "demo");
  }

  // The sync record among `records`.
  static replica::VerifiedRecord& sync_record(std::vector<replica::VerifiedRecord>& records) {
    return *std::find_if(records.begin(), records.end(), [](const replica::VerifiedRecord& r) {
      return r.snapshot.refs == std::vector<std::string>{git::kCurrentRef};
    });
  }

  testing::TempDir upstream_dir_;
  TestRepo upstream_;
  Mirror exporter_;
  Mirror importer_;
  NoFetcher no_fetcher_;
  Policy policy_;
  std::optional<SigningKey> key_;
  const RepoKey repo_{"git", "demo"};
  git_oid first_, tag_, second_;
};

TEST_F(GitReplicaTest, APullListsEveryServedPackAsAFileOfItsSyncRecord) {
  ASSERT_TRUE(pull());
  auto files = git::current_record_files(*exporter_.catalog, repo_);
  ASSERT_TRUE(files);
  ASSERT_EQ(files->size(), 1u);
  const SnapshotFile& pack = files->front();
  EXPECT_FALSE(pack.lfs);
  const std::string name = git::pack_name_of_path(pack.path);
  ASSERT_FALSE(name.empty()) << pack.path;
  const std::string bytes = testing::read_file(mirror_dir(exporter_) / "objects" / "pack" / name);
  EXPECT_EQ(pack.sha256, sha256_of(bytes));
  EXPECT_TRUE(exporter_.store->contains(pack.sha256));
  auto scope = git::lfs_scope_of(*exporter_.catalog, repo_);
  ASSERT_TRUE(scope);
  EXPECT_TRUE(scope->empty());  // packs are never served as LFS objects
}

TEST_F(GitReplicaTest, AppliedRecordsRebuildTheRepositoryAndPublishTheSameRefs) {
  ASSERT_TRUE(pull());
  const auto applied = apply(records());
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(testing::read_file(mirror_dir(importer_) / "info" / "refs"),
            testing::read_file(mirror_dir(exporter_) / "info" / "refs"));
  EXPECT_EQ(testing::read_file(mirror_dir(importer_) / "HEAD"), "ref: refs/heads/main\n");
  EXPECT_THAT(testing::read_file(mirror_dir(importer_) / "objects" / "info" / "packs"),
              HasSubstr(".pack"));
  for (const char* ref : {"refs/heads/main", "refs/tags/v1", git::kCurrentRef}) {
    EXPECT_EQ(*importer_.catalog->resolve_ref(repo_, ref),
              *exporter_.catalog->resolve_ref(repo_, ref))
        << ref;
  }
  TestRepo imported(mirror_dir(importer_), true);  // opens the existing repository
  EXPECT_EQ(imported.ref_hex("refs/heads/main"), hex(second_));
  EXPECT_EQ(imported.ref_hex("refs/tags/v1"), hex(tag_));
}

TEST_F(GitReplicaTest, OnlyTheSnapshotsItsRefsNameAreExported) {
  ASSERT_TRUE(pull());
  const git_oid third = upstream_.commit("refs/heads/main", {{"README.md", "three\n"}}, "three");
  ASSERT_TRUE(pull());
  auto verified = records();
  // main, v1 and the current sync record: not the second commit or the first sync's record.
  ASSERT_EQ(verified.size(), 3u);
  for (const replica::VerifiedRecord& record : verified) {
    EXPECT_FALSE(record.snapshot.refs.empty()) << record.snapshot.commit;
  }
  EXPECT_EQ(sync_record(verified).snapshot.files.size(), 2u);  // both syncs' packs
  ASSERT_TRUE(apply(verified));
  TestRepo imported(mirror_dir(importer_), true);
  EXPECT_EQ(imported.ref_hex("refs/heads/main"), hex(third));
}

TEST_F(GitReplicaTest, APackMissingFromTheRecordRefusesEverything) {
  ASSERT_TRUE(pull());
  auto first_packs = git::current_record_files(*exporter_.catalog, repo_);
  ASSERT_TRUE(first_packs);
  upstream_.commit("refs/heads/main", {{"README.md", "three\n"}}, "three");
  ASSERT_TRUE(pull());
  auto verified = records();
  // Only main, whose tip the second pack holds: the tag (in the first pack) is left out.
  std::erase_if(verified, [](const replica::VerifiedRecord& record) {
    return record.snapshot.refs == std::vector<std::string>{"refs/tags/v1"};
  });
  NewSnapshot& sync = sync_record(verified).snapshot;
  auto info = nlohmann::json::parse(sync.info_json);
  info["refs"].erase("refs/tags/v1");
  sync.info_json = info.dump();
  auto& files = sync.files;
  ASSERT_EQ(files.size(), 2u);
  // Without the first sync's pack the tip is there but its history is not.
  std::erase_if(files,
                [&](const SnapshotFile& file) { return file.path == first_packs->front().path; });
  const auto applied = apply(verified);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(applied.error().message, HasSubstr("history of its refs is incomplete"));
  EXPECT_FALSE(*importer_.catalog->repo_exists(repo_));
  EXPECT_FALSE(std::filesystem::exists(mirror_dir(importer_) / "refs" / "heads" / "main"));
}

TEST_F(GitReplicaTest, ARefWhoseCommitNoPackHoldsRefusesEverything) {
  ASSERT_TRUE(pull());
  auto verified = records();
  sync_record(verified).snapshot.files.clear();  // no packs at all
  const auto applied = apply(verified);
  ASSERT_FALSE(applied);
  EXPECT_THAT(applied.error().message, HasSubstr("none of the record's packs holds"));
  EXPECT_FALSE(*importer_.catalog->repo_exists(repo_));
}

TEST_F(GitReplicaTest, ASnapshotThatDisagreesWithTheRepositoryRefusesEverything) {
  ASSERT_TRUE(pull());
  auto verified = records();
  for (replica::VerifiedRecord& record : verified) {
    if (record.snapshot.refs == std::vector<std::string>{"refs/heads/main"}) {
      record.snapshot.commit = hex(first_);  // the catalog would serve another commit
    }
  }
  const auto applied = apply(verified);
  ASSERT_FALSE(applied);
  EXPECT_THAT(applied.error().message, HasSubstr("peels to " + hex(second_)));
}

TEST_F(GitReplicaTest, RecordsWithoutTheSyncRecordAreRefused) {
  ASSERT_TRUE(pull());
  auto verified = records();
  std::erase_if(verified, [](const replica::VerifiedRecord& record) {
    return record.snapshot.refs == std::vector<std::string>{git::kCurrentRef};
  });
  const auto applied = apply(verified);
  ASSERT_FALSE(applied);
  EXPECT_THAT(applied.error().message, HasSubstr("current sync record"));
}

}  // namespace
}  // namespace mirrord
