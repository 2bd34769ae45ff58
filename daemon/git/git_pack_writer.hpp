// Writing new objects as one pack instead of loose files.
//
// While a PackWriter is alive, every object written through `repo` goes to an in-memory backend;
// write() turns exactly those objects into one pack (with its index) under objects/pack. A dumb-
// HTTP client then downloads them in one request instead of one per object.
#pragma once

#include <git2.h>

#include "storage/result.hpp"

namespace mirrord::git {

class PackWriter {
 public:
  // Attaches the in-memory backend to `repo`'s object database.
  static Result<PackWriter> attach(git_repository* repo);
  PackWriter(PackWriter&& other) noexcept;
  PackWriter& operator=(PackWriter&&) = delete;
  PackWriter(const PackWriter&) = delete;
  ~PackWriter();

  // Packs every object written since attach (or the last write) into objects/pack.
  Status write();

 private:
  PackWriter(git_repository* repo, git_odb* odb, git_odb_backend* backend)
      : repo_(repo), odb_(odb), backend_(backend) {}
  git_repository* repo_ = nullptr;
  git_odb* odb_ = nullptr;              // owned reference
  git_odb_backend* backend_ = nullptr;  // owned by odb_ once added
};

}  // namespace mirrord::git
