#include "filters/line_cleaner.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <unicode/uchar.h>
#include <xxhash.h>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_set>

#include "filters/document_locale.h"
#include "filters/line_cleaner_phrases.h"
#include "filters/phrase_matcher.h"
#include "filters/rule_stage.h"
#include "filters/text_stats.h"
#include "stages/engine/stage.h"
#include "stages/text/utf8.h"

namespace sluice::line_cleaner {
namespace {

// ---------------------------------------------------------------- patterns

// Boilerplate that no article sentence contains: removed at any line length.
constexpr char kStrongBoilerplate[] =
    R"((?i)\b(?:we|this (?:web)?site|our (?:web)?site|this page) uses? cookies\b|\baccept (?:all )?cookies\b|)"
    R"(\bcookie (?:policy|settings|preferences|consent|notice)\b|\ball rights reserved\b|)"
    R"(^\s*(?:copyright\s*)?(?:©|\(c\))\s*(?:\d{4}|copyright)|^\s*copyright\b.{0,80}\d{4}|)"
    R"(版权所有|版權所有|ICP备|ICP證|ICP证|公网安备|公網安備|未经(?:授权|许可).{0,12}(?:转载|复制|使用)|本站(?:使用|采用)\s*cookie)";

// Weak phrases: a line with several different ones, or a short unpunctuated
// line made of one and separators only, is boilerplate ("Share on Facebook",
// "登录 | 注册", "Sign in »").
constexpr const char* kWeakPhrases[] = {
    R"(\bsign (?:in|up|out)\b)", R"(\blog ?(?:in|out)\b)", R"(\bregister\b)", R"(\bsubscribe\b)",
    R"(\bnewsletter\b)", R"(\bprivacy policy\b)", R"(\bterms (?:of (?:use|service)|and conditions)\b)",
    R"(\bshare (?:this|on|via)\b)", R"(\bfollow us\b)", R"(\bfacebook\b)", R"(\btwitter\b)", R"(\blinkedin\b)",
    R"(\bwhatsapp\b)", R"(\bpinterest\b)", R"(\bemail\b)", R"(\bprint\b)", R"(\bforgot (?:your )?password\b)",
    R"(\bcreate an account\b)", R"(\bmy account\b)", R"(\bcontact us\b)", R"(\babout us\b)", R"(\bsitemap\b)",
    "登录", "登錄", "注册", "註冊", "分享到", "分享至", "一键分享", "关注我们", "關注我們", "扫一扫", "扫码",
    "公众号", "隐私政策", "隱私政策", "用户协议", "用戶協議", "免责声明", "免責聲明", "联系我们", "聯繫我們",
    "关于我们", "關於我們", "网站地图", "设为首页", "加入收藏", "收藏本站", "微博", "QQ空间", "微信",
    "返回顶部", "回到顶部", "客服", "下载APP", "下载客户端"};

// A relative or absolute time right after a short user name, then a separator
// or the end: "张三 2小时前：", "John Smith · 3 hours ago", "2秒前:", "刚刚".
constexpr char kCommentName[] = R"(^\s*(?:[^\s，。,.!?！？:：]{1,24}[\s·|•\-–—]+){0,3})";
constexpr char kCommentTime[] =
    R"((?:\d+\s*(?i:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+(?i:ago)|)"
    R"((?i:just now)|(?i:an? (?:hour|minute|day|week|month|year) ago)|)"
    R"(\d+\s*(?:秒|分钟|分鐘|小时|小時|天|周|週|个月|個月|年)前|刚刚|剛剛|(?:昨天|前天|今天)\s*\d{1,2}[:：]\d{2}|)"
    R"((?:发表于|發表於|(?i:posted on))?\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s+\d{1,2}:\d{2}(?::\d{2})?))";
constexpr char kCommentAfter[] = R"(\s*(?:[:：|·•]|$|(?i:reply)|回复|回覆))";

constexpr char kCommentUi[] =
    R"((?i)^\s*(?:reply|report|like|share|quote|permalink|flag|回复|回覆|举报|舉報|点赞|點讚|赞|顶|踩|引用|分享|收起|展开))"
    R"((?:\s*[|·•/]?\s*(?:\(?\d+\)?|（\d+）|reply|report|like|share|quote|permalink|flag|回复|回覆|举报|舉報|点赞|點讚|赞|顶|踩|引用|分享|收起|展开))*\s*$|)"
    R"((?i)^\s*(?:\d+\s+(?:comments?|replies|responses)|(?:leave|post|add|write) a (?:comment|reply)|)"
    R"(log in to (?:reply|comment)|load more comments|view (?:all )?\d* ?(?:comments|replies)|comments? \(\d+\)|)"
    R"(发表评论|發表評論|我要评论|网友评论|網友評論|全部评论|热门评论|最新评论|查看全部\d*条评论|共\d+条评论|评论\s*[(（]?\d*[)）]?|\d+条评论)[:：\s]*$|)"
    R"((?:请先|請先)?(?:登录|登錄)(?:后|後)(?:才能|再)?(?:发表|參與|参与|發表)?(?:评论|評論)|)"
    R"(^\s*(?:网友|網友|游客|遊客|匿名用户|楼主|樓主)[^\s：:，。]{0,20}[:：]|^\s*\d+\s*(?:楼|樓)\s*[:：\s]|)"
    R"((?i)^\s*(?:[^\s,.!?:]{1,24}\s+){0,1}[^\s,.!?:]{1,24}\s+says:)";

constexpr char kBracketWord[] = R"((【[^】]{1,40}】))";

// Gambling and spam keywords (SEO spam on Chinese and English pages).
constexpr const char* kSpamKeywords[] = {
    "彩票", "六合彩", "时时彩", "時時彩", "北京赛车", "北京賽車", "pk10", "快三", "11选5", "福彩3d", "双色球",
    "大乐透", "博彩", "赌场", "賭場", "百家乐", "百家樂", "娱乐城", "娛樂城", "真人视讯", "老虎机", "棋牌",
    "赌博", "賭博", "开奖", "開獎", "投注", "下注", "彩金", "注册送", "首存", "返水", "代孕", "办证", "發票代開",
    "代开发票", "威尼斯人", "葡京", "太阳城", "澳门金沙", R"(\bcasino\b)", R"(\bpoker\b)", R"(\bblackjack\b)",
    R"(\broulette\b)", R"(\bslots?\b)", R"(\bsportsbook\b)", R"(\bbetting\b)", R"(\bbet365\b)", R"(\bjackpot\b)",
    R"(\bviagra\b)", R"(\bcialis\b)", R"(\bpayday loans?\b)", R"(\bporn\b)", R"(\bxxx\b)", R"(\bescorts?\b)",
    R"(\breplica watches\b)"};

constexpr std::u32string_view kKeywordSeparators = U",，、|;；";

constexpr char kNavLine[] =
    R"((?i)^\s*(?:[«‹<]\s*)?(?:previous|prev|next|older|newer)(?:\s+(?:post|page|article|entry|posts|entries|story))?(?:\s*[»›>])?\s*$|)"
    R"((?i)^\s*(?:read more|continue reading|back to top|skip to (?:main )?content|home|menu|search|)"
    R"(toggle navigation|main menu|load more|show more|see more|more)\s*[»›>.…]*\s*$|)"
    R"(^\s*(?:上一篇|下一篇|上一页|下一页|上一章|下一章|上一条|下一条|上一頁|下一頁)[:：]?.{0,40}$|)"
    R"(^\s*(?:返回列表|返回首页|返回顶部|更多|查看更多|阅读全文|阅读更多|点击查看|展开全文|点击进入|首页|尾页|末页)\s*(?:[>»›]+)?\s*$|)"
    R"(^\s*(?:当前位置|您的位置|你的位置|所在位置|您现在的位置|当前的位置)\s*[:：]|)"
    R"((?i)^\s*(?:\d+\s+){2,}\d+\s*(?:下一页|next|»|>|›)?\s*$)";

constexpr std::string_view kHomeWords[] = {"home", "首页", "首頁", "主页", "主頁", "网站首页"};

// Citation markers stripped from kept lines.
constexpr char kCitation[] =
    R"(\[\d{1,3}\]|\[(?i:edit|citation needed|clarification needed|note \d+)\]|\[编辑\]|\[編輯\]|\[来源请求\]|\[來源請求\]|\[需要引用\]|\[注 ?\d+\])";

// English and Chinese pager and menu items, for lines of several ("« Previous article | Next
// article »", "« 上一篇 | 下一篇 »"); the other languages' are in line_cleaner_phrases.cc.
constexpr std::string_view kNavItems[] = {
    "previous", "prev", "next", "older", "newer", "previous post", "next post", "previous page", "next page",
    "previous article", "next article", "previous entry", "next entry", "previous story", "next story",
    "older posts", "newer posts", "back to top", "skip to content",
    "skip to main content", "home", "menu", "search", "load more", "show more", "see more",
    "上一篇", "下一篇", "上一页", "下一页", "上一章", "下一章", "上一頁", "下一頁", "返回顶部", "回到顶部", "首页",
    "首頁", "更多", "查看更多", "返回列表"};

// "(?:a|b|c)" of the fragments (TimePattern) the member selects from every language's entry.
template <typename Member>
std::string Alternation(Member member) {
  std::string out;
  for (const WebPhrases& lang : AllWebPhrases()) {
    for (std::string_view p : lang.*member) {
      out += out.empty() ? "(?:" : "|";
      out += TimePattern(p);
    }
  }
  return out.empty() ? "(?:$^)" : out + ")";
}

// The table's phrases of one kind in a PhraseMatcher (whole words in spaced scripts,
// anywhere in Han, Kana, Thai, ...), each distinct folded phrase under its own id.
// Phrases that `already` (a whole-phrase pattern, may be null) takes are left out:
// "newsletter" must not count twice, once as an English phrase.
template <typename Member>
PhraseMatcher TablePhrases(Member member, const RE2* already) {
  PhraseMatcher m;
  std::unordered_set<std::string> seen;
  uint32_t id = 0;
  for (const WebPhrases& lang : AllWebPhrases()) {
    for (std::string_view p : lang.*member) {
      if (already != nullptr && RE2::FullMatch(re2::StringPiece(p.data(), p.size()), *already)) continue;
      if (seen.insert(PhraseMatcher::FoldCase(p)).second) m.Add(p, id++, DefaultBoundary(p));
    }
  }
  m.Build();
  return m;
}

// A line as the phrase matchers read it: case-folded, whitespace runs as one space.
void FoldLine(std::string_view line, std::string* out) {
  PhraseMatcher::FoldCaseInto(line, out);
  size_t n = 0;
  bool space = false;
  for (char c : *out) {
    const bool ws = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
    if (ws && space) continue;
    space = ws;
    (*out)[n++] = ws ? ' ' : c;
  }
  out->resize(n);
}

std::string CommentTimePattern() {
  return std::string(kCommentName) + "(" + kCommentTime + "|(?i:" + Alternation(&WebPhrases::relative_times) + "))" +
         kCommentAfter;
}

// Any language's relative time (what makes a comment header take the author line before it).
std::string RelativeTimePattern() { return "(?i)" + Alternation(&WebPhrases::relative_times); }

// Every other language's comment-section lines ("24 комментария", "Deja un comentario"), whole lines.
std::string CommentLinesPattern() {
  return "(?i)^\\s*" + Alternation(&WebPhrases::comment_lines) + "[:：\\s]*$";
}

// A bar item as the item sets hold it: without arrows, counts ("(12)") and the
// whitespace around them, lower-cased (any script), inner whitespace runs as one space.
// Empty when nothing is left.
void NormalizeItem(std::string_view item, std::string* out) {
  out->clear();
  bool space = false;
  for (size_t pos = 0; pos < item.size();) {
    const UChar32 cp = static_cast<UChar32>(DecodeUtf8(item, &pos));
    if (u_isUWhiteSpace(cp)) {
      space = !out->empty();
      continue;
    }
    if (cp == U'«' || cp == U'‹' || cp == U'»' || cp == U'›' || cp == U'…' || cp == '<' || cp == '>') continue;
    if (space) *out += ' ';
    space = false;
    AppendUtf8(out, static_cast<uint32_t>(u_tolower(cp)));
  }
  // A trailing count: "nравится (12)", "Like 4", "赞(12)".
  size_t end = out->size();
  if (end > 0 && (*out)[end - 1] == ')') {
    const size_t open = out->rfind('(');
    if (open != std::string::npos && open + 2 < end &&
        out->find_first_not_of("0123456789", open + 1) == end - 1) {
      out->erase(open);
    }
  }
  while (!out->empty() && (out->back() == ' ' || out->back() == '.')) out->pop_back();
  size_t digits = out->size();
  while (digits > 0 && (*out)[digits - 1] >= '0' && (*out)[digits - 1] <= '9') --digits;
  if (digits < out->size() && digits > 0 && (*out)[digits - 1] == ' ') out->erase(digits - 1);
}

// The normalized items of a list of plain phrases, added to *set.
void AddItems(const std::vector<std::string_view>& phrases, std::unordered_set<std::string>* set) {
  std::string item;
  for (std::string_view p : phrases) {
    NormalizeItem(p, &item);
    if (!item.empty()) set->insert(item);
  }
}

// Pager, menu and login-bar items of every language (whole segments of a bar).
std::unordered_set<std::string> BarItems() {
  std::unordered_set<std::string> set;
  AddItems(std::vector<std::string_view>(std::begin(kNavItems), std::end(kNavItems)), &set);
  AddItems({"sign in", "sign up", "sign out", "log in", "login", "log out", "logout", "register", "subscribe",
            "newsletter", "privacy policy", "terms of use", "terms of service", "terms and conditions", "contact us",
            "about us", "sitemap", "my account", "create an account", "facebook", "twitter", "linkedin", "whatsapp",
            "pinterest", "登录", "登錄", "注册", "註冊", "退出"},
           &set);
  AddItems(ReadMorePhrases(), &set);  // "Read more »", "Читать далее", ...
  for (const WebPhrases& lang : AllWebPhrases()) {
    AddItems(lang.nav_items, &set);
    AddItems(lang.weak, &set);
  }
  return set;
}

// Comment widgets of every language ("ответить", "me gusta", "返信"); English and
// Chinese ones are in kCommentUi.
std::unordered_set<std::string> CommentUiItems() {
  std::unordered_set<std::string> set;
  for (const WebPhrases& lang : AllWebPhrases()) AddItems(lang.comment_ui, &set);
  return set;
}

// ---------------------------------------------------------------- helpers

// Splits `line` on any of the `separators` code points into *out (cleared first).
void SplitAny(std::string_view line, std::u32string_view separators, std::vector<std::string_view>* out) {
  out->clear();
  size_t seg = 0, pos = 0;
  while (pos < line.size()) {
    const size_t start = pos;
    const unsigned char b = static_cast<unsigned char>(line[pos]);
    char32_t cp;
    if (b < 0x80) {
      cp = b;
      ++pos;
    } else {
      cp = static_cast<char32_t>(DecodeUtf8(line, &pos));
    }
    if (separators.find(cp) != std::u32string_view::npos) {
      out->push_back(line.substr(seg, start - seg));
      seg = pos;
    }
  }
  out->push_back(line.substr(seg));
}

// Trims the segments and drops the empty ones, in place; returns how many are
// left and sets *longest to the most code points among them.
size_t CompactSegments(std::vector<std::string_view>* segs, size_t* longest) {
  size_t n = 0;
  *longest = 0;
  for (std::string_view s : *segs) {
    s = text::Trim(s);
    if (s.empty()) continue;
    *longest = std::max(*longest, text::CodePoints(s));
    (*segs)[n++] = s;
  }
  segs->resize(n);
  return n;
}

bool HasLetter(std::string_view s) {
  for (size_t pos = 0; pos < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c < 0x80) {
      ++pos;
      if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
      continue;
    }
    if (u_isalpha(static_cast<UChar32>(DecodeUtf8(s, &pos)))) return true;
  }
  return false;
}

enum class Family { kNone, kBoilerplate, kComment, kSeo, kNavigation, kRepeated };

enum Param : size_t { kShortLineLength, kMinRepeatedLength, kMaxRemovedRatio };

std::vector<text::LanguageThresholds::Param> Params() {
  return {{"short_line_length", 0, 1e9}, {"min_repeated_line_length", 1, 1e9}, {"max_removed_ratio", 0, 1}};
}

class LineCleaner : public Stage {
 public:
  LineCleaner(const Options& o, text::LanguageThresholds t)
      : t_(std::move(t)),
        boilerplate_(o.GetBool("boilerplate")),
        comments_(o.GetBool("comments")),
        seo_(o.GetBool("seo")),
        navigation_(o.GetBool("navigation")),
        citations_(o.GetBool("citations")),
        repeated_(o.GetBool("repeated_lines")),
        weak_any_(WeakAlternation(), SetOptions()),
        strong_(kStrongBoilerplate),
        comment_time_(CommentTimePattern(), BigOptions()),
        no_digit_time_(NoDigitTimePattern()),
        relative_time_(RelativeTimePattern()),
        comment_ui_(kCommentUi),
        comment_lines_(CommentLinesPattern(), BigOptions()),
        bracket_(kBracketWord),
        nav_(kNavLine),
        citation_(kCitation),
        weak_(SetOptions(), RE2::UNANCHORED),
        spam_(SetOptions(), RE2::UNANCHORED),
        strong_phrases_(TablePhrases(&WebPhrases::strong, nullptr)),
        weak_phrases_(TablePhrases(&WebPhrases::weak, &weak_any_)) {}

