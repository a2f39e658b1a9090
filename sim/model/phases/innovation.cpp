// Phase 7, innovation (docs/odd.md §7.7): technology gained from skill, R&D, platforms, pilot
// bases and technology-transferring operators; patents.

#include <algorithm>

#include "model/monthly_schedule.hpp"

namespace incubsim::model {

void innovation(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  const PlatformParameters& platforms = setup.parameters.platforms;
  const double platform_gain = platforms.technology_gain_per_platform * std::min(platforms.platforms, 10);
  const double pilot_gain = platforms.pilot_technology_gain * std::min(platforms.pilot_bases, 3);
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    Venture& v = state.ventures[state.active[i]];
    const double rd_spending = v.rd_intensity * v.revenue;  // RMB/month
    double gain = d.technology_learning * v.skill + 0.01 * rd_spending / 1e5;
    // University and innovation platforms serve incubator and park residents; pilot-scale bases
    // serve accelerator and park residents.
    if (v.stage == Stage::incubator || v.stage == Stage::park) gain += platform_gain;
    if (v.stage == Stage::accelerator || v.stage == Stage::park) gain += pilot_gain;
    // Operators of type research institute or agri-science station transfer technology to their residents.
    if (v.carrier >= 0 && setup.carriers[static_cast<std::size_t>(v.carrier)].technology_operator) gain += d.institute_technology_gain;
    v.technology = static_cast<float>(std::min(v.technology + gain * (1.0 - v.technology), 0.999));
    if (v.registered && state.draws[i].patent < d.patent_rate * v.technology) {
      if (v.patents < 65535) {
        v.patents += 1;
      } else {
        state.flows.clamps_bound += 1;  // the patent counter's cap (counted, never passed over)
      }
    }
  }
}

}  // namespace incubsim::model
