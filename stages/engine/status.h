// Status and StatusOr: how configuration and environment errors travel.
// Data problems never become a Status: they become verdicts or counters.
// Only main() turns a Status into an exit code (kConfig -> 1, kIo -> 2).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace sluice {

enum class StatusCode { kOk = 0, kConfig, kIo, kInternal };

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Config(std::string message) { return Status(StatusCode::kConfig, std::move(message)); }
  static Status Io(std::string message) { return Status(StatusCode::kIo, std::move(message)); }
  static Status Internal(std::string message) { return Status(StatusCode::kInternal, std::move(message)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Returns a copy with `context: ` put in front of the message.
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

#define SLUICE_RETURN_IF_ERROR(expr)        \
  do {                                      \
    ::sluice::Status _st = (expr);          \
    if (!_st.ok()) return _st;              \
  } while (0)

}  // namespace sluice
