#include "stages/text/html_attribute_filter.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stages/text/utf8.h"

namespace sluice {

namespace {

// The tokenizer's whitespace (CR counts: the input stream turns it into LF).
bool IsWs(char c) { return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '; }
bool IsAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// What a tag name means to the filter.
enum TagFlags : unsigned {
  kRawText = 1,       // the start tag switches the tokenizer to raw text (RCDATA, RAWTEXT, script data)
  kPlainText = 2,     // ... for the rest of the input
  kVerbatim = 4,      // the tree builder reads its attributes
  kFormatting = 8,    // the tree builder compares its attribute set with its peers'
  kMaybeForeign = 16  // after it, a raw-text start tag may be foreign content or ignored (<select>)
};

// <noscript> is not raw text: libgumbo parses with scripting disabled.
// kVerbatim: html/body attributes are merged into the root/body, <input type=hidden>
// stays in tables and framesets, <font color|face|size> leaves foreign content,
// <isindex prompt> becomes text, <annotation-xml encoding> is an integration
// point, math/svg attributes are adjusted.
// kFormatting: the "Noah's Ark" rule compares the attribute sets of formatting
// elements; <a> is not among them because a new <a> first closes the open one,
// so there is never more than one to compare (and <font> is kVerbatim).
constexpr std::pair<std::string_view, unsigned> kTagFlags[] = {
    {"script", kRawText},   {"style", kRawText},        {"title", kRawText},      {"textarea", kRawText},
    {"xmp", kRawText},      {"iframe", kRawText},       {"noembed", kRawText},    {"noframes", kRawText},
    {"plaintext", kPlainText},
    {"html", kVerbatim},    {"body", kVerbatim},        {"input", kVerbatim},     {"font", kVerbatim},
    {"isindex", kVerbatim}, {"annotation-xml", kVerbatim},
    {"math", kVerbatim | kMaybeForeign},                {"svg", kVerbatim | kMaybeForeign},
    {"frameset", kMaybeForeign}, {"select", kMaybeForeign},
    {"b", kFormatting},     {"big", kFormatting},       {"code", kFormatting},    {"em", kFormatting},
    {"i", kFormatting},     {"nobr", kFormatting},      {"s", kFormatting},       {"small", kFormatting},
    {"strike", kFormatting}, {"strong", kFormatting},   {"tt", kFormatting},      {"u", kFormatting},
};

unsigned FlagsOf(std::string_view name) {
  char lower[16];
  if (name.size() > sizeof(lower)) return 0;
  for (size_t i = 0; i < name.size(); ++i) lower[i] = Lower(name[i]);
  const std::string_view l(lower, name.size());
  for (const auto& [n, f] : kTagFlags) {
    if (n == l) return f;
  }
  return 0;
}

constexpr size_t kMaxAttributes = 64;  // a tag with more is copied as written

struct Attr {
  std::string_view name;   // as written
  std::string_view value;  // as written, between the quotes when quoted
  char quote = 0;          // '"', '\'' or 0 (unquoted or no value)
  bool has_value = false;  // '=' followed (the value may still be empty)
};

struct Tag {
  std::string_view name;  // as written
  std::vector<Attr> attrs;
  bool self_closing = false;
  size_t end = 0;  // just past '>'
};

// Parses a tag whose name starts at s[p] (just after "<" or "</"), following
// the tokenizer's tag states. False when the input ends inside the tag.
bool ParseTag(std::string_view s, size_t p, Tag* tag) {
  const size_t n = s.size();
  size_t i = p;
  while (i < n && !IsWs(s[i]) && s[i] != '/' && s[i] != '>') ++i;
  if (i >= n) return false;
  tag->name = s.substr(p, i - p);
  tag->attrs.clear();
  tag->self_closing = false;
  enum class St { kBeforeName, kName, kAfterName, kBeforeValue, kAfterQuoted, kSelfClosing } st;
  if (s[i] == '>') {
    tag->end = i + 1;
    return true;
  }
  st = s[i] == '/' ? St::kSelfClosing : St::kBeforeName;
  ++i;
  Attr cur;
  while (true) {
    if (i >= n) return false;
    const char c = s[i];
    switch (st) {
      case St::kBeforeName:
        if (IsWs(c)) {
          ++i;
        } else if (c == '/') {
          ++i;
          st = St::kSelfClosing;
        } else if (c == '>') {
          tag->end = i + 1;
          return true;
        } else {
          st = St::kName;  // the first character is part of the name whatever it is ('=' too)
        }
        break;
      case St::kName: {
        size_t j = i + 1;
        while (j < n && !IsWs(s[j]) && s[j] != '/' && s[j] != '=' && s[j] != '>') ++j;
        if (j >= n) return false;
        cur = Attr{s.substr(i, j - i), {}, 0, false};
        i = j;
        const char d = s[i];
        if (d == '=') {
          cur.has_value = true;
          ++i;
          st = St::kBeforeValue;
        } else {
          tag->attrs.push_back(cur);
          if (d == '>') {
            tag->end = i + 1;
            return true;
          }
          ++i;
          st = d == '/' ? St::kSelfClosing : St::kAfterName;
        }
        break;
      }
      case St::kAfterName:
        // The attribute before is already recorded; '=' gives it a value.
        if (IsWs(c)) {
          ++i;
        } else if (c == '/') {
          ++i;
          st = St::kSelfClosing;
        } else if (c == '=') {
          cur = tag->attrs.back();
          cur.has_value = true;
          tag->attrs.pop_back();
          ++i;
          st = St::kBeforeValue;
        } else if (c == '>') {
          tag->end = i + 1;
          return true;
        } else {
          st = St::kName;
        }
        break;
      case St::kBeforeValue:
        if (IsWs(c)) {
          ++i;
        } else if (c == '"' || c == '\'') {
          const size_t close = s.find(c, i + 1);
          if (close == std::string_view::npos) return false;
          cur.value = s.substr(i + 1, close - i - 1);
          cur.quote = c;
          tag->attrs.push_back(cur);
          i = close + 1;
          st = St::kAfterQuoted;
        } else if (c == '>') {  // "name=>": an empty value
          tag->attrs.push_back(cur);
          tag->end = i + 1;
          return true;
        } else {
          size_t j = i;
          while (j < n && !IsWs(s[j]) && s[j] != '>') ++j;
          if (j >= n) return false;
          cur.value = s.substr(i, j - i);
          cur.quote = 0;
          tag->attrs.push_back(cur);
          i = j;
          if (s[i] == '>') {
            tag->end = i + 1;
            return true;
          }
          ++i;
          st = St::kBeforeName;
        }
        break;
      case St::kAfterQuoted:
        if (IsWs(c)) {
          ++i;
          st = St::kBeforeName;
        } else if (c == '/') {
          ++i;
          st = St::kSelfClosing;
        } else if (c == '>') {
          tag->end = i + 1;
          return true;
        } else {
          st = St::kBeforeName;  // reconsumed
        }
        break;
      case St::kSelfClosing:
        if (c == '>') {
          tag->self_closing = true;
          tag->end = i + 1;
          return true;
        }
        st = St::kBeforeName;  // reconsumed
        break;
    }
  }
}

// Code points libgumbo keeps as they are: not NUL, CR or another C0/C1 control
// but tab, LF and FF (it replaces those with U+FFFD, CR with LF), not a surrogate
// or noncharacter.
bool StoredAsIs(uint32_t cp) {
  if (cp < 0x80) return cp == '\t' || cp == '\n' || cp == '\f' || (cp >= 0x20 && cp < 0x7F);
  return cp >= 0xA0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && !(cp >= 0xFDD0 && cp <= 0xFDEF) &&
         (cp & 0xFFFE) != 0xFFFE;
}

// True when the parser stores `s` exactly as written: valid UTF-8 of code
// points StoredAsIs, and no character reference ('&').
bool StoredAsWritten(std::string_view s) {
  if (!IsAscii(s) && !IsValidUtf8(s)) return false;
  for (size_t i = 0; i < s.size();) {
    const uint32_t cp = DecodeUtf8(s, &i);
    if (cp == '&' || !StoredAsIs(cp)) return false;
  }
  return true;
}

// Appends to *out the value the parser stores for the attribute value `raw`
// when that is certain without the full table of named references: "&amp;",
// "&lt;", "&gt;", "&quot;", "&apos;", "&nbsp;", numeric references to ordinary
// code points, and an '&' that cannot start a reference. False for anything
// else (other named references, numeric ones without ';' or to code points the
// parser maps, stored bytes that are not StoredAsWritten).
bool DecodeAttributeValue(std::string_view raw, std::string* out) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", "\xC2\xA0"}};
  size_t i = 0;
  while (i < raw.size()) {
    const size_t amp = raw.find('&', i);
    const std::string_view plain = raw.substr(i, amp == std::string_view::npos ? raw.size() - i : amp - i);
    if (!StoredAsWritten(plain)) return false;
    out->append(plain);
    if (amp == std::string_view::npos) break;
    i = amp + 1;
    if (i >= raw.size()) {
      out->push_back('&');
      break;
    }
    const char c = raw[i];
    if (c == '#') {
      size_t j = i + 1;
      const bool hex = j < raw.size() && (raw[j] == 'x' || raw[j] == 'X');
      if (hex) ++j;
      uint32_t cp = 0;
      const size_t digits = j;
      while (j < raw.size() && j - digits < 7) {
        const char d = raw[j];
        int v = -1;
        if (d >= '0' && d <= '9') v = d - '0';
        if (hex && (d | 0x20) >= 'a' && (d | 0x20) <= 'f') v = (d | 0x20) - 'a' + 10;
        if (v < 0) break;
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        ++j;
      }
      if (j == digits || j >= raw.size() || raw[j] != ';') return false;
      if (!StoredAsIs(cp)) return false;
      AppendUtf8(out, cp);
      i = j + 1;
      continue;
    }
    const bool alnum = (c >= '0' && c <= '9') || IsAlpha(c);
    if (!alnum) {
      out->push_back('&');  // not a reference: the '&' stays, the next byte is read as usual
      continue;
    }
    bool known = false;
    for (const auto& [name, text] : kNamed) {
      if (raw.compare(i, name.size(), name) == 0) {
        out->append(text);
        i += name.size();
        known = true;
        break;
      }
    }
    if (!known) return false;
  }
  return true;
}

// Position of the first "</name" followed by whitespace, '/' or '>' at or after
// `from` (ASCII case ignored), or npos.
size_t FindEndTag(std::string_view s, size_t from, std::string_view name) {
  while (true) {
    const size_t lt = s.find("</", from);
    if (lt == std::string_view::npos) return lt;
    const size_t after = lt + 2 + name.size();
    if (after < s.size() && EqualNoCase(s.substr(lt + 2, name.size()), name) &&
        (IsWs(s[after]) || s[after] == '/' || s[after] == '>')) {
      return lt;
    }
    from = lt + 2;
  }
}

// True when "<script" followed by whitespace, '/' or '>' occurs in `s`.
bool HasScriptStart(std::string_view s) {
  for (size_t lt = s.find('<'); lt != std::string_view::npos; lt = s.find('<', lt + 1)) {
    const size_t after = lt + 7;
    if (after < s.size() && EqualNoCase(s.substr(lt + 1, 6), "script") &&
        (IsWs(s[after]) || s[after] == '/' || s[after] == '>')) {
      return true;
    }
  }
  return false;
}

// End of the comment whose "<!--" ends at `p` (the comment states of the
// tokenizer), or npos when the input ends inside it.
size_t CommentEnd(std::string_view s, size_t p) {
  enum class St { kStart, kStartDash, kComment, kEndDash, kEnd, kEndBang } st = St::kStart;
  for (size_t i = p; i < s.size(); ++i) {
    const char c = s[i];
    switch (st) {
      case St::kStart:
        st = c == '-' ? St::kStartDash : St::kComment;
        if (c == '>') return i + 1;
        break;
      case St::kStartDash:
        st = c == '-' ? St::kEnd : St::kComment;
        if (c == '>') return i + 1;
        break;
      case St::kComment:
        if (c == '-') st = St::kEndDash;
        break;
      case St::kEndDash:
        st = c == '-' ? St::kEnd : St::kComment;
        break;
      case St::kEnd:
        if (c == '>') return i + 1;
        if (c == '!') {
          st = St::kEndBang;
        } else if (c != '-') {
          st = St::kComment;
        }
        break;
      case St::kEndBang:
        if (c == '>') return i + 1;
        st = c == '-' ? St::kEndDash : St::kComment;
        break;
    }
  }
  return std::string_view::npos;
}

class Rewriter {
 public:
  Rewriter(std::string_view html, const HtmlAttributePolicy& policy, bool formatting_verbatim, std::string* out)
      : s_(html), policy_(policy), formatting_verbatim_(formatting_verbatim), out_(out) {}

