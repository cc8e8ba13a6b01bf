#include "stages/pipeline_runner.h"

#include <sys/stat.h>
#include <unistd.h>
#include <simdjson.h>
#include <xxhash.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "stages/batch_buffers.h"
#include "stages/json_writer.h"
#include "stages/utf8.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

// Counter names inside each stage's Stats (the engine's, not the stage's own).
constexpr std::string_view kDocsIn = "docs_in";
constexpr std::string_view kDocsOut = "docs_out";
constexpr std::string_view kDocsDropped = "docs_dropped";
constexpr std::string_view kBytesIn = "bytes_in";
constexpr std::string_view kBytesOut = "bytes_out";
constexpr std::string_view kDroppedPrefix = "dropped:";
constexpr std::string_view kFailedPrefix = "failed:";
constexpr std::string_view kTagInPrefix = "tag_in:";
constexpr std::string_view kTagDroppedPrefix = "tag_dropped:";
constexpr std::string_view kSignalPrefix = "signal:";
constexpr size_t kSampleChars = 600;

using Clock = std::chrono::steady_clock;

struct Batch {
  uint32_t slot = 0;         // position in config.slices
  uint32_t input_index = 0;  // index into config.inputs
  bool first = false;        // first batch of its input
  bool last = false;         // last batch of its input
  bool replay = false;       // input finished by an earlier run: rebuild state, write nothing
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
  // Spare records and documents of earlier batches, reused (stages/batch_buffers.h).
  std::unique_ptr<BatchBuffers> buffers = BatchBuffers::Acquire();
};

struct Step {
  bool serial = false;
  std::vector<size_t> stages;
};

struct Sample {
  std::string stage, reason, id, text;
  uint32_t input_index = 0;
  uint64_t line = 0;
};

// Output files of a slice: part-IIIII-SSSS.<ext> for a whole input (and the
// first part of a cut one), part-IIIII.PPPP-SSSS.<ext> for its later parts, so
// that sorted names are input order.
std::string PartStem(const InputSlice& s) {
  char name[48];
  if (s.part == 0) snprintf(name, sizeof name, "part-%05u", s.input_index);
  else snprintf(name, sizeof name, "part-%05u.%04u", s.input_index, s.part);
  return name;
}

std::string MarkerPath(const RunConfig& c, const InputSlice& s) {
  return c.output_dir + "/.sluice/done/" + PartStem(s).substr(5) + ".json";
}

std::string RangeOf(const InputSlice& s) {
  return s.whole() ? "whole" : std::to_string(s.begin) + "-" + std::to_string(s.end);
}

// Identifies an input's content cheaply: path, size and mtime.
std::string InputIdentity(const InputFile& in) {
  struct stat st;
  std::string id = in.path;
  if (in.path != "-" && stat(in.path.c_str(), &st) == 0) {
    id += "|" + std::to_string(st.st_size) + "|" + std::to_string(st.st_mtim.tv_sec) + "." +
          std::to_string(st.st_mtim.tv_nsec);
  }
  return id;
}

bool IsValidJsonObject(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  return !parser.parse(text).get(root) && root.is_object();
}

std::string Hex64(uint64_t v) {
  char buf[17];
  snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

std::string MarkerContent(const RunConfig& c, const InputSlice& slice, const InputAccount& a) {
  const uint32_t input_index = slice.input_index;
  JsonBuilder b;
  b.BeginObject();
  b.Key("input").String(c.inputs[input_index].path);
  b.Key("range").String(RangeOf(slice));
  b.Key("identity").String(Hex64(XXH3_64bits(InputIdentity(c.inputs[input_index]).data(),
                                             InputIdentity(c.inputs[input_index]).size())));
  b.Key("recipe").String(Hex64(XXH3_64bits(c.recipe_fingerprint.data(), c.recipe_fingerprint.size())));
  b.Key("records").Int(a.records).Key("kept").Int(a.kept).Key("dropped").Int(a.dropped).Key("malformed").Int(a.malformed);
  b.EndObject();
  return b.Take() + "\n";
}

bool ReadFile(const std::string& path, std::string* out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) return false;
  char buf[4096];
  out->clear();
  while (size_t n = fread(buf, 1, sizeof buf, f)) out->append(buf, n);
  fclose(f);
  return true;
}

