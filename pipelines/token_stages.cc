// write_tokens: writes the documents that reach it as Megatron .bin/.idx or a
// nanoGPT .bin under OUTDIR/<dir>/, in input order, with the same bytes as
// `sluice tokenize` on the kept records.
//
// Order and memory: it is a global stage. Key() encodes the document in the
// engine's parallel step and hands the ids on as bytes; the resolver's Add()
// runs serially in input order and appends them to the open shard file at
// once. Nothing is buffered beyond the engine's batches in flight (~2 x threads
// batches of ~2 MB); the .idx sizes stream to a temp file (4 bytes/document)
// and the .idx is assembled in Finish. It keeps every document (decision "").
// Put it last: it writes what reaches it.
#include "pipelines/token_stages.h"

#include <tbb/enumerable_thread_specific.h>

#include <filesystem>
#include <sstream>

#include "pipelines/tokenizer_stages.h"
#include "stages/engine/global_stage.h"
#include "stages/engine/stage.h"
#include "tokenizer/hf_json.h"

namespace sluice {

Status PrepareTokenOutput(const TokenOutputConfig& config, tokenizer::BpeModel* model,
                          tokenizer::TokenShardOptions* options) {
  std::string bytes;
  SLUICE_RETURN_IF_ERROR(FromTokStatus(tokenizer::ReadFile(config.tokenizer_path, &bytes)));
  tokenizer::TokStatus parsed = tokenizer::ParseTokenizerJson(bytes, model);
  if (!parsed.ok()) return Status::Config(config.tokenizer_path + ": " + parsed.message());
  tokenizer::TokenShardOptions o;
  SLUICE_RETURN_IF_ERROR(FromTokStatus(tokenizer::ParseTokenFormat(config.format, &o.format)));
  o.dir = config.dir;
  o.name = config.name;
  o.vocab_size = model->vocab_size();
  o.dtype = tokenizer::DtypeForVocab(o.vocab_size);
  o.append_eod = config.append_eod;
  o.max_shard_tokens = config.max_shard_tokens;
  o.tokenizer_path = config.tokenizer_path;
  o.tokenizer_sha256 = tokenizer::Sha256Hex(bytes);
  if (config.eod_token.empty()) {
    o.eod_id = tokenizer::FindEndOfTextId(*model);
  } else {
    o.eod_id = -1;
    for (uint32_t id : model->special_ids()) {
      if (model->token(id) == config.eod_token) o.eod_id = id;
    }
    if (o.eod_id < 0) {
      return Status::Config("end-of-text token '" + config.eod_token + "' is not a special token of " +
                            config.tokenizer_path);
    }
  }
  const bool needs_eod = o.append_eod || o.format == tokenizer::TokenFormat::kNanoGpt;
  if (needs_eod && o.eod_id < 0) {
    return Status::Config(config.tokenizer_path + " has no end-of-text token (a special token <|endoftext|>, " +
                          "<|end_of_text|>, </s>, <eos>, <|eos|> or [EOS]), which " +
                          (o.append_eod ? std::string("append_eod") : std::string("the nanogpt format")) +
                          " needs: train it with --special-tokens '<|endoftext|>' or name one with --eod-token");
  }
  if (o.format == tokenizer::TokenFormat::kNanoGpt && o.dtype != tokenizer::TokenDtype::kUint16) {
    return Status::Config("nanogpt .bin files are uint16 but " + config.tokenizer_path + " has " +
                          std::to_string(o.vocab_size) + " ids (> 65536); use the megatron format (int32)");
  }
  *options = std::move(o);
  return Status::Ok();
}

namespace {

class WriteTokensResolver final : public GlobalResolver {
 public:
  explicit WriteTokensResolver(tokenizer::TokenShardOptions options) : options_(std::move(options)) {}

  void Add(uint64_t, std::string_view key, std::string*, Stats& stats) override {
    if (!status_.ok()) return;
    if (!opened_) Open();
    if (!status_.ok()) return;
    ids_.resize(key.size() / 4);
    for (size_t i = 0; i < ids_.size(); ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(key.data() + 4 * i);
      ids_[i] = uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
    }
    const uint64_t before = writer_.tokens();
    status_ = FromTokStatus(writer_.Add(ids_));
    stats.Add(kStatWriteTokensDocs);
    stats.Add(kStatWriteTokensTokens, static_cast<int64_t>(writer_.tokens() - before));
  }

  Status Finish(FinishContext& ctx) override {
    if (!opened_) Open();  // an empty stream still gives valid (empty) shards
    SLUICE_RETURN_IF_ERROR(status_);
    SLUICE_RETURN_IF_ERROR(FromTokStatus(writer_.Finish()));
    std::ostringstream r;
    r << "{\"dir\":\"" << std::filesystem::path(options_.dir).filename().string() << "\",\"format\":\""
      << tokenizer::TokenFormatName(options_.format) << "\",\"dtype\":\"" << tokenizer::TokenDtypeName(options_.dtype)
      << "\",\"documents\":" << writer_.documents() << ",\"tokens\":" << writer_.tokens()
      << ",\"shards\":" << writer_.shards().size() << "}";
    ctx.report_json = r.str();
    return Status::Ok();
  }

