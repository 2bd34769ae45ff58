// Private to the pickle scanner: the symbolic stack, marks and memo of one pickle.
//
// Values are symbols, never objects: a constant string (kept only when short, since only import
// names need its text), an imported object, the result of calling one, or anything else. Marks
// behave as in CPython's unpickler: items below the innermost MARK cannot be reached until it is
// popped, so underflow is detected exactly where Python would fail.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "policies/inspect/pickle_scanner.hpp"

namespace mirrord::pickle {

enum class Sym : std::uint8_t { kOther, kString, kImport, kCallResult };

struct Value {
  Sym sym = Sym::kOther;
  std::uint32_t ref = 0;  // kString: index into strings; kImport/kCallResult: into imports
};

class Machine {
 public:
  explicit Machine(const PickleScanLimits& limits) : limits_(limits) {}

  void reset();  // between pickles: the memo and stack do not carry over
  std::size_t available() const { return stack_.size() - (marks_.empty() ? 0 : marks_.back()); }

  Status push(Value value);
  Status push_string(std::string text);  // a short constant, or kOther when long
  Result<Value> pop();
  Result<Value> top() const;
  Status pop_n(std::size_t count);
  Status mark();
  // Pops everything above the innermost mark and the mark itself; returns the first item above
  // the mark (kOther when there was none) for OBJ.
  Result<Value> pop_to_mark();

  Status memo_put(std::uint64_t index);
  Status memoize() { return memo_put(memo_.size()); }
  Status memo_get(std::uint64_t index);

  const std::string* string_of(Value value) const;

 private:
  const PickleScanLimits& limits_;
  std::vector<Value> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint64_t, Value> memo_;
  std::vector<std::string> strings_;
};

Error malformed(std::uint64_t offset, const std::string& what);

}  // namespace mirrord::pickle
