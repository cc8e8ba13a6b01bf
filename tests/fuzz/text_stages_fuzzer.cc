// libFuzzer target for the per-document text stages (normalize, html_extract,
// language_id, line_cleaner, quality_signals, the Gopher/C4/FineWeb rules,
// lexicon_filter, pii, bias_audit, regex_rules) and MinHash's shingling (word
// shingles over ICU segmentation, char shingles): any text the reader can hand
// them (valid UTF-8, repaired as the reader repairs it) goes through every stage
// on its own and through all of them in recipe order, and
//   * no stage crashes, hangs or trips the sanitizers;
//   * the text a stage leaves is valid UTF-8;
//   * a drop names its reason; every signal is a finite number;
//   * normalize is idempotent (its documented contract): normalizing its own
//     output changes nothing, in the default and in an every-option-on variant.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "pipelines/recipe.h"
#include "stages/dedup/minhash_signature.h"
#include "stages/engine/document.h"
#include "stages/engine/stage.h"
#include "stages/engine/stats.h"
#include "stages/text/utf8.h"

namespace {

// Every per-document stage that needs no model or data file of the user's, some
// twice with their other paths switched on. Global stages (dedup) are left to
// their own tests: they compare documents, not one text.
constexpr const char* kRecipe = R"(
stages:
  - {type: normalize, name: normalize}
  - {type: normalize, name: normalize_all, form: nfkc, fold_width: all, html_tags: true, nbsp: keep,
     ideographic_space: space, max_blank_lines: 0, chinese: simplified, drop_empty: false}
  - {type: html_extract}
  - {type: language_id}
  - {type: line_cleaner}
  - {type: quality_signals}
  - {type: gopher_quality}
  - {type: gopher_repetition}
  - {type: c4}
  - {type: c4, name: c4_mc4, filter_no_terminal_punct: false, min_paragraphs: 3}
  - {type: fineweb}
  - {type: lexicon_filter}
  - {type: lexicon_filter, name: lexicon_all, languages: [all], language_key: ""}
  - {type: pii}
  - {type: pii, name: pii_drop, action: drop}
  - {type: bias_audit}
  - type: regex_rules
    rules:
      - {name: digits, pattern: '\d{4,}', action: replace, replacement: '<n>'}
      - {name: shout, pattern: '(?m)^[A-Z ]{20,}$', action: drop_line}
      - {name: spam, pattern: '(?i)buy now', action: drop_document}
)";

struct Chain {
  std::vector<sluice::StageInstance> stages;
};

const Chain& GetChain() {
  static const Chain* chain = [] {
    auto recipe = sluice::ParseRecipe(kRecipe, "<text_stages_fuzzer>");
    if (!recipe.ok()) {
      std::fprintf(stderr, "recipe: %s\n", recipe.status().message().c_str());
      std::abort();
    }
    auto stages = sluice::BuildStages(*recipe, "", 1);
    if (!stages.ok()) {
      std::fprintf(stderr, "stages: %s\n", stages.status().message().c_str());
      std::abort();
    }
    auto* c = new Chain();
    c->stages = std::move(stages).value();
    return c;
  }();
  return *chain;
}

void Check(bool ok, const char* what, const std::string& stage) {
  if (ok) return;
  std::fprintf(stderr, "stage %s: %s\n", stage.c_str(), what);
  std::abort();
}

// Runs one stage and checks what it left.
sluice::Verdict RunChecked(const sluice::StageInstance& s, sluice::Document& doc) {
  sluice::Stats stats;
  sluice::StageContext ctx(&stats);
  sluice::Verdict v = s.stage->Process(doc, ctx);
  Check(sluice::IsValidUtf8(doc.text), "text is not valid UTF-8", s.name);
  Check(v.keep() || !v.reason().empty(), "drop without a reason", s.name);
  for (const auto& [name, value] : doc.signals) {
    Check(std::isfinite(value), "signal is not finite", s.name + ":" + name);
  }
  return v;
}

const sluice::MinHasher& Hasher(sluice::ShingleMode mode) {
  static const sluice::MinHasher* hashers[2] = {nullptr, nullptr};
  const int i = mode == sluice::ShingleMode::kWord ? 0 : 1;
  if (hashers[i] == nullptr) {
    sluice::MinHashParams params;
    params.shingle = mode;
    hashers[i] = new sluice::MinHasher(params);
  }
  return *hashers[i];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  const Chain& chain = GetChain();
  sluice::Document base;
  base.id = "fuzz";
  base.text.assign(reinterpret_cast<const char*>(data), size);
  sluice::RepairUtf8(&base.text);  // what the reader hands the stages

  // Each stage on its own (after language_id, as recipes run it, so the
  // per-language and per-script paths are reached).
  sluice::Document with_language = base;
  for (const auto& s : chain.stages) {
    if (s.type == "language_id") RunChecked(s, with_language);
  }
  for (const auto& s : chain.stages) {
    sluice::Document doc = with_language;
    sluice::Verdict v = RunChecked(s, doc);
    if (s.type == "normalize" && v.keep()) {
      sluice::Document again = doc;
      again.signals.clear();
      RunChecked(s, again);
      Check(again.text == doc.text, "normalize is not idempotent", s.name);
    }
  }
  // MinHash keys: K minima exactly when the text has a shingle.
  for (sluice::ShingleMode mode : {sluice::ShingleMode::kWord, sluice::ShingleMode::kChar}) {
    const sluice::MinHasher& h = Hasher(mode);
    std::vector<uint64_t> shingles;
    h.Shingles(base.text, &shingles);
    sluice::MinHashSignature sig;
    h.ComputeFromShingles(shingles, &sig);
    Check(sig.empty() == shingles.empty(), "signature empty iff no shingle", "minhash");
    Check(sig.empty() || sig.mins.size() == static_cast<size_t>(h.params().num_perm()), "signature size", "minhash");
  }
  // All of them in order, as a run does, until one drops the document.
  sluice::Document doc = base;
  for (const auto& s : chain.stages) {
    if (!RunChecked(s, doc).keep()) break;
  }
  return 0;
}
