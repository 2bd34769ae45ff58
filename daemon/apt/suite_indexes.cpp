#include "daemon/apt/suite_indexes.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "daemon/apt/apt_blobs.hpp"
#include "daemon/apt/archive_mirrors.hpp"
#include "daemon/apt/decompress.hpp"

namespace mirrord::apt {
namespace {

constexpr std::array<std::string_view, 6> kIndexExtensions = {"",     ".xz",   ".gz",
                                                              ".bz2", ".lzma", ".zst"};
constexpr std::uint64_t kMaxUnlistedPlainBytes = 2ull << 30;

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

class SuiteIndexFetch {
 public:
  SuiteIndexFetch(const IndexContext& context, const UpstreamRelease& release)
      : context_(context), release_(release), prefix_("dists/" + release.suite + "/") {}

  // Fetches `path` when the Release lists it; nullopt when it is not listed or upstream does
  // not serve it.
  Result<std::optional<BlobInfo>> fetch_listed(const std::string& path) {
    const auto entry = release_.info.entries.find(path);
    if (entry == release_.info.entries.end()) {
      return std::optional<BlobInfo>();
    }
    ExpectedContent expected;
    expected.size = entry->second.size;
    expected.sha256 = entry->second.sha256;
    std::vector<std::string> paths;
    if (release_.info.acquire_by_hash) {
      paths.push_back(prefix_ + directory_of(path) + "by-hash/SHA256/" +
                      entry->second.sha256.hex());
    }
    paths.push_back(prefix_ + path);
    for (const std::string& relative : paths) {
      auto blob = obtain_from_mirrors(context_.upstream, context_.store, context_.catalog,
                                      context_.archive_urls, relative, expected, nullptr);
      if (blob) {
        MIRRORD_TRY(add_served(entry->second, *blob));
        return std::optional<BlobInfo>(*blob);
      }
      if (blob.error().code == ErrorCode::kDigestMismatch ||
          blob.error().code == ErrorCode::kSizeMismatch) {
        return make_error(blob.error().code,
                          prefix_ + path + ": " + blob.error().message +
                              " (the index does not match the signed Release; nothing was "
                              "published)");
      }
      if (blob.error().code != ErrorCode::kNotFound) {
        return make_error(blob.error().code, prefix_ + path + ": " + blob.error().message);
      }
    }
    return std::optional<BlobInfo>();
  }

  // Serves `blob` (already checked against the entry's size and SHA256) under its names.
  Status add_served(const ReleaseEntry& entry, const BlobInfo& blob) {
    const std::string directory = prefix_ + directory_of(entry.path);
    files_.push_back(snapshot_file(prefix_ + entry.path, blob));
    files_.push_back(snapshot_file(directory + "by-hash/SHA256/" + blob.sha256.hex(), blob));
    if (entry.sha512) {
      MIRRORD_TRY_ASSIGN(const std::string sha512, sha512_hex_of_blob(context_.store, blob.sha256));
      if (sha512 != *entry.sha512) {
        return make_error(ErrorCode::kDigestMismatch, prefix_ + entry.path + ": SHA512 " + sha512 +
                                                          " differs from the Release's " +
                                                          *entry.sha512);
      }
      files_.push_back(snapshot_file(directory + "by-hash/SHA512/" + sha512, blob));
    }
    return {};
  }

  // Every variant of <directory>Packages, checked for agreement, parsed into `packages`.
  Status fetch_packages(const std::string& directory, bool required,
                        std::vector<PackageEntry>& packages) {
    std::map<std::string, BlobInfo> variants;  // by path
    bool listed = false;
    for (std::string_view extension : kIndexExtensions) {
      const std::string path = directory + "Packages" + std::string(extension);
      listed = listed || release_.info.entries.contains(path);
      MIRRORD_TRY_ASSIGN(auto blob, fetch_listed(path));
      if (blob) {
        variants.emplace(path, *blob);
      }
    }
    if (variants.empty()) {
      if (!required && !listed) {
        return {};
      }
      return make_error(ErrorCode::kNotFound,
                        prefix_ + directory + "Packages: " +
                            (listed ? "upstream serves none of the variants its Release lists"
                                    : "not in the Release (check components and architectures)"));
    }
    MIRRORD_TRY_ASSIGN(const std::string text, plain_packages(directory, variants));
    return for_each_package(text, [&packages](PackageEntry&& entry) {
      packages.push_back(std::move(entry));
      return Status{};
    });
  }

