// Rendering the mirror's own index pages from catalog state: the project list and project pages
// in PEP 503 HTML and PEP 691 JSON (API 1.1: PEP 700 versions and sizes, PEP 714 core-metadata).
// Both representations of a page come from the same ProjectState, so they always agree.
//
// File URLs are relative to the project page ("../../files/<project>/<sha256>/<file>"), so the
// mirror works behind any path prefix, and point only at the mirror: never at an upstream.
#pragma once

#include <string>
#include <vector>

#include "daemon/pypi/project_state.hpp"

namespace mirrord::pypi {

// The relative URL of a file as linked from its project page (filename percent-encoded, so
// "+" is "%2B").
std::string file_url(const std::string& project, const PublishedFile& file);

std::string render_project_html(const ProjectState& state);
std::string render_project_json(const ProjectState& state);
std::string render_index_html(const std::vector<std::string>& projects);
std::string render_index_json(const std::vector<std::string>& projects);

}  // namespace mirrord::pypi
