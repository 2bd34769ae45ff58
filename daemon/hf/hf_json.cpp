#include "daemon/hf/hf_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "storage/digest.hpp"

namespace mirrord {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxJsonDepth = 64;
constexpr std::size_t kMaxPathBytes = 1024;
constexpr std::size_t kMaxSegmentBytes = 255;
constexpr std::size_t kMaxRepoSegment = 96;
constexpr std::size_t kMaxMetaString = 256;
constexpr std::size_t kMaxTags = 256;
constexpr std::size_t kMaxTimestamp = 40;

Error invalid(std::string message) {
  return make_error(ErrorCode::kInvalidInput, std::move(message));
}

// Upstream text quoted in our messages: no control characters, bounded length.
std::string printable(std::string_view text) {
  std::string out;
  for (const char ch : text.substr(0, 200)) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(c < 0x20 || c == 0x7f ? '?' : ch);
  }
  return text.size() > 200 ? out + "..." : out;
}

// nlohmann parses iteratively, but a million nested arrays still cost memory and time for
// nothing: refuse deep nesting before parsing.
bool nesting_within(std::string_view body, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return false;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

Result<Json> parse_json(std::string_view body, std::string_view what) {
  if (!nesting_within(body, kMaxJsonDepth)) {
    return invalid(std::string(what) + ": JSON nested too deeply");
  }
  Json doc = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return invalid(std::string(what) + ": not valid JSON");
  }
  return doc;
}

