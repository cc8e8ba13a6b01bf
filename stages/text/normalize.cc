#include "stages/text/utf8.h"
#include "stages/text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "stages/text/markup_text.h"
#include "stages/text/unicode_form.h"
#include "stages/text/mojibake.h"
#include "stages/engine/stage.h"
#include "stages/text/word_segmenter.h"

namespace sluice {

namespace {

// One markup pass (stages/text/markup_text.h) with the normalizer's counts.
void MarkupText(std::string_view in, std::string* out, bool entities, bool tags, const NormalizeConfig& cfg,
                NormalizeCounts* c) {
  MarkupTextOptions options;
  options.decode_entities = entities;
  options.strip_tags = tags;
  options.drop_invisible = cfg.remove_controls;
  MarkupTextCounts counts;
  DecodeMarkupText(in, out, options, &counts);
  c->entities += counts.entities;
  c->tags += counts.tags;
  c->zero_width += counts.invisible;
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
  return NormalizeIfNeeded(*norm, in, out) && *out != in;
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
      MarkupText(cur, &next, /*entities=*/true, /*tags=*/false, cfg, c);
      cur.swap(next);
    }
    if (cfg.strip_tags && cur.find('<') != std::string::npos) {
      MarkupText(cur, &next, /*entities=*/false, /*tags=*/true, cfg, c);
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
