#include "stages/io/warc_reader.h"

#include <catch2/catch.hpp>

#include "stages/io/html_charset.h"
#include "stages/engine/pipeline_runner.h"
#include "test_util.h"
#include "warc_test_util.h"

using namespace sluice;
using sluice::testing::TempDir;
using sluice::testing::WriteText;

namespace {

struct WarcRun {
  RunResult result;
  std::string kept, malformed, stats;  // stats.json without "timing"
};

WarcRun RunOn(const std::string& in, const std::string& out, int threads, uint64_t batch_bytes = 1 << 20) {
  RunConfig c;
  auto inputs = ExpandInputs({in});
  REQUIRE(inputs.ok());
  c.inputs = *inputs;
  c.slices = WholeSlices(c.inputs.size());
  c.output_dir = out;
  c.output.format = OutputFormat::kJsonl;
  c.threads = threads;
  c.batch_bytes = batch_bytes;
  c.progress = false;
  c.recipe_fingerprint = "test";
  WarcRun r;
  REQUIRE(RunPipeline(c, &r.result).ok());
  r.kept = sluice::testing::ReadAllRecords(out + "/kept");
  r.malformed = sluice::testing::ReadAllRecords(out + "/malformed");
  const std::string stats = sluice::testing::ReadText(out + "/stats.json");
  r.stats = stats.substr(0, stats.find(",\"timing\":"));
  return r;
}

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The kept line whose url is `url`.
std::string DocOf(const std::string& kept, const std::string& url) {
  const size_t at = kept.find("\"url\":\"" + url + "\"");
  if (at == std::string::npos) return "";
  const size_t begin = kept.rfind('\n', at);
  return kept.substr(begin == std::string::npos ? 0 : begin + 1, kept.find('\n', at) - (begin == std::string::npos ? 0 : begin + 1));
}

void CheckCrawlOutput(const WarcRun& r, const sluice::testing::TestCrawl& crawl, bool gzip) {
  // Documents: the 200 HTML responses (utf-8 chunked, windows-1251, GBK by <meta>, gzip-encoded xhtml,
  // the one after the damage) and the WET conversion record.
  CHECK(r.result.total.kept == 6);
  CHECK(r.result.total.malformed == 2);
  CHECK(r.result.total.records == r.result.total.kept + r.result.total.dropped + r.result.total.malformed);
  CHECK(sluice::testing::CountLines(r.kept) == 6);

  const std::string utf8 = DocOf(r.kept, "http://example.com/utf8");
  CHECK(Has(utf8, "\"id\":\"<urn:uuid:0000-3>\""));
  CHECK(Has(utf8, "\"date\":\"2024-05-04T10:00:00Z\""));
  CHECK(Has(utf8, "\"digest\":\"sha1:AAAAUTF8\""));
  CHECK(Has(utf8, "\"content_type\":\"text/html\""));
  CHECK(Has(utf8, "\"charset\":\"utf-8\""));
  CHECK(Has(utf8, "\"source\":{\"file\":"));
  CHECK(Has(utf8, "\"offset\":" + std::to_string(crawl.Offset(2)) + "}"));
  CHECK(Has(utf8, "<p>Hello from a chunked page, caf\xC3\xA9.</p></body></html>\""));  // chunks joined

  const std::string ru = DocOf(r.kept, "http://example.ru/");
  CHECK(Has(ru, "\"charset\":\"windows-1251\""));
  CHECK(Has(ru, "Привет, мир! Съешь же ещё этих мягких французских булок."));

  const std::string zh = DocOf(r.kept, "http://example.cn/");
  CHECK(Has(zh, "\"charset\":\"gb18030\""));
  CHECK(Has(zh, "你好，世界。这是一个中文网页。"));

  const std::string gz = DocOf(r.kept, "http://example.com/gz");
  CHECK(Has(gz, "\"content_type\":\"application/xhtml+xml\""));
  CHECK(Has(gz, "A page sent with gzip content encoding."));

  const std::string wet = DocOf(r.kept, "http://example.com/wet");
  CHECK(Has(wet, "\"content_language\":\"eng\""));
  CHECK(Has(wet, "\"digest\":\"sha1:CCCCWET\""));
  CHECK(Has(wet, "\"text\":\"Plain text of a converted page.\\nSecond line.\""));

  CHECK(Has(DocOf(r.kept, "http://example.com/after"), "The record after the damage."));
  for (const char* none : {"missing", "old", "logo.png", "cut"}) {
    CHECK_FALSE(Has(r.kept, std::string("http://example.com/") + none + "\""));
  }

  // The damaged record: malformed with its byte offset, line = its ordinal.
  CHECK(Has(r.malformed, "\"error\":\"warc_bad_content_length\""));
  CHECK(Has(r.malformed, "\"line\":" + std::to_string(crawl.damaged + 1) + ","));
  CHECK(Has(r.malformed, "WARC record at byte offset " + std::to_string(crawl.Offset(crawl.damaged)) +
                             ": invalid Content-Length 'many'"));
  // The truncated last record (a gzip member cut in half, or a short block).
  CHECK(Has(r.malformed, "\"error\":\"warc_truncated\""));
  CHECK(Has(r.malformed, "WARC record at byte offset " + std::to_string(crawl.Offset(crawl.truncated)) + ": "));
  if (gzip) CHECK(Has(r.malformed, "truncated gzip stream"));
  CHECK(r.result.inputs[0].read_error.empty());

  // Other records: counted by kind, not records.
  CHECK(Has(r.stats, "\"skipped_records\":{\"metadata\":1,\"request\":1,\"response_not_200\":1,"
                     "\"response_not_html\":1,\"response_redirect\":1,\"warcinfo\":1}"));
  CHECK(Has(r.stats, "\"totals\":{\"in\":8,\"kept\":6,\"dropped\":0,\"malformed\":2,"));
  CHECK(r.result.skipped_records.size() == 6);
  CHECK(Has(FormatAccounting(r.result), "not documents, not in `in` (WARC records of other kinds): 6 ("));
}

}  // namespace

