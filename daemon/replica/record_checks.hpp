// Checks of the fields of a snapshot record read from elsewhere (a bundle, a peer): each returns
// nullopt when the value is acceptable, else the reason it is not. Hostile values (absolute or
// `..` paths, control characters, oversized numbers) are refused here, before anything is
// stored or published.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mirrord::replica {

// Sizes beyond this (1 PiB) are not files but attacks on arithmetic.
inline constexpr std::uint64_t kMaxBlobSize = std::uint64_t{1} << 50;
// A record's text fields (info_json, verdict, manifest) stay below this.
inline constexpr std::size_t kMaxTextField = 64u << 20;

std::optional<std::string> check_repo_kind(std::string_view kind);
std::optional<std::string> check_repo_name(std::string_view name);
// A commit: 1 to 128 of [A-Za-z0-9._-], not starting with '.'.
std::optional<std::string> check_commit(std::string_view commit);
// A relative path of '/'-separated segments: no empty, '.' or '..' segment, no backslash, no
// control character, at most 4096 bytes.
std::optional<std::string> check_file_path(std::string_view path);
// A ref name: 1 to 255 bytes of [A-Za-z0-9._/+-], and a valid relative path.
std::optional<std::string> check_ref(std::string_view ref);
std::optional<std::string> check_size(std::uint64_t size);
// Text that must parse as a JSON object (info_json, verdict).
std::optional<std::string> check_json_object_text(std::string_view text);

}  // namespace mirrord::replica