 private:
  void Open() {
    opened_ = true;
    status_ = FromTokStatus(writer_.Open(options_)).WithContext("write_tokens");
  }

  tokenizer::TokenShardOptions options_;
  tokenizer::TokenShardWriter writer_;
  bool opened_ = false;
  Status status_ = Status::Ok();
  std::vector<uint32_t> ids_;
};

class WriteTokensStage final : public GlobalStage {
 public:
  WriteTokensStage(tokenizer::BpeModel model, tokenizer::TokenShardOptions options)
      : model_(std::move(model)), options_(std::move(options)) {}

  void Key(const Document& doc, StageContext&, std::string* key) const override {
    std::vector<uint32_t>& ids = scratch_.local();
    ids.clear();
    model_.Encode(doc.text, &ids, &caches_.local());
    key->resize(ids.size() * 4);
    auto* p = reinterpret_cast<unsigned char*>(key->data());
    for (uint32_t id : ids) {
      p[0] = static_cast<unsigned char>(id), p[1] = static_cast<unsigned char>(id >> 8);
      p[2] = static_cast<unsigned char>(id >> 16), p[3] = static_cast<unsigned char>(id >> 24);
      p += 4;
    }
  }

  StatusOr<std::unique_ptr<GlobalResolver>> NewResolver() const override {
    return std::unique_ptr<GlobalResolver>(new WriteTokensResolver(options_));
  }

  Verdict Apply(Document&, std::string_view, StageContext&) const override { return Verdict::Keep(); }

 private:
  tokenizer::BpeModel model_;
  tokenizer::TokenShardOptions options_;
  mutable tbb::enumerable_thread_specific<tokenizer::EncodeCache> caches_;
  mutable tbb::enumerable_thread_specific<std::vector<uint32_t>> scratch_;
};

SLUICE_REGISTER_STAGE(WriteTokens, [] {
  StageInfo info;
  info.type = "write_tokens";
  info.folder = "tokenizer";
  info.global = true;
  info.summary =
      "Sink (put it last): writes the documents reaching it as Megatron .bin/.idx or nanoGPT .bin token shards "
      "under OUTDIR/<dir>, in input order";
  info.options = {
      {"tokenizer", OptionType::kString, "", "Path to a byte-level BPE tokenizer.json (relative to the recipe)",
       -1e300, 1e300, {}, true},
      {"format", OptionType::kString, "megatron", "Shard format", -1e300, 1e300, {"megatron", "nanogpt"}, false},
      {"append_eod", OptionType::kBool, "false",
       "Append the tokenizer's end-of-text token to every document (always on for nanogpt)", -1e300, 1e300, {},
       false},
      {"eod_token", OptionType::kString, "", "End-of-text special token (default: found by name)", -1e300, 1e300,
       {}, false},
      {"dir", OptionType::kString, "tokens", "Output directory, relative to OUTDIR", -1e300, 1e300, {}, false},
      {"name", OptionType::kString, "tokens", "File stem: NAME.bin/.idx (NAME_00000... with max_shard_tokens)",
       -1e300, 1e300, {}, false},
      {"max_shard_tokens", OptionType::kInt, "0", "Start a new shard before a document that would pass this (0 = one)",
       0, 9.2e18, {}, false},
  };
  info.factory = [](const Options& o, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    std::filesystem::path path(o.GetString("tokenizer"));
    if (path.empty()) return Status::Config("write_tokens: option 'tokenizer' is required");
    if (path.is_relative() && !env.recipe_dir.empty()) path = std::filesystem::path(env.recipe_dir) / path;
    TokenOutputConfig config;
    config.tokenizer_path = path.string();
    config.format = o.GetString("format");
    config.append_eod = o.GetBool("append_eod");
    config.eod_token = o.GetString("eod_token");
    std::filesystem::path dir(o.GetString("dir"));
    if (dir.is_relative()) dir = std::filesystem::path(env.output_dir.empty() ? "." : env.output_dir) / dir;
    config.dir = dir.string();
    config.name = o.GetString("name");
    config.max_shard_tokens = static_cast<uint64_t>(o.GetInt("max_shard_tokens"));
    tokenizer::BpeModel model;
    tokenizer::TokenShardOptions options;
    SLUICE_RETURN_IF_ERROR(PrepareTokenOutput(config, &model, &options).WithContext("write_tokens"));
    return std::unique_ptr<Stage>(new WriteTokensStage(std::move(model), std::move(options)));
  };
  return info;
});

}  // namespace
}  // namespace sluice
