// report.html: a self-contained rendering of stats.json (issue 8). Sections:
// summary, funnel, drop reasons, failed rules, histograms before/after,
// languages, duplicate clusters, bias audit, stage reports, throughput, inputs,
// counters, rejected examples. Every piece of text from stats.json is escaped.
#include "pipelines/report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "pipelines/report_audit.h"
#include "pipelines/report_charts.h"
#include "pipelines/report_hook.h"
#include "pipelines/report_html.h"
#include "stages/io/record_writer.h"

namespace sluice {

namespace {

constexpr size_t kMaxReasonRows = 60;     // drop-reason bars shown before "… more"
constexpr size_t kMaxLanguageRows = 24;   // languages per distribution before "other"
constexpr size_t kMaxInputRows = 500;     // per-input table rows
constexpr size_t kMaxTableRows = 200;     // rows of a generic report table
constexpr size_t kMaxListItems = 100;     // items of a generic scalar list
constexpr size_t kSampleCodePoints = 500;  // rejected-example text shown
constexpr size_t kMaxSamples = 300;       // rejected examples shown in all
constexpr int kMaxJsonDepth = 6;

constexpr std::string_view kCss = R"CSS(
:root{--fg:#1d2330;--muted:#5b6472;--line:#dde1e7;--bg:#fff;--panel:#f6f7f9;--flag:#fff1e6;--flagline:#e8590c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
main{max-width:72rem;margin:0 auto;padding:1.2rem 1.2rem 3rem}
h1{font-size:1.6rem;margin:.2rem 0}
h2{font-size:1.2rem;margin:2.2rem 0 .6rem;padding-bottom:.25rem;border-bottom:2px solid var(--line)}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
p{margin:.4rem 0}
.meta,.note{color:var(--muted);font-size:.88rem}
nav{margin:.6rem 0 0;font-size:.88rem;display:flex;flex-wrap:wrap;gap:.2rem 1rem}
nav a{color:#2b5fb4;text-decoration:none;white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10.5rem,1fr));gap:.7rem;margin:1rem 0}
.card{background:var(--panel);border-radius:8px;padding:.7rem .9rem;border-left:5px solid #9aa3af}
.card .k{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:1.5rem;font-weight:650;font-variant-numeric:tabular-nums}
.card .s{font-size:.85rem;color:var(--muted)}
.card.kept{border-color:#4e79a7}.card.dropped{border-color:#e15759}.card.malformed{border-color:#edc948}.card.bytes{border-color:#76b7b2}
.equation{font-variant-numeric:tabular-nums;background:var(--panel);border-radius:6px;padding:.45rem .7rem;display:inline-block}
.ok{color:#2f7d32;font-weight:600}.bad{color:#c92a2a;font-weight:600}
.stack{width:100%;height:18px;display:block;margin:.6rem 0 .2rem}
.legend{font-size:.85rem;color:var(--muted);display:flex;flex-wrap:wrap;gap:.3rem 1rem}
.sw{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;vertical-align:-1px;margin-right:.3rem}
.bars{display:grid;grid-template-columns:minmax(8rem,15rem) minmax(6rem,1fr) max-content;gap:.3rem .6rem;align-items:center;font-size:.9rem;margin:.4rem 0}
.bar-row{display:contents}
.bar-row.flag>*{background:var(--flag)}
.bar-label{overflow-wrap:anywhere}
.bar-label small{display:block;color:var(--muted);font-size:.78rem}
.bar-value{font-variant-numeric:tabular-nums;color:var(--muted);white-space:nowrap}
svg.bar{display:block;border-radius:3px}
.track{fill:#eef0f3}
.light{opacity:.35}
.c0{fill:#4e79a7;background:#4e79a7}.c1{fill:#f28e2b;background:#f28e2b}.c2{fill:#59a14f;background:#59a14f}.c3{fill:#e15759;background:#e15759}
.c4{fill:#76b7b2;background:#76b7b2}.c5{fill:#edc948;background:#edc948}.c6{fill:#b07aa1;background:#b07aa1}.c7{fill:#9c755f;background:#9c755f}
.before{fill:#c9ced6;background:#c9ced6}
svg.hist{width:100%;height:auto;display:block}
svg.hist text{font-size:12.5px;fill:var(--muted);font-family:inherit}
svg.hist .ylab{text-anchor:end}svg.hist .xlab{text-anchor:middle}
svg.hist .grid{stroke:#e8ebef;stroke-width:1}svg.hist .axis,svg.hist .tick{stroke:#9aa3af;stroke-width:1}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(24rem,1fr));gap:1rem 1.6rem}
.chart{break-inside:avoid}
.chart h3,.chart h4{margin:.6rem 0 .1rem;font-size:.95rem;overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.88rem;margin:.4rem 0;font-variant-numeric:tabular-nums}
th,td{padding:.28rem .6rem;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th{background:var(--panel);font-weight:600;position:sticky;top:0}
td.t,th.t{text-align:left;overflow-wrap:break-word}
table.gen th,table.gen td{text-align:left}
tr.flag td{background:var(--flag)}
tr.flag td:first-child{box-shadow:inset 4px 0 0 var(--flagline)}
.badge{display:inline-block;font-size:.75rem;padding:0 .35rem;border-radius:4px;background:var(--flagline);color:#fff;font-weight:600}
.badge.soft{background:#e9ecef;color:var(--muted)}
.kv td:first-child{text-align:left;color:var(--muted)}
.kv td{text-align:left}
.samples{display:grid;gap:.6rem}
.sample{border:1px solid var(--line);border-radius:6px;padding:.4rem .6rem;break-inside:avoid}
.sample .id{font-size:.8rem;color:var(--muted);overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0 0;font:12.5px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;max-height:14rem;overflow:auto}
.empty{color:var(--muted);font-style:italic}
footer{margin-top:3rem;color:var(--muted);font-size:.8rem}
@media (max-width:640px){
 main{padding:.8rem .7rem 2rem}
 h1{font-size:1.3rem}
 .bars{grid-template-columns:1fr max-content;row-gap:.15rem}
 .bar-label{grid-column:1/-1;margin-top:.25rem}
 .charts{grid-template-columns:1fr}
 th,td{padding:.25rem .4rem}
}
@media print{
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 body{font-size:11pt}
 main{max-width:none;padding:0}
 nav{display:none}
 h2{break-after:avoid}
 section,.chart,.sample,tr{break-inside:avoid}
 pre{max-height:none;overflow:visible}
 th{position:static}
 a{color:inherit;text-decoration:none}
}
)CSS";

double Ratio(int64_t a, int64_t b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

std::string E(std::string_view s) { return HtmlEscape(s); }

// Splits "a.lang.en" into prefix "a" and code "en" when a dot-separated segment
// is exactly "lang" and something follows it.
bool SplitLanguageCounter(const std::string& name, std::string* prefix, std::string* code) {
  size_t pos = 0;
  while (true) {
    size_t found = name.find("lang.", pos);
    if (found == std::string::npos) return false;
    bool starts_segment = found == 0 || name[found - 1] == '.';
    if (starts_segment && found + 5 < name.size()) {
      *prefix = found == 0 ? "" : name.substr(0, found - 1);
      *code = name.substr(found + 5);
      return true;
    }
    pos = found + 1;
  }
}

const HistogramData* FindHistogram(const Named<HistogramData>& list, std::string_view name) {
  for (const auto& [k, h] : list) {
    if (k == name) return &h;
  }
  return nullptr;
}

class Page {
 public:
  explicit Page(const ReportStats& s) : s_(s) {}

  std::string Render() {
    Head();
    Summary();
    Funnel();
    DropReasons();
    FailedRules();
    Histograms();
    Languages();
    Clusters();
    Audit();
    out_ += RenderLanguageAuditSection(s_);
    StageReports();
    Throughput();
    Inputs();
    Counters();
    Samples();
    out_ += "<footer>Rendered by sluice from stats.json (schema " + E(s_.schema) + "). Self-contained: " +
            std::string(s_.language_audit ? "nothing loaded from the network; one inline script (allowed by hash) "
                                            "sorts the language audit table."
                                          : "no scripts, nothing loaded from the network.") +
            "</footer></main></body></html>\n";
    return std::move(out_);
  }

 private:
  void Head() {
    out_ += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data:; script-src " + std::string(kLanguageAuditScriptCspSource) + "\">"
            "<title>sluice run report</title><style>";
    out_ += kCss;
    out_ += "</style></head><body><main><header><h1>sluice run report</h1><p class=\"meta\">";
    std::vector<std::string> meta;
    if (!s_.sluice_version.empty()) meta.push_back("sluice " + E(s_.sluice_version));
    meta.push_back("stats schema " + E(s_.schema));
    if (!s_.shard.empty()) meta.push_back("shard " + E(s_.shard));
    meta.push_back(FormatInt(static_cast<int64_t>(s_.inputs.size())) + (s_.inputs.size() == 1 ? " input" : " inputs"));
    meta.push_back(FormatInt(static_cast<int64_t>(s_.stages.size())) + (s_.stages.size() == 1 ? " stage" : " stages"));
    if (s_.threads > 0) meta.push_back(FormatInt(s_.threads) + (s_.threads == 1 ? " thread" : " threads"));
    if (s_.wall_seconds > 0) meta.push_back(Seconds(s_.wall_seconds) + " wall");
    for (size_t i = 0; i < meta.size(); ++i) out_ += (i ? " · " : "") + meta[i];
    out_ += "</p><nav>";
    for (auto [id, title] : std::initializer_list<std::pair<const char*, const char*>>{
             {"summary", "Summary"}, {"funnel", "Funnel"}, {"drops", "Drop reasons"}, {"histograms", "Histograms"},
             {"languages", "Languages"}, {"clusters", "Duplicates"}, {"audit", "Bias audit"}, {"language-audit", "Language audit"},
             {"throughput", "Throughput"}, {"inputs", "Inputs"}, {"samples", "Rejected examples"}}) {
      out_ += std::string("<a href=\"#") + id + "\">" + title + "</a>";
    }
    out_ += "</nav></header>";
  }

  void Open(const char* id, const char* title) {
    out_ += std::string("<section id=\"") + id + "\"><h2>" + title + "</h2>";
  }
  void Close() { out_ += "</section>"; }
  void Empty(std::string_view text) { out_ += "<p class=\"empty\">" + E(text) + "</p>"; }

  void Card(const char* cls, const char* key, const std::string& value, const std::string& sub, const char* id) {
    out_ += std::string("<div class=\"card ") + cls + "\" id=\"" + id + "\"><div class=\"k\">" + key +
            "</div><div class=\"v\">" + value + "</div><div class=\"s\">" + sub + "</div></div>";
  }

  void Summary() {
    const InputData& t = s_.totals;
    Open("summary", "Summary");
    out_ += "<div class=\"cards\">";
    Card("", "Documents in", FormatInt(t.in), E(FormatBytes(static_cast<double>(t.bytes_in))) + " of text", "total-in");
    Card("kept", "Kept", FormatInt(t.kept), E(FormatPercent(Ratio(t.kept, t.in))) + " of documents", "total-kept");
    Card("dropped", "Dropped", FormatInt(t.dropped), E(FormatPercent(Ratio(t.dropped, t.in))) + " of documents",
         "total-dropped");
    Card("malformed", "Malformed", FormatInt(t.malformed), E(FormatPercent(Ratio(t.malformed, t.in))) + " of records",
         "total-malformed");
    Card("bytes", "Text kept", E(FormatBytes(static_cast<double>(t.bytes_kept))),
         E(FormatPercent(Ratio(t.bytes_kept, t.bytes_in))) + " of text bytes", "total-bytes");
    out_ += "</div>";
    bool adds_up = t.in == t.kept + t.dropped + t.malformed;
    // The equation only covers the records that were read: an input that ended
    // early (read_error) had records after the break that nobody counted.
    int64_t ended_early = 0;
    for (const InputData& in : s_.inputs) ended_early += in.read_error.empty() ? 0 : 1;
    std::string verdict;
    if (!adds_up) {
      verdict = "<span class=\"bad\">✗ does not add up</span>";
    } else if (ended_early > 0) {
      verdict = "<span class=\"bad\" id=\"ended-early\">✗ adds up for the records read, but " +
                FormatInt(ended_early) + (ended_early == 1 ? " input" : " inputs") +
                " ended early (read error): the records after the break were not read (see Inputs)</span>";
    } else {
      verdict = "<span class=\"ok\">✓ every record accounted for</span>";
    }
    out_ += "<p class=\"equation\" id=\"accounting\">in = kept + dropped + malformed: <b>" + FormatInt(t.in) +
            "</b> = " + FormatInt(t.kept) + " + " + FormatInt(t.dropped) + " + " + FormatInt(t.malformed) + " " +
            verdict + "</p>";
    if (t.in > 0) {
      double k = Ratio(t.kept, t.in), d = Ratio(t.dropped, t.in), m = Ratio(t.malformed, t.in);
      auto pct = [](double f) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.3f%%", f * 100);
        return std::string(buf);
      };
      out_ += "<svg class=\"stack\" role=\"img\" aria-label=\"kept, dropped and malformed shares\">";
      out_ += "<rect class=\"c0\" x=\"0\" y=\"0\" height=\"18\" width=\"" + pct(k) + "\"/>";
      out_ += "<rect class=\"c3\" x=\"" + pct(k) + "\" y=\"0\" height=\"18\" width=\"" + pct(d) + "\"/>";
      out_ += "<rect class=\"c5\" x=\"" + pct(k + d) + "\" y=\"0\" height=\"18\" width=\"" + pct(m) + "\"/></svg>";
      out_ += "<div class=\"legend\"><span><i class=\"sw c0\"></i>kept</span><span><i class=\"sw c3\"></i>dropped"
              "</span><span><i class=\"sw c5\"></i>malformed</span></div>";
    }
    Close();
  }

  void Funnel() {
    const InputData& t = s_.totals;
    Open("funnel", "Funnel: documents and bytes per stage");
    if (s_.stages.empty()) {
      Empty("The recipe has no stages: every well-formed record was kept.");
    } else {
      out_ += "<p class=\"note\">Solid: what the stage passed on; light: what it dropped.</p>";
      std::vector<BarRow> docs, bytes;
      int64_t parsed = t.in - t.malformed;
      docs.push_back(BarRow{"read", "parsed records", static_cast<double>(parsed), static_cast<double>(t.malformed),
                            FormatInt(parsed) + (t.malformed ? " (+" + FormatInt(t.malformed) + " malformed)" : ""),
                            7, false});
      bytes.push_back(BarRow{"read", "text of parsed records", static_cast<double>(t.bytes_in), 0,
                             FormatBytes(static_cast<double>(t.bytes_in)), 7, false});
      for (size_t i = 0; i < s_.stages.size(); ++i) {
        const StageData& st = s_.stages[i];
        int c = static_cast<int>(i);
        docs.push_back(BarRow{st.name, st.type, static_cast<double>(st.docs_out), static_cast<double>(st.docs_dropped),
                              FormatInt(st.docs_out) + " (−" + FormatInt(st.docs_dropped) + ", " +
                                  FormatPercent(Ratio(st.docs_dropped, st.docs_in)) + ")",
                              c, false});
        int64_t lost = std::max<int64_t>(0, st.bytes_in - st.bytes_out);
        bytes.push_back(BarRow{st.name, st.type, static_cast<double>(st.bytes_out), static_cast<double>(lost),
                               FormatBytes(static_cast<double>(st.bytes_out)) + " (" +
                                   FormatPercent(Ratio(st.bytes_out, st.bytes_in)) + " of in)",
                               c, false});
      }
      docs.push_back(BarRow{"kept", "written to kept/", static_cast<double>(t.kept), 0,
                            FormatInt(t.kept) + " (" + FormatPercent(Ratio(t.kept, t.in)) + ")", 2, false});
      bytes.push_back(BarRow{"kept", "written to kept/", static_cast<double>(t.bytes_kept), 0,
                             FormatBytes(static_cast<double>(t.bytes_kept)) + " (" +
                                 FormatPercent(Ratio(t.bytes_kept, t.bytes_in)) + ")",
                             2, false});
      double byte_scale = static_cast<double>(t.bytes_in);
      for (const auto& st : s_.stages) byte_scale = std::max(byte_scale, static_cast<double>(st.bytes_in));
      out_ += "<h3>Documents</h3>" + RenderBarList(docs, static_cast<double>(t.in), "documents per stage") +
              "<h3>Text bytes</h3>" + RenderBarList(bytes, byte_scale, "bytes per stage");
      out_ += "<div class=\"scroll\"><table id=\"stage-table\"><tr><th class=\"t\">stage</th><th class=\"t\">type</th>"
              "<th>docs in</th><th>docs out</th><th>dropped</th><th>dropped %</th><th>bytes in</th>"
              "<th>bytes out</th></tr>";
      for (const auto& st : s_.stages) {
        out_ += "<tr><td class=\"t\">" + E(st.name) + "</td><td class=\"t\">" + E(st.type) + "</td><td>" +
                FormatInt(st.docs_in) + "</td><td>" + FormatInt(st.docs_out) + "</td><td>" +
                FormatInt(st.docs_dropped) + "</td><td>" + FormatPercent(Ratio(st.docs_dropped, st.docs_in)) +
                "</td><td>" + FormatInt(st.bytes_in) + "</td><td>" + FormatInt(st.bytes_out) + "</td></tr>";
      }
      out_ += "</table></div>";
    }
    Close();
  }

  void DropReasons() {
    Open("drops", "Drop reasons");
    std::vector<BarRow> rows;
    double max = 0;
    size_t hidden = 0;
    int64_t hidden_docs = 0;
    for (size_t i = 0; i < s_.stages.size(); ++i) {
      const StageData& st = s_.stages[i];
      Named<int64_t> reasons = st.dropped;
      std::stable_sort(reasons.begin(), reasons.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      for (const auto& [reason, n] : reasons) {
        if (rows.size() >= kMaxReasonRows) {
          ++hidden;
          hidden_docs += n;
          continue;
        }
        rows.push_back(BarRow{reason, st.name, static_cast<double>(n), 0,
                              FormatInt(n) + " (" + FormatPercent(Ratio(n, st.docs_in)) + " of stage input)",
                              static_cast<int>(i), false});
        max = std::max(max, static_cast<double>(n));
      }
    }
    if (rows.empty()) {
      Empty("No document was dropped.");
    } else {
      out_ += "<p class=\"note\">Each dropped document counts once, under the first reason of the stage that "
              "dropped it; colours follow the stages of the funnel.</p>";
      out_ += RenderBarList(rows, max, "drop reasons");
      if (hidden) {
        out_ += "<p class=\"note\">… and " + FormatInt(static_cast<int64_t>(hidden)) + " more reasons (" +
                FormatInt(hidden_docs) + " documents).</p>";
      }
    }
    Close();
  }

  void FailedRules() {
    bool any = false;
    for (const auto& st : s_.stages) any = any || !st.failed_rules.empty();
    if (!any) return;
    out_ += "<section id=\"failed-rules\"><h3>Failed rules</h3><p class=\"note\">A stage that evaluates several rules "
            "lists every rule a dropped document failed: a rule can fail far more often than it is the first "
            "reason.</p><div class=\"scroll\"><table><tr><th class=\"t\">stage</th><th class=\"t\">rule</th>"
            "<th>documents failing</th><th>first reason for</th><th>% of stage input</th></tr>";
    for (const auto& st : s_.stages) {
      for (const auto& [rule, n] : st.failed_rules) {
        int64_t first = 0;
        for (const auto& [r, d] : st.dropped) {
          if (r == rule) first = d;
        }
        out_ += "<tr><td class=\"t\">" + E(st.name) + "</td><td class=\"t\">" + E(rule) + "</td><td>" +
                FormatInt(n) + "</td><td>" + FormatInt(first) + "</td><td>" + FormatPercent(Ratio(n, st.docs_in)) +
                "</td></tr>";
      }
    }
    out_ += "</table></div></section>";
  }

  void Chart(const std::string& title, const std::string& note, const HistogramData* before,
             const HistogramData* after, int color) {
    out_ += "<div class=\"chart\"><h4>" + E(title) + "</h4><p class=\"note\">" + E(note) + "</p>" +
            RenderHistogram(before, after, color, title) + "</div>";
  }

  void BeforeAfterLegend(int color) {
    out_ += "<div class=\"legend\"><span><i class=\"sw before\"></i>all documents (before)</span><span><i class=\"sw "
            "c" + std::to_string(color % kChartColors) + "\"></i>kept documents (after)</span></div>";
  }

  void Histograms() {
    Open("histograms", "Histograms before and after");
    const HistogramData* in = FindHistogram(s_.engine_histograms, "input_chars");
    const HistogramData* kept = FindHistogram(s_.engine_histograms, "kept_chars");
    BeforeAfterLegend(0);
    out_ += "<div class=\"charts\">";
    if (in || kept) {
      Chart("Document length (characters)",
            FormatInt(in ? in->total : 0) + " parsed, " + FormatInt(kept ? kept->total : 0) + " kept", in, kept, 0);
    }
    for (const auto& [name, h] : s_.engine_histograms) {
      if (name == "input_chars" || name == "kept_chars") continue;
      Chart(name, FormatInt(h.total) + " values", &h, nullptr, 7);
    }
    out_ += "</div>";
    bool any_signal = false;
    for (size_t i = 0; i < s_.stages.size(); ++i) {
      const StageData& st = s_.stages[i];
      if (st.signals.empty()) continue;
      if (!any_signal) {
        out_ += "<h3>Signals</h3><p class=\"note\">Per signal: the values of every document that reached the stage "
                "computing it, against the documents that ended up kept.</p><div class=\"charts\">";
        any_signal = true;
      }
      for (const auto& [name, h] : st.signals) {
        const HistogramData* after = FindHistogram(s_.kept_signals, name);
        Chart(name, st.name + ": " + FormatInt(h.total) + " scored, " + FormatInt(after ? after->total : 0) + " kept",
              &h, after, static_cast<int>(i));
      }
    }
    // Kept signals with no stage histogram (should not happen with one engine).
    for (const auto& [name, h] : s_.kept_signals) {
      bool seen = false;
      for (const auto& st : s_.stages) seen = seen || FindHistogram(st.signals, name);
      if (seen) continue;
      if (!any_signal) {
        out_ += "<h3>Signals</h3><div class=\"charts\">";
        any_signal = true;
      }
      Chart(name, FormatInt(h.total) + " kept", nullptr, &h, 0);
    }
    if (any_signal) out_ += "</div>";
    if (!in && !kept && !any_signal && s_.engine_histograms.empty()) Empty("No histograms were recorded.");
    Close();
  }

  void Languages() {
    Open("languages", "Languages");
    struct Group {
      std::string title;
      Named<int64_t> counts;
    };
    std::vector<Group> groups;
    auto collect = [&](const std::string& owner, const Named<int64_t>& counters) {
      std::map<std::string, size_t> index;  // prefix -> group
      for (const auto& [name, n] : counters) {
        std::string prefix, code;
        if (!SplitLanguageCounter(name, &prefix, &code)) continue;
        auto it = index.find(prefix);
        if (it == index.end()) {
          it = index.emplace(prefix, groups.size()).first;
          groups.push_back(Group{prefix.empty() || prefix == owner ? owner : owner + " · " + prefix, {}});
        }
        groups[it->second].counts.emplace_back(code, n);
      }
    };
    collect("engine", s_.engine_counters);
    for (const auto& st : s_.stages) collect(st.name, st.counters);
    if (groups.empty()) {
      Empty("No stage counted languages (a language-ID stage records counters named like language_id.lang.<code>).");
    }
    out_ += "<div class=\"charts\">";
    for (size_t g = 0; g < groups.size(); ++g) {
      Named<int64_t> counts = groups[g].counts;
      std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
      int64_t total = 0;
      for (const auto& [c, n] : counts) total += n;
      std::vector<BarRow> rows;
      int64_t other = 0;
      size_t other_langs = 0;
      for (const auto& [code, n] : counts) {
        if (rows.size() >= kMaxLanguageRows) {
          other += n;
          ++other_langs;
          continue;
        }
        rows.push_back(BarRow{code, "", static_cast<double>(n), 0,
                              FormatInt(n) + " (" + FormatPercent(Ratio(n, total)) + ")", 0, false});
      }
      if (other_langs) {
        rows.push_back(BarRow{"other", FormatInt(static_cast<int64_t>(other_langs)) + " languages",
                              static_cast<double>(other), 0,
                              FormatInt(other) + " (" + FormatPercent(Ratio(other, total)) + ")", 7, false});
      }
      double max = counts.empty() ? 1 : static_cast<double>(std::max(counts.front().second, other));
      out_ += "<div class=\"chart\"><h4>" + E(groups[g].title) + "</h4><p class=\"note\">" + FormatInt(total) +
              " documents</p>" + RenderBarList(rows, max, groups[g].title) + "</div>";
    }
    out_ += "</div>";
    Close();
  }

  void Clusters() {
    Open("clusters", "Duplicate clusters and other stage histograms");
    bool any = false;
    out_ += "<div class=\"charts\">";
    // Cluster sizes first, then every other stage histogram.
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t i = 0; i < s_.stages.size(); ++i) {
        const StageData& st = s_.stages[i];
        for (const auto& [name, h] : st.histograms) {
          bool cluster = name.find("cluster_size") != std::string::npos;
          if (cluster != (pass == 0)) continue;
          any = true;
          Chart(name, st.name + ": " + FormatInt(h.total) + (cluster ? " clusters" : " values"), nullptr, &h,
                static_cast<int>(i));
        }
      }
    }
    out_ += "</div>";
    if (!any) Empty("No stage recorded cluster sizes or other histograms.");
    Close();
  }

  static std::string RateText(double r) { return std::isnan(r) ? "—" : FormatPercent(r); }
  static std::string RatioText(double r) {
    if (std::isnan(r)) return "—";
    if (std::isinf(r)) return "∞";
    char buf[32];
    snprintf(buf, sizeof buf, "%.2f×", r);
    return buf;
  }

  // The bias audit exactly as stats.json holds it (filters/bias_audit.h computes
  // it once): the report only renders, so both flag the same rows.
  void Audit() {
    Open("audit", "Bias audit");
    if (!s_.bias_audit || s_.bias_audit->rows.empty()) {
      Empty("No document carried an identity tag (put the bias_audit stage first in the recipe: it tags documents "
            "that mention social groups, e.g. identity.gender, and the engine counts per stage how many of them "
            "were removed).");
      Close();
      return;
    }
    const BiasAuditTable& a = *s_.bias_audit;
    int flagged = 0;
    for (const auto& r : a.rows) flagged += r.alert ? 1 : 0;
    char threshold[16];
    snprintf(threshold, sizeof threshold, "%.2f", a.options.alert_disparity);
    out_ += "<p class=\"note\">For each group: the share of its documents a stage removed, against the share of "
            "all documents the stage removed (the disparity). A disparity of " + std::string(threshold) +
            "× or more is flagged when at least " + FormatInt(a.options.min_docs) +
            " documents of the group reached the stage (fewer: low support, never flagged). The all_stages rows "
            "count removal by any stage from the first stage the group reached.</p>";
    out_ += "<p id=\"audit-flagged\">" +
            (flagged ? "<span class=\"badge\">" + FormatInt(flagged) + " flagged</span>"
                     : std::string("<span class=\"ok\">no disproportionate removal</span>")) +
            "</p>";
    out_ += "<div class=\"scroll\"><table id=\"audit-table\"><tr><th class=\"t\">stage</th><th class=\"t\">group</th>"
            "<th>group in</th><th>group removed</th><th>group removal</th><th>overall removal</th>"
            "<th>disparity</th><th class=\"t\"></th></tr>";
    for (const auto& r : a.rows) {
      out_ += std::string(r.alert ? "<tr class=\"flag\">" : "<tr>") + "<td class=\"t\">" + E(r.stage) +
              "</td><td class=\"t\">" + E(a.options.tag_prefix + r.group) + "</td><td>" + FormatInt(r.group_in) +
              "</td><td>" + FormatInt(r.group_dropped) + "</td><td>" + RateText(r.group_rate) + "</td><td>" +
              RateText(r.all_rate) + "</td><td>" + RatioText(r.disparity) + "</td><td class=\"t\">";
      if (r.alert) out_ += "<span class=\"badge\">flagged</span> ";
      if (r.low_support) out_ += "<span class=\"badge soft\">low support</span>";
      out_ += "</td></tr>";
    }
    out_ += "</table></div>";
    Close();
  }

  void StageReports() {
    bool any = false;
    for (const auto& st : s_.stages) any = any || st.report.has_value();
    if (!any) return;
    Open("stage-reports", "Stage reports");
    out_ += "<p class=\"note\">What stages reported when the run finished (audits, tokenizer summaries, dedup "
            "indexes).</p>";
    for (const auto& st : s_.stages) {
      if (!st.report) continue;
      out_ += "<div class=\"stage-report\"><h3>" + E(st.name) + " <small class=\"meta\">" + E(st.type) +
              "</small></h3>" + RenderJsonValue(*st.report) + "</div>";
    }
    Close();
  }

  // 12.3 s, 0.25 s, 4.2 ms, 37 µs.
  static std::string Seconds(double s) {
    char buf[32];
    if (s >= 10) {
      snprintf(buf, sizeof buf, "%.1f s", s);
    } else if (s >= 0.01) {
      snprintf(buf, sizeof buf, "%.2f s", s);
    } else if (s >= 1e-4) {
      snprintf(buf, sizeof buf, "%.1f ms", s * 1e3);
    } else if (s > 0) {
      snprintf(buf, sizeof buf, "%.0f µs", s * 1e6);
    } else {
      return "0 s";
    }
    return buf;
  }

  void Throughput() {
    Open("throughput", "Throughput per stage");
    if (s_.wall_seconds > 0) {
      out_ += "<p id=\"overall-throughput\">" + FormatBytes(static_cast<double>(s_.totals.bytes_in)) + " of text in " +
              Seconds(s_.wall_seconds) + " wall time on " + FormatInt(s_.threads) + " thread" +
              (s_.threads == 1 ? "" : "s") + ": <b>" +
              FormatNumber(static_cast<double>(s_.totals.bytes_in) / 1e6 / s_.wall_seconds) + " MB/s</b>, " +
              FormatNumber(static_cast<double>(s_.totals.in) / s_.wall_seconds) + " records/s.</p>";
    }
    if (s_.timing.empty()) {
      Empty(s_.stages.empty() ? "No stages to time." : "No per-stage timing recorded.");
      Close();
      return;
    }
    double cpu_total = 0, max_rate = 0;
    for (const auto& t : s_.timing) {
      cpu_total += t.cpu_seconds;
      max_rate = std::max(max_rate, t.mb_per_cpu_second);
    }
    out_ += "<p class=\"note\">MB of stage input per CPU second spent in the stage (timing varies run to run; "
            "everything else in this report is deterministic).</p>";
    std::vector<BarRow> rows;
    for (size_t i = 0; i < s_.timing.size(); ++i) {
      const StageTiming& t = s_.timing[i];
      int color = static_cast<int>(i);
      std::string type;
      for (size_t k = 0; k < s_.stages.size(); ++k) {
        if (s_.stages[k].name == t.name) {
          color = static_cast<int>(k);
          type = s_.stages[k].type;
        }
      }
      rows.push_back(BarRow{t.name, type, t.mb_per_cpu_second, 0,
                            FormatNumber(t.mb_per_cpu_second) + " MB/s · " + Seconds(t.cpu_seconds) + " CPU (" +
                                FormatPercent(cpu_total > 0 ? t.cpu_seconds / cpu_total : 0) + ")",
                            color, false});
    }
    out_ += RenderBarList(rows, max_rate, "throughput per stage");
    Close();
  }

  void Inputs() {
    Open("inputs", "Per-input accounting");
    if (s_.inputs.empty()) {
      Empty("No inputs.");
      Close();
      return;
    }
    out_ += "<div class=\"scroll\"><table id=\"inputs-table\"><tr><th class=\"t\">input</th><th>in</th><th>kept</th>"
            "<th>dropped</th><th>malformed</th><th>bytes in</th><th>bytes kept</th><th class=\"t\">check</th></tr>";
    auto row = [&](const InputData& a, bool total) {
      bool ok = a.in == a.kept + a.dropped + a.malformed;
      std::string check = ok ? "<span class=\"ok\">✓</span>" : "<span class=\"bad\">✗ does not add up</span>";
      if (!a.read_error.empty()) check += " <span class=\"bad\">read error: " + E(a.read_error) + "</span>";
      out_ += std::string(total ? "<tr class=\"total\"><th class=\"t\">" : "<tr><td class=\"t\">") + E(a.path) +
              (total ? "</th>" : "</td>") + "<td>" + FormatInt(a.in) + "</td><td>" + FormatInt(a.kept) + "</td><td>" +
              FormatInt(a.dropped) + "</td><td>" + FormatInt(a.malformed) + "</td><td>" + FormatInt(a.bytes_in) +
              "</td><td>" + FormatInt(a.bytes_kept) + "</td><td class=\"t\">" + check + "</td></tr>";
    };
    for (size_t i = 0; i < s_.inputs.size() && i < kMaxInputRows; ++i) row(s_.inputs[i], false);
    if (s_.inputs.size() > kMaxInputRows) {
      out_ += "<tr><td class=\"t\" colspan=\"8\">… " + FormatInt(static_cast<int64_t>(s_.inputs.size() - kMaxInputRows)) +
              " more inputs (see stats.json)</td></tr>";
    }
    row(s_.totals, true);
    out_ += "</table></div>";
    Close();
  }

  void Counters() {
    bool any = !s_.engine_counters.empty();
    for (const auto& st : s_.stages) any = any || !st.counters.empty();
    if (!any) return;
    Open("counters", "Counters");
    out_ += "<div class=\"scroll\"><table><tr><th class=\"t\">where</th><th class=\"t\">counter</th><th>value</th></tr>";
    for (const auto& [k, v] : s_.engine_counters) {
      out_ += "<tr><td class=\"t\">engine</td><td class=\"t\">" + E(k) + "</td><td>" + FormatInt(v) + "</td></tr>";
    }
    for (const auto& st : s_.stages) {
      for (const auto& [k, v] : st.counters) {
        out_ += "<tr><td class=\"t\">" + E(st.name) + "</td><td class=\"t\">" + E(k) + "</td><td>" + FormatInt(v) +
                "</td></tr>";
      }
    }
    out_ += "</table></div>";
    Close();
  }

  void Samples() {
    Open("samples", "Rejected examples");
    if (s_.samples.empty()) {
      Empty("No rejected documents.");
      Close();
      return;
    }
    out_ += "<p class=\"note\">The first documents dropped for each reason (text truncated to " +
            FormatInt(static_cast<int64_t>(kSampleCodePoints)) + " characters).</p>";
    std::string current;
    bool open = false;
    for (size_t i = 0; i < s_.samples.size() && i < kMaxSamples; ++i) {
      const SampleData& sm = s_.samples[i];
      std::string key = sm.stage + '\t' + sm.reason;
      if (!open || key != current) {
        if (open) out_ += "</div>";
        current = key;
        open = true;
        int64_t n = 0;
        for (const auto& st : s_.stages) {
          if (st.name != sm.stage) continue;
          for (const auto& [r, c] : st.dropped) {
            if (r == sm.reason) n = c;
          }
        }
        out_ += "<h3>" + E(sm.reason) + " <small class=\"meta\">" + E(sm.stage) + " · " + FormatInt(n) +
                " dropped</small></h3><div class=\"samples\">";
      }
      out_ += "<div class=\"sample\"><div class=\"id\">" + E(sm.id.empty() ? "(no id)" : sm.id) + "</div><pre>" +
              E(TruncateUtf8(sm.text, kSampleCodePoints)) + "</pre></div>";
    }
    if (open) out_ += "</div>";
    if (s_.samples.size() > kMaxSamples) {
      out_ += "<p class=\"note\">… " + FormatInt(static_cast<int64_t>(s_.samples.size() - kMaxSamples)) +
              " more examples in stats.json.</p>";
    }
    Close();
  }

  const ReportStats& s_;
  std::string out_;
};

bool IsScalar(const JsonValue& v) {
  return v.kind != JsonValue::Kind::kArray && v.kind != JsonValue::Kind::kObject;
}

void AppendScalar(std::string& out, const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::kNull: out += "—"; break;
    case JsonValue::Kind::kBool: out += v.boolean ? "yes" : "no"; break;
    case JsonValue::Kind::kInt: out += FormatInt(v.integer); break;
    case JsonValue::Kind::kUint: out += std::to_string(v.unsigned_integer); break;
    case JsonValue::Kind::kDouble: out += FormatNumber(v.number); break;
    case JsonValue::Kind::kString: AppendHtmlEscaped(out, TruncateUtf8(v.string, 2000)); break;
    default: break;
  }
}

bool IsFlagged(const JsonValue& row) {
  for (const char* key : {"flag", "flagged"}) {
    const JsonValue* f = row.Find(key);
    if (f && f->kind == JsonValue::Kind::kBool && f->boolean) return true;
  }
  return false;
}

void AppendJson(std::string& out, const JsonValue& v, int depth) {
  if (IsScalar(v)) {
    AppendScalar(out, v);
    return;
  }
  if (depth >= kMaxJsonDepth) {
    out += "…";
    return;
  }
  if (v.kind == JsonValue::Kind::kObject) {
    if (v.members.empty()) {
      out += "<span class=\"empty\">(empty)</span>";
      return;
    }
    out += "<table class=\"kv\">";
    for (const auto& [k, m] : v.members) {
      out += "<tr><td>";
      AppendHtmlEscaped(out, k);
      out += "</td><td>";
      AppendJson(out, m, depth + 1);
      out += "</td></tr>";
    }
    out += "</table>";
    return;
  }
  // Arrays.
  if (v.items.empty()) {
    out += "<span class=\"empty\">(none)</span>";
    return;
  }
  bool all_objects = true, all_scalars = true;
  for (const auto& item : v.items) {
    all_objects = all_objects && item.kind == JsonValue::Kind::kObject;
    all_scalars = all_scalars && IsScalar(item);
  }
  if (all_scalars) {
    for (size_t i = 0; i < v.items.size() && i < kMaxListItems; ++i) {
      if (i) out += ", ";
      AppendScalar(out, v.items[i]);
    }
    if (v.items.size() > kMaxListItems) out += ", … (" + FormatInt(static_cast<int64_t>(v.items.size())) + " in all)";
    return;
  }
  if (all_objects) {
    std::vector<std::string> columns;
    std::set<std::string> seen;
    for (const auto& item : v.items) {
      for (const auto& [k, m] : item.members) {
        if (seen.insert(k).second) columns.push_back(k);
      }
    }
    out += "<div class=\"scroll\"><table class=\"gen\"><tr>";
    for (const auto& c : columns) {
      out += "<th>";
      AppendHtmlEscaped(out, c);
      out += "</th>";
    }
    out += "</tr>";
    for (size_t i = 0; i < v.items.size() && i < kMaxTableRows; ++i) {
      const JsonValue& row = v.items[i];
      out += IsFlagged(row) ? "<tr class=\"flag\">" : "<tr>";
      for (const auto& c : columns) {
        const JsonValue* cell = row.Find(c);
        bool text = cell && (cell->kind == JsonValue::Kind::kString || !IsScalar(*cell));
        out += text ? "<td class=\"t\">" : "<td>";
        if (cell) AppendJson(out, *cell, depth + 1);
        out += "</td>";
      }
      out += "</tr>";
    }
    out += "</table></div>";
    if (v.items.size() > kMaxTableRows) {
      out += "<p class=\"note\">… " + FormatInt(static_cast<int64_t>(v.items.size() - kMaxTableRows)) +
             " more rows (see stats.json)</p>";
    }
    return;
  }
  out += "<ol>";
  for (size_t i = 0; i < v.items.size() && i < kMaxTableRows; ++i) {
    out += "<li>";
    AppendJson(out, v.items[i], depth + 1);
    out += "</li>";
  }
  out += "</ol>";
}

}  // namespace

std::string RenderJsonValue(const JsonValue& value) {
  std::string out;
  AppendJson(out, value, 0);
  return out;
}

std::string RenderRunReport(const ReportStats& stats) { return Page(stats).Render(); }

Status WriteRunReport(const std::string& stats_json, const std::string& path) {
  auto stats = ParseReportStats(stats_json);
  if (!stats.ok()) return stats.status();
  return WriteFileAtomically(path, RenderRunReport(*stats));
}

Status WriteRunReportFile(const std::string& stats_path, const std::string& html_path) {
  auto stats = LoadReportStats(stats_path);
  if (!stats.ok()) return stats.status();
  return WriteFileAtomically(html_path, RenderRunReport(*stats));
}

}  // namespace sluice
