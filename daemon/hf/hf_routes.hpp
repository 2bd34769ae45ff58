// The serving side of Hugging Face: every endpoint stock clients use (protocols/hf.md §3-§9),
// answered from the Catalog and the BlobStore only. Never contacts an upstream, never emits Xet
// headers or fields, never hands out an upstream URL. Builds every response from catalog values
// with an allow-list of headers.
#pragma once

#include <memory>
#include <string>

#include "daemon/http/message.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct HfRoutesOptions {
  std::string public_url;             // e.g. "http://127.0.0.1:8080" (absolute Link headers)
  std::size_t tree_page_size = 1000;  // entries per tree page before Link rel="next"
};

// Returns nullopt for requests that are not Hugging Face requests (so other ecosystems' routes
// can be chained after it).
http::Route make_hf_routes(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store,
                           HfRoutesOptions options);

}  // namespace mirrord
