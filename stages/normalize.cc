#include "stages/utf8.h"
#include "stages/normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "stages/mojibake.h"
#include "stages/stage.h"
#include "stages/word_segmenter.h"

namespace sluice {

namespace {

// ---------------------------------------------------------------- UTF-8 helpers


// ---------------------------------------------------------------- HTML entities

struct Entity {
  std::string_view name;
  uint32_t cp;
};

// The HTML 4 Latin-1 entities in code point order, U+00A0..U+00FF.
constexpr std::string_view kLatin1Entities[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",    "copy",
    "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",
    "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12",
    "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil",
    "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde",
    "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",
    "Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",
    "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",
    "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

constexpr Entity kOtherEntities[] = {
    {"amp", '&'},       {"lt", '<'},         {"gt", '>'},         {"quot", '"'},       {"apos", '\''},
    {"ndash", 0x2013},  {"mdash", 0x2014},   {"lsquo", 0x2018},   {"rsquo", 0x2019},   {"sbquo", 0x201A},
    {"ldquo", 0x201C},  {"rdquo", 0x201D},   {"bdquo", 0x201E},   {"hellip", 0x2026},  {"bull", 0x2022},
    {"trade", 0x2122},  {"euro", 0x20AC},    {"dagger", 0x2020},  {"Dagger", 0x2021},  {"permil", 0x2030},
    {"lsaquo", 0x2039}, {"rsaquo", 0x203A},  {"ensp", 0x2002},    {"emsp", 0x2003},    {"thinsp", 0x2009},
    {"zwnj", 0x200C},   {"zwj", 0x200D},     {"lrm", 0x200E},     {"rlm", 0x200F},     {"OElig", 0x152},
    {"oelig", 0x153},   {"Scaron", 0x160},   {"scaron", 0x161},   {"Yuml", 0x178},     {"fnof", 0x192},
    {"circ", 0x2C6},    {"tilde", 0x2DC},    {"larr", 0x2190},    {"rarr", 0x2192},    {"uarr", 0x2191},
    {"darr", 0x2193},   {"harr", 0x2194},    {"minus", 0x2212},   {"le", 0x2264},      {"ge", 0x2265},
    {"ne", 0x2260},     {"infin", 0x221E},   {"asymp", 0x2248},   {"prime", 0x2032},   {"Prime", 0x2033},
    {"alpha", 0x3B1},   {"beta", 0x3B2},     {"gamma", 0x3B3},    {"delta", 0x3B4},    {"pi", 0x3C0},
    {"mu", 0x3BC},      {"sigma", 0x3C3},    {"lambda", 0x3BB},   {"omega", 0x3C9},    {"Omega", 0x3A9},
};

const std::vector<Entity>& EntityTable() {
  static const std::vector<Entity>* table = [] {
    auto* t = new std::vector<Entity>();
    for (int i = 0; i < 96; ++i) t->push_back(Entity{kLatin1Entities[i], static_cast<uint32_t>(0xA0 + i)});
    for (const auto& e : kOtherEntities) t->push_back(e);
    std::sort(t->begin(), t->end(), [](const Entity& a, const Entity& b) { return a.name < b.name; });
    return t;
  }();
  return *table;
}

// Windows-1252 meaning of numeric references &#128;..&#159; (HTML5 does this).
uint32_t NumericReference(uint32_t v) {
  if (v >= 0x80 && v <= 0x9F) {
    static constexpr uint16_t kHigh[32] = {
        0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
    return kHigh[v - 0x80];
  }
  return v;
}

bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Parses an entity body at s[p..] (just after '&'). On success returns the code
// point and sets *end after the ';'. Only well-formed references with ';' count.
bool ParseEntity(std::string_view s, size_t p, uint32_t* cp, size_t* end) {
  if (p >= s.size()) return false;
  if (s[p] == '#') {
    size_t q = p + 1;
    bool hex = q < s.size() && (s[q] == 'x' || s[q] == 'X');
    if (hex) ++q;
    uint32_t v = 0;
    size_t digits = 0;
    while (q < s.size() && digits < 8) {
      char c = s[q];
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else break;
      v = v * (hex ? 16 : 10) + d;
      ++q;
      ++digits;
    }
    if (digits == 0 || q >= s.size() || s[q] != ';') return false;
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
    *cp = NumericReference(v);
    *end = q + 1;
    return true;
  }
  size_t q = p;
  while (q < s.size() && q - p < 10 && IsAsciiAlnum(s[q])) ++q;
  if (q == p || q >= s.size() || s[q] != ';') return false;
  std::string_view name = s.substr(p, q - p);
  const auto& table = EntityTable();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const Entity& e, std::string_view n) { return e.name < n; });
  if (it == table.end() || it->name != name) return false;
  *cp = it->cp;
  *end = q + 1;
  return true;
}

// Tags, matched strictly so that prose and shell text survive ("a<b and c>d",
// "pager </etc/motd"): '<' name (attr [= value])* ['/'] '>' on one line,
// '</' name '>', '<!' letter ... '>', '<?' ... '?>' and comments <!-- ... -->.
// Block-level tags become a newline, others vanish. Returns 0 for no tag.
size_t MatchTag(std::string_view s, size_t p, bool* block) {
  size_t n = s.size();
  *block = false;
  if (p + 2 >= n || s[p] != '<') return 0;
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  size_t limit = std::min(n, p + 1024);
  if (s.compare(p, 4, "<!--") == 0) {
    size_t close = s.find("-->", p + 4);
    if (close == std::string_view::npos) return 0;
    return close + 3 - p;
  }
  if (s[p + 1] == '!' || s[p + 1] == '?') {  // <!DOCTYPE ...>, <?xml ...?>
    bool pi = s[p + 1] == '?';
    if (!is_alpha(s[p + 2])) return 0;
    size_t q = p + 2;
    while (q < limit && s[q] != '>' && s[q] != '<' && s[q] != '\n') ++q;
    if (q >= limit || s[q] != '>' || (pi && s[q - 1] != '?')) return 0;
    return q + 1 - p;
  }
  size_t q = p + 1;
  bool closing = s[q] == '/';
  if (closing) ++q;
  if (q >= n || !is_alpha(s[q])) return 0;
  size_t name_begin = q;
  while (q < n && (IsAsciiAlnum(s[q]) || s[q] == '-')) ++q;
  if (q - name_begin > 16) return 0;
  std::string name(s.substr(name_begin, q - name_begin));
  for (auto& c : name) c = static_cast<char>(c | 0x20);
  if (closing) {
    while (q < limit && is_space(s[q])) ++q;
    if (q >= limit || s[q] != '>') return 0;
  } else {
    while (true) {
      size_t spaces = q;
      while (q < limit && is_space(s[q])) ++q;
      if (q >= limit) return 0;
      if (s[q] == '>') break;
      if (s[q] == '/' && q + 1 < limit && s[q + 1] == '>') {
        ++q;
        break;
      }
      if (q == spaces) return 0;  // attributes are separated by whitespace
      if (!(is_alpha(s[q]) || s[q] == '_' || s[q] == ':')) return 0;
      while (q < limit && (IsAsciiAlnum(s[q]) || s[q] == '-' || s[q] == '_' || s[q] == ':' || s[q] == '.')) ++q;
      size_t after_name = q;
      while (q < limit && is_space(s[q])) ++q;
      if (q < limit && s[q] == '=') {
        ++q;
        while (q < limit && is_space(s[q])) ++q;
        if (q >= limit) return 0;
        if (s[q] == '"' || s[q] == '\'') {
          char quote = s[q++];
          while (q < limit && s[q] != quote && s[q] != '\n') ++q;
          if (q >= limit || s[q] != quote) return 0;
          ++q;
        } else {
          size_t v = q;
          while (q < limit && !is_space(s[q]) && s[q] != '>' && s[q] != '<' && s[q] != '"' && s[q] != '\'' &&
                 s[q] != '=' && s[q] != '`' && s[q] != '\n')
            ++q;
          if (q == v) return 0;
        }
      } else {
        q = after_name;  // a boolean attribute
      }
    }
  }
  static const char* kBlock[] = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                                 "ul", "ol", "table", "blockquote", "pre", "hr", "section", "article"};
  for (const char* b : kBlock) *block |= name == b;
  return q + 1 - p;
}

bool IsZeroWidth(uint32_t cp) {
  return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD || cp == 0x180E;
}

// Decodes entities and/or strips tags in one left-to-right pass. An entity that
// decodes to '&' is re-read with the following text ("&amp;lt;" -> "<"), so the
// result is a fixed point and the pass stays linear.
void DecodeMarkup(std::string_view in, std::string* out, const NormalizeConfig& cfg, NormalizeCounts* c) {
  out->clear();
  out->reserve(in.size());
  size_t i = 0;
  size_t n = in.size();
  while (i < n) {
    char ch = in[i];
    if (ch == '&' && cfg.decode_entities) {
      size_t p = i + 1;
      uint32_t cp;
      size_t end;
      bool decoded = false;
      while (ParseEntity(in, p, &cp, &end)) {
        decoded = true;
        ++c->entities;
        p = end;
        if (cp != '&') break;
        cp = 0;  // a virtual '&' followed by in[p..]: try again
      }
      if (!decoded) {
        out->push_back('&');
        ++i;
        continue;
      }
      if (cp == 0) {
        out->push_back('&');
      } else if (cfg.remove_controls && (IsZeroWidth(cp) || (cp >= 0x7F && cp <= 0x9F))) {
        ++c->zero_width;  // an invisible character: the later passes would drop it anyway
      } else if (cp == '\n' || cp == '\t' || cp >= 0x20) {
        if (cp != 0x7F) AppendUtf8(out, cp);
      }  // other control references vanish (&#13; is half of a CRLF)
      i = p;
      continue;
    }
    if (ch == '<' && cfg.strip_tags) {
      bool block;
      size_t len = MatchTag(in, i, &block);
      if (len > 0) {
        ++c->tags;
        if (block) out->push_back('\n');
        i += len;
        continue;
      }
    }
    out->push_back(ch);
    ++i;
  }
}

// ---------------------------------------------------------------- character passes

// C0 controls (tab and newline kept), DEL, CR (CRLF and lone CR become LF) and
// zero-width characters. Runs before entities and mojibake repair so that an
// invisible character can never hide "&amp;" or "Ã©" from the first run.
void StripInvisible(std::string_view in, std::string* out, NormalizeCounts* c) {
  out->clear();
  out->reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b >= 0x80) {
      size_t start = i;
      uint32_t cp = DecodeUtf8(in, &i);
      // The soft hyphen U+00AD is also the cp1252 byte AD inside mojibake
      // ("ä¸\u00AD" is "中"): it stays until MapChars, after the repair.
      if (IsZeroWidth(cp) && cp != 0xAD) {
        ++c->zero_width;
      } else {
        out->append(in.data() + start, i - start);
      }
      continue;
    }
    ++i;
    if (b == '\r') {
      ++c->line_breaks;
      if (i < in.size() && in[i] == '\n') continue;
      out->push_back('\n');
    } else if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) {
      ++c->controls;
    } else {
      out->push_back(static_cast<char>(b));
    }
  }
}

