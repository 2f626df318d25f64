#pragma once
// Errors as values. Every fallible call in src/ and dsl/ returns a Status or a Result<T>; the message
// names the place (file:line:col for scripts; host, table, column or key range for data) because it
// is what the user reads. Messages never contain passwords.
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace omsql {

// [[nodiscard]]: an ignored Status is an ignored failure; discard one only on purpose, with (void).
class [[nodiscard]] Status {
 public:
  enum class Code { kOk, kInvalidArgument, kNotFound, kIOError, kServerError, kTransient, kCorruption, kUnsupported };

  Status() = default;
  static Status ok() { return Status(); }
  static Status invalid_argument(std::string m) { return Status(Code::kInvalidArgument, std::move(m)); }
  static Status not_found(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status io_error(std::string m) { return Status(Code::kIOError, std::move(m)); }
  static Status server_error(std::string m) { return Status(Code::kServerError, std::move(m)); }
  // A failure that may go away when retried (lost connection, deadlock, lock wait timeout).
  static Status transient(std::string m) { return Status(Code::kTransient, std::move(m)); }
  static Status corruption(std::string m) { return Status(Code::kCorruption, std::move(m)); }
  static Status unsupported(std::string m) { return Status(Code::kUnsupported, std::move(m)); }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  bool is_transient() const { return code_ == Code::kTransient; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message", for adding the place as an error travels up.
  Status with_context(const std::string& context) const {
    if (is_ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}                 // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {}          // NOLINT: implicit by design

  bool is_ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return is_ok(); }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace omsql

// Returns the Status of `expr` from the enclosing function when it is not ok.
#define OMSQL_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::omsql::Status omsql_status_ = (expr);    \
    if (!omsql_status_.is_ok()) return omsql_status_; \
  } while (0)
