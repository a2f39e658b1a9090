// Every lever of docs/levers.md, proven: each test runs the lever switched on and switched off
// on the same random streams (common random numbers), 200 replications, and asserts the
// direction of the paired difference with a 95% interval that excludes zero.

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <tbb/parallel_for.h>
#include <vector>

#include "engine/simulation.hpp"
#include "model/indicators.hpp"
#include "scenario/loader.hpp"

using namespace incubsim;

namespace {

constexpr int replications = 200;
constexpr std::uint32_t seed = 20211129;
const std::string levers = std::string(INCUBSIM_SOURCE_DIR) + "/scenarios/test/levers.toml";

// How a run's indicator series becomes one number.
enum class Measure { final_value, sum, mean_per_admission, final_per_active_venture };

double summarise(const io::RunOutput& run, int months, const std::string& indicator, Measure measure) {
  const std::size_t count = model::indicator_registry().size();
  const auto column = static_cast<std::size_t>(model::indicator_index(indicator));
  auto at = [&](int month, std::size_t c) { return run.indicators[static_cast<std::size_t>(month) * count + c]; };
  if (measure == Measure::final_value) return at(months - 1, column);
  if (measure == Measure::final_per_active_venture) {
    const double active = at(months - 1, static_cast<std::size_t>(model::indicator_index("ventures_active")));
    return active > 0 ? at(months - 1, column) / active : 0.0;
  }
  double total = 0.0;
  for (int m = 0; m < months; ++m) total += at(m, column);
  if (measure == Measure::sum) return total;
  double admissions = 0.0;
  for (const char* kind : {"admissions_nursery", "admissions_incubator", "admissions_accelerator", "admissions_park"}) {
    for (int m = 0; m < months; ++m) admissions += at(m, static_cast<std::size_t>(model::indicator_index(kind)));
  }
  return admissions > 0 ? total / admissions : 0.0;
}

struct Effect {
  double mean = 0.0;
  double low = 0.0;
  double high = 0.0;
};

// The mean of one paired difference per replication, with its 95% interval (t with n-1 degrees
// of freedom).
Effect mean_with_interval(const std::vector<double>& difference) {
  double mean = 0.0;
  for (double d : difference) mean += d;
  mean /= replications;
  double variance = 0.0;
  for (double d : difference) variance += (d - mean) * (d - mean);
  variance /= replications - 1;
  const double half = 1.9720 * std::sqrt(variance / replications);  // t(0.975, 199)
  return {mean, mean - half, mean + half};
}

// Runs the lever county with `on` and with `off` on the same random streams, replication by
// replication, and returns the mean of statistic(run on, run off) with its 95% interval.
template <class Statistic>
Effect paired(const std::vector<std::string>& on, const std::vector<std::string>& off, io::RecordLevel record, Statistic statistic) {
  const scenario::Scenario with = scenario::load_scenario(levers, on);
  const scenario::Scenario without = scenario::load_scenario(levers, off);
  std::vector<double> difference(replications);
  tbb::parallel_for(0, replications, [&](int r) {
    const engine::RunSpec spec{static_cast<std::uint32_t>(r), 0, static_cast<std::uint32_t>(r), seed};
    difference[static_cast<std::size_t>(r)] =
        statistic(engine::simulate_run(with.setup, spec, record), engine::simulate_run(without.setup, spec, record));
  });
  return mean_with_interval(difference);
}

// Mean paired difference (on - off) of an indicator's summary with its 95% interval.
Effect paired_effect(const std::vector<std::string>& on, const std::vector<std::string>& off, const std::string& indicator,
                     Measure measure) {
  REQUIRE(model::indicator_index(indicator) >= 0);
  const auto months = [](const io::RunOutput& run) {
    return static_cast<int>(run.indicators.size() / model::indicator_registry().size());
  };
  return paired(on, off, io::RecordLevel::indicators, [&](const io::RunOutput& a, const io::RunOutput& b) {
    return summarise(a, months(a), indicator, measure) - summarise(b, months(b), indicator, measure);
  });
}

void check_increases(const Effect& effect) {
  INFO("mean paired difference " << effect.mean << ", 95% interval [" << effect.low << ", " << effect.high << "]");
  CHECK(effect.low > 0.0);
}

void check_decreases(const Effect& effect) {
  INFO("mean paired difference " << effect.mean << ", 95% interval [" << effect.low << ", " << effect.high << "]");
  CHECK(effect.high < 0.0);
}

// Integration with every mechanism neutral, so one mechanism at a time can be switched on.
const std::vector<std::string> neutral_integration = {
    "integration.enabled=true", "integration.feeder_noise_factor=1", "integration.reserved_share=0",
    "integration.transition_relocation_factor=1", "integration.shared_service_quality=0", "integration.shared_cost_factor=1"};

std::vector<std::string> with(std::vector<std::string> base, const std::string& extra) {
  base.push_back(extra);
  return base;
}

}  // namespace

