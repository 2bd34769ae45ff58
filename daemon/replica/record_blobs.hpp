// The distinct blobs a snapshot record needs, derived from its files and extra blobs.
#pragma once

#include <vector>

#include "daemon/replica/snapshot_record.hpp"

namespace mirrord::replica {

// Each distinct sha256 once, in first-seen order (files, then extra blobs). A regular file's
// non-zero git_oid is the git blob id its content must hash to. kInvalidInput when one digest
// is listed with two sizes or two git blob ids.
Result<std::vector<RecordBlob>> blobs_of(const std::vector<SnapshotFile>& files,
                                         const std::vector<RecordBlob>& extra_blobs);

}  // namespace mirrord::replica
