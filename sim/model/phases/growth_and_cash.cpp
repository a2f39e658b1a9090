// Phase 5, growth and cash (docs/odd.md §7.5): the month's routine draws of every active
// venture; rent and its subsidy; first sales and revenue growth; headcount; costs, loan
// instalments and interest included (loans.hpp); cash.

#include <algorithm>
#include <cmath>

#include "model/monthly_schedule.hpp"
#include "model/phases/budgets.hpp"
#include "model/phases/loans.hpp"
#include "model/phases/residence.hpp"

namespace incubsim::model {

void growth_and_cash(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  const LeadingFirmParameters& leading = setup.parameters.leading_firms;
  const double leading_firms = std::min(leading.count, 3);
  const double volatility = d.revenue_volatility;
  state.draws.resize(state.active.size());
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    const std::uint32_t index = state.active[i];
    Venture& v = state.ventures[index];
    MonthlyDraws& draws = state.draws[i];
    {
      Stream stream = venture_stream(context, v, Purpose::monthly);
      draws.first_sale = Stream::uniform32(stream());
      draws.patent = Stream::uniform32(stream());
      draws.registration = Stream::uniform32(stream());
      draws.failure = Stream::uniform32(stream());
      // Only selling firms use the revenue shock; skipping the draw shifts no other draw.
      draws.revenue_shock = v.registered && v.revenue > 0.0F ? stream.normal() : 0.0;
    }
    double quality_of_service = 0.0;
    double rent = 0.0;
    bool base = false;
    if (v.carrier >= 0) {
      const CarrierParameters& carrier = setup.carrier_parameters(v.carrier);
      base = carrier.in_base;
      quality_of_service = service_quality(state, setup, v.carrier);
      // The subsidy is paid while the year's rent-subsidy line lasts; then the venture pays in full.
      const double subsidy = carrier.rent_per_month * carrier.rent_subsidy_share;
      const bool paid = spend(state.budgets.rent_subsidy, subsidy);
      if (paid) state.flows.rent_subsidy_spending += subsidy;
      rent = carrier.rent_per_month - (paid ? subsidy : 0.0);
    }
    double costs = d.other_costs_per_month + rent;
    double sales_to_leading_firms = 0.0;
    if (v.registered) {
      const double before = v.revenue;
      if (v.revenue <= 0.0F) {
        // A firm starts selling with a chance that rises with technology and skill.
        if (draws.first_sale < 0.05 + 0.15 * v.technology + 0.1 * v.skill) v.revenue = static_cast<float>(d.first_revenue * std::exp(0.5 * v.quality));
      } else {
        double growth = d.revenue_growth + d.quality_growth_effect * v.quality + d.skill_growth_effect * v.skill +
                        d.technology_growth_effect * v.technology + d.service_growth_effect * quality_of_service +
                        setup.parameters.sectors[v.sector].market_growth;
        if (base) growth += leading.mentoring_growth * leading_firms;  // leading firms mentor base residents
        v.revenue = static_cast<float>(v.revenue * std::exp(growth + volatility * draws.revenue_shock - 0.5 * volatility * volatility));
        v.growth = static_cast<float>(0.8 * v.growth + 0.2 * std::log(std::max<double>(v.revenue, 1.0) / std::max(before, 1.0)));
      }
      if (base) sales_to_leading_firms = leading.purchase_revenue_share * leading_firms * v.revenue;
      const double target = 1.0 + v.revenue / d.revenue_per_employee;
      const long change = std::lround(d.headcount_adjustment * (target - v.headcount));
      v.headcount = static_cast<std::uint16_t>(std::clamp<long>(v.headcount + change, 1, 65535));
      costs += v.headcount * d.wage_per_month + v.rd_intensity * v.revenue;
      pay_loan_instalment(state.flows, setup.parameters.finance, v, costs);
    }
    v.cash = static_cast<float>(v.cash + v.revenue + sales_to_leading_firms - costs);
  }
}

}  // namespace incubsim::model
