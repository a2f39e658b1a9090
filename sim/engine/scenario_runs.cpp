#include "engine/scenario_runs.hpp"

#include "model/indicators.hpp"
#include "model/names.hpp"
#include "model/state.hpp"

namespace incubsim::engine {

ScenarioPlan plan_scenarios(const std::vector<scenario::Scenario>& scenarios, std::uint32_t replications, std::uint32_t seed,
                            io::RecordLevel record) {
  ScenarioPlan planned;
  for (const auto& scenario : scenarios) {
    ScenarioSchedule& schedule = planned.schedules.emplace_back();
    for (const auto& epoch : scenario.epochs) schedule.epochs.emplace_back(epoch.first_month, &epoch.setup);
  }
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    planned.plan.scenarios.push_back(&scenarios[s].setup);
    planned.plan.schedules.push_back(&planned.schedules[s]);
  }
  planned.plan.replications = replications;
  planned.plan.seed = seed;
  planned.plan.record = record;
  return planned;
}

io::ResultsHeader results_header(const std::string& command, const std::vector<scenario::Scenario>& scenarios, const RunPlan& plan) {
  io::ResultsHeader header;
  header.command = command;
  header.record = plan.record;
  header.base_seed = plan.seed;
  header.replications = plan.replications;
  header.total_runs = static_cast<std::uint32_t>(plan.total_runs());
  const model::ModelSetup& first = scenarios.front().setup;
  for (int month = 0; month < first.months; ++month) header.month_labels.push_back(first.month_label(month));
  for (const auto& indicator : model::indicator_registry()) {
    header.indicators.push_back({std::string(indicator.name), std::string(indicator.unit), std::string(indicator.description),
                                 std::string(indicator.scope), std::string(indicator.measure)});
  }
  for (const auto& scenario : scenarios) {
    header.scenario_names.push_back(scenario.name);
    header.scenario_texts.push_back(scenario.resolved_text);
    const model::ModelSetup& setup = scenario.setup;
    for (std::size_t t = 0; t < setup.targets.size(); ++t) {
      const auto& target = setup.parameters.targets[t];
      header.targets.push_back({scenario.name, target.id, target.indicator, target.threshold, target.deadline,
                                setup.targets[t].deadline_month, target.scope, target.measure, target.kind, target.text});
    }
    for (const scenario::UncertainRange& range : scenario.uncertainty) {
      header.uncertainty.push_back({scenario.name, range.key, range.low, range.high, range.log_scale ? "log" : "linear", range.value, range.source});
    }
    for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
      const auto& carrier = setup.carrier_parameters(static_cast<int>(c));
      header.carriers.push_back({scenario.name, carrier.id, carrier.name, carrier.kind, carrier.operator_id, carrier.capacity,
                                 carrier.opening, carrier.in_base});
    }
  }
  for (int k = 0; k < model::event_kind_count; ++k) header.event_kinds.emplace_back(model::event_kind_name(k));
  for (int s = 0; s < model::stage_count; ++s) header.stages.emplace_back(model::stage_name(s));
  for (int s = 0; s < model::status_count; ++s) header.statuses.emplace_back(model::status_name(s));
  header.carrier_kinds.assign(model::carrier_kind_names.begin(), model::carrier_kind_names.end());
  header.carrier_levels.assign(model::carrier_level_names.begin(), model::carrier_level_names.end());
  header.objectives.assign(model::objective_names.begin(), model::objective_names.end());
  for (const model::OperatorType& type : model::operator_types) header.operator_types.emplace_back(type.name);
  header.stream_kinds.assign(model::stream_kind_names.begin(), model::stream_kind_names.end());
  header.listing_boards.assign(model::listing_board_names.begin(), model::listing_board_names.end());
  return header;
}

}  // namespace incubsim::engine
