// Private to the pickle scanner: the decoder class shared by pickle_scanner.cpp (the stream,
// imports and calls) and pickle_opcodes.cpp (the per-opcode dispatch).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "policies/inspect/pickle_machine.hpp"
#include "policies/inspect/pickle_scanner.hpp"

namespace mirrord::pickle {

// LONG1 payload of torch's legacy magic number 0x1950a86a20f9469cfc6c (little-endian).
inline constexpr std::string_view kLegacyTorchMagic = "\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19";
inline constexpr int kLegacyTorchPickles =
    5;  // magic, protocol, sys_info, the object, storage keys
inline constexpr std::size_t kMaxNameLength = 512;

// A dotted name of ASCII identifiers, as every real module and attribute name is.
bool is_dotted_name(std::string_view name);
// Python 3's unpickler maps Python 2 module names (fix_imports); compare what it would import.
std::string normalized_module(std::string module);
Result<std::uint64_t> parse_decimal(const std::string& text, std::uint64_t at);
// A protocol-0 quoted STRING argument without escapes, as a constant; anything else is data.
std::optional<std::string> unquoted(const std::string& line);

class Scanner {
 public:
  Scanner(ByteReader& reader, const PickleScanLimits& limits)
      : reader_(reader), limits_(limits), machine_(limits) {}

  Result<PickleScan> run() {
    if (reader_.at_end()) {
      return malformed(reader_.position(), "empty: no pickle at all");
    }
    while (!reader_.at_end()) {
      MIRRORD_TRY(scan_one());
      if (scan_.legacy_torch && scan_.pickles == kLegacyTorchPickles) {
        break;  // the rest is raw storage bytes, read by offset, never unpickled
      }
    }
    scan_.end = reader_.position();
    return std::move(scan_);
  }

 private:
  Status scan_one() {
    machine_.reset();
    first_value_is_magic_ = false;
    values_in_pickle_ = 0;
    for (;;) {
      if (++scan_.opcodes > limits_.max_opcodes) {
        return make_error(ErrorCode::kInvalidInput, "more opcodes than the scan limit");
      }
      at_ = reader_.position();
      if (reader_.at_end()) {
        return malformed(at_, "the pickle ends without STOP");
      }
      MIRRORD_TRY_ASSIGN(const std::uint8_t op, reader_.u8());
      if (op == '.') {
        MIRRORD_TRY(with_offset(machine_.pop()));
        if (scan_.pickles == 0 && first_value_is_magic_ && values_in_pickle_ == 1) {
          scan_.legacy_torch = true;
        }
        ++scan_.pickles;
        return {};
      }
      MIRRORD_TRY(with_offset(step(op)));
    }
  }

  template <class T>
  Result<T> with_offset(Result<T> result) const {
    if (result || result.error().code != ErrorCode::kInvalidInput ||
        result.error().message.starts_with("malformed") ||
        result.error().message.starts_with("truncated") ||
        result.error().message.starts_with("pickle")) {
      return result;
    }
    return malformed(at_, result.error().message);
  }

  Status push_other() {
    ++values_in_pickle_;
    return machine_.push(Value{});
  }

  Status import(std::string module, std::string name) {
    if (!is_dotted_name(module) || !is_dotted_name(name)) {
      return malformed(at_, "import of a name that is not a dotted ASCII identifier");
    }
    const std::string qualified = normalized_module(std::move(module)) + "." + name;
    if (!is_allowed_pickle_import(qualified)) {
      return make_error(ErrorCode::kInvalidInput, "pickle imports " + qualified + " (offset " +
                                                      std::to_string(at_) +
                                                      "), which the allowlist does not admit");
    }
    auto known = std::find(scan_.imports.begin(), scan_.imports.end(), qualified);
    if (known == scan_.imports.end()) {
      scan_.imports.push_back(qualified);
      known = scan_.imports.end() - 1;
    }
    last_import_ = static_cast<std::uint32_t>(known - scan_.imports.begin());
    return {};
  }

  Status push_import(std::string module, std::string name) {
    MIRRORD_TRY(import(std::move(module), std::move(name)));
    ++values_in_pickle_;
    return machine_.push(Value{Sym::kImport, last_import_});
  }

  // REDUCE, NEWOBJ, NEWOBJ_EX and OBJ may only call what an allowed import produced.
  Status call(Value callable, const char* opcode) {
    if (callable.sym != Sym::kImport) {
      return malformed(at_, std::string(opcode) + " calls something that is not an import");
    }
    ++values_in_pickle_;
    return machine_.push(Value{Sym::kCallResult, callable.ref});
  }

  Result<std::string> counted(std::uint64_t length) { return reader_.bytes(length); }

  Status push_counted_string(std::uint64_t length) {
    MIRRORD_TRY_ASSIGN(std::string text, counted(length));
    ++values_in_pickle_;
    return machine_.push_string(std::move(text));
  }

  Status skip_and_push(std::uint64_t length) {
    MIRRORD_TRY(reader_.skip(length));
    return push_other();
  }

  Result<std::int64_t> signed_length() {
    MIRRORD_TRY_ASSIGN(const std::uint32_t raw, reader_.u32le());
    const auto length = static_cast<std::int32_t>(raw);
    if (length < 0) {
      return malformed(at_, "negative length " + std::to_string(length));
    }
    return length;
  }

  Status long1() {
    MIRRORD_TRY_ASSIGN(const std::uint8_t length, reader_.u8());
    MIRRORD_TRY_ASSIGN(const std::string bytes, counted(length));
    if (values_in_pickle_ == 0 && bytes == kLegacyTorchMagic) {
      first_value_is_magic_ = true;
    }
    return push_other();
  }

  Status memo_op(std::uint64_t index, bool put) {
    return put ? machine_.memo_put(index) : machine_.memo_get(index);
  }

  Status line_memo_op(bool put) {
    MIRRORD_TRY_ASSIGN(const std::string text, reader_.line(32));
    MIRRORD_TRY_ASSIGN(const std::uint64_t index, parse_decimal(text, at_));
    return memo_op(index, put);
  }

  Status stack_global() {
    MIRRORD_TRY_ASSIGN(const Value name, machine_.pop());
    MIRRORD_TRY_ASSIGN(const Value module, machine_.pop());
    const std::string* module_text = machine_.string_of(module);
    const std::string* name_text = machine_.string_of(name);
    if (module_text == nullptr || name_text == nullptr) {
      return malformed(at_, "STACK_GLOBAL on operands that are not constant strings");
    }
    return push_import(*module_text, *name_text);
  }

  Status step(std::uint8_t op);
  Status step_protocol0(std::uint8_t op);
  Status step_binary(std::uint8_t op);

  ByteReader& reader_;
  const PickleScanLimits& limits_;
  Machine machine_;
  PickleScan scan_;
  std::uint64_t at_ = 0;
  std::uint32_t last_import_ = 0;
  std::uint64_t values_in_pickle_ = 0;
  bool first_value_is_magic_ = false;
};

}  // namespace mirrord::pickle
