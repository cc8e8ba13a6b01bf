#include "filters/pii.h"

#include <arpa/inet.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <set>

#include "stages/engine/stage.h"

namespace sluice {

std::string_view PiiKindName(PiiKind kind) {
  switch (kind) {
    case PiiKind::kEmail: return "email";
    case PiiKind::kPhone: return "phone";
    case PiiKind::kIp: return "ip";
    case PiiKind::kCnId: return "cn_id";
    case PiiKind::kCard: return "card";
  }
  return "";
}

std::string_view PiiPlaceholder(PiiKind kind) {
  switch (kind) {
    case PiiKind::kEmail: return "<EMAIL>";
    case PiiKind::kPhone: return "<PHONE>";
    case PiiKind::kIp: return "<IP>";
    case PiiKind::kCnId: return "<CN_ID>";
    case PiiKind::kCard: return "<CARD>";
  }
  return "";
}

std::string PiiReason(PiiKind kind) { return "pii." + std::string(PiiKindName(kind)); }

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

char Before(std::string_view t, size_t pos) { return pos == 0 ? '\0' : t[pos - 1]; }
char At(std::string_view t, size_t pos) { return pos < t.size() ? t[pos] : '\0'; }

std::string DigitsOf(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (IsDigit(c)) d.push_back(c);
  }
  return d;
}

// Lower-cased ASCII of up to `n` bytes before `pos`.
std::string LowerContext(std::string_view t, size_t pos, size_t n) {
  const size_t start = pos > n ? pos - n : 0;
  std::string out(t.substr(start, pos - start));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Candidate patterns (one capture group each).
struct Patterns {
  RE2 email{R"(([A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}))"};
  RE2 ipv4{R"((\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))"};
  RE2 ipv6{R"(((?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|[0-9A-Fa-f]{0,4})))"};
  // Chinese mobile (optionally +86, optionally 3-4-4 grouped), +country-code
  // numbers, North-American (555) 123-4567 / 555-123-4567 / 555.123.4567.
  RE2 phone{R"(((?:\+?86[ \-]?)?1[3-9]\d(?:[ \-]?\d{4}){2}|\+\d{1,3}[ .\-]?(?:\(\d{1,4}\)[ .\-]?)?\d{1,4}(?:[ .\-]?\d{2,4}){1,4}|(?:\(\d{3}\) ?|\d{3}[.\-])\d{3}[.\-]\d{4}))"};
  RE2 cn_id{R"((\d{17}[\dXx]))"};
  RE2 card{R"((\d(?:[ \-]?\d){12,18}))"};
};

const Patterns& GetPatterns() {
  static const Patterns* p = new Patterns();
  return *p;
}

template <typename Validate>
void Scan(std::string_view text, const RE2& re, PiiKind kind, Validate validate, std::vector<PiiSpan>* out) {
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece m;
  while (RE2::FindAndConsume(&input, re, &m)) {
    const size_t begin = static_cast<size_t>(m.data() - text.data());
    const size_t end = begin + m.size();
    if (validate(text, begin, end)) out->push_back(PiiSpan{begin, end, kind});
    if (m.empty()) {
      if (input.empty()) break;
      input.remove_prefix(1);
    }
  }
}

bool ValidEmail(std::string_view t, size_t b, size_t e) {
  return !IsAsciiAlnum(Before(t, b)) && Before(t, b) != '_' && !IsAsciiAlnum(At(t, e));
}

bool ValidIpv4(std::string_view t, size_t b, size_t e) {
  // Not part of a longer number or dotted sequence.
  const char prev = Before(t, b), next = At(t, e);
  if (IsAsciiAlnum(prev) || prev == '.' || prev == '_') return false;
  if (IsAsciiAlnum(next) || next == '_') return false;
  if (next == '.' && IsDigit(At(t, e + 1))) return false;
  // Octets 0-255 without leading zeros.
  std::string_view s = t.substr(b, e - b);
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = s.find('.', pos);
    std::string_view oct = s.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (oct.size() > 1 && oct[0] == '0') return false;
    if (std::stoi(std::string(oct)) > 255) return false;
    pos = dot + 1;
  }
  // Version numbers: "v1.2.3.4", "version 1.2.3.4", "版本 1.2.3.4".
  if (prev == 'v' || prev == 'V') return false;
  const std::string ctx = LowerContext(t, b, 16);
  for (const char* kw : {"version", "ver.", "ver ", "release", "build", "版本"}) {
    if (ctx.find(kw) != std::string::npos) return false;
  }
  return true;
}

bool ValidIpv6(std::string_view t, size_t b, size_t e) {
  const char prev = Before(t, b), next = At(t, e);
  if (IsAsciiAlnum(prev) || prev == ':' || prev == '_' || IsAsciiAlnum(next) || next == ':' || next == '_') {
    return false;
  }
  std::string s(t.substr(b, e - b));
  int groups = 0;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t c = s.find(':', pos);
    if (c == std::string::npos) c = s.size();
    if (c > pos) ++groups;
    pos = c + 1;
  }
  if (groups < 2) return false;
  in6_addr addr;
  return inet_pton(AF_INET6, s.c_str(), &addr) == 1;
}

