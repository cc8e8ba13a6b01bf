// TokStatus: how the standalone tokenizer library reports errors on user input
// (bad options, malformed tokenizer.json) and I/O. It depends on nothing of
// sluice's; pipelines/ maps it to sluice::Status (kInvalid -> config, kIo -> I/O).
#pragma once

#include <string>
#include <utility>

namespace sluice::tokenizer {

class [[nodiscard]] TokStatus {
 public:
  enum class Code { kOk = 0, kInvalid, kIo };

  TokStatus() = default;
  static TokStatus Ok() { return TokStatus(); }
  static TokStatus Invalid(std::string message) { return TokStatus(Code::kInvalid, std::move(message)); }
  static TokStatus Io(std::string message) { return TokStatus(Code::kIo, std::move(message)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  TokStatus(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace sluice::tokenizer

#define SLUICE_TOK_RETURN_IF_ERROR(expr)                 \
  do {                                                   \
    ::sluice::tokenizer::TokStatus _tok_st = (expr);     \
    if (!_tok_st.ok()) return _tok_st;                   \
  } while (0)
