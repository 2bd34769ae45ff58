#include "daemon/replica/apt_resign.hpp"

#include <algorithm>

#include "daemon/apt/apt_pull.hpp"
#include "daemon/apt/apt_state.hpp"
#include "daemon/apt/served_release.hpp"
#include "policies/apt_target.hpp"

namespace mirrord::replica {
namespace {

// How long the record's Release stayed valid; the policy default when it names no Valid-Until.
std::int64_t valid_seconds(const apt::SuiteState& suite) {
  if (suite.served_valid_until && *suite.served_valid_until > suite.served_date) {
    return *suite.served_valid_until - suite.served_date;
  }
  return AptTarget{}.resign_valid_days * 86400;
}

// Upstream's signed text of `suite`, checked against the digest the record's state names.
Result<std::string> evidence_text(const NewSnapshot& snapshot, const std::string& suite_name,
                                  const apt::SuiteState& suite, const BlobStore& store) {
  MIRRORD_TRY_ASSIGN(std::string text, apt::held_signed_text(store, snapshot.files, suite_name));
  if (sha256_of(text).hex() != suite.signed_text_sha256) {
    return make_error(ErrorCode::kInvalidInput, "apt snapshot " + snapshot.commit + ": " +
                                                    apt::signed_text_path(suite_name) +
                                                    " is not the signed text its state names");
  }
  return text;
}

// The Date this mirror last served for each suite of the policy (0 when it serves none).
Result<std::int64_t> last_served_here(Catalog& catalog, const std::string& policy,
                                      const std::string& suite) {
  MIRRORD_TRY_ASSIGN(const auto current, apt::load_current(catalog, policy));
  if (!current) {
    return std::int64_t{0};
  }
  const auto found = current->state.suites.find(suite);
  return found == current->state.suites.end() ? 0 : found->second.served_date;
}

Status resign_suite(NewSnapshot& snapshot, const std::string& name, apt::SuiteState& suite,
                    const AptResignContext& context) {
  MIRRORD_TRY_ASSIGN(const std::string text, evidence_text(snapshot, name, suite, context.store));
  MIRRORD_TRY_ASSIGN(const std::int64_t last,
                     last_served_here(context.catalog, snapshot.repo.name, name));
  MIRRORD_TRY_ASSIGN(const std::int64_t date, apt::next_served_date(last, context.now));
  const std::int64_t valid_until = date + valid_seconds(suite);
  MIRRORD_TRY_ASSIGN(auto served,
                     apt::resigned_release_files(apt::ReleaseStore{context.store, context.catalog},
                                                 context.key, name, text, date, valid_until));
  std::erase_if(snapshot.files, [&](const SnapshotFile& file) {
    return apt::is_served_release_file(file.path, name);
  });
  snapshot.files.insert(snapshot.files.end(), served.begin(), served.end());
  suite.served_date = date;
  suite.served_valid_until = valid_until;
  return {};
}

}  // namespace

Status resign_apt_snapshot(NewSnapshot& snapshot, const AptResignContext& context) {
  if (snapshot.repo.kind != apt::kAptRepoKind) {
    return {};
  }
  MIRRORD_TRY_ASSIGN(apt::AptRepoState state, apt::state_from_json(snapshot.info_json));
  if (state.mode != "resign") {
    return {};
  }
  MIRRORD_TRY_ASSIGN(const auto published,
                     context.catalog.find_snapshot(snapshot.repo, snapshot.commit));
  if (published) {
    return {};  // published snapshots are immutable: publishing it again only moves its refs
  }
  for (auto& [name, suite] : state.suites) {
    MIRRORD_TRY(resign_suite(snapshot, name, suite, context));
  }
  std::sort(snapshot.files.begin(), snapshot.files.end(),
            [](const SnapshotFile& a, const SnapshotFile& b) { return a.path < b.path; });
  state.content_id = apt::content_id_of(snapshot.files, state);
  snapshot.info_json = apt::state_to_json(state);
  return {};
}

std::function<Status(VerifiedRecord&)> apt_resign_step(std::shared_ptr<BlobStore> store,
                                                       std::shared_ptr<Catalog> catalog,
                                                       const std::filesystem::path& storage_root) {
  auto key = std::make_shared<const apt::MirrorKey>(apt::mirror_gnupg_home(storage_root));
  return [store, catalog, key](VerifiedRecord& record) -> Status {
    return resign_apt_snapshot(record.snapshot,
                               AptResignContext{*store, *catalog, *key, apt::unix_now});
  };
}

}  // namespace mirrord::replica