bool DigitBounded(std::string_view t, size_t b, size_t e) {
  return !IsDigit(Before(t, b)) && !IsDigit(At(t, e)) && !IsAsciiAlnum(Before(t, b)) && !IsAsciiAlnum(At(t, e));
}

bool ValidPhone(std::string_view t, size_t b, size_t e) {
  // "+" is part of a candidate; an alphanumeric or digit neighbour is not allowed.
  if (!DigitBounded(t, b, e)) return false;
  if (Before(t, b) == '+' || Before(t, b) == '-' || At(t, e) == '-') return false;
  const std::string ctx = LowerContext(t, b, 16);
  if (ctx.find("isbn") != std::string::npos) return false;
  const std::string d = DigitsOf(t.substr(b, e - b));
  if (d.size() < 8 || d.size() > 15) return false;
  if (d.size() == 13 && IsValidIsbn13(d)) return false;
  return true;
}

bool ValidCnId(std::string_view t, size_t b, size_t e) {
  return DigitBounded(t, b, e) && IsValidCnResidentId(t.substr(b, e - b));
}

bool ValidCard(std::string_view t, size_t b, size_t e) {
  if (!DigitBounded(t, b, e)) return false;
  std::string_view s = t.substr(b, e - b);
  // One separator style, groups of at least 3 digits.
  char sep = 0;
  size_t group = 0;
  for (char c : s) {
    if (IsDigit(c)) {
      ++group;
      continue;
    }
    if (sep != 0 && c != sep) return false;
    sep = c;
    if (group < 3) return false;
    group = 0;
  }
  if (sep != 0 && group < 3) return false;
  const std::string d = DigitsOf(s);
  if (d.size() < 13 || d.size() > 19) return false;
  if (d[0] < '2' || d[0] > '6') return false;
  return LuhnValid(d);
}

// A card candidate run ("2024 4111 1111 1111 1111") may hold a card number
// between other digit groups: try every window of whole groups, longest first,
// leftmost first, and keep the first that validates.
void ScanCards(std::string_view text, const RE2& re, std::vector<PiiSpan>* out) {
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece m;
  std::vector<std::pair<size_t, size_t>> groups;  // [begin, end) of digit groups
  while (RE2::FindAndConsume(&input, re, &m)) {
    const size_t begin = static_cast<size_t>(m.data() - text.data());
    size_t end = begin + m.size();
    // The regex stops after 19 digits: extend to the whole run of digit groups.
    while (end < text.size() &&
           (IsDigit(text[end]) || ((text[end] == ' ' || text[end] == '-') && IsDigit(At(text, end + 1))))) {
      ++end;
    }
    input = re2::StringPiece(text.data() + end, text.size() - end);
    if (ValidCard(text, begin, end)) {
      out->push_back(PiiSpan{begin, end, PiiKind::kCard});
      continue;
    }
    groups.clear();
    for (size_t i = begin; i < end;) {
      size_t j = i;
      while (j < end && IsDigit(text[j])) ++j;
      groups.emplace_back(i, j);
      i = j + 1;
    }
    if (groups.size() < 2) continue;
    bool found = false;
    // A card has at most 19 digits in groups of >= 3 digits: at most 6 groups.
    for (size_t len = std::min<size_t>(groups.size() - 1, 6); len >= 1 && !found; --len) {
      for (size_t first = 0; first + len <= groups.size() && !found; ++first) {
        const size_t b = groups[first].first, e = groups[first + len - 1].second;
        if (ValidCard(text, b, e)) {
          out->push_back(PiiSpan{b, e, PiiKind::kCard});
          found = true;
        }
      }
    }
  }
}

int KindPriority(PiiKind k) {
  switch (k) {
    case PiiKind::kEmail: return 0;
    case PiiKind::kCnId: return 1;
    case PiiKind::kCard: return 2;
    case PiiKind::kPhone: return 3;
    case PiiKind::kIp: return 4;
  }
  return 5;
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  int sum = 0;
  bool dbl = false;
  for (size_t i = digits.size(); i-- > 0;) {
    if (!IsDigit(digits[i])) return false;
    int v = digits[i] - '0';
    if (dbl) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    dbl = !dbl;
  }
  return !digits.empty() && sum % 10 == 0;
}

bool IsValidIsbn13(std::string_view d) {
  if (d.size() != 13 || !(d.substr(0, 3) == "978" || d.substr(0, 3) == "979")) return false;
  int sum = 0;
  for (size_t i = 0; i < 13; ++i) {
    if (!IsDigit(d[i])) return false;
    sum += (d[i] - '0') * (i % 2 == 0 ? 1 : 3);
  }
  return sum % 10 == 0;
}

bool IsValidCnResidentId(std::string_view id) {
  if (id.size() != 18) return false;
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) return false;
  }
  if (id[0] < '1' || id[0] > '8') return false;
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (id[i] - '0');
    return v;
  };
  const int year = num(6, 4), month = num(10, 2), day = num(12, 2);
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] || (month == 2 && day == 29 && !leap)) return false;
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  static constexpr char kCheck[] = "10X98765432";
  const char want = kCheck[sum % 11];
  const char got = id[17] == 'x' ? 'X' : id[17];
  return got == want;
}

