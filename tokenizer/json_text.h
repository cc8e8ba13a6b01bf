// JSON string escaping with serde_json's rules, so the files the tokenizer
// writes (tokenizer.json, vocab.json) match Hugging Face's byte for byte.
// (Reading JSON is simdjson's, as everywhere in sluice.)
#pragma once

#include <string>
#include <string_view>

namespace sluice::tokenizer {

// Appends `s` (valid UTF-8) as a quoted JSON string: '"', '\\' and control
// characters escaped (\b \f \n \r \t, else \u00XX), everything else verbatim.
void AppendJsonQuoted(std::string_view s, std::string* out);

}  // namespace sluice::tokenizer
