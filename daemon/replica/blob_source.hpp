// BlobSource: where the bytes of replicated blobs come from (a bundle directory, a tar, a peer
// mirror over HTTP). apply_records() verifies everything a source hands it, so a source needs
// no trust of its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "daemon/replica/snapshot_record.hpp"
#include "storage/result.hpp"

namespace mirrord::replica {

using BlobSink = std::function<Status(std::span<const std::byte>)>;

class BlobSource {
 public:
  virtual ~BlobSource() = default;
  // Streams the blob's bytes starting at `offset` into `sink`; stops at the sink's first error
  // and returns it.
  virtual Status fetch(const RecordBlob& blob, std::uint64_t offset, const BlobSink& sink) = 0;
};

}  // namespace mirrord::replica
