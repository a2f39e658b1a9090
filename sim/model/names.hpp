#pragma once
// The names of the model's categories, one table each, in enum order. The scenario registry
// offers them as a key's choices, `resolve` turns them into enums, the monthly phases name
// stages with them, and the results file stores them under /labels so that readers (analysis/)
// decode codes with the file's own names.

#include <array>
#include <cstddef>
#include <string_view>

namespace incubsim::model {

// Source ids: where potential entrants come from (ModelSetup::source_origin).
inline constexpr std::array<const char*, 4> source_origins = {"grassroots", "talent", "spin-off", "recruited"};
// CarrierKind, CarrierLevel and SelectionObjective (model/setup.hpp) in enum order.
inline constexpr std::array<const char*, 4> carrier_kind_names = {"nursery", "incubator", "accelerator", "park"};
inline constexpr std::array<const char*, 4> carrier_level_names = {"none", "municipal", "provincial", "national"};
inline constexpr std::array<const char*, 3> objective_names = {"quality", "ability-to-pay", "policy-fit"};

inline constexpr int carrier_kind_count = static_cast<int>(carrier_kind_names.size());

// Stock-exchange boards of the listing exit (sources.md): ChiNext and the Beijing Stock Exchange.
inline constexpr std::array<const char*, 2> listing_board_names = {"chinext", "bse"};
inline constexpr int listing_board_count = static_cast<int>(listing_board_names.size());

// Random-stream kinds (EntityKind, model/random_streams.hpp) by value: a venture's identity.
inline constexpr std::array<const char*, 7> stream_kind_names = {
    "", "entry_source", "potential_entrant", "initial_venture", "carrier", "county", "programme_talent"};

struct OperatorType {
  const char* name;
  bool transfers_technology;  // research institutes and agri-science stations (docs/odd.md §7.7)
};
inline constexpr std::array<OperatorType, 5> operator_types = {{
    {"government-agency", false},
    {"state-owned-builder", false},
    {"private-company", false},
    {"research-institute", true},
    {"agri-science-station", true},
}};

// Stages (model/state.hpp): outside every carrier, then one per carrier kind, in kind order.
inline constexpr std::array<const char*, carrier_kind_names.size() + 1> stage_names = [] {
  std::array<const char*, carrier_kind_names.size() + 1> names{"outside"};
  for (std::size_t kind = 0; kind < carrier_kind_names.size(); ++kind) names[kind + 1] = carrier_kind_names[kind];
  return names;
}();

// Position of `name` in `names`, -1 when absent.
template <std::size_t N>
constexpr int name_index(const std::array<const char*, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (name == names[i]) return static_cast<int>(i);
  }
  return -1;
}

// Position of a name the code spells out; a name not in the table does not compile.
template <std::size_t N>
consteval int known_index(const std::array<const char*, N>& names, std::string_view name) {
  const int index = name_index(names, name);
  if (index < 0) throw "not a name of the table";
  return index;
}

}  // namespace incubsim::model
