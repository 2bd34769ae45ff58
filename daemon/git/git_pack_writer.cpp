#include "daemon/git/git_pack_writer.hpp"

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include <utility>

#include "daemon/git/git_handles.hpp"

namespace mirrord::git {
namespace {

// Above every on-disk backend, so that writes land in memory.
constexpr int kMempackPriority = 999;

}  // namespace

Result<PackWriter> PackWriter::attach(git_repository* repo) {
  git_odb* odb = nullptr;
  MIRRORD_TRY(git_check(git_repository_odb(&odb, repo), "open object database"));
  OdbHandle odb_handle(odb);
  git_odb_backend* backend = nullptr;
  MIRRORD_TRY(git_check(git_mempack_new(&backend), "create an in-memory object store"));
  if (const int rc = git_odb_add_backend(odb, backend, kMempackPriority); rc < 0) {
    backend->free(backend);
    MIRRORD_TRY(git_check(rc, "attach an in-memory object store"));
  }
  return PackWriter(repo, odb_handle.release(), backend);
}

PackWriter::PackWriter(PackWriter&& other) noexcept
    : repo_(std::exchange(other.repo_, nullptr)),
      odb_(std::exchange(other.odb_, nullptr)),
      backend_(std::exchange(other.backend_, nullptr)) {}

PackWriter::~PackWriter() {
  if (odb_ != nullptr) {
    git_odb_free(odb_);  // the repository keeps its own reference, and with it the backend
  }
}

Status PackWriter::write() {
  GitBuffer pack;
  MIRRORD_TRY(git_check(git_mempack_dump(pack.get(), repo_, backend_), "build a pack"));
  git_odb_writepack* raw = nullptr;
  MIRRORD_TRY(git_check(git_odb_write_pack(&raw, odb_, nullptr, nullptr), "start a pack"));
  std::unique_ptr<git_odb_writepack, void (*)(git_odb_writepack*)> writer(
      raw, [](git_odb_writepack* w) { w->free(w); });
  git_indexer_progress stats{};
  MIRRORD_TRY(
      git_check(writer->append(writer.get(), pack.view().data(), pack.view().size(), &stats),
                "write a pack"));
  MIRRORD_TRY(git_check(writer->commit(writer.get(), &stats), "index a pack"));
  git_mempack_reset(backend_);
  return {};
}

}  // namespace mirrord::git
