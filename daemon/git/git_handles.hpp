// RAII owners for libgit2 objects, and the one place libgit2 errors become Error values.
//
// Every libgit2 call in daemon/git/ that can fail goes through git_check(), which turns the
// return code and git_error_last() into an Error naming what was being done. libgit2 is
// initialised once per process (git_init_once); objects of one git_repository are used by one
// thread at a time (libgit2's rule), so each job or request opens its own repository.
#pragma once

#include <git2.h>

#include <memory>
#include <string>
#include <string_view>

#include "storage/result.hpp"

namespace mirrord::git {

template <class T, void (*Free)(T*)>
struct GitDeleter {
  void operator()(T* object) const {
    if (object != nullptr) {
      Free(object);
    }
  }
};

template <class T, void (*Free)(T*)>
using GitHandle = std::unique_ptr<T, GitDeleter<T, Free>>;

using RepositoryHandle = GitHandle<git_repository, git_repository_free>;
using RemoteHandle = GitHandle<git_remote, git_remote_free>;
using ReferenceHandle = GitHandle<git_reference, git_reference_free>;
using ReferenceIteratorHandle = GitHandle<git_reference_iterator, git_reference_iterator_free>;
using ObjectHandle = GitHandle<git_object, git_object_free>;
using CommitHandle = GitHandle<git_commit, git_commit_free>;
using TreeHandle = GitHandle<git_tree, git_tree_free>;
using BlobHandle = GitHandle<git_blob, git_blob_free>;
using TreeBuilderHandle = GitHandle<git_treebuilder, git_treebuilder_free>;
using RevwalkHandle = GitHandle<git_revwalk, git_revwalk_free>;
using PackBuilderHandle = GitHandle<git_packbuilder, git_packbuilder_free>;
using OdbHandle = GitHandle<git_odb, git_odb_free>;
using SignatureHandle = GitHandle<git_signature, git_signature_free>;

// A git_buf that frees itself.
class GitBuffer {
 public:
  GitBuffer() = default;
  ~GitBuffer() { git_buf_dispose(&buf_); }
  GitBuffer(const GitBuffer&) = delete;
  GitBuffer& operator=(const GitBuffer&) = delete;
  git_buf* get() { return &buf_; }
  std::string_view view() const { return {buf_.ptr == nullptr ? "" : buf_.ptr, buf_.size}; }

 private:
  git_buf buf_ = GIT_BUF_INIT;
};

// Initialises libgit2 once for the process (thread-safe; never shut down).
void git_init_once();

// Ok when rc >= 0; otherwise an Error "<what>: <libgit2 message>". GIT_ENOTFOUND maps to
// kNotFound, GIT_EUSER (a callback asked to stop) to kCancelled, network-class failures to
// kUpstreamRetryable, everything else to `fallback`.
Status git_check(int rc, std::string_view what, ErrorCode fallback = ErrorCode::kInternal);

// The 40-hex form of an object id.
std::string oid_hex(const git_oid& oid);
// Parses exactly 40 hex characters.
Result<git_oid> parse_oid(std::string_view hex);

// Opens a bare repository, or creates it (with parent directories) when missing.
Result<RepositoryHandle> open_or_init_bare(const std::string& path);
Result<RepositoryHandle> open_bare(const std::string& path);

}  // namespace mirrord::git