  std::vector<SnapshotFile> take_files() { return std::move(files_); }

 private:
  // The uncompressed Packages text, after checking that every compressed variant decompresses
  // to the plain entry the Release lists (and serving that plain text when upstream did not).
  Result<std::string> plain_packages(const std::string& directory,
                                     std::map<std::string, BlobInfo>& variants) {
    const std::string plain_path = directory + "Packages";
    const auto plain_entry = release_.info.entries.find(plain_path);
    std::optional<std::string> plain;
    if (auto fetched = variants.find(plain_path); fetched != variants.end()) {
      MIRRORD_TRY_ASSIGN(plain,
                         read_blob(context_.store, fetched->second.sha256, fetched->second.size));
    }
    for (const auto& [path, blob] : variants) {
      if (path == plain_path) {
        continue;
      }
      const std::uint64_t cap = plain_entry != release_.info.entries.end()
                                    ? plain_entry->second.size
                                    : kMaxUnlistedPlainBytes;
      MIRRORD_TRY_ASSIGN(const std::string compressed,
                         read_blob(context_.store, blob.sha256, blob.size));
      auto text = decompress(compressed, cap);
      if (!text) {
        return make_error(text.error().code, prefix_ + path + ": " + text.error().message);
      }
      if (plain_entry != release_.info.entries.end()) {
        const ReleaseEntry& expected = plain_entry->second;
        if (text->size() != expected.size || sha256_of(*text) != expected.sha256) {
          return make_error(
              ErrorCode::kDigestMismatch,
              prefix_ + path + " does not decompress to the " + plain_path + " the Release lists");
        }
        if (!plain) {
          MIRRORD_TRY_ASSIGN(const BlobInfo stored,
                             store_bytes(context_.store, context_.catalog, *text));
          MIRRORD_TRY(add_served(expected, stored));
        }
      }
      if (!plain) {
        plain = std::move(text).value();
      }
    }
    return std::move(*plain);
  }

  const IndexContext& context_;
  const UpstreamRelease& release_;
  const std::string prefix_;
  std::vector<SnapshotFile> files_;
};

}  // namespace

std::vector<std::string> index_architectures(const ReleaseInfo& info, const AptTarget& target) {
  std::vector<std::string> architectures = target.architectures;
  if (contains(info.architectures, "all") && !info.no_arch_all_packages &&
      !contains(architectures, "all")) {
    architectures.push_back("all");
  }
  return architectures;
}

Result<SuiteIndexes> fetch_suite_indexes(const IndexContext& context,
                                         const UpstreamRelease& release, const AptTarget& target) {
  SuiteIndexFetch fetch(context, release);
  SuiteIndexes indexes;
  for (const std::string& component : target.components) {
    if (!release.info.components.empty() && !contains(release.info.components, component)) {
      return make_error(ErrorCode::kNotFound, "dists/" + release.suite + ": component '" +
                                                  component +
                                                  "' is not in the Release's "
                                                  "Components");
    }
    for (const std::string& architecture : index_architectures(release.info, target)) {
      const std::string directory = component + "/binary-" + architecture + "/";
      const bool required = contains(target.architectures, architecture);
      MIRRORD_TRY(fetch.fetch_packages(directory, required, indexes.packages));
      MIRRORD_TRY(fetch.fetch_listed(directory + "Release"));
    }
    for (std::string_view extension : kIndexExtensions) {
      MIRRORD_TRY(fetch.fetch_listed(component + "/i18n/Translation-en" + std::string(extension)));
    }
  }
  indexes.files = fetch.take_files();
  return indexes;
}

}  // namespace mirrord::apt
