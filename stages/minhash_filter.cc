// The `minhash_filter` stage: phase 4 of the multi-phase MinHash dedup
// (stages/minhash_phases.h). Drops the documents listed in a duplicates file
// (written by `sluice minhash clusters`) with the same reason, detail,
// annotations and signals as the in-process minhash_dedup stage. The list is
// loaded by the factory and read-only afterwards, so Process is thread-safe.
#include <filesystem>
#include <memory>
#include <unordered_map>

#include "stages/minhash_dedup.h"
#include "stages/minhash_phases.h"
#include "stages/stage.h"

namespace sluice {

namespace {

constexpr char kIdMismatchCounter[] = "minhash_filter.id_mismatch";

class MinHashFilter : public Stage {
 public:
  explicit MinHashFilter(std::unordered_map<uint64_t, DuplicateEntry> duplicates)
      : duplicates_(std::move(duplicates)) {}

  Verdict Process(Document& doc, StageContext& ctx) const override {
    auto it = duplicates_.find(MinHashOrderKey(doc.input_index, doc.line));
    if (it == duplicates_.end()) return Verdict::Keep();
    const DuplicateEntry& e = it->second;
    // The list names documents by input position; a different id means the
    // inputs differ from the ones the signatures were computed on.
    if (e.id != doc.id) ctx.stats().Add(kIdMismatchCounter);
    return MarkNearDuplicate(doc, e.survivor_id, e.similarity, e.cluster_size);
  }

 private:
  std::unordered_map<uint64_t, DuplicateEntry> duplicates_;
};

StageInfo MakeInfo() {
  StageInfo info;
  info.type = "minhash_filter";
  info.folder = "stages";
  info.summary = "Drops the near-duplicates listed by `sluice minhash clusters` (multi-phase MinHash dedup)";
  OptionSpec dup;
  dup.name = "duplicates";
  dup.type = OptionType::kString;
  dup.help = "duplicates list written by `sluice minhash clusters` (relative to the recipe)";
  dup.required = true;
  info.options = {dup};
  info.factory = [](const Options& options, const StageEnv& env) -> StatusOr<std::unique_ptr<Stage>> {
    std::filesystem::path path(options.GetString("duplicates"));
    if (path.empty()) return Status::Config("option 'duplicates': a path is required");
    if (path.is_relative()) path = std::filesystem::path(env.recipe_dir) / path;
    auto list = LoadDuplicates(path.string());
    if (!list.ok()) return list.status().WithContext("option 'duplicates'");
    return std::unique_ptr<Stage>(new MinHashFilter(std::move(list).value()));
  };
  return info;
}

}  // namespace

SLUICE_REGISTER_STAGE(MinHashFilter, MakeInfo);

}  // namespace sluice
