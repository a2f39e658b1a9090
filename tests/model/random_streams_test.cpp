#include "model/random_streams.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

using namespace incubsim::model;

namespace {

using Block = std::array<std::uint32_t, 4>;

Block first_four(Stream stream) { return {stream(), stream(), stream(), stream()}; }

Block philox(std::array<std::uint32_t, 4> counter, std::array<std::uint32_t, 2> key) {
  const Stream::Philox::ctr_type c = {{counter[0], counter[1], counter[2], counter[3]}};
  const Stream::Philox::key_type k = {{key[0], key[1]}};
  const Stream::Philox::ctr_type out = Stream::Philox{}(c, k);
  return {out.v[0], out.v[1], out.v[2], out.v[3]};
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

constexpr int big = 100000;

}  // namespace

static_assert(std::uniform_random_bit_generator<Stream>, "Stream must work with <random> and Boost.Random");

TEST_CASE("Philox4x32-10 reproduces the Random123 known-answer vectors", "[model]") {
  // kat_vectors of the Random123 distribution: counter (4 words), key (2 words) -> output.
  CHECK(philox({0, 0, 0, 0}, {0, 0}) == Block{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
  CHECK(philox({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu}) ==
        Block{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
  CHECK(philox({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u}) ==
        Block{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
}

TEST_CASE("Stream golden values are pinned", "[model]") {
  // If these change, every published result changes: bump the results format and say why.
  Stream stream(1, 0, EntityKind::potential_entrant, 0, 0, Purpose::monthly);
  CHECK(stream() == 0xf7f4245cu);
  CHECK(stream() == 0xd9e0f77du);
  CHECK(stream() == 0x156bdb2fu);
  CHECK(stream() == 0x630bad58u);
  // The second block comes from the next draw-block index.
  CHECK(stream() == 0x1b9611e1u);

  Stream again(1, 0, EntityKind::potential_entrant, 0, 0, Purpose::monthly);
  CHECK(again.uniform() == Approx(0.96856906154072997).epsilon(1e-15));
}

TEST_CASE("Stream follows the documented counter layout", "[model]") {
  // key = (seed, replication); counter = (entity, month | purpose << 16 | kind << 24, block, 0).
  const std::uint32_t seed = 20210729, replication = 7, entity = 123456, month = 53;
  const auto kind = EntityKind::initial_venture;
  const auto purpose = Purpose::application;
  const std::uint32_t word1 = month | (std::uint32_t{static_cast<std::uint8_t>(purpose)} << 16) |
                              (std::uint32_t{static_cast<std::uint8_t>(kind)} << 24);
  Stream stream(seed, replication, kind, entity, month, purpose);
  const Block block0 = philox({entity, word1, 0, 0}, {seed, replication});
  const Block block1 = philox({entity, word1, 1, 0}, {seed, replication});
  for (std::uint32_t expected : block0) CHECK(stream() == expected);
  for (std::uint32_t expected : block1) CHECK(stream() == expected);
  // RandomKey builds the same stream.
  const RandomKey key{seed, replication};
  CHECK(first_four(key.stream(kind, entity, month, purpose)) == block0);
}

TEST_CASE("Stream: every part of key and counter changes the numbers", "[model]") {
  const Block base = first_four(Stream(1, 0, EntityKind::potential_entrant, 0, 0, Purpose::monthly));
  const std::vector<Block> variants = {
      first_four(Stream(2, 0, EntityKind::potential_entrant, 0, 0, Purpose::monthly)),         // seed
      first_four(Stream(1, 1, EntityKind::potential_entrant, 0, 0, Purpose::monthly)),         // replication
      first_four(Stream(1, 0, EntityKind::initial_venture, 0, 0, Purpose::monthly)),           // entity kind
      first_four(Stream(1, 0, EntityKind::potential_entrant, 1, 0, Purpose::monthly)),         // entity id
      first_four(Stream(1, 0, EntityKind::potential_entrant, 0, 1, Purpose::monthly)),         // month
      first_four(Stream(1, 0, EntityKind::potential_entrant, 0, 0, Purpose::application)),     // purpose
      first_four(Stream(1, 0, EntityKind::potential_entrant, 0xFFFFFFFFu, 0, Purpose::monthly)),  // top entity id
      first_four(Stream(1, 0, EntityKind::potential_entrant, 0, 0xFFFFu, Purpose::monthly)),   // top month
  };
  std::set<Block> distinct{base};
  for (const Block& variant : variants) {
    CHECK(variant != base);
    distinct.insert(variant);
  }
  CHECK(distinct.size() == variants.size() + 1);
}

TEST_CASE("Stream: the same arguments give the same sequence", "[model]") {
  Stream a(42, 3, EntityKind::carrier, 17, 30, Purpose::entrant_attributes);
  Stream b(42, 3, EntityKind::carrier, 17, 30, Purpose::entrant_attributes);
  for (int i = 0; i < 1000; ++i) REQUIRE(a() == b());
  // Mixed draws stay in step too (uniform takes two words, normal a variable number).
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(a.uniform() == b.uniform());
    REQUIRE(a.normal() == b.normal());
    REQUIRE(a.poisson(4.0) == b.poisson(4.0));
  }
  // A copy continues where the original is.
  Stream c = a;
  for (int i = 0; i < 10; ++i) REQUIRE(a() == c());
}

TEST_CASE("Stream::uniform lies in the unit interval with mean one half", "[model]") {
  Stream stream(1, 0, EntityKind::county, 0, 0, Purpose::monthly);
  double sum = 0.0, low = 1.0, high = 0.0;
  for (int i = 0; i < big; ++i) {
    const double u = stream.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    low = std::min(low, u);
    high = std::max(high, u);
  }
  CHECK(std::abs(sum / big - 0.5) < 0.005);
  CHECK(low < 1e-3);
  CHECK(high > 1 - 1e-3);
  // uniform32 maps the extremes of a word into [0, 1).
  CHECK(Stream::uniform32(0) == 0.0);
  CHECK(Stream::uniform32(0xFFFFFFFFu) < 1.0);
  CHECK(Stream::uniform32(0x80000000u) == 0.5);
}

TEST_CASE("Stream distributions have the right moments", "[model]") {
  Stream stream(5, 2, EntityKind::potential_entrant, 99, 12, Purpose::monthly);
  double sum = 0.0, squares = 0.0;
  for (int i = 0; i < big; ++i) {
    const double z = stream.normal();
    sum += z;
    squares += z * z;
  }
  const double mean = sum / big;
  CHECK(std::abs(mean) < 0.02);
  CHECK(std::abs(std::sqrt(squares / big - mean * mean) - 1.0) < 0.02);

  sum = squares = 0.0;
  for (int i = 0; i < big; ++i) {
    const double x = stream.normal(5.0, 2.0);
    sum += x;
    squares += x * x;
  }
  const double mean2 = sum / big;
  CHECK(std::abs(mean2 - 5.0) < 0.04);
  CHECK(std::abs(std::sqrt(squares / big - mean2 * mean2) - 2.0) < 0.04);

  double count = 0.0;
  for (int i = 0; i < big; ++i) count += stream.poisson(3.5);
  CHECK(std::abs(count / big - 3.5) < 0.05);
  CHECK(stream.poisson(0.0) == 0);
  CHECK(stream.poisson(-1.0) == 0);

  int yes = 0;
  for (int i = 0; i < big; ++i) yes += stream.bernoulli(0.3) ? 1 : 0;
  CHECK(std::abs(yes / static_cast<double>(big) - 0.3) < 0.01);
  CHECK_FALSE(stream.bernoulli(0.0));
  CHECK(stream.bernoulli(1.0));
}

TEST_CASE("Streams of neighbouring entities are uncorrelated", "[model]") {
  Stream a(1, 0, EntityKind::potential_entrant, 0, 5, Purpose::monthly);
  Stream b(1, 0, EntityKind::potential_entrant, 1, 5, Purpose::monthly);
  Stream r(1, 1, EntityKind::potential_entrant, 0, 5, Purpose::monthly);  // next replication
  std::vector<double> x(big), y(big), z(big);
  for (int i = 0; i < big; ++i) {
    x[static_cast<std::size_t>(i)] = a.uniform();
    y[static_cast<std::size_t>(i)] = b.uniform();
    z[static_cast<std::size_t>(i)] = r.uniform();
  }
  CHECK(std::abs(correlation(x, y)) < 0.02);
  CHECK(std::abs(correlation(x, z)) < 0.02);
  // Lag-1 autocorrelation within one stream.
  const std::vector<double> head(x.begin(), x.end() - 1), tail(x.begin() + 1, x.end());
  CHECK(std::abs(correlation(head, tail)) < 0.02);
}
