#include "filters/pii.h"

#include <catch2/catch.hpp>
#include <string>

#include "stages/engine/stage.h"

using sluice::BuildStage;
using sluice::Document;
using sluice::StageContext;
using sluice::Stats;

namespace {

std::string Redact(std::string text, std::string_view yaml = "{}", Stats* stats = nullptr) {
  auto stage = BuildStage("pii", yaml);
  INFO(stage.status().message());
  REQUIRE(stage.ok());
  Stats local;
  StageContext ctx(stats ? stats : &local);
  Document doc;
  doc.text = std::move(text);
  REQUIRE((*stage)->Process(doc, ctx).keep());
  return doc.text;
}

}  // namespace

TEST_CASE("pii validators: Chinese resident ID checksum and birth date", "[pii]") {
  CHECK(sluice::IsValidCnResidentId("11010519491231002X"));
  CHECK(sluice::IsValidCnResidentId("11010519491231002x"));
  CHECK_FALSE(sluice::IsValidCnResidentId("110105194912310021"));  // wrong check character
  CHECK(sluice::IsValidCnResidentId("320106199003071234"));
  CHECK_FALSE(sluice::IsValidCnResidentId("320106199003071235"));
  // Checksum right, but born in 1880: not a plausible ID.
  CHECK_FALSE(sluice::IsValidCnResidentId("440524188001010014"));
  CHECK_FALSE(sluice::IsValidCnResidentId("11010519491331002X"));  // month 13
  CHECK_FALSE(sluice::IsValidCnResidentId("91010519491231002X"));  // region digit 9
  CHECK_FALSE(sluice::IsValidCnResidentId("1101051949123100"));
}

TEST_CASE("pii validators: Luhn and ISBN-13", "[pii]") {
  CHECK(sluice::LuhnValid("4111111111111111"));
  CHECK_FALSE(sluice::LuhnValid("4111111111111112"));
  CHECK(sluice::LuhnValid("378282246310005"));
  CHECK(sluice::IsValidIsbn13("9783161484100"));
  CHECK_FALSE(sluice::IsValidIsbn13("9783161484101"));
}

TEST_CASE("pii redacts e-mails and IP addresses in English text", "[pii]") {
  CHECK(Redact("Write to Jane.Doe+news@mail.example.co.uk today.") == "Write to <EMAIL> today.");
  CHECK(Redact("DNS is 8.8.8.8, gateway 192.168.0.1.") == "DNS is <IP>, gateway <IP>.");
  CHECK(Redact("ping 2001:db8:85a3::8a2e:370:7334 now") == "ping <IP> now");
  CHECK(Redact("mapped ::ffff:192.0.2.128 here") == "mapped <IP> here");
  // Not IPs: octets > 255, leading zeros, longer dotted runs, version numbers, times, C++ scopes.
  CHECK(Redact("values 300.1.1.1 and 01.2.3.4") == "values 300.1.1.1 and 01.2.3.4");
  CHECK(Redact("OID 1.3.6.1.4.1 is not an address") == "OID 1.3.6.1.4.1 is not an address");
  CHECK(Redact("Upgrade to version 1.2.3.4 or v2.0.0.1") == "Upgrade to version 1.2.3.4 or v2.0.0.1");
  CHECK(Redact("升级到版本 1.2.3.4") == "升级到版本 1.2.3.4");
  CHECK(Redact("at 12:30:45 use std::vector") == "at 12:30:45 use std::vector");
  CHECK(Redact("not an email: a@b, @home, x@y.z1") == "not an email: a@b, @home, x@y.z1");
  CHECK(Redact("(.bob@example.org)") == "(.<EMAIL>)");
}

TEST_CASE("pii redacts phone numbers, not dates or ISBNs", "[pii]") {
  CHECK(Redact("Call (555) 123-4567 or 555.123.4567.") == "Call <PHONE> or <PHONE>.");
  CHECK(Redact("Call +44 20 7946 0958 now") == "Call <PHONE> now");
  CHECK(Redact("手机13812345678，或者 +86 138 1234 5678。") == "手机<PHONE>，或者 <PHONE>。");
  CHECK(Redact("Born 2024-01-15, ISBN 978-3-16-148410-0.") == "Born 2024-01-15, ISBN 978-3-16-148410-0.");
  CHECK(Redact("See 978-3-16-148410-0 for details") == "See 978-3-16-148410-0 for details");
  // 12 digits starting with 1[3-9] is not a Chinese mobile number.
  CHECK(Redact("订单号 138123456789") == "订单号 138123456789");
  // A QQ-style address is one e-mail, not a phone inside an e-mail.
  CHECK(Redact("13812345678@qq.com") == "<EMAIL>");
}

TEST_CASE("pii redacts Chinese IDs and cards only when checksums hold", "[pii]") {
  Stats stats;
  CHECK(Redact("身份证号：11010519491231002X，请核对。", "{}", &stats) == "身份证号：<CN_ID>，请核对。");
  CHECK(Redact("身份证号：110105194912310021，请核对。") == "身份证号：110105194912310021，请核对。");
  CHECK(Redact("card 4111 1111 1111 1111 exp 12/29", "{}", &stats) == "card <CARD> exp 12/29");
  CHECK(Redact("card 4111-1111-1111-1111.") == "card <CARD>.");
  CHECK(Redact("amex 3782 822463 10005") == "amex <CARD>");
  CHECK(Redact("card 4111 1111 1111 1112 exp") == "card 4111 1111 1111 1112 exp");
  // Mixed separators or short groups are not a card: a row of small numbers.
  CHECK(Redact("1 2 3 4 5 6 7 8 9 1 2 3 4 2") == "1 2 3 4 5 6 7 8 9 1 2 3 4 2");
  CHECK(Redact("4111 1111-1111 1111") == "4111 1111-1111 1111");
  // A card between other digit groups is still found.
  CHECK(Redact("paid 2024 4111 1111 1111 1111 2025") == "paid 2024 <CARD> 2025");
  CHECK(stats.Get("pii.cn_id") == 1);
  CHECK(stats.Get("pii.card") == 1);
  CHECK(stats.Get(sluice::kPiiStatDocs) == 2);
}

TEST_CASE("pii: types option and drop action", "[pii]") {
  CHECK(Redact("bob@example.com at 10.0.0.1, 13812345678", "{types: [email, ip]}") ==
        "<EMAIL> at <IP>, 13812345678");
  auto stage = BuildStage("pii", "{action: drop, types: [ip, email]}");
  REQUIRE(stage.ok());
  Stats stats;
  StageContext ctx(&stats);
  Document doc;
  doc.text = "mail bob@example.com from 10.0.0.1";
  auto v = (*stage)->Process(doc, ctx);
  CHECK_FALSE(v.keep());
  CHECK(v.reason() == "pii.ip");
  CHECK(doc.all_reasons == std::vector<std::string>{"pii.ip", "pii.email"});
  CHECK(doc.Signal("pii.matches") == 2);
  Document clean;
  clean.text = "nothing to see";
  CHECK((*stage)->Process(clean, ctx).keep());
  auto bad = BuildStage("pii", "{types: [email, ssn]}");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("'ssn'") != std::string::npos);
  CHECK_FALSE(BuildStage("pii", "{action: mask}").ok());
}
