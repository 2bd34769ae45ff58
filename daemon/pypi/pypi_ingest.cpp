#include "daemon/pypi/pypi_ingest.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

namespace mirrord::pypi {
namespace {

constexpr std::chrono::milliseconds kConflictWait{200};

using Writer = std::function<Status(BlobIngest&)>;

Result<BlobInfo> ingest_with(BlobStore& store, Catalog& catalog, const ExpectedContent& expected,
                             const Writer& write, const std::atomic<bool>* cancel) {
  for (;;) {
    MIRRORD_TRY_ASSIGN(auto reusable, find_stored(catalog, store, *expected.sha256));
    if (reusable) {
      return *reusable;
    }
    auto ingest = store.begin_ingest(expected);
    if (!ingest && ingest.error().code == ErrorCode::kConflict) {
      // Another pull is writing these very bytes: wait for it, then reuse its blob.
      if (cancel != nullptr && cancel->load()) {
        return make_error(ErrorCode::kCancelled, "cancelled");
      }
      std::this_thread::sleep_for(kConflictWait);
      continue;
    }
    if (!ingest) {
      return ingest.error();
    }
    Status written = write(**ingest);
    if (!written) {
      (*ingest)->discard();
      return written.error();
    }
    MIRRORD_TRY_ASSIGN(BlobInfo blob, (*ingest)->commit());
    MIRRORD_TRY(catalog.record_blob(blob));
    return blob;
  }
}

}  // namespace

Result<std::optional<BlobInfo>> find_stored(Catalog& catalog, const BlobStore& store,
                                            const Sha256& digest) {
  MIRRORD_TRY_ASSIGN(auto blob, catalog.find_blob(digest));
  if (blob && store.contains(digest)) {
    MIRRORD_TRY(catalog.record_blob(*blob));  // GC's grace period counts from this use
    return blob;
  }
  return std::optional<BlobInfo>();
}

Result<BlobInfo> ingest_fd(BlobStore& store, Catalog& catalog, int fd, std::uint64_t size,
                           const Sha256& digest, const std::atomic<bool>* cancel) {
  ExpectedContent expected;
  expected.size = size;
  expected.sha256 = digest;
  const Writer copy = [fd, size](BlobIngest& ingest) -> Status {
    std::vector<std::byte> buffer(1 << 20);
    // A resumed .part already holds a verified prefix: continue after it.
    for (std::uint64_t offset = ingest.offset(); offset < size;) {
      const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return make_error(ErrorCode::kIo, std::string("cannot read staged file: ") +
                                              (n < 0 ? std::strerror(errno) : "short file"));
      }
      MIRRORD_TRY(ingest.write(std::span(buffer.data(), static_cast<std::size_t>(n))));
      offset += static_cast<std::uint64_t>(n);
    }
    return {};
  };
  return ingest_with(store, catalog, expected, copy, cancel);
}

Result<BlobInfo> ingest_bytes(BlobStore& store, Catalog& catalog, std::string_view bytes,
                              const std::atomic<bool>* cancel) {
  ExpectedContent expected;
  expected.size = bytes.size();
  expected.sha256 = sha256_of(bytes);
  const Writer copy = [bytes](BlobIngest& ingest) -> Status {
    const std::string_view rest =
        bytes.substr(std::min<std::size_t>(ingest.offset(), bytes.size()));
    return ingest.write(std::as_bytes(std::span(rest.data(), rest.size())));
  };
  return ingest_with(store, catalog, expected, copy, cancel);
}

Result<std::string> read_blob(const BlobStore& store, const Sha256& digest,
                              std::uint64_t max_bytes) {
  MIRRORD_TRY_ASSIGN(OpenBlob blob, store.open(digest));
  if (blob.size > max_bytes) {
    return make_error(ErrorCode::kInvalidInput,
                      "blob " + digest.hex() + " is larger than expected");
  }
  std::string text(blob.size, '\0');
  for (std::size_t offset = 0; offset < text.size();) {
    const ssize_t n = ::pread(blob.fd.get(), text.data() + offset, text.size() - offset,
                              static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return make_error(ErrorCode::kIo, "cannot read blob " + digest.hex());
    }
    offset += static_cast<std::size_t>(n);
  }
  return text;
}

}  // namespace mirrord::pypi
