// Releasing a quarantined file (`mirrorctl quarantine release ID REASON`): the one way refused
// content can be published, always with a recorded reason.
//
// The release is recorded with its reason and time; when the snapshot the file was withheld from
// is published, the file joins it, its verdict entry becomes "released" (with the reason), and the
// snapshot's manifest is rebuilt and signed again, all in one catalog transaction. Later pulls
// admit exactly this content at this path (same sha256) as released; other bytes are inspected.
#pragma once

#include <filesystem>

#include "storage/catalog.hpp"

namespace mirrord {

Result<QuarantineEntry> release_quarantined(Catalog& catalog, std::int64_t id,
                                            const std::string& reason,
                                            const std::filesystem::path& manifest_key_file);

}  // namespace mirrord
