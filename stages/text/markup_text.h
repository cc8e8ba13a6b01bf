// Leftover HTML in plain text: character references (&amp; &#8217; &nbsp;,
// Windows-1252 meaning of &#128;..&#159; as HTML5 reads them) and tags, matched
// strictly so that prose and shell text survive ("if (a<b && c>d)",
// "pager </etc/motd"). Used by the normalize stage; pages as crawled go through the
// HTML5 parser of html_extract instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

struct MarkupTextOptions {
  bool decode_entities = true;
  bool strip_tags = false;      // block-level tags become a newline, others vanish
  bool drop_invisible = true;   // a reference to a zero-width or C1 control character decodes to nothing
};

struct MarkupTextCounts {
  int64_t entities = 0;   // references decoded
  int64_t tags = 0;       // tags removed
  int64_t invisible = 0;  // references dropped as invisible
};

// Decodes entities and/or strips tags in one left-to-right pass into *out
// (cleared first); adds to *counts.
void DecodeMarkupText(std::string_view in, std::string* out, const MarkupTextOptions& options,
                      MarkupTextCounts* counts);

// U+200B, U+2060, U+FEFF, U+00AD, U+180E.
bool IsZeroWidth(uint32_t cp);

}  // namespace sluice
