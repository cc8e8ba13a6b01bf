// Reading and writing BPE models in the formats users load elsewhere:
// HF `tokenizer.json` (loads in tokenizers/transformers), GPT-2 style
// `vocab.json` + `merges.txt`, and tiktoken's ranks file ("<base64 bytes> <rank>"
// per line). Token strings use GPT-2's byte-to-character map (byte_level.h);
// special tokens are written as their literal content. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "tokenizer/bpe_model.h"
#include "tokenizer/tokenizer_status.h"

namespace sluice::tokenizer {

// tokenizer.json text (compact, one line). The pre-tokenizer is written as
// ByteLevel(use_regex) for gpt2, and as Split(Regex) + ByteLevel(no regex)
// for cl100k and user patterns.
std::string ToTokenizerJson(const BpeModel& model);
// Parses tokenizer.json text: a byte-level BPE model with no normalizer, a
// ByteLevel pre-tokenizer (optionally after one Split), merges as ["a","b"]
// pairs or "a b" strings. Anything else is rejected with a message.
TokStatus ParseTokenizerJson(std::string_view json, BpeModel* model);
TokStatus LoadTokenizerJson(const std::string& path, BpeModel* model);

std::string ToVocabJson(const BpeModel& model);   // {"token": id, ...} in id order
std::string ToMergesTxt(const BpeModel& model);   // "#version: 0.2" then "a b" lines
// tiktoken ranks: every non-special token, id order. Specials are not part of
// the format (tiktoken takes them as a separate argument).
std::string ToTiktoken(const BpeModel& model);

// Writes tokenizer.json, vocab.json, merges.txt and tokenizer.tiktoken into
// `dir` (created if missing).
TokStatus SaveTokenizerFiles(const BpeModel& model, const std::string& dir);

// Reads a whole file.
TokStatus ReadFile(const std::string& path, std::string* out);
TokStatus WriteFile(const std::string& path, std::string_view data);

}  // namespace sluice::tokenizer
