// scan_pickles: the stream of pickles, imports and calls (the opcode dispatch is in
// pickle_opcodes.cpp).
#include "policies/inspect/pickle_scanner.hpp"

#include <algorithm>
#include <charconv>

#include "policies/inspect/pickle_scanner_impl.hpp"

namespace mirrord {
namespace pickle {
namespace {

bool is_identifier(std::string_view part) {
  if (part.empty() || (part[0] >= '0' && part[0] <= '9')) {
    return false;
  }
  return std::all_of(part.begin(), part.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

bool is_dotted_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) {
    return false;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = name.find('.', start);
    if (!is_identifier(name.substr(start, dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

std::string normalized_module(std::string module) {
  if (module == "__builtin__") {
    return "builtins";
  }
  if (module == "copy_reg") {
    return "copyreg";
  }
  return module;
}

Result<std::uint64_t> parse_decimal(const std::string& text, std::uint64_t at) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return malformed(at, "memo index '" + text.substr(0, 32) + "' is not a number");
  }
  return value;
}

std::optional<std::string> unquoted(const std::string& line) {
  if (line.size() >= 2 && (line.front() == '\'' || line.front() == '"') &&
      line.back() == line.front() && line.find('\\') == std::string::npos) {
    return line.substr(1, line.size() - 2);
  }
  return std::nullopt;
}

}  // namespace pickle

Result<PickleScan> scan_pickles(ByteReader& reader, const PickleScanLimits& limits) {
  return pickle::Scanner(reader, limits).run();
}

bool starts_like_binary_pickle(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x80 &&
         static_cast<unsigned char>(head[1]) >= 2 && static_cast<unsigned char>(head[1]) <= 5;
}

}  // namespace mirrord