  // False when every formatting element has to be copied as written (rerun
  // with formatting_verbatim): one of them has a value whose stored form is not
  // certain, or the rest of the input is copied after some were numbered.
  bool Run(HtmlAttributeFilterStats* stats) {
    out_->clear();
    out_->reserve(s_.size());
    const size_t n = s_.size();
    size_t pos = 0;
    bool stopped = false;  // the rest from `pos` on is copied because the tokenizer cannot be followed
    while (pos < n) {
      const size_t lt = s_.find('<', pos);
      if (lt == std::string_view::npos) break;  // text to the end
      out_->append(s_.data() + pos, lt - pos);
      pos = lt;
      if (lt + 1 < n && IsAlpha(s_[lt + 1])) {
        if (!ParseTag(s_, lt + 1, &tag_)) {  // the input ends inside the tag: the parser drops it
          stopped = true;
          break;
        }
        const Outcome o = StartTag(lt);
        if (o == Outcome::kRestart) return false;
        pos = next_;
        if (o == Outcome::kStop) {
          stopped = true;
          break;
        }
        continue;
      }
      const size_t end = OtherConstructEnd(lt);
      if (end == std::string_view::npos) {
        stopped = true;
        break;
      }
      out_->append(s_.data() + lt, end - lt);
      pos = end;
    }
    // The rest is copied with its formatting elements' attributes as written:
    // numbered ones before would no longer compare with them as they did.
    if (stopped && numbered_ && !formatting_verbatim_) return false;
    if (stopped && stats != nullptr) {
      stats->stopped_early = true;
      stats->stopped_at = pos;
    }
    if (pos < n) out_->append(s_.data() + pos, n - pos);
    return true;
  }

