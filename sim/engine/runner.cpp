#include "engine/runner.hpp"

#include <stdexcept>
#include <string>
#include <tbb/parallel_pipeline.h>

namespace incubsim::engine {

RunSpec RunPlan::spec(std::uint32_t run) const {
  RunSpec spec;
  spec.run = run;
  spec.scenario = run / replications;
  spec.replication = run % replications;
  spec.seed = seed;
  return spec;
}

std::vector<std::size_t> RunPlan::target_offsets() const {
  std::vector<std::size_t> offsets;
  std::size_t offset = 0;
  for (const auto* scenario : scenarios) {
    offsets.push_back(offset);
    offset += scenario->targets.size();
  }
  offsets.push_back(offset);
  return offsets;
}

ScenarioSchedule RunPlan::schedule(std::uint32_t scenario) const {
  if (scenario < schedules.size() && schedules[scenario] != nullptr) return *schedules[scenario];
  return ScenarioSchedule::unscheduled(*scenarios[scenario]);
}

void execute(const RunPlan& plan, std::size_t max_in_flight, const RunConsumer& consume) {
  const auto total = static_cast<std::uint32_t>(plan.total_runs());
  const std::vector<std::size_t> offsets = plan.target_offsets();
  std::vector<ScenarioSchedule> schedules;
  for (std::uint32_t s = 0; s < plan.scenarios.size(); ++s) {
    schedules.push_back(plan.schedule(s));
    if (schedules.back().epochs.empty() || schedules.back().base().targets.size() != plan.scenarios[s]->targets.size()) {
      throw std::invalid_argument("scenario " + std::to_string(s) + "'s schedule does not match its setup");
    }
  }
  std::uint32_t next = 0;
  tbb::parallel_pipeline(
      std::max<std::size_t>(max_in_flight, 1),
      tbb::make_filter<void, RunSpec>(tbb::filter_mode::serial_in_order,
                                      [&](tbb::flow_control& control) {
                                        if (next == total) {
                                          control.stop();
                                          return RunSpec{};
                                        }
                                        return plan.spec(next++);
                                      }) &
          tbb::make_filter<RunSpec, io::RunOutput>(tbb::filter_mode::parallel,
                                                   [&](const RunSpec& spec) {
                                                     io::RunOutput output = simulate_run(schedules[spec.scenario], spec, plan.record);
                                                     std::vector<std::uint8_t> widened(offsets.back(), 255);
                                                     std::copy(output.targets_met.begin(), output.targets_met.end(),
                                                               widened.begin() + static_cast<std::ptrdiff_t>(offsets[spec.scenario]));
                                                     output.targets_met = std::move(widened);
                                                     return output;
                                                   }) &
          tbb::make_filter<io::RunOutput, void>(tbb::filter_mode::serial_in_order,
                                                [&](io::RunOutput output) { consume(std::move(output)); }));
}

}  // namespace incubsim::engine
