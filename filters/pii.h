// pii: finds personal data — e-mail addresses, phone numbers (Chinese mobile,
// +country-code, North-American), IPv4/IPv6 addresses, Chinese resident ID
// numbers and payment card numbers — and redacts them with typed placeholders or
// drops the document. RE2 finds candidates; code validates them:
//   * CN_ID: 18 chars, region digit 1-8, a real birth date 1900-2099, ISO 7064
//     mod 11-2 check character.  * CARD: 13-19 digits (groups of >= 3 when
//     separated by one consistent space or dash), issuer digit 2-6, Luhn valid.
//   * IPv4: four octets 0-255 without leading zeros, not part of a longer dotted
//     number (1.2.3.4.5), not after "v"/"version"/"ver"/"release"/"build"/"版本"
//     (so "version 1.2.3.4" is a version, "8.8.8.8" an address).
//   * IPv6: valid for inet_pton, at least two non-empty groups ("::1" and C++'s
//     "a::b"-like scopes are too ambiguous), not inside a longer hex/colon run.
//   * PHONE: digit counts per shape, not after "ISBN"; dates (2024-01-15) and
//     ISBNs never match a phone shape.
// Overlaps: the leftmost, then longest candidate wins ("13812345678@qq.com" is
// one e-mail). Immutable after the factory; Process is thread-safe.
//   "mail bob@example.com or call 138 1234 5678" -> "mail <EMAIL> or call <PHONE>"
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice {

inline constexpr char kPiiType[] = "pii";

enum class PiiKind { kEmail, kPhone, kIp, kCnId, kCard };

// "email", "phone", "ip", "cn_id", "card" (the `types:` option values).
std::string_view PiiKindName(PiiKind kind);
// "<EMAIL>", "<PHONE>", "<IP>", "<CN_ID>", "<CARD>".
std::string_view PiiPlaceholder(PiiKind kind);
// Drop reason and stats counter for a kind: "pii.email", ... (stable).
std::string PiiReason(PiiKind kind);
inline constexpr char kPiiStatDocs[] = "pii.docs_with_pii";

struct PiiSpan {
  size_t begin;
  size_t end;
  PiiKind kind;
};

// Finds validated, non-overlapping PII spans of the enabled kinds in `text`, in
// order. Thread-safe (the RE2 objects are shared and immutable).
std::vector<PiiSpan> FindPii(std::string_view text, const std::vector<PiiKind>& kinds);

// Validators, exposed for tests.
bool IsValidCnResidentId(std::string_view id18);   // 18 chars, last may be X/x
bool LuhnValid(std::string_view digits);           // digits only
bool IsValidIsbn13(std::string_view digits);       // 13 digits

}  // namespace sluice
