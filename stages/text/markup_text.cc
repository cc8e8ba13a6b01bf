#include "stages/text/markup_text.h"

#include <vector>

#include "stages/text/utf8.h"

namespace sluice {

namespace {

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

// Tags, matched strictly so that prose and shell text survive ("a<b && c>d",
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

// Decodes entities and/or strips tags in one left-to-right pass. An entity that
// decodes to '&' is re-read with the following text ("&amp;lt;" -> "<"), so the
// result is a fixed point and the pass stays linear.
}  // namespace

void DecodeMarkupText(std::string_view in, std::string* out, const MarkupTextOptions& cfg, MarkupTextCounts* c) {
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
      } else if (cfg.drop_invisible && (IsZeroWidth(cp) || (cp >= 0x7F && cp <= 0x9F))) {
        ++c->invisible;  // an invisible character: the later passes would drop it anyway
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

bool IsZeroWidth(uint32_t cp) {
  return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD || cp == 0x180E;
}

}  // namespace sluice
