#include "stages/text/utf8.h"
#include "filters/phrase_matcher.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cassert>
#include <deque>

#include "stages/text/word_segmenter.h"

namespace sluice {

namespace {


// The code point that ends just before byte `pos` (valid UTF-8), or 0 at the start.
uint32_t CodePointBefore(std::string_view s, size_t pos) {
  if (pos == 0) return 0;
  size_t start = pos - 1;
  while (start > 0 && (static_cast<uint8_t>(s[start]) & 0xC0) == 0x80) --start;
  size_t p = start;
  return DecodeUtf8(s, &p);
}

// `utf8` with every Turkish/Azerbaijani dotless ı written as i; "" when it has
// none. FoldCase lower-cases the capital I of those languages to i (ICU's root
// mapping), as ASCII-only typing writes it.
std::string DotlessIAsI(std::string_view utf8) {
  constexpr std::string_view kDotless = "\u0131";
  if (utf8.find(kDotless) == std::string_view::npos) return "";
  std::string out;
  out.reserve(utf8.size());
  for (size_t pos = 0; pos < utf8.size();) {
    if (utf8.compare(pos, kDotless.size(), kDotless) == 0) {
      out += 'i';
      pos += kDotless.size();
    } else {
      out += utf8[pos++];
    }
  }
  return out;
}

uint32_t CodePointAt(std::string_view s, size_t pos) {
  if (pos >= s.size()) return 0;
  return DecodeUtf8(s, &pos);
}

}  // namespace

bool IsWordCodePoint(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
  }
  const int32_t mask = U_GET_GC_MASK(static_cast<UChar32>(cp));
  return (mask & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK | U_GC_PC_MASK)) != 0;
}

std::string PhraseMatcher::FoldCase(std::string_view utf8) {
  std::string out;
  FoldCaseInto(utf8, &out);
  return out;
}

void PhraseMatcher::FoldCaseInto(std::string_view utf8, std::string* out) {
  // ASCII fast path writes in place; the first non-ASCII byte switches to
  // code point decoding (lower-casing may change the UTF-8 length).
  out->resize(utf8.size());
  char* dst = out->data();
  size_t pos = 0;
  for (; pos < utf8.size(); ++pos) {
    const auto byte = static_cast<uint8_t>(utf8[pos]);
    if (byte >= 0x80) break;
    dst[pos] = static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte);
  }
  if (pos == utf8.size()) return;
  out->resize(pos);
  while (pos < utf8.size()) {
    const auto byte = static_cast<uint8_t>(utf8[pos]);
    if (byte < 0x80) {
      out->push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte));
      ++pos;
      continue;
    }
    // U+3000..U+9FFF (lead bytes E3-E9: CJK, kana) and U+B000..U+D7FF (EB-ED:
    // Hangul) have no case mappings: copy them.
    if (((byte >= 0xE3 && byte <= 0xE9) || (byte >= 0xEB && byte <= 0xED)) && pos + 3 <= utf8.size()) {
      out->append(utf8.data() + pos, 3);
      pos += 3;
      continue;
    }
    const size_t cp_begin = pos;
    const uint32_t cp = DecodeUtf8(utf8, &pos);
    if (cp >= 0xFF61 && cp <= 0xFF9F) {
      // Half-width katakana (ｵﾏﾝｺ, ｾｯｸｽ: old mobile and spam text) as the
      // full-width kana the lists use, voiced marks composed (ｶﾞ -> ガ): NFKC
      // of the whole run.
      size_t end = pos;
      for (size_t next = end; end < utf8.size(); end = next) {
        const uint32_t c = DecodeUtf8(utf8, &next);
        if (c < 0xFF61 || c > 0xFF9F) break;
      }
      UErrorCode status = U_ZERO_ERROR;
      const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
      const std::string_view run = utf8.substr(cp_begin, end - cp_begin);
      if (U_SUCCESS(status)) {
        icu::UnicodeString full = nfkc->normalize(
            icu::UnicodeString::fromUTF8(icu::StringPiece(run.data(), static_cast<int32_t>(run.size()))), status);
        if (U_SUCCESS(status)) {
          full.toUTF8String(*out);
          pos = end;
          continue;
        }
      }
      out->append(run);
      pos = end;
      continue;
    }
    // Thai and Lao SARA AM written as NIKHAHIT + SARA AA (its NFKC form, used by
    // some word lists; NFC leaves both spellings alone) folds to the single code
    // point everyday text uses, so either spelling matches the other.
    if ((cp == 0x0E4D || cp == 0x0ECD) && pos + 3 <= utf8.size()) {
      size_t next = pos;
      if (DecodeUtf8(utf8, &next) == cp - 0x1B) {  // U+0E32 / U+0EB2
        AppendUtf8(out, cp - 0x1A);                 // U+0E33 / U+0EB3
        pos = next;
        continue;
      }
    }
    if (cp == 0xDF || cp == 0x1E9E) {
      // German ß (and capital ẞ) folds to "ss", as full case folding does:
      // capitals write SS ("SCHEISSE") and Swiss German never writes ß.
      out->append("ss");
      continue;
    }
    if (cp >= 0x0640 && cp <= 0x0652) {
      // Arabic script: tatweel (كـــلب) and the short-vowel marks (vocalized
      // text) are dropped; Arabic kaf and yeh/alef maksura are written as the
      // Persian/Urdu letters, which much Persian text on the web types as the
      // Arabic ones (a Windows keyboard's legacy), so either spelling matches.
      if (cp == 0x0640 || cp >= 0x064B) continue;
      if (cp == 0x0643) {
        AppendUtf8(out, 0x06A9);
        continue;
      }
      if (cp == 0x0649 || cp == 0x064A) {
        AppendUtf8(out, 0x06CC);
        continue;
      }
    }
    AppendUtf8(out, static_cast<uint32_t>(u_tolower(static_cast<UChar32>(cp))));
  }
}

