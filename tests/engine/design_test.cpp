#include "engine/design.hpp"

#include <toml++/toml.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace incubsim;
using engine::Factor;

namespace {

Factor real_factor(const std::string& key, double low, double high, int levels = 0) {
  return {key, Factor::Kind::real, low, high, {}, levels};
}
Factor integer_factor(const std::string& key, double low, double high, int levels = 0) {
  return {key, Factor::Kind::integer, low, high, {}, levels};
}
Factor log_factor(const std::string& key, double low, double high, int levels = 0) {
  return {key, Factor::Kind::log, low, high, {}, levels};
}
Factor categorical_factor(const std::string& key, std::vector<std::string> choices) {
  return {key, Factor::Kind::categorical, 0.0, 0.0, std::move(choices), 0};
}

// Runs `action` and checks that it throws std::invalid_argument whose message holds every phrase.
void check_invalid(const std::function<void()>& action, const std::vector<std::string>& phrases) {
  try {
    action();
    FAIL("no std::invalid_argument was thrown");
  } catch (const std::invalid_argument& error) {
    for (const std::string& phrase : phrases) CHECK_THAT(error.what(), Catch::Contains(phrase));
  }
}

// How many points fall in each of `strata` equal strata of column `column` (first `count` rows).
std::vector<int> stratum_counts(const std::vector<std::vector<double>>& points, std::size_t column, std::size_t count,
                                std::size_t strata) {
  std::vector<int> counts(strata, 0);
  for (std::size_t p = 0; p < count; ++p) {
    const double u = points[p][column];
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    ++counts[static_cast<std::size_t>(std::floor(u * static_cast<double>(strata)))];
  }
  return counts;
}

bool one_per_stratum(const std::vector<int>& counts) {
  for (const int count : counts)
    if (count != 1) return false;
  return true;
}

std::vector<double> column(const engine::Design& design, std::size_t factor) {
  std::vector<double> values;
  for (const auto& point : design.unit) values.push_back(point[factor]);
  return values;
}

}  // namespace

TEST_CASE("to_value maps the unit interval onto each kind of factor, ends exactly", "[design]") {
  const Factor real = real_factor("a", 0.1, 0.3);
  CHECK(engine::to_value(real, 0.0) == 0.1);
  CHECK(engine::to_value(real, 1.0) == 0.3);
  CHECK(engine::to_value(real_factor("a", 0.2, 0.9), 1.0) == 0.9);  // 0.2 + (0.9 - 0.2) is 0.9000000000000001
  CHECK(engine::to_value(real, 0.5) == Approx(0.2));

  const Factor log = log_factor("b", 0.01, 100.0);
  CHECK(engine::to_value(log, 0.0) == 0.01);
  CHECK(engine::to_value(log, 1.0) == 100.0);
  CHECK(engine::to_value(log, 0.5) == Approx(1.0));
  CHECK(engine::to_value(log, 0.25) == Approx(0.1));

  // Each of 1, 2, 3 gets a third of [0, 1).
  const Factor integer = integer_factor("c", 1, 3);
  CHECK(engine::to_value(integer, 0.0) == 1.0);
  CHECK(engine::to_value(integer, 0.33) == 1.0);
  CHECK(engine::to_value(integer, 0.34) == 2.0);
  CHECK(engine::to_value(integer, 0.66) == 2.0);
  CHECK(engine::to_value(integer, 0.67) == 3.0);
  CHECK(engine::to_value(integer, 1.0) == 3.0);

  const Factor categorical = categorical_factor("d", {"market", "government", "mixed"});
  CHECK(engine::to_value(categorical, 0.0) == 0.0);
  CHECK(engine::to_value(categorical, 0.34) == 1.0);
  CHECK(engine::to_value(categorical, 0.99) == 2.0);
  CHECK(engine::to_value(categorical, 1.0) == 2.0);

  check_invalid([&] { engine::to_value(real, 1.5); }, {"'a'", "outside [0, 1]"});
  check_invalid([&] { engine::to_value(real, -0.1); }, {"'a'", "outside [0, 1]"});
  check_invalid([&] { engine::to_value(real, std::nan("")); }, {"'a'", "outside [0, 1]"});

  CHECK(engine::factor_kind_name(Factor::Kind::real) == "real");
  CHECK(engine::factor_kind_name(Factor::Kind::integer) == "integer");
  CHECK(engine::factor_kind_name(Factor::Kind::log) == "log");
  CHECK(engine::factor_kind_name(Factor::Kind::categorical) == "categorical");
}

