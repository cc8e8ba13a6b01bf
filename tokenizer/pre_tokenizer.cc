#include "tokenizer/pre_tokenizer.h"

#include <re2/re2.h>

#include "tokenizer/unicode_classes.h"

namespace sluice::tokenizer {
namespace {

// A decoded character: code point, byte length, class.
struct Ch {
  uint32_t cp;
  uint32_t len;
  CharClass cls;
};

inline Ch At(std::string_view t, size_t pos) {
  const auto c = static_cast<unsigned char>(t[pos]);
  if (c < 0x80) {
    // ASCII fast path.
    static constexpr auto kAscii = [] {
      struct Table {
        CharClass v[128];
      } table{};
      for (int i = 0; i < 128; ++i) {
        CharClass k = CharClass::kOther;
        if ((i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z')) k = CharClass::kLetter;
        else if (i >= '0' && i <= '9') k = CharClass::kNumber;
        else if ((i >= 0x09 && i <= 0x0D) || i == ' ') k = CharClass::kSpace;
        table.v[i] = k;
      }
      return table;
    }();
    return Ch{c, 1, kAscii.v[c]};
  }
  uint32_t cp;
  const size_t n = DecodeUtf8(t, pos, &cp);
  return Ch{cp, static_cast<uint32_t>(n), ClassOf(cp)};
}

// End of the run of characters of class `cls` starting at pos.
inline size_t RunOf(std::string_view t, size_t pos, CharClass cls) {
  while (pos < t.size()) {
    const Ch c = At(t, pos);
    if (c.cls != cls) break;
    pos += c.len;
  }
  return pos;
}

inline bool IsCrLf(uint32_t cp) { return cp == '\r' || cp == '\n'; }

// After an apostrophe at t[pos]: the length of a contraction suffix
// (s|t|re|ve|m|ll|d), or 0. `fold` makes it case-insensitive the way
// Oniguruma's (?i) is (including U+017F LATIN SMALL LETTER LONG S for s).
size_t Contraction(std::string_view t, size_t pos, bool fold) {
  const size_t a = pos + 1;
  if (a >= t.size()) return 0;
  auto lower = [&](size_t i) -> int {
    if (i >= t.size()) return -1;
    const unsigned char c = static_cast<unsigned char>(t[i]);
    if (fold && c >= 'A' && c <= 'Z') return c - 'A' + 'a';
    return c;
  };
  const int c0 = lower(a);
  switch (c0) {
    case 's':
    case 't':
    case 'm':
    case 'd':
      return 2;
    case 'r':
      return lower(a + 1) == 'e' ? 3 : 0;
    case 'v':
      return lower(a + 1) == 'e' ? 3 : 0;
    case 'l':
      return lower(a + 1) == 'l' ? 3 : 0;
    default:
      break;
  }
  // U+017F (C5 BF) folds to 's'.
  if (fold && a + 1 < t.size() && static_cast<unsigned char>(t[a]) == 0xC5 &&
      static_cast<unsigned char>(t[a + 1]) == 0xBF)
    return 3;
  return 0;
}

// \s+(?!\S)|\s+ at a whitespace character: the whole run when it ends the
// text; otherwise the run minus its last character (which then leads the
// next piece), or the single character when the run has only one.
size_t TrailingSpaceRule(std::string_view t, size_t pos) {
  size_t last_start = pos;
  size_t p = pos;
  while (p < t.size()) {
    const Ch c = At(t, p);
    if (c.cls != CharClass::kSpace) break;
    last_start = p;
    p += c.len;
  }
  if (p == t.size()) return p;
  return last_start > pos ? last_start : p;
}

size_t NextGpt2(std::string_view t, size_t pos) {
  const Ch c0 = At(t, pos);
  if (c0.cp == '\'') {
    const size_t n = Contraction(t, pos, /*fold=*/false);
    if (n) return pos + n;
  }
  // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+'
  if (c0.cp == ' ' && pos + 1 < t.size()) {
    const Ch c1 = At(t, pos + 1);
    if (c1.cls != CharClass::kSpace) return RunOf(t, pos + 1, c1.cls);
  }
  if (c0.cls != CharClass::kSpace) return RunOf(t, pos, c0.cls);
  return TrailingSpaceRule(t, pos);
}

size_t NextCl100k(std::string_view t, size_t pos) {
  const Ch c0 = At(t, pos);
  if (c0.cp == '\'') {
    const size_t n = Contraction(t, pos, /*fold=*/true);
    if (n) return pos + n;
  }
  // [^\r\n\p{L}\p{N}]?\p{L}+
  if (c0.cls == CharClass::kLetter) return RunOf(t, pos, CharClass::kLetter);
  if (c0.cls != CharClass::kNumber && !IsCrLf(c0.cp) && pos + c0.len < t.size()) {
    const Ch c1 = At(t, pos + c0.len);
    if (c1.cls == CharClass::kLetter) return RunOf(t, pos + c0.len, CharClass::kLetter);
  }
  // \p{N}{1,3}
  if (c0.cls == CharClass::kNumber) {
    size_t p = pos + c0.len;
    for (int k = 1; k < 3 && p < t.size(); ++k) {
      const Ch c = At(t, p);
      if (c.cls != CharClass::kNumber) break;
      p += c.len;
    }
    return p;
  }
  // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
  size_t start = pos;
  if (c0.cp == ' ' && pos + 1 < t.size() && At(t, pos + 1).cls == CharClass::kOther) start = pos + 1;
  if (start > pos || c0.cls == CharClass::kOther) {
    size_t p = RunOf(t, start, CharClass::kOther);
    while (p < t.size() && (t[p] == '\r' || t[p] == '\n')) ++p;
    return p;
  }
  // Whitespace from here on. '\s*[\r\n]+': up to the last CR/LF of the run.
  size_t p = pos;
  size_t after_last_crlf = 0;
  while (p < t.size()) {
    const Ch c = At(t, p);
    if (c.cls != CharClass::kSpace) break;
    p += c.len;
    if (IsCrLf(c.cp)) after_last_crlf = p;
  }
  if (after_last_crlf) return after_last_crlf;
  return TrailingSpaceRule(t, pos);
}

}  // namespace

PreTokenizer::PreTokenizer() : kind_(PreTokenizerKind::kGpt2), pattern_(kGpt2Pattern) {}
PreTokenizer::~PreTokenizer() = default;
PreTokenizer::PreTokenizer(const PreTokenizer&) = default;
PreTokenizer& PreTokenizer::operator=(const PreTokenizer&) = default;
PreTokenizer::PreTokenizer(PreTokenizer&&) noexcept = default;
PreTokenizer& PreTokenizer::operator=(PreTokenizer&&) noexcept = default;

PreTokenizer PreTokenizer::Gpt2() { return PreTokenizer(); }

PreTokenizer PreTokenizer::Cl100k() {
  PreTokenizer p;
  p.kind_ = PreTokenizerKind::kCl100k;
  p.pattern_ = std::string(kCl100kPattern);
  return p;
}

TokStatus PreTokenizer::FromPreset(std::string_view preset, PreTokenizer* out) {
  if (preset == "gpt2") {
    *out = Gpt2();
  } else if (preset == "cl100k") {
    *out = Cl100k();
  } else {
    return TokStatus::Invalid("unknown pre-tokenizer preset '" + std::string(preset) +
                              "' (expected gpt2 or cl100k)");
  }
  return TokStatus::Ok();
}

TokStatus PreTokenizer::FromRegex(const std::string& pattern, PreTokenizer* out) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<RE2>(pattern, options);
  if (!re->ok()) return TokStatus::Invalid("invalid RE2 split pattern '" + pattern + "': " + re->error());
  PreTokenizer p;
  p.kind_ = PreTokenizerKind::kRegex;
  p.pattern_ = pattern;
  p.re_ = std::move(re);
  *out = std::move(p);
  return TokStatus::Ok();
}

std::string_view PreTokenizer::name() const {
  switch (kind_) {
    case PreTokenizerKind::kGpt2:
      return "gpt2";
    case PreTokenizerKind::kCl100k:
      return "cl100k";
    case PreTokenizerKind::kRegex:
      return "regex";
  }
  return "regex";
}

size_t PreTokenizer::NextPiece(std::string_view text, size_t pos) const {
  switch (kind_) {
    case PreTokenizerKind::kGpt2:
      return NextGpt2(text, pos);
    case PreTokenizerKind::kCl100k:
      return NextCl100k(text, pos);
    case PreTokenizerKind::kRegex:
      return NextRegex(text, pos);
  }
  return text.size();
}

size_t PreTokenizer::NextRegex(std::string_view text, size_t pos) const {
  // Find the first non-empty match at or after pos. Empty matches are skipped
  // by retrying one character later.
  size_t from = pos;
  while (from <= text.size()) {
    re2::StringPiece match;
    if (!re_->Match(re2::StringPiece(text.data(), text.size()), from, text.size(), RE2::UNANCHORED,
                    &match, 1)) {
      return text.size();
    }
    const size_t start = static_cast<size_t>(match.data() - text.data());
    if (!match.empty()) return start > pos ? start : start + match.size();
    if (start >= text.size()) return text.size();
    uint32_t cp;
    from = start + DecodeUtf8(text, start, &cp);
  }
  return text.size();
}

}  // namespace sluice::tokenizer
