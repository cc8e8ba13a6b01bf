#include "stages/engine/run_markers.h"

#include <sys/stat.h>
#include <xxhash.h>

#include <cinttypes>
#include <cstdio>

#include "stages/io/json_writer.h"

namespace sluice {

namespace {

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

std::string Hash(const std::string& text) {
  char buf[17];
  snprintf(buf, sizeof buf, "%016" PRIx64, static_cast<uint64_t>(XXH3_64bits(text.data(), text.size())));
  return buf;
}

}  // namespace

std::string PartStem(const InputSlice& s) {
  char name[48];
  if (s.part == 0) snprintf(name, sizeof name, "part-%05u", s.input_index);
  else snprintf(name, sizeof name, "part-%05u.%04u", s.input_index, s.part);
  return name;
}

std::string MarkerPath(const std::string& output_dir, const InputSlice& s) {
  return output_dir + "/.sluice/done/" + PartStem(s).substr(5) + ".json";
}

std::string SliceStatePath(const std::string& output_dir, const InputSlice& s) {
  return output_dir + "/.sluice/done/" + PartStem(s).substr(5) + ".state";
}

std::string MarkerContent(const InputFile& input, const InputSlice& slice, const std::string& recipe_fingerprint,
                          const InputAccount& a) {
  JsonBuilder b;
  b.BeginObject();
  b.Key("input").String(input.path);
  b.Key("range").String(RangeOf(slice));
  b.Key("identity").String(Hash(InputIdentity(input)));
  b.Key("recipe").String(Hash(recipe_fingerprint));
  b.Key("records").Int(a.records).Key("kept").Int(a.kept).Key("dropped").Int(a.dropped).Key("malformed").Int(a.malformed);
  b.EndObject();
  return b.Take() + "\n";
}

bool MarkerHasRecipe(const std::string& marker, const std::string& recipe_fingerprint) {
  return marker.find("\"recipe\":\"" + Hash(recipe_fingerprint) + "\"") != std::string::npos;
}

bool MarkerMatchesInput(const std::string& marker, const InputFile& input, const InputSlice& slice) {
  return input.path != "-" && marker.find("\"identity\":\"" + Hash(InputIdentity(input)) + "\"") != std::string::npos &&
         marker.find("\"range\":\"" + RangeOf(slice) + "\"") != std::string::npos;
}

bool ReadSmallFile(const std::string& path, std::string* out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) return false;
  char buf[4096];
  out->clear();
  while (size_t n = fread(buf, 1, sizeof buf, f)) out->append(buf, n);
  fclose(f);
  return true;
}

}  // namespace sluice
