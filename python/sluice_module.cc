// The `sluice._sluice` extension: the C++ engine behind the Python API
// (python/sluice/__init__.py holds the public classes). No second
// implementation: recipes are parsed and validated by pipelines/recipe, records
// go through stages/engine/stream_processor (the runner's parser, StageChain and
// output records), whole runs through `sluice run`'s RunAndReport, tokenizers
// through tokenizer/. The GIL is released while C++ works.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "pipelines/recipe.h"
#include "pipelines/run_command.h"
#include "pipelines/tokenizer_stages.h"
#include "stages/engine/stage.h"
#include "stages/engine/stream_processor.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/hf_json.h"
#include "tokenizer/word_counter.h"

namespace py = pybind11;

namespace sluice {
namespace {

// Config errors (a recipe, an option) are ValueError; I/O errors OSError.
[[noreturn]] void Raise(const Status& st) {
  if (st.code() == StatusCode::kConfig) throw py::value_error(st.message());
  if (st.code() == StatusCode::kIo) {
    PyErr_SetString(PyExc_OSError, st.message().c_str());
    throw py::error_already_set();
  }
  throw std::runtime_error(st.message());
}

void Check(const Status& st) {
  if (!st.ok()) Raise(st);
}

int DefaultThreads(int threads) {
  return threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Raise(Status::Io("cannot read '" + path + "'"));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------- pipeline

class PyPipeline {
 public:
  PyPipeline(std::string yaml, std::string dir, int threads) : yaml_(std::move(yaml)), dir_(std::move(dir)) {
    threads_ = DefaultThreads(threads);
    auto recipe = ParseRecipe(yaml_, "<recipe text>");
    if (!recipe.ok()) Raise(recipe.status());
    recipe_ = std::move(recipe).value();
    recipe_.dir = dir_;
    // Validate every stage now: a bad recipe fails here, naming stage and key.
    auto stages = BuildStages(recipe_, "", threads_);
    if (!stages.ok()) Raise(stages.status());
    stages_ = std::move(stages).value();
  }

  // (kind, record JSON, stage, reason, detail, reasons) per line; kind 0 kept,
  // 1 dropped, 2 malformed.
  py::list ProcessLines(const py::list& lines, const std::string& source) {
    std::vector<std::string> in;
    in.reserve(lines.size());
    for (const auto& l : lines) in.push_back(l.cast<std::string>());
    if (!processor_) {
      StreamProcessor::Config config;
      config.reader = recipe_.reader;
      config.output = recipe_.output;
      config.threads = threads_;
      config.source_name = source;
      auto p = StreamProcessor::Create(std::move(stages_), config);
      if (!p.ok()) Raise(p.status());
      processor_ = std::move(p).value();
    }
    std::vector<StreamProcessor::Result> results;
    Status st;
    {
      py::gil_scoped_release release;
      st = processor_->Process(in, &results);
    }
    Check(st);
    py::list out;
    for (auto& r : results) {
      out.append(py::make_tuple(static_cast<int>(r.kind), py::bytes(r.record), r.stage, r.reason, r.detail,
                                r.reasons));
    }
    return out;
  }

  void Close() {
    if (!processor_) return;
    Status st;
    {
      py::gil_scoped_release release;
      st = processor_->Finish();
    }
    Check(st);
  }

  std::string StatsJson() {
    if (!processor_) {
      // Nothing processed yet: the stats of an empty run.
      StreamProcessor::Config config;
      config.threads = threads_;
      auto stages = BuildStages(recipe_, "", threads_);
      if (!stages.ok()) Raise(stages.status());
      auto p = StreamProcessor::Create(std::move(stages).value(), config);
      if (!p.ok()) Raise(p.status());
      return (*p)->StatsJson();
    }
    return processor_->StatsJson();
  }

  // `sluice run` with this recipe; returns stats.json's text. Ctrl-C stops it.
  std::string Run(const std::vector<std::string>& inputs, const std::string& output, int threads, bool overwrite,
                  bool quiet) {
    RunArgs args;
    args.recipe_yaml = yaml_;
    args.recipe_dir = dir_;
    args.inputs = inputs;
    args.output_dir = output;
    args.threads = threads > 0 ? threads : threads_;
    args.overwrite = overwrite;
    args.quiet = quiet;
    std::atomic<bool> cancel{false};
    args.cancel = &cancel;
    RunResult result;
    std::string stats_path;
    Status st;
    std::atomic<bool> done{false};
    {
      py::gil_scoped_release release;
      std::thread worker([&] {
        st = RunAndReport(args, &result, &stats_path);
        done.store(true);
      });
      while (!done.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        py::gil_scoped_acquire acquire;
        if (PyErr_CheckSignals() != 0) {
          cancel.store(true);  // the run stops at its next batch; finished inputs keep their markers
          py::gil_scoped_release again;
          worker.join();
          throw py::error_already_set();
        }
      }
      worker.join();
    }
    Check(st);
    return ReadText(stats_path);
  }

 private:
  std::string yaml_, dir_;
  int threads_ = 1;
  Recipe recipe_;
  std::vector<StageInstance> stages_;
  std::unique_ptr<StreamProcessor> processor_;
};

// ---------------------------------------------------------------- tokenizer

class PyTokenizer {
 public:
  explicit PyTokenizer(tokenizer::BpeModel model) : model_(std::move(model)) {}

  static PyTokenizer FromFile(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      Raise(Status::Config("'" + path + "' is a directory; give its tokenizer.json"));
    }
    tokenizer::BpeModel model;
    Check(FromTokStatus(tokenizer::LoadTokenizerJson(path, &model)));
    return PyTokenizer(std::move(model));
  }

  std::vector<uint32_t> Encode(const std::string& text) const {
    std::vector<uint32_t> ids;
    py::gil_scoped_release release;
    model_.Encode(text, &ids, &cache_.local());
    return ids;
  }

  py::list EncodeBatch(const std::vector<std::string>& texts, int threads) const {
    std::vector<std::vector<uint32_t>> ids(texts.size());
    {
      py::gil_scoped_release release;
      tbb::task_arena arena(DefaultThreads(threads));
      arena.execute([&] {
        tbb::parallel_for(size_t{0}, texts.size(), [&](size_t i) { model_.Encode(texts[i], &ids[i], &cache_.local()); });
      });
    }
    // Lists built with the C API directly: a few ns per id.
    PyObject* out = PyList_New(static_cast<Py_ssize_t>(ids.size()));
    if (!out) throw py::error_already_set();
    for (size_t i = 0; i < ids.size(); ++i) {
      PyObject* list = PyList_New(static_cast<Py_ssize_t>(ids[i].size()));
      if (!list) {
        Py_DECREF(out);
        throw py::error_already_set();
      }
      for (size_t k = 0; k < ids[i].size(); ++k) PyList_SET_ITEM(list, static_cast<Py_ssize_t>(k), PyLong_FromUnsignedLong(ids[i][k]));
      PyList_SET_ITEM(out, static_cast<Py_ssize_t>(i), list);
    }
    return py::reinterpret_steal<py::list>(out);
  }

  py::str Decode(const std::vector<uint32_t>& ids, bool skip_special) const {
    for (uint32_t id : ids) {
      if (id >= model_.vocab_size()) {
        throw py::value_error("id " + std::to_string(id) + " is not in the vocabulary (size " +
                              std::to_string(model_.vocab_size()) + ")");
      }
    }
    std::string text;
    (void)model_.Decode(ids, &text, skip_special);
    // Byte-level tokens can end inside a character: decode with replacement.
    PyObject* s = PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace");
    if (!s) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(s);
  }

  void Save(const std::string& dir) const { Check(FromTokStatus(tokenizer::SaveTokenizerFiles(model_, dir))); }
  size_t vocab_size() const { return model_.vocab_size(); }
  py::object TokenToId(const std::string& token) const {
    for (uint32_t id : model_.special_ids()) {
      if (model_.token(id) == token) return py::int_(id);
    }
    int64_t id = model_.IdOf(token);
    if (id < 0) return py::none();
    return py::int_(id);
  }

 private:
  tokenizer::BpeModel model_;
  mutable tbb::enumerable_thread_specific<tokenizer::EncodeCache> cache_;
};

PyTokenizer TrainTokenizer(const py::iterable& texts, uint64_t vocab_size, const std::string& preset,
                           const std::vector<std::string>& special_tokens, uint64_t min_frequency, int threads) {
  TokenizerTrainConfig config;
  config.preset = preset;
  config.trainer.vocab_size = vocab_size;
  config.trainer.special_tokens = special_tokens;
  config.trainer.min_frequency = min_frequency;
  tokenizer::PreTokenizer pre;
  Check(ValidateTrainConfig(config, &pre));
  tbb::enumerable_thread_specific<tokenizer::WordCounter> counters(
      [&] { return tokenizer::WordCounter(&pre, config.max_pretoken_bytes); });
  tbb::task_arena arena(DefaultThreads(threads));
  std::vector<std::string> chunk;
  auto count = [&] {
    py::gil_scoped_release release;
    arena.execute([&] {
      tbb::parallel_for(size_t{0}, chunk.size(), [&](size_t i) { counters.local().AddText(chunk[i]); });
    });
    chunk.clear();
  };
  for (const auto& t : texts) {
    if (!py::isinstance<py::str>(t)) throw py::type_error("train_tokenizer: texts must be str");
    chunk.push_back(t.cast<std::string>());
    if (chunk.size() >= 4096) count();
  }
  count();
  tokenizer::WordCounter total(&pre, config.max_pretoken_bytes);
  for (auto& c : counters) total.MergeFrom(c);
  tokenizer::BpeModel model;
  tokenizer::BpeTrainStats stats;
  Status st;
  {
    py::gil_scoped_release release;
    tokenizer::BpeTrainer trainer(config.trainer);
    st = FromTokStatus(trainer.Train(total.Sorted(), pre, &model, &stats));
  }
  Check(st);
  return PyTokenizer(std::move(model));
}

// ---------------------------------------------------------------- stages

py::list Stages() {
  static const char* kTypes[] = {"bool", "int", "float", "str", "list[str]", "yaml"};
  py::list out;
  for (const StageInfo* info : StageRegistry::Global().All()) {
    if (info->folder == "tests") continue;
    py::list options;
    for (const auto& o : info->options) {
      py::dict d;
      d["name"] = o.name;
      d["type"] = kTypes[static_cast<int>(o.type)];
      d["default"] = o.default_value;
      d["help"] = o.help;
      if (o.min > -1e299) d["min"] = o.min;
      if (o.max < 1e299) d["max"] = o.max;
      if (!o.choices.empty()) d["choices"] = o.choices;
      d["required"] = o.required;
      options.append(d);
    }
    py::dict d;
    d["type"] = info->type;
    d["folder"] = info->folder;
    d["summary"] = info->summary;
    d["global"] = info->global;
    d["options"] = options;
    out.append(d);
  }
  return out;
}

}  // namespace
}  // namespace sluice

