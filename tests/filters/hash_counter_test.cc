#include "filters/hash_counter.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

using sluice::text::HashCounter;

namespace {

// Adds every key, checking each returned count against a reference map.
void AddAndCheck(HashCounter& c, const std::vector<uint64_t>& keys) {
  std::unordered_map<uint64_t, uint32_t> want;
  for (uint64_t k : keys) {
    uint32_t n = ++want[k];
    REQUIRE(c.Add(k) == n);
  }
  CHECK(c.distinct() == want.size());
}

std::vector<uint64_t> Keys(std::mt19937_64& rng, size_t n, uint64_t range) {
  std::vector<uint64_t> keys(n);
  for (auto& k : keys) k = rng() % range;
  return keys;
}

}  // namespace

TEST_CASE("hash counter counts like a map, keys 0 and 1 included", "[hash_counter]") {
  HashCounter c;
  c.Reset(4);
  AddAndCheck(c, {0, 1, 0, 0, 1, 2, ~0ull, ~0ull});
}

TEST_CASE("hash counter: every reset forgets the previous document, big or small", "[hash_counter]") {
  std::mt19937_64 rng(11);
  HashCounter c;
  // Sizes up and down, so the table is reused bigger than needed, regrown and
  // given back; every document's counts start from zero.
  for (size_t n : {10, 100000, 50, 3, 70000, 0, 200, 1000000, 16, 5000}) {
    c.Reset(n);
    CHECK(c.distinct() == 0);
    AddAndCheck(c, Keys(rng, n, n / 3 + 1));  // repeats
  }
}

TEST_CASE("hash counter grows past its expected size", "[hash_counter]") {
  std::mt19937_64 rng(12);
  HashCounter c;
  c.Reset(1);  // far fewer than will come
  AddAndCheck(c, Keys(rng, 50000, 1ull << 40));
  // And after growing, a reset still empties everything.
  c.Reset(1);
  CHECK(c.Add(7) == 1);
  CHECK(c.distinct() == 1);
}

TEST_CASE("hash counter survives many resets of the same table", "[hash_counter]") {
  std::mt19937_64 rng(13);
  HashCounter c;
  for (int doc = 0; doc < 20000; ++doc) {
    c.Reset(64);
    const std::vector<uint64_t> keys = Keys(rng, 40, 30);
    AddAndCheck(c, keys);
  }
}
