#include "stages/engine/pipeline_runner.h"

#include <sys/stat.h>
#include <unistd.h>
#include <simdjson.h>
#include <xxhash.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "stages/engine/batch_buffers.h"
#include "stages/engine/byte_codec.h"
#include "stages/engine/global_stage.h"
#include "stages/engine/stage_chain.h"
#include "stages/io/json_writer.h"
#include "stages/engine/run_log.h"
#include "stages/engine/run_markers.h"
#include "stages/text/utf8.h"
#include "stages/engine/work_file.h"
#include "stages/io/show_path.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {


using Clock = std::chrono::steady_clock;

struct Batch {
  uint32_t slot = 0;         // position in config.slices
  uint32_t input_index = 0;  // index into config.inputs
  bool first = false;        // first batch of its input
  bool last = false;         // last batch of its input
  bool replay = false;       // input finished by an earlier run: rebuild state, write nothing
  bool restore = false;      // finished by an earlier run: add its saved RunState, run nothing
  std::string read_error;
  uint64_t blank_lines = 0;
  RawBatch raws;  // the batch's records, in one buffer
  std::vector<Document> docs;
  std::vector<MalformedRecord> malformed;
  int64_t utf8_repairs = 0;
  int64_t text_bytes_read = 0;  // text bytes of parsed records, before any stage
  Stats engine;
  // Serialized outputs of this batch (built in parallel; the writers compress
  // them into frames on background threads, ChunkedWriter::WriteRecords).
  struct Frame {
    std::string bytes;  // uncompressed records, a BufferPool buffer
    uint64_t uncompressed = 0;
    int64_t records = 0;
  };
  std::map<std::string, Frame> kept_frames;  // by route
  Frame rejected_frame;
  Frame malformed_frame;
  std::vector<Stats> stage_stats;
  std::vector<int64_t> stage_nanos;
  // Segment runs: the batch's frame in the work file (read, or to write).
  std::string work_frame;
  uint64_t work_raw_size = 0;
  // Spare records and documents of earlier batches, reused (stages/engine/batch_buffers.h).
  std::unique_ptr<BatchBuffers> buffers = BatchBuffers::Acquire();
};

class Runner {
 public:
  explicit Runner(RunConfig& c) : c_(c) {}

  Status Run(RunResult* result);

 private:
  Status Prepare();
  Batch* ReadBatch(tbb::flow_control& fc);
  Batch* ReadWorkBatch(tbb::flow_control& fc);
  void ParseBatch(Batch* b);
  void DecodeWorkBatch(Batch* b);
  void SerializeBatch(Batch* b);
  void SerializeWorkBatch(Batch* b);
  void WriteBatch(Batch* b);
  Status FinishInput(const Batch& b);
  void Progress(bool final) { progress_.Update(docs_done_, raw_bytes_read_.load(), final); }
  // accounts_ (one per slice) summed per input, in input order.
  std::vector<InputAccount> InputAccounts() const;
  void Fail(const Status& s);  // any thread
  bool from_inputs() const { return c_.segment.docs_in.empty(); }
  bool to_work() const { return !c_.segment.docs_out.empty(); }

  RunConfig& c_;
  std::unique_ptr<StageChain> chain_;          // the stages' steps, resolvers, decisions, keys file
  std::unique_ptr<WorkFileReader> work_in_;     // segment.docs_in
  std::unique_ptr<WorkFileWriter> work_out_;    // segment.docs_out
  // Declared specs by signal name, for the kept-documents histograms (same buckets as before).

  // Reader state (serial filter).
  size_t next_slot_ = 0;
  std::unique_ptr<RecordSource> source_;
  uint32_t source_slot_ = 0;
  bool source_replay_ = false;
  std::set<uint32_t> done_slots_;  // slices finished by an earlier run
  // Finished slices whose saved RunState is added instead of replaying them
  // (when no stage of this run keeps state across documents).
  std::map<uint32_t, RunState> restored_;
  std::atomic<uint64_t> raw_bytes_read_{0};
  uint64_t raw_bytes_before_source_ = 0;
  uint64_t total_input_bytes_ = 0;