TEST_CASE("value_text writes TOML that reads back to the value", "[design]") {
  // The parsed table must outlive the node read from it: return the value itself.
  const auto read_double = [](const std::string& text) {
    return toml::parse("value = " + text)["value"].value<double>();
  };
  const auto read_integer = [](const std::string& text) {
    return toml::parse("value = " + text)["value"].value<std::int64_t>();
  };
  const auto read_string = [](const std::string& text) {
    return toml::parse("value = " + text)["value"].value<std::string>();
  };

  const Factor real = real_factor("a", 0.0, 10.0);
  CHECK(engine::value_text(real, 0.1) == "0.1");
  CHECK(engine::value_text(real, 3.0) == "3.0");  // stays a TOML float
  const double awkward = 1.0 / 3.0;
  CHECK(read_double(engine::value_text(real, awkward)) == awkward);
  CHECK(read_double(engine::value_text(log_factor("b", 1e-9, 1.0), 2.5e-7)) == 2.5e-7);

  const Factor integer = integer_factor("c", 0, 100);
  CHECK(engine::value_text(integer, 12.0) == "12");
  CHECK(read_integer(engine::value_text(integer, 12.0)) == 12);
  check_invalid([&] { engine::value_text(integer, 2.5); }, {"'c'", "2.5", "whole"});

  const Factor categorical = categorical_factor("d", {"market", "government's \"own\""});
  CHECK(read_string(engine::value_text(categorical, 0.0)) == "market");
  CHECK(read_string(engine::value_text(categorical, 1.0)) == "government's \"own\"");
  check_invalid([&] { engine::value_text(categorical, 2.0); }, {"'d'", "index"});
  check_invalid([&] { engine::value_text(categorical, 0.5); }, {"'d'", "index"});
}

TEST_CASE("grid enumerates every combination with the first factor slowest and exact ends", "[design]") {
  const std::vector<Factor> factors = {real_factor("a", 0.3, 0.9, 3), categorical_factor("b", {"x", "y"}),
                                       integer_factor("c", 0, 10, 2)};
  const engine::Design design = engine::grid(factors);
  CHECK(design.kind == "grid");
  REQUIRE(design.points() == 12);
  REQUIRE(design.values.size() == 12);

  // Point p = 4 a_level + 2 b_choice + c_level.
  const std::vector<double> a = {0.3, 0.6, 0.9};
  for (std::size_t p = 0; p < 12; ++p) {
    CHECK(design.values[p][0] == Approx(a[p / 4]));
    CHECK(design.values[p][1] == static_cast<double>((p / 2) % 2));
    CHECK(design.values[p][2] == (p % 2 == 0 ? 0.0 : 10.0));
  }
  CHECK(design.values[0][0] == 0.3);
  CHECK(design.values[11][0] == 0.9);  // exactly the upper end (0.3 + (0.9 - 0.3) is not)
  CHECK(design.unit[11][0] == 1.0);
  CHECK(design.unit[0][1] == 0.25);  // a choice sits in the middle of its share
  CHECK(design.unit[2][1] == 0.75);

  const engine::Design log_grid = engine::grid({log_factor("rate", 0.001, 7.0, 3)});
  REQUIRE(log_grid.points() == 3);
  CHECK(log_grid.values[0][0] == 0.001);
  CHECK(log_grid.values[1][0] == Approx(std::sqrt(0.007)));
  CHECK(log_grid.values[2][0] == 7.0);

  // Every whole number of a small integer range.
  const engine::Design integers = engine::grid({integer_factor("staff", 2, 6, 5)});
  REQUIRE(integers.points() == 5);
  for (std::size_t p = 0; p < 5; ++p) CHECK(integers.values[p][0] == 2.0 + static_cast<double>(p));
}

