// The firms present at the start, construction delays and demand-opened carriers
// (sim/model/setup.cpp, initial_state.cpp initialise(), phases/carriers_over_time.cpp open_carriers): what makes a
// scenario without a carrier comparable with one that has it (common random numbers).

#include "model/initial_state.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "io/results.hpp"
#include "model/population.hpp"
#include "model/state.hpp"
#include "scenario/loader.hpp"

using namespace incubsim;
using model::EventKind;
using model::Stage;

namespace {

constexpr std::uint32_t seed = 20210729;

std::string scenario_path(const std::string& relative) { return std::string(INCUBSIM_SOURCE_DIR) + "/" + relative; }

scenario::Scenario load(const std::string& relative, const std::vector<std::string>& overrides = {}) {
  return scenario::load_scenario(scenario_path(relative), overrides);
}

// The initial state of one replication, with the events initialise() emits.
struct Start {
  model::RunState state;
  std::vector<io::EventRecord> events;
};

Start start(const scenario::Scenario& scenario, std::uint32_t replication) {
  Start result;
  model::EventSink sink;
  sink.events = &result.events;
  result.state = model::initialise(scenario.setup, model::RandomKey{seed, replication}, sink);
  return result;
}

io::RunOutput run(const scenario::Scenario& scenario, std::uint32_t replication) {
  return engine::simulate_run(scenario.setup, engine::RunSpec{replication, 0, replication, seed}, io::RecordLevel::events);
}

// Index of a carrier in the resolved setup (enabled carriers only); -1 when it is disabled.
int carrier_index(const model::ModelSetup& setup, const std::string& id) {
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    if (setup.carrier_parameters(static_cast<int>(c)).id == id) return static_cast<int>(c);
  }
  return -1;
}

// Months of a carrier's events of one kind in a run.
std::vector<int> event_months(const io::RunOutput& output, EventKind kind, int carrier) {
  std::vector<int> months;
  for (const io::EventRecord& event : output.events) {
    if (event.kind == static_cast<std::uint8_t>(kind) && event.carrier == carrier) months.push_back(event.month);
  }
  return months;
}

// The month a carrier opened in a run: -1 when it never did, -2 when it opened more than once.
int opening_month(const io::RunOutput& output, int carrier) {
  const std::vector<int> months = event_months(output, EventKind::carrier_opened, carrier);
  if (months.empty()) return -1;
  return months.size() == 1 ? months.front() : -2;
}

// The attributes a firm draws from its own stream, whatever carrier it is in.
void check_same_firm(const model::Venture& a, const model::Venture& b) {
  CHECK(a.stream_kind == model::EntityKind::initial_venture);
  CHECK(b.stream_kind == a.stream_kind);
  CHECK(b.stream_id == a.stream_id);
  CHECK(b.quality == a.quality);
  CHECK(b.skill == a.skill);
  CHECK(b.technology == a.technology);
  CHECK(b.cash == a.cash);
  CHECK(b.revenue == a.revenue);
  CHECK(b.sector == a.sector);
  CHECK(b.headcount == a.headcount);
  CHECK(b.rd_intensity == a.rd_intensity);
  CHECK(b.st_staff_share == a.st_staff_share);
  CHECK(b.high_tech_product_share == a.high_tech_product_share);
  CHECK(b.entry_month == a.entry_month);
  CHECK(b.registration_month == a.registration_month);
  CHECK(a.registered);
  CHECK(b.registered);
  CHECK(b.status == model::Status::active);
}

// small.toml with a second carrier of firms of 2021: test-nursery has 4 (firms 0-3), and
// test-incubator, opened before the start, 3 (firms 4-6).
const std::vector<std::string> two_carriers_of_firms = {"carrier.test-incubator.opening=\"2020-06\"",
                                                        "carrier.test-incubator.initial_residents=3"};

std::vector<std::string> plus(std::vector<std::string> overrides, const std::vector<std::string>& more) {
  overrides.insert(overrides.end(), more.begin(), more.end());
  return overrides;
}

}  // namespace

// ---- the firms of 2021 ----------------------------------------------------------------------

