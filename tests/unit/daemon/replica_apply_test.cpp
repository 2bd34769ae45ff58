#include <gtest/gtest.h>

#include <filesystem>

#include "daemon/pypi/project_state.hpp"
#include "tests/unit/daemon/replica_fixture.hpp"

namespace mirrord {
namespace {

using replica::VerifiedRecord;
using replica_fixture::Mirror;
using replica_fixture::ScriptedSource;

const RepoKey kRepo{"pypi", "pypi/demo"};
const std::string kCommit = "7ae557604adf67be50417f59c2c2f167def9a775";
const std::string kWeights(100000, 'w');

class ReplicaApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = SigningKey::generate();
    ASSERT_TRUE(key);
    NewSnapshot snapshot{kRepo, kCommit, {}, "", {"main"}};
    snapshot.files = {exporter_.stored("config.json", "{}"),
                      exporter_.stored("model.safetensors", kWeights, true)};
    pypi::PublishedFile wheel;
    wheel.filename = "demo-1.0-py3-none-any.whl";
    wheel.version = "1.0";
    wheel.sha256 = snapshot.files[0].sha256;
    wheel.size = 2;
    wheel.core_metadata = exporter_.stored("meta", "metadata").sha256;
    snapshot.extra_blobs = {*wheel.core_metadata};
    snapshot.info_json = pypi::ProjectState{"demo", {wheel}}.to_json();
    info_json_ = snapshot.info_json;
    ASSERT_TRUE(exporter_.catalog->publish_snapshot(snapshot));
    auto records = replica::export_records(*exporter_.catalog, kRepo, *key);
    ASSERT_TRUE(records);
    for (const auto& record : *records) {
      auto verified = replica::verify_record(record, {key->public_pem()});
      ASSERT_TRUE(verified) << verified.error().message;
      records_.push_back(std::move(*verified));
    }
    for (const std::string& content : {std::string("{}"), kWeights, std::string("metadata")}) {
      source_.add(content);
    }
  }

  Result<replica::ApplyResult> apply() {
    return replica::apply_records(records_, source_, *importer_.store, *importer_.catalog, nullptr);
  }

  bool visible() {
    auto ref = importer_.catalog->resolve_ref(kRepo, "main");
    return ref && *ref;
  }

  std::size_t part_files() const {
    const auto tmp = importer_.dir.path() / "tmp";
    if (!std::filesystem::exists(tmp))
      return 0;
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(tmp), {}));
  }

  Mirror exporter_;
  Mirror importer_;
  ScriptedSource source_;
  std::vector<VerifiedRecord> records_;
  std::string info_json_;
};

TEST_F(ReplicaApplyTest, PublishesTheSnapshotWithEveryBlob) {
  auto applied = apply();
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(applied->snapshots_published, 1u);
  EXPECT_EQ(applied->blobs_fetched, 3u);
  EXPECT_EQ(applied->bytes_fetched, kWeights.size() + 2 + 8);
  auto snapshot = importer_.catalog->find_snapshot(kRepo, kCommit);
  ASSERT_TRUE(snapshot && *snapshot);
  EXPECT_EQ((*snapshot)->info_json, info_json_);
  auto files = importer_.catalog->list_files((*snapshot)->id);
  ASSERT_TRUE(files);
  ASSERT_EQ(files->size(), 2u);
  EXPECT_TRUE((*files)[1].lfs);
  EXPECT_EQ(records_[0].snapshot.extra_blobs,
            std::vector<Sha256>{sha256_of(std::string("metadata"))});
  EXPECT_TRUE(importer_.store->contains(sha256_of(std::string("metadata"))));
  auto config = importer_.catalog->find_blob_by_git_oid(records_[0].snapshot.files[0].git_oid);
  ASSERT_TRUE(config && *config);  // git-served files are found by their blob id
  EXPECT_TRUE(importer_.store->contains(sha256_of(kWeights)));
  EXPECT_TRUE(visible());
}

TEST_F(ReplicaApplyTest, SecondApplyFetchesNothingAndKeepsTheSnapshot) {
  ASSERT_TRUE(apply());
  const int fetches = source_.fetches;
  auto again = apply();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(source_.fetches, fetches);
  EXPECT_EQ(again->blobs_present, 3u);
  EXPECT_EQ(again->snapshots_published, 0u);
}

TEST_F(ReplicaApplyTest, ABlobWithAChangedBytePublishesNothing) {
  std::string tampered = kWeights;
  tampered[500] = 'x';
  source_.replace(sha256_of(kWeights), tampered);
  auto applied = apply();
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, ErrorCode::kDigestMismatch);
  EXPECT_NE(applied.error().message.find(sha256_of(kWeights).hex()), std::string::npos);
  EXPECT_FALSE(visible());
  EXPECT_FALSE(importer_.store->contains(sha256_of(kWeights)));
}

TEST_F(ReplicaApplyTest, ALongerBlobIsRefused) {
  source_.replace(sha256_of(kWeights), kWeights + "more");
  auto applied = apply();
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, ErrorCode::kSizeMismatch);
  EXPECT_FALSE(visible());
}

TEST_F(ReplicaApplyTest, AWrongGitBlobIdIsRefused) {
  // A regular file's record names its git blob id; bytes of the right sha256 but a record whose
  // git id differs must not pass.
  records_[0].blobs[0].git_oid = *GitOid::from_hex(std::string(40, 'e'));
  auto applied = apply();
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, ErrorCode::kDigestMismatch);
  EXPECT_FALSE(visible());
}

TEST_F(ReplicaApplyTest, AnInterruptedBlobResumesFromItsPart) {
  source_.fail_after = std::make_pair(sha256_of(kWeights), std::size_t{40000});
  ASSERT_FALSE(apply());
  EXPECT_FALSE(visible());
  EXPECT_EQ(part_files(), 1u);
  source_.fail_after.reset();
  source_.offsets.clear();
  auto applied = apply();
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_TRUE(visible());
  // config.json came whole the first time; the weights continue at 40000 bytes.
  EXPECT_EQ(source_.offsets, (std::vector<std::uint64_t>{40000, 0}));
  EXPECT_EQ(part_files(), 0u);
}

TEST_F(ReplicaApplyTest, CancelStopsBeforePublishing) {
  std::atomic<bool> cancel{true};
  auto applied =
      replica::apply_records(records_, source_, *importer_.store, *importer_.catalog, &cancel);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, ErrorCode::kCancelled);
  EXPECT_FALSE(visible());
}

TEST_F(ReplicaApplyTest, AnAlreadyPublishedSnapshotOnlyMovesItsRefs) {
  ASSERT_TRUE(apply());
  records_[0].snapshot.refs = {"main", "stable"};
  records_[0].snapshot.info_json = R"({"changed":true})";
  ASSERT_TRUE(apply());
  auto stable = importer_.catalog->resolve_ref(kRepo, "stable");
  ASSERT_TRUE(stable && *stable);
  EXPECT_EQ(**stable, kCommit);
  auto snapshot = importer_.catalog->find_snapshot(kRepo, kCommit);
  EXPECT_EQ((*snapshot)->info_json, info_json_);
}

}  // namespace
}  // namespace mirrord
