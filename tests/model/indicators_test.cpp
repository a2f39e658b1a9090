#include "model/indicators.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace incubsim;

namespace {

model::ModelSetup two_carrier_setup() {
  model::ModelParameters p;
  p.sectors.push_back({"general", "General", 1.0, 0.0, ""});
  model::SourceParameters source;
  source.id = "talent";
  p.sources.push_back(source);
  model::OperatorParameters op;
  op.id = "op";
  p.operators.push_back(op);
  model::CarrierParameters nursery;
  nursery.id = "nursery";
  nursery.kind = "nursery";
  nursery.level = "provincial";
  nursery.operator_id = "op";
  nursery.capacity = 4;
  p.carriers.push_back(nursery);
  model::CarrierParameters incubator = nursery;
  incubator.id = "incubator";
  incubator.kind = "incubator";
  incubator.level = "municipal";
  incubator.in_base = false;
  incubator.capacity = 10;
  p.carriers.push_back(incubator);
  return model::resolve(p);
}

double value(const std::vector<double>& row, const char* name) {
  const int index = model::indicator_index(name);
  REQUIRE(index >= 0);
  return row[static_cast<std::size_t>(index)];
}

}  // namespace

TEST_CASE("Indicator names are unique and scopes and measures are known", "[model]") {
  std::set<std::string> names;
  for (const auto& indicator : model::indicator_registry()) {
    INFO(indicator.name);
    CHECK(names.insert(std::string(indicator.name)).second);
    CHECK((indicator.scope == "base" || indicator.scope == "county"));
    CHECK((indicator.measure == "stock" || indicator.measure == "flow" || indicator.measure == "cumulative"));
    CHECK_FALSE(indicator.unit.empty());
    CHECK_FALSE(indicator.description.empty());
  }
  CHECK(model::indicator_index("ventures_active") == 0);
  CHECK(model::indicator_index("no_such_indicator") == -1);
}

TEST_CASE("compute_indicators counts a hand-made state", "[model]") {
  const model::ModelSetup setup = two_carrier_setup();
  model::RunState state;
  state.carriers.resize(2);
  state.carriers[0].open = true;
  state.carriers[0].residents = 2;
  state.carriers[0].level = 2;
  state.carriers[1].open = true;
  state.carriers[1].residents = 1;
  state.flows.entries_by_source = {3};
  state.flows.admissions = {2, 1, 0, 0};
  state.cumulative.public_spending = 1200.0;
  auto add = [&](model::Stage stage, int carrier, bool registered, std::uint16_t headcount, float revenue, model::Status status) {
    model::Venture v;
    v.stage = stage;
    v.carrier = static_cast<std::int16_t>(carrier);
    v.registered = registered;
    v.headcount = headcount;
    v.revenue = revenue;
    v.status = status;
    state.active.push_back(static_cast<std::uint32_t>(state.ventures.size()));
    state.ventures.push_back(v);
  };
  add(model::Stage::nursery, 0, false, 2, 0.0F, model::Status::active);
  add(model::Stage::nursery, 0, true, 3, 1000.0F, model::Status::active);
  add(model::Stage::incubator, 1, true, 5, 5000.0F, model::Status::active);
  add(model::Stage::outside, -1, true, 4, 2000.0F, model::Status::active);
  add(model::Stage::outside, -1, true, 9, 9000.0F, model::Status::failed);  // exited this month: not counted

  std::vector<double> row(model::indicator_registry().size(), -1.0);
  model::compute_indicators(state, setup, 0, row.data());
  CHECK(value(row, "ventures_active") == 4);
  CHECK(value(row, "ventures_outside") == 1);
  CHECK(value(row, "ventures_nursery") == 2);
  CHECK(value(row, "ventures_incubator") == 1);
  CHECK(value(row, "teams_active") == 1);
  CHECK(value(row, "jobs") == 14);
  CHECK(value(row, "revenue") == 8000);
  CHECK(value(row, "ventures_base") == 2);          // the incubator is outside the base
  CHECK(value(row, "incubator_residents_base") == 0);
  CHECK(value(row, "jobs_base") == 5);
  CHECK(value(row, "entries_talent") == 3);
  CHECK(value(row, "entries_grassroots") == 0);
  CHECK(value(row, "admissions_nursery") == 2);
  CHECK(value(row, "occupancy_nursery") == Approx(0.5));
  CHECK(value(row, "occupancy_incubator") == Approx(0.1));
  CHECK(value(row, "nurseries_provincial_county") == 1);
  CHECK(value(row, "incubators_county") == 1);
  CHECK(value(row, "base_complete") == 0);
  CHECK(value(row, "cost_per_job") == Approx(1200.0 / 5));
}
