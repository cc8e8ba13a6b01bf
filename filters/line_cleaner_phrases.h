// Web-page chrome in many languages, as data for line_cleaner: the words a
// site's login bar, footer, pager, share bar and comment section are made of.
// English and Chinese have their own hand-tuned patterns in line_cleaner.cc
// (they came first); every other language's chrome lives here, one entry per
// language, so a language is added by adding its entry, not by editing
// patterns. Phrases are plain text (matched case-insensitively by PhraseMatcher,
// as whole words in scripts written with spaces); relative times and comment lines are
// RE2 fragments in which "{N}" stands for a number in any of the digit sets
// web pages use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::line_cleaner {

struct WebPhrases {
  std::string_view language;  // ISO 639-1 (documentation and tests; the rules apply to every document)
  // Boilerplate no article sentence contains, removed at any line length
  // ("all rights reserved", cookie notices).
  std::vector<std::string_view> strong;
  // UI phrases: boilerplate when one is all a short unpunctuated line says, or
  // when several share a short line ("Sign in | Register").
  std::vector<std::string_view> weak;
  // Relative times of comment headers ("3 hours ago"): RE2 alternatives, "{N}" a number.
  std::vector<std::string_view> relative_times;
  // Comment widgets: a line made only of these, separators and counts ("Reply · Like (12)").
  std::vector<std::string_view> comment_ui;
  // Whole comment-section lines: RE2 alternatives, "{N}" a number ("24 comments", "Leave a comment").
  std::vector<std::string_view> comment_lines;
  // Pager and menu items: a line whose every |-separated part is one of these
  // ("« Previous article | Next article »").
  std::vector<std::string_view> nav_items;
  // The link that ends a teaser ("Read more »", "Читать далее", "続きを読む"): a bar
  // item like nav_items, and a text that ends in one is cut off (quality_signals).
  std::vector<std::string_view> read_more;
};

// Every language's entry (not English or Chinese: see line_cleaner.cc).
const std::vector<WebPhrases>& AllWebPhrases();

// The read_more links of every entry above plus English and Chinese ones ("Read
// more", "阅读全文"): bar items for line_cleaner, cut-off text for quality_signals.
const std::vector<std::string_view>& ReadMorePhrases();

// A relative-time fragment with "{N}" replaced by a number in ASCII, Arabic-Indic,
// Persian, Devanagari, Bengali or full-width digits.
std::string TimePattern(std::string_view fragment);

}  // namespace sluice::line_cleaner
