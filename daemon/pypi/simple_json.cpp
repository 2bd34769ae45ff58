#include "daemon/pypi/simple_json.hpp"

#include <nlohmann/json.hpp>

#include "daemon/pypi/pypi_url.hpp"

namespace mirrord::pypi {
namespace {

using Json = nlohmann::json;

Error invalid(std::string_view problem) {
  return make_error(ErrorCode::kInvalidInput, "JSON project page: " + std::string(problem));
}

// Counts brackets outside strings, so that a hostile "[[[[..." is refused before the parser
// builds (and later destroys) a deep tree.
bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) {
        return false;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

const Json* member(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const std::string* string_member(const Json& object, const char* key) {
  const Json* value = member(object, key);
  return value != nullptr && value->is_string() ? value->get_ptr<const std::string*>() : nullptr;
}

// Fills `file` from one files[] entry; returns the problem when the entry is unusable.
std::string read_entry(const Json& entry, std::string_view page_url, UpstreamFile& file) {
  if (!entry.is_object()) {
    return "a files[] entry is not an object";
  }
  const std::string* filename = string_member(entry, "filename");
  const std::string* url = string_member(entry, "url");
  if (filename == nullptr || url == nullptr) {
    return "a files[] entry lacks a string filename or url";
  }
  file.filename = *filename;
  const auto resolved = resolve_url(page_url, *url);
  if (!resolved) {
    return file.filename.substr(0, 120) + ": url is not a usable http(s) URL";
  }
  file.url = std::string(without_fragment(*resolved));
  if (const Json* hashes = member(entry, "hashes"); hashes != nullptr && hashes->is_object()) {
    if (const std::string* sha256 = string_member(*hashes, "sha256")) {
      const auto digest = Sha256::from_hex(*sha256);
      if (!digest) {
        return file.filename.substr(0, 120) + ": malformed hashes.sha256";
      }
      file.sha256 = *digest;
    }
  }
  if (const std::string* requires_python = string_member(entry, "requires-python")) {
    file.requires_python = *requires_python;
  }
  if (const Json* yanked = member(entry, "yanked")) {
    if (yanked->is_string()) {
      file.yanked = yanked->get<std::string>();
    } else if (yanked->is_boolean() && yanked->get<bool>()) {
      file.yanked = "";
    }
  }
  if (const Json* size = member(entry, "size"); size != nullptr && size->is_number_unsigned()) {
    file.size = size->get<std::uint64_t>();
  }
  if (const std::string* upload_time = string_member(entry, "upload-time")) {
    file.upload_time = normalize_upload_time(*upload_time);
  }
  return {};
}

}  // namespace

Result<UpstreamPage> read_json_page(std::string_view body, std::string_view page_url) {
  if (!nesting_within(body, kMaxJsonDepth)) {
    return invalid("nested more than 32 levels deep");
  }
  const Json document = Json::parse(body.begin(), body.end(), nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return invalid("not a JSON object");
  }
  if (const Json* meta = member(document, "meta"); meta != nullptr && meta->is_object()) {
    const std::string* version = string_member(*meta, "api-version");
    if (version != nullptr && !supported_api_version(*version)) {
      return invalid("api-version '" + version->substr(0, 20) + "' is not 1.x (PEP 629)");
    }
  }
  const Json* files = member(document, "files");
  if (files == nullptr || !files->is_array()) {
    return invalid("no files[] array");
  }
  PageBuilder page;
  for (const Json& entry : *files) {
    UpstreamFile file;
    if (const std::string problem = read_entry(entry, page_url, file); !problem.empty()) {
      page.problem(problem + "; skipped");
      continue;
    }
    page.add(std::move(file));
  }
  return page.finish();
}

}  // namespace mirrord::pypi