std::vector<PiiSpan> FindPii(std::string_view text, const std::vector<PiiKind>& kinds) {
  const Patterns& p = GetPatterns();
  std::vector<PiiSpan> found;
  const bool has_digit = std::any_of(text.begin(), text.end(), IsDigit);
  for (PiiKind k : kinds) {
    switch (k) {
      case PiiKind::kEmail:
        if (text.find('@') != std::string_view::npos) Scan(text, p.email, k, ValidEmail, &found);
        break;
      case PiiKind::kIp:
        if (has_digit && text.find('.') != std::string_view::npos) Scan(text, p.ipv4, k, ValidIpv4, &found);
        if (text.find(':') != std::string_view::npos) Scan(text, p.ipv6, k, ValidIpv6, &found);
        break;
      case PiiKind::kPhone:
        if (has_digit) Scan(text, p.phone, k, ValidPhone, &found);
        break;
      case PiiKind::kCnId:
        if (has_digit) Scan(text, p.cn_id, k, ValidCnId, &found);
        break;
      case PiiKind::kCard:
        if (has_digit) ScanCards(text, p.card, &found);
        break;
    }
  }
  std::sort(found.begin(), found.end(), [](const PiiSpan& a, const PiiSpan& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return KindPriority(a.kind) < KindPriority(b.kind);
  });
  std::vector<PiiSpan> out;
  size_t covered = 0;
  for (const PiiSpan& s : found) {
    if (!out.empty() && s.begin < covered) continue;
    out.push_back(s);
    covered = s.end;
  }
  return out;
}

// ---------------------------------------------------------------- the stage

namespace {

class PiiStage : public Stage {
 public:
  PiiStage(std::string instance, std::vector<PiiKind> kinds, bool drop)
      : kinds_(std::move(kinds)), drop_(drop), signal_(instance + ".matches") {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    const std::vector<PiiSpan> spans = FindPii(doc.text, kinds_);
    doc.AddSignal(signal_, static_cast<double>(spans.size()));
    if (spans.empty()) return Verdict::Keep();
    ctx.stats().Add(kPiiStatDocs);
    std::array<int64_t, 5> per_kind{};
    for (const PiiSpan& s : spans) ++per_kind[static_cast<size_t>(s.kind)];
    for (size_t k = 0; k < per_kind.size(); ++k) {
      if (per_kind[k] > 0) ctx.stats().Add(PiiReason(static_cast<PiiKind>(k)), per_kind[k]);
    }
    if (drop_) {
      std::string first;
      for (PiiKind k : kinds_) {
        if (per_kind[static_cast<size_t>(k)] == 0) continue;
        doc.all_reasons.push_back(PiiReason(k));
        if (first.empty()) first = doc.all_reasons.back();
      }
      return Verdict::Drop(first, std::to_string(spans.size()) + " PII matches");
    }
    std::string out;
    out.reserve(doc.text.size());
    size_t pos = 0;
    for (const PiiSpan& s : spans) {
      out.append(doc.text, pos, s.begin - pos);
      out.append(PiiPlaceholder(s.kind));
      pos = s.end;
    }
    out.append(doc.text, pos, std::string::npos);
    doc.text = std::move(out);
    return Verdict::Keep();
  }

 private:
  std::vector<PiiKind> kinds_;
  bool drop_;
  std::string signal_;
};

StatusOr<std::unique_ptr<Stage>> MakePii(const Options& o, const StageEnv& env) {
  std::vector<PiiKind> kinds;
  std::set<std::string> seen;
  for (const std::string& t : o.GetStringList("types")) {
    bool ok = false;
    for (PiiKind k : {PiiKind::kEmail, PiiKind::kPhone, PiiKind::kIp, PiiKind::kCnId, PiiKind::kCard}) {
      if (t == PiiKindName(k)) {
        ok = true;
        if (seen.insert(t).second) kinds.push_back(k);
      }
    }
    if (!ok) return Status::Config("pii option 'types': unknown type '" + t + "' (email, phone, ip, cn_id, card)");
  }
  if (kinds.empty()) return Status::Config("pii option 'types': empty list");
  const std::string instance = env.instance_name.empty() ? kPiiType : env.instance_name;
  return std::unique_ptr<Stage>(new PiiStage(instance, std::move(kinds), o.GetString("action") == "drop"));
}

}  // namespace

SLUICE_REGISTER_STAGE(Pii, [] {
  return StageInfo{
      kPiiType,
      "filters",
      "redact (typed placeholders) or drop e-mails, phones, IPs, Chinese ID and card numbers",
      {
          MakeOption("types", OptionType::kStringList, "[email, phone, ip, cn_id, card]",
              "kinds of PII to find: email, phone, ip, cn_id, card"),
          ChoiceOption("action", "redact",
              "redact: replace with <EMAIL>, <PHONE>, <IP>, <CN_ID>, <CARD>; drop: drop the document",
              {"redact", "drop"}),
      },
      MakePii,
  };
});

}  // namespace sluice