 private:
  enum class Outcome { kContinue, kStop, kRestart };

  size_t BogusCommentEnd(size_t from) const {
    const size_t gt = s_.find('>', from);
    return gt == std::string_view::npos ? gt : gt + 1;
  }

  // Writes the start tag at s_[lt, tag_.end) and sets next_ to where reading
  // goes on (past the raw text of script, style, ...).
  Outcome StartTag(size_t lt) {
    const unsigned flags = FlagsOf(tag_.name);
    if (flags & kMaybeForeign) maybe_foreign_ = true;
    const bool formatting = flags & kFormatting;
    if ((flags & kVerbatim) || tag_.attrs.size() > kMaxAttributes || (formatting && formatting_verbatim_) ||
        !ResolveNames()) {
      if (formatting && !formatting_verbatim_) return Outcome::kRestart;
      out_->append(s_.data() + lt, tag_.end - lt);
    } else {
      if (!WriteReduced(formatting)) return Outcome::kRestart;
    }
    next_ = tag_.end;
    if (flags & kPlainText) return Outcome::kStop;  // the rest is text
    if (flags & kRawText) {
      const size_t close = FindEndTag(s_, tag_.end, tag_.name);
      if (close == std::string_view::npos) return Outcome::kStop;
      const std::string_view content = s_.substr(tag_.end, close - tag_.end);
      // After <svg>, <math>, <frameset> or <select> the element may not be raw
      // text after all (foreign content, a start tag the tree builder ignores):
      // go on only when read as markup too the content ends at the same end tag.
      // "<script" inside a script may make its first end tag part of the text.
      if (maybe_foreign_ && !MarkupEndsAt(tag_.end, close)) return Outcome::kStop;
      if (EqualNoCase(tag_.name, "script") && HasScriptStart(content)) return Outcome::kStop;
      out_->append(content);
      next_ = close;
    }
    return Outcome::kContinue;
  }

