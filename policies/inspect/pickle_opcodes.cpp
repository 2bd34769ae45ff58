// Scanner::step: the 68 opcodes of pickle protocols 0-5, each decoded with its argument.
#include <cstdio>

#include "policies/inspect/pickle_scanner_impl.hpp"

namespace mirrord::pickle {

Status Scanner::step(std::uint8_t op) {
  switch (op) {
    case '(':
      return machine_.mark();
    case '0': {  // POP: pops a value, or the innermost mark when nothing is above it
      if (machine_.available() > 0)
        return machine_.pop_n(1);
      return machine_.pop_to_mark().ok() ? Status{} : malformed(at_, "POP on an empty stack");
    }
    case '1':
      return machine_.pop_to_mark().ok() ? Status{} : malformed(at_, "POP_MARK without MARK");
    case '2': {
      MIRRORD_TRY_ASSIGN(const Value top, machine_.top());
      return machine_.push(top);
    }
    case 'N':
    case 0x88:
    case 0x89:
      return push_other();
    case 'R': {  // REDUCE
      MIRRORD_TRY(machine_.pop_n(1));
      MIRRORD_TRY_ASSIGN(const Value callable, machine_.pop());
      return call(callable, "REDUCE");
    }
    case 'b': {  // BUILD
      MIRRORD_TRY(machine_.pop_n(1));
      MIRRORD_TRY_ASSIGN(const Value target, machine_.top());
      if (target.sym == Sym::kImport) {
        return malformed(at_, "BUILD on an imported object would overwrite its attributes");
      }
      return {};
    }
    case 'a':
      return machine_.pop_n(1).ok() && machine_.top().ok()
                 ? Status{}
                 : malformed(at_, "APPEND without a list");
    case 's':
      return machine_.pop_n(2).ok() && machine_.top().ok()
                 ? Status{}
                 : malformed(at_, "SETITEM without a dict");
    case 'e':
    case 'u':
    case 0x90: {  // APPENDS, SETITEMS, ADDITEMS
      MIRRORD_TRY(machine_.pop_to_mark());
      return machine_.top().ok() ? Status{}
                                 : malformed(at_, "APPENDS/SETITEMS/ADDITEMS without a target");
    }
    case 'd':
    case 'l':
    case 't':
    case 0x91: {  // DICT, LIST, TUPLE, FROZENSET
      MIRRORD_TRY(machine_.pop_to_mark());
      return push_other();
    }
    case 'o': {  // OBJ: the class is the first item above the mark
      if (machine_.available() == 0)
        return malformed(at_, "OBJ without a class");
      MIRRORD_TRY_ASSIGN(const Value cls, machine_.pop_to_mark());
      return call(cls, "OBJ");
    }
    case ')':
    case ']':
    case '}':
    case 0x8f:
      return push_other();
    case 0x85:
      MIRRORD_TRY(machine_.pop_n(1));
      return push_other();
    case 0x86:
      MIRRORD_TRY(machine_.pop_n(2));
      return push_other();
    case 0x87:
      MIRRORD_TRY(machine_.pop_n(3));
      return push_other();
    case 0x81: {  // NEWOBJ
      MIRRORD_TRY(machine_.pop_n(1));
      MIRRORD_TRY_ASSIGN(const Value cls, machine_.pop());
      return call(cls, "NEWOBJ");
    }
    case 0x92: {  // NEWOBJ_EX
      MIRRORD_TRY(machine_.pop_n(2));
      MIRRORD_TRY_ASSIGN(const Value cls, machine_.pop());
      return call(cls, "NEWOBJ_EX");
    }
    case 0x93:
      return stack_global();
    case 0x94:
      return machine_.memoize();
    case 'Q':
      MIRRORD_TRY(machine_.pop_n(1));
      return push_other();  // BINPERSID
    case 0x97:
      return push_other();  // NEXT_BUFFER
    case 0x98:
      return machine_.top().ok() ? Status{} : malformed(at_, "READONLY_BUFFER on nothing");
    default:
      break;
  }
  if (op < 0x80 &&
      std::string_view("FILPSVcigp").find(static_cast<char>(op)) != std::string_view::npos) {
    return step_protocol0(op);
  }
  return step_binary(op);
}

// Opcodes whose arguments are newline-terminated lines.
Status Scanner::step_protocol0(std::uint8_t op) {
  switch (op) {
    case 'F':
    case 'I':
    case 'L':
    case 'P': {  // FLOAT, INT, LONG, PERSID
      MIRRORD_TRY(reader_.line(limits_.max_line));
      return push_other();
    }
    case 'S': {  // STRING: a quoted repr
      MIRRORD_TRY_ASSIGN(std::string line, reader_.line(limits_.max_line));
      if (line.size() < 2 || (line.front() != '\'' && line.front() != '"') ||
          line.back() != line.front()) {
        return malformed(at_, "STRING argument is not quoted");
      }
      auto text = unquoted(line);
      ++values_in_pickle_;
      return text ? machine_.push_string(std::move(*text)) : machine_.push(Value{});
    }
    case 'V': {  // UNICODE: raw-unicode-escape; escapes make it data, not a name
      MIRRORD_TRY_ASSIGN(std::string line, reader_.line(limits_.max_line));
      ++values_in_pickle_;
      return line.find('\\') == std::string::npos ? machine_.push_string(std::move(line))
                                                  : machine_.push(Value{});
    }
    case 'c':
    case 'i': {  // GLOBAL, INST
      MIRRORD_TRY_ASSIGN(std::string module, reader_.line(kMaxNameLength));
      MIRRORD_TRY_ASSIGN(std::string name, reader_.line(kMaxNameLength));
      if (op == 'c') {
        return push_import(std::move(module), std::move(name));
      }
      MIRRORD_TRY(import(std::move(module), std::move(name)));
      MIRRORD_TRY(machine_.pop_to_mark());
      return call(Value{Sym::kImport, last_import_}, "INST");
    }
    case 'g':
      return line_memo_op(false);
    case 'p':
      return line_memo_op(true);
    default:
      return malformed(at_, "unknown opcode");
  }
}

// Opcodes with binary arguments.
Status Scanner::step_binary(std::uint8_t op) {
  switch (op) {
    case 'G':
      return skip_and_push(8);  // BINFLOAT
    case 'J':
      return skip_and_push(4);  // BININT
    case 'K':
      return skip_and_push(1);  // BININT1
    case 'M':
      return skip_and_push(2);  // BININT2
    case 0x8a:
      return long1();  // LONG1
    case 0x8b: {
      MIRRORD_TRY_ASSIGN(auto n, signed_length());
      return skip_and_push(n);
    }  // LONG4
    case 'T': {
      MIRRORD_TRY_ASSIGN(auto n, signed_length());
      return push_counted_string(n);
    }
    case 'U':
    case 0x8c: {
      MIRRORD_TRY_ASSIGN(auto n, reader_.u8());
      return push_counted_string(n);
    }
    case 'X': {
      MIRRORD_TRY_ASSIGN(auto n, reader_.u32le());
      return push_counted_string(n);
    }
    case 0x8d: {
      MIRRORD_TRY_ASSIGN(auto n, reader_.u64le());
      return push_counted_string(n);
    }
    case 'B': {
      MIRRORD_TRY_ASSIGN(auto n, reader_.u32le());
      return skip_and_push(n);
    }  // BINBYTES
    case 'C': {
      MIRRORD_TRY_ASSIGN(auto n, reader_.u8());
      return skip_and_push(n);
    }  // SHORT_BINBYTES
    case 0x8e:
    case 0x96: {
      MIRRORD_TRY_ASSIGN(auto n, reader_.u64le());
      return skip_and_push(n);
    }
    case 'h': {
      MIRRORD_TRY_ASSIGN(auto i, reader_.u8());
      return memo_op(i, false);
    }  // BINGET
    case 'j': {
      MIRRORD_TRY_ASSIGN(auto i, reader_.u32le());
      return memo_op(i, false);
    }  // LONG_BINGET
    case 'q': {
      MIRRORD_TRY_ASSIGN(auto i, reader_.u8());
      return memo_op(i, true);
    }  // BINPUT
    case 'r': {
      MIRRORD_TRY_ASSIGN(auto i, reader_.u32le());
      return memo_op(i, true);
    }             // LONG_BINPUT
    case 0x80: {  // PROTO
      MIRRORD_TRY_ASSIGN(const std::uint8_t version, reader_.u8());
      return version <= 5 ? Status{}
                          : malformed(at_, "protocol " + std::to_string(version) + " is above 5");
    }
    case 0x95: {  // FRAME: a length prefix only; the opcodes inside are decoded one by one
      MIRRORD_TRY_ASSIGN(const std::uint64_t length, reader_.u64le());
      return length <= reader_.remaining() ? Status{}
                                           : malformed(at_, "FRAME longer than the file");
    }
    case 0x82:
    case 0x83:
    case 0x84:
      return make_error(ErrorCode::kInvalidInput,
                        "pickle imports through the extension registry (EXT" +
                            std::string(op == 0x82   ? "1"
                                        : op == 0x83 ? "2"
                                                     : "4") +
                            ", offset " + std::to_string(at_) + "), which cannot be checked");
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", op);
      return malformed(at_, std::string("unknown opcode ") + hex);
    }
  }
}

}  // namespace mirrord::pickle