  // Writer state (serial filter).
  std::atomic<bool> failed_{false};
  std::mutex fail_mu_;
  Status status_;  // the first failure (Fail)
  std::map<std::string, std::unique_ptr<ChunkedWriter>> kept_writers_;
  std::unique_ptr<ChunkedWriter> rejected_writer_;
  std::unique_ptr<ChunkedWriter> malformed_writer_;
  RunState state_;  // engine and stage stats, samples, reports (inputs: from accounts_ at the end)
  RunState slice_state_;  // what the slice being written added to state_ (saved with its marker)
  std::vector<InputAccount> accounts_;  // one per slice
  Clock::time_point start_;
  ProgressMeter progress_;
  int64_t docs_done_ = 0;
};

Status Runner::Prepare() {
  const RunConfig::Segment& seg = c_.segment;
  auto chain = StageChain::Create(c_.stages, StageChain::Bounds{seg.first, seg.last, seg.apply_decisions, seg.keys_out});
  if (!chain.ok()) return chain.status();
  chain_ = std::move(chain).value();
  state_.Resize(c_.stages.size());
  if (!seg.state_in.empty()) {
    std::string data;
    if (!ReadSmallFile(seg.state_in, &data)) return Status::Io("cannot read '" + seg.state_in + "'");
    RunState carried;
    SLUICE_RETURN_IF_ERROR(carried.Decode(data).WithContext(seg.state_in));
    state_.AddStats(carried);
  }
  if (!seg.docs_in.empty()) {
    work_in_ = std::make_unique<WorkFileReader>();
    SLUICE_RETURN_IF_ERROR(work_in_->Open(seg.docs_in));
  }
  if (!seg.docs_out.empty()) {
    work_out_ = std::make_unique<WorkFileWriter>();
    SLUICE_RETURN_IF_ERROR(work_out_->Open(seg.docs_out));
  }
  accounts_.resize(c_.slices.size());
  for (size_t s = 0; s < c_.slices.size(); ++s) {
    const InputSlice& sl = c_.slices[s];
    const InputFile& in = c_.inputs[sl.input_index];
    accounts_[s].path = in.path;
    if (!sl.whole()) total_input_bytes_ += sl.end - sl.begin;
    else if (in.size_bytes > 0) total_input_bytes_ += in.size_bytes;
  }

  // A segment that hands its documents on writes no outputs: nothing to resume or clean up.
  if (to_work()) return Status::Ok();
  std::error_code ec;
  fs::create_directories(c_.output_dir + "/.sluice/done", ec);
  if (ec) return Status::Io("cannot create output directory '" + c_.output_dir + "': " + ec.message());

  // The layout: which inputs, cut for how many shards. Every task of a
  // sharded run writes the same text; another layout means another run.
  {
    std::string layout = "shards " + std::to_string(c_.shards) + "\n";
    for (const auto& in : c_.inputs) layout += in.path + "\n";
    const std::string path = c_.output_dir + "/.sluice/layout";
    std::string recorded;
    if (ReadSmallFile(path, &recorded)) {
      if (recorded != layout) {
        return Status::Config("output directory '" + c_.output_dir +
                              "' holds a run over other inputs or another shard count; its part files would mix with "
                              "this run's: use a new -o directory or pass --overwrite");
      }
    } else {
      SLUICE_RETURN_IF_ERROR(WriteFileAtomically(path, layout));
    }
  }
  // Resume: an input is done when its marker names the same input and recipe.
  for (uint32_t slot = 0; slot < c_.slices.size(); ++slot) {
    const InputFile& input = c_.inputs[c_.slices[slot].input_index];
    std::string marker;
    if (!ReadSmallFile(MarkerPath(c_.output_dir, c_.slices[slot]), &marker)) continue;
    if (!MarkerHasRecipe(marker, c_.recipe_fingerprint)) {
      return Status::Config("output directory '" + c_.output_dir +
                            "' holds a run made with a different recipe or options; use a new -o "
                            "directory or pass --overwrite");
    }
    if (c_.resume && MarkerMatchesInput(marker, input, c_.slices[slot])) done_slots_.insert(slot);
  }
  // Finished slices need not be replayed when no resolver and no stage keeps
  // state across documents: their saved statistics are added instead.
  if (chain_->stateless()) {
    for (uint32_t slot : done_slots_) {
      std::string data;
      RunState saved;
      if (ReadSmallFile(SliceStatePath(c_.output_dir, c_.slices[slot]), &data) && saved.Decode(data).ok() &&
          saved.stages.size() == c_.stages.size() && saved.inputs.size() == 1) {
        restored_.emplace(slot, std::move(saved));
      }
    }
  }
  // Outputs of inputs that are not done are (re)written from scratch: remove
  // leftovers of an interrupted run, parts and temp files alike. Only this
  // run's own slices: other shards' tasks may be writing their temp files
  // into the same directories at this very moment.
  std::set<std::string> mine;  // "part-IIIII[.PPPP]-" of every slice to redo
  for (uint32_t slot = 0; slot < c_.slices.size(); ++slot) {
    if (!done_slots_.count(slot)) mine.insert(PartStem(c_.slices[slot]) + "-");
  }
  for (const char* sub : {"kept", "rejected", "malformed"}) {
    fs::path dir = fs::path(c_.output_dir) / sub;
    if (!fs::exists(dir, ec)) continue;
    std::vector<fs::path> stale;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::string name = it->path().filename().string();
      size_t dash = name.find('-', 5);  // after "part-"
      if (name.rfind("part-", 0) == 0 && dash != std::string::npos && mine.count(name.substr(0, dash + 1))) {
        stale.push_back(it->path());
      }
    }
    for (const auto& p : stale) fs::remove(p, ec);
  }
  return Status::Ok();
}

