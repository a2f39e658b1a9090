// `compare --robustness` (engine/robustness.hpp): the Spearman rank correlation, and the summary
// that counts, for each alternative and metric, the points where it beats, ties or loses against
// the reference and names the assumption that decides it. Comparisons are made by hand.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/robustness.hpp"

using namespace incubsim;

namespace {

constexpr double missing = std::numeric_limits<double>::quiet_NaN();

io::ComparisonRow row(std::uint32_t scenario, const std::string& name, double difference, double low, double high) {
  io::ComparisonRow r;
  r.scenario = scenario;
  r.kind = name == "met" ? "target" : "outcome";
  r.name = name;
  r.month = name == "met" ? "2022-06" : "2022-12";
  r.difference = difference;
  r.difference_low = low;
  r.difference_high = high;
  return r;
}

// One point's comparison: metric-major rows, scenario-minor, as ComparisonAccumulator::rows.
// `differences[metric][scenario]` is the paired difference, with an interval of +-`half`.
std::vector<io::ComparisonRow> point(const std::vector<std::string>& metrics, const std::vector<std::vector<double>>& differences,
                                     double half) {
  std::vector<io::ComparisonRow> rows;
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    for (std::size_t s = 0; s < differences[m].size(); ++s) {
      const double d = differences[m][s];
      rows.push_back(row(static_cast<std::uint32_t>(s), metrics[m], d, d - half, d + half));
    }
  }
  return rows;
}

const io::RobustnessRow& summary_row(const io::RobustnessResult& result, std::uint32_t scenario, const std::string& name) {
  for (const auto& r : result.rows) {
    if (r.scenario == scenario && r.name == name) return r;
  }
  FAIL("no robustness row " << name << " of scenario " << scenario);
  return result.rows.front();
}

}  // namespace

TEST_CASE("spearman: monotone, reversed, ties, constant", "[engine]") {
  const std::vector<double> x = {0.1, 0.5, 0.2, 0.9, 0.7};
  std::vector<double> cubed, reversed;
  for (double v : x) {
    cubed.push_back(v * v * v + 3.0);  // monotone but not linear
    reversed.push_back(-std::exp(v));
  }
  CHECK(engine::spearman(x, cubed) == Approx(1.0));
  CHECK(engine::spearman(x, reversed) == Approx(-1.0));
  // Ties take the average rank: ranks 1, 2.5, 2.5, 4 against 1, 2, 3, 4 give 3 / sqrt(10).
  CHECK(engine::spearman({1, 2, 2, 3}, {1, 2, 3, 4}) == Approx(3.0 / std::sqrt(10.0)));
  CHECK(engine::spearman({1, 2, 3, 4}, {1, 2, 2, 3}) == Approx(3.0 / std::sqrt(10.0)));
  // A known value: ranks 1..5 against 3, 1, 5, 2, 4 give 1 - 6 * 14 / 120 = 0.3.
  CHECK(engine::spearman({0.1, 0.3, 0.5, 0.7, 0.9}, {5, 1, 9, 3, 7}) == Approx(0.3));
  CHECK(std::isnan(engine::spearman({1, 2, 3, 4}, {7, 7, 7, 7})));  // constant: undefined
  CHECK(std::isnan(engine::spearman({2, 2, 2}, {1, 2, 3})));
  // Pairs with a NaN are left out; fewer than three pairs give NaN.
  CHECK(engine::spearman({1, 2, missing, 3, 4}, {10, 20, -5, 30, 40}) == Approx(1.0));
  CHECK(std::isnan(engine::spearman({1, 2, missing}, {1, 2, 3})));
  CHECK(std::isnan(engine::spearman({}, {})));
  CHECK_THROWS_AS(engine::spearman({1, 2, 3}, {1, 2}), std::invalid_argument);
}

