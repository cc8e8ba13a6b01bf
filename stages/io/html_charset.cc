#include "stages/io/html_charset.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include "stages/text/utf8.h"

namespace sluice {

namespace {

constexpr size_t kMetaScanBytes = 4096;     // where a <meta> charset may be (HTML5 says 1024; pages overrun it)
constexpr size_t kDetectBytes = 64 << 10;   // what ICU's detector looks at

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"' || s.front() == '\'')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '"' || s.back() == '\'')) s.remove_suffix(1);
  return s;
}

// A label as browsers read it: lower case, supersets for the labels pages get
// wrong most ("iso-8859-1" pages hold windows-1252 quotes, "gb2312" pages GBK).
std::string NormalizeLabel(std::string_view label, bool from_meta) {
  std::string l = Lower(Trim(label));
  if (l == "iso-8859-1" || l == "iso8859-1" || l == "latin1" || l == "l1" || l == "us-ascii" || l == "ascii" ||
      l == "cp1252" || l == "iso_8859-1") {
    return "windows-1252";
  }
  if (l == "gb2312" || l == "gbk" || l == "x-gbk" || l == "cp936" || l == "euc-cn" || l == "gb_2312-80") return "gb18030";
  if (l == "utf8" || l == "unicode-1-1-utf-8") return "utf-8";
  // A <meta> that says UTF-16 sits in an ASCII-compatible page (WHATWG: use UTF-8).
  if (from_meta && l.rfind("utf-16", 0) == 0) return "utf-8";
  return l;
}

void CountingSubstitute(const void* context, UConverterToUnicodeArgs* args, const char*, int32_t,
                        UConverterCallbackReason reason, UErrorCode* err) {
  if (reason != UCNV_UNASSIGNED && reason != UCNV_ILLEGAL && reason != UCNV_IRREGULAR) return;
  ++*static_cast<int64_t*>(const_cast<void*>(context));
  static const UChar kReplacement = 0xFFFD;
  *err = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, err);
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// Converts with ICU; false when ICU does not know `label`.
bool Convert(std::string_view bytes, const std::string& label, std::string* out, int64_t* repairs) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> cnv(ucnv_open(label.c_str(), &err));
  if (U_FAILURE(err) || !cnv) return false;
  int64_t bad = 0;
  ucnv_setToUCallBack(cnv.get(), CountingSubstitute, &bad, nullptr, nullptr, &err);
  if (U_FAILURE(err)) return false;
  if (bytes.size() > INT32_MAX / 2) bytes = bytes.substr(0, INT32_MAX / 2);
  thread_local std::vector<UChar> utf16;
  utf16.resize(bytes.size() + 16);
  int32_t n = ucnv_toUChars(cnv.get(), utf16.data(), static_cast<int32_t>(utf16.size()), bytes.data(),
                            static_cast<int32_t>(bytes.size()), &err);
  if (err == U_BUFFER_OVERFLOW_ERROR) {
    err = U_ZERO_ERROR;
    bad = 0;
    utf16.resize(static_cast<size_t>(n) + 16);
    n = ucnv_toUChars(cnv.get(), utf16.data(), static_cast<int32_t>(utf16.size()), bytes.data(),
                      static_cast<int32_t>(bytes.size()), &err);
  }
  if (U_FAILURE(err) && err != U_STRING_NOT_TERMINATED_WARNING) return false;
  int32_t len = 0;
  UErrorCode e2 = U_ZERO_ERROR;
  out->resize(static_cast<size_t>(n) * 3 + 16);
  u_strToUTF8WithSub(out->data(), static_cast<int32_t>(out->size()), &len, utf16.data(), n, 0xFFFD, nullptr, &e2);
  if (U_FAILURE(e2) && e2 != U_STRING_NOT_TERMINATED_WARNING) return false;
  out->resize(static_cast<size_t>(len));
  *repairs += bad;
  return true;
}