  // The many-language patterns' DFAs need more than RE2's default 8 MiB of
  // cache, or they are rebuilt over and over on long inputs.
  static RE2::Options BigOptions() {
    RE2::Options o;
    o.set_max_mem(int64_t{64} << 20);
    o.set_log_errors(false);
    return o;
  }

  static RE2::Options SetOptions() {
    RE2::Options o;
    o.set_case_sensitive(false);
    o.set_log_errors(false);
    return o;
  }

  static std::string WeakAlternation() {
    std::string all;
    for (const char* p : kWeakPhrases) all += (all.empty() ? "(?:" : "|(?:") + std::string(p) + ")";
    return all;
  }

  Status Init() {
    for (const RE2* re : {&weak_any_, &strong_, &comment_time_, &no_digit_time_, &relative_time_, &comment_ui_,
                          &comment_lines_, &bracket_, &nav_, &citation_}) {
      if (!re->ok()) return Status::Internal("line_cleaner pattern does not compile: " + re->error());
    }
    for (const char* p : kWeakPhrases) {
      if (weak_.Add(p, nullptr) < 0) return Status::Internal(std::string("line_cleaner phrase: ") + p);
    }
    for (const char* p : kSpamKeywords) {
      if (spam_.Add(p, nullptr) < 0) return Status::Internal(std::string("line_cleaner keyword: ") + p);
    }
    if (!weak_.Compile() || !spam_.Compile()) return Status::Internal("line_cleaner: RE2::Set compile failed");
    return Status::Ok();
  }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    const std::vector<double>& th = t_.For(text::LocaleOf(doc));
    std::vector<std::string_view> lines = text::SplitLines(doc.text);
    std::string out;
    out.reserve(doc.text.size());
    std::unordered_set<uint64_t> seen_lines, seen_sentences;
    size_t total = 0, removed = 0, citations = 0;
    size_t counts[6] = {0, 0, 0, 0, 0, 0};
    bool next_is_comment_body = false;
    bool last_blank = true;
    // The last kept line, while it may still be a comment's author line: a
    // relative-time line right after it (blank lines between allowed) takes it
    // out again, so a comment goes as a unit ("Alice:" / "8秒前:" / body / "回复").
    size_t author_begin = 0, author_cps = 0;
    bool author_pending = false;
    std::string cleaned;
    for (std::string_view raw : lines) {
      std::string_view line = text::Trim(raw);
      if (line.empty()) {
        if (!last_blank) out += '\n';
        last_blank = true;
        continue;
      }
      const size_t cps = text::CodePoints(line);
      total += cps;
      if (citations_ && line.find('[') != std::string_view::npos) {
        cleaned.assign(line);
        int n = RE2::GlobalReplace(&cleaned, citation_, "");
        if (n > 0) {
          citations += n;
          line = text::Trim(cleaned);
          if (line.empty()) {
            removed += cps;
            continue;
          }
        }
      }
      bool header_only = false, comment_time = false;
      Family f = Classify(line, cps, static_cast<size_t>(th[kShortLineLength]), &header_only, &comment_time);
      // comment_time: a relative-time comment header (see Classify).
      if (f == Family::kComment && comment_time && author_pending) {
        out.resize(author_begin);
        removed += author_cps;
        ++counts[static_cast<int>(Family::kComment)];
        last_blank = out.empty() || (out.size() >= 2 && out[out.size() - 2] == '\n');
      }
      author_pending = false;
      if (f == Family::kNone && next_is_comment_body && cps <= 300) f = Family::kComment;
      next_is_comment_body = f == Family::kComment && header_only;
      if (f == Family::kNone && repeated_ && IsRepeated(line, cps, static_cast<size_t>(th[kMinRepeatedLength]), seen_lines, seen_sentences)) {
        f = Family::kRepeated;
      }
      if (f != Family::kNone) {
        ++counts[static_cast<int>(f)];
        removed += cps;
        continue;
      }
      author_begin = out.size();
      author_cps = cps;
      author_pending = comments_ && IsAuthorLine(line, cps);
      out.append(line);
      out += '\n';
      last_blank = false;
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();

    static constexpr const char* kCounters[6] = {nullptr, kBoilerplate, kComment, kSeo, kNavigation, kRepeated};
    size_t lines_removed = 0;
    for (int i = 1; i < 6; ++i) {
      if (counts[i]) ctx.stats().Add(kCounters[i], static_cast<int64_t>(counts[i]));
      lines_removed += counts[i];
    }
    if (citations) ctx.stats().Add(kCitations, static_cast<int64_t>(citations));
    const double ratio = total ? static_cast<double>(removed) / total : 0.0;
    doc.AddSignal("line_cleaner.lines_removed", static_cast<double>(lines_removed));
    doc.AddSignal("line_cleaner.removed_char_ratio", ratio);
    doc.text = std::move(out);
    std::vector<std::string_view> failed;
    if (doc.text.empty()) failed.push_back(kEmpty);
    if (ratio > th[kMaxRemovedRatio]) failed.push_back(kTooMuchRemoved);
    return text::DropOnFailures(doc, ctx, failed);
  }

