// The conclusions a command stores in /summary: target attainment with Wilson intervals, and key
// outcomes at the horizon beside public spending and per million RMB of it.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "engine/statistics.hpp"
#include "engine/summary.hpp"
#include "model/indicators.hpp"

using namespace incubsim;

namespace {

io::ResultsHeader header_with(int scenarios, int months, int targets) {
  io::ResultsHeader header;
  for (int s = 0; s < scenarios; ++s) header.scenario_names.push_back("s" + std::to_string(s));
  for (int m = 0; m < months; ++m) header.month_labels.push_back("2021-0" + std::to_string(m + 1));
  for (const auto& indicator : model::indicator_registry()) header.indicators.push_back({std::string(indicator.name), "", "", "", ""});
  for (int t = 0; t < targets; ++t) header.targets.push_back(io::TargetInfo{});
  return header;
}

io::RunOutput run_with(const io::ResultsHeader& header, std::uint32_t scenario, double jobs, double spending,
                       std::vector<std::uint8_t> met) {
  io::RunOutput run;
  run.scenario = scenario;
  const std::size_t count = header.indicators.size();
  run.indicators.assign(header.month_labels.size() * count, 0.0);
  const std::size_t last = (header.month_labels.size() - 1) * count;
  run.indicators[last + static_cast<std::size_t>(model::indicator_index("jobs"))] = jobs;
  run.indicators[last + static_cast<std::size_t>(model::indicator_index("public_spending_cumulative"))] = spending;
  run.indicators[static_cast<std::size_t>(model::indicator_index("jobs"))] = 1e9;  // month 0: ignored
  run.targets_met = std::move(met);
  return run;
}

const io::OutcomeSummary& outcome(const io::ResultsSummary& summary, std::uint32_t scenario, const std::string& name) {
  for (const auto& o : summary.outcomes) {
    if (o.scenario == scenario && o.indicator == name) return o;
  }
  FAIL("no outcome " << name);
  return summary.outcomes.front();
}

}  // namespace

TEST_CASE("summary: target shares skip runs of other scenarios and carry Wilson intervals", "[engine]") {
  const io::ResultsHeader header = header_with(2, 3, 2);
  engine::SummaryAccumulator accumulator(header);
  accumulator.add(run_with(header, 0, 0, 0, {1, 255}));
  accumulator.add(run_with(header, 0, 0, 0, {0, 255}));
  accumulator.add(run_with(header, 0, 0, 0, {1, 255}));
  accumulator.add(run_with(header, 1, 0, 0, {255, 0}));
  const io::ResultsSummary summary = accumulator.summary();
  REQUIRE(summary.targets.size() == 2);
  CHECK(summary.targets[0].trials == 3);
  CHECK(summary.targets[0].met == 2);
  CHECK(summary.targets[0].share == Approx(2.0 / 3.0));
  const auto [low, high] = engine::wilson_interval(2, 3);
  CHECK(summary.targets[0].low == Approx(low));
  CHECK(summary.targets[0].high == Approx(high));
  CHECK(summary.targets[1].trials == 1);
  CHECK(summary.targets[1].share == 0.0);
  CHECK(summary.targets[1].low == 0.0);  // the interval holds the share exactly
}

TEST_CASE("summary: outcomes are horizon means with intervals, per million RMB of public spending", "[engine]") {
  const io::ResultsHeader header = header_with(2, 3, 0);
  engine::SummaryAccumulator accumulator(header);
  accumulator.add(run_with(header, 0, 100, 2e6, {}));
  accumulator.add(run_with(header, 0, 300, 6e6, {}));
  accumulator.add(run_with(header, 1, 50, 0, {}));
  accumulator.add(run_with(header, 1, 50, 0, {}));
  const io::ResultsSummary summary = accumulator.summary();
  CHECK(summary.outcomes.size() == 2 * engine::key_outcome_indicators().size());
  const io::OutcomeSummary& jobs = outcome(summary, 0, "jobs");
  CHECK(jobs.mean == Approx(200));
  CHECK(jobs.public_spending == Approx(4e6));
  CHECK(jobs.per_million_public == Approx(50));  // 200 jobs / 4 M RMB
  // sd 141.42 over 2 runs: standard error 100
  CHECK(jobs.high - jobs.mean == Approx(12.706204736174698 * 100.0));  // t(0.975, 1)
  CHECK(jobs.mean - jobs.low == Approx(jobs.high - jobs.mean));
  const io::OutcomeSummary& unpaid = outcome(summary, 1, "jobs");
  CHECK(unpaid.mean == Approx(50));
  CHECK(unpaid.low == Approx(50));  // no spread
  CHECK(std::isnan(unpaid.per_million_public));  // nothing spent: no ratio
}
