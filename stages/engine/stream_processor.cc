#include "stages/engine/stream_processor.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "stages/engine/run_stats.h"
#include "stages/io/record_writer.h"
#include "stages/text/utf8.h"

namespace sluice {

namespace {

constexpr size_t kChunk = 64;            // documents per parallel task (stats merged per chunk, in order)

}  // namespace

StatusOr<std::unique_ptr<StreamProcessor>> StreamProcessor::Create(std::vector<StageInstance> stages, Config config) {
  std::unique_ptr<StreamProcessor> p(new StreamProcessor(std::move(stages), std::move(config)));
  auto chain = StageChain::Create(p->stages_, StageChain::Bounds{});
  if (!chain.ok()) return chain.status();
  p->chain_ = std::move(chain).value();
  p->input_.path = p->config_.source_name;
  p->input_.format = InputFormat::kJsonl;
  p->state_.Resize(p->stages_.size());
  InputAccount account;
  account.path = p->config_.source_name;
  p->state_.inputs.push_back(account);
  return p;
}

Status StreamProcessor::Process(const std::vector<std::string>& lines, std::vector<Result>* results) {
  if (finished_) return Status::Internal("the pipeline was finished; build a new one");
  const size_t n = lines.size();
  results->assign(n, Result());
  std::vector<Document> docs(n);
  std::vector<char> parsed(n, 0);
  std::vector<int64_t> text_bytes(n, 0);  // as parsed, before any stage
  std::vector<MalformedRecord> malformed(n);
  const size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<Stats> engine(chunks);
  std::vector<int64_t> repairs(chunks, 0);
  std::vector<std::vector<Stats>> stage_stats(chunks, std::vector<Stats>(stages_.size()));
  std::vector<Status> errors(chunks);
  const uint64_t first_line = next_line_;
  next_line_ += n;
  tbb::task_arena arena(std::max(1, config_.threads));
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, chunks, [&](size_t c) {
      for (size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
        RawRecord raw;
        raw.line = first_line + i;
        raw.bytes = lines[i];
        if (raw.bytes.size() > config_.reader.max_record_bytes) {
          raw.too_large = true;
          raw.full_size = raw.bytes.size();
          raw.bytes.resize(4096);
        }
        if (ParseRecord(input_, 0, config_.reader, raw, &docs[i], &malformed[i], &repairs[c])) {
          parsed[i] = 1;
          text_bytes[i] = static_cast<int64_t>(docs[i].text.size());
          StageChain::ObserveParsed(docs[i], &engine[c]);
        } else {
          engine[c].Add("malformed:" + malformed[i].error);
          docs[i].dropped = true;  // no stage sees it
        }
      }
    });
    for (const auto& step : chain_->steps()) {
      if (step.serial) {
        for (size_t i = 0; i < n; ++i) {
          Status st = chain_->RunOp(step.ops[0], docs[i], stage_stats[i / kChunk]);
          if (!st.ok() && errors[0].ok()) errors[0] = st;
        }
        continue;
      }
      tbb::parallel_for(size_t{0}, chunks, [&](size_t c) {
        for (const auto& op : step.ops) {
          for (size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
            Status st = chain_->RunOp(op, docs[i], stage_stats[c]);
            if (!st.ok() && errors[c].ok()) errors[c] = st;
          }
        }
      });
    }
    // Output records, built in parallel.
    tbb::parallel_for(size_t{0}, chunks, [&](size_t c) {
      for (size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
        Result& r = (*results)[i];
        if (!parsed[i]) {
          r.kind = Result::Kind::kMalformed;
          r.reason = malformed[i].error;
          r.detail = malformed[i].message;
          continue;
        }
        const Document& doc = docs[i];
        if (doc.dropped) {
          r.kind = Result::Kind::kDropped;
          r.stage = doc.drop_stage;
          r.reason = doc.drop_reason;
          r.detail = doc.drop_detail;
          r.reasons = doc.all_reasons;
          AppendRejectedRecord(doc, config_.output.write_signals, &r.record);
          continue;
        }
        chain_->ObserveKept(doc, &engine[c]);
        AppendKeptRecord(doc, config_.output.write_signals, &r.record);
      }
    });
  });
  for (const Status& st : errors) {
    if (!st.ok()) return st;
  }
  // Statistics in input order, as the engine merges them.
  InputAccount& acc = state_.inputs[0];
  for (size_t c = 0; c < chunks; ++c) {
    state_.engine.Merge(engine[c]);
    if (repairs[c]) state_.engine.Add("invalid_utf8_repaired", repairs[c]);
    for (size_t s = 0; s < stages_.size(); ++s) state_.stages[s].Merge(stage_stats[c][s]);
  }
  for (size_t i = 0; i < n; ++i) {
    ++acc.records;
    if (!parsed[i]) {
      ++acc.malformed;
      continue;
    }
    acc.bytes_in += text_bytes[i];
    if (docs[i].dropped) {
      ++acc.dropped;
      const Document& doc = docs[i];
      auto& list = state_.samples[doc.drop_stage + "\t" + doc.drop_reason];
      if (static_cast<int>(list.size()) < config_.output.samples_per_reason) {
        list.push_back(StageChain::SampleOf(doc));
      }
    } else {
      ++acc.kept;
      acc.bytes_kept += static_cast<int64_t>(docs[i].text.size());
    }
  }
  return Status::Ok();
}

Status StreamProcessor::Finish() {
  if (finished_) return Status::Ok();
  finished_ = true;
  return chain_->Finish(config_.output_dir, &state_);
}

std::string StreamProcessor::StatsJson() const {
  StatsJsonInfo info;
  for (const auto& st : stages_) {
    info.stage_names.push_back(st.name);
    info.stage_types.push_back(st.type);
  }
  info.threads = config_.threads;
  return sluice::StatsJson(RunStatsOf(state_, info));
}

}  // namespace sluice
