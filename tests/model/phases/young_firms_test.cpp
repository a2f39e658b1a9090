// Young firms (issue 16, docs/odd.md §7.5 and §7.10): tent-shaped shocks, hiring and shedding in
// whole persons, listing, factory space for ventures that need it, stable identities and no
// silent clamps. Each test runs scenarios/test/small.toml (or a variant of it via --set).

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "model/indicators.hpp"
#include "model/random_streams.hpp"
#include "scenario/loader.hpp"

using namespace incubsim;

namespace {

const std::string small = std::string(INCUBSIM_SOURCE_DIR) + "/scenarios/test/small.toml";

io::RunOutput run(const std::vector<std::string>& sets, std::uint32_t replication = 0,
                  io::RecordLevel record = io::RecordLevel::trajectories) {
  const scenario::Scenario loaded = scenario::load_scenario(small, sets);
  const engine::RunSpec spec{replication, 0, replication, 20261203};
  return engine::simulate_run(loaded.setup, spec, record);
}

double final_indicator(const io::RunOutput& output, const std::string& name) {
  const std::size_t count = model::indicator_registry().size();
  const auto column = static_cast<std::size_t>(model::indicator_index(name));
  return output.indicators[output.indicators.size() - count + column];
}

double total_indicator(const io::RunOutput& output, const std::string& name) {
  const std::size_t count = model::indicator_registry().size();
  const auto column = static_cast<std::size_t>(model::indicator_index(name));
  double total = 0.0;
  for (std::size_t row = 0; row < output.indicators.size() / count; ++row) total += output.indicators[row * count + column];
  return total;
}

// `sets` plus the production share of small.toml's one sector.
std::vector<std::string> with_production(std::vector<std::string> sets, double share) {
  sets.push_back("sector.general.production_share=" + std::to_string(share));
  return sets;
}

}  // namespace

TEST_CASE("Stream::laplace32 is a standard Laplace: mean 0, variance 1, excess kurtosis 3", "[model]") {
  model::Stream stream(1, 2, model::EntityKind::county, 0, 0, model::Purpose::monthly);
  const int n = 400000;
  double sum = 0.0, squares = 0.0, fourth = 0.0;
  std::vector<double> values(n);
  for (double& x : values) {
    x = model::Stream::laplace32(stream());
    sum += x;
  }
  const double mean = sum / n;
  for (double x : values) {
    squares += (x - mean) * (x - mean);
    fourth += std::pow(x - mean, 4);
  }
  const double variance = squares / n;
  CHECK(std::abs(mean) < 0.01);
  CHECK(variance == Approx(1.0).epsilon(0.02));
  CHECK(fourth / n / (variance * variance) - 3.0 == Approx(3.0).margin(0.3));
  CHECK(model::Stream::laplace32(0) < -14.0);  // the extreme bits give the fat tails their reach
  CHECK(model::Stream::laplace32(0xFFFFFFFFu) > 14.0);
}

TEST_CASE("Headcount moves in whole persons: two-person firms hire their third, firms shed staff", "[model]") {
  int hired_third = 0;
  int shed = 0;
  for (std::uint32_t r = 0; r < 4; ++r) {
    const io::RunOutput output = run({}, r);
    std::map<std::uint32_t, std::uint16_t> last;
    for (const io::TrajectoryRecord& row : output.trajectories) {
      const auto found = last.find(row.venture);
      if (found != last.end() && row.status == 0) {
        if (found->second == 2 && row.headcount == 3) ++hired_third;
        if (row.headcount < found->second) ++shed;
      }
      last[row.venture] = row.headcount;
    }
  }
  CHECK(hired_third > 0);
  CHECK(shed > 0);
}

TEST_CASE("Listing: firms meeting a board's rule list in December and leave with their jobs kept", "[model]") {
  // A board that any selling firm meets, with certain listing and no relocation at listing.
  const std::vector<std::string> easy = {"listing.chinext.enabled=false", "listing.bse.enabled=true",
                                         "listing.bse.min_profit_last_year=0", "listing.bse.min_revenue_last_year=1",
                                         "listing.bse.min_years_registered=0", "listing.bse.listing_probability=1",
                                         "listing.bse.relocation_share=0"};
  const io::RunOutput output = run(easy, 0, io::RecordLevel::events);
  const scenario::Scenario loaded = scenario::load_scenario(small, easy);
  int listings = 0;
  for (const io::EventRecord& event : output.events) {
    if (event.kind != static_cast<std::uint8_t>(model::EventKind::listing)) continue;
    ++listings;
    CHECK((loaded.setup.start_month - 1 + event.month) % 12 + 1 == 12);  // December reviews only
    CHECK(event.value == 1.0F);  // the second board, bse; stayed in the county
    CHECK(output.venture_rows.at(event.venture).status == static_cast<std::int8_t>(model::Status::listed));
  }
  REQUIRE(listings > 0);
  CHECK(final_indicator(output, "listings_cumulative") == listings);
  CHECK(final_indicator(output, "jobs_listed") > 0.0);
  // The registry's boards (ChiNext: 50 M RMB of profit over two years) list nobody this small.
  CHECK(final_indicator(run({}, 0, io::RecordLevel::indicators), "listings_cumulative") == 0.0);
}

TEST_CASE("Factory space: a kind that requires production takes only ventures that need it", "[model]") {
  const std::vector<std::string> factory = {"stage.accelerator.requires_production=true"};
  double admitted_without = 0.0, admitted_with = 0.0;
  for (std::uint32_t r = 0; r < 4; ++r) {
    admitted_without += total_indicator(run(with_production(factory, 0.0), r, io::RecordLevel::indicators), "admissions_accelerator");
    admitted_with += total_indicator(run(with_production(factory, 1.0), r, io::RecordLevel::indicators), "admissions_accelerator");
  }
  CHECK(admitted_without == 0.0);
  CHECK(admitted_with > 0.0);
}

TEST_CASE("A venture's id is its stream identity: the same entrant in two scenarios", "[model]") {
  const io::RunOutput a = run({}, 3, io::RecordLevel::events);
  const io::RunOutput b = run({"carrier.test-incubator.capacity=1", "policy.zero_cost_entry=true"}, 3, io::RecordLevel::events);
  std::map<std::uint64_t, const io::VentureRecord*> in_a;
  for (const io::VentureRecord& row : a.venture_rows) in_a[row.id] = &row;
  int shared = 0;
  for (const io::VentureRecord& row : b.venture_rows) {
    const auto found = in_a.find(row.id);
    if (found == in_a.end()) continue;
    ++shared;
    CHECK(found->second->quality == row.quality);
    CHECK(found->second->sector == row.sector);
    CHECK(found->second->skill == row.skill);
    CHECK(found->second->entry_month == row.entry_month);
    CHECK(row.stream_kind == row.id >> 32);
  }
  CHECK(shared > 20);
  CHECK(b.venture_rows.size() > a.venture_rows.size());  // zero-cost entry adds entrants, ids do not shift
  for (std::size_t v = 0; v < a.venture_rows.size(); ++v) CHECK(a.venture_rows[v].venture == v);
}

TEST_CASE("A cap that binds is counted, not passed over", "[model]") {
  // Revenue far beyond what 65,535 persons sustain: the headcount cap binds.
  const io::RunOutput capped = run({"dynamics.revenue_per_employee=1", "dynamics.hiring_rate=1", "dynamics.first_revenue=1e9"}, 0,
                                   io::RecordLevel::indicators);
  CHECK(final_indicator(capped, "clamps_bound") > 0.0);
  CHECK(final_indicator(run({}, 0, io::RecordLevel::indicators), "clamps_bound") == 0.0);
}
