#include "policies/inspect/pickle_machine.hpp"

namespace mirrord::pickle {
namespace {

// Import names are short; longer strings are data and need no text.
constexpr std::size_t kMaxKeptString = 256;

Error underflow() {
  return make_error(ErrorCode::kInvalidInput, "stack underflow");
}

}  // namespace

Error malformed(std::uint64_t offset, const std::string& what) {
  return make_error(ErrorCode::kInvalidInput,
                    "malformed pickle at offset " + std::to_string(offset) + ": " + what);
}

void Machine::reset() {
  stack_.clear();
  marks_.clear();
  memo_.clear();
  strings_.clear();
}

Status Machine::push(Value value) {
  if (stack_.size() >= limits_.max_stack) {
    return make_error(ErrorCode::kInvalidInput,
                      "stack deeper than " + std::to_string(limits_.max_stack) + " values");
  }
  stack_.push_back(value);
  return {};
}

Status Machine::push_string(std::string text) {
  if (text.size() > kMaxKeptString || strings_.size() >= limits_.max_stack) {
    return push(Value{});
  }
  strings_.push_back(std::move(text));
  return push(Value{Sym::kString, static_cast<std::uint32_t>(strings_.size() - 1)});
}

Result<Value> Machine::pop() {
  if (available() == 0) {
    return underflow();
  }
  const Value value = stack_.back();
  stack_.pop_back();
  return value;
}

Result<Value> Machine::top() const {
  if (available() == 0) {
    return underflow();
  }
  return stack_.back();
}

Status Machine::pop_n(std::size_t count) {
  if (available() < count) {
    return underflow();
  }
  stack_.resize(stack_.size() - count);
  return {};
}

Status Machine::mark() {
  if (marks_.size() >= limits_.max_stack) {
    return make_error(ErrorCode::kInvalidInput, "too many open MARKs");
  }
  marks_.push_back(stack_.size());
  return {};
}

Result<Value> Machine::pop_to_mark() {
  if (marks_.empty()) {
    return make_error(ErrorCode::kInvalidInput, "no MARK to pop to");
  }
  const std::size_t base = marks_.back();
  const Value first = stack_.size() > base ? stack_[base] : Value{};
  stack_.resize(base);
  marks_.pop_back();
  return first;
}

Status Machine::memo_put(std::uint64_t index) {
  MIRRORD_TRY_ASSIGN(const Value value, top());
  if (memo_.size() >= limits_.max_memo && !memo_.contains(index)) {
    return make_error(ErrorCode::kInvalidInput,
                      "memo larger than " + std::to_string(limits_.max_memo) + " entries");
  }
  memo_[index] = value;
  return {};
}

Status Machine::memo_get(std::uint64_t index) {
  const auto found = memo_.find(index);
  if (found == memo_.end()) {
    return make_error(ErrorCode::kInvalidInput,
                      "GET of memo slot " + std::to_string(index) + ", which was never written");
  }
  return push(found->second);
}

const std::string* Machine::string_of(Value value) const {
  return value.sym == Sym::kString ? &strings_[value.ref] : nullptr;
}

}  // namespace mirrord::pickle