TEST_CASE("Lever: zero-cost entry raises entries", "[model][lever]") {
  check_increases(paired_effect({"policy.zero_cost_entry=true"}, {"policy.zero_cost_entry=false"}, "entries_grassroots", Measure::sum));
}

TEST_CASE("Lever: Internet+ raises admissions", "[model][lever]") {
  check_increases(paired_effect({"policy.internet_plus=true"}, {"policy.internet_plus=false"}, "admissions_nursery", Measure::sum));
}

TEST_CASE("Lever: rent subsidy lowers cash failures", "[model][lever]") {
  const std::vector<std::string> on = {"carrier.nursery.rent_subsidy_share=1", "carrier.incubator.rent_subsidy_share=1",
                                       "carrier.accelerator.rent_subsidy_share=1", "carrier.park.rent_subsidy_share=1"};
  check_decreases(paired_effect(on, {}, "exits_failure_cash", Measure::sum));
}

TEST_CASE("Lever: a rent-subsidy line that runs out pays less", "[model][lever]") {
  const std::vector<std::string> subsidy = {"carrier.incubator.rent_subsidy_share=1", "carrier.park.rent_subsidy_share=1"};
  check_decreases(paired_effect(with(subsidy, "policy.rent_subsidy_budget_per_year=100000"), subsidy, "spending_rent_subsidy", Measure::sum));
}

TEST_CASE("Lever: training places raise graduations", "[model][lever]") {
  check_increases(paired_effect({"policy.training_places_per_month=30"}, {}, "graduations_cumulative", Measure::final_value));
}

TEST_CASE("Lever: case-by-case support lowers relocations", "[model][lever]") {
  const std::vector<std::string> on = {"policy.case_by_case_budget_per_year=50000000", "policy.case_by_case_min_growth=0.0",
                                       "policy.case_by_case_relocation_factor=0.1"};
  check_decreases(paired_effect(on, {}, "relocations_cumulative", Measure::final_value));
}

TEST_CASE("Lever: private investors lower cash failures", "[model][lever]") {
  check_decreases(paired_effect({"finance.investor_capital_per_year=100000000", "finance.investor_threshold=-1"}, {},
                                "exits_failure_cash", Measure::sum));
}

TEST_CASE("Lever: the guidance fund raises funding", "[model][lever]") {
  check_increases(paired_effect({"finance.guidance_fund_capital=50000000", "finance.guidance_fund_threshold=-1"}, {},
                                "funding_raised_cumulative", Measure::final_value));
}

TEST_CASE("Lever: loan guarantees raise bank loans", "[model][lever]") {
  check_increases(paired_effect({"finance.loan_guarantee_share=0.8"}, {}, "loans", Measure::sum));
}

TEST_CASE("Lever: loan interest raises interest paid and cash failures", "[model][lever]") {
  // Loans made likely (guarantee 0.8: residents borrow with half the revenue); a high rate so
  // the interest drains cash enough to be seen in failures.
  const std::vector<std::string> off = {"finance.loan_guarantee_share=0.8"};
  const std::vector<std::string> on = {"finance.loan_guarantee_share=0.8", "finance.loan_interest_rate=0.2"};
  check_increases(paired_effect(on, off, "loan_interest_paid", Measure::sum));
  check_increases(paired_effect(on, off, "exits_failure_cash", Measure::sum));
}