Batch* Runner::ReadBatch(tbb::flow_control& fc) {
  if (failed_.load()) {
    fc.stop();
    return nullptr;
  }
  auto batch = std::make_unique<Batch>();
  if (!source_) {
    if (next_slot_ >= c_.slices.size()) {
      fc.stop();
      return nullptr;
    }
    source_slot_ = static_cast<uint32_t>(next_slot_++);
    uint32_t idx = c_.slices[source_slot_].input_index;
    source_replay_ = done_slots_.count(source_slot_) != 0;
    if (restored_.count(source_slot_)) {
      batch->slot = source_slot_;
      batch->input_index = idx;
      batch->first = batch->last = true;
      batch->restore = batch->replay = true;
      batch->stage_stats.resize(c_.stages.size());
      batch->stage_nanos.assign(c_.stages.size(), 0);
      return batch.release();
    }
    batch->first = true;
    raw_bytes_before_source_ = raw_bytes_read_.load();
    auto opened = RecordSource::Open(c_.inputs[idx], c_.reader, c_.slices[source_slot_]);
    if (!opened.ok()) {
      batch->slot = source_slot_;
      batch->input_index = idx;
      batch->last = true;
      batch->replay = source_replay_;
      batch->read_error = opened.status().message();
      batch->stage_stats.resize(c_.stages.size());
      batch->stage_nanos.assign(c_.stages.size(), 0);
      return batch.release();
    }
    source_ = std::move(opened).value();
  }
  batch->slot = source_slot_;
  batch->input_index = c_.slices[source_slot_].input_index;
  batch->replay = source_replay_;
  batch->stage_stats.resize(c_.stages.size());
  batch->stage_nanos.assign(c_.stages.size(), 0);
  uint64_t bytes = 0;
  std::swap(batch->raws, batch->buffers->raws);  // empty, with the capacity of an earlier batch
  // Room for a whole batch at once (no growth by doubling in the first batch).
  ReserveLarge(&batch->raws.bytes, c_.batch_bytes + c_.batch_bytes / 4 + (64 << 10));
  uint64_t blank_before = source_->blank_lines();
  while (bytes < c_.batch_bytes && batch->raws.size() < 50000) {
    if (!source_->NextInto(&batch->raws)) {
      batch->last = true;
      batch->read_error = source_->error();
      break;
    }
    bytes += batch->raws.records.back().size;
  }
  batch->blank_lines = source_->blank_lines() - blank_before;
  {
    // WARC records that are no document: counted here, in input order.
    std::map<std::string, int64_t> skipped;
    source_->TakeSkippedRecords(&skipped);
    for (const auto& [kind, n] : skipped) batch->engine.Add(std::string(kSkippedRecordPrefix) + kind, n);
  }
  raw_bytes_read_.store(raw_bytes_before_source_ + source_->bytes_consumed());
  if (batch->last) source_.reset();
  return batch.release();
}