TEST_CASE("latin_hypercube puts exactly one point in each stratum of every factor", "[design]") {
  const std::vector<Factor> factors = {real_factor("a", -1.0, 1.0), integer_factor("b", 0, 9),
                                       log_factor("c", 0.1, 10.0), categorical_factor("d", {"x", "y"})};
  for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{10}, std::size_t{97}, std::size_t{1000}}) {
    const engine::Design design = engine::latin_hypercube(factors, n, 42);
    CHECK(design.kind == "latin_hypercube");
    REQUIRE(design.points() == n);
    for (std::size_t f = 0; f < factors.size(); ++f) CHECK(one_per_stratum(stratum_counts(design.unit, f, n, n)));
    for (const auto& value : design.values) {
      CHECK(value[0] >= -1.0);
      CHECK(value[0] <= 1.0);
      CHECK(value[1] == std::floor(value[1]));
      CHECK(value[2] >= 0.1);
      CHECK(value[2] <= 10.0);
    }
  }
  // With 10 points, each of the 10 whole numbers 0..9 and each choice (5 times) come up.
  const engine::Design ten = engine::latin_hypercube(factors, 10, 3);
  std::set<double> integers;
  std::map<double, int> choices;
  for (const auto& value : ten.values) {
    integers.insert(value[1]);
    ++choices[value[3]];
  }
  CHECK(integers.size() == 10);
  CHECK(choices == std::map<double, int>{{0.0, 5}, {1.0, 5}});
}

TEST_CASE("latin_hypercube is the same for a seed and differs between seeds", "[design]") {
  const std::vector<Factor> factors = {real_factor("a", 0, 1), real_factor("b", 0, 1)};
  const engine::Design first = engine::latin_hypercube(factors, 64, 7);
  const engine::Design again = engine::latin_hypercube(factors, 64, 7);
  const engine::Design other = engine::latin_hypercube(factors, 64, 8);
  CHECK(first.unit == again.unit);  // bit for bit
  CHECK(first.values == again.values);
  CHECK(first.unit != other.unit);
  CHECK(column(first, 0) != column(first, 1));  // factors get independent permutations
  // A factor's column depends only on the seed and its position: adding a factor leaves it.
  const engine::Design one_factor = engine::latin_hypercube({factors[0]}, 64, 7);
  CHECK(column(one_factor, 0) == column(first, 0));
}

TEST_CASE("the Sobol' sequence matches Joe and Kuo's direction numbers", "[design]") {
  const auto points = engine::sobol_sequence(engine::sobol_max_dimensions, 4096);
  REQUIRE(points.size() == 4096);
  REQUIRE(points[0].size() == 64);
  for (const double x : points[0]) CHECK(x == 0.0);
  for (const double x : points[1]) CHECK(x == 0.5);
  // Points 1000 and 4095 of dimensions 2, 21, 40 and 64, in units of 2^-32, from an independent
  // implementation of new-joe-kuo-6.21201 (SciPy's qmc.Sobol, unscrambled); these exercise every
  // initial number and the recurrence.
  const std::vector<std::size_t> dimensions = {1, 20, 39, 63};
  const std::vector<std::uint32_t> point_1000 = {415236096u, 2243952640u, 2059403264u, 1916796928u};
  const std::vector<std::uint32_t> point_4095 = {4042260480u, 969932800u, 976224256u, 2377121792u};
  for (std::size_t i = 0; i < dimensions.size(); ++i) {
    CHECK(points[1000][dimensions[i]] == point_1000[i] * 0x1.0p-32);
    CHECK(points[4095][dimensions[i]] == point_4095[i] * 0x1.0p-32);
  }
}

TEST_CASE("every dimension of the Sobol' sequence puts the first 2^m points one per stratum", "[design]") {
  const std::size_t n = 1024;
  const auto plain = engine::sobol_sequence(engine::sobol_max_dimensions, n);
  const auto scrambled = engine::scrambled_sobol_sequence(engine::sobol_max_dimensions, n, 2024);
  for (std::size_t d = 0; d < engine::sobol_max_dimensions; ++d) {
    for (std::size_t strata = 2; strata <= n; strata *= 2) {
      INFO("dimension " << d + 1 << ", " << strata << " strata");
      CHECK(one_per_stratum(stratum_counts(plain, d, strata, strata)));
      CHECK(one_per_stratum(stratum_counts(scrambled, d, strata, strata)));
    }
  }
  // The first two dimensions form a (0, m, 2)-net: 256 points, one in each 16 x 16 square. The
  // Owen scramble keeps that too.
  for (const auto* points : {&plain, &scrambled}) {
    std::set<std::pair<int, int>> squares;
    for (std::size_t p = 0; p < 256; ++p)
      squares.insert({static_cast<int>((*points)[p][0] * 16), static_cast<int>((*points)[p][1] * 16)});
    CHECK(squares.size() == 256);
  }
}

