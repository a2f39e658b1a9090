// The paired comparison of `incubsim compare` (engine/comparison.hpp): per metric and scenario the
// mean with its 95% t-interval, the paired difference against the first scenario (replication r
// against replication r) with its interval, public spending and the ratios per million RMB. Runs
// are made by hand so every figure can be checked exactly. Also mean_interval
// (engine/statistics.hpp), the interval every comparison row uses.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/comparison.hpp"
#include "engine/statistics.hpp"
#include "engine/summary.hpp"
#include "model/indicators.hpp"

using namespace incubsim;

namespace {

constexpr double t_2 = 4.302652729911275;   // t quantile 0.975 with 2 degrees of freedom
constexpr double t_1 = 12.706204736174707;  // ... with 1 degree of freedom

io::TargetInfo target(const std::string& scenario, const std::string& id, int deadline_month) {
  io::TargetInfo info;
  info.scenario = scenario;
  info.id = id;
  info.deadline_month = deadline_month;
  info.deadline = "2021-0" + std::to_string(deadline_month + 1);
  return info;
}

// Three scenarios over four months (2021-01 .. 2021-04, horizon month 3). The reference `ref` has
// targets `early` (deadline month 1) and `late` (month 2); `alt` has `late` too, listed after an
// `extra` target of its own (so the ids, not the positions, must match); `same` has none.
io::ResultsHeader three_scenarios() {
  io::ResultsHeader header;
  header.command = "compare";
  header.scenario_names = {"ref", "alt", "same"};
  for (int m = 0; m < 4; ++m) header.month_labels.push_back("2021-0" + std::to_string(m + 1));
  for (const auto& indicator : model::indicator_registry()) header.indicators.push_back({std::string(indicator.name), "", "", "", ""});
  header.targets = {target("ref", "early", 1), target("ref", "late", 2), target("alt", "extra", 1), target("alt", "late", 2)};
  return header;
}

struct Values {
  double jobs_horizon = 0.0;     // jobs at month 3
  double jobs_deadline = 0.0;    // jobs at month 1 (the `early` deadline)
  double spending_horizon = 0.0; // public_spending_cumulative at month 3
  double spending_late = 0.0;    // ... at month 2 (the `late` deadline)
};

io::RunOutput run_of(const io::ResultsHeader& header, std::uint32_t scenario, std::uint32_t replication, const Values& values,
                     std::vector<std::uint8_t> met) {
  io::RunOutput run;
  run.scenario = scenario;
  run.replication = replication;
  const std::size_t columns = header.indicators.size();
  run.indicators.assign(header.month_labels.size() * columns, 0.0);
  const auto at = [&](int month, const char* name) -> double& {
    return run.indicators[static_cast<std::size_t>(month) * columns + static_cast<std::size_t>(model::indicator_index(name))];
  };
  at(0, "jobs") = 1e9;  // month 0 is neither a deadline nor the horizon: never read
  at(1, "jobs") = values.jobs_deadline;
  at(2, "jobs") = 5e8;  // month 2 is the `late` deadline: read, but checked only for its month label
  at(3, "jobs") = values.jobs_horizon;
  at(2, "public_spending_cumulative") = values.spending_late;
  at(3, "public_spending_cumulative") = values.spending_horizon;
  run.targets_met = std::move(met);
  return run;
}

constexpr std::uint8_t other = 255;  // a target of another scenario than the run's

const io::ComparisonRow& row_of(const std::vector<io::ComparisonRow>& rows, std::uint32_t scenario, const std::string& kind,
                                const std::string& name, const std::string& month) {
  for (const auto& row : rows) {
    if (row.scenario == scenario && row.kind == kind && row.name == name && row.month == month) return row;
  }
  FAIL("no comparison row " << kind << " " << name << " " << month << " of scenario " << scenario);
  return rows.front();
}

std::vector<io::ComparisonRow> compared(const io::ResultsHeader& header) {
  engine::ComparisonAccumulator accumulator(header, 3);
  // ref: jobs 10, 20, 30 at the horizon with 2 M RMB spent; alt: 12, 23, 34 (paired differences
  // 2, 3, 4) with 3 M RMB; same: exactly ref's values. Target `early`: ref meets it in runs 0, 1;
  // `late`: ref in run 2 only, alt in all three.
  const double ref_jobs[] = {10, 20, 30}, alt_jobs[] = {12, 23, 34};
  const std::uint8_t ref_early[] = {1, 1, 0}, ref_late[] = {0, 0, 1};
  for (std::uint32_t r = 0; r < 3; ++r) {
    accumulator.add(run_of(header, 0, r, {ref_jobs[r], 100.0 + r, 2e6, 1e6}, {ref_early[r], ref_late[r], other, other}));
    accumulator.add(run_of(header, 1, r, {alt_jobs[r], 200.0 + r, 3e6, 1.5e6}, {other, other, 0, 1}));
    accumulator.add(run_of(header, 2, r, {ref_jobs[r], 100.0 + r, 2e6, 1e6}, {other, other, other, other}));
  }
  return accumulator.rows();
}

}  // namespace