 private:
  // A line that can be a comment's author and nothing else: a name ending in a
  // colon (at most 32 characters and four words: "Alice:", "张三：", "Mary Ann Lee:")
  // or a bare short name (see below), without sentence punctuation and with a
  // letter. Kept unless a relative-time line follows it (a headline over "2 hours ago"
  // is not taken).
  static bool IsAuthorLine(std::string_view line, size_t cps) {
    if (cps == 0 || cps > 32) return false;
    std::string_view name = line;
    bool colon = true;
    if (name.size() >= 3 && name.substr(name.size() - 3) == "\xEF\xBC\x9A") {  // full-width colon
      name.remove_suffix(3);
    } else if (!name.empty() && name.back() == ':') {
      name.remove_suffix(1);
    } else {
      colon = false;
    }
    name = text::Trim(name);
    if (name.empty() || text::EndsWithTerminalPunctuation(name)) return false;
    int words = 1;
    bool letter = false, lower_initial = false, at_word_start = true;
    for (size_t i = 0; i < name.size();) {
      const char c = name[i];
      if (c == ' ') {
        ++words;
        at_word_start = true;
        ++i;
        continue;
      }
      if (c == ',' || c == ';' || c == '.' || c == '!' || c == '?' || c == ':' || c == '(' || c == '"') return false;
      const UChar32 cp = static_cast<UChar32>(DecodeUtf8(name, &i));
      if (u_isalpha(cp)) letter = true;
      if (at_word_start && u_islower(cp)) lower_initial = true;
      at_word_start = false;
    }
    if (!letter) return false;
    if (colon) return words <= 4;
    // Bare: one or two words of at most 16 characters ("John Smith", "网友4542"), or
    // three capitalized (or uncased) words of at most 24 ("Nguyễn Văn An", "María García
    // López"); a headline ("Storm hits the coast", "我国科学家在量子通信领域取得新突破") is not a name.
    return cps <= 16 ? words <= 2 || (words == 3 && !lower_initial) : words == 3 && !lower_initial && cps <= 24;
  }

