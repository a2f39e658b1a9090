// Phase 5a, markets (docs/odd.md, markets; issue 17 — work in progress): each sector's county
// demand and outside market grow; the county's incumbent firms grow with demand and lose the
// displaced share of the ventures' county sales (and win it back when ventures sell less); last
// month's sales set how full each market
// is, which growth_and_cash reads (the month's competition uses the previous month's aggregates:
// deterministic whatever the order of ventures).

#include <algorithm>
#include <cmath>

#include "model/monthly_schedule.hpp"

namespace incubsim::model {

void markets(RunState& state, const MonthContext& context) {
  const auto& sectors = context.setup.parameters.sectors;
  for (std::size_t s = 0; s < state.markets.size(); ++s) {
    SectorMarket& m = state.markets[s];
    const SectorParameters& sector = sectors[s];
    m.venture_county_sales = m.county_sales_now;
    const double venture_outside_sales = m.outside_sales_now;  // last month's
    m.county_sales_now = m.outside_sales_now = 0.0;
    if (!m.bounded) continue;
    if (context.month > 0) {
      m.county_demand *= std::exp(sector.county_demand_growth);
      m.outside_market *= std::exp(sector.outside_market_growth);
      m.incumbent_revenue_without_ventures *= std::exp(sector.county_demand_growth);
    }
    // Incumbents keep their start share of a growing demand, less the displaced share of what the
    // ventures sell in the county; their jobs follow their revenue at the start's revenue per job.
    m.incumbent_revenue = std::max(0.0, m.incumbent_revenue_without_ventures - sector.displacement * m.venture_county_sales);
    m.incumbent_jobs = m.revenue_per_incumbent_job > 0.0 ? m.incumbent_revenue / m.revenue_per_incumbent_job : 0.0;
    m.county_fill = (m.incumbent_revenue + m.venture_county_sales) / m.county_demand;
    m.outside_fill = m.outside_market > 0.0 ? venture_outside_sales / m.outside_market : 0.0;
    // Recorded at --record events: the sector's index stands where a venture id would.
    context.sink.emit(context.month, static_cast<std::uint32_t>(s), EventKind::market_fill, Stage::outside, Stage::outside, -1,
                      static_cast<float>(m.county_fill));
  }
}

}  // namespace incubsim::model
