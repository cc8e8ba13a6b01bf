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