  Family Classify(std::string_view line, size_t cps, size_t short_line_length, bool* header_only,
                  bool* comment_time) const {
    const bool terminal = text::EndsWithTerminalPunctuation(line);
    const re2::StringPiece sp(line.data(), line.size());
    // SEO first: a keyword list often contains a weak boilerplate phrase too (注册就送).
    if (seo_ && IsSeo(line, sp, cps, terminal)) return Family::kSeo;
    if (boilerplate_ && cps <= 400) {
      // The other languages' phrases (weak_phrases_, strong_phrases_) are found in
      // the folded line, as whole words where the script has spaces.
      if (RE2::PartialMatch(sp, strong_)) return Family::kBoilerplate;
      thread_local std::string folded;
      thread_local std::vector<PhraseMatcher::Match> found;
      FoldLine(line, &folded);
      found.clear();
      strong_phrases_.FindAll(folded, &found);
      if (!found.empty()) return Family::kBoilerplate;
      thread_local std::vector<int> hits;
      hits.clear();
      weak_.Match(sp, &hits);
      size_t n = hits.size();
      found.clear();
      // A long sentence that ends in punctuation is boilerplate only with three English or Chinese phrases.
      if (cps <= 100 || !terminal) {
        weak_phrases_.FindAll(folded, &found);
        std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
        for (size_t i = 0; i < found.size(); ++i) n += i == 0 || found[i].id != found[i - 1].id;
      }
      if (n > 0) {
        // Several phrases: a share bar or a legal footer, unless it is a long
        // sentence that happens to mention two of them ("用户登录...注册会话。").
        if (n >= 3 || (n == 2 && (!terminal || cps <= 100))) return Family::kBoilerplate;
        // One phrase: boilerplate only when it is all the line says ("Sign in »", "登录").
        if (cps <= short_line_length && !terminal) {
          std::string rest;
          size_t at = 0;
          std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
          for (const auto& m : found) {
            if (m.begin >= at) rest.append(folded, at, m.begin - at);
            at = std::max<size_t>(at, m.end);
          }
          rest.append(folded, std::min(at, folded.size()));
          RE2::GlobalReplace(&rest, weak_any_, "");
          if (!HasLetter(rest)) return Family::kBoilerplate;
        }
      }
    }
    if (comments_) {
      re2::StringPiece time;
      // Match first without a capture (DFA, fast); extract the span only on a hit.
      // Every time form has a digit or is one of NoDigitTimePattern's: skip the regex otherwise.
      const bool maybe_time = MayHoldTime(line, sp);
      if (maybe_time && RE2::PartialMatch(sp, comment_time_) && RE2::PartialMatch(sp, comment_time_, &time)) {
        // A header with nothing after the time: the comment text is on the next line.
        size_t after = static_cast<size_t>(time.data() + time.size() - line.data());
        *header_only = text::CodePoints(line.substr(after)) <= 2;
        // Only a relative time ("8秒前", "3 hours ago", "刚刚", "昨天 12:03") marks a
        // comment header strongly enough to take the line before it as the author:
        // an absolute "2009-01-19 00:15" is also a table cell or a dateline.
        const std::string_view t(time.data(), time.size());
        for (std::string_view marker : {"\xE5\x89\x8D" /* 前 */, "ago", "AGO", "Ago", "\xE5\x88\x9A" /* 刚 */,
                                        "\xE5\x89\x9B" /* 剛 */, "now", "NOW", "Now", "\xE6\x98\xA8" /* 昨 */,
                                        "\xE4\xBB\x8A" /* 今 */}) {
          if (t.find(marker) != std::string_view::npos) *comment_time = true;
        }
        if (!*comment_time && RE2::FullMatch(t, relative_time_)) *comment_time = true;
        return Family::kComment;
      }
      if (RE2::PartialMatch(sp, comment_ui_)) return Family::kComment;
      // Widgets and "24 comments" lines are short: the long ones are text.
      if (cps <= 60 && (AllItemsIn(line, U"|·•/", comment_ui_items_) || RE2::PartialMatch(sp, comment_lines_))) {
        return Family::kComment;
      }
    }
    if (navigation_ && cps <= 150 && !terminal && IsNavigation(line, sp)) return Family::kNavigation;
    return Family::kNone;
  }

