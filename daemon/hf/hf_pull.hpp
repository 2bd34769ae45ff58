// One Hugging Face pull, start to finish: plan the target's manifest upstream, select files by
// policy, reuse blobs the store already holds, fetch the rest (several at once), and publish the
// snapshot in one catalog transaction only when every selected file is verified. Any file that
// fails fails the pull; nothing of it is published (blobs already verified stay for reuse).
#pragma once

#include "daemon/hf/hf_source.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "policies/policy.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct HfPullDeps {
  const HfSource& source;
  BlobStore& store;
  Catalog& catalog;
  int parallel_files = 4;
};

Status run_hf_pull(const HfTarget& target, const HfPullDeps& deps, JobContext& context);

}  // namespace mirrord
