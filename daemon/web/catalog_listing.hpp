// CatalogListing: what the web catalog page shows, read from the catalog — one entry per
// mirrored model, dataset, PyPI project, apt archive and git repository, with its revision, size,
// licence, admission verdict, last sync and the exact client command that uses it.
//
// Pure data, no HTML: every string here is still raw (it may come from upstream) and is escaped
// by the renderer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/catalog.hpp"

namespace mirrord::web {

struct CatalogEntry {
  std::string name;      // repo id, project, archive or repository name
  std::string revision;  // the ref served (main, current, ...)
  std::string commit;
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::int64_t last_sync = 0;         // unix seconds the served snapshot was published
  std::string licence;                // empty: unknown
  std::string verdict;                // a one-line summary of the admission verdict; empty: none
  std::vector<std::string> snippets;  // shell lines that use it through this mirror
};

struct CatalogSection {
  std::string title;  // "Models", "Python packages", ...
  std::string id;     // HTML id
  std::vector<CatalogEntry> entries;
};

// Every section in display order (empty sections included). `public_url` has no trailing '/'.
Result<std::vector<CatalogSection>> load_catalog_listing(Catalog& catalog,
                                                         const std::string& public_url);

// "12 admitted, 1 refused; signature: verified" from a snapshot's verdict JSON; empty for "{}".
std::string summarize_verdict(const std::string& verdict_json);
// The licence ids a verdict names, else the "license" of the repo's metadata; empty if neither.
std::string licence_of(const std::string& verdict_json, const std::string& info_json);

}  // namespace mirrord::web