  bool IsSeo(std::string_view line, const re2::StringPiece& sp, size_t cps, bool terminal) const {
    // Runs of bracketed keywords: 【…】【…】 or [..] [..] [..] covering much of the line.
    {
      const RE2* re = &bracket_;
      re2::StringPiece input = sp, piece;
      size_t n = 0, covered = 0;
      while (RE2::FindAndConsume(&input, *re, &piece)) {
        ++n;
        covered += text::CodePoints(std::string_view(piece.data(), piece.size()));
      }
      if (n >= 2 && (covered * 10 >= cps * 4 || !terminal)) return true;
    }
    thread_local std::vector<int> hits;
    hits.clear();
    const bool spam = spam_.Match(sp, &hits);
    if (spam && hits.size() >= 2) return true;
    if (terminal) return false;
    // Keyword lists: many short segments, or one keyword stuffed again and again.
    thread_local std::vector<std::string_view> segs;
    SplitAny(line, kKeywordSeparators, &segs);
    size_t longest = 0;
    const size_t n = CompactSegments(&segs, &longest);
    const bool all_short = longest <= 12;
    if (n >= 6 && all_short) return true;
    if (spam && n >= 3 && all_short) return true;
    if (n >= 5) {
      std::unordered_set<std::string_view> uniq(segs.begin(), segs.end());
      if (uniq.size() * 2 <= segs.size()) return true;
    }
    return false;
  }

