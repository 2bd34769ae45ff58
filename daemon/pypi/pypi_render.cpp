#include "daemon/pypi/pypi_render.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "daemon/http/message.hpp"
#include "daemon/pypi/html_text.hpp"
#include "policies/pypi_version.hpp"

namespace mirrord::pypi {
namespace {

using Json = nlohmann::json;

constexpr const char* kApiVersion = "1.1";

std::string dump(const Json& document) {
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// PEP 700 versions, oldest first by PEP 440 (unparseable ones, which filters never select, last).
std::vector<std::string> versions_of(const ProjectState& state) {
  std::vector<std::string> versions;
  for (const PublishedFile& file : state.files) {
    if (std::find(versions.begin(), versions.end(), file.version) == versions.end()) {
      versions.push_back(file.version);
    }
  }
  std::stable_sort(versions.begin(), versions.end(),
                   [](const std::string& a, const std::string& b) {
                     const auto x = Pep440Version::parse(a);
                     const auto y = Pep440Version::parse(b);
                     if (x && y) {
                       return compare_versions(*x, *y) < 0;
                     }
                     return x.has_value() && !y.has_value();
                   });
  return versions;
}

std::string html_head(const std::string& title) {
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
         "<meta name=\"pypi:repository-version\" content=\"" +
         std::string(kApiVersion) + "\"><title>" + escape_html(title) + "</title></head><body>\n";
}

Json file_json(const std::string& project, const PublishedFile& file) {
  Json entry = {{"filename", file.filename},
                {"url", file_url(project, file)},
                {"hashes", {{"sha256", file.sha256.hex()}}},
                {"size", file.size}};
  if (!file.requires_python.empty()) {
    entry["requires-python"] = file.requires_python;
  }
  if (file.core_metadata) {
    entry["core-metadata"] = {{"sha256", file.core_metadata->hex()}};
  }
  if (file.yanked) {
    entry["yanked"] = file.yanked->empty() ? Json(true) : Json(*file.yanked);
  }
  if (!file.upload_time.empty()) {
    entry["upload-time"] = file.upload_time;
  }
  // Index-reserved keys (leading '_'): upstream drift, for people and tools reading the JSON.
  if (file.delisted) {
    entry["_mirrord-delisted"] = true;
  }
  if (file.upstream_sha256) {
    entry["_mirrord-upstream-sha256"] = file.upstream_sha256->hex();
  }
  return entry;
}

}  // namespace

std::string file_url(const std::string& project, const PublishedFile& file) {
  return "../../files/" + project + "/" + file.sha256.hex() + "/" +
         http::percent_encode(file.filename, false);
}

std::string render_project_html(const ProjectState& state) {
  std::string html = html_head("Links for " + state.project);
  html += "<h1>Links for " + escape_html(state.project) + "</h1>\n";
  for (const PublishedFile& file : state.files) {
    html += "<a href=\"" + escape_html(file_url(state.project, file)) +
            "#sha256=" + file.sha256.hex() + "\"";
    if (!file.requires_python.empty()) {
      html += " data-requires-python=\"" + escape_html(file.requires_python) + "\"";
    }
    if (file.yanked) {
      html += " data-yanked=\"" + escape_html(*file.yanked) + "\"";
    }
    if (file.core_metadata) {
      html += " data-core-metadata=\"sha256=" + file.core_metadata->hex() + "\"";
    }
    html += ">" + escape_html(file.filename) + "</a><br>\n";
  }
  return html + "</body></html>\n";
}

std::string render_project_json(const ProjectState& state) {
  Json files = Json::array();
  for (const PublishedFile& file : state.files) {
    files.push_back(file_json(state.project, file));
  }
  const Json document = {{"meta", {{"api-version", kApiVersion}}},
                         {"name", state.project},
                         {"versions", versions_of(state)},
                         {"files", std::move(files)}};
  return dump(document);
}

std::string render_index_html(const std::vector<std::string>& projects) {
  std::string html = html_head("Simple index");
  for (const std::string& project : projects) {
    html += "<a href=\"" + escape_html(project) + "/\">" + escape_html(project) + "</a><br>\n";
  }
  return html + "</body></html>\n";
}

std::string render_index_json(const std::vector<std::string>& projects) {
  Json list = Json::array();
  for (const std::string& project : projects) {
    list.push_back({{"name", project}});
  }
  return dump({{"meta", {{"api-version", kApiVersion}}}, {"projects", std::move(list)}});
}

}  // namespace mirrord::pypi
