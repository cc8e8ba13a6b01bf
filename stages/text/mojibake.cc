#include "stages/text/utf8.h"
#include "stages/text/mojibake.h"

#include <cstring>

#include "stages/text/word_segmenter.h"

namespace sluice {

namespace {

// Windows-1252 bytes 0x80..0x9F -> Unicode (0 = undefined in cp1252; Latin-1
// decoders then produce the C1 control U+0080+i, which Cp1252ByteOf accepts).
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// True when a code point that mojibake repair would produce is one real text
// uses. This is what keeps "GROß“" (ß + “ = DF 93 -> U+07D3, NKo) intact.
bool Plausible(uint32_t cp, int len, int last_byte) {
  if (len == 2) {
    // IPA letters (ɛ ɔ ə ŋ-family), modifier letters and combining diacritics:
    // the orthographies of many African and American languages and of
    // Azerbaijani ("É™" is ə). An NBSP after an upper-case letter ("É\u00A0»"
    // in French) is ordinary text, so a sequence that ends in byte A0 is not
    // taken for one of these.
    if (cp >= 0x250 && cp <= 0x36F) return last_byte != 0xA0;
    return (cp >= 0xA0 && cp <= 0x24F) ||   // Latin-1 supplement, Latin Extended-A/B
           (cp >= 0x370 && cp <= 0x58F) ||  // Greek, Cyrillic, Armenian
           (cp >= 0x590 && cp <= 0x6FF);    // Hebrew, Arabic
  }
  if (len == 3) {
    if (cp >= 0xE000 && cp <= 0xF8FF) return false;  // private use
    if (cp >= 0xFFF0) return false;                  // specials, non-characters
    if (cp >= 0x800 && cp < 0x900) return false;     // Samaritan, Mandaic: rare
    return true;
  }
  return cp >= 0x10000 && cp < 0xF0000;  // not the private-use planes
}

struct Char {
  uint32_t cp;
  size_t next;  // byte offset after the character
};

inline Char At(std::string_view s, size_t pos) {
  size_t p = pos;
  uint32_t cp = DecodeUtf8(s, &p);
  return Char{cp, p};
}

// Tries to decode the mojibake sequence whose lead character starts at `pos`
// (a character in U+00C2..U+00F4). On success returns the decoded code point and
// sets *end to the byte after the sequence.
bool DecodeSequence(std::string_view s, size_t pos, uint32_t* out_cp, size_t* end) {
  Char lead = At(s, pos);
  int b0 = Cp1252ByteOf(lead.cp);
  int need;
  uint32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
  } else {
    return false;
  }
  size_t p = lead.next;
  int b = 0;
  for (int i = 0; i < need; ++i) {
    if (p >= s.size()) return false;
    Char c = At(s, p);
    b = Cp1252ByteOf(c.cp);
    if (b < 0x80 || b > 0xBF) return false;
    // French typography: an accented letter, a no-break space, a closing
    // guillemet ("liberté\u00A0»") is text, though its bytes would decode (to 頻).
    if (c.cp == 0xA0 && c.next < s.size() && At(s, c.next).cp == 0xBB) return false;
    if (i == 0) {  // overlong / surrogate / out-of-range checks on the 2nd byte
      if (b0 == 0xE0 && b < 0xA0) return false;
      if (b0 == 0xED && b >= 0xA0) return false;
      if (b0 == 0xF0 && b < 0x90) return false;
      if (b0 == 0xF4 && b >= 0x90) return false;
    }
    cp = (cp << 6) | static_cast<uint32_t>(b & 0x3F);
    p = c.next;
  }
  if (!Plausible(cp, need + 1, b)) return false;
  *out_cp = cp;
  *end = p;
  return true;
}


// One left-to-right pass. Lead characters U+00C2..U+00F4 are exactly the UTF-8
// byte pairs C3 82..C3 B4, so the scan jumps between 0xC3 bytes with memchr.
int64_t RepairOnce(std::string_view in, std::string* out) {
  out->clear();
  int64_t repaired = 0;
  size_t copied = 0;
  size_t pos = 0;
  while (pos < in.size()) {
    const void* hit = std::memchr(in.data() + pos, 0xC3, in.size() - pos);
    if (hit == nullptr) break;
    size_t at = static_cast<const char*>(hit) - in.data();
    uint32_t cp;
    size_t end;
    if (at + 1 < in.size() && static_cast<unsigned char>(in[at + 1]) >= 0x82 &&
        static_cast<unsigned char>(in[at + 1]) <= 0xB4 && DecodeSequence(in, at, &cp, &end)) {
      if (repaired == 0) out->reserve(in.size());
      out->append(in.data() + copied, at - copied);
      AppendUtf8(out, cp);
      copied = pos = end;
      ++repaired;
    } else {
      pos = at + 1;
    }
  }
  if (repaired > 0) out->append(in.data() + copied, in.size() - copied);
  return repaired;
}

}  // namespace

int Cp1252ByteOf(uint32_t cp) {
  if (cp < 0x100) return static_cast<int>(cp);
  for (int i = 0; i < 32; ++i) {
    if (kCp1252High[i] == cp) return 0x80 + i;
  }
  return -1;
}

int64_t RepairMojibake(std::string_view in, std::string* out) {
  int64_t total = RepairOnce(in, out);
  if (total == 0) {
    out->assign(in);
    return 0;
  }
  // Every repair shrinks the text (k chars of >= 2 bytes become k bytes), so
  // this terminates; doubly-encoded text needs a second pass.
  std::string tmp;
  while (true) {
    int64_t n = RepairOnce(*out, &tmp);
    if (n == 0) break;
    total += n;
    out->swap(tmp);
  }
  return total;
}

MojibakeCounts CountMojibake(std::string_view text) {
  MojibakeCounts counts;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char b = s[i];
    if (b < 0x80) continue;
    if (b >= 0xC0) ++counts.non_ascii;
    if (b == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F) {
      ++counts.suspicious;  // C1 control
    } else if (b == 0xEF && i + 2 < n && s[i + 1] == 0xBF && s[i + 2] == 0xBD) {
      ++counts.suspicious;  // U+FFFD
    } else if (b == 0xC3 && i + 2 < n && s[i + 1] >= 0x82 && s[i + 1] <= 0xB4) {
      // A cp1252 lead char followed by continuation-range chars that together
      // decode to a plausible character: "Ã©", "â€™". An accented letter
      // followed by one such char is ordinary text in many languages
      // (Czech "vypíše", Sorbian "kóždy", Sami "julgáštu", Welsh "â’r") and
      // is not counted: its bytes do not form a UTF-8 sequence.
      uint32_t cp;
      size_t end;
      if (DecodeSequence(text, i, &cp, &end)) ++counts.suspicious;
    }
  }
  return counts;
}

}  // namespace sluice