  // Where the construct at s_[lt] == '<' ends in the data state when it is not
  // a start tag: an end tag, a comment, a bogus comment or doctype (up to the
  // first '>'), or a '<' of text. npos when the input ends inside it or for a
  // CDATA section (foreign content) that is not followed.
  size_t OtherConstructEnd(size_t lt) {
    const size_t n = s_.size();
    if (lt + 1 >= n) return n;  // a '<' at the end: text
    const char c = s_[lt + 1];
    if (c == '/') {
      if (lt + 2 >= n) return n;  // "</" at the end: text
      if (IsAlpha(s_[lt + 2])) return ParseTag(s_, lt + 2, &probe_) ? probe_.end : std::string_view::npos;
      return s_[lt + 2] == '>' ? lt + 3 : BogusCommentEnd(lt + 2);  // "</>" is dropped
    }
    if (c == '!') {
      if (s_.compare(lt + 2, 2, "--") == 0) return CommentEnd(s_, lt + 4);
      if (s_.compare(lt + 2, 7, "[CDATA[") == 0) return std::string_view::npos;
      return BogusCommentEnd(lt + 2);
    }
    if (c == '?') return BogusCommentEnd(lt + 2);
    return lt + 1;
  }

  // True when s_[from, to) read as markup (the data state) is text and whole
  // tags, comments and doctypes, none of them a raw-text or (numbered)
  // formatting element, so that the tokenizer is in the data state at `to`
  // either way and copying the content keeps every comparison.
  bool MarkupEndsAt(size_t from, size_t to) {
    size_t pos = from;
    while (true) {
      const size_t lt = s_.find('<', pos);
      if (lt == std::string_view::npos || lt >= to) return true;
      size_t end;
      if (lt + 1 < s_.size() && IsAlpha(s_[lt + 1])) {
        // Not a formatting element either: copied as written, it would not compare
        // with the numbered ones as it did.
        const unsigned no = kRawText | kPlainText | kMaybeForeign | (formatting_verbatim_ ? 0u : unsigned{kFormatting});
        if (!ParseTag(s_, lt + 1, &probe_) || (FlagsOf(probe_.name) & no)) return false;
        end = probe_.end;
      } else {
        end = OtherConstructEnd(lt);
      }
      if (end == std::string_view::npos || end > to) return false;
      pos = end;
    }
  }

