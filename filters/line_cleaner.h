// line_cleaner: removes junk lines from web text instead of whole documents,
// in English and Chinese: boilerplate (cookie/privacy/login/share/copyright,
// 登录 注册 分享到 版权所有), comment-section lines (user + relative time such as
// "3 hours ago", "2秒前:", "刚刚"; reply/like UI), SEO spam (runs of 【…】,
// gambling/spam keyword lists such as 彩票 六合彩 时时彩, keyword stuffing),
// navigation (breadcrumbs "Home > News", "首页 > 新闻", menus, pagination),
// repeated lines, and citation markers ([1], [edit], [编辑], stripped in place).
// Each family has a counter and an on/off option. The document is dropped only
// when too much of it was removed. Registered as type `line_cleaner`; immutable
// (compiled RE2 objects) and thread-safe.
//   "首页 > 新闻 > 国内\n今天天气很好。[1]\n张三 2小时前：顶" -> "今天天气很好。"
#pragma once

namespace sluice::line_cleaner {

inline constexpr char kEmpty[] = "line_cleaner.empty";
inline constexpr char kTooMuchRemoved[] = "line_cleaner.too_much_removed";

// Counters: lines removed per family, and citation markers stripped.
inline constexpr char kBoilerplate[] = "line_cleaner.boilerplate";
inline constexpr char kComment[] = "line_cleaner.comment";
inline constexpr char kSeo[] = "line_cleaner.seo";
inline constexpr char kNavigation[] = "line_cleaner.navigation";
inline constexpr char kRepeated[] = "line_cleaner.repeated";
inline constexpr char kCitations[] = "line_cleaner.citations";

}  // namespace sluice::line_cleaner