void Runner::ParseBatch(Batch* b) {
  const InputFile& in = c_.inputs[b->input_index];
  BatchBuffers& bufs = *b->buffers;
  // An earlier batch's documents are parsed into in place (ParseRecord clears
  // each first, keeping its buffers); the ones left over are dropped at the end.
  std::vector<Document>& docs = b->docs;
  if (docs.empty()) docs.swap(bufs.docs);
  size_t n = 0;
  MalformedRecord m;
  for (size_t i = 0; i < b->raws.size(); ++i) {
    if (n == docs.size()) docs.emplace_back();
    Document& doc = docs[n];
    if (ParseRecord(in, b->input_index, c_.reader, b->raws, i, &doc, &m, &b->utf8_repairs)) {
      StageChain::ObserveParsed(doc, &b->engine);
      b->text_bytes_read += static_cast<int64_t>(doc.text.size());
      ++n;
    } else {
      b->engine.Add("malformed:" + m.error);
      b->malformed.push_back(std::move(m));
    }
  }
  docs.resize(n);
  bufs.RecycleRaws(&b->raws);  // the records' buffer serves the next batch
}

void Runner::SerializeBatch(Batch* b) {
  // Output goes into pooled buffers (no growth from empty, no fresh pages):
  // the first kept route gets room for the whole batch.
  BufferPool& pool = BufferPool::Shared();
  size_t batch_hint = static_cast<size_t>(b->text_bytes_read) + 128 * b->docs.size() + 4096;
  std::string* rejected = nullptr;
  for (auto& doc : b->docs) {
    if (doc.dropped) {
      if (b->replay || !c_.output.write_rejected) continue;
      if (rejected == nullptr) {
        rejected = &b->rejected_frame.bytes;
        *rejected = pool.Acquire();
      }
      AppendRejectedRecord(doc, c_.output.write_signals, rejected);
      ++b->rejected_frame.records;
      continue;
    }
    chain_->ObserveKept(doc, &b->engine);
    if (b->replay) continue;
    Batch::Frame& f = b->kept_frames[doc.route];
    if (f.records == 0) {
      f.bytes = pool.Acquire(batch_hint);
      batch_hint = 0;
    }
    AppendKeptRecord(doc, c_.output.write_signals, &f.bytes);
    ++f.records;
  }
  std::string malformed;
  if (!b->replay && !b->malformed.empty()) {
    malformed = pool.Acquire();
    for (const auto& m : b->malformed) AppendMalformedRecord(m, &malformed);
  }
  for (auto& [route, f] : b->kept_frames) f.uncompressed = f.bytes.size();
  b->rejected_frame.uncompressed = b->rejected_frame.bytes.size();
  b->malformed_frame.uncompressed = malformed.size();
  b->malformed_frame.records = static_cast<int64_t>(b->malformed.size());
  b->malformed_frame.bytes = std::move(malformed);
}

Status Runner::FinishInput(const Batch& b) {
  Status st;
  if (!b.replay) {
    for (auto& [route, w] : kept_writers_) {
      Status s = w->Close();
      if (!s.ok() && st.ok()) st = s;
    }
    if (rejected_writer_) {
      Status s = rejected_writer_->Close();
      if (!s.ok() && st.ok()) st = s;
    }
    if (malformed_writer_) {
      Status s = malformed_writer_->Close();
      if (!s.ok() && st.ok()) st = s;
    }
  }
  kept_writers_.clear();
  rejected_writer_.reset();
  malformed_writer_.reset();
  if (!st.ok()) return st;
  // A read error (truncated compressed input) leaves the input unfinished: no
  // marker, so a rerun retries it; its good records are still written.
  RunState slice = std::move(slice_state_);
  slice_state_ = RunState();
  if (!b.replay && b.read_error.empty() && c_.inputs[b.input_index].path != "-") {
    // The slice's statistics first, then the marker: a marker always has them.
    slice.inputs.push_back(accounts_[b.slot]);
    const InputSlice& sl = c_.slices[b.slot];
    SLUICE_RETURN_IF_ERROR(WriteFileAtomically(SliceStatePath(c_.output_dir, sl), slice.Encode()));
    return WriteFileAtomically(MarkerPath(c_.output_dir, sl),
                               MarkerContent(c_.inputs[sl.input_index], sl, c_.recipe_fingerprint, accounts_[b.slot]));
  }
  return Status::Ok();
}