  // The names the parser gives the attributes (names_[k]) and which ones it
  // drops as duplicates (dup_[k]: the first of a name wins). libgumbo 0.10 does
  // not clear its name buffer after a duplicate without a value, so the next
  // attribute's name starts with that duplicate's: `<p a a class=x>` has the
  // attributes "a" and "aclass". False when a name is not printable ASCII (the
  // parser's replacements would have to be followed too).
  bool ResolveNames() {
    const size_t n = tag_.attrs.size();
    names_.resize(n);
    dup_.assign(n, 0);
    std::string_view prefix;
    for (size_t k = 0; k < n; ++k) {
      const Attr& a = tag_.attrs[k];
      for (char ch : a.name) {
        if (ch < 0x21 || ch > 0x7E) return false;
      }
      std::string& name = names_[k];
      name.assign(prefix);
      for (char ch : a.name) name.push_back(Lower(ch));
      for (size_t j = 0; j < k && !dup_[k]; ++j) dup_[k] = !dup_[j] && names_[j] == name;
      prefix = dup_[k] && !a.has_value ? std::string_view(name) : std::string_view();
    }
    return true;
  }

  bool WriteReduced(bool formatting) {
    out_->push_back('<');
    out_->append(tag_.name);
    if (formatting && !tag_.attrs.empty()) {
      // The parser compares these elements' attribute sets: one number per
      // distinct set (as stored: names lower case, references decoded) in
      // place of the set keeps every comparison as it was.
      order_.clear();
      for (size_t k = 0; k < tag_.attrs.size(); ++k) {
        if (!dup_[k]) order_.push_back(k);
      }
      std::sort(order_.begin(), order_.end(), [&](size_t x, size_t y) { return names_[x] < names_[y]; });
      key_.clear();
      for (size_t k : order_) {
        key_.append(names_[k]);
        key_.push_back('\0');
        if (!DecodeAttributeValue(tag_.attrs[k].value, &key_)) return false;
        key_.push_back('\0');
      }
      const auto [it, added] = sets_.try_emplace(key_, static_cast<uint32_t>(sets_.size()));
      numbered_ = true;
      out_->append(" _s=");
      out_->append(std::to_string(it->second));
    }
    for (size_t k = 0; k < tag_.attrs.size(); ++k) {
      const Attr& a = tag_.attrs[k];
      const std::string& name = names_[k];
      if (dup_[k]) continue;
      const HtmlAttributePolicy::Keep keep = policy_.Classify(name);
      if (keep == HtmlAttributePolicy::Keep::kDrop) continue;
      if (keep == HtmlAttributePolicy::Keep::kName || a.value.empty()) {
        out_->push_back(' ');
        out_->append(name);
        continue;
      }
      if (keep == HtmlAttributePolicy::Keep::kReduced && StoredAsWritten(a.value)) {
        reduced_.clear();
        policy_.Reduce(name, a.value, &reduced_);
        if (reduced_.empty()) continue;
        out_->push_back(' ');
        out_->append(name);
        out_->append("=\"");
        for (char ch : reduced_) {
          if (ch == '"') {
            out_->append("&quot;");
          } else if (ch == '&') {
            out_->append("&amp;");
          } else {
            out_->push_back(ch);
          }
        }
        out_->push_back('"');
        continue;
      }
      // As written, in its own quotes (character references read the same).
      out_->push_back(' ');
      out_->append(name);
      out_->push_back('=');
      if (a.quote != 0) out_->push_back(a.quote);
      out_->append(a.value);
      if (a.quote != 0) out_->push_back(a.quote);
    }
    // " /" rather than "/": after an unquoted value the slash would join it.
    out_->append(tag_.self_closing ? " />" : ">");
    return true;
  }