  // A digit of the sets TimePattern accepts: ASCII, Arabic-Indic, Persian,
  // Devanagari, Bengali, full-width.
  static bool HasDigit(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      const unsigned char b = static_cast<unsigned char>(s[i]);
      if (b >= '0' && b <= '9') return true;
      if (b < 0xD9 || i + 1 >= s.size()) continue;
      const unsigned char c = static_cast<unsigned char>(s[i + 1]);
      if ((b == 0xD9 && c >= 0xA0 && c <= 0xA9) || (b == 0xDB && c >= 0xB0 && c <= 0xB9)) return true;
      if (i + 2 >= s.size()) continue;
      const unsigned char d = static_cast<unsigned char>(s[i + 2]);
      if (b == 0xE0 && (c == 0xA5 || c == 0xA7) && d >= 0xA6 && d <= 0xAF) return true;
      if (b == 0xEF && c == 0xBC && d >= 0x90 && d <= 0x99) return true;
    }
    return false;
  }

  bool MayHoldTime(std::string_view line, const re2::StringPiece& sp) const {
    return HasDigit(line) || RE2::PartialMatch(sp, no_digit_time_);
  }

  // The relative times that hold no number ("just now", "刚刚", "hace un momento",
  // "только что"), anywhere in a line: with HasDigit, what a comment header needs.
  static std::string NoDigitTimePattern() {
    std::string out = "(?i)(?:刚刚|剛剛|ago|now";
    for (const WebPhrases& lang : AllWebPhrases()) {
      for (std::string_view f : lang.relative_times) {
        if (f.find("{N}") == std::string_view::npos && f.find("\\d") == std::string_view::npos) {
          out += "|" + std::string(f);
        }
      }
    }
    return out + ")";
  }