// Code point pass over non-ASCII text: C1 controls, zero-width characters,
// full-width folding, the space policies and Unicode line separators.
void MapChars(std::string_view in, std::string* out, const NormalizeConfig& cfg, NormalizeCounts* c) {
  out->clear();
  out->reserve(in.size());
  size_t i = 0;
  size_t n = in.size();
  while (i < n) {
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      // Copy the ASCII run in one go.
      size_t j = i + 1;
      while (j < n && static_cast<unsigned char>(in[j]) < 0x80) ++j;
      out->append(in.data() + i, j - i);
      i = j;
      continue;
    }
    size_t start = i;
    uint32_t cp = DecodeUtf8(in, &i);
    if (cfg.remove_controls) {
      if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
        ++c->line_breaks;
        out->push_back('\n');
        continue;
      }
      if (cp >= 0x80 && cp <= 0x9F) {
        ++c->controls;
        continue;
      }
      if (IsZeroWidth(cp)) {
        ++c->zero_width;
        continue;
      }
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E && cfg.fold_width != NormalizeConfig::Width::kNone) {
      bool alnum = (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A);
      if (alnum || cfg.fold_width == NormalizeConfig::Width::kAll) {
        ++c->width;
        out->push_back(static_cast<char>(cp - 0xFEE0));
        continue;
      }
    }
    if (cfg.nbsp_to_space &&
        (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F)) {
      ++c->nbsp;
      out->push_back(' ');
      continue;
    }
    if (cp == 0x3000 && (cfg.ideographic_space_to_space || cfg.fold_width == NormalizeConfig::Width::kAll)) {
      ++c->ideographic_space;
      out->push_back(' ');
      continue;
    }
    out->append(in.data() + start, i - start);
  }
}

