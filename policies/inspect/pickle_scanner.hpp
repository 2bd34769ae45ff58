// The pickle scanner: decodes every opcode of pickle protocols 0-5 without executing anything and
// judges the imports by an allowlist (security.md §2).
//
// The decoder keeps a symbolic stack and memo (constant strings, imported objects, call results;
// never real objects), so STACK_GLOBAL is resolved through memo indirection the way Python would,
// not by pairing the last two strings seen. It refuses, with the reason and the offset:
//  - an import (GLOBAL, INST, STACK_GLOBAL) the allowlist does not name, compared as a whole
//    dotted "module.name" (Python 2 spellings such as __builtin__ are normalized first);
//  - an import that cannot be resolved statically (STACK_GLOBAL on anything but two constant
//    strings, EXT1/EXT2/EXT4 extension codes);
//  - a call (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ) on anything but an imported callable, and BUILD on an
//    imported object itself (which would overwrite a module's or class's attributes);
//  - any malformed input: an unknown opcode, a length past the end, stack underflow, a GET of a
//    memo slot never written, a protocol above 5, bytes after the last STOP.
// A stream may hold several pickles back to back; all are scanned. A legacy torch.save file
// (first pickle: the magic number) is five pickles followed by raw storage bytes, which are not
// pickles and are not scanned.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policies/inspect/byte_source.hpp"
#include "storage/result.hpp"

namespace mirrord {

struct PickleScanLimits {
  std::size_t max_stack = 1u << 20;  // values on the symbolic stack
  std::size_t max_memo = 1u << 22;   // memo entries
  std::size_t max_line = 16u << 20;  // protocol-0 argument lines
  std::uint64_t max_opcodes = 1ull << 40;
};

struct PickleScan {
  std::vector<std::string> imports;  // every distinct "module.name", in order of first use
  int pickles = 0;                   // pickles decoded
  bool legacy_torch = false;         // a legacy torch.save file (magic number first)
  std::uint64_t opcodes = 0;
  std::uint64_t end = 0;  // offset just past the last pickle scanned
};

// Scans every pickle from the reader's position to its end. kInvalidInput says why the bytes are
// refused; kIo means the file could not be read.
Result<PickleScan> scan_pickles(ByteReader& reader, const PickleScanLimits& limits = {});

// Whether a weights pickle may import `qualified` ("module.name"): PyTorch's tensor-rebuild
// functions, storage and dtype names, collections.OrderedDict, and the few builtins they use.
bool is_allowed_pickle_import(std::string_view qualified);

// The allowlist itself, for the verdict and the README.
const std::vector<std::string_view>& allowed_pickle_imports();

// Whether `head` (the first bytes of a file) starts like a pickle of protocol 2 or later.
bool starts_like_binary_pickle(std::string_view head);

}  // namespace mirrord