TEST_CASE("A disabled carrier's initial residents are resolved as firms outside every carrier", "[model]") {
  const scenario::Scenario without = load("scenarios/test/small.toml", plus(two_carriers_of_firms, {"carrier.test-nursery.enabled=false"}));
  const model::ModelSetup& setup = without.setup;
  REQUIRE(setup.carriers.size() == 3);
  REQUIRE(setup.initial_firms.size() == 2);
  CHECK(setup.initial_firms[0].carrier == -1);  // test-nursery, disabled
  CHECK(setup.initial_firms[0].parameter_index == 0);
  CHECK(setup.initial_firms[0].count == 4);
  CHECK(setup.initial_firms[1].carrier == carrier_index(setup, "test-incubator"));
  CHECK(setup.initial_firms[1].parameter_index == 1);
  CHECK(setup.initial_firms[1].count == 3);
  CHECK(model::ventures_upper_bound(setup) == model::ventures_upper_bound(load("scenarios/test/small.toml", two_carriers_of_firms).setup));
}

TEST_CASE("A disabled carrier's firms exist at month 0 outside carriers, with the attributes they have when it is enabled", "[model]") {
  const scenario::Scenario with = load("scenarios/test/small.toml", two_carriers_of_firms);
  const scenario::Scenario without = load("scenarios/test/small.toml", plus(two_carriers_of_firms, {"carrier.test-nursery.enabled=false"}));
  const int nursery = carrier_index(with.setup, "test-nursery");
  const int incubator_with = carrier_index(with.setup, "test-incubator");
  const int incubator_without = carrier_index(without.setup, "test-incubator");
  REQUIRE(carrier_index(without.setup, "test-nursery") == -1);
  REQUIRE(incubator_with != incubator_without);  // the incubator's index moves; its firms' numbers do not

  for (std::uint32_t replication = 0; replication < 5; ++replication) {
    INFO("replication " << replication);
    const Start a = start(with, replication);
    const Start b = start(without, replication);
    REQUIRE(a.state.ventures.size() == 7);
    REQUIRE(b.state.ventures.size() == 7);
    CHECK(b.state.active == a.state.active);
    for (std::size_t i = 0; i < 7; ++i) {
      INFO("firm " << i);
      const model::Venture& in = a.state.ventures[i];
      const model::Venture& out = b.state.ventures[i];
      CHECK(in.stream_id == i);  // numbered in carrier order over all carriers
      check_same_firm(in, out);
      if (i < 4) {
        CHECK(in.carrier == nursery);
        CHECK(in.stage == Stage::nursery);
        CHECK(out.carrier == -1);
        CHECK(out.stage == Stage::outside);
        CHECK(out.highest_stage == Stage::outside);
        CHECK_FALSE(out.ever_in_base);
        CHECK(out.stage_entry_month == out.entry_month);
      } else {
        CHECK(in.carrier == incubator_with);
        CHECK(out.carrier == incubator_without);
        CHECK(out.stage == Stage::incubator);
        CHECK(out.stage_entry_month == in.stage_entry_month);
      }
    }
    CHECK(a.state.carriers[static_cast<std::size_t>(nursery)].residents == 4);
    CHECK(b.state.carriers[static_cast<std::size_t>(incubator_without)].residents == 3);
    // Every firm enters at month 0; only those in a carrier are admitted.
    int entries = 0;
    std::set<std::uint32_t> admitted;
    for (const io::EventRecord& event : b.events) {
      CHECK(event.month == 0);
      if (event.kind == static_cast<std::uint8_t>(EventKind::entry)) ++entries;
      if (event.kind == static_cast<std::uint8_t>(EventKind::admission)) {
        admitted.insert(event.venture);
        CHECK(event.carrier == incubator_without);
      }
    }
    CHECK(entries == 7);
    CHECK(admitted == std::set<std::uint32_t>{4, 5, 6});
  }
}