PYBIND11_MODULE(_sluice, m) {
  using namespace sluice;
  m.doc() = "sluice's C++ engine (use the `sluice` package, not this module)";
  m.attr("__version__") = SLUICE_VERSION_STRING;
  py::class_<PyPipeline>(m, "_Pipeline")
      .def(py::init<std::string, std::string, int>(), py::arg("yaml"), py::arg("dir"), py::arg("threads"))
      .def("process_lines", &PyPipeline::ProcessLines, py::arg("lines"), py::arg("source"))
      .def("close", &PyPipeline::Close)
      .def("stats_json", &PyPipeline::StatsJson)
      .def("run", &PyPipeline::Run, py::arg("inputs"), py::arg("output"), py::arg("threads"), py::arg("overwrite"),
           py::arg("quiet"));
  py::class_<PyTokenizer>(m, "_Tokenizer")
      .def_static("from_file", &PyTokenizer::FromFile, py::arg("path"))
      .def("encode", &PyTokenizer::Encode, py::arg("text"))
      .def("encode_batch", &PyTokenizer::EncodeBatch, py::arg("texts"), py::arg("threads"))
      .def("decode", &PyTokenizer::Decode, py::arg("ids"), py::arg("skip_special"))
      .def("save", &PyTokenizer::Save, py::arg("dir"))
      .def("token_to_id", &PyTokenizer::TokenToId, py::arg("token"))
      .def_property_readonly("vocab_size", &PyTokenizer::vocab_size);
  m.def("train_tokenizer", &TrainTokenizer, py::arg("texts"), py::arg("vocab_size"), py::arg("preset"),
        py::arg("special_tokens"), py::arg("min_frequency"), py::arg("threads"));
  m.def("stages", &Stages);
}
