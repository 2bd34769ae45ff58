#include "daemon/maintenance.hpp"

#include <cstdio>

#include "daemon/apt/apt_state.hpp"
#include "daemon/git/git_catalog.hpp"
#include "daemon/pypi/pypi_catalog.hpp"

namespace mirrord {
namespace {

std::string describe_bytes(std::uint64_t bytes) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.1f GiB (%llu bytes)",
                static_cast<double>(bytes) / static_cast<double>(1ull << 30),
                static_cast<unsigned long long>(bytes));
  return text;
}

Error quota_error(const std::string& which, std::uint64_t quota, std::uint64_t held,
                  std::uint64_t new_bytes) {
  return make_error(ErrorCode::kPolicy,
                    which + " of " + describe_bytes(quota) +
                        " would be exceeded: " + describe_bytes(held) +
                        " are stored and this pull would add " + describe_bytes(new_bytes) +
                        "; nothing was fetched. Raise the quota, lower `keep` and run "
                        "`mirrorctl gc`, or narrow the policy");
}

}  // namespace

RepoSelector repos_of(const Policy& policy) {
  if (policy.source == "pypi") {
    return RepoSelector{pypi::kRepoKind, policy.pypi.root_name(policy.name) + "/", true};
  }
  if (policy.source == "apt") {
    return RepoSelector{apt::kAptRepoKind, policy.name, false};
  }
  if (policy.source == "git") {
    return RepoSelector{git::kGitRepoKind, policy.name, false};
  }
  return RepoSelector{policy.hf.repo_type, policy.hf.repo, false};
}

RetentionRule retention_of(const Policy& policy) {
  return RetentionRule{repos_of(policy), policy.ops.keep, policy.ops.pins};
}

Status check_quotas(Catalog& catalog, const Policy& policy, QuotaLimits limits,
                    std::uint64_t new_bytes) {
  if (policy.ops.quota) {
    const RepoSelector repos = repos_of(policy);
    MIRRORD_TRY_ASSIGN(const std::uint64_t held, catalog.stored_bytes(&repos));
    if (held + new_bytes > *policy.ops.quota) {
      return quota_error("the quota of policy '" + policy.name + "'", *policy.ops.quota, held,
                         new_bytes);
    }
  }
  if (limits.store_quota > 0) {
    MIRRORD_TRY_ASSIGN(const std::uint64_t held, catalog.stored_bytes(nullptr));
    if (held + new_bytes > limits.store_quota) {
      return quota_error("the store's quota ([storage] quota)", limits.store_quota, held,
                         new_bytes);
    }
  }
  return {};
}

JobWork with_maintenance(JobWork work, const Policy& policy, std::shared_ptr<Catalog> catalog,
                         QuotaLimits limits) {
  return [work = std::move(work), policy, catalog = std::move(catalog),
          limits](JobContext& context) -> Status {
    context.set_plan_check([&policy, &catalog, limits](std::uint64_t new_bytes) {
      return check_quotas(*catalog, policy, limits, new_bytes);
    });
    MIRRORD_TRY(work(context));
    if (policy.ops.keep > 0) {
      GcRequest retention{{retention_of(policy)}, false, 0, false, nullptr};
      if (auto trimmed = catalog->collect_garbage(retention); !trimmed) {
        // The sync itself succeeded and is published; the next sync or GC retries this.
        std::fprintf(stderr, "mirrord: retention of %s failed: %s\n", policy.name.c_str(),
                     trimmed.error().message.c_str());
      }
    }
    return {};
  };
}

std::function<JobWork(const Policy&)> with_operations(std::function<JobWork(const Policy&)> make,
                                                      std::shared_ptr<Catalog> catalog,
                                                      QuotaLimits limits) {
  return [make = std::move(make), catalog = std::move(catalog), limits](const Policy& policy) {
    return with_maintenance(make(policy), policy, catalog, limits);
  };
}

Result<GcReport> run_gc(Catalog& catalog, BlobStore& store, const std::vector<Policy>& policies,
                        std::int64_t cutoff, bool dry_run) {
  GcRequest request{{}, true, cutoff, dry_run, &store};
  for (const Policy& policy : policies) {
    if (policy.ops.keep > 0) {
      request.retention.push_back(retention_of(policy));
    }
  }
  GcReport report;
  report.dry_run = dry_run;
  MIRRORD_TRY_ASSIGN(report.collected, catalog.collect_garbage(request));
  for (const GcBlob& blob : report.collected.blobs) {
    report.bytes += blob.size;
  }
  return report;
}

}  // namespace mirrord
