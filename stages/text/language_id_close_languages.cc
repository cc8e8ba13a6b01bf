#include "stages/text/language_id_close_languages.h"

#include <unicode/uchar.h>

#include <string>

#include "stages/text/language_id_close_languages_model.h"
#include "stages/text/utf8.h"

namespace sluice {

namespace {

const CloseLanguageCluster* ClusterOf(std::string_view code) {
  for (int c = 0; c < kCloseClusterCount; ++c) {
    const CloseLanguageCluster& cluster = kCloseClusters[c];
    for (int i = 0; i < cluster.size; ++i) {
      if (code == cluster.codes[i]) return &cluster;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<uint32_t> CloseLanguageFeatures(std::string_view utf8) {
  const uint32_t mask = (uint32_t{1} << kCloseHashBits) - 1;
  std::vector<uint32_t> out;
  // One padded word: code points as UTF-8, with the byte offset of each.
  std::string word;
  std::vector<size_t> starts;
  auto flush = [&] {
    if (starts.empty()) return;
    starts.push_back(word.size());
    word.push_back(' ');
    starts.push_back(word.size());  // end sentinel
    const size_t n_cp = starts.size() - 1;
    for (size_t n = 4; n <= 5; ++n) {
      for (size_t s = 0; s + n <= n_cp; ++s) {
        uint32_t h = 2166136261u;  // FNV-1a
        for (size_t k = starts[s]; k < starts[s + n]; ++k) {
          h = (h ^ static_cast<unsigned char>(word[k])) * 16777619u;
        }
        out.push_back(h & mask);
      }
    }
    starts.clear();
    word.clear();
  };
  ForEachCodePoint(utf8, [&](UChar32 c) {
    if (c >= 0 && u_isalpha(c)) {
      if (starts.empty()) {
        starts.push_back(0);
        word.push_back(' ');
      }
      starts.push_back(word.size());
      AppendUtf8(&word, static_cast<uint32_t>(u_tolower(c)));
    } else {
      flush();
    }
  });
  flush();
  return out;
}

std::vector<int64_t> CloseLanguageScores(std::string_view code, std::string_view utf8) {
  const CloseLanguageCluster* cluster = ClusterOf(code);
  if (cluster == nullptr) return {};
  std::vector<int64_t> scores(static_cast<size_t>(cluster->size), 0);
  for (uint32_t f : CloseLanguageFeatures(utf8)) {
    for (int i = 0; i < cluster->size; ++i) scores[static_cast<size_t>(i)] += cluster->tables[i][f];
  }
  return scores;
}

bool InCloseLanguageCluster(std::string_view a, std::string_view b) {
  const CloseLanguageCluster* cluster = ClusterOf(a);
  return cluster != nullptr && cluster == ClusterOf(b);
}

std::string_view ResolveCloseLanguages(std::string_view code, std::string_view utf8) {
  const CloseLanguageCluster* cluster = ClusterOf(code);
  if (cluster == nullptr) return code;
  std::vector<int64_t> scores = CloseLanguageScores(code, utf8);
  int best = 0;
  for (int i = 0; i < cluster->size; ++i) {
    if (code == cluster->codes[i]) best = i;
  }
  for (int i = 0; i < cluster->size; ++i) {
    if (scores[static_cast<size_t>(i)] > scores[static_cast<size_t>(best)]) best = i;
  }
  return cluster->codes[best];
}

}  // namespace sluice
