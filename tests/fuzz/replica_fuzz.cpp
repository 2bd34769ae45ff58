// Fuzzes what a mirror reads from another mirror or from a bundle (daemon/replica/,
// daemon/peers/): a signed snapshot record (`verify_record`; the input is signed with a key the
// target pins, so the checks behind the signature are what gets fuzzed), a bundle index
// (`parse_index`) and a peer's records answer (`parse_records_answer`). What verifies must be as
// safe as the checks promise: known kinds, valid names, commits, paths and refs.
//
// Input: one selector byte (0 record, 1 index, 2 records answer), then the bytes. Seeds:
// tests/fuzz/corpus/replica.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/peers/peer_client.hpp"
#include "daemon/replica/bundle_index.hpp"
#include "daemon/replica/record_checks.hpp"
#include "daemon/replica/snapshot_record.hpp"
#include "policies/inspect/signing_key.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace mirrord;

const SigningKey& fuzz_key() {
  static const SigningKey key = *SigningKey::generate();
  return key;
}

// A record names the key that signed it: make the named key the fuzz key's, so that inputs
// derived from a real record (the seeds) get past the signature to the field checks.
std::string named_as_fuzz_key(std::string_view bytes) {
  std::string text(bytes);
  constexpr std::string_view kField = "\"key_id\":\"";
  const auto at = text.find(kField);
  const std::string id = fuzz_key().key_id();
  if (at != std::string::npos && at + kField.size() + id.size() <= text.size()) {
    text.replace(at + kField.size(), id.size(), id);
  }
  return text;
}

void check_record(std::string_view input) {
  const std::string bytes = named_as_fuzz_key(input);
  const replica::SignedRecord record{bytes, fuzz_key().sign(bytes)};
  const auto verified = replica::verify_record(record, {fuzz_key().public_pem()});
  if (!verified) {
    FUZZ_CHECK(verified.error().code == ErrorCode::kInvalidInput);
    return;
  }
  const NewSnapshot& snapshot = verified->snapshot;
  FUZZ_CHECK(!replica::check_repo_kind(snapshot.repo.kind));
  FUZZ_CHECK(!replica::check_repo_name(snapshot.repo.name));
  FUZZ_CHECK(!replica::check_commit(snapshot.commit));
  for (const SnapshotFile& file : snapshot.files) {
    FUZZ_CHECK(!replica::check_file_path(file.path));
    FUZZ_CHECK(!replica::check_size(file.size));
  }
  for (const std::string& ref : snapshot.refs) {
    FUZZ_CHECK(!replica::check_ref(ref));
  }
  FUZZ_CHECK(verified->key_id == fuzz_key().key_id());
}

void check_index(std::string_view bytes) {
  const auto index = replica::parse_index(bytes);
  if (!index) {
    FUZZ_CHECK(index.error().code == ErrorCode::kInvalidInput);
    return;
  }
  // What parses serializes again and parses to the same records and blobs.
  const auto again = replica::parse_index(replica::serialize_index(*index));
  FUZZ_CHECK(again);
  FUZZ_CHECK(again->records.size() == index->records.size());
  FUZZ_CHECK(again->blobs.size() == index->blobs.size());
}

void check_records_answer(std::string_view bytes) {
  const auto records = peers::parse_records_answer(bytes);
  if (!records) {
    FUZZ_CHECK(records.error().code == ErrorCode::kInvalidInput);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      check_record(bytes);
      break;
    case 1:
      check_index(bytes);
      break;
    default:
      check_records_answer(bytes);
      break;
  }
  return 0;
}
