#include "filters/url_filter.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <simdjson.h>
#include <unicode/uidna.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "filters/rule_stage.h"
#include "filters/text_stats.h"
#include "stages/engine/stage.h"
#include "stages/text/utf8.h"

namespace sluice::url_filter {

namespace {

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// IDNA UTS #46 to ASCII (lower case, punycode labels); nullopt when ICU reports
// an error that leaves no usable name.
std::optional<std::string> ToAsciiHost(std::string_view host) {
  if (host.empty()) return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  static UIDNA* idna = [] {
    UErrorCode st = U_ZERO_ERROR;
    return uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &st);
  }();
  std::string out;
  if (idna != nullptr) {
    out.resize(host.size() * 4 + 64);
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    int32_t n = uidna_nameToASCII_UTF8(idna, host.data(), static_cast<int32_t>(host.size()), out.data(),
                                       static_cast<int32_t>(out.size()), &info, &status);
    // Errors such as a label longer than 63 bytes or a hyphen at a label's end
    // still leave the mapped name; only an unusable result falls back.
    if (U_SUCCESS(status) && n > 0) {
      out.resize(static_cast<size_t>(n));
      if (!out.empty() && out.back() == '.') out.pop_back();
      if (!out.empty()) return out;
    }
  }
  if (!IsAscii(host)) return std::nullopt;
  out = AsciiLower(host);
  if (!out.empty() && out.back() == '.') out.pop_back();
  if (out.empty()) return std::nullopt;
  return out;
}

// The value of a JSON string field ("\"https://...\"" -> https://...), or nullopt.
std::optional<std::string> JsonString(const std::string& json) {
  if (json.size() < 2 || json.front() != '"') return std::nullopt;
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  auto doc = parser.parse(padded);
  std::string_view value;
  if (doc.error() || doc.value().get_string().get(value)) return std::nullopt;
  return std::string(value);
}

std::string Trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) --b;
  return std::string(s.substr(a, b - a));
}

}  // namespace

std::optional<std::string> HostOf(std::string_view url) {
  std::string_view rest;
  size_t scheme_end = url.find("://");
  size_t first_slash = url.find_first_of("/?#");
  if (scheme_end != std::string_view::npos && scheme_end < first_slash) {
    rest = url.substr(scheme_end + 3);
  } else if (url.substr(0, 2) == "//") {
    rest = url.substr(2);
  } else {
    // A bare "www.example.com/path": a dotted name before the first '/' and no scheme.
    std::string_view head = url.substr(0, first_slash);
    if (head.find('.') == std::string_view::npos || head.find(':') != std::string_view::npos ||
        head.find(' ') != std::string_view::npos) {
      return std::nullopt;
    }
    rest = url;
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return AsciiLower(host.substr(0, close + 1));  // IPv6 literal
  }
  size_t colon = host.rfind(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  return ToAsciiHost(host);
}

std::optional<std::string> NormalizeDomain(std::string_view entry) {
  std::string e = Trim(entry);
  std::string_view v = e;
  if (v.substr(0, 2) == "*.") v.remove_prefix(2);
  while (!v.empty() && v.front() == '.') v.remove_prefix(1);
  if (v.empty() || v.find_first_of("/ \t:@?#") != std::string_view::npos) return std::nullopt;
  return ToAsciiHost(v);
}

StatusOr<std::vector<Entry>> ReadListFile(const std::string& path, const std::string& shown_path, bool domains) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Config("cannot read " + shown_path);
  std::vector<Entry> out;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || (t[0] == '!' && domains)) continue;
    if (domains) {
      // hosts-file line: "0.0.0.0 ads.example.com" (a trailing comment allowed).
      size_t sp = t.find_first_of(" \t");
      if (sp != std::string::npos) {
        std::string first = t.substr(0, sp);
        std::string second = Trim(std::string_view(t).substr(sp + 1));
        second = second.substr(0, second.find_first_of(" \t#"));
        if (first.find_first_not_of("0123456789.:abcdef") == std::string::npos) t = second;
      }
      if (t == "localhost" || t == "localhost.localdomain" || t == "local" || t == "broadcasthost" ||
          t == "0.0.0.0") {
        continue;
      }
    }
    out.push_back({t, shown_path + ":" + std::to_string(n)});
  }
  return out;
}

