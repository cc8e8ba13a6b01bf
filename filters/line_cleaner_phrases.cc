#include "filters/line_cleaner_phrases.h"

#include <re2/re2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "stages/text/utf8.h"

namespace sluice::line_cleaner {

namespace {

bool IsAsciiWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Whether a phrase's edge letter belongs to a script written with spaces between
// words (so that a phrase there must stand as a whole word); Han, Kana, Thai, Lao,
// Khmer and Myanmar run words together.
bool SpacedScriptLetter(UChar32 cp) {
  if (!u_isalpha(cp)) return false;
  UErrorCode err = U_ZERO_ERROR;
  switch (uscript_getScript(cp, &err)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
      return false;
    default:
      return true;
  }
}

}  // namespace

std::string PhrasePattern(std::string_view phrase, bool whole_words) {
  // Word edges: \b next to an ASCII letter or digit; next to any other letter,
  // a non-letter (or the line's end) must be there: "о нас" (about us) is not in
  // "о насилии" (about violence).
  // (A small set of separators rather than [^\pL\pN\pM]: Unicode classes in a few
  // hundred phrases make the automata too big for RE2::Set.)
  static constexpr std::string_view kSeparators = "[\\s.,;:!?()\\[\\]\"'«»„“”‘’|·•/*\\-–—،؛؟।]";
  static const std::string kBefore = "(?:^|" + std::string(kSeparators) + ")";
  static const std::string kAfter = "(?:$|" + std::string(kSeparators) + ")";
  std::string out;
  if (!phrase.empty() && IsAsciiWordChar(phrase.front())) {
    out += "\\b";
  } else if (whole_words && !phrase.empty() && static_cast<unsigned char>(phrase.front()) >= 0x80) {
    size_t at = 0;
    if (SpacedScriptLetter(static_cast<UChar32>(DecodeUtf8(phrase, &at)))) out += kBefore;
  }
  size_t i = 0;
  while (i < phrase.size()) {
    if (phrase[i] == ' ') {
      while (i < phrase.size() && phrase[i] == ' ') ++i;
      out += "\\s+";
      continue;
    }
    size_t j = i;
    while (j < phrase.size() && phrase[j] != ' ') ++j;
    out += RE2::QuoteMeta(re2::StringPiece(phrase.data() + i, j - i));
    i = j;
  }
  if (!phrase.empty() && IsAsciiWordChar(phrase.back())) {
    out += "\\b";
  } else if (whole_words && !phrase.empty() && static_cast<unsigned char>(phrase.back()) >= 0x80) {
    size_t at = phrase.size() - 1;  // back to the last character's first byte
    while (at > 0 && (static_cast<unsigned char>(phrase[at]) & 0xC0) == 0x80) --at;
    if (SpacedScriptLetter(static_cast<UChar32>(DecodeUtf8(phrase, &at)))) out += kAfter;
  }
  return out;
}

std::string TimePattern(std::string_view fragment) {
  static constexpr std::string_view kNumber = "[0-9\xD9\xA0-\xD9\xA9\xDB\xB0-\xDB\xB9\xE0\xA5\xA6-\xE0\xA5\xAF"
                                              "\xE0\xA7\xA6-\xE0\xA7\xAF\xEF\xBC\x90-\xEF\xBC\x99]+";
  std::string out;
  size_t at = 0;
  for (size_t p; (p = fragment.find("{N}", at)) != std::string_view::npos; at = p + 3) {
    out.append(fragment.substr(at, p - at));
    out.append(kNumber);
  }
  out.append(fragment.substr(at));
  return out;
}

// Single words that are also everyday words ("masuk" enter, "daftar" list, "вход"
// entrance, "chia sẻ" to share) are pager/menu items, taken only as whole
// segments of a bar ("Masuk | Daftar"), never as weak phrases inside a line; so
// are all of Japanese, Korean and Thai UI words, which sentences contain without
// spaces around them ("ログイン、ログアウトの詳細な日時を表示する。").
//
// Sources: the languages' usual wording on news sites, blogs and forums (and the
// UI strings of WordPress, Disqus and common CMS themes). Relative times take
// the plural forms the languages use after numbers.
const std::vector<WebPhrases>& AllWebPhrases() {
  static const auto* all = new std::vector<WebPhrases>{
      {"ru",
       {"все права защищены", "мы используем файлы cookie", "использует файлы cookie", "политика использования cookie"},
       {"зарегистрироваться", "подписаться", "рассылка",
        "политика конфиденциальности", "условия использования", "пользовательское соглашение", "поделиться",
        "подписывайтесь на нас", "мы в соцсетях", "о нас", "карта сайта", "забыли пароль",
        "личный кабинет", "мой профиль", "вконтакте", "одноклассники", "телеграм", "фейсбук", "твиттер"},
       {"{N} (?:секунд[уы]?|сек|минут[уы]?|мин|час(?:а|ов)?|д(?:ень|ня|ней)|недел[юиь]|месяц(?:а|ев)?|год(?:а)?|лет) назад",
        "(?:минуту|час|день|неделю|месяц|год) назад", "только что", "(?:вчера|сегодня) в \\d{1,2}:\\d{2}"},
       {"ответить", "пожаловаться", "нравится", "мне нравится", "поделиться", "цитировать", "цитата"},
       {"{N} комментари(?:й|я|ев)", "комментарии \\(?{N}\\)?", "оставить комментарий", "написать комментарий",
        "добавить комментарий", "показать все комментарии", "загрузить ещё комментарии"},
       {"предыдущая статья", "следующая статья", "предыдущая", "следующая", "предыдущая страница",
        "следующая страница", "предыдущая запись", "следующая запись", "читать далее", "читать полностью",
        "подробнее", "наверх", "главная", "меню", "поиск", "показать ещё", "загрузить ещё", "перейти к содержимому",
        "вход", "войти", "выйти", "регистрация"}},
      {"uk",
       {"всі права захищені", "усі права захищені", "ми використовуємо файли cookie"},
       {"зареєструватися", "підписатися", "розсилка",
        "політика конфіденційності", "умови використання", "поділитися", "про нас", "мапа сайту",
        "забули пароль"},
       {"{N} (?:секунд[уи]?|хвилин[уи]?|годин[уи]?|д(?:ень|ні|нів)|тиж(?:день|ні|нів)|місяц(?:ь|і|ів)|р(?:ік|оки|оків)) тому"},
       {"відповісти", "поскаржитися", "подобається", "поділитися", "цитувати"},
       {"{N} коментар(?:ів|і|ій)?", "залишити коментар", "написати коментар", "додати коментар"},
       {"попередня стаття", "наступна стаття", "попередня", "наступна", "читати далі", "докладніше", "нагору",
        "головна", "меню", "пошук", "показати більше", "вхід", "увійти", "вийти", "реєстрація"}},
      {"es",
       {"todos los derechos reservados", "utilizamos cookies", "este sitio utiliza cookies",
        "este sitio web utiliza cookies",
        "usamos cookies", "aceptar cookies", "política de cookies"},
       {"iniciar sesión", "registrarse", "regístrate", "cerrar sesión", "suscríbete", "suscribirse", "boletín",
        "política de privacidad", "aviso legal", "términos de uso", "términos y condiciones", "compartir en",
        "síguenos", "contáctanos", "quiénes somos", "sobre nosotros", "mapa del sitio",
        "olvidaste tu contraseña", "crear una cuenta", "mi cuenta"},
       {"hace {N} (?:segundos?|minutos?|min|horas?|días?|semanas?|mes(?:es)?|años?)",
        "hace (?:un|una) (?:minuto|hora|día|semana|mes|año)", "hace un momento"},
       {"responder", "denunciar", "me gusta", "compartir", "citar", "reportar"},
       {"{N} comentarios?", "comentarios \\(?{N}\\)?", "deja un comentario", "dejar un comentario",
        "escribe un comentario", "ver (?:todos los )?comentarios", "cargar más comentarios"},
       {"artículo anterior", "artículo siguiente", "anterior", "siguiente", "página anterior", "página siguiente",
        "entrada anterior", "entrada siguiente", "noticia anterior", "noticia siguiente", "leer más",
        "seguir leyendo", "volver arriba", "ir al contenido", "inicio", "menú", "buscar", "cargar más", "ver más",
        "mostrar más"}},
      {"pt",
       {"todos os direitos reservados", "utilizamos cookies", "usamos cookies", "este site utiliza cookies",
        "este site usa cookies", "aceitar cookies", "política de cookies"},
       {"iniciar sessão", "cadastre-se", "cadastrar", "registar", "registrar", "assine",
        "subscrever", "newsletter", "política de privacidade", "termos de uso", "termos de utilização",
        "compartilhar no", "partilhar no", "siga-nos", "fale conosco", "quem somos",
        "sobre nós", "mapa do site", "esqueceu a senha", "esqueceu sua senha", "criar conta", "minha conta"},
       {"há {N} (?:segundos?|minutos?|min|horas?|dias?|semanas?|mes(?:es)?|anos?)",
        "{N} (?:segundos?|minutos?|horas?|dias?|semanas?|mes(?:es)?|anos?) atrás",
        "há (?:um|uma) (?:minuto|hora|dia|semana|mês|ano)", "agora mesmo"},
       {"responder", "denunciar", "curtir", "gostei", "compartilhar", "partilhar", "citar"},
       {"{N} comentários?", "comentários \\(?{N}\\)?", "deixe um comentário", "deixe seu comentário",
        "escreva um comentário", "ver (?:todos os )?comentários", "carregar mais comentários"},
       {"artigo anterior", "próximo artigo", "anterior", "próximo", "próxima", "página anterior", "próxima página",
        "post anterior", "próximo post", "notícia anterior", "próxima notícia", "leia mais", "ler mais",
        "continuar lendo", "continuar a ler", "voltar ao topo", "ir para o conteúdo", "início", "página inicial",
        "menu", "pesquisar", "buscar", "carregar mais", "ver mais", "mostrar mais", "entrar", "sair"}},
      {"fr",
       {"tous droits réservés", "nous utilisons des cookies", "ce site utilise des cookies", "accepter les cookies",
        "politique de cookies", "gestion des cookies"},
       {"se connecter", "s’inscrire", "s'inscrire", "se déconnecter", "déconnexion",
        "s’abonner", "s'abonner", "abonnez-vous", "newsletter", "politique de confidentialité", "mentions légales",
        "conditions d’utilisation", "conditions d'utilisation", "conditions générales", "partager sur",
        "suivez-nous", "contactez-nous", "qui sommes-nous", "à propos", "plan du site",
        "mot de passe oublié", "créer un compte", "mon compte"},
       {"il y a {N} (?:secondes?|minutes?|min|heures?|h|jours?|semaines?|mois|ans?)",
        "il y a (?:un|une) (?:minute|heure|jour|semaine|mois|an)", "à l’instant", "à l'instant",
        "(?:hier|aujourd’hui|aujourd'hui) à \\d{1,2}[:h]\\d{2}"},
       {"répondre", "signaler", "j’aime", "j'aime", "partager", "citer"},
       {"{N} commentaires?", "commentaires \\(?{N}\\)?", "laisser un commentaire", "laissez un commentaire",
        "écrire un commentaire", "voir (?:tous )?les commentaires", "afficher plus de commentaires"},
       {"article précédent", "article suivant", "précédent", "suivant", "précédente", "suivante", "page précédente",
        "page suivante", "lire la suite", "lire plus", "en savoir plus", "retour en haut", "aller au contenu",
        "accueil", "menu", "rechercher", "charger plus", "voir plus", "afficher plus"}},
      {"de",
       {"alle rechte vorbehalten", "wir verwenden cookies", "diese website verwendet cookies",
        "diese seite verwendet cookies", "cookies akzeptieren", "cookie-einstellungen", "cookie-richtlinie"},
       {"anmelden", "einloggen", "registrieren", "abmelden", "ausloggen", "abonnieren", "newsletter",
        "datenschutzerklärung", "impressum", "nutzungsbedingungen", "agb", "teilen auf",
        "auf facebook teilen", "folgen sie uns", "folge uns", "über uns", "sitemap",
        "passwort vergessen", "konto erstellen", "mein konto"},
       {"vor {N} (?:sekunden?|sek\\.?|minuten?|min\\.?|stunden?|std\\.?|tag(?:en)?|wochen?|monat(?:en)?|jahr(?:en)?)",
        "vor (?:einer|einem) (?:minute|stunde|tag|woche|monat|jahr)", "gerade eben"},
       {"antworten", "melden", "gefällt mir", "teilen", "zitieren"},
       {"{N} kommentare?", "kommentare \\(?{N}\\)?", "kommentar schreiben", "hinterlasse einen kommentar",
        "kommentar hinterlassen", "alle kommentare anzeigen", "weitere kommentare laden"},
       {"vorheriger artikel", "nächster artikel", "vorheriger beitrag", "nächster beitrag", "vorherige seite",
        "nächste seite", "vorherige", "nächste", "zurück", "weiter", "weiterlesen", "mehr lesen", "mehr erfahren",
        "nach oben", "zum inhalt springen", "startseite", "menü", "suche", "mehr laden", "mehr anzeigen"}},
      {"it",
       {"tutti i diritti riservati", "utilizziamo i cookie", "questo sito utilizza cookie",
        "questo sito utilizza i cookie", "accetta i cookie",
        "cookie policy"},
       {"accedi", "registrati", "iscriviti", "newsletter", "privacy policy", "informativa sulla privacy",
        "termini di utilizzo", "termini e condizioni", "condividi su", "seguici", "contattaci",
        "chi siamo", "mappa del sito", "password dimenticata", "crea un account", "il mio account"},
       {"{N} (?:secondi|minuti|min|ore|giorni|settimane|mesi|anni) fa",
        "(?:un minuto|un'ora|un’ora|un giorno|una settimana|un mese|un anno) fa", "proprio ora", "poco fa"},
       {"rispondi", "segnala", "mi piace", "condividi", "cita"},
       {"{N} commenti", "commenti \\(?{N}\\)?", "lascia un commento", "scrivi un commento",
        "mostra (?:tutti i )?commenti", "carica altri commenti"},
       {"articolo precedente", "articolo successivo", "precedente", "successivo", "successiva",
        "pagina precedente", "pagina successiva", "leggi di più", "leggi tutto", "continua a leggere", "torna su",
        "vai al contenuto", "home", "menu", "cerca", "carica altri", "mostra altro", "esci"}},
      {"nl",
       {"alle rechten voorbehouden", "wij gebruiken cookies", "we gebruiken cookies", "deze website gebruikt cookies",
        "cookies accepteren", "cookiebeleid"},
       {"inloggen", "aanmelden", "registreren", "uitloggen", "abonneren", "nieuwsbrief", "privacybeleid",
        "privacyverklaring", "gebruiksvoorwaarden", "algemene voorwaarden", "delen op", "volg ons",
        "over ons", "sitemap", "wachtwoord vergeten", "account aanmaken", "mijn account"},
       {"{N} (?:seconden|minuten|min|uur|dagen|dag|weken|week|maanden|maand|jaar) geleden",
        "(?:een minuut|een uur|een dag|een week|een maand|een jaar) geleden", "net nu"},
       {"reageren", "beantwoorden", "antwoorden", "melden", "vind ik leuk", "delen", "citeren"},
       {"{N} reacties?", "reacties \\(?{N}\\)?", "plaats een reactie", "laat een reactie achter",
        "schrijf een reactie", "bekijk alle reacties", "meer reacties laden"},
       {"vorig artikel", "volgend artikel", "vorige", "volgende", "vorige pagina", "volgende pagina", "lees meer",
        "verder lezen", "terug naar boven", "naar inhoud", "home", "menu", "zoeken", "meer laden", "toon meer"}},
      {"pl",
       {"wszelkie prawa zastrzeżone", "wszystkie prawa zastrzeżone", "używamy plików cookie",
        "ta strona używa plików cookie", "ta strona korzysta z plików cookie", "polityka cookies"},
       {"zaloguj się", "zaloguj", "zarejestruj się", "wyloguj", "subskrybuj", "newsletter",
        "polityka prywatności", "warunki korzystania", "udostępnij na", "obserwuj nas",
        "o nas", "mapa strony", "nie pamiętasz hasła", "załóż konto", "moje konto"},
       {"{N} (?:sekund[ay]?|sek\\.?|minut[ay]?|min\\.?|godzin[ay]?|godz\\.?|dni|dzień|tygodni(?:e)?|tydzień|miesi(?:ące|ęcy|ąc)|lat[a]?|rok) temu",
        "(?:minutę|godzinę|dzień|tydzień|miesiąc|rok) temu", "przed chwilą", "właśnie teraz"},
       {"odpowiedz", "zgłoś", "lubię to", "udostępnij", "cytuj"},
       {"{N} komentarz(?:y|e|a)?", "komentarze \\(?{N}\\)?", "dodaj komentarz", "napisz komentarz",
        "zostaw komentarz", "pokaż (?:wszystkie )?komentarze", "załaduj więcej komentarzy"},
       {"poprzedni artykuł", "następny artykuł", "poprzedni", "następny", "poprzednia", "następna",
        "poprzednia strona", "następna strona", "czytaj więcej", "czytaj dalej", "do góry",
        "przejdź do treści", "strona główna", "menu", "szukaj", "pokaż więcej", "załaduj więcej", "rejestracja"}},
      {"tr",
       {"tüm hakları saklıdır", "her hakkı saklıdır", "çerezleri kullanıyoruz", "çerez kullanıyoruz",
        "çerez politikası", "çerezleri kabul et"},
       {"giriş yap", "kayıt ol", "üye ol", "çıkış yap", "abone ol", "bülten", "gizlilik politikası",
        "kullanım koşulları", "kullanım şartları", "paylaş", "bizi takip edin", "hakkımızda",
        "site haritası", "şifremi unuttum", "hesap oluştur", "hesabım"},
       {"{N} (?:saniye|sn|dakika|dk|saat|sa|gün|hafta|ay|yıl) önce", "az önce",
        "(?:dün|bugün) \\d{1,2}:\\d{2}"},
       {"yanıtla", "cevapla", "şikayet et", "bildir", "beğen", "paylaş", "alıntı"},
       {"{N} yorum", "yorumlar \\(?{N}\\)?", "yorum yap", "yorum yaz", "yorum yazın", "bir yorum bırakın",
        "tüm yorumları gör", "daha fazla yorum yükle"},
       {"önceki haber", "sonraki haber", "önceki makale", "sonraki makale", "önceki yazı", "sonraki yazı", "önceki",
        "sonraki", "önceki sayfa", "sonraki sayfa", "devamını oku", "devamı", "başa dön", "yukarı çık",
        "içeriğe geç", "ana sayfa", "anasayfa", "menü", "ara", "daha fazla yükle", "daha fazla göster"}},
      {"ar",
       {"جميع الحقوق محفوظة", "كل الحقوق محفوظة", "نستخدم ملفات تعريف الارتباط",
        "يستخدم هذا الموقع ملفات تعريف الارتباط",
        "سياسة ملفات تعريف الارتباط"},
       {"تسجيل الدخول", "إنشاء حساب", "تسجيل الخروج", "اشترك", "النشرة البريدية",
        "سياسة الخصوصية", "شروط الاستخدام", "الشروط والأحكام", "شارك على", "تابعنا", "اتصل بنا",
        "من نحن", "خريطة الموقع", "نسيت كلمة المرور", "حسابي", "فيسبوك", "تويتر"},
       {"منذ {N} (?:ثوان|ثوانٍ|ثانية|دقائق|دقيقة|ساعات|ساعة|أيام|يوم|أسابيع|أسبوع|أشهر|شهر|سنوات|سنة)",
        "قبل {N} (?:ثوان|ثوانٍ|ثانية|دقائق|دقيقة|ساعات|ساعة|أيام|يوم|أسابيع|أسبوع|أشهر|شهر|سنوات|سنة)",
        "منذ (?:دقيقة|ساعة|يوم|أسبوع|شهر|سنة)", "منذ (?:دقيقتين|ساعتين|يومين|أسبوعين|شهرين|سنتين)"},
       {"رد", "الرد", "إبلاغ", "إعجاب", "أعجبني", "مشاركة", "اقتباس"},
       {"{N} (?:تعليقات|تعليق|تعليقا|تعليقًا)", "التعليقات \\(?{N}\\)?", "أضف تعليقا", "أضف تعليقًا", "اترك تعليقا",
        "اترك تعليقًا", "اكتب تعليقا", "اكتب تعليقًا", "عرض كل التعليقات", "عرض المزيد من التعليقات"},
       {"المقال السابق", "المقال التالي", "الخبر السابق", "الخبر التالي", "السابق", "التالي", "الصفحة السابقة",
        "الصفحة التالية", "اقرأ المزيد", "اقرأ أيضا", "المزيد", "العودة إلى الأعلى", "الرئيسية",
        "الصفحة الرئيسية", "القائمة", "بحث", "تحميل المزيد", "عرض المزيد", "دخول", "خروج", "تسجيل", "شارك"}},
      {"fa",
       {"تمامی حقوق محفوظ است", "کلیه حقوق محفوظ است", "همه حقوق محفوظ است", "از کوکی‌ها استفاده می‌کنیم"},
       {"ثبت نام", "ثبت‌نام", "عضویت", "خبرنامه", "حریم خصوصی", "سیاست حفظ حریم خصوصی",
        "شرایط استفاده", "قوانین و مقررات", "اشتراک گذاری", "اشتراک‌گذاری", "ما را دنبال کنید", "تماس با ما",
        "درباره ما", "نقشه سایت", "فراموشی رمز عبور", "حساب کاربری", "فیسبوک", "توییتر"},
       {"{N} (?:ثانیه|دقیقه|ساعت|روز|هفته|ماه|سال) (?:پیش|قبل)", "همین الان", "لحظاتی پیش"},
       {"پاسخ", "پاسخ دادن", "گزارش", "پسندیدن", "لایک", "اشتراک‌گذاری", "نقل قول"},
       {"{N} (?:دیدگاه|نظر)", "دیدگاه‌ها \\(?{N}\\)?", "نظرات \\(?{N}\\)?", "ارسال نظر", "دیدگاه بگذارید",
        "نظر خود را بنویسید", "نمایش همه نظرات"},
       {"مطلب قبلی", "مطلب بعدی", "خبر قبلی", "خبر بعدی", "قبلی", "بعدی", "صفحه قبل", "صفحه بعد", "ادامه مطلب",
        "بیشتر بخوانید", "بازگشت به بالا", "صفحه اصلی", "خانه", "منو", "جستجو", "بیشتر", "ورود", "خروج"}},
      {"hi",
       {"सर्वाधिकार सुरक्षित", "सभी अधिकार सुरक्षित", "हम कुकीज़ का उपयोग करते हैं",
        "यह वेबसाइट कुकीज़ का उपयोग करती है"},
       {"लॉग इन", "लॉगिन", "साइन इन", "रजिस्टर करें", "रजिस्टर", "साइन अप", "लॉग आउट", "सब्सक्राइब करें",
        "सदस्यता लें", "न्यूज़लेटर", "गोपनीयता नीति", "प्राइवेसी पॉलिसी", "उपयोग की शर्तें", "नियम और शर्तें",
        "शेयर करें", "हमें फॉलो करें", "संपर्क करें", "हमारे बारे में", "साइटमैप", "पासवर्ड भूल गए",
        "मेरा खाता", "फेसबुक", "ट्विटर", "व्हाट्सएप"},
       {"{N} (?:सेकंड|मिनट|घंटे|घंटा|घण्टे|दिन|सप्ताह|हफ्ते|हफ़्ते|महीने|महीना|साल|वर्ष) (?:पहले|पूर्व)", "अभी अभी",
        "अभी-अभी"},
       {"जवाब दें", "उत्तर दें", "जवाब", "रिपोर्ट करें", "पसंद", "लाइक", "शेयर करें", "शेयर"},
       {"{N} (?:टिप्पणियां|टिप्पणियाँ|टिप्पणी|कमेंट्स|कमेंट)", "टिप्पणियां \\(?{N}\\)?", "टिप्पणी करें",
        "टिप्पणी लिखें", "अपनी टिप्पणी दें", "कमेंट करें", "सभी टिप्पणियां देखें"},
       {"पिछला लेख", "अगला लेख", "पिछली खबर", "अगली खबर", "पिछला", "अगला", "पिछला पेज", "अगला पेज", "और पढ़ें",
        "आगे पढ़ें", "पूरा पढ़ें", "ऊपर जाएं", "होम", "मुखपृष्ठ", "मेनू", "खोजें", "और देखें", "और लोड करें"}},
      {"bn",
       {"সর্বস্বত্ব সংরক্ষিত", "সমস্ত অধিকার সংরক্ষিত", "আমরা কুকি ব্যবহার করি"},
       {"লগ ইন", "লগইন", "সাইন ইন", "নিবন্ধন", "রেজিস্টার", "সাইন আপ", "লগ আউট", "সাবস্ক্রাইব করুন",
        "গোপনীয়তা নীতি", "ব্যবহারের শর্তাবলি", "শর্তাবলি", "শেয়ার করুন", "আমাদের অনুসরণ করুন", "যোগাযোগ",
        "আমাদের সম্পর্কে", "সাইটম্যাপ", "পাসওয়ার্ড ভুলে গেছেন", "ফেসবুক", "টুইটার"},
       {"{N} (?:সেকেন্ড|মিনিট|ঘণ্টা|ঘন্টা|দিন|সপ্তাহ|মাস|বছর) আগে"},
       {"উত্তর দিন", "উত্তর", "রিপোর্ট", "পছন্দ", "লাইক", "শেয়ার"},
       {"{N} (?:মন্তব্য|কমেন্ট)", "মন্তব্য \\(?{N}\\)?", "মন্তব্য করুন", "মন্তব্য লিখুন", "সব মন্তব্য দেখুন"},
       {"আগের খবর", "পরের খবর", "আগের পোস্ট", "পরের পোস্ট", "আগের", "পরের", "আরও পড়ুন", "বিস্তারিত পড়ুন",
        "উপরে যান", "প্রচ্ছদ", "হোম", "মেনু", "খুঁজুন", "আরও দেখুন"}},
      {"id",
       {"hak cipta dilindungi undang-undang", "hak cipta dilindungi", "kami menggunakan cookie",
        "situs ini menggunakan cookie", "kebijakan cookie"},
       {"daftar sekarang", "berlangganan", "buletin", "kebijakan privasi",
        "syarat penggunaan", "syarat dan ketentuan", "ketentuan layanan", "bagikan ke", "ikuti kami",
        "hubungi kami", "tentang kami", "peta situs", "lupa kata sandi", "buat akun", "akun saya"},
       {"{N} (?:detik|menit|jam|hari|minggu|bulan|tahun) (?:yang )?lalu", "baru saja"},
       {"balas", "laporkan", "suka", "bagikan", "kutip"},
       {"{N} komentar", "komentar \\(?{N}\\)?", "tulis komentar", "tinggalkan komentar", "kirim komentar",
        "lihat semua komentar", "muat komentar lainnya"},
       {"artikel sebelumnya", "artikel berikutnya", "artikel selanjutnya", "berita sebelumnya",
        "berita selanjutnya", "sebelumnya", "berikutnya", "selanjutnya", "halaman sebelumnya",
        "halaman berikutnya", "baca selengkapnya", "baca juga", "baca lebih lanjut", "kembali ke atas",
        "langsung ke konten", "beranda", "menu", "cari", "muat lebih banyak", "lihat lebih banyak",
        "tampilkan lebih banyak", "masuk", "daftar", "keluar", "bagikan"}},
      {"ms",
       {"hak cipta terpelihara", "semua hak terpelihara", "kami menggunakan kuki", "laman web ini menggunakan kuki"},
       {"log masuk", "log keluar", "dasar privasi", "terma penggunaan", "terma dan syarat",
        "ikuti kami", "hubungi kami", "tentang kami", "peta laman", "lupa kata laluan", "akaun saya"},
       {"{N} (?:saat|minit|jam|hari|minggu|bulan|tahun) (?:yang )?lalu", "sebentar tadi", "baru sahaja"},
       {"balas", "laporkan", "suka", "kongsi", "petik"},
       {"{N} komen", "komen \\(?{N}\\)?", "tinggalkan komen", "tulis komen", "lihat semua komen"},
       {"artikel sebelumnya", "artikel seterusnya", "sebelumnya", "seterusnya", "baca lagi",
        "baca selanjutnya", "kembali ke atas", "laman utama", "utama", "menu", "cari", "lihat lagi", "daftar",
        "kongsi", "langgan"}},
      {"vi",
       {"bảo lưu mọi quyền", "giữ bản quyền", "chúng tôi sử dụng cookie", "trang web này sử dụng cookie"},
       {"đăng nhập", "đăng ký", "đăng xuất", "bản tin", "chính sách bảo mật", "chính sách riêng tư",
        "điều khoản sử dụng", "điều khoản dịch vụ", "chia sẻ lên", "liên hệ", "giới thiệu",
        "sơ đồ trang", "quên mật khẩu", "tạo tài khoản", "tài khoản của tôi"},
       {"{N} (?:giây|phút|giờ|tiếng|ngày|tuần|tháng|năm) trước", "vừa xong", "vừa mới"},
       {"trả lời", "báo cáo", "báo vi phạm", "thích", "chia sẻ", "trích dẫn"},
       {"{N} bình luận", "bình luận \\(?{N}\\)?", "viết bình luận", "để lại bình luận", "gửi bình luận",
        "xem tất cả bình luận", "xem thêm bình luận"},
       {"bài trước", "bài tiếp theo", "bài sau", "bài viết trước", "bài viết tiếp theo", "trang trước",
        "trang sau", "trang tiếp", "xem thêm", "đọc thêm", "đọc tiếp", "lên đầu trang", "trang chủ", "menu",
        "tìm kiếm", "tải thêm", "theo dõi", "chia sẻ"}},
      {"th",
       {"สงวนลิขสิทธิ์", "เว็บไซต์นี้ใช้คุกกี้", "เราใช้คุกกี้"},
       {},
       {"{N} ?(?:วินาที|นาที|ชั่วโมง|ชม\\.|วัน|สัปดาห์|เดือน|ปี) ?(?:ที่แล้ว|ก่อน|ที่ผ่านมา)", "เมื่อสักครู่"},
       {"ตอบกลับ", "รายงาน", "ถูกใจ", "แชร์", "อ้างอิง"},
       {"{N} ความคิดเห็น", "ความคิดเห็น \\(?{N}\\)?", "แสดงความคิดเห็น", "เขียนความคิดเห็น", "ดูความคิดเห็นทั้งหมด"},
       {"บทความก่อนหน้า", "บทความถัดไป", "ก่อนหน้า", "ถัดไป", "หน้าก่อนหน้า", "หน้าถัดไป", "อ่านต่อ", "อ่านเพิ่มเติม",
        "กลับไปด้านบน", "หน้าแรก", "เมนู", "ค้นหา", "ดูเพิ่มเติม", "โหลดเพิ่ม", "เข้าสู่ระบบ", "สมัครสมาชิก",
        "ลงทะเบียน", "ออกจากระบบ", "นโยบายความเป็นส่วนตัว", "ข้อกำหนดการใช้งาน", "เงื่อนไขการใช้งาน", "แชร์",
        "ติดต่อเรา", "เกี่ยวกับเรา", "แผนผังเว็บไซต์", "ลืมรหัสผ่าน", "เฟซบุ๊ก", "ทวิตเตอร์"}},
      {"ja",
       {"無断転載を禁じます", "無断転載禁止", "無断複製・転載を禁じます", "クッキーを使用しています", "cookieを使用しています"},
       {},
       {"{N} ?(?:秒|分|時間|日|週間|か月|ヶ月|カ月|年)前", "たった今", "(?:昨日|今日) ?\\d{1,2}:\\d{2}"},
       {"返信", "返信する", "通報", "通報する", "いいね", "いいね！", "シェア", "引用"},
       {"コメント ?{N}件?", "{N}件のコメント", "コメント[(（]{N}[)）]", "コメントする", "コメントを書く",
        "コメントを投稿", "すべてのコメントを見る", "もっと見る"},
       {"前の記事", "次の記事", "前へ", "次へ", "前のページ", "次のページ", "続きを読む", "もっと見る",
        "ページトップへ", "トップへ戻る", "facebookでシェア", "twitterでシェア", "xでシェア", "lineで送る", "はてなブックマーク", "ホーム", "トップ", "メニュー",
        "検索", "さらに表示", "ログイン", "ログアウト", "新規登録", "会員登録", "購読", "メールマガジン", "プライバシーポリシー", "個人情報保護方針", "利用規約", "シェア",
        "ツイート", "フォローする", "お問い合わせ", "会社概要", "サイトマップ", "パスワードを忘れた方", "マイページ", "フェイスブック"}},
      {"ko",
       {"무단 전재 및 재배포 금지", "무단전재 및 재배포 금지", "무단 전재 및 재배포를 금지합니다", "쿠키를 사용합니다"},
       {},
       {"{N} ?(?:초|분|시간|일|주|개월|달|년) ?전", "방금 전"},
       {"답글", "답글 달기", "신고", "신고하기", "좋아요", "공유", "추천", "비추천"},
       {"댓글 ?{N}개?", "{N}개의 댓글", "댓글[(（]{N}[)）]", "댓글 쓰기", "댓글 달기", "댓글 작성", "댓글 더보기",
        "전체 댓글 보기"},
       {"이전 기사", "다음 기사", "이전 글", "다음 글", "이전", "다음", "이전 페이지", "다음 페이지", "더보기",
        "더 보기", "계속 읽기", "맨 위로", "본문 바로가기", "페이스북 공유", "트위터 공유", "카카오톡 공유", "카카오스토리", "홈", "메뉴", "검색", "구독", "공유",
        "로그인", "로그아웃", "회원가입", "구독하기", "뉴스레터", "개인정보처리방침", "개인정보 처리방침", "이용약관", "공유하기", "팔로우", "문의하기", "회사소개", "사이트맵",
        "비밀번호 찾기", "마이페이지", "페이스북", "트위터", "카카오톡"}},
      {"sw",
       {"haki zote zimehifadhiwa", "tunatumia vidakuzi"},
       {"jisajili", "sera ya faragha", "masharti ya matumizi",
        "tufuate", "wasiliana nasi", "kuhusu sisi", "ramani ya tovuti", "umesahau nenosiri"},
       {"(?:sekunde|dakika|saa|siku|wiki|mwezi|miezi|mwaka|miaka) {N} (?:iliyopita|zilizopita)", "sasa hivi"},
       {"jibu", "ripoti", "penda", "shiriki"},
       {"maoni {N}", "maoni \\({N}\\)", "acha maoni", "andika maoni", "toa maoni", "ona maoni yote"},
       {"makala iliyotangulia", "makala inayofuata", "habari iliyotangulia", "habari inayofuata",
        "iliyotangulia", "inayofuata", "soma zaidi", "endelea kusoma", "rudi juu", "nyumbani", "menyu",
        "tafuta", "pakia zaidi", "ona zaidi", "ingia", "toka", "jiunge", "shiriki"}},
  };
  return *all;
}

}  // namespace sluice::line_cleaner