TEST_CASE("Lever: talent programmes raise talent-founded entries", "[model][lever]") {
  check_increases(paired_effect({"talent.talents_per_year=10", "talent.found_share=0.5"}, {}, "entries_talent", Measure::sum));
}

TEST_CASE("Lever: platforms raise spin-off entries", "[model][lever]") {
  check_increases(paired_effect({"platforms.platforms=6", "platforms.spin_offs_per_platform_year=4"}, {}, "entries_spin_off", Measure::sum));
}

TEST_CASE("Lever: pilot-scale bases raise base technology", "[model][lever]") {
  check_increases(paired_effect({"platforms.pilot_bases=2", "platforms.pilot_technology_gain=0.02"}, {}, "technology_mean_base", Measure::sum));
}

TEST_CASE("Lever: integration's feeder knowledge selects better ventures", "[model][lever]") {
  check_increases(paired_effect(with(neutral_integration, "integration.feeder_noise_factor=0.2"), neutral_integration,
                                "admitted_quality_sum", Measure::mean_per_admission));
}

TEST_CASE("Lever: integration's reserved places raise graduations from the nursery", "[model][lever]") {
  check_increases(paired_effect(with(neutral_integration, "integration.reserved_share=0.5"), neutral_integration,
                                "graduations_nursery", Measure::sum));
}

TEST_CASE("Lever: integration lowers relocation at transition", "[model][lever]") {
  check_decreases(paired_effect(with(neutral_integration, "integration.transition_relocation_factor=0.1"), neutral_integration,
                                "relocations_cumulative", Measure::final_value));
}

TEST_CASE("Lever: integration's shared services raise revenue", "[model][lever]") {
  check_increases(paired_effect(with(neutral_integration, "integration.shared_service_quality=0.3"), neutral_integration,
                                "revenue", Measure::sum));
}

TEST_CASE("Lever: integration's shared platform lowers operator spending", "[model][lever]") {
  check_decreases(paired_effect(with(neutral_integration, "integration.shared_cost_factor=0.5"), neutral_integration,
                                "spending_operators", Measure::sum));
}

TEST_CASE("Lever: leading firms acquire ventures", "[model][lever]") {
  check_increases(paired_effect({"leading_firms.count=3", "leading_firms.acquisition_min_technology=0.3", "leading_firms.acquisition_rate=0.01"}, {},
                                "acquisitions_cumulative", Measure::final_value));
}

TEST_CASE("Lever: leading firms' mentoring raises revenue", "[model][lever]") {
  check_increases(paired_effect({"leading_firms.count=3", "leading_firms.acquisition_rate=0", "leading_firms.mentoring_growth=0.01"},
                                {"leading_firms.count=3", "leading_firms.acquisition_rate=0", "leading_firms.mentoring_growth=0"}, "revenue",
                                Measure::sum));
}

TEST_CASE("Lever: outside pull drives relocation", "[model][lever]") {
  check_increases(paired_effect({"exits.relocation_rate=0.02"}, {"exits.relocation_rate=0.0"}, "relocations_cumulative", Measure::final_value));
}

TEST_CASE("Lever: construction delays lower base residents", "[model][lever]") {
  check_decreases(paired_effect({"carrier_dynamics.construction_delay_mean=8"}, {}, "ventures_base", Measure::sum));
}

TEST_CASE("Lever: persistent demand opens market carriers", "[model][lever]") {
  check_increases(paired_effect({"carrier_dynamics.demand_waiting=1", "carrier_dynamics.demand_months=2"},
                                {"carrier_dynamics.demand_waiting=100000"}, "carriers_open_incubator", Measure::sum));
}

TEST_CASE("Lever: annual level reviews promote carriers", "[model][lever]") {
  check_increases(paired_effect({"carrier_dynamics.level_reviews=true"}, {}, "carriers_provincial_or_higher", Measure::final_value));
}

TEST_CASE("Lever: per-outcome operators admit fewer, better ventures", "[model][lever]") {
  check_decreases(paired_effect({"operator.base-operator.incentive=per-outcome"}, {}, "admissions_incubator", Measure::sum));
}

