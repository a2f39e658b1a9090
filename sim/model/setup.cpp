#include "model/setup.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <cstdio>

#include "model/indicators.hpp"
#include "model/phases/exits.hpp"
#include "model/population.hpp"
#include "model/random_streams.hpp"

namespace incubsim::model {
namespace {

// "a, b, c": a name table as an error message lists it.
template <std::size_t N>
std::string listed(const std::array<const char*, N>& names) {
  std::string text;
  for (const char* name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

int month_index(const ModelSetup& setup, const std::string& text) {
  const auto [year, month] = parse_year_month(text);
  return (year - setup.start_year) * 12 + (month - setup.start_month);
}

}  // namespace

const char* carrier_kind_name(int kind) { return carrier_kind_names.at(static_cast<std::size_t>(kind)); }

std::pair<int, int> parse_year_month(const std::string& text) {
  int year = 0;
  int month = 0;
  char tail = 0;
  if (text.size() != 7 || text[4] != '-' || std::sscanf(text.c_str(), "%4d-%2d%c", &year, &month, &tail) != 2 ||
      month < 1 || month > 12 || year < 1900 || year > 9999) {
    throw std::invalid_argument("expected a month as \"YYYY-MM\", got \"" + text + "\"");
  }
  return {year, month};
}

std::string ModelSetup::month_label(int month_index) const {
  const int total = start_year * 12 + (start_month - 1) + month_index;
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", total / 12, total % 12 + 1);
  return text;
}

double ModelSetup::potential_per_month(std::size_t source) const {
  double mean = parameters.sources[source].potential_per_month;
  if (static_cast<int>(source) == spin_off_source) mean += parameters.platforms.platforms * parameters.platforms.spin_offs_per_platform_year / 12.0;
  return mean * parameters.simulation.potential_scale;
}

ModelSetup resolve(const ModelParameters& parameters) {
  ModelSetup setup;
  setup.parameters = parameters;
  try {
    std::tie(setup.start_year, setup.start_month) = parse_year_month(parameters.simulation.start);
  } catch (const std::invalid_argument& error) {
    throw ResolveError("simulation.start", "", error.what());
  }
  setup.months = parameters.simulation.horizon_months;

  if (parameters.sectors.empty()) throw ResolveError("sector", "", "a scenario needs at least one [[sector]]");
  if (parameters.sectors.size() > 64) throw ResolveError("sector", "", "at most 64 sectors are supported");
  // Markets cover every sector or none (docs/odd.md, markets); incumbents need revenue for jobs.
  const bool any_market = std::any_of(parameters.sectors.begin(), parameters.sectors.end(), [](const SectorParameters& s) { return s.county_demand > 0.0; });
  for (const SectorParameters& sector : parameters.sectors) {
    if (any_market && sector.county_demand <= 0.0) {
      throw ResolveError("sector.county_demand", sector.id,
                         "sector '" + sector.id + "' has no county demand while other sectors do: markets must cover every sector (or none)");
    }
    if (sector.incumbent_jobs > 0.0 && sector.incumbent_revenue <= 0.0) {
      throw ResolveError("sector.incumbent_jobs", sector.id,
                         "sector '" + sector.id + "' has incumbent jobs but no incumbent revenue: their jobs follow their revenue");
    }
    if (any_market && sector.incumbent_revenue > sector.county_demand) {
      throw ResolveError("sector.incumbent_revenue", sector.id,
                         "sector '" + sector.id + "': incumbents' revenue exceeds the county demand they sell into");
    }
  }
  double total_share = 0.0;
  for (const auto& sector : parameters.sectors) total_share += sector.share;
  if (total_share <= 0.0) throw ResolveError("sector.share", "", "sector shares must not all be zero");
  double running = 0.0;
  for (const auto& sector : parameters.sectors) {
    running += sector.share / total_share;
    setup.sector_cumulative_share.push_back(running);
  }
  setup.sector_cumulative_share.back() = 1.0;

  if (parameters.sources.size() < 1) throw ResolveError("source", "", "a scenario needs at least one [[source]] of entrants");
  std::array<bool, 4> origin_seen{};
  for (const auto& source : parameters.sources) {
    const int origin = name_index(source_origins, source.id);
    if (origin < 0) throw ResolveError("source.id", source.id, "source id must be one of " + listed(source_origins));
    if (origin_seen[static_cast<std::size_t>(origin)]) throw ResolveError("source.id", source.id, "source '" + source.id + "' is declared twice");
    if (source.initial_revenue > 0.0 && !source.registered) {
      throw ResolveError("source.initial_revenue", source.id,
                         "source '" + source.id + "' gives teams revenue: only registered firms sell; set registered = true or initial_revenue = 0");
    }
    origin_seen[static_cast<std::size_t>(origin)] = true;
    setup.source_origin.push_back(origin);
    setup.source_direct_stage.push_back(name_index(carrier_kind_names, source.direct_stage));
    const auto index = static_cast<int>(setup.source_origin.size()) - 1;
    if (origin == known_index(source_origins, "talent")) setup.talent_source = index;
    if (origin == known_index(source_origins, "spin-off")) setup.spin_off_source = index;
  }
  if (parameters.sources.size() > 4) throw ResolveError("source", "", "at most four sources (one per origin)");

  for (std::size_t i = 0; i < parameters.carriers.size(); ++i) {
    const CarrierParameters& carrier = parameters.carriers[i];
    if (!carrier.enabled) continue;
    ResolvedCarrier resolved;
    resolved.parameter_index = static_cast<int>(i);
    resolved.kind = static_cast<CarrierKind>(name_index(carrier_kind_names, carrier.kind));
    resolved.level = static_cast<CarrierLevel>(name_index(carrier_level_names, carrier.level));
    resolved.operator_index = -1;
    for (std::size_t o = 0; o < parameters.operators.size(); ++o) {
      if (parameters.operators[o].id == carrier.operator_id) resolved.operator_index = static_cast<int>(o);
    }
    if (resolved.operator_index < 0) {
      throw ResolveError("carrier.operator", carrier.id, "carrier '" + carrier.id + "' names operator '" + carrier.operator_id + "', which no [[operator]] declares");
    }
    const OperatorParameters& op = parameters.operators[static_cast<std::size_t>(resolved.operator_index)];
    resolved.service_quality = op.service_quality;
    resolved.screening_noise = op.screening_noise;
    resolved.objective = static_cast<SelectionObjective>(name_index(objective_names, op.objective));
    resolved.per_outcome = op.incentive == "per-outcome";
    resolved.demand_opening = carrier.opening_rule == "demand";
    resolved.in_base = carrier.in_base;
    for (const OperatorType& type : operator_types) {
      if (op.type == type.name) resolved.technology_operator = type.transfers_technology;
    }
    if (resolved.demand_opening && carrier.initial_residents > 0) {
      throw ResolveError("carrier.opening_rule", carrier.id, "carrier '" + carrier.id + "' opens on demand but has initial residents");
    }
    try {
      resolved.opening_month = month_index(setup, carrier.opening);
    } catch (const std::invalid_argument& error) {
      throw ResolveError("carrier.opening", carrier.id, error.what());
    }
    if (!carrier.sectors.empty()) {
      resolved.sector_mask = 0;
      for (const auto& name : carrier.sectors) {
        int found = -1;
        for (std::size_t s = 0; s < parameters.sectors.size(); ++s) {
          if (parameters.sectors[s].id == name) found = static_cast<int>(s);
        }
        if (found < 0) throw ResolveError("carrier.sectors", carrier.id, "carrier '" + carrier.id + "' names sector '" + name + "', which no [[sector]] declares");
        resolved.sector_mask |= std::uint64_t{1} << found;
      }
    }
    if (carrier.initial_residents > carrier.capacity) {
      throw ResolveError("carrier.initial_residents", carrier.id, "carrier '" + carrier.id + "' starts with more residents than its capacity");
    }
    if (carrier.initial_residents > 0 && resolved.opening_month > 0) {
      throw ResolveError("carrier.initial_residents", carrier.id, "carrier '" + carrier.id + "' has initial residents but opens after the start");
    }
    setup.has_demand_carriers = setup.has_demand_carriers || resolved.demand_opening;
    setup.carriers.push_back(resolved);
  }
  for (std::size_t i = 0; i < parameters.carriers.size(); ++i) {
    const CarrierParameters& carrier = parameters.carriers[i];
    if (carrier.initial_residents <= 0) continue;
    ModelSetup::InitialFirms firms;
    firms.parameter_index = static_cast<int>(i);
    firms.count = carrier.initial_residents;
    for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
      if (setup.carriers[c].parameter_index == static_cast<int>(i)) firms.carrier = static_cast<int>(c);
    }
    for (std::size_t s = parameters.sectors.size(); s-- > 0;) {
      const auto& listed = carrier.sectors;
      if (std::find(listed.begin(), listed.end(), parameters.sectors[s].id) != listed.end()) firms.sector = static_cast<int>(s);
    }
    setup.initial_firms.push_back(firms);
  }
  if (setup.carriers.size() > 32000) throw ResolveError("carrier", "", "at most 32000 carriers are supported");
  // An integrated pipeline cannot skip a stage: the base's carrier kinds must be consecutive.
  if (parameters.integration.enabled) {
    std::array<bool, carrier_kind_count> base_kind{};
    for (const auto& carrier : setup.carriers) base_kind[static_cast<std::size_t>(carrier.kind)] = base_kind[static_cast<std::size_t>(carrier.kind)] || carrier.in_base;
    int first = -1;
    int last = -1;
    for (int k = 0; k < carrier_kind_count; ++k) {
      if (!base_kind[static_cast<std::size_t>(k)]) continue;
      if (first < 0) first = k;
      last = k;
    }
    for (int k = std::max(first, 0); k <= last; ++k) {
      if (base_kind[static_cast<std::size_t>(k)]) continue;
      for (const auto& carrier : setup.carriers) {
        if (carrier.in_base && static_cast<int>(carrier.kind) > k) {
          const std::string id = parameters.carriers[static_cast<std::size_t>(carrier.parameter_index)].id;
          throw ResolveError("carrier.kind", id, "the integrated base skips a stage: carrier '" + id + "' is a " +
                                                     carrier_kind_name(static_cast<int>(carrier.kind)) + " but the base has no " +
                                                     carrier_kind_name(k) + " (integration.enabled = true)");
        }
      }
    }
  }
  for (std::size_t s = 0; s < parameters.sources.size(); ++s) {
    if (potential_entrants_upper_bound(setup, s) >= CounterWidths::max_entrants_per_source) {
      throw ResolveError("source.potential_per_month", parameters.sources[s].id,
                         "source '" + parameters.sources[s].id + "' could draw up to " + std::to_string(potential_entrants_upper_bound(setup, s)) +
                             " potential entrants, beyond the RNG counter's " + std::to_string(CounterWidths::entrant_number_bits) +
                             "-bit entrant numbers; lower its rate, the scale or the horizon");
    }
  }

  for (const auto& target : parameters.targets) {
    ResolvedTarget resolved;
    resolved.indicator = indicator_index(target.indicator);
    if (resolved.indicator < 0) throw ResolveError("target.indicator", target.id, "target '" + target.id + "' names unknown indicator '" + target.indicator + "' (see `incubsim params --indicators`)");
    const IndicatorDefinition& indicator = indicator_registry()[static_cast<std::size_t>(resolved.indicator)];
    if (indicator.scope != target.scope) {
      throw ResolveError("target.scope", target.id, "target '" + target.id + "' has scope '" + target.scope + "' but indicator '" + target.indicator + "' has scope '" + std::string(indicator.scope) + "'");
    }
    if (indicator.measure != target.measure) {
      throw ResolveError("target.measure", target.id, "target '" + target.id + "' has measure '" + target.measure + "' but indicator '" + target.indicator + "' is '" + std::string(indicator.measure) + "'");
    }
    try {
      resolved.deadline_month = month_index(setup, target.deadline);
    } catch (const std::invalid_argument& error) {
      throw ResolveError("target.deadline", target.id, error.what());
    }
    if (resolved.deadline_month < 0 || resolved.deadline_month >= setup.months) {
      throw ResolveError("target.deadline", target.id, "target '" + target.id + "' deadline " + target.deadline + " is outside the simulated months " + setup.month_label(0) + ".." + setup.month_label(setup.months - 1));
    }
    setup.targets.push_back(resolved);
  }
  for (std::size_t b = 0; b < parameters.listing.size(); ++b) {
    const ListingBoard& board = parameters.listing[b];
    if (board.enabled && board.min_profit_last_year <= 0.0 && board.min_profit_two_years <= 0.0 && board.min_revenue_last_year <= 0.0) {
      const std::string name = listing_board_names[b];
      throw ResolveError("listing." + name + ".enabled", "",
                         "listing board '" + name + "' is enabled with no threshold: set listing." + name +
                             ".min_profit_last_year, min_profit_two_years or min_revenue_last_year above 0 (sources.md §E12), or enabled = false");
    }
  }
  setup.hazard_by_age.resize(static_cast<std::size_t>(setup.months) + 64);
  for (std::size_t age = 0; age < setup.hazard_by_age.size(); ++age) {
    setup.hazard_by_age[age] = monthly_hazard(parameters.dynamics, static_cast<double>(age));
  }
  return setup;
}

}  // namespace incubsim::model