TEST_CASE("robustness: beats, ties and loses follow the paired interval", "[engine]") {
  io::RobustnessResult result;
  result.scenarios = 2;
  result.keys = {"dynamics.hazard_multiplier"};
  result.declared = {{1}, {1}};
  std::vector<std::vector<io::ComparisonRow>> comparisons;
  // Scenario 1 against the reference (whose own rows are 0 against itself), metric "jobs":
  const double differences[][3] = {
      {5, 1, 9},      // interval above 0: beats
      {5, 6, 9},      // beats
      {-3, -4, -1},   // below 0: loses
      {2, -1, 5},     // holds 0: tie
      {-2, -5, 1},    // tie
      {0, 0, 0},      // exactly 0 (the same runs): tie
      {3, 0, 6},      // the interval touches 0: tie
      {missing, missing, missing} // not comparable (say, a target the alternative lacks): not counted
  };
  for (std::size_t p = 0; p < std::size(differences); ++p) {
    result.unit.push_back({(static_cast<double>(p) + 0.5) / 8.0});
    result.values.push_back({0.5 + static_cast<double>(p)});
    comparisons.push_back({row(0, "jobs", 0, 0, 0), row(1, "jobs", differences[p][0], differences[p][1], differences[p][2])});
  }
  engine::summarise_robustness(result, comparisons);

  REQUIRE(result.rows.size() == 1);  // the reference gets no row
  const io::RobustnessRow& jobs = result.rows.front();
  CHECK(jobs.scenario == 1);
  CHECK(jobs.kind == "outcome");
  CHECK(jobs.name == "jobs");
  CHECK(jobs.month == "2022-12");
  CHECK(jobs.points == 7);
  CHECK(jobs.beats == 2);
  CHECK(jobs.loses == 1);
  CHECK(jobs.ties == 4);
  CHECK(jobs.beats + jobs.ties + jobs.loses == jobs.points);

  REQUIRE(result.metric_name == std::vector<std::string>{"jobs"});
  CHECK(result.metric_kind == std::vector<std::string>{"outcome"});
  CHECK(result.metric_month == std::vector<std::string>{"2022-12"});
  // difference[point][scenario][metric]
  REQUIRE(result.difference.size() == 8 * 2 * 1);
  for (std::size_t p = 0; p + 1 < std::size(differences); ++p) {
    CHECK(result.difference[p * 2 + 0] == 0.0);
    CHECK(result.difference[p * 2 + 1] == differences[p][0]);
  }
  CHECK(std::isnan(result.difference[7 * 2 + 1]));
  // The correlation skips the NaN point: quantiles rise, differences 5, 5, -3, 2, -2, 0, 3.
  REQUIRE(result.correlation.size() == 2 * 1 * 1);
  CHECK(std::isnan(result.correlation[0]));  // [scenario 0]: the reference against itself
  CHECK(result.correlation[1] == Approx(engine::spearman({0, 1, 2, 3, 4, 5, 6}, {5, 5, -3, 2, -2, 0, 3})));
  CHECK(jobs.deciding_key == "dynamics.hazard_multiplier");
  CHECK(jobs.correlation == result.correlation[1]);
}