std::string Truncate(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

std::string HumanBytes(double b) {
  char buf[32];
  if (b >= 1e9) snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
  else snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  return buf;
}

class Runner {
 public:
  explicit Runner(RunConfig& c) : c_(c) {}

  Status Run(RunResult* result);

 private:
  Status Prepare();
  Batch* ReadBatch(tbb::flow_control& fc);
  void ParseBatch(Batch* b);
  void RunParallelStage(size_t i, Document& doc, Batch& b);
  void RunSerialStage(size_t i, Document& doc, Batch& b);
  void AfterStage(size_t i, Document& doc, Batch& b, size_t signals_before, const Verdict& v, bool complete);
  void SerializeBatch(Batch* b);
  void WriteBatch(Batch* b);
  Status FinishInput(const Batch& b);
  void Progress(bool final);
  std::string StatsJson(double wall_seconds);
  // accounts_ (one per slice) summed per input, in input order.
  std::vector<InputAccount> InputAccounts() const;

  RunConfig& c_;
  std::vector<Step> steps_;
  std::vector<std::map<std::string, HistogramSpec, std::less<>>> signal_specs_;
  // Declared specs by signal name, for the kept-documents histograms (same buckets as before).
  std::map<std::string, HistogramSpec, std::less<>> kept_signal_specs_;

  // Reader state (serial filter).
  size_t next_slot_ = 0;
  std::unique_ptr<RecordSource> source_;
  uint32_t source_slot_ = 0;
  bool source_replay_ = false;
  std::set<uint32_t> done_slots_;  // slices finished by an earlier run
  std::atomic<uint64_t> raw_bytes_read_{0};
  uint64_t raw_bytes_before_source_ = 0;
  uint64_t total_input_bytes_ = 0;

  // Writer state (serial filter).
  std::atomic<bool> failed_{false};
  Status status_;
  std::map<std::string, std::unique_ptr<ChunkedWriter>> kept_writers_;
  std::unique_ptr<ChunkedWriter> rejected_writer_;
  std::unique_ptr<ChunkedWriter> malformed_writer_;
  Stats engine_stats_;
  std::vector<Stats> stage_stats_;
  std::vector<int64_t> stage_nanos_;
  std::vector<InputAccount> accounts_;
  std::map<std::string, std::vector<Sample>> samples_;
  std::vector<std::string> stage_reports_;
  Clock::time_point start_;
  Clock::time_point last_progress_;
  bool tty_ = false;
  int64_t docs_done_ = 0;
};

Status Runner::Prepare() {
  // Steps: consecutive parallel parts share one filter; each serial part is its own.
  for (size_t i = 0; i < c_.stages.size(); ++i) {
    if (steps_.empty() || steps_.back().serial) steps_.push_back(Step{false, {}});
    steps_.back().stages.push_back(i);
    if (c_.stages[i].stage->has_serial_part()) steps_.push_back(Step{true, {i}});
  }
  if (steps_.empty() || steps_.front().serial) steps_.insert(steps_.begin(), Step{false, {}});
  signal_specs_.resize(c_.stages.size());
  for (size_t i = 0; i < c_.stages.size(); ++i) {
    for (auto& spec : c_.stages[i].stage->signal_histograms()) {
      HistogramSpec kept_spec = spec;
      kept_spec.name = "kept_signal:" + spec.name;
      kept_signal_specs_.emplace(spec.name, kept_spec);
      spec.name = std::string(kSignalPrefix) + spec.name;
      signal_specs_[i][spec.name] = spec;
    }
  }
  stage_stats_.resize(c_.stages.size());
  stage_nanos_.assign(c_.stages.size(), 0);
  stage_reports_.resize(c_.stages.size());
  accounts_.resize(c_.slices.size());
  for (size_t s = 0; s < c_.slices.size(); ++s) {
    const InputSlice& sl = c_.slices[s];
    const InputFile& in = c_.inputs[sl.input_index];
    accounts_[s].path = in.path;
    if (!sl.whole()) total_input_bytes_ += sl.end - sl.begin;
    else if (in.size_bytes > 0) total_input_bytes_ += in.size_bytes;
  }

  std::error_code ec;
  fs::create_directories(c_.output_dir + "/.sluice/done", ec);
  if (ec) return Status::Io("cannot create output directory '" + c_.output_dir + "': " + ec.message());

  // Resume: an input is done when its marker names the same input and recipe.
  std::string recipe_hash = Hex64(XXH3_64bits(c_.recipe_fingerprint.data(), c_.recipe_fingerprint.size()));
  for (uint32_t slot = 0; slot < c_.slices.size(); ++slot) {
    const uint32_t idx = c_.slices[slot].input_index;
    std::string marker;
    if (!ReadFile(MarkerPath(c_, c_.slices[slot]), &marker)) continue;
    if (marker.find("\"recipe\":\"" + recipe_hash + "\"") == std::string::npos) {
      return Status::Config("output directory '" + c_.output_dir +
                            "' holds a run made with a different recipe or options; use a new -o "
                            "directory or pass --overwrite");
    }
    std::string identity = InputIdentity(c_.inputs[idx]);
    if (c_.resume && c_.inputs[idx].path != "-" &&
        marker.find("\"identity\":\"" + Hex64(XXH3_64bits(identity.data(), identity.size())) + "\"") !=
            std::string::npos &&
        marker.find("\"range\":\"" + RangeOf(c_.slices[slot]) + "\"") != std::string::npos) {
      done_slots_.insert(slot);
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
  tty_ = isatty(STDERR_FILENO);
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
  raw_bytes_read_.store(raw_bytes_before_source_ + source_->bytes_consumed());
  if (batch->last) source_.reset();
  return batch.release();
}

void Runner::AfterStage(size_t i, Document& doc, Batch& b, size_t signals_before, const Verdict& v, bool complete) {
  Stats& st = b.stage_stats[i];
  for (size_t k = signals_before; k < doc.signals.size(); ++k) {
    std::string key = std::string(kSignalPrefix) + doc.signals[k].first;
    auto it = signal_specs_[i].find(key);
    st.Observe(it != signal_specs_[i].end() ? it->second : HistogramSpec::Log(key), doc.signals[k].second);
  }
  if (!v.keep()) {
    doc.dropped = true;
    doc.drop_stage = c_.stages[i].name;
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
  if (complete) {
    st.Add(kDocsOut);
    st.Add(kBytesOut, static_cast<int64_t>(doc.text.size()));
  }
}

void Runner::RunParallelStage(size_t i, Document& doc, Batch& b) {
  if (doc.dropped) return;
  Stats& st = b.stage_stats[i];
  st.Add(kDocsIn);
  st.Add(kBytesIn, static_cast<int64_t>(doc.text.size()));
  for (const auto& t : doc.tags) st.Add(std::string(kTagInPrefix) + t);
  size_t before = doc.signals.size();
  size_t tags_before = doc.tags.size();
  StageContext ctx(&st);
  Verdict v = c_.stages[i].stage->Process(doc, ctx);
  // A tag the stage itself adds counts as entering it, so in >= dropped holds.
  for (size_t k = tags_before; k < doc.tags.size(); ++k) st.Add(std::string(kTagInPrefix) + doc.tags[k]);
  AfterStage(i, doc, b, before, v, !c_.stages[i].stage->has_serial_part());
}

void Runner::RunSerialStage(size_t i, Document& doc, Batch& b) {
  if (doc.dropped) return;
  size_t before = doc.signals.size();
  StageContext ctx(&b.stage_stats[i]);
  Verdict v = c_.stages[i].stage->ProcessSerial(doc, ctx);
  AfterStage(i, doc, b, before, v, true);
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
  static const HistogramSpec kInputChars = HistogramSpec::Log("input_chars");
  for (size_t i = 0; i < b->raws.size(); ++i) {
    if (n == docs.size()) docs.emplace_back();
    Document& doc = docs[n];
    if (ParseRecord(in, b->input_index, c_.reader, b->raws, i, &doc, &m, &b->utf8_repairs)) {
      b->engine.Observe(kInputChars, static_cast<double>(CountCodePoints(doc.text)));
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
  static const HistogramSpec kKeptChars = HistogramSpec::Log("kept_chars");
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
    b->engine.Observe(kKeptChars, static_cast<double>(CountCodePoints(doc.text)));
    for (const auto& [name, value] : doc.signals) {
      auto it = kept_signal_specs_.find(name);
      if (it != kept_signal_specs_.end()) {
        b->engine.Observe(it->second, value);
      } else {
        b->engine.Observe(HistogramSpec::Log("kept_signal:" + name), value);
      }
    }
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
  if (!b.replay && b.read_error.empty() && c_.inputs[b.input_index].path != "-") {
    return WriteFileAtomically(MarkerPath(c_, c_.slices[b.slot]), MarkerContent(c_, c_.slices[b.slot], accounts_[b.slot]));
  }
  return Status::Ok();
}

void Runner::WriteBatch(Batch* batch_ptr) {
  std::unique_ptr<Batch> b(batch_ptr);
  if (failed_.load()) return;
  InputAccount& acc = accounts_[b->slot];
  acc.skipped = b->replay;
  auto fail = [&](const Status& s) {
    status_ = s;
    failed_.store(true);
  };
  acc.bytes_in += b->text_bytes_read;
  for (const auto& doc : b->docs) {
    ++acc.records;
    if (doc.dropped) {
      ++acc.dropped;
      std::string key = doc.drop_stage + "\t" + doc.drop_reason;
      auto& list = samples_[key];
      if (static_cast<int>(list.size()) < c_.output.samples_per_reason) {
        list.push_back(Sample{doc.drop_stage, doc.drop_reason, doc.id, Truncate(doc.text, kSampleChars),
                              doc.input_index, doc.line});
      }
    } else {
      ++acc.kept;
      acc.bytes_kept += static_cast<int64_t>(doc.text.size());
    }
  }
  acc.records += static_cast<int64_t>(b->malformed.size());
  acc.malformed += static_cast<int64_t>(b->malformed.size());
  if (!b->replay) {
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
  engine_stats_.Merge(b->engine);
  if (b->utf8_repairs) engine_stats_.Add("invalid_utf8_repaired", b->utf8_repairs);
  if (b->blank_lines) engine_stats_.Add("blank_lines", static_cast<int64_t>(b->blank_lines));
  for (size_t i = 0; i < c_.stages.size(); ++i) {
    stage_stats_[i].Merge(b->stage_stats[i]);
    stage_nanos_[i] += b->stage_nanos[i];
  }
  docs_done_ += static_cast<int64_t>(b->docs.size() + b->malformed.size());
  if (b->last) {
    if (!b->read_error.empty()) {
      acc.read_error = b->read_error;
      engine_stats_.Add("input_errors");
      fprintf(stderr, "\nsluice: warning: %s: %s (records before the error were processed; the input is left "
                      "unfinished and a rerun retries it)\n",
              acc.path.c_str(), b->read_error.c_str());
    }
    if (Status s = FinishInput(*b); !s.ok()) return fail(s);
  }
  Progress(false);
  b->buffers->RecycleDocs(&b->docs);  // for the batches to come
  BatchBuffers::Release(std::move(b->buffers));
}

void Runner::Progress(bool final) {
  if (!c_.progress) return;
  auto now = Clock::now();
  double since = std::chrono::duration<double>(now - last_progress_).count();
  if (!final && since < (tty_ ? 0.25 : 10.0)) return;
  last_progress_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double read = static_cast<double>(raw_bytes_read_.load());
  double rate = elapsed > 0 ? read / elapsed : 0;
  char line[256];
  int n = snprintf(line, sizeof line, "sluice: %" PRId64 " docs  %s read  %.1f MB/s", docs_done_,
                   HumanBytes(read).c_str(), rate / 1e6);
  if (total_input_bytes_ > 0 && rate > 0 && !final) {
    double left = (static_cast<double>(total_input_bytes_) - read) / rate;
    if (left < 0) left = 0;
    snprintf(line + n, sizeof line - n, "  ETA %d:%02d", static_cast<int>(left) / 60, static_cast<int>(left) % 60);
  }
  if (tty_) {
    fprintf(stderr, "\r\033[K%s%s", line, final ? "\n" : "");
  } else {
    fprintf(stderr, "%s\n", line);
  }
}

std::vector<InputAccount> Runner::InputAccounts() const {
  std::vector<InputAccount> out;
  for (size_t s = 0; s < accounts_.size(); ++s) {
    const InputAccount& a = accounts_[s];
    if (s == 0 || c_.slices[s].input_index != c_.slices[s - 1].input_index) {
      out.push_back(a);
      continue;
    }
    InputAccount& m = out.back();
    m.records += a.records;
    m.kept += a.kept;
    m.dropped += a.dropped;
    m.malformed += a.malformed;
    m.bytes_in += a.bytes_in;
    m.bytes_kept += a.bytes_kept;
    m.skipped = m.skipped && a.skipped;
    if (m.read_error.empty()) m.read_error = a.read_error;
  }
  return out;
}

std::string Runner::StatsJson(double wall_seconds) {
  const std::vector<InputAccount> accounts = InputAccounts();
  JsonBuilder b;
  b.BeginObject();
  b.Key("schema").String("sluice.stats/1");
  b.Key("sluice_version").String(SLUICE_STAGES_VERSION);
  if (!c_.shard_label.empty()) b.Key("shard").String(c_.shard_label);
  InputAccount total;
  for (const auto& a : accounts) {
    total.records += a.records;
    total.kept += a.kept;
    total.dropped += a.dropped;
    total.malformed += a.malformed;
    total.bytes_in += a.bytes_in;
    total.bytes_kept += a.bytes_kept;
  }
  b.Key("totals").BeginObject();
  b.Key("in").Int(total.records).Key("kept").Int(total.kept).Key("dropped").Int(total.dropped);
  b.Key("malformed").Int(total.malformed).Key("bytes_in").Int(total.bytes_in).Key("bytes_kept").Int(total.bytes_kept);
  b.EndObject();
  b.Key("inputs").BeginArray();
  for (const auto& a : accounts) {
    b.BeginObject();
    b.Key("path").String(a.path).Key("in").Int(a.records).Key("kept").Int(a.kept).Key("dropped").Int(a.dropped);
    b.Key("malformed").Int(a.malformed).Key("bytes_in").Int(a.bytes_in).Key("bytes_kept").Int(a.bytes_kept);
    if (!a.read_error.empty()) b.Key("read_error").String(a.read_error);
    b.EndObject();
  }
  b.EndArray();
  // Engine counters and histograms.
  b.Key("engine").BeginObject();
  b.Key("counters").BeginObject();
  for (const auto& [k, v] : engine_stats_.counters()) b.Key(k).Int(v);
  b.EndObject();
  b.Key("histograms").BeginObject();
  for (const auto& [k, h] : engine_stats_.histograms()) {
    if (k.rfind("kept_signal:", 0) == 0) continue;
    b.Key(k).Raw(h.ToJson());
  }
  b.EndObject();
  b.EndObject();
  // Stages, in recipe order.
  b.Key("stages").BeginArray();
  for (size_t i = 0; i < c_.stages.size(); ++i) {
    const Stats& st = stage_stats_[i];
    b.BeginObject();
    b.Key("name").String(c_.stages[i].name).Key("type").String(c_.stages[i].type);
    b.Key("docs_in").Int(st.Get(kDocsIn)).Key("docs_out").Int(st.Get(kDocsOut));
    b.Key("docs_dropped").Int(st.Get(kDocsDropped));
    b.Key("bytes_in").Int(st.Get(kBytesIn)).Key("bytes_out").Int(st.Get(kBytesOut));
    auto section = [&](std::string_view key, std::string_view prefix) {
      b.Key(key).BeginObject();
      for (const auto& [k, v] : st.counters()) {
        if (k.rfind(prefix, 0) == 0) b.Key(std::string_view(k).substr(prefix.size())).Int(v);
      }
      b.EndObject();
    };
    section("dropped", kDroppedPrefix);
    section("failed_rules", kFailedPrefix);
    b.Key("counters").BeginObject();
    for (const auto& [k, v] : st.counters()) {
      if (k == kDocsIn || k == kDocsOut || k == kDocsDropped || k == kBytesIn || k == kBytesOut) continue;
      if (k.find(':') != std::string::npos) continue;
      b.Key(k).Int(v);
    }
    b.EndObject();
    b.Key("tags").BeginObject();
    for (const auto& [k, v] : st.counters()) {
      if (k.rfind(kTagInPrefix, 0) != 0) continue;
      std::string tag = k.substr(kTagInPrefix.size());
      b.Key(tag).BeginObject().Key("in").Int(v).Key("dropped").Int(st.Get(std::string(kTagDroppedPrefix) + tag));
      b.EndObject();
    }
    b.EndObject();
    b.Key("signals").BeginObject();
    for (const auto& [k, h] : st.histograms()) {
      if (k.rfind(kSignalPrefix, 0) == 0) b.Key(std::string_view(k).substr(kSignalPrefix.size())).Raw(h.ToJson());
    }
    b.EndObject();
    b.Key("histograms").BeginObject();
    for (const auto& [k, h] : st.histograms()) {
      if (k.rfind(kSignalPrefix, 0) != 0) b.Key(k).Raw(h.ToJson());
    }
    b.EndObject();
    if (!stage_reports_[i].empty()) b.Key("report").Raw(stage_reports_[i]);
    b.EndObject();
  }
  b.EndArray();
  b.Key("kept_signals").BeginObject();
  for (const auto& [k, h] : engine_stats_.histograms()) {
    if (k.rfind("kept_signal:", 0) == 0) b.Key(std::string_view(k).substr(12)).Raw(h.ToJson());
  }
  b.EndObject();
  b.Key("samples").BeginArray();
  for (const auto& [key, list] : samples_) {
    for (const auto& s : list) {
      b.BeginObject().Key("stage").String(s.stage).Key("reason").String(s.reason).Key("id").String(s.id);
      b.Key("input").Int(s.input_index).Key("line").Int(static_cast<int64_t>(s.line));
      b.Key("text").String(s.text).EndObject();
    }
  }
  b.EndArray();
  // Everything above is deterministic; timing is not.
  b.Key("timing").BeginObject();
  b.Key("threads").Int(c_.threads);
  b.Key("wall_seconds").Number(wall_seconds);
  b.Key("stages").BeginObject();
  for (size_t i = 0; i < c_.stages.size(); ++i) {
    double secs = static_cast<double>(stage_nanos_[i]) / 1e9;
    b.Key(c_.stages[i].name).BeginObject().Key("cpu_seconds").Number(secs);
    b.Key("mb_per_cpu_second").Number(secs > 0 ? static_cast<double>(stage_stats_[i].Get(kBytesIn)) / 1e6 / secs : 0);
    b.EndObject();
  }
  b.EndObject();
  b.EndObject();
  b.EndObject();
  return b.Take() + "\n";
}

Status Runner::Run(RunResult* result) {
  SLUICE_RETURN_IF_ERROR(Prepare());
  start_ = last_progress_ = Clock::now();
  int threads = std::max(1, c_.threads);
  {
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, threads);
    tbb::filter<void, Batch*> chain = tbb::make_filter<void, Batch*>(
        tbb::filter_mode::serial_in_order, [this](tbb::flow_control& fc) { return ReadBatch(fc); });
    for (size_t s = 0; s < steps_.size(); ++s) {
      const Step step = steps_[s];
      bool parse = s == 0;
      if (step.serial) {
        chain = chain & tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::serial_in_order, [this, step](Batch* b) {
                  size_t i = step.stages[0];
                  auto t0 = Clock::now();
                  for (auto& doc : b->docs) RunSerialStage(i, doc, *b);
                  b->stage_nanos[i] += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
                  return b;
                });
      } else {
        chain = chain & tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, [this, step, parse](Batch* b) {
                  if (parse) ParseBatch(b);
                  for (auto& doc : b->docs) {
                    for (size_t i : step.stages) {
                      if (doc.dropped) break;
                      auto t0 = Clock::now();
                      RunParallelStage(i, doc, *b);
                      b->stage_nanos[i] +=
                          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
                    }
                  }
                  return b;
                });
      }
    }
    chain = chain & tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, [this](Batch* b) {
              SerializeBatch(b);
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
  for (size_t i = 0; i < c_.stages.size(); ++i) {
    FinishContext fctx;
    fctx.output_dir = c_.output_dir;
    fctx.stats = &stage_stats_[i];
    Status s = c_.stages[i].stage->Finish(fctx);
    if (!s.ok()) return s.WithContext("stage '" + c_.stages[i].name + "'");
    stage_reports_[i] = fctx.report_json;
    if (!stage_reports_[i].empty() && !IsValidJsonObject(stage_reports_[i])) {
      // A stage bug must not make stats.json unreadable: keep the text as a string.
      stage_reports_[i] = "{\"invalid_report\":" + JsonString(stage_reports_[i]) + "}";
    }
  }
  double wall = std::chrono::duration<double>(Clock::now() - start_).count();
  Progress(true);
  result->inputs = InputAccounts();
  result->total = InputAccount{};
  result->total.path = "total";
  for (const auto& a : result->inputs) {
    result->total.records += a.records;
    result->total.kept += a.kept;
    result->total.dropped += a.dropped;
    result->total.malformed += a.malformed;
    result->total.bytes_in += a.bytes_in;
    result->total.bytes_kept += a.bytes_kept;
  }
  result->wall_seconds = wall;
  result->stats_json = StatsJson(wall);
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
             a.path.c_str(), a.records, a.kept, a.dropped, a.malformed, a.skipped ? " (finished earlier)" : "",
             a.read_error.empty() ? "" : " (input ended early: read error)");
    out += line;
  };
  for (const auto& a : result.inputs) add(a);
  add(result.total);
  return out;
}

}  // namespace sluice