void Runner::WriteBatch(Batch* batch_ptr) {
  std::unique_ptr<Batch> b(batch_ptr);
  if (failed_.load()) return;
  InputAccount& acc = accounts_[b->slot];
  acc.skipped = b->replay;
  auto fail = [&](const Status& s) { Fail(s); };
  if (b->restore) {
    // A work file still holds the slice's frames: only its last one restores.
    if (!b->last) return;
    const RunState& saved = restored_.at(b->slot);
    state_.AddStats(saved);
    for (const auto& [key, list] : saved.samples) {
      auto& mine = state_.samples[key];
      for (const auto& sample : list) {
        if (static_cast<int>(mine.size()) >= c_.output.samples_per_reason) break;
        mine.push_back(sample);
      }
    }
    acc = saved.inputs[0];
    acc.path = c_.inputs[b->input_index].path;
    acc.skipped = true;
    docs_done_ += acc.records;
    return;
  }
  acc.bytes_in += b->text_bytes_read;
  for (const auto& doc : b->docs) {
    ++acc.records;
    if (doc.dropped) {
      ++acc.dropped;
      std::string key = doc.drop_stage + "\t" + doc.drop_reason;
      auto& list = state_.samples[key];
      auto& own = slice_state_.samples[key];  // the slice's own first ones, for a resumed run
      if (static_cast<int>(list.size()) < c_.output.samples_per_reason ||
          (!b->replay && static_cast<int>(own.size()) < c_.output.samples_per_reason)) {
        RunSample sample = StageChain::SampleOf(doc);
        if (!b->replay && static_cast<int>(own.size()) < c_.output.samples_per_reason) own.push_back(sample);
        if (static_cast<int>(list.size()) < c_.output.samples_per_reason) list.push_back(std::move(sample));
      }
    } else {
      ++acc.kept;
      acc.bytes_kept += static_cast<int64_t>(doc.text.size());
    }
  }
  acc.records += static_cast<int64_t>(b->malformed.size());
  acc.malformed += static_cast<int64_t>(b->malformed.size());
  for (const auto& m : b->malformed) {
    InputAccount::MalformedKind& kind = acc.malformed_by_error[m.error];
    if (kind.count++ == 0) kind.first_message = m.message;
    if (m.line == 1 && m.raw.find_first_not_of(" \t\r") < m.raw.size() &&
        m.raw[m.raw.find_first_not_of(" \t\r")] == '[') {
      acc.opens_json_array = true;
    }
    if (m.line == 1 && m.raw.size() >= 4 &&
        static_cast<size_t>(std::count(m.raw.begin(), m.raw.end(), '\0')) * 3 >= m.raw.size()) {
      acc.looks_wide = true;
    }
  }
  if (to_work()) {
    if (Status s = work_out_->Append(b->work_frame, b->work_raw_size); !s.ok()) return fail(s);
  } else if (!b->replay) {
    for (auto& [route, frame] : b->kept_frames) {
      auto& w = kept_writers_[route];
      if (!w) {
        std::string dir = c_.output_dir + "/kept" + (route.empty() ? "" : "/" + route);
        w = std::make_unique<ChunkedWriter>(dir, PartStem(c_.slices[b->slot]), c_.output.format,
                                            c_.output.max_file_bytes, c_.threads);
      }
      if (Status s = w->WriteRecords(std::move(frame.bytes), frame.records); !s.ok()) return fail(s);
    }
    if (b->rejected_frame.records > 0) {
      if (!rejected_writer_) {
        rejected_writer_ = std::make_unique<ChunkedWriter>(c_.output_dir + "/rejected", PartStem(c_.slices[b->slot]),
                                                           c_.output.format, c_.output.max_file_bytes, c_.threads);
      }
      auto& f = b->rejected_frame;
      if (Status s = rejected_writer_->WriteRecords(std::move(f.bytes), f.records); !s.ok()) return fail(s);
    }
    if (b->malformed_frame.records > 0) {
      if (!malformed_writer_) {
        malformed_writer_ = std::make_unique<ChunkedWriter>(c_.output_dir + "/malformed", PartStem(c_.slices[b->slot]),
                                                            OutputFormat::kJsonl, c_.output.max_file_bytes);
      }
      auto& f = b->malformed_frame;
      if (Status s = malformed_writer_->WriteRecords(std::move(f.bytes), f.records); !s.ok()) return fail(s);
    }
  }
  state_.engine.Merge(b->engine);
  if (b->utf8_repairs) state_.engine.Add("invalid_utf8_repaired", b->utf8_repairs);
  if (b->blank_lines) state_.engine.Add("blank_lines", static_cast<int64_t>(b->blank_lines));
  for (size_t i = 0; i < c_.stages.size(); ++i) {
    state_.stages[i].Merge(b->stage_stats[i]);
    state_.stage_nanos[i] += b->stage_nanos[i];
  }
  if (!to_work() && !b->replay) {
    // The slice's own share, saved beside its marker when it ends.
    slice_state_.Resize(c_.stages.size());
    slice_state_.engine.Merge(b->engine);
    if (b->utf8_repairs) slice_state_.engine.Add("invalid_utf8_repaired", b->utf8_repairs);
    if (b->blank_lines) slice_state_.engine.Add("blank_lines", static_cast<int64_t>(b->blank_lines));
    for (size_t i = 0; i < c_.stages.size(); ++i) slice_state_.stages[i].Merge(b->stage_stats[i]);
  }
  docs_done_ += static_cast<int64_t>(b->docs.size() + b->malformed.size());
  if (b->last) {
    if (!b->read_error.empty()) acc.read_error = b->read_error;
    if (!b->read_error.empty() && from_inputs()) {
      state_.engine.Add("input_errors");
      slice_state_.engine.Add("input_errors");
      LogWarning(ShowPath(acc.path) + ": " + ShowText(b->read_error) +
                 " (records before the error were processed; the input is left unfinished and a rerun retries it)");
    }
    if (!to_work()) {
      if (Status s = FinishInput(*b); !s.ok()) return fail(s);
    }
  }
  Progress(false);
  b->buffers->RecycleDocs(&b->docs);  // for the batches to come
  BatchBuffers::Release(std::move(b->buffers));
}