TEST_CASE("the scrambled Sobol' sequence is fixed by its seed", "[design]") {
  const auto first = engine::scrambled_sobol_sequence(6, 256, 11);
  const auto again = engine::scrambled_sobol_sequence(6, 256, 11);
  const auto other = engine::scrambled_sobol_sequence(6, 256, 12);
  CHECK(first == again);
  CHECK(first != other);
  CHECK(first[0] != std::vector<double>(6, 0.0));  // the origin is scrambled away
  // A prefix of a longer sequence is the shorter sequence.
  const auto longer = engine::scrambled_sobol_sequence(6, 512, 11);
  CHECK(std::vector<std::vector<double>>(longer.begin(), longer.begin() + 256) == first);
}

TEST_CASE("sobol_saltelli lays out the blocks A, B and AB_i", "[design]") {
  const std::vector<Factor> factors = {real_factor("a", 0, 1), integer_factor("b", 1, 8),
                                       categorical_factor("c", {"x", "y", "z"})};
  const std::size_t n = 64;
  const std::size_t k = factors.size();
  const engine::Design design = engine::sobol_saltelli(factors, n, 5);
  CHECK(design.kind == "sobol_saltelli");
  CHECK(design.base_samples == n);
  REQUIRE(design.points() == n * (k + 2));

  const auto sequence = engine::scrambled_sobol_sequence(2 * k, n, 5);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t f = 0; f < k; ++f) {
      CHECK(design.unit[j][f] == sequence[j][f]);          // A: the first k dimensions
      CHECK(design.unit[n + j][f] == sequence[j][k + f]);  // B: the last k
    }
    for (std::size_t i = 0; i < k; ++i) {
      const auto& ab = design.unit[(2 + i) * n + j];
      for (std::size_t f = 0; f < k; ++f) CHECK(ab[f] == (f == i ? design.unit[n + j][f] : design.unit[j][f]));
    }
  }
  for (std::size_t p = 0; p < design.points(); ++p)
    for (std::size_t f = 0; f < k; ++f) CHECK(design.values[p][f] == engine::to_value(factors[f], design.unit[p][f]));
  // n a power of two: A and B each have one point per stratum of 1/n.
  for (std::size_t f = 0; f < k; ++f) {
    CHECK(one_per_stratum(stratum_counts(design.unit, f, n, n)));
    const std::vector<std::vector<double>> b(design.unit.begin() + n, design.unit.begin() + 2 * n);
    CHECK(one_per_stratum(stratum_counts(b, f, n, n)));
  }
  CHECK(engine::sobol_saltelli(factors, n, 5).unit == design.unit);
  CHECK(engine::sobol_saltelli(factors, n, 6).unit != design.unit);
  CHECK(engine::sobol_saltelli(factors, 10, 5).points() == 50);  // not a power of two: allowed
}

