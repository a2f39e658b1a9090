#include "engine/statistics.hpp"

#include <catch2/catch.hpp>

#include <tuple>

using namespace incubsim;

TEST_CASE("wilson_interval gives the published 95% intervals", "[engine]") {
  auto [low, high] = engine::wilson_interval(8, 8);
  CHECK(low == Approx(0.6756).margin(1e-4));
  CHECK(high == 1.0);
  std::tie(low, high) = engine::wilson_interval(0, 8);
  CHECK(low == 0.0);
  CHECK(high == Approx(0.3244).margin(1e-4));
  std::tie(low, high) = engine::wilson_interval(5, 10);
  CHECK(low == Approx(0.2366).margin(1e-4));
  CHECK(high == Approx(0.7634).margin(1e-4));
  std::tie(low, high) = engine::wilson_interval(1, 10);
  CHECK(low == Approx(0.0179).margin(1e-4));
  CHECK(high == Approx(0.4042).margin(1e-4));
  std::tie(low, high) = engine::wilson_interval(0, 0);  // no trials: no information
  CHECK(low == 0.0);
  CHECK(high == 1.0);
}