  // Whether every `separators`-separated part of `line` is (normalized) in `items`.
  static bool AllItemsIn(std::string_view line, std::u32string_view separators,
                         const std::unordered_set<std::string>& items) {
    thread_local std::vector<std::string_view> parts;
    thread_local std::string item;
    SplitAny(line, separators, &parts);
    size_t n = 0;
    for (std::string_view part : parts) {
      part = text::Trim(part);
      if (part.empty()) continue;
      if (part.size() > 160) return false;
      NormalizeItem(part, &item);
      if (item.empty()) continue;  // a bare count or arrow between items
      if (items.count(item) == 0) return false;
      ++n;
    }
    return n > 0;
  }

  bool IsNavigation(std::string_view line, const re2::StringPiece& sp) const {
    if (RE2::PartialMatch(sp, nav_)) return true;
    // Pager, menu and login-bar items, alone or several to a line, in any language:
    // "Read more »", "« Previous article | Next article »", "Entrar | Cadastre-se".
    if (AllItemsIn(line, U"|·•｜", bar_items_)) return true;
    thread_local std::vector<std::string_view> bar, crumbs;
    size_t longest = 0;
    SplitAny(line, U"|·•｜", &bar);
    const size_t items = CompactSegments(&bar, &longest);
    // Menus: "Home | News | Sports | Contact", "新闻 · 体育 · 财经 · 娱乐".
    if (items >= 4 && longest <= 16) return true;
    // Breadcrumbs: "Home > News > World", "首页 > 新闻".
    SplitAny(line, U">»›＞", &crumbs);
    const size_t n = CompactSegments(&crumbs, &longest);
    bool all_short = longest <= 30;
    for (std::string_view seg : crumbs) {
      // "command > foo 2>&1" is shell, not a breadcrumb.
      if (!HasLetter(seg) || seg.find_first_of("()=$&;{}<\"'`") != std::string_view::npos) all_short = false;
    }
    if (n >= 2 && all_short) {
      if (n >= 3) return true;
      std::string first = text::AsciiLower(crumbs[0]);
      for (std::string_view h : kHomeWords) {
        if (first == h) return true;
      }
    }
    return false;
  }