// Whitespace layout, line by line: indentation kept, inner space runs collapsed,
// trailing spaces/tabs removed, at most max_blank_lines empty lines in a row,
// no blank lines at either end of the document.
void Layout(std::string_view in, std::string* out, const NormalizeConfig& cfg, NormalizeCounts* c) {
  out->clear();
  out->reserve(in.size());
  int64_t pending_blank = 0;
  bool any_line = false;
  size_t pos = 0;
  size_t n = in.size();
  while (pos <= n) {
    size_t nl = in.find('\n', pos);
    if (nl == std::string_view::npos) nl = n;
    std::string_view line = in.substr(pos, nl - pos);
    size_t len = line.size();
    if (cfg.strip_trailing_spaces) {
      while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t')) --len;
      if (len < line.size()) ++c->trailing_spaces;
      line = line.substr(0, len);
    }
    if (line.empty()) {
      if (any_line || !cfg.strip_trailing_spaces) ++pending_blank;
      else ++c->blank_lines;  // leading blank lines of the document
    } else {
      if (any_line) {
        int64_t keep = pending_blank;
        if (cfg.max_blank_lines >= 0 && keep > cfg.max_blank_lines) {
          c->blank_lines += keep - cfg.max_blank_lines;
          keep = cfg.max_blank_lines;
        }
        out->append(static_cast<size_t>(keep) + 1, '\n');
      } else if (pending_blank > 0) {  // strip_trailing_spaces off: keep leading blank lines
        out->append(static_cast<size_t>(pending_blank), '\n');
      }
      pending_blank = 0;
      any_line = true;
      if (cfg.collapse_spaces) {
        size_t i = 0;
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        out->append(line.data(), i);  // indentation
        if (line.find("  ", i) == std::string_view::npos) {  // the common case: nothing to collapse
          out->append(line.data() + i, line.size() - i);
          i = line.size();
        }
        while (i < line.size()) {
          const char* sp = static_cast<const char*>(std::memchr(line.data() + i, ' ', line.size() - i));
          if (sp == nullptr) {
            out->append(line.data() + i, line.size() - i);
            break;
          }
          size_t at = sp - line.data();
          out->append(line.data() + i, at + 1 - i);
          size_t j = at + 1;
          while (j < line.size() && line[j] == ' ') ++j;
          if (j > at + 1) ++c->space_runs;
          i = j;
        }
      } else {
        out->append(line);
      }
    }
    if (nl == n) break;
    pos = nl + 1;
  }
  if (!cfg.strip_trailing_spaces) {
    // Keep the trailing newlines as they were.
    out->append(static_cast<size_t>(pending_blank), '\n');
  } else if (pending_blank > 0 && any_line) {
    c->blank_lines += pending_blank;
  }
}

