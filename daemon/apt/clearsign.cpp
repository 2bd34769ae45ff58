#include "daemon/apt/clearsign.hpp"

#include <algorithm>

namespace mirrord::apt {
namespace {

constexpr std::string_view kBeginMessage = "-----BEGIN PGP SIGNED MESSAGE-----";
constexpr std::string_view kBeginSignature = "-----BEGIN PGP SIGNATURE-----";
constexpr std::string_view kEndSignature = "-----END PGP SIGNATURE-----";

// Armor lines may carry trailing blanks or a CR (RFC 4880 §6.2 allows trailing whitespace).
std::string_view strip_trailing(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

Error refused(const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, "clearsigned message refused: " + why);
}

// Reads the input line by line; `line()` never includes the '\n'.
class LineReader {
 public:
  explicit LineReader(std::string_view input) : input_(input) {}
  bool done() const { return position_ >= input_.size(); }
  std::size_t number() const { return number_; }
  std::string_view next() {
    const std::size_t end = std::min(input_.find('\n', position_), input_.size());
    const std::string_view line = input_.substr(position_, end - position_);
    position_ = end + 1;
    ++number_;
    return line;
  }

 private:
  std::string_view input_;
  std::size_t position_ = 0;
  std::size_t number_ = 0;
};

std::string at_line(const LineReader& reader, const std::string& what) {
  return what + " at line " + std::to_string(reader.number());
}

Status read_headers(LineReader& reader, ClearsignedMessage& message) {
  while (!reader.done()) {
    const std::string_view line = strip_trailing(reader.next());
    if (line.empty()) {
      return {};
    }
    if (!line.starts_with("Hash: ")) {
      return refused(at_line(reader, "unexpected armor header"));
    }
    message.hash_algorithms.emplace_back(line.substr(6));
  }
  return refused("the message ends inside its armor headers");
}

Status read_text(LineReader& reader, ClearsignedMessage& message) {
  while (!reader.done()) {
    std::string_view line = reader.next();
    while (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (strip_trailing(line) == kBeginSignature) {
      message.signature = std::string(kBeginSignature) + "\n";
      return {};
    }
    if (line.starts_with("- ")) {
      line.remove_prefix(2);
    } else if (line.starts_with("-")) {
      return refused(at_line(reader, "a line starting with '-' is not dash-escaped"));
    }
    message.text.append(line);
    message.text.push_back('\n');
  }
  return refused("no signature block");
}

Status read_signature(LineReader& reader, ClearsignedMessage& message) {
  while (!reader.done()) {
    const std::string_view line = strip_trailing(reader.next());
    if (line.starts_with("-")) {
      if (line != kEndSignature) {
        return refused(at_line(reader, "unexpected armor line inside the signature"));
      }
      message.signature.append(line);
      message.signature.push_back('\n');
      return {};
    }
    message.signature.append(line);
    message.signature.push_back('\n');
  }
  return refused("the signature block is not terminated");
}

}  // namespace

Result<ClearsignedMessage> split_clearsigned(std::string_view input) {
  if (input.find('\0') != std::string_view::npos) {
    return refused("it contains a NUL byte");
  }
  LineReader reader(input);
  bool begun = false;
  while (!reader.done() && !begun) {
    const std::string_view line = strip_trailing(reader.next());
    if (line == kBeginMessage) {
      begun = true;
    } else if (!line.empty()) {
      return refused(at_line(reader, "text before the signed message"));
    }
  }
  if (!begun) {
    return refused("no '" + std::string(kBeginMessage) + "' line");
  }
  ClearsignedMessage message;
  MIRRORD_TRY(read_headers(reader, message));
  MIRRORD_TRY(read_text(reader, message));
  MIRRORD_TRY(read_signature(reader, message));
  while (!reader.done()) {
    if (!strip_trailing(reader.next()).empty()) {
      return refused(at_line(reader, "text after the signature"));
    }
  }
  return message;
}

std::string without_trailing_blanks(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    std::string_view line = text.substr(start, stop - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    result.append(line);
    if (end != std::string_view::npos) {
      result.push_back('\n');
    }
    start = stop + 1;
  }
  return result;
}

}  // namespace mirrord::apt
