#include "model/monthly_schedule.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "io/results.hpp"
#include "model/indicators.hpp"
#include "model/state.hpp"
#include "scenario/loader.hpp"

using namespace incubsim;
using model::EventKind;
using model::Stage;
using model::Status;

namespace {

std::string scenario_path(const std::string& relative) { return std::string(INCUBSIM_SOURCE_DIR) + "/" + relative; }

int column(const char* name) {
  const int index = model::indicator_index(name);
  if (index < 0) FAIL("indicator '" << name << "' is not in the registry");
  return index;
}

// One scenario simulated for a number of replications at full record level.
struct Simulated {
  scenario::Scenario scenario;
  std::vector<io::RunOutput> runs;
};

Simulated simulate(const std::string& path, std::uint32_t replications, const std::vector<std::string>& overrides = {}) {
  Simulated result{scenario::load_scenario(scenario_path(path), overrides), {}};
  for (std::uint32_t r = 0; r < replications; ++r) {
    result.runs.push_back(engine::simulate_run(result.scenario.setup, engine::RunSpec{r, 0, r, 20210729},
                                               io::RecordLevel::trajectories));
  }
  return result;
}

const Simulated& baseline() {
  static const Simulated simulated = simulate("scenarios/yiyuan/baseline-4n.toml", 10);
  return simulated;
}

// small.toml: short tenures, so ventures also leave parks and are evicted within 24 months.
const Simulated& small() {
  static const Simulated simulated = simulate("scenarios/test/small.toml", 10);
  return simulated;
}

// Indicator value of one run.
struct Indicators {
  const io::RunOutput& run;
  std::size_t width = model::indicator_registry().size();
  double operator()(int month, int indicator) const {
    return run.indicators[static_cast<std::size_t>(month) * width + static_cast<std::size_t>(indicator)];
  }
};

int initial_residents(const model::ModelSetup& setup) {
  int total = 0;
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) total += setup.carrier_parameters(static_cast<int>(c)).initial_residents;
  return total;
}

}  // namespace

