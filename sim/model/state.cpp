// Names of the state's enums, as the results file labels them (labels/stages, labels/statuses,
// labels/event_kinds).

#include <array>

#include "model/state.hpp"

namespace incubsim::model {
namespace {

constexpr std::array<const char*, status_count> status_names = {"active", "failed", "relocated", "acquired", "listed"};
constexpr std::array<const char*, event_kind_count> event_kind_names = {
    "entry", "registration", "admission", "graduation", "eviction", "failure_cash", "failure_hazard",
    "carrier_opened", "tech_sme_certified", "high_tech_certified", "talent_cultivated", "funding_round", "loan",
    "relocation", "acquisition", "case_by_case_support", "talent_joined", "carrier_level_changed", "failure_closure", "listing", "market_fill"};

}  // namespace

const char* stage_name(int stage) { return stage_names.at(static_cast<std::size_t>(stage)); }
const char* status_name(int status) { return status_names.at(static_cast<std::size_t>(status)); }
const char* event_kind_name(int kind) { return event_kind_names.at(static_cast<std::size_t>(kind)); }

}  // namespace incubsim::model
