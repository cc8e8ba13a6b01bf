// The character set of an HTML page and its conversion to UTF-8 (ICU ucnv,
// ucsdet). Order of evidence, as browsers do it (WHATWG "encoding sniffing"):
// a byte order mark, the HTTP Content-Type charset, a <meta charset> or
// <meta http-equiv content="...; charset=..."> in the first 4 KiB, then valid
// UTF-8, then ICU's detector. Labels browsers treat as supersets are widened
// (iso-8859-1/us-ascii -> windows-1252, gb2312/gbk -> gb18030).
//   bytes "\xcf\xf0\xe8" + http "windows-1251" -> "При", charset "windows-1251"
// Thread-safe (converters are per call or thread-local).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

// The charset parameter of a Content-Type value ("text/html; charset=UTF-8" ->
// "UTF-8"), quotes removed; "" when none.
std::string CharsetOfContentType(std::string_view content_type);

// The charset declared by a <meta> tag in the first 4 KiB of `html`, or "".
std::string MetaCharset(std::string_view html);

// Converts `bytes` to UTF-8 into *out, choosing the charset as above
// (`http_charset` may be ""). Invalid or unmappable sequences become U+FFFD,
// counted in *repairs. Returns the charset used, lower case ("utf-8",
// "windows-1251", "gb18030", ...).
std::string DecodeHtmlToUtf8(std::string_view bytes, std::string_view http_charset, std::string* out,
                             int64_t* repairs);

}  // namespace sluice
