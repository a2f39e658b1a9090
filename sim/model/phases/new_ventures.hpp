#pragma once
// Creating ventures: their attributes from their own stream, and their entry into the run.
// Used by the initial state, the entry phase and the talent programme.

#include <cstdint>

#include "model/month_context.hpp"

namespace incubsim::model {

// Creates a venture from a source's attributes drawn from `stream` (fixed number of draws).
Venture draw_venture(const ModelSetup& setup, const SourceParameters& source, Stream& stream, int sector_index = -1);
// Adds a venture to the state and emits its entry event; returns its index. Throws
// PopulationExploded past ModelSetup::max_ventures_per_run.
std::uint32_t add_venture(RunState& state, const MonthContext& context, const Venture& venture);

}  // namespace incubsim::model