TEST_CASE("Sobol' indices of the Ishigami function match the analytical values", "[design]") {
  // Ishigami and Homma (1990): f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i uniform on [-pi, pi].
  const double a = 7.0;
  const double b = 0.1;
  const double pi = std::acos(-1.0);
  const double pi4 = std::pow(pi, 4);
  const double v1 = 0.5 * std::pow(1.0 + b * pi4 / 5.0, 2);
  const double v2 = a * a / 8.0;
  const double v13 = b * b * pi4 * pi4 * (1.0 / 18.0 - 1.0 / 50.0);
  const double variance = v1 + v2 + v13;
  const std::vector<double> first = {v1 / variance, v2 / variance, 0.0};                     // 0.3139, 0.4424, 0
  const std::vector<double> total = {(v1 + v13) / variance, v2 / variance, v13 / variance};  // 0.5576, 0.4424, 0.2437
  CHECK(first[0] == Approx(0.3139).margin(1e-4));
  CHECK(total[2] == Approx(0.2437).margin(1e-4));

  const std::vector<Factor> factors = {real_factor("x1", -pi, pi), real_factor("x2", -pi, pi),
                                       real_factor("x3", -pi, pi)};
  const engine::Design design = engine::sobol_saltelli(factors, 4096, 1);
  std::vector<double> y;
  for (const auto& x : design.values)
    y.push_back(std::sin(x[0]) + a * std::pow(std::sin(x[1]), 2) + b * std::pow(x[2], 4) * std::sin(x[0]));
  const auto indices = engine::sobol_indices(design, y, 500, 99);
  REQUIRE(indices.size() == 3);

  // Tolerance: over seeds 1-50 with n = 4096 the largest error of any index was 0.011 (the
  // scrambled Sobol' points converge faster than Monte Carlo); 0.03 leaves a margin of almost 3
  // while still telling 0.3139 from 0.2437 or a swapped factor.
  const double tolerance = 0.03;
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(indices[i].key);
    CHECK(indices[i].key == factors[i].key);
    CHECK(indices[i].first_order == Approx(first[i]).margin(tolerance));
    CHECK(indices[i].total == Approx(total[i]).margin(tolerance));
    // The bootstrap treats points as independent, so for quasi-random points its intervals are
    // conservative (half-widths about 0.04 here): they hold the estimate and the true value.
    CHECK(indices[i].first_order_interval.low <= indices[i].first_order);
    CHECK(indices[i].first_order_interval.high >= indices[i].first_order);
    CHECK(indices[i].first_order_interval.low <= first[i]);
    CHECK(indices[i].first_order_interval.high >= first[i]);
    CHECK(indices[i].total_interval.low <= total[i]);
    CHECK(indices[i].total_interval.high >= total[i]);
    CHECK(indices[i].total_interval.high - indices[i].total_interval.low < 0.1);
  }
  // The resampling is fixed by its seed.
  const auto again = engine::sobol_indices(design, y, 500, 99);
  CHECK(again[0].first_order_interval.low == indices[0].first_order_interval.low);
  CHECK(again[2].total_interval.high == indices[2].total_interval.high);
}

TEST_CASE("Sobol' indices of an additive function, without bootstrap, and of a constant output", "[design]") {
  // y = x1 + 2 x2 with x uniform on [0, 1]: the variances are 1/12 and 4/12, so S = ST = 0.2, 0.8.
  const std::vector<Factor> factors = {real_factor("x1", 0, 1), real_factor("x2", 0, 1)};
  const engine::Design design = engine::sobol_saltelli(factors, 1024, 3);
  std::vector<double> y;
  for (const auto& x : design.values) y.push_back(x[0] + 2.0 * x[1]);
  const auto indices = engine::sobol_indices(design, y, 0, 0);
  CHECK(indices[0].first_order == Approx(0.2).margin(0.02));
  CHECK(indices[1].first_order == Approx(0.8).margin(0.02));
  CHECK(indices[0].total == Approx(0.2).margin(0.02));
  CHECK(indices[1].total == Approx(0.8).margin(0.02));
  CHECK(std::isnan(indices[0].first_order_interval.low));  // no bootstrap asked for
  CHECK(std::isnan(indices[1].total_interval.high));

  const auto constant = engine::sobol_indices(design, std::vector<double>(design.points(), 4.0), 20, 0);
  CHECK(std::isnan(constant[0].first_order));
  CHECK(std::isnan(constant[1].total));
  CHECK(std::isnan(constant[0].total_interval.low));
}

TEST_CASE("Morris trajectories move each factor once by plus or minus delta on the grid", "[design]") {
  const std::vector<Factor> factors = {real_factor("a", 0, 1), integer_factor("b", 0, 5), log_factor("c", 1, 100),
                                       categorical_factor("d", {"x", "y"})};
  const std::size_t k = factors.size();
  const int levels = 6;
  const engine::Design design = engine::morris(factors, 30, levels, 17);
  CHECK(design.kind == "morris");
  CHECK(design.morris_levels == levels);
  CHECK(design.morris_delta == Approx(6.0 / 10.0));
  REQUIRE(design.points() == 30 * (k + 1));
  REQUIRE(design.morris_steps.size() == 30);

  std::set<double> starts;
  for (std::size_t t = 0; t < 30; ++t) {
    const auto& steps = design.morris_steps[t];
    REQUIRE(steps.size() == k);
    std::set<std::size_t> moved;
    for (std::size_t s = 0; s < k; ++s) {
      const auto& before = design.unit[t * (k + 1) + s];
      const auto& after = design.unit[t * (k + 1) + s + 1];
      moved.insert(steps[s].factor);
      CHECK(std::fabs(steps[s].delta) == design.morris_delta);
      for (std::size_t f = 0; f < k; ++f) {
        if (f == steps[s].factor)
          CHECK(after[f] - before[f] == Approx(steps[s].delta));
        else
          CHECK(after[f] == before[f]);
      }
    }
    CHECK(moved.size() == k);
    for (std::size_t p = t * (k + 1); p < (t + 1) * (k + 1); ++p) {
      for (const double u : design.unit[p]) {
        const double level = u * (levels - 1);
        CHECK(level == Approx(std::round(level)).margin(1e-12));  // on the grid
        CHECK(u >= 0.0);
        CHECK(u <= 1.0);
      }
    }
    starts.insert(design.unit[t * (k + 1)][0]);
  }
  CHECK(starts.size() > 1);  // trajectories start at different points
  CHECK(engine::morris(factors, 30, levels, 17).unit == design.unit);
  CHECK(engine::morris(factors, 30, levels, 18).unit != design.unit);
  // The grid's ends map to the factor's ends exactly.
  for (std::size_t p = 0; p < design.points(); ++p) {
    if (design.unit[p][2] == 1.0) CHECK(design.values[p][2] == 100.0);
    if (design.unit[p][2] == 0.0) CHECK(design.values[p][2] == 1.0);
  }
}