void PhraseMatcher::Add(std::string_view phrase, uint32_t id, Boundary boundary) {
  assert(!built_ && "PhraseMatcher::Add after Build");
  if (phrase.empty()) return;
  std::string folded = FoldCase(phrase);
  // Turkish/Azerbaijani dotless ı: capitals lower-case to i (KADIN -> kadin),
  // as ASCII-only typing writes it. Not under four characters, where the i
  // spelling is another word ("amı" / AMI, "kız" / Francoprovençal "kiz").
  if (std::string dotted = DotlessIAsI(folded); !dotted.empty() && CountCodePoints(folded) >= 4) {
    phrases_.push_back(Phrase{static_cast<uint32_t>(dotted.size()), id, boundary});
    pending_.push_back(std::move(dotted));
  }
  phrases_.push_back(Phrase{static_cast<uint32_t>(folded.size()), id, boundary});
  pending_.push_back(std::move(folded));
}

void PhraseMatcher::Build() {
  assert(!built_);
  built_ = true;
  // Byte classes: every byte that occurs in a phrase gets its own class, all
  // other bytes share class 0 (they can only lead back towards the root).
  byte_class_.assign(256, 0);
  num_classes_ = 1;
  for (const std::string& p : pending_) {
    for (char c : p) {
      auto b = static_cast<uint8_t>(c);
      if (byte_class_[b] == 0) byte_class_[b] = static_cast<uint8_t>(num_classes_++);
    }
  }
  // (At most 255 distinct bytes can occur, so num_classes_ <= 256 fits uint8_t
  // indices except in the degenerate all-bytes case, where class 0 is unused.)
  const int k = num_classes_;
  delta_.assign(static_cast<size_t>(k), -1);
  out_.assign(1, {});
  // Trie.
  for (size_t i = 0; i < pending_.size(); ++i) {
    int32_t state = 0;
    for (char c : pending_[i]) {
      const int cls = byte_class_[static_cast<uint8_t>(c)];
      if (delta_[static_cast<size_t>(state) * k + cls] < 0) {
        const auto fresh = static_cast<int32_t>(out_.size());
        out_.emplace_back();
        delta_.resize(delta_.size() + k, -1);
        delta_[static_cast<size_t>(state) * k + cls] = fresh;
      }
      state = delta_[static_cast<size_t>(state) * k + cls];
    }
    out_[state].push_back(static_cast<uint32_t>(i));
  }
  pending_.clear();
  pending_.shrink_to_fit();
  // BFS: failure links turn the trie into a full DFA.
  const size_t n = out_.size();
  std::vector<int32_t> fail(n, 0);
  dict_link_.assign(n, -1);
  std::deque<int32_t> queue;
  for (int c = 0; c < k; ++c) {
    int32_t& next = delta_[c];
    if (next < 0) {
      next = 0;
    } else {
      fail[next] = 0;
      queue.push_back(next);
    }
  }
  while (!queue.empty()) {
    const int32_t s = queue.front();
    queue.pop_front();
    const int32_t f = fail[s];
    dict_link_[s] = !out_[f].empty() ? f : dict_link_[f];
    for (int c = 0; c < k; ++c) {
      int32_t& next = delta_[static_cast<size_t>(s) * k + c];
      const int32_t via_fail = delta_[static_cast<size_t>(f) * k + c];
      if (next < 0) {
        next = via_fail;
      } else {
        fail[next] = via_fail;
        queue.push_back(next);
      }
    }
  }
  report_.resize(n);
  for (size_t s = 0; s < n; ++s) report_[s] = !out_[s].empty() ? static_cast<int32_t>(s) : dict_link_[s];
}

