// Renders the report of a real (rich) run in headless Chromium: the screenshot
// must not be blank and must show the chart colours, and the DOM Chromium built
// must hold the run's numbers. Skips with a warning when chromium is missing
// (scripts/setup.d/report.sh installs it).
#include <zlib.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "tests/pipelines/report_test_util.h"

namespace sluice {
namespace {

using namespace report_test;

struct Image {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3
};

uint32_t Be32(const std::string& s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) |
         (uint32_t(uint8_t(s[at + 2])) << 8) | uint32_t(uint8_t(s[at + 3]));
}

// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes).
bool DecodePng(const std::string& png, Image* img, std::string* error) {
  if (png.size() < 8 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return *error = "not a PNG", false;
  std::string idat;
  int color_type = -1;
  for (size_t at = 8; at + 12 <= png.size();) {
    uint32_t len = Be32(png, at);
    std::string type = png.substr(at + 4, 4);
    if (at + 12 + len > png.size()) return *error = "truncated chunk", false;
    if (type == "IHDR") {
      img->width = Be32(png, at + 8);
      img->height = Be32(png, at + 12);
      int depth = uint8_t(png[at + 16]);
      color_type = uint8_t(png[at + 17]);
      int interlace = uint8_t(png[at + 20]);
      if (depth != 8 || (color_type != 2 && color_type != 6) || interlace != 0) {
        return *error = "unsupported PNG layout", false;
      }
    } else if (type == "IDAT") {
      idat.append(png, at + 8, len);
    }
    at += 12 + len;
  }
  if (color_type < 0 || img->width == 0 || img->height == 0) return *error = "no IHDR", false;
  const size_t bpp = color_type == 6 ? 4 : 3;
  const size_t stride = img->width * bpp;
  std::vector<uint8_t> raw((stride + 1) * img->height);
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) != Z_OK ||
      raw_len != raw.size()) {
    return *error = "inflate failed", false;
  }
  std::vector<uint8_t> prev(stride, 0), cur(stride);
  img->rgb.resize(size_t(img->width) * img->height * 3);
  for (uint32_t y = 0; y < img->height; ++y) {
    const uint8_t* line = &raw[y * (stride + 1)];
    uint8_t filter = line[0];
    for (size_t x = 0; x < stride; ++x) {
      int a = x >= bpp ? cur[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0;
      int v = line[1 + x];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) / 2; break;
        case 4: {
          int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          v += (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
          break;
        }
        default: return *error = "bad filter", false;
      }
      cur[x] = uint8_t(v);
    }
    for (uint32_t x = 0; x < img->width; ++x) {
      for (int k = 0; k < 3; ++k) img->rgb[(size_t(y) * img->width + x) * 3 + k] = cur[x * bpp + k];
    }
    std::swap(prev, cur);
  }
  return true;
}

struct PixelSummary {
  double non_white = 0;     // share of pixels that are not (near) white
  size_t colors = 0;        // distinct colours (quantized to 5 bits per channel)
  double kept_blue = 0;     // share of pixels in the report's "kept" blue (#4e79a7)
  double dropped_red = 0;   // share of pixels in the "dropped" red (#e15759)
};

PixelSummary Summarize(const Image& img) {
  PixelSummary s;
  std::map<uint32_t, size_t> colors;
  size_t n = size_t(img.width) * img.height, non_white = 0, blue = 0, red = 0;
  auto near = [](const uint8_t* p, int r, int g, int b) {
    return std::abs(p[0] - r) < 12 && std::abs(p[1] - g) < 12 && std::abs(p[2] - b) < 12;
  };
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = &img.rgb[i * 3];
    if (p[0] < 245 || p[1] < 245 || p[2] < 245) ++non_white;
    blue += near(p, 0x4e, 0x79, 0xa7);
    red += near(p, 0xe1, 0x57, 0x59);
    ++colors[(uint32_t(p[0] >> 3) << 10) | (uint32_t(p[1] >> 3) << 5) | uint32_t(p[2] >> 3)];
  }
  s.non_white = double(non_white) / double(n);
  s.colors = colors.size();
  s.kept_blue = double(blue) / double(n);
  s.dropped_red = double(red) / double(n);
  return s;
}

std::string ChromiumCommand() {
  const char* env = std::getenv("SLUICE_CHROMIUM");
  if (env && *env) return env;
  for (const char* name : {"chromium", "chromium-browser"}) {
    if (RunShell(std::string("command -v ") + name + " > /dev/null 2>&1") == 0) return name;
  }
  return "";
}

