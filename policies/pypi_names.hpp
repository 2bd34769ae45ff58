// Python project names (PEP 503 / PEP 508): validity and the normalized form that index URLs,
// catalog names and comparisons use. Shared by the policy parser and the PyPI ecosystem.
#pragma once

#include <string>
#include <string_view>

namespace mirrord {

// Lower case, every run of '-', '_' and '.' replaced by one '-': "Foo__Bar.baz" -> "foo-bar-baz".
std::string normalize_project_name(std::string_view name);

// Empty when `name` is a valid project name (ASCII letters and digits, with '-', '_' and '.'
// inside, at most 128 characters); otherwise what is wrong with it.
std::string project_name_problem(std::string_view name);

}  // namespace mirrord