TEST_CASE("robustness: the deciding key has the largest |rho| among keys the reference or the alternative declares", "[engine]") {
  // Keys a (declared by the reference only), b (by alternative 1 only), c (by alternative 2 only).
  io::RobustnessResult result;
  result.scenarios = 3;
  result.keys = {"a", "b", "c"};
  result.declared = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  const double a[] = {0.1, 0.3, 0.5, 0.7, 0.9}, b[] = {0.9, 0.5, 0.1, 0.7, 0.3}, c[] = {0.5, 0.1, 0.9, 0.3, 0.7};
  // Metric "jobs": both alternatives' differences 5, 1, 9, 3, 7 rank exactly as c (rho 1), against
  // a rho 0.3 and b rho -0.6. Metric "met": alternative 1's differences 1, 2, 3, 5, 4 (a 0.9,
  // b -0.3); alternative 2's are constant (no correlation at all).
  const double jobs[] = {5, 1, 9, 3, 7}, met[] = {1, 2, 3, 5, 4};
  std::vector<std::vector<io::ComparisonRow>> comparisons;
  for (std::size_t p = 0; p < 5; ++p) {
    result.unit.push_back({a[p], b[p], c[p]});
    result.values.push_back({a[p], missing, missing});  // only the reference's range gives values
    comparisons.push_back(point({"jobs", "met"}, {{0, jobs[p], jobs[p]}, {0, met[p], 0.25}}, 0.5));
  }
  engine::summarise_robustness(result, comparisons);

  REQUIRE(result.rows.size() == 2 * 2);  // alternatives x metrics, scenario-major
  CHECK(result.rows[0].scenario == 1);
  CHECK(result.rows[0].name == "jobs");
  CHECK(result.rows[1].name == "met");
  CHECK(result.rows[1].kind == "target");
  CHECK(result.rows[2].scenario == 2);

  const auto correlation = [&](std::size_t s, std::size_t m, std::size_t k) { return result.correlation[(s * 2 + m) * 3 + k]; };
  REQUIRE(result.correlation.size() == 3 * 2 * 3);

  // Alternative 1, jobs: c would correlate perfectly but neither the reference nor alternative 1
  // declares it, so it cannot move their difference: b (|-0.6|) decides, not c.
  const io::RobustnessRow& jobs_1 = summary_row(result, 1, "jobs");
  CHECK(correlation(1, 0, 0) == Approx(0.3));
  CHECK(correlation(1, 0, 1) == Approx(-0.6));
  CHECK(std::isnan(correlation(1, 0, 2)));
  CHECK(jobs_1.deciding_key == "b");
  CHECK(jobs_1.correlation == Approx(-0.6));
  CHECK(jobs_1.points == 5);
  CHECK(jobs_1.beats == 5);  // every difference >= 1 with half-width 0.5

  const io::RobustnessRow& met_1 = summary_row(result, 1, "met");
  CHECK(met_1.deciding_key == "a");
  CHECK(met_1.correlation == Approx(0.9));
  CHECK(correlation(1, 1, 1) == Approx(-0.3));

  // Alternative 2, jobs: c (its own) decides with rho 1; b is declared by neither side.
  const io::RobustnessRow& jobs_2 = summary_row(result, 2, "jobs");
  CHECK(jobs_2.deciding_key == "c");
  CHECK(jobs_2.correlation == Approx(1.0));
  CHECK(correlation(2, 0, 0) == Approx(0.3));
  CHECK(std::isnan(correlation(2, 0, 1)));

  // Alternative 2, met: a constant difference correlates with nothing; no deciding key. Its
  // interval [-0.25, 0.75] holds 0: a tie at every point.
  const io::RobustnessRow& met_2 = summary_row(result, 2, "met");
  CHECK(met_2.deciding_key.empty());
  CHECK(std::isnan(correlation(2, 1, 0)));
  CHECK(met_2.ties == 5);
  CHECK(met_2.beats == 0);

  // The reference has no correlations.
  for (std::size_t m = 0; m < 2; ++m) {
    for (std::size_t k = 0; k < 3; ++k) CHECK(std::isnan(correlation(0, m, k)));
  }
}

TEST_CASE("robustness: rows that do not fit the scenarios are refused", "[engine]") {
  io::RobustnessResult result;
  result.scenarios = 2;
  result.keys = {"a"};
  result.unit = {{0.25}, {0.75}};
  std::vector<std::vector<io::ComparisonRow>> comparisons = {point({"jobs"}, {{0, 1}}, 0.5), point({"jobs"}, {{0, 1, 2}}, 0.5)};
  CHECK_THROWS_AS(engine::summarise_robustness(result, comparisons), std::invalid_argument);
  comparisons = {point({"jobs"}, {{0, 1, 2}}, 0.5)};  // 3 rows for 2 scenarios
  CHECK_THROWS_AS(engine::summarise_robustness(result, comparisons), std::invalid_argument);
}
