// inspect_model_file: what one file of a model is, and whether its content may be published.
//
// The format is decided by content first and by name only where a format has no magic number
// (safetensors) or where the name alone makes a file dangerous (code that clients execute):
//  - remote code: *.py (modeling_*.py, tokenization_*.py, configuration_*.py, ... which
//    transformers runs with trust_remote_code=True) and native libraries (*.so, *.dylib, *.dll,
//    *.pyd); admitted only under remote_code = "allow";
//  - safetensors (*.safetensors) and GGUF (magic "GGUF", or *.gguf): validated headers;
//  - pickles: a ZIP (PyTorch archive), a binary pickle (PROTO 2-5), or a file with a pickle
//    extension (.bin .pt .pth .pkl .pickle .ckpt .joblib .npy .npz ...): refused under
//    pickles = "refuse", scanned by the allowlist under "scan" (unknown containers such as NumPy
//    arrays, 7z or anything unrecognised fail closed), admitted unscanned under "allow";
//  - anything else (JSON, text, tokenizer vocabularies) is data and admitted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policies/inspect/admission_policy.hpp"
#include "policies/inspect/byte_source.hpp"
#include "storage/result.hpp"

namespace mirrord {

struct FileInspection {
  std::string format;  // "safetensors", "gguf", "pickle", "torch-zip", ...
  bool refused = false;
  std::string reason;                // why refused; empty when admitted
  std::string detail;                // what was found, e.g. "12 tensors" or the scan's imports
  std::vector<std::string> imports;  // pickles: the allowed imports seen
  bool remote_code = false;          // code that clients execute
};

struct InspectRules {
  PickleRule pickles = PickleRule::kScan;
  RemoteCodeRule remote_code = RemoteCodeRule::kRefuse;
};

// Fails only when the bytes cannot be read (kIo); a refusal is a FileInspection with `refused`.
Result<FileInspection> inspect_model_file(std::string_view path, const ByteSource& source,
                                          const InspectRules& rules);

// "python" for Python source and bytecode, "native" for shared libraries, "" otherwise.
std::string_view remote_code_kind(std::string_view path);
// Whether the name has an extension that pickle-based formats use.
bool has_pickle_extension(std::string_view path);

// Scans a ZIP that may be a PyTorch archive: every member's CRC, and every member that is or
// looks like a pickle (storage members under <record>/data/ are raw tensor bytes and skipped).
Result<FileInspection> inspect_zip_pickles(const ByteSource& source, const InspectRules& rules);

}  // namespace mirrord