TEST_CASE("comparison: rows are metric-major, targets of the reference first, outcomes at every deadline and the horizon", "[engine]") {
  const io::ResultsHeader header = three_scenarios();
  const std::vector<io::ComparisonRow> rows = compared(header);
  const std::size_t outcomes = engine::key_outcome_indicators().size();
  // 2 targets of the reference (not alt's `extra`), then the key outcomes at months 1, 2 and 3.
  REQUIRE(rows.size() == (2 + 3 * outcomes) * 3);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].scenario == i % 3);
    CHECK(rows[i].kind == rows[i - i % 3].kind);
    CHECK(rows[i].name == rows[i - i % 3].name);
    CHECK(rows[i].month == rows[i - i % 3].month);
    CHECK(rows[i].month != "2021-01");  // month 0: neither a deadline nor the horizon
    CHECK(rows[i].name != "extra");
  }
  CHECK(rows[0].kind == "target");
  CHECK(rows[0].name == "early");
  CHECK(rows[0].month == "2021-02");
  CHECK(rows[3].name == "late");
  CHECK(rows[3].month == "2021-03");
  const std::string months[] = {"2021-02", "2021-03", "2021-04"};
  for (std::size_t k = 0; k < 3; ++k) {
    for (std::size_t o = 0; o < outcomes; ++o) {
      const io::ComparisonRow& row = rows[(2 + k * outcomes + o) * 3];
      CHECK(row.kind == "outcome");
      CHECK(row.name == engine::key_outcome_indicators()[o]);
      CHECK(row.month == months[k]);
    }
  }
}

TEST_CASE("comparison: the paired difference and its t-interval are exact", "[engine]") {
  const io::ResultsHeader header = three_scenarios();
  const std::vector<io::ComparisonRow> rows = compared(header);

  const io::ComparisonRow& ref = row_of(rows, 0, "outcome", "jobs", "2021-04");
  CHECK(ref.mean == Approx(20));
  CHECK(ref.high - ref.mean == Approx(t_2 * 10.0 / std::sqrt(3.0)));  // sd 10 over 3 runs
  CHECK(ref.mean - ref.low == Approx(t_2 * 10.0 / std::sqrt(3.0)));
  CHECK(ref.difference == 0.0);  // against itself
  CHECK(ref.difference_low == 0.0);
  CHECK(ref.difference_high == 0.0);
  CHECK(ref.public_spending == Approx(2e6));
  CHECK(ref.per_million_public == Approx(10));  // 20 jobs / 2 M RMB
  CHECK(std::isnan(ref.difference_per_million));

  const io::ComparisonRow& alt = row_of(rows, 1, "outcome", "jobs", "2021-04");
  CHECK(alt.mean == Approx(23));
  // Paired differences 2, 3, 4: mean 3, sd 1, so the half-width is t(2) / sqrt(3) ...
  CHECK(alt.difference == Approx(3));
  CHECK(alt.difference_low == Approx(3 - t_2 / std::sqrt(3.0)));
  CHECK(alt.difference_high == Approx(3 + t_2 / std::sqrt(3.0)));
  // ... far narrower than the unpaired intervals of the two means (sd 10 and 11 over 3 runs).
  CHECK(alt.difference_high - alt.difference_low < (alt.high - alt.low) / 5);
  CHECK(alt.high - alt.mean == Approx(t_2 * 11.0 / std::sqrt(3.0)));
  CHECK(alt.public_spending == Approx(3e6));
  CHECK(alt.per_million_public == Approx(23.0 / 3.0));
  CHECK(alt.difference_per_million == Approx(3.0));  // 3 jobs more for 1 M RMB more

  // Identical runs: difference exactly 0 with a zero-width interval; equal spending: no ratio.
  const io::ComparisonRow& same = row_of(rows, 2, "outcome", "jobs", "2021-04");
  CHECK(same.mean == Approx(20));
  CHECK(same.difference == 0.0);
  CHECK(same.difference_low == 0.0);
  CHECK(same.difference_high == 0.0);
  CHECK(same.per_million_public == Approx(10));
  CHECK(std::isnan(same.difference_per_million));
}

