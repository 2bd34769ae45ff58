// Hugging Face answers of an offline daemon (protocols/hf.md §5, README "When the outside is cut
// off"). A repo or revision the mirror does not hold may well exist upstream, and an offline
// mirror cannot ask: RepoNotFound and RevisionNotFound become 503 with Retry-After, which
// huggingface_hub treats as a network failure and answers from its local cache. EntryNotFound
// stays: a file absent at a commit the mirror holds is known to be absent.
#pragma once

#include "daemon/http/message.hpp"

namespace mirrord::hf {

http::Route unknown_is_unavailable(http::Route routes);

}  // namespace mirrord::hf
