#include "engine/sweep.hpp"

#include <sstream>

#include "engine/experiment_errors.hpp"
#include "scenario/keys.hpp"

namespace incubsim::engine {

PointOverrides::PointOverrides(const Design& design, const scenario::Scenario& base, std::vector<std::string> base_overrides)
    : design_(design), base_overrides_(std::move(base_overrides)) {
  model::ModelParameters parameters = base.setup.parameters;  // find_parameter gives a writable field
  for (const Factor& factor : design.factors) {
    bool quoted = false;
    if (factor.kind == Factor::Kind::categorical) {
      const scenario::ValueType type = scenario::find_parameter(parameters, factor.key)->spec->type;
      quoted = !(type == scenario::ValueType::real || type == scenario::ValueType::integer || type == scenario::ValueType::boolean);
    }
    quoted_.push_back(quoted);
  }
}

std::string PointOverrides::text(std::size_t factor_index, double value) const {
  const Factor& factor = design_.factors[factor_index];
  if (factor.kind != Factor::Kind::categorical) return factor.key + "=" + value_text(factor, value);
  const std::string& choice = factor.choices.at(static_cast<std::size_t>(value));
  return factor.key + "=" + (quoted_[factor_index] ? "\"" + choice + "\"" : choice);
}

std::vector<std::string> PointOverrides::at(std::size_t point) const {
  std::vector<std::string> overrides = base_overrides_;
  for (std::size_t f = 0; f < design_.factors.size(); ++f) overrides.push_back(text(f, design_.values[point][f]));
  return overrides;
}

void check_factor_ends(const Design& design, const scenario::Scenario& base, const std::vector<std::string>& base_overrides) {
  const PointOverrides points(design, base, base_overrides);
  for (std::size_t f = 0; f < design.factors.size(); ++f) {
    const Factor& factor = design.factors[f];
    std::vector<double> checks;
    if (factor.kind == Factor::Kind::categorical) {
      for (std::size_t c = 0; c < factor.choices.size(); ++c) checks.push_back(static_cast<double>(c));
    } else {
      checks = {to_value(factor, 0.0), to_value(factor, 1.0)};
    }
    for (const double value : checks) {
      std::vector<std::string> overrides = base_overrides;
      overrides.push_back(points.text(f, value));
      scenario::check_population(scenario::load_scenario(base.path, overrides));
    }
  }
}

std::uint64_t sweep_runs(const Design& design, std::uint32_t replications) {
  return static_cast<std::uint64_t>(design.points()) * replications;
}

RunRange shard_runs(std::uint32_t total, unsigned index, unsigned count) {
  return RunRange{static_cast<std::uint32_t>(static_cast<std::uint64_t>(total) * (index - 1) / count),
                  static_cast<std::uint32_t>(static_cast<std::uint64_t>(total) * index / count)};
}

io::DesignInfo design_info(const Design& design, std::uint32_t samples) {
  io::DesignInfo info;
  info.kind = design.kind;
  info.seed = design.seed;
  info.samples = samples;
  info.base_samples = static_cast<std::uint32_t>(design.base_samples);
  if (design.kind == "morris") info.base_samples = static_cast<std::uint32_t>(design.morris_levels);
  if (design.kind == "grid") {  // the levels of the numeric factors (categorical ones take all their choices)
    for (const Factor& factor : design.factors) {
      if (factor.kind != Factor::Kind::categorical) info.base_samples = static_cast<std::uint32_t>(factor.levels);
    }
  }
  for (const Factor& factor : design.factors) {
    info.keys.push_back(factor.key);
    info.kinds.emplace_back(factor_kind_name(factor.kind));
    std::string choices;
    for (const std::string& choice : factor.choices) choices += (choices.empty() ? "" : ",") + choice;
    info.choices.push_back(choices);
    info.low.push_back(factor.low);
    info.high.push_back(factor.high);
  }
  info.points = static_cast<std::uint32_t>(design.points());
  for (std::size_t p = 0; p < design.points(); ++p) {
    info.unit.insert(info.unit.end(), design.unit[p].begin(), design.unit[p].end());
    info.values.insert(info.values.end(), design.values[p].begin(), design.values[p].end());
  }
  return info;
}

Design design_from(const io::DesignInfo& info, int grid_levels) {
  std::vector<Factor> factors;
  for (std::size_t f = 0; f < info.keys.size(); ++f) {
    Factor factor;
    factor.key = info.keys[f];
    const std::string& kind = info.kinds[f];
    factor.kind = kind == "integer" ? Factor::Kind::integer : kind == "log" ? Factor::Kind::log
                  : kind == "categorical" ? Factor::Kind::categorical : Factor::Kind::real;
    factor.low = info.low[f];
    factor.high = info.high[f];
    std::stringstream items(info.choices[f]);
    for (std::string item; std::getline(items, item, ',');) factor.choices.push_back(item);
    factor.levels = grid_levels;
    factors.push_back(factor);
  }
  if (info.kind == "grid") return grid(factors);
  if (info.kind == "latin_hypercube") return latin_hypercube(factors, info.samples, info.seed);
  if (info.kind == "sobol_saltelli") return sobol_saltelli(factors, info.samples, info.seed);
  if (info.kind == "morris") return morris(factors, info.samples, static_cast<int>(info.base_samples), info.seed);
  throw InvalidExperiment("unknown design kind '" + info.kind + "'");
}

}  // namespace incubsim::engine
