#include "policies/inspect/file_inspector.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "policies/inspect/gguf_validator.hpp"
#include "policies/inspect/pickle_scanner.hpp"
#include "policies/inspect/safetensors_validator.hpp"
#include "policies/inspect/zip_reader.hpp"

namespace mirrord {
namespace {

constexpr std::array kPickleExtensions = {".bin",    ".pt",     ".pth", ".pkl", ".ckpt",
                                          ".pickle", ".joblib", ".npy", ".npz"};
constexpr std::array kNativeExtensions = {".so", ".dylib", ".dll", ".pyd"};
// Opcodes a protocol 0 or 1 pickle can start with (protocol 2+ pickles start with PROTO).
constexpr std::string_view kProtocol0Starts = "(cVSFILNP]})ldtKJMXUTGig";

std::string_view base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool ends_with_any(std::string_view name, const auto& suffixes) {
  return std::any_of(std::begin(suffixes), std::end(suffixes),
                     [&](std::string_view suffix) { return name.ends_with(suffix); });
}

FileInspection admitted(std::string format, std::string detail = {}) {
  FileInspection inspection;
  inspection.format = std::move(format);
  inspection.detail = std::move(detail);
  return inspection;
}

FileInspection refused(std::string format, std::string reason) {
  FileInspection inspection;
  inspection.format = std::move(format);
  inspection.refused = true;
  inspection.reason = std::move(reason);
  return inspection;
}

// A verdict from a validator: its refusal becomes the file's, an I/O failure stays an error.
template <class T>
Result<FileInspection> judged(Result<T> result, std::string format, std::string detail) {
  if (result) {
    return admitted(std::move(format), std::move(detail));
  }
  if (result.error().code != ErrorCode::kInvalidInput) {
    return result.error();
  }
  return refused(std::move(format), result.error().message);
}

std::string hex_head(std::string_view head) {
  std::string out;
  for (std::size_t i = 0; i < std::min<std::size_t>(head.size(), 8); ++i) {
    char byte[4];
    std::snprintf(byte, sizeof byte, "%02x", static_cast<unsigned char>(head[i]));
    out += byte;
  }
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

Result<FileInspection> scan_raw_pickle(const ByteSource& source) {
  ByteReader reader(source);
  auto scan = scan_pickles(reader);
  if (!scan) {
    return judged(std::move(scan), "pickle", "");
  }
  FileInspection inspection =
      admitted(scan->legacy_torch ? "torch-legacy" : "pickle",
               "imports: " + (scan->imports.empty() ? std::string("none") : joined(scan->imports)));
  inspection.imports = scan->imports;
  return inspection;
}

Result<FileInspection> inspect_pickle_family(std::string_view path, const ByteSource& source,
                                             std::string_view head, const InspectRules& rules) {
  const bool zip = starts_like_zip(head);
  if (rules.pickles == PickleRule::kAllow) {
    return admitted(zip ? "torch-zip" : "pickle", "not scanned (pickles = \"allow\")");
  }
  if (zip) {
    return inspect_zip_pickles(source, rules);
  }
  if (rules.pickles == PickleRule::kRefuse) {
    return refused("pickle",
                   "pickle-based file; the policy refuses pickles (pickles = \"refuse\")");
  }
  if (starts_like_binary_pickle(head) ||
      (!head.empty() && kProtocol0Starts.find(head[0]) != std::string_view::npos)) {
    return scan_raw_pickle(source);
  }
  std::string what = "unknown container";
  if (head.starts_with("\x93NUMPY")) {
    what = "NumPy array (not scanned)";
  } else if (head.starts_with("7z\xBC\xAF")) {
    what = "7z archive (not supported)";
  }
  return refused("unknown", std::string(base_name(path)) + " may hold pickles but is a " + what +
                                " (starts with " + hex_head(head) + "); cannot be scanned");
}

}  // namespace

std::string_view remote_code_kind(std::string_view path) {
  const std::string_view name = base_name(path);
  if (name.ends_with(".py") || name.ends_with(".pyc")) {
    return "python";
  }
  if (ends_with_any(name, kNativeExtensions) || name.find(".so.") != std::string_view::npos) {
    return "native";
  }
  return {};
}

bool has_pickle_extension(std::string_view path) {
  return ends_with_any(base_name(path), kPickleExtensions);
}

Result<FileInspection> inspect_model_file(std::string_view path, const ByteSource& source,
                                          const InspectRules& rules) {
  if (const std::string_view kind = remote_code_kind(path); !kind.empty()) {
    FileInspection inspection =
        rules.remote_code == RemoteCodeRule::kAllow
            ? admitted(std::string(kind) == "python" ? "remote-code" : "native-library",
                       "executed by clients that trust remote code (remote_code = \"allow\")")
            : refused(std::string(kind) == "python" ? "remote-code" : "native-library",
                      "code that clients execute (trust_remote_code); the policy refuses it "
                      "(remote_code = \"refuse\")");
    inspection.remote_code = true;
    return inspection;
  }
  std::string head(static_cast<std::size_t>(std::min<std::uint64_t>(16, source.size())), '\0');
  MIRRORD_TRY(source.read_at(0, std::as_writable_bytes(std::span(head.data(), head.size()))));
  if (path.ends_with(".safetensors")) {
    auto summary = validate_safetensors(source);
    const std::string detail = summary ? std::to_string(summary->tensors) + " tensors, " +
                                             std::to_string(summary->data_bytes) + " bytes of data"
                                       : "";
    return judged(std::move(summary), "safetensors", detail);
  }
  if (starts_like_gguf(head) || path.ends_with(".gguf")) {
    auto summary = validate_gguf(source);
    const std::string detail =
        summary ? "version " + std::to_string(summary->version) + ", " +
                      std::to_string(summary->tensors) + " tensors" +
                      (summary->architecture.empty() ? "" : ", " + summary->architecture)
                : "";
    return judged(std::move(summary), "gguf", detail);
  }
  // 7z archives can carry pickles and cannot be read here: they take the pickle rules.
  if (has_pickle_extension(path) || starts_like_zip(head) || starts_like_binary_pickle(head) ||
      head.starts_with("7z\xBC\xAF")) {
    return inspect_pickle_family(path, source, head, rules);
  }
  return admitted("data");
}

}  // namespace mirrord
