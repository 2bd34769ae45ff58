#include "daemon/git/git_published_refs.hpp"

#include <algorithm>

#include "daemon/git/git_fetch.hpp"
#include "daemon/git/git_handles.hpp"

namespace mirrord::git {
namespace {

std::optional<std::string> peel_hex(git_object* object, git_object_t type) {
  git_object* raw = nullptr;
  if (git_object_peel(&raw, object, type) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  ObjectHandle peeled(raw);
  return oid_hex(*git_object_id(peeled.get()));
}

Result<PublishedRef> describe(git_repository* repo, const std::string& name, const git_oid& oid) {
  PublishedRef ref{name, oid_hex(oid), std::nullopt, std::nullopt};
  git_object* raw = nullptr;
  MIRRORD_TRY(
      git_check(git_object_lookup(&raw, repo, &oid, GIT_OBJECT_ANY), "read the object of " + name));
  ObjectHandle object(raw);
  if (git_object_type(object.get()) == GIT_OBJECT_TAG) {
    // Fully peeled, as git's own info/refs writes it: a tag of a tag lists the final object.
    git_object* target = nullptr;
    if (git_tag_peel(&target, reinterpret_cast<git_tag*>(object.get())) == 0) {
      ObjectHandle target_handle(target);
      ref.peeled = oid_hex(*git_object_id(target_handle.get()));
    } else {
      git_error_clear();
    }
  }
  ref.commit = peel_hex(object.get(), GIT_OBJECT_COMMIT);
  return ref;
}

}  // namespace

Result<std::vector<PublishedRef>> list_published_refs(git_repository* repo) {
  git_reference_iterator* raw = nullptr;
  MIRRORD_TRY(git_check(git_reference_iterator_new(&raw, repo), "list refs"));
  ReferenceIteratorHandle iterator(raw);
  std::vector<PublishedRef> refs;
  git_reference* next = nullptr;
  int rc = 0;
  while ((rc = git_reference_next(&next, iterator.get())) == 0) {
    ReferenceHandle ref(next);
    const std::string name = git_reference_name(ref.get());
    const git_oid* target = git_reference_target(ref.get());
    if (target == nullptr || name.starts_with(kPrivatePrefix) || !name.starts_with("refs/")) {
      continue;
    }
    MIRRORD_TRY_ASSIGN(PublishedRef published, describe(repo, name, *target));
    refs.push_back(std::move(published));
  }
  if (rc != GIT_ITEROVER) {
    MIRRORD_TRY(git_check(rc, "list refs"));
  }
  git_error_clear();
  std::sort(refs.begin(), refs.end(),
            [](const PublishedRef& a, const PublishedRef& b) { return a.name < b.name; });
  return refs;
}

}  // namespace mirrord::git
