#include "daemon/pypi/html_scan.hpp"

#include <algorithm>

#include "daemon/pypi/html_text.hpp"

namespace mirrord::pypi {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
bool is_name_start(char c) {
  return (lower(c) >= 'a' && lower(c) <= 'z');
}

bool starts_with_nocase(std::string_view text, std::size_t at, std::string_view prefix) {
  if (text.size() - at < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[at + i]) != prefix[i]) {
      return false;
    }
  }
  return true;
}

// Position of `needle` (lower case) in `text` from `from`, ignoring case; npos when absent.
std::size_t find_nocase(std::string_view text, std::size_t from, std::string_view needle) {
  for (std::size_t at = text.find('<', from); at != std::string_view::npos;
       at = text.find('<', at + 1)) {
    if (starts_with_nocase(text, at, needle)) {
      return at;
    }
  }
  return std::string_view::npos;
}

std::string trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

struct Tag {
  std::string name;  // lower case
  std::vector<std::pair<std::string, std::string>> attributes;
  std::size_t end = 0;  // just past '>'
};

class Scanner {
 public:
  explicit Scanner(std::string_view html) : html_(html) {}

  HtmlScan run() {
    std::size_t pos = 0;
    while (pos < html_.size() && !result_.truncated) {
      const std::size_t lt = html_.find('<', pos);
      if (lt == std::string_view::npos) {
        break;
      }
      pos = step(lt);
    }
    return std::move(result_);
  }

 private:
  // Handles the markup starting at `lt`; returns where to continue (always > lt, or the end).
  std::size_t step(std::size_t lt) {
    if (html_.compare(lt, 4, "<!--") == 0) {
      return skip_to_after(lt + 4, "-->");
    }
    if (html_.compare(lt, 2, "<!") == 0 || html_.compare(lt, 2, "<?") == 0 ||
        html_.compare(lt, 2, "</") == 0) {
      return skip_to_after(lt + 2, ">");
    }
    if (lt + 1 >= html_.size() || !is_name_start(html_[lt + 1])) {
      return lt + 1;  // a stray '<' is text
    }
    std::optional<Tag> tag = read_tag(lt + 1);
    if (!tag) {
      result_.truncated = true;  // unterminated tag or quote: nothing after it can be trusted
      return html_.size();
    }
    return handle(std::move(*tag));
  }

  std::size_t skip_to_after(std::size_t from, std::string_view terminator) {
    const std::size_t at = html_.find(terminator, from);
    if (at == std::string_view::npos) {
      result_.truncated = true;
      return html_.size();
    }
    return at + terminator.size();
  }

  std::optional<Tag> read_tag(std::size_t pos) {
    Tag tag;
    while (pos < html_.size() && !is_space(html_[pos]) && html_[pos] != '>' && html_[pos] != '/') {
      tag.name.push_back(lower(html_[pos++]));
    }
    for (;;) {
      while (pos < html_.size() && (is_space(html_[pos]) || html_[pos] == '/')) {
        ++pos;
      }
      if (pos >= html_.size()) {
        return std::nullopt;
      }
      if (html_[pos] == '>') {
        tag.end = pos + 1;
        return tag;
      }
      if (!read_attribute(pos, tag)) {
        return std::nullopt;
      }
    }
  }

  // One attribute at `pos` (advanced past it); false on an unterminated quoted value.
  bool read_attribute(std::size_t& pos, Tag& tag) {
    std::string name;
    // '=' can start a name (HTML5 keeps it as part of the name); the loop still advances.
    do {
      name.push_back(lower(html_[pos++]));
    } while (pos < html_.size() && !is_space(html_[pos]) && html_[pos] != '/' &&
             html_[pos] != '>' && html_[pos] != '=');
    std::size_t look = pos;
    while (look < html_.size() && is_space(html_[look])) {
      ++look;
    }
    std::string value;
    if (look < html_.size() && html_[look] == '=') {
      pos = look + 1;
      while (pos < html_.size() && is_space(html_[pos])) {
        ++pos;
      }
      if (pos < html_.size() && (html_[pos] == '"' || html_[pos] == '\'')) {
        const std::size_t close = html_.find(html_[pos], pos + 1);
        if (close == std::string_view::npos) {
          return false;
        }
        value = decode_entities(html_.substr(pos + 1, close - pos - 1));
        pos = close + 1;
      } else {
        const std::size_t start = pos;
        while (pos < html_.size() && !is_space(html_[pos]) && html_[pos] != '>') {
          ++pos;
        }
        value = decode_entities(html_.substr(start, pos - start));
      }
    }
    const bool seen = std::any_of(tag.attributes.begin(), tag.attributes.end(),
                                  [&](const auto& attribute) { return attribute.first == name; });
    if (!seen && tag.attributes.size() < kMaxHtmlAttributes) {
      tag.attributes.emplace_back(std::move(name), std::move(value));
    }
    return true;
  }

  std::size_t handle(Tag tag) {
    const auto value = [&tag](std::string_view name) -> const std::string* {
      for (const auto& [key, text] : tag.attributes) {
        if (key == name) {
          return &text;
        }
      }
      return nullptr;
    };
    if (tag.name == "script" || tag.name == "style") {
      const std::size_t close = find_nocase(html_, tag.end, "</" + tag.name);
      return close == std::string_view::npos ? html_.size() : close;
    }
    if (tag.name == "base" && !result_.base_href && value("href") != nullptr) {
      result_.base_href = *value("href");
    }
    if (tag.name == "meta" && value("name") != nullptr &&
        *value("name") == "pypi:repository-version" && value("content") != nullptr) {
      result_.repository_version = *value("content");
    }
    if (tag.name == "a" && value("href") != nullptr) {
      if (result_.anchors.size() >= kMaxHtmlAnchors) {
        result_.truncated = true;
        return html_.size();
      }
      const std::size_t text_end = std::min(html_.find('<', tag.end), html_.size());
      HtmlAnchor anchor;
      anchor.text = trim(decode_entities(html_.substr(tag.end, text_end - tag.end)));
      anchor.attributes = std::move(tag.attributes);
      result_.anchors.push_back(std::move(anchor));
    }
    return tag.end;
  }

  std::string_view html_;
  HtmlScan result_;
};

}  // namespace

const std::string* HtmlAnchor::attribute(std::string_view name) const {
  for (const auto& [key, value] : attributes) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

HtmlScan scan_html(std::string_view html) {
  return Scanner(html).run();
}

}  // namespace mirrord::pypi
