#include "engine/runner.hpp"

#include "engine/cancellation.hpp"

#include <atomic>
#include <exception>
#include <optional>
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

// What the parallel stage hands on: a finished run, or why there is none (an exception, also
// Interrupted for a run abandoned on a stop request).
struct Outcome {
  std::optional<io::RunOutput> output;
  std::exception_ptr error;
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
  // Nothing is thrown across the pipeline: a cancelled oneTBB pipeline drops the items between
  // its stages without destroying them (LeakSanitizer sees their buffers). A failed or abandoned
  // run travels as an Outcome instead; the first one in run order stops the consuming, the input
  // stage stops issuing, and the runs in flight drain; then its error is thrown here.
  std::atomic<bool> ending{false};
  std::exception_ptr failure;
  std::shared_ptr<PointSlot> current;  // the slot of the point the input stage is issuing
  tbb::parallel_pipeline(
      std::max<std::size_t>(max_in_flight, 1),
      tbb::make_filter<void, Job>(tbb::filter_mode::serial_in_order,
                                  [&](tbb::flow_control& control) {
                                    if (next == end_run || stop_requested() || ending.load(std::memory_order_relaxed)) {
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
          tbb::make_filter<Job, Outcome>(tbb::filter_mode::parallel,
                                         [&](const Job& job) {
                                           Outcome outcome;
                                           try {
                                             // A stop abandons the runs in flight (each also checks monthly).
                                             if (stop_requested() || ending.load(std::memory_order_relaxed)) throw Interrupted();
                                             const RunSpec& spec = job.spec;
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
                                             outcome.output = std::move(output);
                                           } catch (...) {
                                             outcome.error = std::current_exception();
                                           }
                                           return outcome;
                                         }) &
          tbb::make_filter<Outcome, void>(tbb::filter_mode::serial_in_order, [&](Outcome outcome) {
            if (failure) return;  // an earlier run failed: the rest only drain
            if (!outcome.error) {
              try {
                consume(std::move(*outcome.output));
                ++consumed;
                return;
              } catch (...) {
                outcome.error = std::current_exception();
              }
            }
            failure = outcome.error;
            ending.store(true, std::memory_order_relaxed);
          }));
  if (failure) std::rethrow_exception(failure);
  if (consumed != end_run - first_run) throw Interrupted();  // the input stage stopped early
}

}  // namespace incubsim::engine