TEST_CASE("comparison: outcomes are read at the metric's month", "[engine]") {
  const io::ResultsHeader header = three_scenarios();
  const std::vector<io::ComparisonRow> rows = compared(header);
  // At the `early` deadline (month 1): jobs 100, 101, 102 and 200, 201, 202; no spending yet.
  const io::ComparisonRow& ref = row_of(rows, 0, "outcome", "jobs", "2021-02");
  CHECK(ref.mean == Approx(101));
  CHECK(ref.public_spending == 0.0);
  CHECK(std::isnan(ref.per_million_public));  // nothing spent by then
  const io::ComparisonRow& alt = row_of(rows, 1, "outcome", "jobs", "2021-02");
  CHECK(alt.difference == Approx(100));
  CHECK(alt.difference_low == Approx(100));  // the same difference in every replication
  CHECK(alt.difference_high == Approx(100));
  CHECK(std::isnan(alt.difference_per_million));  // both spent nothing
  // At the `late` deadline (month 2): the spending of that month.
  CHECK(row_of(rows, 1, "outcome", "jobs", "2021-03").public_spending == Approx(1.5e6));
  CHECK(row_of(rows, 1, "outcome", "jobs", "2021-03").difference == 0.0);
}

TEST_CASE("comparison: targets are matched by id across scenarios, NaN where a scenario lacks one", "[engine]") {
  const io::ResultsHeader header = three_scenarios();
  const std::vector<io::ComparisonRow> rows = compared(header);

  const io::ComparisonRow& early_ref = row_of(rows, 0, "target", "early", "2021-02");
  CHECK(early_ref.mean == Approx(2.0 / 3.0));
  CHECK(early_ref.difference == 0.0);
  for (std::uint32_t s : {1U, 2U}) {  // neither alt nor same has a target `early`
    const io::ComparisonRow& row = row_of(rows, s, "target", "early", "2021-02");
    CHECK(std::isnan(row.mean));
    CHECK(std::isnan(row.low));
    CHECK(std::isnan(row.high));
    CHECK(std::isnan(row.difference));
    CHECK(std::isnan(row.difference_low));
    CHECK(std::isnan(row.difference_high));
  }

  // `late` is target 1 of ref and target 3 of alt: met 0, 0, 1 against 1, 1, 1.
  const io::ComparisonRow& late_ref = row_of(rows, 0, "target", "late", "2021-03");
  CHECK(late_ref.mean == Approx(1.0 / 3.0));
  CHECK(late_ref.public_spending == Approx(1e6));  // spending by the deadline
  const io::ComparisonRow& late_alt = row_of(rows, 1, "target", "late", "2021-03");
  CHECK(late_alt.mean == Approx(1.0));
  // A share of runs gets its Wilson interval (3 of 3), as /summary/targets does.
  const auto [wilson_low, wilson_high] = engine::wilson_interval(3, 3);
  CHECK(late_alt.low == Approx(wilson_low));
  CHECK(late_alt.high == Approx(wilson_high));
  CHECK(late_alt.high == 1.0);
  // Paired differences 1, 1, 0: mean 2/3, sd 1/sqrt(3).
  CHECK(late_alt.difference == Approx(2.0 / 3.0));
  CHECK(late_alt.difference_high - late_alt.difference == Approx(t_2 / std::sqrt(3.0) / std::sqrt(3.0)));
  CHECK(late_alt.public_spending == Approx(1.5e6));
  CHECK(late_alt.difference_per_million == Approx((2.0 / 3.0) / 0.5));
  CHECK(std::isnan(row_of(rows, 2, "target", "late", "2021-03").difference));
}

