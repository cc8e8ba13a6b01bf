#include "stages/engine/stage_chain.h"

#include <simdjson.h>

#include "stages/io/json_writer.h"
#include "stages/text/utf8.h"

namespace sluice {

namespace {

bool IsValidJsonObject(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  return !parser.parse(text).get(root) && root.is_object();
}

}  // namespace

// Consecutive parallel ops share one step; each serial op is its own. A
// global stage resolved here is Key | Resolve | Apply; at the start of a
// segment it is ApplyLoaded (decisions from its resolve task); at the end of a
// segment Key | WriteKeys.
StatusOr<std::unique_ptr<StageChain>> StageChain::Create(const std::vector<StageInstance>& stages, Bounds bounds) {
  std::unique_ptr<StageChain> c(new StageChain(stages, std::move(bounds)));
  const Bounds& b = c->bounds_;
  if (b.first > stages.size() || b.last < b.first) return Status::Internal("bad segment bounds");
  if (!b.apply_decisions.empty() && (b.first >= stages.size() || !stages[b.first].stage->is_global())) {
    return Status::Internal("decisions given for a stage that is not global");
  }
  if (!b.keys_out.empty() && (b.last >= stages.size() || !stages[b.last].stage->is_global())) {
    return Status::Internal("keys requested for a stage that is not global");
  }
  auto& steps = c->steps_;
  steps.push_back(Step{false, {}});
  auto serial = [&](OpKind kind, size_t i) {
    steps.push_back(Step{true, {Op{kind, i}}});
    steps.push_back(Step{false, {}});
  };
  c->resolvers_.resize(stages.size());
  for (size_t i = 0; i < stages.size(); ++i) {
    if (!c->runs(i)) continue;
    if (!stages[i].stage->is_global()) {
      steps.back().ops.push_back(Op{OpKind::kProcess, i});
    } else if (i == b.first && !b.apply_decisions.empty()) {
      steps.back().ops.push_back(Op{OpKind::kApplyLoaded, i});
    } else {
      steps.back().ops.push_back(Op{OpKind::kKey, i});
      serial(OpKind::kResolve, i);
      steps.back().ops.push_back(Op{OpKind::kApply, i});
      auto r = c->global(i).NewResolver();
      if (!r.ok()) return r.status().WithContext("stage '" + stages[i].name + "'");
      c->resolvers_[i] = std::move(r).value();
    }
  }
  if (!b.keys_out.empty()) {
    steps.back().ops.push_back(Op{OpKind::kKey, b.last});
    serial(OpKind::kWriteKeys, b.last);
    c->keys_ = std::make_unique<GlobalRecordWriter>();
    SLUICE_RETURN_IF_ERROR(c->keys_->Open(b.keys_out));
  }
  if (!b.apply_decisions.empty()) SLUICE_RETURN_IF_ERROR(c->decisions_.Load(b.apply_decisions));
  c->signal_specs_.resize(stages.size());
  for (size_t i = 0; i < stages.size(); ++i) {
    for (auto& spec : stages[i].stage->signal_histograms()) {
      HistogramSpec kept_spec = spec;
      kept_spec.name = "kept_signal:" + spec.name;
      c->kept_signal_specs_.emplace(spec.name, kept_spec);
      spec.name = std::string(kSignalPrefix) + spec.name;
      c->signal_specs_[i][spec.name] = spec;
    }
  }
  return c;
}

void StageChain::ObserveParsed(const Document& doc, Stats* engine) {
  static const HistogramSpec kInputChars = HistogramSpec::Log("input_chars");
  engine->Observe(kInputChars, static_cast<double>(CountCodePoints(doc.text)));
}

void StageChain::ObserveKept(const Document& doc, Stats* engine) const {
  static const HistogramSpec kKeptChars = HistogramSpec::Log("kept_chars");
  engine->Observe(kKeptChars, static_cast<double>(CountCodePoints(doc.text)));
  for (const auto& [name, value] : doc.signals) {
    auto it = kept_signal_specs_.find(name);
    engine->Observe(it != kept_signal_specs_.end() ? it->second : HistogramSpec::Log("kept_signal:" + name), value);
  }
}

RunSample StageChain::SampleOf(const Document& doc) {
  constexpr size_t kSampleBytes = 600;
  std::string_view text = doc.text;
  std::string cut(text);
  if (text.size() > kSampleBytes) {
    size_t end = kSampleBytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    cut = std::string(text.substr(0, end)) + "…";
  }
  return RunSample{doc.drop_stage, doc.drop_reason, doc.id, std::move(cut), doc.input_index, doc.line};
}

bool StageChain::stateless() const {
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (resolvers_[i] || (runs(i) && stages_[i].stage->keeps_state())) return false;
  }
  return true;
}