TEST_CASE("Trajectories: each venture once a month while active, stocks match the indicators", "[model]") {
  const std::string which = GENERATE(as<std::string>{}, "baseline", "small");
  const Simulated& simulated = which == "baseline" ? baseline() : small();
  INFO(which);
  const model::ModelSetup& setup = simulated.scenario.setup;
  const int months = setup.months;
  const int active_column = column("ventures_active");
  const int outside_column = column("ventures_outside");
  const int failures_cash = column("exits_failure_cash");
  const int failures_hazard = column("exits_failure_hazard");
  const int failures_closure = column("exits_failure_closure");
  const int listings_column = column("listings");
  const int failures_cumulative = column("failures_cumulative");
  const int relocations_column = column("relocations");
  const int acquisitions_column = column("acquisitions");
  int full_carrier_months = 0;  // carriers at capacity: the capacity check is not vacuous
  for (const io::RunOutput& run : simulated.runs) {
    INFO("replication " << run.replication);
    REQUIRE_FALSE(run.trajectories.empty());
    const Indicators value{run};
    std::vector<int> last_month(run.ventures, -1);
    std::vector<std::int8_t> last_status(run.ventures, 0);
    std::vector<std::array<int, model::stage_count>> stages(static_cast<std::size_t>(months), std::array<int, model::stage_count>{});
    std::vector<int> active(static_cast<std::size_t>(months), 0), failed(static_cast<std::size_t>(months), 0);
    std::vector<int> relocated(static_cast<std::size_t>(months), 0), acquired(static_cast<std::size_t>(months), 0);
    std::vector<int> listed(static_cast<std::size_t>(months), 0);
    std::vector<std::vector<int>> residents(static_cast<std::size_t>(months), std::vector<int>(setup.carriers.size(), 0));
    int previous_month = 0;
    for (const io::TrajectoryRecord& row : run.trajectories) {
      REQUIRE(row.run == run.run);
      REQUIRE(row.month >= previous_month);  // recorded month by month
      REQUIRE(row.month < months);
      previous_month = row.month;
      REQUIRE(row.venture < run.ventures);
      const int seen = last_month[row.venture];
      REQUIRE(seen != row.month);  // at most once a month
      if (seen >= 0) {
        REQUIRE(seen == row.month - 1);  // no gaps while it lives
        REQUIRE(last_status[row.venture] == static_cast<std::int8_t>(Status::active));  // never back from failure
      }
      last_month[row.venture] = row.month;
      last_status[row.venture] = row.status;
      const auto m = static_cast<std::size_t>(row.month);
      if (row.carrier >= 0) {
        REQUIRE(static_cast<std::size_t>(row.carrier) < setup.carriers.size());
        const int kind = static_cast<int>(setup.carriers[static_cast<std::size_t>(row.carrier)].kind);
        REQUIRE(row.stage == kind + 1);  // stage follows the carrier's kind
      } else {
        REQUIRE(row.stage == static_cast<std::int8_t>(Stage::outside));
      }
      if (row.status == static_cast<std::int8_t>(Status::active)) {
        active[m] += 1;
        stages[m][static_cast<std::size_t>(row.stage)] += 1;
        if (row.carrier >= 0) residents[m][static_cast<std::size_t>(row.carrier)] += 1;
      } else {
        REQUIRE(row.status != static_cast<std::int8_t>(Status::active));  // failed, relocated or acquired
        REQUIRE(row.carrier == -1);  // an exited venture has left its carrier
        if (row.status == static_cast<std::int8_t>(Status::failed)) failed[m] += 1;
        if (row.status == static_cast<std::int8_t>(Status::relocated)) relocated[m] += 1;
        if (row.status == static_cast<std::int8_t>(Status::acquired)) acquired[m] += 1;
        if (row.status == static_cast<std::int8_t>(Status::listed)) listed[m] += 1;
      }
    }
    // Every venture that ever existed was recorded, and one that stops being recorded exited.
    for (std::uint32_t v = 0; v < run.ventures; ++v) {
      REQUIRE(last_month[v] >= 0);
      if (last_month[v] < months - 1) REQUIRE(last_status[v] != static_cast<std::int8_t>(Status::active));
    }
    int cumulative_failures = 0;
    for (int m = 0; m < months; ++m) {
      INFO("month " << m);
      const auto mm = static_cast<std::size_t>(m);
      CHECK(active[mm] == value(m, active_column));
      for (int s = 0; s < model::stage_count; ++s) CHECK(stages[mm][static_cast<std::size_t>(s)] == value(m, outside_column + s));
      CHECK(failed[mm] == value(m, failures_cash) + value(m, failures_closure) + value(m, failures_hazard));
      CHECK(relocated[mm] == value(m, relocations_column));
      CHECK(acquired[mm] == value(m, acquisitions_column));
      CHECK(listed[mm] == value(m, listings_column));
      cumulative_failures += failed[mm];
      CHECK(cumulative_failures == value(m, failures_cumulative));
      for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
        INFO("carrier " << setup.carrier_parameters(static_cast<int>(c)).id);
        CHECK(residents[mm][c] <= setup.carrier_parameters(static_cast<int>(c)).capacity);
        if (residents[mm][c] == setup.carrier_parameters(static_cast<int>(c)).capacity) full_carrier_months += 1;
      }
    }
  }
  CHECK(full_carrier_months > 0);
}