// ---------------------------------------------------------------- ICU

const icu::Normalizer2* FormInstance(NormalizeConfig::Form form) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = form == NormalizeConfig::Form::kNfkc ? icu::Normalizer2::getNFKCInstance(status)
                                                                    : icu::Normalizer2::getNFCInstance(status);
  return U_SUCCESS(status) ? n : nullptr;
}

// Applies `norm` when `in` is not already normalized. Returns true if it changed.
bool ApplyForm(const icu::Normalizer2* norm, const std::string& in, std::string* out) {
  UErrorCode status = U_ZERO_ERROR;
  if (norm->isNormalizedUTF8(in, status) && U_SUCCESS(status)) return false;
  status = U_ZERO_ERROR;
  out->clear();
  icu::StringByteSink<std::string> sink(out, static_cast<int32_t>(in.size()));
  norm->normalizeUTF8(0, in, sink, nullptr, status);
  if (U_FAILURE(status)) return false;
  return *out != in;
}

std::unique_ptr<icu::Transliterator> CreateSimplifier() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(
      icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
  if (U_FAILURE(status)) return nullptr;
  return t;
}

// Transliterators keep internal state during transliterate(): one per thread.
icu::Transliterator* ThreadSimplifier() {
  thread_local std::unique_ptr<icu::Transliterator> t = CreateSimplifier();
  return t.get();
}

