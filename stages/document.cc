#include "stages/document.h"

#include "stages/json_writer.h"

namespace sluice {

namespace {
void SetAnnotation(std::vector<JsonField>& annotations, std::string_view key, std::string json) {
  for (auto& f : annotations) {
    if (f.key == key) {
      f.json = std::move(json);
      return;
    }
  }
  annotations.push_back(JsonField{std::string(key), std::move(json)});
}
}  // namespace

void Document::Annotate(std::string_view key, std::string_view string_value) {
  SetAnnotation(annotations, key, JsonString(string_value));
}

void Document::AnnotateNumber(std::string_view key, double value) {
  SetAnnotation(annotations, key, JsonNumber(value));
}

void Document::Clear() {
  // Everything is reset by assigning a new Document (so a member added later
  // cannot be forgotten); the buffers worth keeping are moved out and back.
  std::string keep_text = std::move(text), keep_id = std::move(id);
  std::vector<JsonField> keep_fields = std::move(fields), keep_annotations = std::move(annotations);
  std::vector<std::pair<std::string, double>> keep_signals = std::move(signals);
  std::vector<std::pair<const void*, std::string>> keep_scratch = std::move(scratch);
  *this = Document();
  keep_text.clear();
  keep_id.clear();
  keep_fields.clear();
  keep_annotations.clear();
  keep_signals.clear();
  keep_scratch.clear();
  text = std::move(keep_text);
  id = std::move(keep_id);
  fields = std::move(keep_fields);
  annotations = std::move(keep_annotations);
  signals = std::move(keep_signals);
  scratch = std::move(keep_scratch);
}

double Document::Signal(std::string_view name, double fallback) const {
  for (const auto& [n, v] : signals) {
    if (n == name) return v;
  }
  return fallback;
}

std::string& Document::ScratchFor(const void* owner) {
  for (auto& [o, data] : scratch) {
    if (o == owner) return data;
  }
  return scratch.emplace_back(owner, std::string()).second;
}

bool Document::TakeScratch(const void* owner, std::string* out) {
  for (size_t i = 0; i < scratch.size(); ++i) {
    if (scratch[i].first != owner) continue;
    *out = std::move(scratch[i].second);
    scratch.erase(scratch.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }
  return false;
}

}  // namespace sluice