TEST_CASE("Events: flows rebuilt from events equal the indicators", "[model]") {
  const std::string which = GENERATE(as<std::string>{}, "baseline", "small");
  const Simulated& simulated = which == "baseline" ? baseline() : small();
  INFO(which);
  const model::ModelSetup& setup = simulated.scenario.setup;
  const int months = setup.months;
  const int admissions = column("admissions_nursery");
  const int graduations = column("graduations_nursery");
  const int graduations_cumulative = column("graduations_cumulative");
  const int evictions = column("evictions");
  const int registrations = column("registrations");
  const int entries = column("entries_grassroots");
  const int failures_cash = column("exits_failure_cash");
  const int failures_hazard = column("exits_failure_hazard");
  const int failures_closure = column("exits_failure_closure");
  const int listings = column("listings");
  const int initial = initial_residents(setup);
  REQUIRE(initial > 0);  // both scenarios start with resident firms
  for (const io::RunOutput& run : simulated.runs) {
    INFO("replication " << run.replication);
    const Indicators value{run};
    const auto& events = run.events;
    REQUIRE(events.size() > 2 * static_cast<std::size_t>(initial));
    // initialise() reports each initial resident as an entry and an admission at month 0; the
    // indicators do not count those (the flow counters are reset when month 0 starts).
    std::vector<int> initial_by_carrier(setup.carriers.size(), 0);
    for (int i = 0; i < initial; ++i) {
      const io::EventRecord& entry = events[static_cast<std::size_t>(2 * i)];
      const io::EventRecord& admission = events[static_cast<std::size_t>(2 * i + 1)];
      REQUIRE(entry.kind == static_cast<std::uint8_t>(EventKind::entry));
      REQUIRE(admission.kind == static_cast<std::uint8_t>(EventKind::admission));
      REQUIRE(entry.month == 0);
      REQUIRE(admission.month == 0);
      REQUIRE(entry.venture == static_cast<std::uint32_t>(i));
      REQUIRE(admission.venture == static_cast<std::uint32_t>(i));
      REQUIRE(admission.carrier >= 0);
      initial_by_carrier[static_cast<std::size_t>(admission.carrier)] += 1;
    }
    for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
      CHECK(initial_by_carrier[c] == setup.carrier_parameters(static_cast<int>(c)).initial_residents);
    }

    struct Month {
      std::array<int, model::carrier_kind_count> admissions{}, graduations{};
      int evictions = 0, registrations = 0, entries = 0, failures_cash = 0, failures_hazard = 0, failures_closure = 0, listings = 0;
    };
    std::vector<Month> flows(static_cast<std::size_t>(months));
    int previous_month = 0;
    for (std::size_t e = 2 * static_cast<std::size_t>(initial); e < events.size(); ++e) {
      const io::EventRecord& event = events[e];
      REQUIRE(event.run == run.run);
      REQUIRE(event.month >= previous_month);
      REQUIRE(event.month < months);
      previous_month = event.month;
      Month& month = flows[static_cast<std::size_t>(event.month)];
      switch (static_cast<EventKind>(event.kind)) {
        case EventKind::entry: month.entries += 1; break;
        case EventKind::registration: month.registrations += 1; break;
        case EventKind::admission: {
          REQUIRE(event.carrier >= 0);
          const int kind = static_cast<int>(setup.carriers[static_cast<std::size_t>(event.carrier)].kind);
          REQUIRE(event.to_stage == kind + 1);
          month.admissions[static_cast<std::size_t>(kind)] += 1;
          break;
        }
        case EventKind::graduation:
          REQUIRE(event.from_stage >= 1);
          REQUIRE(event.from_stage <= 4);  // park leavers graduate out of the pipeline
          month.graduations[static_cast<std::size_t>(event.from_stage - 1)] += 1;
          break;
        case EventKind::eviction: month.evictions += 1; break;
        case EventKind::failure_cash: month.failures_cash += 1; break;
        case EventKind::failure_hazard: month.failures_hazard += 1; break;
        case EventKind::failure_closure: month.failures_closure += 1; break;
        case EventKind::listing: month.listings += 1; break;
        default: break;
      }
    }
    int cumulative_graduations = 0;
    for (int m = 0; m < months; ++m) {
      INFO("month " << m);
      const Month& month = flows[static_cast<std::size_t>(m)];
      for (int k = 0; k < model::carrier_kind_count; ++k) {
        CHECK(month.admissions[static_cast<std::size_t>(k)] == value(m, admissions + k));
        if (k < 3) CHECK(month.graduations[static_cast<std::size_t>(k)] == value(m, graduations + k));
      }
      // There is no graduations_park column; park graduates count in the cumulative total.
      cumulative_graduations += month.graduations[0] + month.graduations[1] + month.graduations[2] + month.graduations[3];
      CHECK(cumulative_graduations == value(m, graduations_cumulative));
      CHECK(month.evictions == value(m, evictions));
      CHECK(month.registrations == value(m, registrations));
      CHECK(month.entries == value(m, entries) + value(m, entries + 1) + value(m, entries + 2) + value(m, entries + 3));
      CHECK(month.failures_cash == value(m, failures_cash));
      CHECK(month.failures_hazard == value(m, failures_hazard));
      CHECK(month.failures_closure == value(m, failures_closure));
      CHECK(month.listings == value(m, listings));
    }
  }
}