bool HasHan(std::string_view s) {
  for (unsigned char b : s) {
    if (b >= 0xE3 && b <= 0xE9) return true;  // lead bytes of U+3000..U+9FFF
  }
  return false;
}

}  // namespace

bool TextNormalizer::SimplifiedAvailable() { return CreateSimplifier() != nullptr; }

void TextNormalizer::Normalize(std::string_view in, std::string* out, NormalizeCounts* counts) const {
  NormalizeCounts local;
  NormalizeCounts* c = counts != nullptr ? counts : &local;
  const NormalizeConfig& cfg = config_;

  // One scan decides which passes can change anything.
  // Branch-free: OR together a class bit per byte.
  enum : uint8_t { kNonAscii = 1, kControl = 2, kAmp = 4, kLt = 8 };
  static const std::array<uint8_t, 256> kClass = [] {
    std::array<uint8_t, 256> t{};
    for (int b = 0; b < 256; ++b) {
      if (b >= 0x80) t[b] = kNonAscii;
      else if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) t[b] = kControl;
      else if (b == '&') t[b] = kAmp;
      else if (b == '<') t[b] = kLt;
    }
    return t;
  }();
  uint8_t seen = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(in.data());
  for (size_t i = 0; i < in.size(); ++i) seen |= kClass[bytes[i]];
  bool non_ascii = seen & kNonAscii;
  bool controls = seen & kControl;
  bool amp = seen & kAmp;
  bool lt = seen & kLt;

  // ASCII fast path (most web text): only the whitespace layout can apply.
  if (!non_ascii && !(controls && cfg.remove_controls) && !(amp && cfg.decode_entities) &&
      !(lt && cfg.strip_tags)) {
    Layout(in, out, cfg, c);
    return;
  }
  std::string cur(in);
  std::string next;
  // The character passes run in an order chosen so that one run is enough on
  // real text. A fix that removes or merges characters (an entity, an invisible
  // character, a mojibake sequence, a folded letter, a composition) can still
  // complete another pattern in adversarial input ("&" + ZWSP + "amp;"), so the
  // passes repeat (at most 3 rounds) while such a fix happened.
  for (int round = 0; round < 3; ++round) {
    const NormalizeCounts before = *c;
    bool composed = false;
    c->mojibake_score = 0.0;
    if (round > 0) {
      controls = amp = lt = non_ascii = false;
      for (unsigned char b : cur) {
        uint8_t k = kClass[b];
        non_ascii |= (k & kNonAscii) != 0;
        controls |= (k & kControl) != 0;
        amp |= (k & kAmp) != 0;
        lt |= (k & kLt) != 0;
      }
    }
    if ((controls || non_ascii) && cfg.remove_controls) {
      StripInvisible(cur, &next, c);
      cur.swap(next);
    }
    if (amp && cfg.decode_entities) {
      // Entities first, then tags over the decoded text: "&lt;b&gt;" must not
      // survive one run only to be stripped by the next.
      NormalizeConfig entities_only = cfg;
      entities_only.strip_tags = false;
      DecodeMarkup(cur, &next, entities_only, c);
      cur.swap(next);
    }
    if (cfg.strip_tags && cur.find('<') != std::string::npos) {
      NormalizeConfig tags_only = cfg;
      tags_only.decode_entities = false;
      DecodeMarkup(cur, &next, tags_only, c);
      cur.swap(next);
    }
    if (c->entities != before.entities && !non_ascii) {
      for (unsigned char b : cur) non_ascii |= b >= 0x80;
    }
    if (non_ascii) {
      if (cfg.fix_mojibake) {
        // Mojibake patterns are defined on composed characters ("e" + U+0301 -> "é").
        const icu::Normalizer2* nfc = FormInstance(NormalizeConfig::Form::kNfc);
        if (nfc != nullptr && ApplyForm(nfc, cur, &next)) {
          cur.swap(next);
          composed = true;
        }
        if (cur.find('\xC3') != std::string::npos) {
          int64_t repaired = RepairMojibake(cur, &next);
          if (repaired > 0) {
            c->mojibake += repaired;
            cur.swap(next);
            if (cfg.remove_controls) {  // a repaired BOM ("ï»¿") goes now
              StripInvisible(cur, &next, c);
              cur.swap(next);
            }
          }
        }
      }
      // What is left that looks like mojibake (before C1 controls are removed).
      c->mojibake_score = CountMojibake(cur).Score();
      MapChars(cur, &next, cfg, c);
      cur.swap(next);
      if (cfg.to_simplified && HasHan(cur)) {
        icu::Transliterator* t = ThreadSimplifier();
        if (t != nullptr) {
          icu::UnicodeString u = icu::UnicodeString::fromUTF8(cur);
          icu::UnicodeString original = u;
          // The rules are context-sensitive ("編著" -> "编著", but "著" -> "着"),
          // so one application is not always a fixed point: iterate (bounded).
          for (int k = 0; k < 4; ++k) {
            icu::UnicodeString prev = u;
            t->transliterate(u);
            if (u == prev) break;
          }
          if (u != original) {
            next.clear();
            u.toUTF8String(next);
            cur.swap(next);
            c->simplified = 1;
          }
        }
      }
      const icu::Normalizer2* form = FormInstance(cfg.form);
      if (cfg.form != NormalizeConfig::Form::kNone && form != nullptr && ApplyForm(form, cur, &next)) {
        cur.swap(next);
        composed = true;
      }
    }
    if (composed) c->unicode_form = 1;
    bool merged = composed || c->entities != before.entities || c->tags != before.tags ||
                  c->controls != before.controls || c->zero_width != before.zero_width ||
                  c->mojibake != before.mojibake || c->width != before.width ||
                  c->line_breaks != before.line_breaks;
    if (!merged) break;
  }
  Layout(cur, out, cfg, c);
}

