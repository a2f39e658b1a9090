#pragma once
// The submodels the calendar phase (phase 1) runs on their dates, each in its own file.

#include "model/month_context.hpp"

namespace incubsim::model {

// Carriers open: planned ones in their (delayed) month, demand-opened ones once demand has
// persisted (phases/carriers_over_time.cpp, §7.13).
void open_carriers(RunState& state, const MonthContext& context);
// December: carrier levels move one step a year against residents and cumulative graduates
// (phases/carriers_over_time.cpp, §7.13).
void review_levels(RunState& state, const MonthContext& context);
// January: high-level talents arrive; some found ventures, the others join one
// (phases/talent_programme.cpp, §7.11).
void talent_programme(RunState& state, const MonthContext& context);
// December: technology-based SME and high-tech enterprise evaluations
// (phases/certifications.cpp, §7.12).
void certify(RunState& state, const MonthContext& context);

}  // namespace incubsim::model