// ---------------------------------------------------------------- segment work files

// A work frame: u32 slot, u32 input index, u8 flags (1 first, 2 last), read
// error, i64 text bytes read, u32 documents, documents, u32 malformed records,
// malformed records (stages/engine/work_file.h).
Batch* Runner::ReadWorkBatch(tbb::flow_control& fc) {
  if (failed_.load()) {
    fc.stop();
    return nullptr;
  }
  auto batch = std::make_unique<Batch>();
  auto more = work_in_->Next(&batch->work_frame);
  if (!more.ok()) {
    Fail(more.status());
    fc.stop();
    return nullptr;
  }
  if (!*more) {
    fc.stop();
    return nullptr;
  }
  raw_bytes_read_.fetch_add(batch->work_frame.size());
  batch->stage_stats.resize(c_.stages.size());
  batch->stage_nanos.assign(c_.stages.size(), 0);
  return batch.release();
}

void Runner::DecodeWorkBatch(Batch* b) {
  ByteReader in(b->work_frame);
  b->slot = in.U32();
  b->input_index = in.U32();
  const uint8_t flags = in.U8();
  b->first = (flags & 1) != 0;
  b->last = (flags & 2) != 0;
  b->read_error = std::string(in.Str());
  b->text_bytes_read = in.I64();
  bool ok = in.ok() && b->slot < c_.slices.size();
  const uint32_t docs = ok ? in.U32() : 0;
  b->docs.resize(docs);
  for (auto& doc : b->docs) {
    if (!(ok = ok && DecodeDocument(in, &doc))) break;
  }
  const uint32_t malformed = ok ? in.U32() : 0;
  b->malformed.resize(malformed);
  for (auto& m : b->malformed) {
    if (!(ok = ok && DecodeMalformed(in, &m))) break;
  }
  b->work_frame.clear();
  if (!ok || !in.ok() || !in.done()) {
    Fail(Status::Io("'" + c_.segment.docs_in + "': damaged work file (written by another sluice version?)"));
    b->docs.clear();
    b->malformed.clear();
    b->slot = 0;
    b->last = false;
    return;
  }
  b->replay = done_slots_.count(b->slot) != 0;
  if (restored_.count(b->slot)) {
    b->restore = true;
    b->docs.clear();
    b->malformed.clear();
  }
}