// ---------------------------------------------------------------- the stage

namespace {

constexpr const char* kReasonEmpty = "normalize.empty";
constexpr const char* kSignalMojibake = "normalize.mojibake_score";

class NormalizeStage final : public Stage {
 public:
  NormalizeStage(NormalizeConfig cfg, bool drop_empty) : normalizer_(cfg), drop_empty_(drop_empty) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    NormalizeCounts c;
    std::string out;
    normalizer_.Normalize(doc.text, &out, &c);
    Stats& s = ctx.stats();
    auto add = [&s](const char* name, int64_t v) {
      if (v != 0) s.Add(name, v);
    };
    add("normalize.entities", c.entities);
    add("normalize.tags", c.tags);
    add("normalize.controls", c.controls);
    add("normalize.line_breaks", c.line_breaks);
    add("normalize.zero_width", c.zero_width);
    add("normalize.mojibake", c.mojibake);
    add("normalize.width", c.width);
    add("normalize.nbsp", c.nbsp);
    add("normalize.ideographic_space", c.ideographic_space);
    add("normalize.unicode_form", c.unicode_form);
    add("normalize.simplified", c.simplified);
    add("normalize.space_runs", c.space_runs);
    add("normalize.trailing_spaces", c.trailing_spaces);
    add("normalize.blank_lines", c.blank_lines);
    if (out != doc.text) {
      s.Add("normalize.docs_changed");
      s.Add("normalize.bytes_removed", static_cast<int64_t>(doc.text.size()) - static_cast<int64_t>(out.size()));
      doc.text.swap(out);
    }
    doc.AddSignal(kSignalMojibake, c.mojibake_score);
    if (drop_empty_ && doc.text.empty()) {
      doc.all_reasons.push_back(kReasonEmpty);
      return Verdict::Drop(kReasonEmpty, "empty after normalization");
    }
    return Verdict::Keep();
  }

  std::vector<HistogramSpec> signal_histograms() const override {
    return {HistogramSpec::Linear(kSignalMojibake, 0.0, 1.0, 20)};
  }

 private:
  TextNormalizer normalizer_;
  bool drop_empty_;
};