TEST_CASE("Lever: operator service quality raises talents cultivated", "[model][lever]") {
  check_increases(paired_effect({"operator.base-operator.service_quality=1.0"}, {"operator.base-operator.service_quality=0.2"},
                                "talents_cultivated_base", Measure::final_value));
}

TEST_CASE("Lever: screening accuracy selects better ventures", "[model][lever]") {
  check_increases(paired_effect({"operator.base-operator.screening_noise=0.2"}, {"operator.base-operator.screening_noise=2.0"},
                                "admitted_quality_sum", Measure::mean_per_admission));
}

TEST_CASE("Lever: recruited firms enter the accelerator directly", "[model][lever]") {
  // With room in the accelerator, so seats taken early do not hide the effect.
  check_increases(paired_effect({"source.recruited.direct_stage=accelerator", "carrier.accelerator.capacity=80"},
                                {"carrier.accelerator.capacity=80"}, "admissions_accelerator", Measure::sum));
}

TEST_CASE("Lever: a lower tech-SME score bar certifies more firms", "[model][lever]") {
  check_increases(paired_effect({"dynamics.tech_sme_min_score=40"}, {"dynamics.tech_sme_min_score=70"}, "tech_sme_stock", Measure::final_value));
}

TEST_CASE("Lever: leading firms' purchases lower cash failures", "[model][lever]") {
  check_decreases(paired_effect({"leading_firms.count=3", "leading_firms.acquisition_rate=0", "leading_firms.mentoring_growth=0",
                                 "leading_firms.purchase_revenue_share=0.3"},
                                {"leading_firms.count=3", "leading_firms.acquisition_rate=0", "leading_firms.mentoring_growth=0",
                                 "leading_firms.purchase_revenue_share=0"},
                                "exits_failure_cash", Measure::sum));
}

TEST_CASE("Lever: operators with too few staff spread services thin", "[model][lever]") {
  check_decreases(paired_effect({"operator.base-operator.staff=1"}, {"operator.base-operator.staff=20"}, "talents_cultivated_base",
                                Measure::final_value));
}

TEST_CASE("Lever: research-institute operators transfer technology", "[model][lever]") {
  check_increases(paired_effect({"operator.base-operator.type=research-institute"}, {"operator.base-operator.type=private-company"},
                                "technology_mean_base", Measure::sum));
}

TEST_CASE("Lever: selecting on ability to pay admits weaker ventures", "[model][lever]") {
  check_decreases(paired_effect({"operator.base-operator.objective=ability-to-pay"}, {"operator.base-operator.objective=quality"},
                                "admitted_quality_sum", Measure::mean_per_admission));
}

namespace {

// Mean over replications of a statistic of the pair of runs (on, off) recorded at level events,
// with its 95% interval.
template <class Statistic>
Effect paired_event_effect(const std::vector<std::string>& on, const std::vector<std::string>& off, Statistic statistic) {
  return paired(on, off, io::RecordLevel::events, statistic);
}

// Ventures closed by their founders in both runs of a pair, matched by their stable id (the
// same potential entrant in both): the mean of (closure month in `a` - closure month in `b`);
// 0 when none closed in both.
double closure_delay(const io::RunOutput& a, const io::RunOutput& b) {
  auto closure_months = [](const io::RunOutput& run) {
    std::map<std::uint64_t, int> months;
    for (const io::EventRecord& event : run.events)
      if (event.kind == static_cast<std::uint8_t>(model::EventKind::failure_closure))
        months[run.venture_rows.at(event.venture).id] = event.month;
    return months;
  };
  const std::map<std::uint64_t, int> in_b = closure_months(b);
  double delay = 0.0;
  double pairs = 0.0;
  for (const auto& [id, month] : closure_months(a)) {
    const auto found = in_b.find(id);
    if (found == in_b.end()) continue;
    delay += month - found->second;
    pairs += 1.0;
  }
  return pairs > 0.0 ? delay / pairs : 0.0;
}

// Closures by founders' decision in the first `months` months: a minus b.
auto closures_by(int months) {
  return [months](const io::RunOutput& a, const io::RunOutput& b) {
    auto count = [months](const io::RunOutput& run) {
      double closures = 0.0;
      for (const io::EventRecord& event : run.events)
        if (event.kind == static_cast<std::uint8_t>(model::EventKind::failure_closure) && event.month < months) closures += 1.0;
      return closures;
    };
    return count(a) - count(b);
  };
}

}  // namespace