struct DetectorCloser {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

std::string Detect(std::string_view bytes) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, DetectorCloser> det(ucsdet_open(&err));
  if (U_FAILURE(err)) return "";
  ucsdet_enableInputFilter(det.get(), true);  // markup is not text
  bytes = bytes.substr(0, kDetectBytes);
  ucsdet_setText(det.get(), bytes.data(), static_cast<int32_t>(bytes.size()), &err);
  const UCharsetMatch* m = ucsdet_detect(det.get(), &err);
  if (U_FAILURE(err) || m == nullptr) return "";
  const char* name = ucsdet_getName(m, &err);
  return U_FAILURE(err) || name == nullptr ? "" : std::string(name);
}

}  // namespace

std::string CharsetOfContentType(std::string_view content_type) {
  const std::string lower = Lower(content_type);
  size_t at = lower.find("charset");
  while (at != std::string::npos) {
    size_t i = at + 7;
    while (i < lower.size() && (lower[i] == ' ' || lower[i] == '\t')) ++i;
    if (i < lower.size() && lower[i] == '=') {
      ++i;
      while (i < lower.size() && (lower[i] == ' ' || lower[i] == '\t' || lower[i] == '"' || lower[i] == '\'')) ++i;
      size_t j = i;
      while (j < lower.size() && lower[j] != ';' && lower[j] != '"' && lower[j] != '\'' && lower[j] != ' ' &&
             lower[j] != '>' && lower[j] != '/' && lower[j] != '\t' && lower[j] != '\r' && lower[j] != '\n') {
        ++j;
      }
      if (j > i) return std::string(content_type.substr(i, j - i));
    }
    at = lower.find("charset", at + 7);
  }
  return "";
}

std::string MetaCharset(std::string_view html) {
  const std::string head = Lower(html.substr(0, kMetaScanBytes));
  size_t at = head.find("<meta");
  while (at != std::string::npos) {
    size_t end = head.find('>', at);
    if (end == std::string::npos) end = head.size();
    std::string cs = CharsetOfContentType(std::string_view(html).substr(at, end - at));
    if (!cs.empty()) return cs;
    at = head.find("<meta", at + 5);
  }
  return "";
}

std::string DecodeHtmlToUtf8(std::string_view bytes, std::string_view http_charset, std::string* out,
                             int64_t* repairs) {
  auto as_utf8 = [&](std::string_view b) {
    out->assign(b);
    *repairs += RepairUtf8(out);
    return std::string("utf-8");
  };
  // 1. A byte order mark wins.
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") return as_utf8(bytes.substr(3));
  if (bytes.substr(0, 2) == "\xFE\xFF" && Convert(bytes, "UTF-16BE", out, repairs)) {
    if (out->compare(0, 3, "\xEF\xBB\xBF") == 0) out->erase(0, 3);
    return "utf-16be";
  }
  if (bytes.substr(0, 2) == "\xFF\xFE" && Convert(bytes, "UTF-16LE", out, repairs)) {
    if (out->compare(0, 3, "\xEF\xBB\xBF") == 0) out->erase(0, 3);
    return "utf-16le";
  }
  // 2. HTTP, 3. <meta>: the first label ICU knows.
  std::string declared[2] = {http_charset.empty() ? "" : NormalizeLabel(http_charset, false), ""};
  for (int k = 0; k < 2; ++k) {
    if (k == 1) {
      const std::string meta = MetaCharset(bytes);
      declared[1] = meta.empty() ? "" : NormalizeLabel(meta, true);
    }
    const std::string& label = declared[k];
    if (label.empty()) continue;
    if (label == "utf-8") return as_utf8(bytes);
    if (Convert(bytes, label, out, repairs)) return label;
  }
  // 4. Valid UTF-8 (and so plain ASCII) is UTF-8.
  if (IsValidUtf8(bytes)) {
    out->assign(bytes);
    return "utf-8";
  }
  // 5. ICU's detector, windows-1252 when it has no answer.
  std::string guess = NormalizeLabel(Detect(bytes), false);
  if (guess == "utf-8" || guess.empty()) {
    if (guess == "utf-8") return as_utf8(bytes);
    guess = "windows-1252";
  }
  if (Convert(bytes, guess, out, repairs)) return guess;
  return as_utf8(bytes);
}

}  // namespace sluice
