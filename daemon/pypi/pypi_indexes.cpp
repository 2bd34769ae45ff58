#include "daemon/pypi/pypi_indexes.hpp"

#include <map>
#include <optional>

#include "daemon/fetch/url.hpp"

namespace mirrord::pypi {
namespace {

struct Listing {
  const std::string* index;
  const UpstreamFile* file;
};

// The listing the file's details come from: the first with a sha256 claim, else the first.
const Listing& primary_listing(const std::vector<Listing>& listings) {
  for (const Listing& listing : listings) {
    if (listing.file->sha256) {
      return listing;
    }
  }
  return listings.front();
}

UpstreamFile merge_listings(const std::vector<Listing>& listings) {
  const Listing& primary = primary_listing(listings);
  UpstreamFile merged = *primary.file;
  if (!merged.sha256) {
    return merged;  // nothing to compare other indexes' bytes with: the first index only
  }
  for (const Listing& listing : listings) {
    const UpstreamFile& file = *listing.file;
    if (&listing == &primary || !file.sha256) {
      continue;
    }
    if (*file.sha256 != *merged.sha256) {
      merged.refusal = "the indexes disagree on its sha256: " + redact_url(*primary.index) +
                       " lists " + merged.sha256->hex() + ", " + redact_url(*listing.index) +
                       " lists " + file.sha256->hex() + "; not published";
      merged.other_urls.clear();
      return merged;
    }
    if (file.url != merged.url) {
      merged.other_urls.push_back(file.url);
    }
    if (file.size != merged.size) {
      merged.size.reset();  // one of them is wrong about it; the sha256 decides
    }
  }
  return merged;
}

}  // namespace

UpstreamPage merge_index_pages(const std::vector<IndexPage>& pages) {
  std::vector<std::string> order;  // filenames by first appearance
  std::map<std::string, std::vector<Listing>> listings;
  UpstreamPage merged;
  for (const IndexPage& page : pages) {
    for (const UpstreamFile& file : page.page.files) {
      auto& seen = listings[file.filename];
      if (seen.empty()) {
        order.push_back(file.filename);
      }
      seen.push_back({&page.index, &file});
    }
    for (const std::string& problem : page.page.problems) {
      merged.problems.push_back((pages.size() > 1 ? redact_url(page.index) + ": " : std::string()) +
                                problem);
    }
  }
  for (const std::string& filename : order) {
    merged.files.push_back(merge_listings(listings[filename]));
  }
  return merged;
}

Result<UpstreamPage> project_page_from_indexes(const PypiUpstream& upstream,
                                               const std::vector<std::string>& indexes,
                                               std::string_view project) {
  std::vector<IndexPage> pages;
  std::vector<std::string> skipped;
  std::optional<Error> not_found;
  std::optional<Error> other;
  for (const std::string& index : indexes) {
    auto page = upstream.project_page(index, project);
    if (page) {
      pages.push_back({index, std::move(*page)});
      continue;
    }
    if (page.error().code == ErrorCode::kCancelled) {
      return page.error();
    }
    auto& kept = page.error().code == ErrorCode::kNotFound ? not_found : other;
    if (!kept) {
      kept = page.error();
    }
    skipped.push_back("index skipped: " + page.error().message);
  }
  if (pages.empty()) {
    return other ? *other : not_found.value_or(make_error(ErrorCode::kInvalidInput, "no index"));
  }
  UpstreamPage merged = merge_index_pages(pages);
  merged.problems.insert(merged.problems.end(), skipped.begin(), skipped.end());
  return merged;
}

}  // namespace mirrord::pypi