StatusOr<std::unique_ptr<Stage>> MakeNormalize(const Options& o, const StageEnv&) {
  NormalizeConfig cfg;
  const std::string& form = o.GetString("form");
  cfg.form = form == "nfkc" ? NormalizeConfig::Form::kNfkc
             : form == "none" ? NormalizeConfig::Form::kNone
                              : NormalizeConfig::Form::kNfc;
  const std::string& width = o.GetString("fold_width");
  cfg.fold_width = width == "all" ? NormalizeConfig::Width::kAll
                   : width == "none" ? NormalizeConfig::Width::kNone
                                     : NormalizeConfig::Width::kAlnum;
  cfg.decode_entities = o.GetBool("html_entities");
  cfg.strip_tags = o.GetBool("html_tags");
  cfg.remove_controls = o.GetBool("remove_controls");
  cfg.fix_mojibake = o.GetBool("fix_mojibake");
  cfg.nbsp_to_space = o.GetString("nbsp") == "space";
  cfg.ideographic_space_to_space = o.GetString("ideographic_space") == "space";
  cfg.collapse_spaces = o.GetBool("collapse_spaces");
  cfg.strip_trailing_spaces = o.GetBool("strip_trailing_spaces");
  cfg.max_blank_lines = static_cast<int>(o.GetInt("max_blank_lines"));
  cfg.to_simplified = o.GetString("chinese") == "simplified";
  if (cfg.to_simplified && !TextNormalizer::SimplifiedAvailable()) {
    return Status::Config(
        "option 'chinese': simplified needs the ICU transliterator 'Traditional-Simplified', which this ICU "
        "build does not have");
  }
  return std::unique_ptr<Stage>(new NormalizeStage(cfg, o.GetBool("drop_empty")));
}

}  // namespace

SLUICE_REGISTER_STAGE(Normalize, [] {
  using T = OptionType;
  return StageInfo{
      "normalize",
      "stages",
      "Unicode form, controls, mojibake, entities, full-width, whitespace (idempotent)",
      {
          ChoiceOption("form", "nfc",
              "Unicode normalization form. nfc (default) keeps ² ﬁ ① and Chinese ，。 as written; nfkc folds "
              "them (and U+3000, NBSP) to ASCII compatibility forms",
              {"nfc", "nfkc", "none"}),
          ChoiceOption("fold_width", "alnum",
              "full-width ASCII to half-width: alnum = letters and digits only (Chinese punctuation ，！？： "
              "kept), all = also punctuation and U+3000, none",
              {"alnum", "all", "none"}),
          MakeOption("html_entities", T::kBool, "true", "decode leftover HTML entities (&amp; &#8217; &nbsp; ...)"),
          MakeOption("html_tags", T::kBool, "false",
              "remove leftover HTML tags and comments (block tags become a newline); off by default because "
              "'a<b and c>d' is not markup"),
          MakeOption("remove_controls", T::kBool, "true",
              "remove C0/C1 control characters (tab and newline kept; CR/CRLF/NEL/U+2028 become LF) and "
              "zero-width characters (U+200B, U+2060, U+FEFF, soft hyphen; ZWJ/ZWNJ kept)"),
          MakeOption("fix_mojibake", T::kBool, "true", "repair UTF-8 that was decoded as cp1252/Latin-1 (Ã© -> é, â€™ -> ’)"),
          ChoiceOption("nbsp", "space",
              "NBSP and fixed-width spaces (U+2000..U+200A, U+202F, U+205F): space or keep", {"space", "keep"}),
          ChoiceOption("ideographic_space", "keep", "U+3000 (Chinese indentation): keep or space",
              {"keep", "space"}),
          MakeOption("collapse_spaces", T::kBool, "true",
              "collapse runs of spaces inside a line to one (leading indentation kept)"),
          MakeOption("strip_trailing_spaces", T::kBool, "true",
              "remove spaces/tabs at line ends and blank lines at the start and end of the document"),
          MakeOption("max_blank_lines", T::kInt, "2", "longest run of empty lines kept (-1 = unlimited)", -1, 1000),
          ChoiceOption("chinese", "none",
              "none, or simplified: Traditional -> Simplified Chinese with ICU's Traditional-Simplified",
              {"none", "simplified"}),
          MakeOption("drop_empty", T::kBool, "true",
              "drop documents that are empty after normalization (reason normalize.empty)"),
      },
      MakeNormalize};
});

}  // namespace sluice
