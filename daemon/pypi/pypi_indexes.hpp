// One project read from several simple indexes of the same projects (a policy's `index = [...]`,
// README "Several upstreams"), merged into one page:
//   - every filename listed by any index is on it (a stale index does not hide newer files);
//   - its sha256 and details come from the first index (in the order given) that lists it with a
//     sha256; every other index listing the same filename with the same sha256 is another place
//     its bytes may come from (UpstreamFile::other_urls); an index listing it without a sha256,
//     or with another, is never one; when those listings disagree on the size, none is kept
//     (the sha256 decides, the size cap still bounds the download);
//   - two indexes listing different sha256 for one filename: the file is refused (`refusal` names
//     it and both claims) and never fetched nor published;
//   - an index that cannot be read (down, or without the project) is skipped while another has
//     the project; its failure joins the page's problems, which the sync logs.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/pypi/pypi_upstream.hpp"
#include "daemon/pypi/simple_page.hpp"
#include "storage/result.hpp"

namespace mirrord::pypi {

struct IndexPage {
  std::string index;  // the index URL, for messages
  UpstreamPage page;
};

// The merged page of pages read from indexes, in the order of `pages` (pure).
UpstreamPage merge_index_pages(const std::vector<IndexPage>& pages);

// Reads `project` from each of `indexes` and merges the pages. Fails only when no index could
// give the page: kNotFound when none has the project, else the first other failure.
Result<UpstreamPage> project_page_from_indexes(const PypiUpstream& upstream,
                                               const std::vector<std::string>& indexes,
                                               std::string_view project);

}  // namespace mirrord::pypi
