// Phase 5, growth and cash (docs/odd.md §7.5): the month's routine draws of every active
// venture; rent and its subsidy; first sales; revenue growth from opportunities that run out,
// with tent-shaped (Laplace) shocks; what founders learn of their quality from the month's
// result; headcount in whole persons; costs, loan instalments and interest included
// (loans.hpp); profit and cash.

#include <algorithm>
#include <cmath>

#include "model/monthly_schedule.hpp"
#include "model/phases/budgets.hpp"
#include "model/phases/growth.hpp"
#include "model/phases/loans.hpp"
#include "model/phases/residence.hpp"

namespace incubsim::model {
namespace {

// The share of a seller's sales outside the county: its reach (outside_reach x technology) where
// the sector has markets and an outside market, else 0.
double outside_share(const ModelSetup& setup, const SectorMarket& market, const Venture& v) {
  if (!market.bounded || market.outside_market <= 0.0) return 0.0;
  return std::clamp(setup.parameters.dynamics.outside_reach * v.technology, 0.0, 1.0);
}

// `expected` persons as a whole number: its integer part, plus one with the chance of its
// fractional part (stochastic rounding: the mean is `expected`).
long whole_persons(double expected, double uniform) {
  const double whole = std::floor(expected);
  return static_cast<long>(whole) + (uniform < expected - whole ? 1 : 0);
}

}  // namespace

void growth_and_cash(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  const LeadingFirmParameters& leading = setup.parameters.leading_firms;
  const double leading_firms = std::min(leading.count, 3);
  const double volatility = d.revenue_volatility;
  // E[exp(σL)] = 1 / (1 - σ²/2) for a standard Laplace L: the shock leaves mean revenue unchanged.
  const double shock_correction = std::log1p(-0.5 * volatility * volatility);
  const double signal_precision = 1.0 / (d.result_noise * d.result_noise);
  const double retained = 1.0 - d.opportunity_decay;
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
      draws.revenue_shock = Stream::laplace32(stream());
      draws.opportunity_arrival = Stream::uniform32(stream());
      draws.opportunity_size = stream();  // turned into a Laplace only when an opportunity arrives
      draws.hiring = Stream::uniform32(stream());
    }
    const SectorParameters& sector = setup.parameters.sectors[v.sector];
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
    // Founders learn their venture's quality from the month's result: a signal quality + noise
    // (the month's shock), more precise with a carrier's services (Bayesian update, §7.10).
    {
      const double signal = v.quality + d.result_noise * draws.revenue_shock;
      const double precision = signal_precision * (1.0 + d.service_learning_effect * quality_of_service);
      const double updated = v.belief_precision + precision;
      v.belief = static_cast<float>((v.belief_precision * v.belief + precision * signal) / updated);
      v.belief_precision = static_cast<float>(updated);
    }
    // Registered firms' other costs scale with their sector's capital intensity; teams pay the base.
    double costs = d.other_costs_per_month * (v.registered ? sector.capital_intensity : 1.0) + rent;
    double sales_to_leading_firms = 0.0;
    if (v.registered) {
      if (v.revenue <= 0.0F) {
        // A firm starts selling with a chance that rises with technology and skill.
        if (draws.first_sale < 0.05 + 0.15 * v.technology + 0.1 * v.skill) start_selling(setup, v);
      } else {
        const double before = v.revenue;
        double growth = d.revenue_growth + v.opportunity + d.service_growth_effect * quality_of_service;
        if (base) growth += leading.mentoring_growth * leading_firms;  // leading firms mentor base residents
        const SectorMarket& market = state.markets[v.sector];
        if (market.bounded) {
          // How full its markets are, weighted by where it sells: growth slows as they fill, and
          // an over-full market takes back a share of its excess (docs/odd.md, markets).
          const double outside = outside_share(setup, market, v);
          const double fill = (1.0 - outside) * market.county_fill + outside * market.outside_fill;
          if (growth > 0.0) growth *= std::max(0.0, 1.0 - fill);
          if (fill > 1.0) growth -= d.market_adjustment * std::log(fill);
        }
        v.revenue = static_cast<float>(v.revenue * std::exp(growth + volatility * draws.revenue_shock + shock_correction));
        v.growth = static_cast<float>(0.8 * v.growth + 0.2 * std::log(std::max<double>(v.revenue, 1.0) / std::max(before, 1.0)));
        // Opportunities run out; now and then a new one (or the loss of one) arrives.
        double opportunity = retained * v.opportunity;
        if (draws.opportunity_arrival < d.opportunity_arrival) opportunity += sector.growth_factor * d.opportunity_size * Stream::laplace32(draws.opportunity_size);
        v.opportunity = static_cast<float>(opportunity);
      }
      if (base) sales_to_leading_firms = leading.purchase_revenue_share * leading_firms * v.revenue;
      // Headcount moves in whole persons towards what revenue sustains: a share of a shortfall is
      // hired, a share of an excess of more than one person shed.
      const double target = 1.0 + v.revenue / d.revenue_per_employee;
      const double gap = target - v.headcount;
      long headcount = v.headcount;
      if (gap > 0.0) {
        headcount += whole_persons(d.hiring_rate * gap, draws.hiring);
      } else if (gap < -1.0) {
        headcount -= whole_persons(d.firing_rate * -gap, draws.hiring);
      }
      if (headcount > 65535) state.flows.clamps_bound += 1;  // the headcount field's cap (counted, §7.5)
      v.headcount = static_cast<std::uint16_t>(std::clamp<long>(headcount, 1, 65535));
      costs += v.headcount * d.wage_per_month + (v.rd_intensity + sector.cost_of_sales_share) * v.revenue;
    }
    // Sales are summed only where markets bound growth: nothing reads them elsewhere.
    if (SectorMarket& market = state.markets[v.sector]; market.bounded && v.revenue > 0.0F) {
      const double outside = outside_share(setup, market, v) * v.revenue;
      market.outside_sales_now += outside;
      market.county_sales_now += v.revenue - outside;
    }
    const double income = v.revenue + sales_to_leading_firms;
    v.profit_this_year = static_cast<float>(v.profit_this_year + income - costs);
    if (v.registered) pay_loan_instalment(state.flows, setup.parameters.finance, v, costs);
    v.cash = static_cast<float>(v.cash + income - costs);
  }
}

}  // namespace incubsim::model