TEST_CASE("comparison: a target a run cannot judge (255) and missing replications are skipped", "[engine]") {
  io::ResultsHeader header = three_scenarios();
  header.scenario_names.pop_back();
  engine::ComparisonAccumulator accumulator(header, 3);
  accumulator.add(run_of(header, 0, 0, {10, 0, 0, 0}, {1, 1, other, other}));
  accumulator.add(run_of(header, 0, 1, {20, 0, 0, 0}, {other, 1, other, other}));  // `early` not judged
  accumulator.add(run_of(header, 1, 0, {14, 0, 0, 0}, {other, other, 0, 0}));
  accumulator.add(run_of(header, 1, 1, {22, 0, 0, 0}, {other, other, 0, 1}));
  accumulator.add(run_of(header, 1, 7, {99, 0, 0, 0}, {other, other, 0, 1}));  // beyond the replications: ignored
  // Replication 2 never arrives in either scenario.
  const std::vector<io::ComparisonRow> rows = accumulator.rows();
  CHECK(row_of(rows, 0, "target", "early", "2021-02").mean == Approx(1.0));
  const io::ComparisonRow& jobs = row_of(rows, 1, "outcome", "jobs", "2021-04");
  CHECK(jobs.mean == Approx(18));
  CHECK(jobs.difference == Approx(3));  // 4 and 2
  CHECK(jobs.difference_high - jobs.difference == Approx(t_1 * 1.0));  // sd sqrt(2) over 2: se 1
  const io::ComparisonRow& late = row_of(rows, 1, "target", "late", "2021-03");
  CHECK(late.difference == Approx(-0.5));  // 0 - 1 and 1 - 1
}

TEST_CASE("mean_interval: Student-t quantiles for small samples, NaN values skipped", "[engine]") {
  engine::MeanInterval interval = engine::mean_interval({1.0, 3.0});
  CHECK(interval.mean == Approx(2.0));
  CHECK(interval.low == Approx(2.0 - 12.706204736174707));  // t(1) = 12.706, standard error 1
  CHECK(interval.high == Approx(2.0 + 12.706204736174707));

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const engine::MeanInterval skipped = engine::mean_interval({nan, 1.0, nan, 3.0});
  CHECK(skipped.mean == interval.mean);
  CHECK(skipped.low == interval.low);
  CHECK(skipped.high == interval.high);

  interval = engine::mean_interval({10.0, 20.0, 30.0});  // sd 10, t(2) = 4.303
  CHECK(interval.high - interval.mean == Approx(t_2 * 10.0 / std::sqrt(3.0)));

  std::vector<double> many;
  for (int i = 0; i < 1000; ++i) many.push_back(i % 2 == 0 ? 1.0 : -1.0);
  interval = engine::mean_interval(many);  // t(999) = 1.9623 is close to the normal 1.96
  CHECK(interval.mean == Approx(0.0).margin(1e-12));
  const double standard_error = std::sqrt(1000.0 / 999.0 / 1000.0);
  CHECK(interval.high == Approx(1.962341461 * standard_error).epsilon(1e-6));

  interval = engine::mean_interval({5.0, nan});  // one value: the interval is the mean itself
  CHECK(interval.mean == 5.0);
  CHECK(interval.low == 5.0);
  CHECK(interval.high == 5.0);
  interval = engine::mean_interval({4.0, 4.0, 4.0});  // no spread: zero width
  CHECK(interval.low == 4.0);
  CHECK(interval.high == 4.0);
  for (const std::vector<double>& empty : {std::vector<double>{}, std::vector<double>{nan, nan}}) {
    interval = engine::mean_interval(empty);
    CHECK(std::isnan(interval.mean));
    CHECK(std::isnan(interval.low));
    CHECK(std::isnan(interval.high));
  }
}