TEST_CASE("Lever: noisier results delay founders' decision to close", "[model][lever]") {
  // Founders learn their quality from noisier monthly results more slowly (docs/odd.md §7.10).
  const std::vector<std::string> noisy = {"dynamics.result_noise=12"};
  const std::vector<std::string> clear = {"dynamics.result_noise=4"};
  check_decreases(paired_event_effect(noisy, clear, closures_by(24)));
  check_increases(paired_event_effect(noisy, clear, closure_delay));  // the same ventures close later
}

TEST_CASE("Lever: a higher closing threshold closes more ventures, earlier", "[model][lever]") {
  const std::vector<std::string> high = {"dynamics.closing_threshold=-0.5"};
  const std::vector<std::string> low = {"dynamics.closing_threshold=-1.5"};
  check_increases(paired_effect(high, low, "exits_failure_closure", Measure::sum));
  check_increases(paired_event_effect(high, low, closures_by(18)));
  check_decreases(paired_event_effect(high, low, closure_delay));  // the same ventures close earlier
}

TEST_CASE("Lever: carriers' services speed up founders' learning", "[model][lever]") {
  // With services that sharpen the monthly signal, weak residents close sooner (and more of them).
  check_increases(paired_effect({"dynamics.service_learning_effect=3"}, {"dynamics.service_learning_effect=0"},
                                "exits_failure_closure", Measure::sum));
}

namespace {

// Markets on in both sectors of the lever county (issue 17): `demand` RMB/month of county demand
// each, incumbents holding half of it with 10,000 RMB a job, an outside market of half the demand.
std::vector<std::string> markets(double demand, double displacement = 0.5) {
  std::vector<std::string> sets;
  for (const char* sector : {"general", "technology"}) {
    const std::string prefix = std::string("sector.") + sector + ".";
    sets.push_back(prefix + "county_demand=" + std::to_string(demand));
    sets.push_back(prefix + "incumbent_revenue=" + std::to_string(demand / 2));
    sets.push_back(prefix + "incumbent_jobs=" + std::to_string(demand / 2 / 10000.0));
    sets.push_back(prefix + "outside_market=" + std::to_string(demand / 2));
    sets.push_back(prefix + "displacement=" + std::to_string(displacement));
  }
  return sets;
}

}  // namespace

TEST_CASE("Lever: halving sector demand lowers ventures' revenue", "[model][lever]") {
  check_decreases(paired_effect(markets(2e6), markets(4e6), "revenue", Measure::final_value));
}

TEST_CASE("Lever: more entrants lower revenue per venture in a bounded market", "[model][lever]") {
  check_decreases(paired_effect(with(markets(2e6), "source.grassroots.potential_per_month=36"), markets(2e6), "revenue",
                                Measure::final_per_active_venture));
}

TEST_CASE("Lever: displacement lowers net county jobs", "[model][lever]") {
  check_decreases(paired_effect(markets(2e6, 1.0), markets(2e6, 0.0), "jobs_net", Measure::final_value));
}

TEST_CASE("Lever: a demand so large it never binds reproduces the unbounded model", "[model][lever]") {
  // Incumbents hold half of it, so the fill is about one half: not "never binds". Instead a demand
  // of 1e13 with no incumbents and an outside market as large: fill about 1e-7.
  std::vector<std::string> unbounded;
  for (const char* sector : {"general", "technology"}) {
    unbounded.push_back(std::string("sector.") + sector + ".county_demand=1e13");
    unbounded.push_back(std::string("sector.") + sector + ".outside_market=1e13");
  }
  const Effect effect = paired_effect(unbounded, {}, "revenue", Measure::final_value);
  const Effect level = paired_effect({}, {"simulation.potential_scale=0"}, "revenue", Measure::final_value);
  INFO("difference " << effect.mean << " on a level of " << level.mean);
  REQUIRE(level.mean > 0.0);
  CHECK(std::abs(effect.low) < 1e-3 * level.mean);
  CHECK(std::abs(effect.high) < 1e-3 * level.mean);
}