TEST_CASE("WARC names: .warc, .warc.gz, .warc.zst, WET and HTML, any case", "[warc]") {
  CHECK(DescribeInput("a.warc").format == InputFormat::kWarc);
  const InputFile gz = DescribeInput("CC-MAIN-1.WARC.GZ");
  CHECK(gz.format == InputFormat::kWarc);
  CHECK(gz.compression == Compression::kGzip);
  CHECK(DescribeInput("x.warc.zst").compression == Compression::kZstd);
  CHECK(DescribeInput("x.warc.wet.gz").format == InputFormat::kWet);
  CHECK(DescribeInput("page.HTM").format == InputFormat::kHtml);
  CHECK(DescribeInput("page.html.gz").format == InputFormat::kHtml);
  CHECK(DescribeInput("x.jsonl").format == InputFormat::kJsonl);
}

TEST_CASE("charset: HTTP header, then meta, then UTF-8, then ICU detection - repairs counted", "[warc][charset]") {
  CHECK(CharsetOfContentType("text/html; Charset=\"Windows-1251\"") == "Windows-1251");
  CHECK(CharsetOfContentType("text/html") == "");
  CHECK(MetaCharset("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">") ==
        "koi8-r");
  CHECK(MetaCharset("<meta charset=utf-8>") == "utf-8");
  std::string out;
  int64_t repairs = 0;
  const std::string ru = "<p>Съешь же ещё этих мягких французских булок, да выпей же чаю.</p>";
  CHECK(DecodeHtmlToUtf8(sluice::testing::EncodeAs(ru, "windows-1251"), "windows-1251", &out, &repairs) ==
        "windows-1251");
  CHECK(out == ru);
  // The header wins over <meta>.
  CHECK(DecodeHtmlToUtf8("<meta charset=gbk>caf\xE9", "iso-8859-1", &out, &repairs) == "windows-1252");
  CHECK(out == "<meta charset=gbk>caf\xC3\xA9");
  // Plain ASCII and valid UTF-8 are UTF-8.
  CHECK(DecodeHtmlToUtf8("<p>plain</p>", "", &out, &repairs) == "utf-8");
  CHECK(repairs == 0);
  // Undeclared: ICU's detector finds the Cyrillic code page (on ordinary prose; ICU's n-gram
  // detector is not sure of a pangram).
  std::string long_ru;
  for (int i = 0; i < 3; ++i) {
    long_ru += "<p>Россия — государство в Восточной Европе и Северной Азии. Москва является столицей и "
               "крупнейшим городом страны. Население России составляет около ста сорока шести миллионов человек.</p>";
  }
  repairs = 0;
  const std::string cs = DecodeHtmlToUtf8(sluice::testing::EncodeAs(long_ru, "windows-1251"), "", &out, &repairs);
  CHECK(cs == "windows-1251");
  CHECK(out == long_ru);
  // Declared UTF-8 but invalid: repaired and counted.
  CHECK(DecodeHtmlToUtf8("a\xFF" "b", "utf-8", &out, &repairs) == "utf-8");
  CHECK(out == "a\xEF\xBF\xBD" "b");
  CHECK(repairs == 1);
  // Bytes invalid in the charset count too.
  repairs = 0;
  CHECK(DecodeHtmlToUtf8("a\xFF" "b", "gb2312", &out, &repairs) == "gb18030");
  CHECK(out == "a\xEF\xBF\xBD" "b");
  CHECK(repairs == 1);
}

TEST_CASE("WARC file, plain: documents, fields, charsets, skipped kinds, damage and truncation", "[warc]") {
  TempDir dir;
  const auto crawl = sluice::testing::MakeTestCrawl();
  WriteText(dir / "in/crawl.warc", crawl.Plain());
  CheckCrawlOutput(RunOn(dir / "in", dir / "out", 2), crawl, false);
}

TEST_CASE("WARC file, one gzip member per record with the last member truncated", "[warc]") {
  TempDir dir;
  const auto crawl = sluice::testing::MakeTestCrawl();
  WriteText(dir / "in/crawl.warc.gz", crawl.Gzip());
  CheckCrawlOutput(RunOn(dir / "in", dir / "out", 2), crawl, true);
}

TEST_CASE("WARC file, zstd", "[warc]") {
  TempDir dir;
  const auto crawl = sluice::testing::MakeTestCrawl();
  WriteText(dir / "in/crawl.WARC.ZST", crawl.Zstd());
  CheckCrawlOutput(RunOn(dir / "in", dir / "out", 2), crawl, false);
}

TEST_CASE("WARC output is the same for 1 and 3 threads and any batch size", "[warc][determinism]") {
  TempDir dir;
  const auto crawl = sluice::testing::MakeTestCrawl();
  for (int k = 0; k < 3; ++k) WriteText(dir / ("in/c" + std::to_string(k) + ".warc.gz"), crawl.Gzip());
  WriteText(dir / "in/d.warc", crawl.Plain());
  const auto one = RunOn(dir / "in", dir / "out1", 1);
  const auto three = RunOn(dir / "in", dir / "out3", 3, 256);
  CHECK(one.result.total.kept == 24);
  CHECK(one.kept == three.kept);
  CHECK(one.malformed == three.malformed);
  CHECK(one.stats == three.stats);
  CHECK(Has(one.stats, "\"warcinfo\":4}"));
}

TEST_CASE("WARC resync: garbage between records is one malformed record and reading goes on", "[warc]") {
  TempDir dir;
  const std::string a = sluice::testing::WarcRecord(
      "conversion", 1, "http://a/", "text/plain", "first");
  const std::string b = sluice::testing::WarcRecord("conversion", 2, "http://b/", "text/plain", "second");
  // A block whose Content-Length is too short: the record does not end with CRLF CRLF.
  std::string c = sluice::testing::WarcRecord("conversion", 3, "http://c/", "text/plain", "third, longer");
  c.replace(c.find("Content-Length: 13"), 18, "Content-Length: 5");
  WriteText(dir / "in/x.warc", a + "junk that is no record\r\nmore junk\r\n" + b + c + b);
  const auto r = RunOn(dir / "in", dir / "out", 1);
  CHECK(r.result.total.kept == 3);
  CHECK(r.result.total.malformed == 2);
  CHECK(Has(r.malformed, "\"error\":\"warc_bad_version\""));
  CHECK(Has(r.malformed, "byte offset " + std::to_string(a.size()) + ":"));
  CHECK(Has(r.malformed, "\"error\":\"warc_bad_content_length\""));
  CHECK(Has(r.malformed, "Content-Length 5 does not end where the record does"));
}

TEST_CASE("HTML files: one document each, charset by meta or detection, in directories and compressed",
          "[warc][html]") {
  TempDir dir;
  WriteText(dir / "in/a.html", "<html><head><title>A</title></head><body><p>Gr\xC3\xBC\xC3\x9F" "e</p></body></html>");
  WriteText(dir / "in/sub/b.HTM",
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body>" +
                sluice::testing::EncodeAs("<p>Привет</p>", "windows-1251") + "</body></html>");
  WriteText(dir / "in/c.html.gz", sluice::testing::GzipMember("<p>zipped page</p>"));
  const auto r = RunOn(dir / "in", dir / "out", 2);
  CHECK(r.result.total.kept == 3);
  CHECK(r.result.total.malformed == 0);
  CHECK(Has(r.kept, "\"id\":\"a.html\",\"content_type\":\"text/html\",\"charset\":\"utf-8\""));
  CHECK(Has(r.kept, "Gr\xC3\xBC\xC3\x9F" "e"));
  CHECK(Has(r.kept, "\"id\":\"b.HTM\",\"content_type\":\"text/html\",\"charset\":\"windows-1251\""));
  CHECK(Has(r.kept, "<p>Привет</p>"));
  CHECK(Has(r.kept, "zipped page"));
  CHECK_FALSE(Has(r.kept, "\"url\""));
  CHECK(Has(r.stats, "\"skipped_records\":{}"));
}

TEST_CASE("WARC reader survives a cut at any byte and flipped bytes: no crash, every record accounted",
          "[warc][robustness]") {
  TempDir dir;
  const std::string full = sluice::testing::MakeTestCrawl().Plain();
  ReaderOptions options;
  options.max_record_bytes = 1 << 20;
  for (size_t cut = 0; cut <= full.size(); cut += 5) {
    for (int flip = 0; flip < 2; ++flip) {
      std::string data = full.substr(0, cut);
      if (flip && !data.empty()) data[(cut * 7919) % data.size()] ^= 0x55;
      const std::string path = dir / "x.warc";
      WriteText(path, data);
      const InputFile input = DescribeInput(path);
      int64_t docs = 0, malformed = 0;
      Status st = ReadRecords(
          input, 0, options, [&](Document& d) { docs += d.text.empty() ? 0 : 1; },
          [&](const MalformedRecord& m) {
            ++malformed;
            CHECK(m.message.find("WARC record at byte offset ") == 0);
          });
      INFO("cut " << cut << " flip " << flip);
      CHECK(st.ok());
      CHECK(docs <= 7);
    }
  }
}
