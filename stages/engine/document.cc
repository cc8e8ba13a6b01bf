#include "stages/engine/document.h"

#include "stages/io/json_writer.h"

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

#if defined(__x86_64__) && defined(__GLIBCXX__)
// A member added to Document changes its size: reset it in Clear() below, then update this number.
static_assert(sizeof(Document) == 368, "Document changed: reset the new member in Document::Clear()");
#endif

void Document::Clear() {
  // Every member of Document, in declaration order (keep in sync with document.h).
  id.clear();
  id_from_input = false;
  text.clear();
  input_index = 0;
  line = 0;
  fields.clear();
  annotations.clear();
  signals.clear();
  tags.clear();
  route.clear();
  dropped = false;
  drop_stage.clear();
  drop_reason.clear();
  drop_detail.clear();
  all_reasons.clear();
  scratch.clear();
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
