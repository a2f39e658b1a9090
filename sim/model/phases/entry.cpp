// Phase 2, entry (docs/odd.md §7.2): each source's potential entrants of the month arrive (a
// Poisson count, platforms' spin-offs included); each draws its attributes and starts up with
// its source's probability.

#include "model/phases/entry.hpp"

#include <algorithm>

#include "model/monthly_schedule.hpp"
#include "model/phases/new_ventures.hpp"

namespace incubsim::model {

double start_up_probability(const PolicyParameters& policy, const SourceParameters& source) {
  // Zero-cost entry (free registration and one-stop support) raises every source's chance.
  const double boost = policy.zero_cost_entry ? 1.0 + policy.zero_cost_entry_boost : 1.0;
  return std::min(1.0, source.entry_probability * boost);
}

void entry(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const PolicyParameters& policy = setup.parameters.policy;
  const auto month = static_cast<std::uint32_t>(context.month);
  for (std::size_t s = 0; s < setup.parameters.sources.size(); ++s) {
    const SourceParameters& source = setup.parameters.sources[s];
    const double starts = start_up_probability(policy, source);
    Stream count_stream = context.key.stream(EntityKind::entry_source, static_cast<std::uint32_t>(s), month, Purpose::entrant_count);
    const std::uint32_t potential = count_stream.poisson(setup.potential_per_month(s));
    for (std::uint32_t j = 0; j < potential; ++j) {
      // Entrants are numbered per source (source in the top bits), so one source's rate never
      // renumbers another's entrants.
      const std::uint32_t k = (static_cast<std::uint32_t>(s) << CounterWidths::entrant_number_bits) | state.next_entrant_by_source[s]++;
      Stream stream = context.key.stream(EntityKind::potential_entrant, k, 0, Purpose::entrant_attributes);
      const double enter = stream.uniform();
      Venture v = draw_venture(setup, source, stream);
      if (enter >= starts) continue;
      v.stream_kind = EntityKind::potential_entrant;
      v.stream_id = k;
      v.origin = static_cast<std::uint8_t>(s);
      v.registered = source.registered;
      v.direct_stage = static_cast<std::uint8_t>(setup.source_direct_stage[s]);
      v.recruited_direct = v.direct_stage > 0;
      add_venture(state, context, v);
    }
  }
}

}  // namespace incubsim::model
