// The web catalog page: one self-contained HTML document (inline CSS, no script, no external
// asset, so it works offline and under a strict Content-Security-Policy) listing what the mirror
// serves and how to use each item.
//
// Every string that comes from the catalog (repo names, licences, verdicts, snippets) is
// HTML-escaped: upstream names are hostile input.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/catalog_generation.hpp"
#include "daemon/http/message.hpp"
#include "daemon/web/catalog_listing.hpp"
#include "storage/catalog.hpp"

namespace mirrord::web {

// The whole page for `sections`; `public_url` is shown in the header.
std::string render_catalog_page(const std::vector<CatalogSection>& sections,
                                const std::string& public_url);

// GET/HEAD of "/", "/ui" and "/ui/". The page is rendered from the catalog once and kept until
// the catalog generation changes (a publish), like the other hot metadata.
http::Route make_catalog_page_route(std::shared_ptr<Catalog> catalog, std::string public_url);

}  // namespace mirrord::web
