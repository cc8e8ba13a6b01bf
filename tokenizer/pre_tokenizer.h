// PreTokenizer: splits text into the pieces BPE works inside ("pre-tokens"),
// exactly as the GPT-2 or GPT-4 (cl100k) split pattern does under Oniguruma
// (what HF tokenizers and tiktoken run), via hand-written scanners; or by a
// user RE2 pattern. Pieces are contiguous and cover the input, so joining them
// gives the input back, for any bytes (invalid UTF-8 bytes are class "other").
// Immutable after construction; Split/NextPiece are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "tokenizer/tokenizer_status.h"

namespace re2 {
class RE2;
}

namespace sluice::tokenizer {

enum class PreTokenizerKind { kGpt2, kCl100k, kRegex };

// The patterns as written in tiktoken / HF (Oniguruma syntax).
inline constexpr std::string_view kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kCl100kPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

class PreTokenizer {
 public:
  static PreTokenizer Gpt2();
  static PreTokenizer Cl100k();
  // "gpt2" or "cl100k".
  static TokStatus FromPreset(std::string_view preset, PreTokenizer* out);
  // A user pattern in RE2 syntax: every match is a piece and so is every gap
  // between matches (HF's Split with "Isolated" behaviour). Note RE2's \s is
  // ASCII-only and it has no look-ahead. Empty matches are ignored.
  static TokStatus FromRegex(const std::string& pattern, PreTokenizer* out);

  PreTokenizer();  // GPT-2
  ~PreTokenizer();
  PreTokenizer(const PreTokenizer&);
  PreTokenizer& operator=(const PreTokenizer&);
  PreTokenizer(PreTokenizer&&) noexcept;
  PreTokenizer& operator=(PreTokenizer&&) noexcept;

  PreTokenizerKind kind() const { return kind_; }
  // The pattern text (for tokenizer.json).
  const std::string& pattern() const { return pattern_; }
  // "gpt2", "cl100k" or "regex".
  std::string_view name() const;

  // End of the piece that starts at `pos` (< text.size()); always > pos.
  size_t NextPiece(std::string_view text, size_t pos) const;

  // Calls emit(std::string_view piece) for each piece of `text`, in order.
  template <typename Emit>
  void Split(std::string_view text, Emit&& emit) const {
    size_t pos = 0;
    while (pos < text.size()) {
      const size_t end = NextPiece(text, pos);
      emit(text.substr(pos, end - pos));
      pos = end;
    }
  }

 private:
  size_t NextRegex(std::string_view text, size_t pos) const;

  PreTokenizerKind kind_ = PreTokenizerKind::kGpt2;
  std::string pattern_;
  std::shared_ptr<const re2::RE2> re_;  // kRegex only; RE2 is thread-safe
};

}  // namespace sluice::tokenizer
