#include "engine/robustness_points.hpp"

#include <algorithm>
#include <limits>

#include "engine/comparison.hpp"
#include "engine/design.hpp"
#include "engine/experiment_errors.hpp"
#include "engine/robustness.hpp"
#include "engine/scenario_runs.hpp"

namespace incubsim::engine {
namespace {

// A scenario's range as a design factor, so quantile u maps to a value exactly as sweeps map it.
Factor factor_of(const scenario::UncertainRange& range) {
  Factor factor;
  factor.key = range.key;
  factor.kind = range.integer ? Factor::Kind::integer : range.log_scale ? Factor::Kind::log : Factor::Kind::real;
  factor.low = range.low;
  factor.high = range.high;
  return factor;
}

}  // namespace

std::vector<Assumption> assumptions_of(const std::vector<scenario::Scenario>& scenarios) {
  std::vector<Assumption> assumptions;
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    for (const scenario::UncertainRange& range : scenarios[s].uncertainty) {
      auto found = std::find_if(assumptions.begin(), assumptions.end(), [&](const Assumption& a) { return a.key == range.key; });
      if (found == assumptions.end()) {
        assumptions.push_back(Assumption{range.key, std::vector<std::optional<scenario::UncertainRange>>(scenarios.size())});
        found = assumptions.end() - 1;
      }
      found->range[s] = range;
    }
  }
  std::sort(assumptions.begin(), assumptions.end(), [](const Assumption& a, const Assumption& b) { return a.key < b.key; });
  return assumptions;
}

RobustnessPoints prepare_robustness(const std::vector<scenario::Scenario>& scenarios, const std::vector<std::string>& overrides,
                                    std::uint32_t points, std::uint32_t seed) {
  const std::vector<Assumption> assumptions = assumptions_of(scenarios);
  RobustnessPoints prepared;
  io::RobustnessResult& result = prepared.result;
  result.scenarios = static_cast<std::uint32_t>(scenarios.size());
  std::vector<Factor> unit_factors;
  for (const Assumption& assumption : assumptions) {
    result.keys.push_back(assumption.key);
    Factor factor;
    factor.key = assumption.key;
    unit_factors.push_back(factor);  // real on [0, 1]: the quantile
  }
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    std::vector<std::uint8_t> declared;
    for (const Assumption& assumption : assumptions) declared.push_back(assumption.range[s] ? 1 : 0);
    result.declared.push_back(std::move(declared));
  }
  const Design design = latin_hypercube(unit_factors, points, seed);
  for (std::size_t p = 0; p < design.points(); ++p) {
    result.unit.push_back(design.unit[p]);
    std::vector<double> reference_values;
    std::vector<scenario::Scenario> at_point;
    for (std::size_t s = 0; s < scenarios.size(); ++s) {
      std::vector<std::string> at_point_overrides = overrides;
      for (std::size_t k = 0; k < assumptions.size(); ++k) {
        const auto& range = assumptions[k].range[s];
        if (!range) {
          if (s == 0) reference_values.push_back(std::numeric_limits<double>::quiet_NaN());
          continue;
        }
        const Factor factor = factor_of(*range);
        const double value = to_value(factor, design.unit[p][k]);
        if (s == 0) reference_values.push_back(value);
        at_point_overrides.push_back(range->key + "=" + value_text(factor, value));
      }
      try {
        at_point.push_back(scenario::load_scenario_point(scenarios[s].path, at_point_overrides));
      } catch (const scenario::ScenarioError& error) {
        std::string set;
        for (std::size_t o = overrides.size(); o < at_point_overrides.size(); ++o) set += " --set " + at_point_overrides[o];
        throw InvalidExperiment("robustness point " + std::to_string(p) + " is not a valid " + scenarios[s].name +
                                " scenario (ranges that are valid alone can conflict together):" + set + "\n" + error.what());
      }
    }
    result.values.push_back(reference_values);
    prepared.scenarios.push_back(std::move(at_point));
  }
  return prepared;
}

io::RobustnessResult run_robustness(RobustnessPoints prepared, std::uint32_t replications, std::uint32_t seed, int threads,
                                    const std::function<void(const io::RunOutput&)>& ran) {
  io::RobustnessResult result = std::move(prepared.result);
  std::vector<std::vector<io::ComparisonRow>> comparisons;
  for (std::vector<scenario::Scenario>& at_point : prepared.scenarios) {
    const ScenarioPlan planned = plan_scenarios(at_point, replications, seed, io::RecordLevel::indicators);
    const RunPlan& plan = planned.plan;
    const io::ResultsHeader header = results_header("compare", at_point, plan);
    ComparisonAccumulator comparison(header, replications);
    execute(plan, 2 * static_cast<std::size_t>(threads), [&](io::RunOutput&& run) {
      comparison.add(run);
      ran(run);
    });
    comparisons.push_back(comparison.rows());
  }
  summarise_robustness(result, comparisons);
  return result;
}

}  // namespace incubsim::engine
