// Runs tests/tokenizer/hf_conformance.js: sluice vs Hugging Face tokenizers
// (npm) on a few MB of Debian text: equal merges from training, equal ids from
// encoding (gpt2 and cl100k). Needs node and the npm package that
// scripts/setup.d/tokenizer.sh installs (CI has both); without them the test
// only warns.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>
#include <string>

namespace {

namespace fs = std::filesystem;

int Run(const std::string& cmd, std::string* out) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  const int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST_CASE("conformance with Hugging Face tokenizers (node)", "[tokenizer][slow][hf]") {
  const char* env_npm = std::getenv("SLUICE_NPM_DIR");
  const std::string npm = env_npm ? env_npm : std::string(SLUICE_SOURCE_DIR) + "/build/npm";
  std::string ignored;
  if (Run("node --version", &ignored) != 0) {
    WARN("SKIPPED: node is not installed (run scripts/setup.d/tokenizer.sh)");
    return;
  }
  if (!fs::exists(npm + "/node_modules/tokenizers/package.json")) {
    WARN("SKIPPED: npm package 'tokenizers' not found in " + npm + " (run scripts/setup.d/tokenizer.sh or set SLUICE_NPM_DIR)");
    return;
  }
  const std::string fortunes = "/usr/share/games/fortunes";
  const std::string dref = "/usr/share/debian-reference/debian-reference.";
  const std::string zh_man = "/usr/share/man/zh_CN/man1/";
  for (const std::string& f : {fortunes + "/fortunes", dref + "en.txt.gz", dref + "zh-cn.txt.gz",
                               zh_man + "ls.1.gz", std::string("/usr/share/common-licenses/GPL-2")}) {
    if (!fs::exists(f)) {
      WARN("SKIPPED: corpus file " + f + " missing (Debian packages from scripts/setup.sh)");
      return;
    }
  }
  const fs::path work = fs::temp_directory_path() / ("sluice_hf_conf_" + std::to_string(::getpid()));
  fs::create_directories(work);
  const std::string train = (work / "train.txt").string();
  const std::string zh = (work / "zh.txt").string();
  std::string out;
  // ~4 MB: English fortunes, the Debian Reference in English and Chinese.
  REQUIRE(Run("cat " + fortunes + "/fortunes " + fortunes + "/literature " + fortunes + "/computers " + fortunes +
                  "/people > " + train + " && zcat " + dref + "en.txt.gz " + dref + "zh-cn.txt.gz >> " + train +
                  " && zcat " + zh_man + "ls.1.gz " + zh_man + "cat.1.gz " + zh_man + "cp.1.gz > " + zh,
              &out) == 0);
  out.clear();
  const int rc = Run("node " + std::string(SLUICE_SOURCE_DIR) + "/tests/tokenizer/hf_conformance.js --sluice " +
                         SLUICE_BINARY + " --npm " + npm + " --work " + work.string() + " --train " + train +
                         " --heldout /usr/share/common-licenses/GPL-2 --heldout " + zh,
                     &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("PASS train merges equal HF") != std::string::npos);
  CHECK(out.find("PASS encode gpt2") != std::string::npos);
  CHECK(out.find("PASS encode cl100k") != std::string::npos);
  CHECK(out.find("FAIL") == std::string::npos);
  std::error_code ec;
  fs::remove_all(work, ec);
}

}  // namespace