std::string Chromium(const std::string& chromium, const std::string& profile, const std::string& args) {
  return "timeout 120 " + chromium +
         " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
         " --disable-component-update --disable-sync --hide-scrollbars --user-data-dir=" +
         Quote(profile) + " " + args;
}

}  // namespace

TEST_CASE("the report of a real run renders in headless Chromium", "[report][slow]") {
  std::string chromium = ChromiumCommand();
  if (chromium.empty()) {
    WARN("chromium is not installed: browser test SKIPPED (run scripts/setup.d/report.sh)");
    return;
  }
  std::string dir = MakeTempDir("browser");
  REQUIRE(!dir.empty());
  REQUIRE(RunRichPipeline(dir) == 0);
  std::string page = "file://" + dir + "/out/report.html";

  // The DOM as Chromium parsed it holds the run's numbers, and the hostile
  // sample stayed text (no element was created from it).
  std::string dom_path = dir + "/dom.html";
  REQUIRE(RunShell(Chromium(chromium, dir + "/profile-dom", "--dump-dom " + Quote(page)) + " > " + Quote(dom_path) +
                   " 2> " + Quote(dir + "/chromium-dom.log")) == 0);
  std::string dom = ReadTextFile(dom_path);
  INFO("chromium log: " << ReadTextFile(dir + "/chromium-dom.log").substr(0, 2000));
  REQUIRE(dom.find("<h1>sluice run report</h1>") != std::string::npos);
  CHECK(dom.find("<b>32</b> = 22 + 9 + 1") != std::string::npos);
  CHECK(dom.find("✓ every record accounted for") != std::string::npos);
  CHECK(dom.find("probe.spam") != std::string::npos);
  CHECK(dom.find("dedup_probe.cluster_size") != std::string::npos);
  CHECK(dom.find("identity.group_a") != std::string::npos);
  CHECK(dom.find("1.90×") != std::string::npos);  // 3/7 tagged vs 7/31 overall
  // 7 tagged documents are below the audit's support (30): stats.json marks the
  // rows low_support and raises no alert, and the report shows exactly that.
  const std::string stats = ReadTextFile(dir + "/out/stats.json");
  CHECK(stats.find("\"low_support\":true") != std::string::npos);
  CHECK(stats.find("\"alert\":true") == std::string::npos);
  CHECK(dom.find("low support") != std::string::npos);
  CHECK(dom.find("no disproportionate removal") != std::string::npos);
  CHECK(dom.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(dom.find("<script>alert") == std::string::npos);
  CHECK(dom.find("<img") == std::string::npos);

  // Screenshots, wide and narrow: not blank, and the chart colours are drawn.
  for (auto [name, size] : {std::pair<const char*, const char*>{"wide", "1280,2200"}, {"narrow", "390,2400"}}) {
    INFO(name);
    std::string png_path = dir + "/" + name + ".png";
    REQUIRE(RunShell(Chromium(chromium, dir + "/profile-" + name,
                              "--screenshot=" + Quote(png_path) + " --window-size=" + size + " " + Quote(page)) +
                     " > /dev/null 2> " + Quote(dir + "/chromium-" + name + ".log")) == 0);
    Image img;
    std::string error;
    REQUIRE(DecodePng(ReadTextFile(png_path), &img, &error));
    PixelSummary s = Summarize(img);
    INFO("non-white " << s.non_white << ", colours " << s.colors << ", blue " << s.kept_blue << ", red "
                      << s.dropped_red);
    CHECK(s.non_white > 0.03);
    CHECK(s.colors > 20);
    CHECK(s.kept_blue > 0.0005);
    CHECK(s.dropped_red > 0.0002);
    if (const char* keep = std::getenv("SLUICE_KEEP_SCREENSHOTS"); keep && *keep) {
      std::filesystem::copy_file(png_path, std::string(keep) + "/report-" + name + ".png",
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }
  if (const char* keep = std::getenv("SLUICE_KEEP_SCREENSHOTS"); keep && *keep) {
    std::filesystem::copy_file(dir + "/out/report.html", std::string(keep) + "/report.html",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(dir + "/out/stats.json", std::string(keep) + "/stats.json",
                               std::filesystem::copy_options::overwrite_existing);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace sluice