TEST_CASE("Morris effects of y = 2 x1 + 0 x2 + x3^2", "[design]") {
  // x1 on [0, 3]: each step changes y by 2 * 3 * delta, so EE = 6 (output per unit-cube range).
  // x3 on [-1, 1] with p = 4 levels (-1, -1/3, 1/3, 1) and delta = 2/3: steps go between -1 and
  // 1/3 or between -1/3 and 1, changing x3^2 by 8/9 either way, so |EE| = (8/9) / (2/3) = 4/3
  // with both signs.
  const std::vector<Factor> factors = {real_factor("x1", 0, 3), real_factor("x2", 0, 1), real_factor("x3", -1, 1)};
  const engine::Design design = engine::morris(factors, 20, 4, 23);
  std::vector<double> y;
  for (const auto& x : design.values) y.push_back(2.0 * x[0] + 0.0 * x[1] + x[2] * x[2]);
  const auto effects = engine::morris_effects(design, y);
  REQUIRE(effects.size() == 3);
  CHECK(effects[0].key == "x1");
  CHECK(effects[0].mean == Approx(6.0));
  CHECK(effects[0].mean_absolute == Approx(6.0));
  CHECK(effects[0].deviation == Approx(0.0).margin(1e-9));
  CHECK(effects[1].mean == 0.0);
  CHECK(effects[1].mean_absolute == 0.0);
  CHECK(effects[1].deviation == 0.0);
  CHECK(effects[2].mean_absolute == Approx(4.0 / 3.0));
  CHECK(std::fabs(effects[2].mean) < effects[2].mean_absolute);
  CHECK(effects[2].deviation > 0.1);

  const engine::Design single = engine::morris(factors, 1, 4, 23);
  std::vector<double> single_y;
  for (const auto& x : single.values) single_y.push_back(2.0 * x[0]);
  CHECK(std::isnan(engine::morris_effects(single, single_y)[0].deviation));  // one trajectory
}

