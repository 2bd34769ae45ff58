// GitTarget: what a `source = "git"` policy mirrors (see policies/policy.hpp for the file format).
//
//   [[mirror]]
//   name = "linux"
//   source = "git"
//   url = "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git"
//   refs = ["refs/heads/master", "refs/tags/v6.*"]   # default: every branch and tag
//   allow_rewrite = false      # accept upstream history rewrites (forced updates); default false
//   lfs = true                 # also mirror the Git LFS objects of the mirrored refs; default true
//   lfs_url = "https://..."    # the upstream LFS endpoint; default derived from url
//
// Ref patterns use glob_match: "refs/heads/**" selects every branch, "v2.*" (no '/') matches
// against the short name too, so it selects the branch or tag "v2.1".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mirrord {

struct GitTarget {
  std::string url;                // upstream git URL: http://, https:// or git://
  std::vector<std::string> refs;  // ref patterns to mirror; empty: every branch and tag
  bool allow_rewrite = false;     // accept forced updates of published refs
  bool lfs = true;                // mirror the LFS objects the mirrored refs' tips point at
  std::string lfs_url;            // upstream LFS server (".../info/lfs"); empty: derived from url
  std::string name;               // the mirror's name; empty: the policy's name

  // The mirror's name: `name`, or the policy's name when `name` is empty.
  std::string mirror_name(const std::string& policy_name) const;
  // Canonical single-flight key, "git:" + the mirror's name.
  std::string key(const std::string& policy_name) const;
  // Whether the upstream ref `ref` (a full name such as "refs/heads/main") is mirrored.
  bool selects_ref(std::string_view ref) const;
  // The upstream LFS server URL: lfs_url, or the Git LFS convention for url (<url>.git/info/lfs;
  // https:// for git:// URLs).
  std::string lfs_server_url() const;
};

// The patterns used when a policy names none: every branch and every tag.
const std::vector<std::string>& default_git_ref_patterns();

// Empty when `url` is an acceptable upstream git URL (http, https or git scheme, a host, a path,
// no credentials, no whitespace, query or fragment); otherwise what is wrong with it.
std::string git_url_problem(std::string_view url);

// Mirror names: '/'-separated segments (at most 8, 200 characters in all), each made of letters,
// digits, '.', '_' and '-', starting with a letter or digit and not ending in ".git". Empty when
// acceptable; otherwise what is wrong.
std::string git_mirror_name_problem(std::string_view name);

// The mirror name of an ad-hoc "git:URL" target: host (':' of a port as '-') and path, without
// a trailing ".git"; other characters outside the name alphabet become '-'. Empty if no valid
// name can be derived.
std::string git_mirror_name_for_url(std::string_view url);

}  // namespace mirrord
