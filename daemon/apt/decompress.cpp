#include "daemon/apt/decompress.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <memory>

namespace mirrord::apt {
namespace {

struct ArchiveCloser {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
using ArchiveHandle = std::unique_ptr<archive, ArchiveCloser>;

Error archive_error(archive* handle, const std::string& what) {
  const char* message = archive_error_string(handle);
  return make_error(ErrorCode::kInvalidInput,
                    what + ": " + (message != nullptr ? message : "unknown libarchive error"));
}

}  // namespace

std::string_view compression_extension(std::string_view path) {
  constexpr std::array<std::string_view, 5> kExtensions = {".gz", ".xz", ".bz2", ".lzma", ".zst"};
  for (std::string_view extension : kExtensions) {
    if (path.ends_with(extension)) {
      return extension;
    }
  }
  return {};
}

Result<std::string> decompress(std::string_view data, std::uint64_t max_bytes) {
  ArchiveHandle handle(archive_read_new());
  if (!handle) {
    return make_error(ErrorCode::kInternal, "archive_read_new failed");
  }
  archive_read_support_filter_all(handle.get());
  archive_read_support_format_raw(handle.get());
  if (archive_read_open_memory(handle.get(), data.data(), data.size()) != ARCHIVE_OK) {
    return archive_error(handle.get(), "cannot open compressed index");
  }
  archive_entry* entry = nullptr;
  if (archive_read_next_header(handle.get(), &entry) != ARCHIVE_OK) {
    return archive_error(handle.get(), "cannot read compressed index");
  }
  std::string out;
  std::array<char, 65536> buffer{};
  for (;;) {
    const la_ssize_t got = archive_read_data(handle.get(), buffer.data(), buffer.size());
    if (got < 0) {
      return archive_error(handle.get(), "corrupt compressed index");
    }
    if (got == 0) {
      return out;
    }
    if (out.size() + static_cast<std::uint64_t>(got) > max_bytes) {
      return make_error(ErrorCode::kSizeMismatch,
                        "index decompresses to more than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buffer.data(), static_cast<std::size_t>(got));
  }
}

}  // namespace mirrord::apt