TEST_CASE("A disabled carrier's firms take part in the run", "[model]") {
  const scenario::Scenario without = load("scenarios/test/small.toml", {"carrier.test-nursery.enabled=false"});
  const io::RunOutput output = run(without, 0);
  std::set<std::uint32_t> entered;
  for (const io::EventRecord& event : output.events) {
    if (event.month == 0 && event.kind == static_cast<std::uint8_t>(EventKind::entry) && event.venture < 4) entered.insert(event.venture);
  }
  CHECK(entered == std::set<std::uint32_t>{0, 1, 2, 3});
  CHECK(output.ventures >= 4);
  CHECK(output.venture_months >= 4);
}

TEST_CASE("no-programme starts with the baseline's firms of 2021, outside every carrier", "[model]") {
  const scenario::Scenario baseline = load("scenarios/yiyuan/baseline-4n.toml");
  const scenario::Scenario none = load("scenarios/yiyuan/no-programme.toml");
  REQUIRE(none.setup.carriers.empty());
  for (std::uint32_t replication = 0; replication < 3; ++replication) {
    INFO("replication " << replication);
    const Start a = start(baseline, replication);
    const Start b = start(none, replication);
    REQUIRE(a.state.ventures.size() == 83);  // 32 in the maker space, 51 in the e-commerce base
    REQUIRE(b.state.ventures.size() == a.state.ventures.size());
    for (std::size_t i = 0; i < a.state.ventures.size(); ++i) {
      INFO("firm " << i);
      check_same_firm(a.state.ventures[i], b.state.ventures[i]);
      CHECK(a.state.ventures[i].carrier >= 0);
      CHECK(b.state.ventures[i].carrier == -1);
      CHECK(b.state.ventures[i].stage == Stage::outside);
    }
  }
}

// ---- construction delays ----------------------------------------------------------------------

TEST_CASE("Disabling an earlier carrier leaves a later carrier's construction delay unchanged", "[model]") {
  const std::vector<std::string> delayed = {"carrier_dynamics.construction_delay_mean=3"};
  const scenario::Scenario all = load("scenarios/test/small.toml", delayed);
  const scenario::Scenario fewer = load("scenarios/test/small.toml", plus(delayed, {"carrier.test-incubator.enabled=false"}));
  REQUIRE(carrier_index(fewer.setup, "test-incubator") == -1);
  std::set<int> park_openings;
  for (std::uint32_t replication = 0; replication < 20; ++replication) {
    INFO("replication " << replication);
    for (const std::string id : {"test-accelerator", "test-park"}) {
      INFO(id);
      const int c_all = carrier_index(all.setup, id);
      const int c_fewer = carrier_index(fewer.setup, id);
      REQUIRE(c_all == c_fewer + 1);  // its index in the setup moves
      // Realised opening month in the initial state...
      const int planned = all.setup.carriers[static_cast<std::size_t>(c_all)].opening_month;
      const int realised = start(all, replication).state.carriers[static_cast<std::size_t>(c_all)].opening_month;
      CHECK(realised >= planned);
      CHECK(start(fewer, replication).state.carriers[static_cast<std::size_t>(c_fewer)].opening_month == realised);
      // ...and the month it opens in the run.
      const int opened = opening_month(run(all, replication), c_all);
      CHECK(opened == realised);
      CHECK(opening_month(run(fewer, replication), c_fewer) == opened);
      if (id == "test-park") park_openings.insert(opened);
    }
  }
  // The delays are drawn: they differ between replications, so equal months are not a given.
  CHECK(park_openings.size() > 1);
}

// ---- carriers opened on demand ----------------------------------------------------------------