void Runner::SerializeWorkBatch(Batch* b) {
  std::string raw;
  PutU32(&raw, b->slot);
  PutU32(&raw, b->input_index);
  PutU8(&raw, (b->first ? 1 : 0) | (b->last ? 2 : 0));
  PutStr(&raw, b->read_error);
  PutI64(&raw, b->text_bytes_read);
  PutU32(&raw, static_cast<uint32_t>(b->docs.size()));
  for (const auto& doc : b->docs) EncodeDocument(doc, &raw);
  PutU32(&raw, static_cast<uint32_t>(b->malformed.size()));
  for (const auto& m : b->malformed) EncodeMalformed(m, &raw);
  b->work_raw_size = raw.size();
  b->work_frame = CompressWorkFrame(raw);
}

void Runner::Fail(const Status& s) {
  std::lock_guard<std::mutex> lock(fail_mu_);
  if (failed_.load()) return;
  status_ = s;
  failed_.store(true);
}

std::vector<InputAccount> Runner::InputAccounts() const {
  std::vector<InputAccount> out;
  for (size_t s = 0; s < accounts_.size(); ++s) {
    if (s == 0 || c_.slices[s].input_index != c_.slices[s - 1].input_index) out.push_back(accounts_[s]);
    else out.back().Add(accounts_[s]);
  }
  return out;
}

Status Runner::Run(RunResult* result) {
  SLUICE_RETURN_IF_ERROR(Prepare());
  start_ = Clock::now();
  progress_.Start(c_.progress, total_input_bytes_);
  int threads = std::max(1, c_.threads);
  {
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, threads);
    tbb::filter<void, Batch*> chain = tbb::make_filter<void, Batch*>(
        tbb::filter_mode::serial_in_order,
        [this](tbb::flow_control& fc) { return from_inputs() ? ReadBatch(fc) : ReadWorkBatch(fc); });
    const auto& steps = chain_->steps();
    for (size_t s = 0; s < steps.size(); ++s) {
      const StageChain::Step step = steps[s];
      const bool decode = s == 0;
      const auto mode = step.serial ? tbb::filter_mode::serial_in_order : tbb::filter_mode::parallel;
      chain = chain & tbb::make_filter<Batch*, Batch*>(mode, [this, step, decode](Batch* b) {
                if (decode) {
                  if (c_.cancel && c_.cancel->load()) Fail(Status::Io("interrupted"));
                  if (from_inputs()) ParseBatch(b);
                  else DecodeWorkBatch(b);
                }
                for (const StageChain::Op& op : step.ops) {
                  auto t0 = Clock::now();
                  for (auto& doc : b->docs) {
                    if (Status st = chain_->RunOp(op, doc, b->stage_stats); !st.ok()) Fail(st);
                  }
                  b->stage_nanos[op.stage] +=
                      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
                }
                return b;
              });
    }
    chain = chain & tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, [this](Batch* b) {
              if (to_work()) SerializeWorkBatch(b);
              else SerializeBatch(b);
              return b;
            });
    auto full = chain & tbb::make_filter<Batch*, void>(tbb::filter_mode::serial_in_order,
                                                      [this](Batch* b) { WriteBatch(b); });
    try {
      tbb::parallel_pipeline(static_cast<size_t>(2 * threads), full);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("pipeline failed: ") + e.what());
    }
  }
  if (!status_.ok()) return status_;
  if (work_out_) SLUICE_RETURN_IF_ERROR(work_out_->Finish());
  SLUICE_RETURN_IF_ERROR(chain_->Finish(c_.output_dir, &state_));
  double wall = std::chrono::duration<double>(Clock::now() - start_).count();
  Progress(true);
  result->inputs = InputAccounts();
  result->total = InputAccount{};
  result->total.path = "total";
  for (const auto& a : result->inputs) result->total.Add(a);
  result->wall_seconds = wall;
  result->skipped_records = SkippedRecordsOf(state_.engine);
  state_.inputs = result->inputs;
  StatsJsonInfo info;
  for (const auto& st : c_.stages) {
    info.stage_names.push_back(st.name);
    info.stage_types.push_back(st.type);
  }
  info.shard_label = c_.shard_label;
  info.threads = c_.threads;
  info.wall_seconds = wall;
  RunStats stats = RunStatsOf(state_, info);
  if (c_.stats_sections && !to_work()) stats.sections = c_.stats_sections(stats);
  result->stats_json = StatsJson(stats);
  if (!c_.segment.state_out.empty()) SLUICE_RETURN_IF_ERROR(WriteFileAtomically(c_.segment.state_out, state_.Encode()));
  if (to_work()) return Status::Ok();
  std::string path = c_.stats_path.empty() ? c_.output_dir + "/stats.json" : c_.stats_path;
  return WriteFileAtomically(path, result->stats_json);
}

}  // namespace