void StageChain::Enter(size_t, Document& doc, Stats& st) const {
  st.Add(kDocsIn);
  st.Add(kBytesIn, static_cast<int64_t>(doc.text.size()));
  for (const auto& t : doc.tags) st.Add(std::string(kTagInPrefix) + t);
}

void StageChain::After(size_t i, Document& doc, Stats& st, size_t signals_before, const Verdict& v) const {
  for (size_t k = signals_before; k < doc.signals.size(); ++k) {
    std::string key = std::string(kSignalPrefix) + doc.signals[k].first;
    auto it = signal_specs_[i].find(key);
    st.Observe(it != signal_specs_[i].end() ? it->second : HistogramSpec::Log(key), doc.signals[k].second);
  }
  if (!v.keep()) {
    doc.dropped = true;
    doc.drop_stage = stages_[i].name;
    doc.drop_reason = v.reason();
    doc.drop_detail = v.detail();
    if (doc.all_reasons.empty() || doc.all_reasons.front() != v.reason()) {
      doc.all_reasons.insert(doc.all_reasons.begin(), v.reason());
    }
    st.Add(kDocsDropped);
    st.Add(std::string(kDroppedPrefix) + v.reason());
    for (const auto& r : doc.all_reasons) st.Add(std::string(kFailedPrefix) + r);
    for (const auto& t : doc.tags) st.Add(std::string(kTagDroppedPrefix) + t);
    return;
  }
  doc.all_reasons.clear();  // reasons only travel with a drop
  st.Add(kDocsOut);
  st.Add(kBytesOut, static_cast<int64_t>(doc.text.size()));
}

Status StageChain::RunOp(const Op& op, Document& doc, std::vector<Stats>& stage_stats) {
  if (doc.dropped) return Status::Ok();
  const size_t i = op.stage;
  const Stage* owner = stages_[i].stage.get();
  Stats& st = stage_stats[i];
  StageContext ctx(&st);
  const size_t before = doc.signals.size();
  switch (op.kind) {
    case OpKind::kProcess: {
      Enter(i, doc, st);
      const size_t tags_before = doc.tags.size();
      Verdict v = stages_[i].stage->Process(doc, ctx);
      // A tag the stage itself adds counts as entering it, so in >= dropped holds.
      for (size_t k = tags_before; k < doc.tags.size(); ++k) st.Add(std::string(kTagInPrefix) + doc.tags[k]);
      After(i, doc, st, before, v);
      return Status::Ok();
    }
    case OpKind::kKey: {
      Enter(i, doc, st);
      std::string& key = doc.ScratchFor(owner);
      key.clear();
      global(i).Key(doc, ctx, &key);
      return Status::Ok();
    }
    case OpKind::kResolve: {
      thread_local std::string key;
      key.clear();
      doc.TakeScratch(owner, &key);
      std::string& decision = doc.ScratchFor(owner);
      decision.clear();
      resolvers_[i]->Add(OrderKeyOf(doc.input_index, doc.line), key, &decision, st);
      return Status::Ok();
    }
    case OpKind::kApply: {
      thread_local std::string decision;
      decision.clear();
      doc.TakeScratch(owner, &decision);
      After(i, doc, st, before, global(i).Apply(doc, decision, ctx));
      return Status::Ok();
    }
    case OpKind::kApplyLoaded:
      After(i, doc, st, before, global(i).Apply(doc, decisions_.Find(OrderKeyOf(doc.input_index, doc.line)), ctx));
      return Status::Ok();
    case OpKind::kWriteKeys: {
      thread_local std::string key;
      key.clear();
      doc.TakeScratch(owner, &key);
      return keys_->Append(OrderKeyOf(doc.input_index, doc.line), key);
    }
  }
  return Status::Ok();
}

Status StageChain::Finish(const std::string& output_dir, RunState* state) {
  if (keys_) SLUICE_RETURN_IF_ERROR(keys_->Finish());
  state->Resize(stages_.size());
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (!runs(i)) continue;
    FinishContext fctx;
    fctx.output_dir = output_dir;
    fctx.stats = &state->stages[i];
    Status s = resolvers_[i] ? resolvers_[i]->Finish(fctx)
                             : (stages_[i].stage->is_global() ? Status::Ok() : stages_[i].stage->Finish(fctx));
    if (!s.ok()) return s.WithContext("stage '" + stages_[i].name + "'");
    std::string& report = state->reports[i];
    report = fctx.report_json;
    if (!report.empty() && !IsValidJsonObject(report)) {
      // A stage bug must not make stats.json unreadable: keep the text as a string.
      report = "{\"invalid_report\":" + JsonString(report) + "}";
    }
  }
  return Status::Ok();
}

}  // namespace sluice
