#include "engine/runner.hpp"

#include "engine/cancellation.hpp"

#include <stdexcept>
#include <memory>
#include <mutex>
#include <string>
#include <tbb/parallel_pipeline.h>

namespace incubsim::engine {

RunSpec RunPlan::spec(std::uint32_t run) const {
  RunSpec spec;
  spec.run = run;
  spec.point = run / replications;
  spec.scenario = points > 0 ? 0 : spec.point;
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

namespace {

// One design point's setups, loaded once by the first of its runs to start; the others wait.
struct PointSlot {
  std::uint32_t point = 0;
  std::once_flag once;
  LoadedPoint loaded;
};

struct Job {
  RunSpec spec;
  std::shared_ptr<PointSlot> slot;  // sweeps only
};

}  // namespace

void execute(const RunPlan& plan, std::size_t max_in_flight, const RunConsumer& consume) {
  execute(plan, 0, static_cast<std::uint32_t>(plan.total_runs()), max_in_flight, consume);
}

void execute(const RunPlan& plan, std::uint32_t first_run, std::uint32_t end_run, std::size_t max_in_flight, const RunConsumer& consume) {
  const auto total = static_cast<std::uint32_t>(plan.total_runs());
  if (first_run > end_run || end_run > total) throw std::invalid_argument("run range does not fit the plan");
  if (plan.points > 0 && (plan.scenarios.size() != 1 || !plan.load_point)) throw std::invalid_argument("a sweep plan needs one scenario and a point loader");
  const std::vector<std::size_t> offsets = plan.target_offsets();
  std::vector<ScenarioSchedule> schedules;
  for (std::uint32_t s = 0; s < plan.scenarios.size(); ++s) {
    schedules.push_back(plan.schedule(s));
    if (schedules.back().epochs.empty() || schedules.back().base().targets.size() != plan.scenarios[s]->targets.size()) {
      throw std::invalid_argument("scenario " + std::to_string(s) + "'s schedule does not match its setup");
    }
  }
  std::uint32_t next = first_run;
  std::uint32_t consumed = 0;
  std::shared_ptr<PointSlot> current;  // the slot of the point the input stage is issuing
  tbb::parallel_pipeline(
      std::max<std::size_t>(max_in_flight, 1),
      tbb::make_filter<void, Job>(tbb::filter_mode::serial_in_order,
                                  [&](tbb::flow_control& control) {
                                    if (next == end_run || stop_requested()) {
                                      control.stop();
                                      return Job{};
                                    }
                                    Job job{plan.spec(next++), nullptr};
                                    if (plan.points > 0) {
                                      if (!current || current->point != job.spec.point) {
                                        current = std::make_shared<PointSlot>();
                                        current->point = job.spec.point;
                                      }
                                      job.slot = current;
                                    }
                                    return job;
                                  }) &
          tbb::make_filter<Job, io::RunOutput>(tbb::filter_mode::parallel,
                                               [&](const Job& job) {
                                                 const RunSpec& spec = job.spec;
                                                 if (stop_requested()) throw Interrupted();  // cancels the runs in flight
                                                 const ScenarioSchedule* schedule = &schedules[spec.scenario];
                                                 if (job.slot) {
                                                   std::call_once(job.slot->once, [&] { job.slot->loaded = plan.load_point(spec.point); });
                                                   schedule = &job.slot->loaded.schedule;
                                                 }
                                                 io::RunOutput output = simulate_run(*schedule, spec, plan.record);
                                                 output.point = spec.point;
                                                 std::vector<std::uint8_t> widened(offsets.back(), 255);
                                                 std::copy(output.targets_met.begin(), output.targets_met.end(),
                                                           widened.begin() + static_cast<std::ptrdiff_t>(offsets[spec.scenario]));
                                                 output.targets_met = std::move(widened);
                                                 return output;
                                               }) &
          tbb::make_filter<io::RunOutput, void>(tbb::filter_mode::serial_in_order,
                                                [&](io::RunOutput output) {
                                                  consume(std::move(output));
                                                  ++consumed;
                                                }));
  if (consumed != end_run - first_run) throw Interrupted();  // the input stage stopped early
}

}  // namespace incubsim::engine
