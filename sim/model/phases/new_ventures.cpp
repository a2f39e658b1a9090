#include "model/phases/new_ventures.hpp"

#include "model/phases/growth.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace incubsim::model {
namespace {

float clamp01(double value) { return static_cast<float>(std::clamp(value, 0.001, 0.999)); }

int sector_from_uniform(const ModelSetup& setup, double u) {
  const auto& shares = setup.sector_cumulative_share;
  const auto it = std::upper_bound(shares.begin(), shares.end(), u);
  return static_cast<int>(std::min<std::ptrdiff_t>(it - shares.begin(), static_cast<std::ptrdiff_t>(shares.size()) - 1));
}

}  // namespace

// Fills a new venture's attributes from its own stream; the number of draws is fixed so the
// stream lines up in every scenario.
Venture draw_venture(const ModelSetup& setup, const SourceParameters& source, Stream& stream, int sector_index) {
  const VentureDynamics& d = setup.parameters.dynamics;
  Venture venture;
  const int drawn_sector = sector_from_uniform(setup, stream.uniform());  // drawn in any case: the stream stays aligned
  venture.sector = static_cast<std::uint8_t>(sector_index >= 0 ? sector_index : drawn_sector);
  venture.quality = static_cast<float>(source.quality_mean + stream.normal());
  venture.skill = clamp01(source.skill_mean + 0.1 * stream.normal());
  venture.technology = clamp01(source.technology_mean + 0.1 * stream.normal());
  venture.cash = static_cast<float>(source.initial_cash * std::exp(0.3 * stream.normal() - 0.045));
  venture.headcount = static_cast<std::uint16_t>(std::max(source.founders, 1));
  const SectorParameters& sector = setup.parameters.sectors[venture.sector];
  venture.rd_intensity = static_cast<float>(std::max(0.0, sector.rd_intensity_mean * (1.0 + 0.4 * stream.normal())));
  venture.st_staff_share = clamp01(d.st_staff_share_mean + 0.08 * stream.normal());
  venture.high_tech_product_share = clamp01(d.high_tech_product_share_mean + 0.15 * stream.normal());
  venture.revenue = static_cast<float>(source.initial_revenue);
  venture.production = stream.uniform() < sector.production_share;
  venture.entry_skill = venture.skill;
  // Founders know where they come from, not their own quality: their prior is their source's
  // mean with variance 1 (§7.10).
  venture.belief = static_cast<float>(source.quality_mean);
  venture.belief_precision = 1.0F;
  return venture;
}

std::uint32_t add_venture(RunState& state, const MonthContext& context, const Venture& venture) {
  if (state.ventures.size() >= ModelSetup::max_ventures_per_run) {
    throw PopulationExploded("scenario '" + context.setup.parameters.name + "': the population exploded in month " +
                             context.setup.month_label(context.month) + ": more than " +
                             std::to_string(ModelSetup::max_ventures_per_run) +
                             " ventures in one run, the cap per run (docs/odd.md); lower the entry rates, potential_scale or the horizon");
  }
  Venture v = venture;
  if (v.revenue > 0.0F) v.opportunity = initial_opportunity(context.setup, v);  // recruited firms already sell
  v.entry_month = static_cast<std::int16_t>(context.month);
  v.stage_entry_month = v.entry_month;
  if (v.registered) v.registration_month = v.entry_month;
  const auto index = static_cast<std::uint32_t>(state.ventures.size());
  state.ventures.push_back(v);
  state.active.push_back(index);
  state.flows.entries_by_source[v.origin] += 1;
  context.sink.emit(context.month, index, EventKind::entry, Stage::outside, Stage::outside, -1);
  return index;
}

}  // namespace incubsim::model