TEST_CASE("designs reject bad factors and sizes with a message naming the problem", "[design]") {
  const auto lhs = [](const Factor& factor) { return [factor] { engine::latin_hypercube({factor}, 10, 0); }; };
  check_invalid(lhs(real_factor("wage", 5, 5)), {"'wage'", "low (5.0) must be below high (5.0)"});
  check_invalid(lhs(real_factor("wage", 6, 5)), {"'wage'", "below high"});
  check_invalid(lhs(real_factor("wage", 0, std::nan(""))), {"'wage'", "finite"});
  check_invalid(lhs(real_factor("wage", -INFINITY, 1)), {"'wage'", "finite"});
  check_invalid(lhs(log_factor("rate", 0, 1)), {"'rate'", "low > 0"});
  check_invalid(lhs(log_factor("rate", -1, 1)), {"'rate'", "low > 0"});
  check_invalid(lhs(integer_factor("staff", 0.5, 4)), {"'staff'", "whole"});
  check_invalid(lhs(integer_factor("staff", 1, 4.2)), {"'staff'", "whole"});
  check_invalid(lhs(integer_factor("staff", 0, 1e12)), {"'staff'", "range of int"});
  check_invalid(lhs(integer_factor("staff", 3, 3)), {"'staff'", "below high"});
  check_invalid(lhs(categorical_factor("model", {"market"})), {"'model'", "at least two choices, has 1"});
  check_invalid(lhs(categorical_factor("model", {})), {"'model'", "at least two choices, has 0"});
  check_invalid(lhs(categorical_factor("model", {"a", "b", "a"})), {"'model'", "'a' is listed twice"});
  check_invalid(lhs(real_factor("", 0, 1)), {"needs a key"});
  check_invalid(
      [] {
        engine::latin_hypercube({real_factor("a", 0, 1), real_factor("a", 0, 2)}, 10, 0);
      },
      {"'a'", "appears twice"});
  check_invalid([] { engine::latin_hypercube({}, 10, 0); }, {"at least one factor"});

  // Grid levels.
  check_invalid(
      [] {
        engine::grid({real_factor("a", 0, 1, 2), real_factor("b", 0, 1, 1)});
      },
      {"'b'", "levels >= 2, has 1"});
  check_invalid([] { engine::grid({real_factor("a", 0, 1)}); }, {"'a'", "levels >= 2, has 0"});
  check_invalid([] { engine::grid({integer_factor("staff", 1, 3, 4)}); }, {"'staff'", "only 3 whole numbers"});
  check_invalid([] { engine::grid(std::vector<Factor>(5, real_factor("a", 0, 1, 1000))); }, {"appears twice"});
  std::vector<Factor> huge;
  for (int i = 0; i < 5; ++i) huge.push_back(real_factor("f" + std::to_string(i), 0, 1, 1000));
  check_invalid([&] { engine::grid(huge); }, {"grid would have more than 16777216 points"});

  // Sizes.
  const std::vector<Factor> two = {real_factor("a", 0, 1), real_factor("b", 0, 1)};
  check_invalid([&] { engine::latin_hypercube(two, 0, 0); }, {"at least 1 point"});
  check_invalid([&] { engine::sobol_saltelli(two, 1, 0); }, {"at least 2 base samples"});
  check_invalid([&] { engine::sobol_saltelli(two, 0, 0); }, {"at least 2 base samples"});
  check_invalid([&] { engine::sobol_saltelli(two, std::size_t{1} << 23, 0); }, {"more than 16777216 points"});
  std::vector<Factor> many;
  for (int i = 0; i < 33; ++i) many.push_back(real_factor("f" + std::to_string(i), 0, 1));
  check_invalid([&] { engine::sobol_saltelli(many, 64, 0); }, {"at most 32 factors", "not 33"});
  many.pop_back();
  CHECK(engine::sobol_saltelli(many, 4, 0).points() == 4 * 34);  // 32 factors: the table's 64 dimensions
  check_invalid([&] { engine::morris(two, 0, 4, 0); }, {"at least 1 trajectory"});
  check_invalid([&] { engine::morris(two, 10, 3, 0); }, {"even number of levels", "not 3"});
  check_invalid([&] { engine::morris(two, 10, 0, 0); }, {"even number of levels", "not 0"});
  check_invalid([&] { engine::morris({real_factor("a", 1, 0)}, 10, 4, 0); }, {"'a'", "below high"});
  check_invalid([] { engine::sobol_sequence(65, 8); }, {"1 to 64 dimensions, not 65"});
  check_invalid([] { engine::scrambled_sobol_sequence(0, 8, 1); }, {"1 to 64 dimensions, not 0"});

  // Estimators: the right design and one finite output per point.
  const engine::Design sobol = engine::sobol_saltelli(two, 8, 0);
  const engine::Design morris = engine::morris(two, 3, 4, 0);
  check_invalid([&] { engine::sobol_indices(morris, std::vector<double>(morris.points(), 1.0), 10, 0); },
                {"sobol_saltelli design", "'morris'"});
  check_invalid([&] { engine::morris_effects(sobol, std::vector<double>(sobol.points(), 1.0)); },
                {"morris design", "'sobol_saltelli'"});
  check_invalid([&] { engine::sobol_indices(sobol, std::vector<double>(5, 1.0), 10, 0); }, {"32 points but 5 outputs"});
  check_invalid([&] { engine::morris_effects(morris, {}); }, {"9 points but 0 outputs"});
  std::vector<double> with_nan(sobol.points(), 1.0);
  with_nan[7] = std::nan("");
  check_invalid([&] { engine::sobol_indices(sobol, with_nan, 10, 0); }, {"point 7", "not a finite number"});
}