TEST_CASE("Baseline: every carrier kind holds ventures and passes them on", "[model]") {
  const Simulated& simulated = baseline();
  const int months = simulated.scenario.setup.months;
  std::array<double, model::carrier_kind_count> admitted{}, graduated{}, most_residents{};
  for (const io::RunOutput& run : simulated.runs) {
    const Indicators value{run};
    for (int m = 0; m < months; ++m) {
      for (int k = 0; k < model::carrier_kind_count; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        admitted[kk] += value(m, column("admissions_nursery") + k);
        if (k < 3) graduated[kk] += value(m, column("graduations_nursery") + k);
        most_residents[kk] = std::max(most_residents[kk], value(m, column("ventures_nursery") + k));
      }
    }
  }
  for (int k = 0; k < model::carrier_kind_count; ++k) {
    INFO("carrier kind " << model::carrier_kind_name(k));
    const auto kk = static_cast<std::size_t>(k);
    CHECK(most_residents[kk] > 0);
    CHECK(admitted[kk] > 0);
    if (k < 3) CHECK(graduated[kk] > 0);
  }
}

TEST_CASE("Park residents leave as graduates at the end of their tenure", "[model]") {
  // small.toml: parks keep residents 8 months, so some leave within the 24 simulated months.
  int park_graduates = 0, evicted_from_park = 0;
  for (const io::RunOutput& run : small().runs) {
    for (const io::EventRecord& event : run.events) {
      if (event.from_stage != static_cast<std::int8_t>(Stage::park)) continue;
      if (event.kind == static_cast<std::uint8_t>(EventKind::graduation)) {
        ++park_graduates;
        CHECK(event.to_stage == static_cast<std::int8_t>(Stage::outside));
      }
      if (event.kind == static_cast<std::uint8_t>(EventKind::eviction)) ++evicted_from_park;
    }
  }
  CHECK(park_graduates > 0);
  CHECK(park_graduates > evicted_from_park);
}

TEST_CASE("Every open carrier of a kind can receive applicants, not only the first four", "[model]") {
  // scenarios/test/five-nurseries.toml: five identical nurseries, open from the start, serving
  // every sector, three seats each, with far more applicants than seats. Regression test: the
  // applicant's choice used to be capped at the first carrier_kind_count (4) carriers.
  const Simulated simulated = simulate("scenarios/test/five-nurseries.toml", 5);
  const model::ModelSetup& setup = simulated.scenario.setup;
  std::vector<int> admissions(setup.carriers.size(), 0);
  for (const io::RunOutput& run : simulated.runs) {
    for (const io::EventRecord& event : run.events) {
      if (event.kind == static_cast<std::uint8_t>(EventKind::admission)) admissions[static_cast<std::size_t>(event.carrier)] += 1;
    }
  }
  int nurseries = 0;
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    if (setup.carriers[c].kind != model::CarrierKind::nursery) continue;
    ++nurseries;
    INFO("nursery " << setup.carrier_parameters(static_cast<int>(c)).id);
    CHECK(admissions[c] > 0);
  }
  CHECK(nurseries == 5);
}

TEST_CASE("docs/odd.md's schedule table lists the phases of monthly_schedule in order, each with its file", "[model]") {
  std::ifstream odd(scenario_path("docs/odd.md"));
  REQUIRE(odd);
  std::vector<std::pair<std::string, std::string>> rows;  // phase name, file under sim/model/
  std::string line;
  const int phases = static_cast<int>(std::size(model::monthly_schedule));
  for (int number = 1; number <= phases && std::getline(odd, line);) {
    const std::string prefix = "| " + std::to_string(number) + " | `";
    if (line.rfind(prefix, 0) != 0) continue;
    const std::size_t name_end = line.find('`', prefix.size());
    const std::size_t file_start = line.find("(`", name_end);
    const std::size_t file_end = line.find("`)", file_start);
    if (name_end == std::string::npos || file_start == std::string::npos || file_end == std::string::npos) break;
    rows.emplace_back(line.substr(prefix.size(), name_end - prefix.size()), line.substr(file_start + 2, file_end - file_start - 2));
    ++number;
  }
  REQUIRE(rows.size() == std::size(model::monthly_schedule));
  for (std::size_t p = 0; p < rows.size(); ++p) {
    INFO(rows[p].first);
    CHECK(rows[p].first == model::monthly_schedule[p].name);
    CHECK(rows[p].second == "phases/" + rows[p].first + ".cpp");
    CHECK(std::filesystem::exists(scenario_path("sim/model/" + rows[p].second)));
  }
}
