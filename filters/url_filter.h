// url_filter: drops documents by the URL in one of their fields (`url` by default):
// by domain (the domain and every subdomain), by URL substring and by RE2 pattern,
// from inline lists and from files; an allow-list (domains, patterns) wins over
// every block entry. Hosts are compared in their ASCII (IDNA/UTS #46) form, so an
// entry `пример.рф` blocks `http://www.xn--e1afmkfd.xn--p1ai/` and the reverse.
// Registered as type `url_filter`; immutable and thread-safe.
//
// List files: one entry a line; blank lines and lines starting with '#' are skipped;
// domain files also read hosts-file lines ("0.0.0.0 ads.example.com"). Maintained
// public lists: the UT1 blacklists of Université Toulouse Capitole (CC BY-SA; the
// `adult` category is what FineWeb/datatrove block), StevenBlack/hosts (MIT).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stages/engine/status.h"

namespace sluice::url_filter {

// Drop reasons; the drop detail names the entry and where it came from, e.g.
// "domain 'example.com' (block_domains_file lists/adult.txt:12)".
inline constexpr char kReasonDomain[] = "url_filter.domain";
inline constexpr char kReasonSubstring[] = "url_filter.substring";
inline constexpr char kReasonPattern[] = "url_filter.pattern";
// Documents without a drop: no URL field (or not a string), and kept by the allow-list.
inline constexpr char kNoUrlCounter[] = "url_filter.no_url";
inline constexpr char kAllowedCounter[] = "url_filter.allowed";
inline constexpr char kMissingUrlReason[] = "url_filter.no_url";

// The host of `url` in lower-case ASCII (IDNA UTS #46 to ASCII, trailing dot
// removed), or nullopt when it has none: "https://User@Www.Example.COM:8080/a"
// -> "www.example.com"; "//example.com/x" -> "example.com"; "mailto:x" -> nullopt.
std::optional<std::string> HostOf(std::string_view url);

// A domain entry in the same form ("*.example.com", ".example.com" and
// "example.com." all give "example.com"), or nullopt when it is not a host name.
std::optional<std::string> NormalizeDomain(std::string_view entry);

// One list entry and where it came from (for the drop detail).
struct Entry {
  std::string value;
  std::string origin;  // "block_domains" or "lists/adult.txt:12"
};

// Reads a list file's entries; `domains` also accepts hosts-file lines.
StatusOr<std::vector<Entry>> ReadListFile(const std::string& path, const std::string& shown_path, bool domains);

}  // namespace sluice::url_filter