  std::string_view s_;
  const HtmlAttributePolicy& policy_;
  const bool formatting_verbatim_;
  std::string* out_;
  Tag tag_;
  Tag probe_;  // tags that are only read past (end tags, MarkupEndsAt)
  size_t next_ = 0;
  bool maybe_foreign_ = false;
  bool numbered_ = false;  // a formatting element got an "_s" number
  std::string reduced_, key_;
  std::vector<std::string> names_;  // per attribute of tag_, see ResolveNames()
  std::vector<char> dup_;
  std::vector<size_t> order_;
  std::unordered_map<std::string, uint32_t> sets_;  // of formatting elements
};

}  // namespace

void FilterHtmlAttributes(std::string_view html, const HtmlAttributePolicy& policy, std::string* out,
                          HtmlAttributeFilterStats* stats) {
  HtmlAttributeFilterStats local;
  HtmlAttributeFilterStats* st = stats != nullptr ? stats : &local;
  *st = HtmlAttributeFilterStats{};
  if (!Rewriter(html, policy, /*formatting_verbatim=*/false, out).Run(st)) {
    *st = HtmlAttributeFilterStats{};
    st->formatting_verbatim = true;
    Rewriter(html, policy, /*formatting_verbatim=*/true, out).Run(st);
  }
}

}  // namespace sluice