TEST_CASE("A demand-opened incubator opens when enough ventures are eligible and no incubator serves them", "[model]") {
  // test-incubator is small.toml's only incubator: before it opens nobody can apply to an
  // incubator, so only ventures no carrier serves count as demand.
  const scenario::Scenario demand = load("scenarios/test/small.toml",
                                         {"carrier.test-incubator.opening_rule=\"demand\"", "carrier_dynamics.demand_waiting=2",
                                          "carrier_dynamics.demand_months=3", "source.talent.potential_per_month=10"});
  const int incubator = carrier_index(demand.setup, "test-incubator");
  REQUIRE(demand.setup.carriers[static_cast<std::size_t>(incubator)].demand_opening);
  const int planned = demand.setup.carriers[static_cast<std::size_t>(incubator)].opening_month;
  for (std::uint32_t replication = 0; replication < 5; ++replication) {
    INFO("replication " << replication);
    // Closed at the start, even though its planned month has come by the first months.
    CHECK_FALSE(start(demand, replication).state.carriers[static_cast<std::size_t>(incubator)].open);
    const io::RunOutput output = run(demand, replication);
    const int opened = opening_month(output, incubator);
    CHECK(opened >= planned + 3 - 1);  // not before its month, then three months of demand
    CHECK(opened < demand.setup.months);
    // Once open, it admits ventures.
    const std::vector<int> admissions = event_months(output, EventKind::admission, incubator);
    CHECK_FALSE(admissions.empty());
    for (int month : admissions) CHECK(month >= opened);
  }
}

TEST_CASE("A demand-opened incubator stays closed while demand stays below demand_waiting", "[model]") {
  const scenario::Scenario demand = load("scenarios/test/small.toml",
                                         {"carrier.test-incubator.opening_rule=\"demand\"", "carrier_dynamics.demand_waiting=100000",
                                          "carrier_dynamics.demand_months=3", "source.talent.potential_per_month=10"});
  const int incubator = carrier_index(demand.setup, "test-incubator");
  for (std::uint32_t replication = 0; replication < 5; ++replication) {
    INFO("replication " << replication);
    const io::RunOutput output = run(demand, replication);
    CHECK(opening_month(output, incubator) == -1);
    CHECK(event_months(output, EventKind::admission, incubator).empty());
    // The planned carriers open as usual.
    CHECK(opening_month(output, carrier_index(demand.setup, "test-park")) == demand.setup.carriers.back().opening_month);
  }
}

TEST_CASE("A demand-opened carrier does not open before its opening month", "[model]") {
  // With demand_waiting = 0 every month has demand, so it opens at its month, 2021-09 (month 8).
  const scenario::Scenario demand = load("scenarios/test/small.toml",
                                         {"carrier.test-incubator.opening_rule=\"demand\"", "carrier.test-incubator.opening=\"2021-09\"",
                                          "carrier_dynamics.demand_waiting=0", "carrier_dynamics.demand_months=1"});
  const int incubator = carrier_index(demand.setup, "test-incubator");
  for (std::uint32_t replication = 0; replication < 3; ++replication) CHECK(opening_month(run(demand, replication), incubator) == 8);
}

TEST_CASE("A demand-opened carrier's level is reviewed a full year after it actually opens", "[model]") {
  // Reviews are in December: months 11 and 23 of small.toml's 2021-01..2022-12. A national
  // incubator with 8 seats deserves municipal level, so a review lowers it one step.
  const std::vector<std::string> reviewed = {"carrier_dynamics.level_reviews=true", "carrier.test-incubator.level=\"national\""};
  const scenario::Scenario planned = load("scenarios/test/small.toml", reviewed);
  const int incubator = carrier_index(planned.setup, "test-incubator");
  const io::RunOutput planned_run = run(planned, 0);
  // Planned: opens 2021-03 (month 2), so December 2022 (month 23) is its first review.
  CHECK(opening_month(planned_run, incubator) == 2);
  CHECK(event_months(planned_run, EventKind::carrier_level_changed, incubator) == std::vector<int>{23});

  // On demand after 13 months of demand from month 2: it opens in month 14, less than a year
  // before December 2022, so it is not reviewed.
  const scenario::Scenario demand = load("scenarios/test/small.toml",
                                         plus(reviewed, {"carrier.test-incubator.opening_rule=\"demand\"", "carrier_dynamics.demand_waiting=0",
                                                         "carrier_dynamics.demand_months=13"}));
  for (std::uint32_t replication = 0; replication < 3; ++replication) {
    INFO("replication " << replication);
    const io::RunOutput output = run(demand, replication);
    CHECK(opening_month(output, incubator) == 14);
    CHECK(event_months(output, EventKind::carrier_level_changed, incubator).empty());
  }
}