std::vector<InputSlice> WholeSlices(size_t n) {
  std::vector<InputSlice> slices(n);
  for (size_t i = 0; i < n; ++i) slices[i].input_index = static_cast<uint32_t>(i);
  return slices;
}

Status RunPipeline(RunConfig& config, RunResult* result) {
  Runner runner(config);
  return runner.Run(result);
}

std::string FormatAccounting(const RunResult& result) {
  std::string out;
  char line[512];
  auto add = [&](const InputAccount& a) {
    snprintf(line, sizeof line, "%s: in = kept + dropped + malformed: %" PRId64 " = %" PRId64 " + %" PRId64
             " + %" PRId64 "%s%s\n",
             ShowPath(a.path).c_str(), a.records, a.kept, a.dropped, a.malformed, a.skipped ? " (finished earlier)" : "",
             a.read_error.empty() ? "" : " (input ended early: read error)");
    out += line;
  };
  for (const auto& a : result.inputs) add(a);
  add(result.total);
  if (!result.skipped_records.empty()) {
    int64_t n = 0;
    std::string kinds;
    for (const auto& [kind, count] : result.skipped_records) {
      n += count;
      kinds += (kinds.empty() ? "" : ", ") + std::to_string(count) + " " + kind;
    }
    out += "not documents, not in `in` (WARC records of other kinds): " + std::to_string(n) + " (" + kinds + ")\n";
  }
  return out;
}

std::string FormatInputWarnings(const RunResult& result) {
  std::string out;
  for (const InputAccount& a : result.inputs) {
    const bool most = a.malformed * 2 > a.records && (a.malformed >= kMalformedWarningMin || a.malformed == a.records);
    if (a.malformed == 0 || !(most || a.opens_json_array)) continue;
    // The commonest error (the first in name order on a tie).
    std::string error, message;
    int64_t count = 0;
    for (const auto& [e, kind] : a.malformed_by_error) {
      if (kind.count > count) {
        error = e;
        message = kind.first_message;
        count = kind.count;
      }
    }
    char percent[32];
    snprintf(percent, sizeof percent, "%.0f%%", 100.0 * static_cast<double>(a.malformed) / static_cast<double>(a.records));
    out += "sluice: warning: " + std::string(percent) + " of records in " + ShowPath(a.path) + " were malformed (" +
           std::to_string(a.malformed) + " of " + std::to_string(a.records);
    if (!error.empty()) out += "; " + std::to_string(count) + " " + error + ": " + ShowText(message);
    out += ")";
    if (a.looks_wide) {
      out += "; its lines are full of NUL bytes, as UTF-16 or UTF-32 text without a byte order mark: sluice reads "
             "UTF-8 (and UTF-16 with a mark); convert it first (e.g. iconv -f UTF-16LE -t UTF-8 in.jsonl > out.jsonl)";
    } else if (a.opens_json_array || error == "invalid_json" || error == "not_an_object") {
      out += std::string(a.opens_json_array ? "; the file starts with '[', a JSON array" : "") +
             "; sluice reads JSONL, one JSON object per line: convert a JSON array or pretty-printed JSON first "
             "(e.g. jq -c '.[]' in.json > in.jsonl)";
    } else if (error == "missing_text" || error == "text_not_string") {
      out += "; is --text-key right?";
    }
    out += "\n";
  }
  return out;
}

}  // namespace sluice
