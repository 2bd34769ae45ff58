// Reading an upstream PEP 503 project page (HTML): every <a href> becomes an UpstreamFile with
// its URL resolved against <base href> or the page URL, its "#sha256=" claim, and the data-*
// attributes of PEP 503/592/658/714 plus PyTorch's data-upload-time.
#pragma once

#include <string_view>

#include "daemon/pypi/simple_page.hpp"
#include "storage/result.hpp"

namespace mirrord::pypi {

// kInvalidInput only when the page declares an API major version other than 1 (PEP 629: a
// client must not read it); bad links are skipped and listed in UpstreamPage::problems.
Result<UpstreamPage> read_html_page(std::string_view html, std::string_view page_url);

}  // namespace mirrord::pypi
