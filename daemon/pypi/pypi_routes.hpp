// The serving side of PyPI-style indexes (protocols/pypi.md §1-§7), from the Catalog and the
// BlobStore only:
//   /pypi/<root>/simple/                         project list   (HTML or JSON, negotiated)
//   /pypi/<root>/simple/<project>/               project page   (HTML or JSON, negotiated)
//   /pypi/<root>/files/<project>/<sha256>/<file>             a distribution, by digest
//   /pypi/<root>/files/<project>/<sha256>/<file>.metadata    its core metadata (PEP 658)
// Pages carry Vary: Accept and a strong ETag of their bytes; a URL without its trailing slash is
// redirected (301), an unnormalized project name too. Files are served by digest with ranges,
// and only when the project's current page lists that file with that digest.
#pragma once

#include <memory>

#include "daemon/http/message.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::pypi {

// Claims every request under /pypi/; nullopt for anything else.
http::Route make_pypi_routes(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store);

}  // namespace mirrord::pypi
