// One Hugging Face pull, start to finish: plan the target's manifest upstream, select files by
// policy, reuse blobs the store already holds, fetch the rest (several at once), inspect each
// verified file (HfAdmitter: pickles, safetensors/GGUF, remote code, model.sig, licence), and
// publish the admitted files in one catalog transaction only when every selected file is verified
// and the policy admits the snapshot. A file that fails to download fails the pull; a file whose
// content is refused goes to quarantine and is left out of the snapshot (or fails the pull, under
// on_refusal = "fail"). Blobs already verified stay for reuse either way.
#pragma once

#include <filesystem>

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
  // The mirror's manifest-signing key (created when missing); empty: manifests are not signed.
  std::filesystem::path manifest_key_file;
};

Status run_hf_pull(const HfTarget& target, const HfPullDeps& deps, JobContext& context);

}  // namespace mirrord