namespace {

class DomainSet {
 public:
  Status Add(const Entry& e, const std::string& where) {
    auto d = NormalizeDomain(e.value);
    if (!d) return Status::Config(where + ": '" + e.value + "' (" + e.origin + ") is not a domain name");
    entries_.emplace(*d, e);  // the first entry of a domain names it
    return Status::Ok();
  }
  // The entry matching `host` or one of its parent domains, most specific first.
  const Entry* Find(const std::string& host) const {
    std::string_view h = host;
    while (true) {
      auto it = entries_.find(std::string(h));
      if (it != entries_.end()) return &it->second;
      size_t dot = h.find('.');
      if (dot == std::string_view::npos) return nullptr;
      h.remove_prefix(dot + 1);
    }
  }
  bool empty() const { return entries_.empty(); }

 private:
  std::unordered_map<std::string, Entry> entries_;
};

class PatternSet {
 public:
  explicit PatternSet(bool case_sensitive) : options_(MakeOptions(case_sensitive)), set_(options_, RE2::UNANCHORED) {}
  Status Add(const Entry& e, bool literal, const std::string& where) {
    std::string pattern = literal ? RE2::QuoteMeta(e.value) : e.value;
    std::string error;
    if (set_.Add(pattern, &error) < 0) {
      return Status::Config(where + ": invalid pattern '" + e.value + "' (" + e.origin + "): " + error);
    }
    entries_.push_back(e);
    return Status::Ok();
  }
  Status Compile(const std::string& where) {
    if (entries_.empty()) return Status::Ok();
    if (!set_.Compile()) return Status::Config(where + ": the patterns do not fit RE2's memory budget");
    return Status::Ok();
  }
  const Entry* Find(std::string_view url) const {
    if (entries_.empty()) return nullptr;
    std::vector<int> hits;
    if (!set_.Match(re2::StringPiece(url.data(), url.size()), &hits) || hits.empty()) return nullptr;
    int first = hits[0];
    for (int h : hits) first = std::min(first, h);
    return &entries_[static_cast<size_t>(first)];
  }

 private:
  static RE2::Options MakeOptions(bool case_sensitive) {
    RE2::Options o;
    o.set_case_sensitive(case_sensitive);
    o.set_log_errors(false);
    o.set_max_mem(int64_t{256} << 20);
    return o;
  }
  RE2::Options options_;
  RE2::Set set_;
  std::vector<Entry> entries_;
};

class UrlFilter final : public Stage {
 public:
  UrlFilter(std::string field, bool drop_missing, bool case_sensitive)
      : field_(std::move(field)),
        drop_missing_(drop_missing),
        block_substrings_(case_sensitive),
        block_patterns_(case_sensitive),
        allow_patterns_(case_sensitive) {}

  Status Init(const Options& o, const StageEnv& env) {
    const std::string where = "stage '" + env.instance_name + "'";
    auto load = [&](const std::string& list_opt, const std::string& file_opt, bool domains,
                    std::vector<Entry>* out) -> Status {
      for (const std::string& v : o.GetStringList(list_opt)) out->push_back({v, list_opt});
      for (const std::string& file : o.GetStringList(file_opt)) {
        std::string path = !file.empty() && file.front() == '/' ? file : env.recipe_dir + "/" + file;
        auto entries = ReadListFile(path, file, domains);
        if (!entries.ok()) return Status::Config(where + ", option '" + file_opt + "': " + entries.status().message());
        for (Entry& e : *entries) out->push_back(std::move(e));
      }
      return Status::Ok();
    };
    std::vector<Entry> bd, bs, bp, ad, ap;
    SLUICE_RETURN_IF_ERROR(load("block_domains", "block_domains_files", true, &bd));
    SLUICE_RETURN_IF_ERROR(load("block_substrings", "block_substrings_files", false, &bs));
    SLUICE_RETURN_IF_ERROR(load("block_patterns", "block_patterns_files", false, &bp));
    SLUICE_RETURN_IF_ERROR(load("allow_domains", "allow_domains_files", true, &ad));
    SLUICE_RETURN_IF_ERROR(load("allow_patterns", "allow_patterns_files", false, &ap));
    if (bd.empty() && bs.empty() && bp.empty()) {
      return Status::Config(where + ": give at least one block entry (block_domains, block_substrings, "
                                    "block_patterns or their *_files)");
    }
    for (const Entry& e : bd) SLUICE_RETURN_IF_ERROR(block_domains_.Add(e, where));
    for (const Entry& e : ad) SLUICE_RETURN_IF_ERROR(allow_domains_.Add(e, where));
    for (const Entry& e : bs) SLUICE_RETURN_IF_ERROR(block_substrings_.Add(e, /*literal=*/true, where));
    for (const Entry& e : bp) SLUICE_RETURN_IF_ERROR(block_patterns_.Add(e, /*literal=*/false, where));
    for (const Entry& e : ap) SLUICE_RETURN_IF_ERROR(allow_patterns_.Add(e, /*literal=*/false, where));
    SLUICE_RETURN_IF_ERROR(block_substrings_.Compile(where));
    SLUICE_RETURN_IF_ERROR(block_patterns_.Compile(where));
    SLUICE_RETURN_IF_ERROR(allow_patterns_.Compile(where));
    return Status::Ok();
  }

