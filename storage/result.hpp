// Result<T>: the value of an operation that can fail in an expected way.
//
// Expected failures (a digest mismatch, an upstream 503, a missing file) are values, not
// exceptions; exceptions are kept for programming and configuration errors. Each Error carries a
// closed ErrorCode that tells the caller whether trying again can help.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace mirrord {

enum class ErrorCode {
  kInvalidInput,    // malformed request, policy or metadata: do not retry
  kNotFound,        // the thing does not exist (upstream 404, unknown repo): do not retry
  kDigestMismatch,  // bytes do not hash to what trusted metadata says: do not retry the same bytes
  kSizeMismatch,    // more or fewer bytes than declared
  kIo,              // local file system error
  kNoSpace,         // ENOSPC / EDQUOT
  kUpstream,        // upstream answered with a permanent failure (4xx other than 404/429)
  kUpstreamRetryable,  // 5xx, 429, connection reset, timeout: retry with backoff
  kCancelled,          // the operation was cancelled (shutdown, job cancelled)
  kPolicy,             // refused by policy (gated repo, excluded, over a limit)
  kConflict,           // state conflict (e.g. a different blob under the same name)
  kInternal,           // a bug or an unexpected library failure
};

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  bool retryable() const { return code == ErrorCode::kUpstreamRetryable; }
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace mirrord

// Propagate an error from an expression returning Result<...>.
#define MIRRORD_TRY(expr)                 \
  do {                                    \
    auto mirrord_try_result_ = (expr);    \
    if (!mirrord_try_result_) {           \
      return mirrord_try_result_.error(); \
    }                                     \
  } while (false)

#define MIRRORD_CONCAT_INNER(a, b) a##b
#define MIRRORD_CONCAT(a, b) MIRRORD_CONCAT_INNER(a, b)
// Assign the value of a Result<T> expression to `lhs`, or propagate its error.
#define MIRRORD_TRY_ASSIGN(lhs, expr) \
  MIRRORD_TRY_ASSIGN_IMPL(MIRRORD_CONCAT(mirrord_try_, __LINE__), lhs, expr)
#define MIRRORD_TRY_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                            \
  if (!tmp) {                                   \
    return tmp.error();                         \
  }                                             \
  lhs = std::move(tmp).value()
