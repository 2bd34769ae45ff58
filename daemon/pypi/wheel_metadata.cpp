#include "daemon/pypi/wheel_metadata.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cctype>
#include <memory>

#include "policies/pypi_names.hpp"

namespace mirrord::pypi {
namespace {

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveCloser>;

constexpr std::string_view kDistInfo = ".dist-info";
constexpr std::string_view kMetadata = "/METADATA";

Error invalid(std::string problem) {
  return make_error(ErrorCode::kInvalidInput, "wheel METADATA: " + std::move(problem));
}

// "<dir>.dist-info" of a path "<dir>.dist-info/METADATA" at the top level; nullopt otherwise.
std::optional<std::string_view> dist_info_dir(std::string_view path) {
  if (!path.ends_with(kMetadata)) {
    return std::nullopt;
  }
  const std::string_view dir = path.substr(0, path.size() - kMetadata.size());
  if (dir.find('/') != std::string_view::npos || !dir.ends_with(kDistInfo) ||
      dir.size() == kDistInfo.size()) {
    return std::nullopt;
  }
  return dir;
}

bool dir_matches_wheel(std::string_view dir, const DistFilename& wheel) {
  const std::string_view stem = dir.substr(0, dir.size() - kDistInfo.size());
  const std::size_t dash = stem.rfind('-');
  if (dash == std::string_view::npos) {
    return false;
  }
  if (normalize_project_name(stem.substr(0, dash)) != normalize_project_name(wheel.distribution)) {
    return false;
  }
  const std::string_view version = stem.substr(dash + 1);
  if (version == wheel.version_text) {
    return true;
  }
  const auto parsed = Pep440Version::parse(version);
  return parsed && wheel.version && compare_versions(*parsed, *wheel.version) == 0;
}

Result<std::string> read_entry_data(archive* a, la_int64_t declared_size) {
  if (declared_size > static_cast<la_int64_t>(kMaxMetadataBytes)) {
    return invalid("METADATA is larger than 16 MiB");
  }
  std::string data;
  char buffer[16384];
  for (;;) {
    const la_ssize_t n = archive_read_data(a, buffer, sizeof(buffer));
    if (n < 0) {
      return invalid(std::string("cannot read METADATA: ") + archive_error_string(a));
    }
    if (n == 0) {
      return data;
    }
    if (data.size() + static_cast<std::size_t>(n) > kMaxMetadataBytes) {
      return invalid("METADATA is larger than 16 MiB");
    }
    data.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<std::string> extract_wheel_metadata(int fd, const DistFilename& wheel) {
  ArchivePtr reader(archive_read_new());
  if (!reader) {
    return make_error(ErrorCode::kInternal, "archive_read_new failed");
  }
  archive_read_support_format_zip_seekable(reader.get());
  if (archive_read_open_fd(reader.get(), fd, 65536) != ARCHIVE_OK) {
    return invalid(std::string("not a readable ZIP: ") + archive_error_string(reader.get()));
  }
  std::optional<std::string> metadata;
  std::string found_dir;
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) {
      break;
    }
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
      return invalid(std::string("broken ZIP: ") + archive_error_string(reader.get()));
    }
    const char* path = archive_entry_pathname(entry);
    const auto dir = path == nullptr ? std::nullopt : dist_info_dir(path);
    if (!dir) {
      continue;
    }
    if (metadata) {
      return invalid("several .dist-info/METADATA files (" + found_dir + ", " + std::string(*dir) +
                     ")");
    }
    if (!dir_matches_wheel(*dir, wheel)) {
      return invalid(std::string(*dir) + " does not match the wheel's name and version");
    }
    found_dir = std::string(*dir);
    const la_int64_t size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
    MIRRORD_TRY_ASSIGN(metadata, read_entry_data(reader.get(), size));
  }
  if (!metadata) {
    return invalid("no .dist-info/METADATA in the wheel");
  }
  return std::move(*metadata);
}

CoreMetadata parse_core_metadata(std::string_view text) {
  CoreMetadata result;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (trim(line).empty()) {
      break;  // the body (long description) follows
    }
    if (line.front() == ' ' || line.front() == '\t') {
      continue;  // a continuation of a field we do not read
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    const std::string_view key = trim(line.substr(0, colon));
    const std::string value(trim(line.substr(colon + 1)));
    if (equals_nocase(key, "Name") && result.name.empty()) {
      result.name = value;
    } else if (equals_nocase(key, "Version") && result.version.empty()) {
      result.version = value;
    } else if (equals_nocase(key, "Requires-Python") && !result.requires_python) {
      result.requires_python = value;
    } else if (equals_nocase(key, "Requires-Dist")) {
      result.requires_dist.push_back(value);
    }
  }
  return result;
}

}  // namespace mirrord::pypi
