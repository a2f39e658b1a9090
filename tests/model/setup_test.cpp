#include "model/setup.hpp"

#include <catch2/catch.hpp>

#include "model/indicators.hpp"
#include "model/phases/exits.hpp"
#include "model/population.hpp"

using namespace incubsim;

namespace {

// A minimal valid parameter set: one sector, one source, one operator, one carrier.
model::ModelParameters minimal() {
  model::ModelParameters p;
  p.simulation.start = "2021-07";
  p.simulation.horizon_months = 18;
  p.sectors.push_back(model::SectorParameters{.id = "general", .name = "General", .share = 1.0});
  model::SourceParameters source;
  source.id = "grassroots";
  source.potential_per_month = 4.0;
  p.sources.push_back(source);
  model::OperatorParameters op;
  op.id = "op";
  op.objective = "policy-fit";
  p.operators.push_back(op);
  model::CarrierParameters carrier;
  carrier.id = "space";
  carrier.kind = "incubator";
  carrier.operator_id = "op";
  carrier.opening = "2022-01";
  p.carriers.push_back(carrier);
  return p;
}

}  // namespace

TEST_CASE("parse_year_month accepts YYYY-MM only", "[model]") {
  CHECK(model::parse_year_month("2021-07") == std::pair<int, int>{2021, 7});
  CHECK(model::parse_year_month("1999-12") == std::pair<int, int>{1999, 12});
  for (const char* bad : {"2021-13", "2021-00", "2021-7", "21-07", "2021-07-01", "2021/07", "abcd-ef", ""}) {
    INFO(bad);
    CHECK_THROWS_AS(model::parse_year_month(bad), std::invalid_argument);
  }
}

TEST_CASE("resolve turns names and months into indices", "[model]") {
  model::ModelParameters p = minimal();
  p.sectors.push_back(model::SectorParameters{.id = "tech", .name = "Tech", .share = 3.0});
  p.carriers[0].sectors = {"tech"};
  const model::ModelSetup setup = model::resolve(p);
  CHECK(setup.months == 18);
  CHECK(setup.month_label(0) == "2021-07");
  CHECK(setup.month_label(6) == "2022-01");
  CHECK(setup.month_label(17) == "2022-12");
  REQUIRE(setup.carriers.size() == 1);
  CHECK(setup.carriers[0].kind == model::CarrierKind::incubator);
  CHECK(setup.carriers[0].opening_month == 6);
  CHECK(setup.carriers[0].sector_mask == 0b10);
  CHECK(setup.carriers[0].objective == model::SelectionObjective::policy_fit);
  REQUIRE(setup.sector_cumulative_share.size() == 2);
  CHECK(setup.sector_cumulative_share[0] == Approx(0.25));
  CHECK(setup.sector_cumulative_share[1] == 1.0);
  CHECK(setup.source_origin == std::vector<int>{0});
}

TEST_CASE("resolve drops disabled carriers and keeps parameter indices", "[model]") {
  model::ModelParameters p = minimal();
  model::CarrierParameters second = p.carriers[0];
  second.id = "second";
  p.carriers.insert(p.carriers.begin(), second);
  p.carriers[0].enabled = false;
  const model::ModelSetup setup = model::resolve(p);
  REQUIRE(setup.carriers.size() == 1);
  CHECK(setup.carriers[0].parameter_index == 1);
  CHECK(setup.carrier_parameters(0).id == "space");
}

TEST_CASE("resolve reports dangling references with key and element", "[model]") {
  auto expect = [](model::ModelParameters p, const std::string& key, const std::string& element) {
    try {
      model::resolve(p);
      FAIL("expected a ResolveError for " << key);
    } catch (const model::ResolveError& error) {
      CHECK(error.key() == key);
      CHECK(error.element_id() == element);
    }
  };
  model::ModelParameters p = minimal();
  p.carriers[0].operator_id = "nobody";
  expect(p, "carrier.operator", "space");
  p = minimal();
  p.carriers[0].sectors = {"unknown"};
  expect(p, "carrier.sectors", "space");
  p = minimal();
  p.sources.push_back(p.sources[0]);
  expect(p, "source.id", "grassroots");
  p = minimal();
  p.carriers[0].initial_residents = 5;  // opens after the start
  expect(p, "carrier.initial_residents", "space");
  p = minimal();
  model::TargetParameters target{"t", "jobs_base", 1.0, "2022-06", "county", "stock", "outcome", "", ""};
  p.targets.push_back(target);
  expect(p, "target.scope", "t");  // jobs_base has scope base
  p.targets[0].scope = "base";
  p.targets[0].measure = "cumulative";
  expect(p, "target.measure", "t");
  p.targets[0].measure = "stock";
  p.targets[0].deadline = "2023-01";  // after the last month, 2022-12
  expect(p, "target.deadline", "t");
  p.targets[0].deadline = "2022-12";
  CHECK(model::resolve(p).targets[0].deadline_month == 17);
}

TEST_CASE("The hazard table equals monthly_hazard at every age", "[model]") {
  model::ModelParameters p = minimal();
  p.dynamics.hazard_shape = 2.0;
  p.dynamics.hazard_scale_months = 90.0;
  const model::ModelSetup setup = model::resolve(p);
  REQUIRE(setup.hazard_by_age.size() == static_cast<std::size_t>(setup.months) + 64);
  for (std::size_t age = 0; age < setup.hazard_by_age.size(); ++age) {
    CHECK(setup.hazard_by_age[age] == model::monthly_hazard(p.dynamics, static_cast<double>(age)));
  }
}

TEST_CASE("ventures_upper_bound covers initial residents and the entrants' upper tail", "[model]") {
  model::ModelParameters p = minimal();
  p.carriers[0].opening = "2021-07";
  p.carriers[0].initial_residents = 7;
  const model::ModelSetup setup = model::resolve(p);
  // 7 residents + 18 months x (4 + 10 sqrt(4) + 1) = 7 + 450.
  CHECK(model::ventures_upper_bound(setup) == 457);
}

TEST_CASE("resolve rejects revenue for teams: only registered firms sell", "[model]") {
  model::ModelParameters p = minimal();
  p.sources[0].initial_revenue = 10000.0;
  p.sources[0].registered = false;
  try {
    (void)model::resolve(p);
    FAIL("resolved a source whose teams have revenue");
  } catch (const model::ResolveError& error) {
    CHECK(error.key() == "source.initial_revenue");
    CHECK(error.element_id() == "grassroots");
    CHECK(std::string(error.what()).find("registered = true") != std::string::npos);
  }
  p.sources[0].registered = true;
  CHECK_NOTHROW(model::resolve(p));
}

TEST_CASE("The name tables follow the enums' order", "[model]") {
  CHECK(std::string(model::carrier_kind_names[static_cast<std::size_t>(model::CarrierKind::park)]) == "park");
  CHECK(std::string(model::carrier_level_names[static_cast<std::size_t>(model::CarrierLevel::national)]) == "national");
  CHECK(std::string(model::objective_names[static_cast<std::size_t>(model::SelectionObjective::policy_fit)]) == "policy-fit");
  CHECK(std::string(model::stage_name(static_cast<int>(model::Stage::outside))) == "outside");
  for (int kind = 0; kind < model::carrier_kind_count; ++kind) {
    // Stage k + 1 is carrier kind k.
    CHECK(std::string(model::stage_name(kind + 1)) == model::carrier_kind_names[static_cast<std::size_t>(kind)]);
  }
}
