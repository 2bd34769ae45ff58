#include "daemon/pypi/html_text.hpp"

#include <array>
#include <cstdint>

namespace mirrord::pypi {
namespace {

// Longer than any reference we decode; bounds the look-ahead for ';'.
constexpr std::size_t kMaxReferenceLength = 12;

struct NamedReference {
  std::string_view name;
  std::string_view text;
};

constexpr std::array kNamed = {
    NamedReference{"amp", "&"},   NamedReference{"lt", "<"},   NamedReference{"gt", ">"},
    NamedReference{"quot", "\""}, NamedReference{"apos", "'"}, NamedReference{"nbsp", "\xC2\xA0"},
};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    cp = 0xFFFD;
  }
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int digit_value(char c, int base) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (base == 16 && c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (base == 16 && c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// "#62" or "#x3E" (without '&' and ';'); false when malformed.
bool decode_numeric(std::string_view body, std::string& out) {
  int base = 10;
  body.remove_prefix(1);
  if (!body.empty() && (body.front() == 'x' || body.front() == 'X')) {
    base = 16;
    body.remove_prefix(1);
  }
  if (body.empty()) {
    return false;
  }
  std::uint32_t cp = 0;
  for (const char c : body) {
    const int digit = digit_value(c, base);
    if (digit < 0) {
      return false;
    }
    cp = cp * base + digit;
    if (cp > 0x10FFFF) {
      cp = 0x110000;  // stays invalid however many digits follow
    }
  }
  append_utf8(out, cp);
  return true;
}

}  // namespace

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    const std::size_t semicolon = text.substr(i + 1, kMaxReferenceLength).find(';');
    if (semicolon == std::string_view::npos) {
      out.push_back(text[i++]);
      continue;
    }
    const std::string_view body = text.substr(i + 1, semicolon);
    bool decoded = false;
    if (!body.empty() && body.front() == '#') {
      decoded = decode_numeric(body, out);
    } else {
      for (const NamedReference& named : kNamed) {
        if (body == named.name) {
          out += named.text;
          decoded = true;
          break;
        }
      }
    }
    if (decoded) {
      i += semicolon + 2;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace mirrord::pypi
