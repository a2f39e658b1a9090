// Talent programmes (docs/odd.md §7.11), each January in the calendar phase.

#include <algorithm>
#include <vector>

#include "model/phases/calendar.hpp"
#include "model/phases/new_ventures.hpp"

namespace incubsim::model {

// High-level talents arrive: some found ventures, the others join one (county stream).
void talent_programme(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const TalentParameters& talent = setup.parameters.talent;
  Stream placement = context.key.stream(EntityKind::county, 0, static_cast<std::uint32_t>(context.month), Purpose::talent_placement);
  for (int t = 0; t < talent.talents_per_year; ++t) {
    const std::uint32_t number = state.next_programme_talent++;
    const double founds = placement.uniform();
    const double which = placement.uniform();
    state.flows.talent_spending += talent.cost_per_talent;
    state.cumulative.talents_arrived += 1;
    if (founds < talent.found_share && setup.talent_source >= 0) {
      Stream stream = context.key.stream(EntityKind::programme_talent, number, 0, Purpose::entrant_attributes);
      const SourceParameters& source = setup.parameters.sources[static_cast<std::size_t>(setup.talent_source)];
      Venture v = draw_venture(setup, source, stream);
      v.registered = source.registered;
      v.direct_stage = static_cast<std::uint8_t>(setup.source_direct_stage[static_cast<std::size_t>(setup.talent_source)]);
      v.recruited_direct = v.direct_stage > 0;
      v.stream_kind = EntityKind::programme_talent;
      v.stream_id = number;
      v.origin = static_cast<std::uint8_t>(setup.talent_source);
      add_venture(state, context, v);
      continue;
    }
    // Joins an active registered venture, base residents first.
    std::vector<std::uint32_t> candidates;
    for (std::uint32_t index : state.active) {
      const Venture& v = state.ventures[index];
      if (v.registered && v.carrier >= 0 && setup.carriers[static_cast<std::size_t>(v.carrier)].in_base) candidates.push_back(index);
    }
    if (candidates.empty()) {
      for (std::uint32_t index : state.active) {
        if (state.ventures[index].registered) candidates.push_back(index);
      }
    }
    if (candidates.empty()) continue;
    const std::uint32_t index = candidates[std::min(static_cast<std::size_t>(which * static_cast<double>(candidates.size())), candidates.size() - 1)];
    Venture& v = state.ventures[index];
    v.skill = static_cast<float>(v.skill + talent.join_skill_gain * (1.0 - v.skill));
    if (v.headcount == 65535) state.flows.clamps_bound += 1;  // the headcount field's cap (counted)
    v.headcount = static_cast<std::uint16_t>(std::min<int>(v.headcount + 1, 65535));
    if (v.carrier >= 0 && setup.carriers[static_cast<std::size_t>(v.carrier)].in_base) state.cumulative.talents_base += 1;
    context.sink.emit(context.month, index, EventKind::talent_joined, v.stage, v.stage, v.carrier);
  }
}

}  // namespace incubsim::model