  static Verdict DropFor(Document& doc, StageContext& ctx, const char* reason, std::string detail) {
    doc.all_reasons.emplace_back(reason);
    ctx.stats().Add(reason);
    return Verdict::Drop(reason, std::move(detail));
  }

  Verdict Process(Document& doc, StageContext& ctx) const override {
    std::optional<std::string> url;
    // A stage's annotation replaces the input field of the same name.
    for (const JsonField& f : doc.fields) {
      if (f.key == field_) url = JsonString(f.json);
    }
    for (const JsonField& f : doc.annotations) {
      if (f.key == field_) url = JsonString(f.json);
    }
    if (!url || url->empty()) {
      ctx.stats().Add(kNoUrlCounter);
      if (drop_missing_) return DropFor(doc, ctx, kMissingUrlReason, "no string field '" + field_ + "'");
      return Verdict::Keep();
    }
    std::optional<std::string> host = HostOf(*url);
    if ((host && allow_domains_.Find(*host) != nullptr) || allow_patterns_.Find(*url) != nullptr) {
      ctx.stats().Add(kAllowedCounter);
      return Verdict::Keep();
    }
    if (host) {
      if (const Entry* e = block_domains_.Find(*host)) {
        return DropFor(doc, ctx, kReasonDomain, "domain '" + e->value + "' (" + e->origin + ")");
      }
    }
    if (const Entry* e = block_substrings_.Find(*url)) {
      return DropFor(doc, ctx, kReasonSubstring, "substring '" + e->value + "' (" + e->origin + ")");
    }
    if (const Entry* e = block_patterns_.Find(*url)) {
      return DropFor(doc, ctx, kReasonPattern, "pattern '" + e->value + "' (" + e->origin + ")");
    }
    return Verdict::Keep();
  }

 private:
  std::string field_;
  bool drop_missing_;
  DomainSet block_domains_, allow_domains_;
  PatternSet block_substrings_, block_patterns_, allow_patterns_;
};

}  // namespace

SLUICE_REGISTER_STAGE(UrlFilter, [] {
  StageInfo info;
  info.type = "url_filter";
  info.folder = "filters";
  info.summary = "Drops documents by URL: blocked domains (and subdomains, IDNA-aware), substrings, RE2 patterns; an "
                 "allow-list wins";
  using text::TextOption;
  info.options = {
      TextOption("field", OptionType::kString, "url", "the record field holding the URL"),
      TextOption("block_domains", OptionType::kStringList, "[]", "domains to drop, with their subdomains"),
      TextOption("block_domains_files", OptionType::kStringList, "[]",
                 "files of domains, one a line ('#' comments; hosts-file lines too), relative to the recipe"),
      TextOption("block_substrings", OptionType::kStringList, "[]", "URL substrings to drop"),
      TextOption("block_substrings_files", OptionType::kStringList, "[]", "files of URL substrings, one a line"),
      TextOption("block_patterns", OptionType::kStringList, "[]", "RE2 patterns searched in the URL"),
      TextOption("block_patterns_files", OptionType::kStringList, "[]", "files of RE2 patterns, one a line"),
      TextOption("allow_domains", OptionType::kStringList, "[]",
                 "domains (with subdomains) always kept, whatever the block lists say"),
      TextOption("allow_domains_files", OptionType::kStringList, "[]", "files of allowed domains"),
      TextOption("allow_patterns", OptionType::kStringList, "[]", "RE2 patterns of URLs always kept"),
      TextOption("allow_patterns_files", OptionType::kStringList, "[]", "files of allowed RE2 patterns"),
      text::BoolOption("case_sensitive", "false", "substrings and patterns match case-sensitively"),
      TextOption("missing_url", OptionType::kString, "keep",
                 "documents without a string URL field: keep (counted as url_filter.no_url) or drop"),
  };
  info.options.back().choices = {"keep", "drop"};
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    auto stage = std::make_unique<UrlFilter>(o.GetString("field"), o.GetString("missing_url") == "drop",
                                             o.GetBool("case_sensitive"));
    SLUICE_RETURN_IF_ERROR(stage->Init(o, env));
    return std::unique_ptr<Stage>(std::move(stage));
  };
  return info;
});

}  // namespace sluice::url_filter