void PhraseMatcher::FindAll(std::string_view folded, std::vector<Match>* out, Overlap overlap,
                            const std::vector<uint8_t>* enabled_ids) const {
  assert(built_);
  if (phrases_.empty()) return;
  const size_t first = out->size();
  const int k = num_classes_;
  const int32_t* delta = delta_.data();
  const uint8_t* cls = byte_class_.data();
  int32_t state = 0;
  for (size_t i = 0; i < folded.size(); ++i) {
    state = delta[static_cast<size_t>(state) * k + cls[static_cast<uint8_t>(folded[i])]];
    const int32_t report = report_[static_cast<size_t>(state)];
    if (report < 0) continue;
    for (int32_t s = report; s >= 0; s = dict_link_[s]) {
      for (uint32_t pi : out_[s]) {
        const Phrase& p = phrases_[pi];
        if (enabled_ids && (p.id >= enabled_ids->size() || !(*enabled_ids)[p.id])) continue;
        const size_t end = i + 1;
        const size_t begin = end - p.length;
        if (p.boundary != Boundary::kNone) {
          // Only a phrase that starts (ends) with a word character needs a
          // boundary there: "a.s.s" style entries stay matchable.
          const uint32_t first_cp = CodePointAt(folded, begin);
          if (IsWordCodePoint(first_cp) && IsWordCodePoint(CodePointBefore(folded, begin))) continue;
          if (p.boundary == Boundary::kWord) {
            const uint32_t last_cp = CodePointBefore(folded, end);
            if (IsWordCodePoint(last_cp) && IsWordCodePoint(CodePointAt(folded, end))) continue;
          }
        }
        out->push_back(Match{static_cast<uint32_t>(begin), static_cast<uint32_t>(end), p.id});
      }
    }
  }
  // Leftmost-longest, non-overlapping; equal spans keep every id.
  auto it = out->begin() + static_cast<std::ptrdiff_t>(first);
  std::sort(it, out->end(), [](const Match& a, const Match& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.id < b.id;
  });
  if (overlap == Overlap::kAll) return;
  size_t w = first;
  uint32_t covered_end = 0;
  bool have = false;
  Match last{0, 0, 0};
  for (size_t r = first; r < out->size(); ++r) {
    const Match m = (*out)[r];
    if (have && m.begin == last.begin && m.end == last.end) {
      if (m.id != last.id) (*out)[w++] = m;
      last = m;
      continue;
    }
    if (have && m.begin < covered_end) continue;
    (*out)[w++] = m;
    last = m;
    have = true;
    covered_end = m.end;
  }
  out->resize(w);
}

}  // namespace sluice

namespace sluice {

bool IsDictionaryWordCodePoint(uint32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) ||  // Thai, Lao
         (cp >= 0x1000 && cp <= 0x109F) ||  // Myanmar
         (cp >= 0x1780 && cp <= 0x17FF);    // Khmer
}

PhraseMatcher::Boundary DefaultBoundary(std::string_view phrase) {
  size_t pos = 0;
  while (pos < phrase.size()) {
    if (static_cast<uint8_t>(phrase[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const uint32_t cp = DecodeUtf8(phrase, &pos);
    const bool unspaced = IsDictionaryWordCodePoint(cp) ||
                          (IsCjkCodePoint(cp) && !(cp >= 0xAC00 && cp <= 0xD7AF) &&
                           !(cp >= 0x1100 && cp <= 0x11FF) && !(cp >= 0x3130 && cp <= 0x318F));  // not Hangul
    if (unspaced) return PhraseMatcher::Boundary::kNone;
  }
  return PhraseMatcher::Boundary::kWord;
}

}  // namespace sluice
