#include "daemon/catalog_generation.hpp"

namespace mirrord {

Result<std::int64_t> GenerationCatalog::publish_snapshot(const NewSnapshot& snapshot) {
  auto published = inner_->publish_snapshot(snapshot);
  // Bumped after a failure too: a failed commit may still have changed nothing or everything,
  // and a needless drop of the caches only costs a few queries.
  generation_->bump();
  return published;
}

}  // namespace mirrord