const Json* member(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// Sizes are JSON integers >= 0 that fit in 64 bits; floats, strings and negatives are refused.
std::optional<std::uint64_t> as_size(const Json* value) {
  if (value == nullptr || !value->is_number_integer()) {
    return std::nullopt;
  }
  if (value->is_number_unsigned()) {
    return value->get<std::uint64_t>();
  }
  const auto signed_value = value->get<std::int64_t>();
  return signed_value < 0 ? std::nullopt : std::optional<std::uint64_t>(signed_value);
}

const std::string* as_string(const Json* value) {
  return value != nullptr && value->is_string() ? value->get_ptr<const std::string*>() : nullptr;
}

// Metadata text we are willing to re-serve: short, no control characters, not a URL.
bool is_plain_text(const std::string& text) {
  return !text.empty() && text.size() <= kMaxMetaString &&
         std::none_of(text.begin(), text.end(),
                      [](unsigned char c) { return c < 0x20 || c == 0x7f; }) &&
         text.find("://") == std::string::npos;
}

bool is_timestamp(const std::string& text) {
  return !text.empty() && text.size() <= kMaxTimestamp &&
         text.find_first_not_of("0123456789-:.TZ+") == std::string::npos;
}

void copy_bool(const Json& from, const char* key, Json& to) {
  if (const Json* value = member(from, key); value != nullptr && value->is_boolean()) {
    to[key] = *value;
  }
}

void copy_text(const Json& from, const char* key, Json& to, bool (*accept)(const std::string&)) {
  if (const std::string* text = as_string(member(from, key)); text != nullptr && accept(*text)) {
    to[key] = *text;
  }
}

Json allowed_metadata(const Json& doc) {
  Json out = Json::object();
  copy_bool(doc, "private", out);
  copy_bool(doc, "disabled", out);
  if (const Json* gated = member(doc, "gated"); gated != nullptr) {
    if (gated->is_boolean() || (gated->is_string() && (*gated == "auto" || *gated == "manual"))) {
      out["gated"] = *gated;
    }
  }
  copy_text(doc, "lastModified", out, is_timestamp);
  copy_text(doc, "createdAt", out, is_timestamp);
  copy_text(doc, "library_name", out, is_plain_text);
  copy_text(doc, "pipeline_tag", out, is_plain_text);
  if (const Json* tags = member(doc, "tags"); tags != nullptr && tags->is_array()) {
    Json kept = Json::array();
    for (const Json& tag : *tags) {
      if (const std::string* text = as_string(&tag);
          text != nullptr && is_plain_text(*text) && kept.size() < kMaxTags) {
        kept.push_back(*text);
      }
    }
    out["tags"] = std::move(kept);
  }
  if (const Json* card = member(doc, "cardData"); card != nullptr && card->is_object()) {
    if (const std::string* license = as_string(member(*card, "license"));
        license != nullptr && is_plain_text(*license)) {
      out["license"] = *license;
    }
  }
  return out;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

Result<HfRevisionInfo> parse_hf_revision(std::string_view body) {
  MIRRORD_TRY_ASSIGN(const Json doc, parse_json(body, "revision info"));
  if (!doc.is_object()) {
    return invalid("revision info: not a JSON object");
  }
  const std::string* id = as_string(member(doc, "id"));
  if (id == nullptr || !is_valid_repo_id(*id)) {
    return invalid("revision info: missing or malformed repo id");
  }
  const std::string* sha = as_string(member(doc, "sha"));
  if (sha == nullptr || !GitOid::from_hex(*sha)) {
    return invalid("revision info for " + *id + ": missing or malformed commit sha");
  }
  return HfRevisionInfo{*id, lower(*sha), allowed_metadata(doc).dump()};
}

namespace {

Result<ManifestEntry> parse_lfs_file(const Json& lfs, ManifestEntry entry) {
  const std::string where = "tree entry " + entry.path;
  if (!lfs.is_object()) {
    return invalid(where + ": lfs is not an object");
  }
  const std::string* oid_hex = as_string(member(lfs, "oid"));
  const auto sha256 = oid_hex != nullptr ? Sha256::from_hex(*oid_hex) : std::nullopt;
  if (!sha256) {
    return invalid(where + ": lfs.oid is not a sha256");
  }
  const auto size = as_size(member(lfs, "size"));
  if (!size || *size != entry.size) {
    return invalid(where + ": lfs.size differs from size");
  }
  if (const Json* pointer_size = member(lfs, "pointerSize"); pointer_size != nullptr) {
    if (as_size(pointer_size) != lfs_pointer_text(*sha256, *size).size()) {
      return invalid(where + ": lfs.pointerSize does not match the pointer");
    }
  }
  // The tree oid is the git id of the pointer file: rebuilding the pointer from (lfs.oid, size)
  // must give it back, or the listing contradicts itself.
  if (lfs_pointer_oid(*sha256, *size) != entry.tree_oid) {
    return invalid(where + ": lfs pointer does not hash to the tree oid " + entry.tree_oid.hex());
  }
  entry.lfs = true;
  entry.sha256 = *sha256;
  return entry;
}

// One element of a tree page: a file entry, nullopt for a (valid) directory entry.
Result<std::optional<ManifestEntry>> parse_tree_entry(const Json& item, std::size_t index) {
  if (!item.is_object()) {
    return invalid("tree entry #" + std::to_string(index) + " is not an object");
  }
  const std::string* path = as_string(member(item, "path"));
  if (path == nullptr) {
    return invalid("tree entry #" + std::to_string(index) + " has no path");
  }
  MIRRORD_TRY(check_repo_path(*path));
  const std::string where = "tree entry " + *path;
  const std::string* type = as_string(member(item, "type"));
  if (type != nullptr && *type == "directory") {
    return std::optional<ManifestEntry>();
  }
  if (type == nullptr || *type != "file") {
    return invalid(where + ": type is neither file nor directory");
  }
  const std::string* oid_hex = as_string(member(item, "oid"));
  const auto oid = oid_hex != nullptr ? GitOid::from_hex(*oid_hex) : std::nullopt;
  if (!oid) {
    return invalid(where + ": oid is not a 40-hex git id");
  }
  const auto size = as_size(member(item, "size"));
  if (!size) {
    return invalid(where + ": size is not a non-negative integer");
  }
  ManifestEntry entry{*path, *size, false, *oid, std::nullopt};
  const Json* lfs = member(item, "lfs");
  if (lfs == nullptr || lfs->is_null()) {
    return std::optional<ManifestEntry>(std::move(entry));
  }
  MIRRORD_TRY_ASSIGN(entry, parse_lfs_file(*lfs, std::move(entry)));
  return std::optional<ManifestEntry>(std::move(entry));
}

bool has_rel_next(std::string_view params) {
  std::size_t start = 0;
  while (start <= params.size()) {
    const auto end = std::min(params.find(';', start), params.size());
    std::string param = lower(std::string(params.substr(start, end - start)));
    param.erase(std::remove_if(param.begin(), param.end(),
                               [](char c) { return c == ' ' || c == '\t' || c == '"'; }),
                param.end());
    if (param == "rel=next") {
      return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace

Result<std::vector<ManifestEntry>> parse_hf_tree_page(std::string_view body) {
  MIRRORD_TRY_ASSIGN(const Json doc, parse_json(body, "tree page"));
  if (!doc.is_array()) {
    return invalid("tree page: not a JSON array");
  }
  std::vector<ManifestEntry> files;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    MIRRORD_TRY_ASSIGN(auto entry, parse_tree_entry(doc[i], i));
    if (entry) {
      files.push_back(std::move(*entry));
    }
  }
  return files;
}

Status check_repo_path(std::string_view path) {
  const auto refuse = [&](const char* why) {
    return invalid("unsafe path \"" + printable(path) + "\": " + why);
  };
  if (path.empty() || path.size() > kMaxPathBytes) {
    return refuse("empty or too long");
  }
  if (std::any_of(path.begin(), path.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return refuse("control character");
  }
  if (path.find('\\') != std::string_view::npos) {
    return refuse("backslash");
  }
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    const std::string_view segment = path.substr(start, slash - start);
    if (segment.empty()) {
      return refuse(start == 0 ? "absolute" : "empty segment");
    }
    if (segment == "." || segment == "..") {
      return refuse("dot segment");
    }
    if (segment.size() > kMaxSegmentBytes) {
      return refuse("segment too long");
    }
    if (slash == std::string_view::npos) {
      return {};
    }
    start = slash + 1;
  }
}

Status check_manifest_paths(const std::vector<ManifestEntry>& files) {
  std::set<std::string_view> paths;
  for (const auto& file : files) {
    if (!paths.insert(file.path).second) {
      return invalid("path listed twice: " + printable(file.path));
    }
  }
  for (const auto& file : files) {
    for (auto slash = file.path.find('/'); slash != std::string::npos;
         slash = file.path.find('/', slash + 1)) {
      if (paths.contains(std::string_view(file.path).substr(0, slash))) {
        return invalid("path is both a file and a directory: " +
                       printable(file.path.substr(0, slash)));
      }
    }
  }
  return {};
}

bool is_valid_repo_id(std::string_view id) {
  const auto valid_segment = [](std::string_view segment) {
    const auto allowed = [](unsigned char c) {
      return std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-';
    };
    return !segment.empty() && segment.size() <= kMaxRepoSegment &&
           std::all_of(segment.begin(), segment.end(), allowed) && segment.front() != '.' &&
           segment.front() != '-' && segment.back() != '.' && segment.back() != '-' &&
           segment.find("..") == std::string_view::npos;
  };
  const auto slash = id.find('/');
  if (slash == std::string_view::npos) {
    return valid_segment(id);
  }
  return valid_segment(id.substr(0, slash)) && valid_segment(id.substr(slash + 1));
}

std::optional<std::string> parse_link_next(std::string_view link_header) {
  std::size_t position = 0;
  while (true) {
    const auto open = link_header.find('<', position);
    const auto close = link_header.find('>', open);
    if (open == std::string_view::npos || close == std::string_view::npos) {
      return std::nullopt;
    }
    const auto following = link_header.find('<', close);
    const auto params = link_header.substr(close + 1, following - close - 1);
    if (has_rel_next(params.substr(0, params.rfind(',')))) {
      return std::string(link_header.substr(open + 1, close - open - 1));
    }
    position = close + 1;
  }
}

bool hf_refs_list_tag(std::string_view body, std::string_view revision) {
  auto doc = parse_json(body, "refs");
  if (!doc || !doc->is_object() || !doc->contains("tags") || !(*doc)["tags"].is_array()) {
    return false;
  }
  for (const Json& tag : (*doc)["tags"]) {
    const Json* name = tag.is_object() && tag.contains("name") ? &tag["name"] : nullptr;
    if (name != nullptr && name->is_string() &&
        (revision == name->get<std::string>() ||
         revision == "refs/tags/" + name->get<std::string>())) {
      return true;
    }
  }
  return false;
}

}  // namespace mirrord
