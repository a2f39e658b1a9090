#include "model/initial_state.hpp"

#include <algorithm>
#include <cmath>

#include "model/phases/growth.hpp"
#include "model/phases/new_ventures.hpp"
#include "model/phases/residence.hpp"
#include "model/population.hpp"

namespace incubsim::model {

RunState initialise(const ModelSetup& setup, RandomKey key, const EventSink& sink) {
  RunState state;
  state.carriers.resize(setup.carriers.size());
  state.applicants.resize(setup.carriers.size());
  state.flows.entries_by_source.assign(setup.parameters.sources.size(), 0);
  state.operator_unpaid.assign(setup.parameters.operators.size(), 0);
  state.operator_load_factor.assign(setup.parameters.operators.size(), 1.0);
  state.budgets.guidance_fund = setup.parameters.finance.guidance_fund_capital;  // total, not annual
  state.markets.resize(setup.parameters.sectors.size());
  for (std::size_t s = 0; s < state.markets.size(); ++s) {
    const SectorParameters& sector = setup.parameters.sectors[s];
    SectorMarket& m = state.markets[s];
    m.bounded = sector.county_demand > 0.0;
    m.county_demand = sector.county_demand;
    m.outside_market = sector.outside_market;
    m.incumbent_revenue = m.incumbent_revenue_without_ventures = sector.incumbent_revenue;
    m.incumbent_jobs = sector.incumbent_jobs;
    m.revenue_per_incumbent_job = sector.incumbent_jobs > 0.0 ? sector.incumbent_revenue / sector.incumbent_jobs : 0.0;
  }
  state.ventures.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(ventures_upper_bound(setup) / 2 + 64, 1u << 26)));
  const VentureDynamics& d = setup.parameters.dynamics;
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    const ResolvedCarrier& carrier = setup.carriers[c];
    // A planned opening after the start is late by a Poisson number of months (construction).
    int delay = 0;
    if (carrier.opening_month > 0 && !carrier.demand_opening && setup.parameters.carrier_dynamics.construction_delay_mean > 0.0) {
      // Keyed by the carrier's place in the scenario file, so disabling another carrier does not
      // redraw this one's delay.
      Stream stream = key.stream(EntityKind::carrier, static_cast<std::uint32_t>(carrier.parameter_index), 0, Purpose::construction_delay);
      delay = static_cast<int>(stream.poisson(setup.parameters.carrier_dynamics.construction_delay_mean));
    }
    state.carriers[c].opening_month = carrier.opening_month + delay;
    state.carriers[c].level = static_cast<int>(carrier.level);
    if (state.carriers[c].opening_month <= 0 && !carrier.demand_opening) state.carriers[c].open = true;
  }
  // The firms of 2021, numbered over every carrier that lists them (disabled ones too), so each
  // firm draws the same attributes in every scenario.
  std::uint32_t initial_id = 0;
  for (const ModelSetup::InitialFirms& firms : setup.initial_firms) {
    const CarrierParameters& parameters = setup.parameters.carriers[static_cast<std::size_t>(firms.parameter_index)];
    for (int r = 0; r < firms.count; ++r) {
      Stream stream = key.stream(EntityKind::initial_venture, initial_id, 0, Purpose::entrant_attributes);
      SourceParameters resident;  // residents of 2021: registered small firms (sources.md §P2)
      resident.quality_mean = 0.0;
      resident.skill_mean = 0.45;
      resident.technology_mean = 0.25;
      resident.initial_cash = 150000.0;
      resident.founders = 3;
      // A carrier's firms are of its sector (its lowest-numbered one), others drawn like entrants'.
      Venture v = draw_venture(setup, resident, stream, firms.sector);
      v.stream_kind = EntityKind::initial_venture;
      v.stream_id = initial_id++;
      v.registered = true;
      v.entry_month = static_cast<std::int16_t>(-1 - static_cast<int>(stream.uniform() * 36.0));
      v.registration_month = v.entry_month;
      v.stage_entry_month = static_cast<std::int16_t>(std::max<int>(v.entry_month, -static_cast<int>(stream.uniform() * std::min(parameters.max_tenure_months, 24))));
      // They have sold since they were founded: what is left of their opportunities.
      start_selling(setup, v);
      v.opportunity = static_cast<float>(v.opportunity * std::pow(1.0 - d.opportunity_decay, -v.entry_month));
      const auto index = static_cast<std::uint32_t>(state.ventures.size());
      if (firms.carrier >= 0) {
        const auto c = static_cast<std::size_t>(firms.carrier);
        v.stage = v.highest_stage = stage_of_kind(setup.carriers[c].kind);
        // Residents of factory space need it.
        if (setup.parameters.stages[static_cast<std::size_t>(setup.carriers[c].kind)].requires_production) v.production = true;
        v.carrier = static_cast<std::int16_t>(c);
        v.ever_in_base = parameters.in_base;
        state.carriers[c].residents += 1;
      } else {
        v.stage_entry_month = v.entry_month;
      }
      state.ventures.push_back(v);
      state.active.push_back(index);
      sink.emit(0, index, EventKind::entry, Stage::outside, Stage::outside, -1);
      if (firms.carrier >= 0) sink.emit(0, index, EventKind::admission, Stage::outside, v.stage, firms.carrier);
    }
  }
  return state;
}

}  // namespace incubsim::model
