#pragma once
// ModelSetup: parameters resolved for execution — names turned into indices, months into month
// indices, disabled carriers dropped. Built once per scenario, shared read-only by its runs.

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/parameters.hpp"

namespace incubsim::model {

// Names in enum order: model/names.hpp.
enum class CarrierKind : std::uint8_t { nursery = 0, incubator = 1, accelerator = 2, park = 3 };
enum class CarrierLevel : std::uint8_t { none = 0, municipal = 1, provincial = 2, national = 3 };
enum class SelectionObjective : std::uint8_t { quality = 0, ability_to_pay = 1, policy_fit = 2 };

const char* carrier_kind_name(int kind);

struct ResolvedCarrier {
  CarrierKind kind = CarrierKind::nursery;
  CarrierLevel level = CarrierLevel::municipal;
  int parameter_index = 0;  // index into ModelParameters::carriers
  int operator_index = 0;
  int opening_month = 0;
  std::uint64_t sector_mask = ~std::uint64_t{0};  // bit s set: serves sector s
  double service_quality = 0.5;
  double screening_noise = 1.0;
  SelectionObjective objective = SelectionObjective::quality;
  bool demand_opening = false;     // opened by a market operator when demand persists
  bool per_outcome = false;        // operator paid per graduation
  bool in_base = false;
  bool technology_operator = false;  // run by a research institute or agri-science station
};

struct ResolvedTarget {
  int indicator = 0;       // index into the indicator registry
  int deadline_month = 0;  // month index, inclusive
};

// A problem found while resolving, with the parameter key and the element it concerns; the
// scenario layer adds file and line.
class ResolveError : public std::runtime_error {
 public:
  ResolveError(std::string key, std::string element_id, const std::string& message)
      : std::runtime_error(message), key_(std::move(key)), element_id_(std::move(element_id)) {}
  const std::string& key() const noexcept { return key_; }
  const std::string& element_id() const noexcept { return element_id_; }

 private:
  std::string key_;
  std::string element_id_;
};

// A run crossed ModelSetup::max_ventures_per_run (the population cap, docs/odd.md).
class PopulationExploded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ModelSetup {
  ModelParameters parameters;
  int start_year = 2021;
  int start_month = 7;  // 1..12
  int months = 54;
  std::vector<double> sector_cumulative_share;  // normalised, ends at 1
  std::vector<int> source_origin;               // per source: 0 grassroots, 1 talent, 2 spin-off, 3 recruited
  std::vector<int> source_direct_stage;         // per source: earliest kind its entrants apply to
  int talent_source = -1;                       // index of the "talent" source (programme founders copy it), -1: none
  int spin_off_source = -1;                     // index of the "spin-off" source (platforms add to it), -1: none
  std::vector<ResolvedCarrier> carriers;        // enabled carriers only
  bool has_demand_carriers = false;             // some carrier opens on demand (opening_rule = "demand")
  // Firms present at the start: every carrier's `initial_residents`, in carrier order. A disabled
  // carrier's firms still exist, outside every carrier: the firms predate the programme, so a
  // scenario without the carrier (the no-programme counterfactual) starts with the same firms.
  struct InitialFirms {
    int carrier = -1;     // index into `carriers`; -1: the carrier is disabled
    int parameter_index = 0;  // index into parameters.carriers
    int count = 0;
    int sector = -1;      // the carrier's lowest-numbered sector, -1: drawn like any entrant's
  };
  std::vector<InitialFirms> initial_firms;
  std::vector<ResolvedTarget> targets;          // parallel to parameters.targets
  // Monthly failure probability by age in months (0 .. months + 63; older ages use the last),
  // precomputed from the hazard parameters so the monthly loop does no pow().
  std::vector<double> hazard_by_age;

  const CarrierParameters& carrier_parameters(int carrier) const {
    return parameters.carriers[static_cast<std::size_t>(carriers[static_cast<std::size_t>(carrier)].parameter_index)];
  }
  // The population cap (docs/odd.md §7.2, "Population cap"): a run never holds more ventures
  // than this (about 0.6 GB of venture state). run, compare and sweep refuse a scenario whose
  // expected ventures (model/population.hpp) exceed it up front (scenario::check_population,
  // exit 2); a run that crosses it anyway stops with PopulationExploded (add_venture; exit 1).
  static constexpr std::uint64_t max_ventures_per_run = std::uint64_t{1} << 22;
  // Mean potential entrants a month of a source, platforms' spin-offs included.
  double potential_per_month(std::size_t source) const;
  std::string month_label(int month_index) const;
};

// "YYYY-MM" -> (year, month); throws std::invalid_argument on a malformed text.
std::pair<int, int> parse_year_month(const std::string& text);

// Throws ResolveError for dangling references and inconsistent values.
ModelSetup resolve(const ModelParameters& parameters);

}  // namespace incubsim::model