  bool IsRepeated(std::string_view line, size_t cps, size_t min_repeated_length,
                  std::unordered_set<uint64_t>& seen_lines, std::unordered_set<uint64_t>& seen_sentences) const {
    if (cps < min_repeated_length) return false;
    if (!seen_lines.insert(XXH3_64bits(line.data(), line.size())).second) return true;
    // A line made of sentences seen earlier ("网友A：<an article sentence>"): drop a
    // short "name:" prefix, then check its sentences.
    std::string_view body = line;
    for (std::string_view colon : {std::string_view("："), std::string_view(":")}) {
      size_t c = body.find(colon);
      if (c != std::string_view::npos && text::CodePoints(body.substr(0, c)) <= 20) {
        body = text::Trim(body.substr(c + colon.size()));
        break;
      }
    }
    size_t seen_cps = 0, body_cps = 0, start = 0, pos = 0;
    std::vector<uint64_t> fresh;
    while (pos < body.size()) {
      uint32_t cp = DecodeUtf8(body, &pos);
      const bool end = cp == '.' || cp == '!' || cp == '?' || cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;
      if (!end && pos < body.size()) continue;
      std::string_view s = text::Trim(body.substr(start, pos - start));
      start = pos;
      if (s.empty()) continue;
      const size_t n = text::CodePoints(s);
      body_cps += n;
      uint64_t h = XXH3_64bits(s.data(), s.size());
      if (n >= 8 && seen_sentences.count(h)) {
        seen_cps += n;
      } else if (n >= 8) {
        fresh.push_back(h);
      }
    }
    for (uint64_t h : fresh) seen_sentences.insert(h);
    return body_cps > 0 && seen_cps * 10 >= body_cps * 8;
  }

  text::LanguageThresholds t_;
  bool boilerplate_, comments_, seo_, navigation_, citations_, repeated_;
  RE2 weak_any_, strong_, comment_time_, no_digit_time_, relative_time_, comment_ui_, comment_lines_, bracket_, nav_,
      citation_;
  RE2::Set weak_, spam_;
  PhraseMatcher strong_phrases_, weak_phrases_;  // the other languages' (line_cleaner_phrases.h)
  std::unordered_set<std::string> bar_items_ = BarItems();
  std::unordered_set<std::string> comment_ui_items_ = CommentUiItems();
};

}  // namespace

SLUICE_REGISTER_STAGE(LineCleaner, [] {
  StageInfo info;
  info.type = "line_cleaner";
  info.folder = "filters";
  info.summary =
      "Removes boilerplate, comment, SEO-spam, navigation and repeated lines (en, zh and 21 more languages' web "
      "chrome: filters/line_cleaner_phrases.cc); strips citations";
  info.options = {
      text::BoolOption("boilerplate", "true", "cookie/privacy/login/share/copyright lines (登录 注册 分享到 版权所有)"),
      text::BoolOption("comments", "true", "comment-section lines: user + relative time (3 hours ago, 2秒前), reply UI"),
      text::BoolOption("seo", "true", "runs of 【bracketed】 keywords, gambling/spam keyword lists, keyword stuffing"),
      text::BoolOption("navigation", "true", "breadcrumbs (Home > News, 首页 > 新闻), menus, pagination"),
      text::BoolOption("citations", "true", "strip citation markers [1] [edit] [编辑] inside lines"),
      text::BoolOption("repeated_lines", "true", "later copies of a line, or lines made of sentences seen earlier"),
      text::NumberOption("short_line_length", OptionType::kInt, "40",
                         "a line this short (code points) without final punctuation is boilerplate with one weak "
                         "phrase (登录, sign in)",
                         0, 1e9),
      text::NumberOption("min_repeated_line_length", OptionType::kInt, "10",
                         "repeated lines shorter than this (code points) are kept", 1, 1e9),
      text::NumberOption("max_removed_ratio", OptionType::kDouble, "0.8",
                         "drop the document when more than this fraction of its characters was removed", 0, 1),
      text::PerLanguageOption("{}"),
      text::PerScriptOption("{}"),
  };
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    auto t = text::LanguageThresholds::FromOptions(env.instance_name, Params(), o, "", "");
    if (!t.ok()) return t.status();
    auto stage = std::make_unique<LineCleaner>(o, std::move(t).value());
    SLUICE_RETURN_IF_ERROR(stage->Init());
    return std::unique_ptr<Stage>(std::move(stage));
  };
  return info;
});

}  // namespace sluice::line_cleaner
