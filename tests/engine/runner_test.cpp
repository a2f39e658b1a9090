#include "engine/runner.hpp"

#include <catch2/catch.hpp>

#include "support/run_output_difference.hpp"

#include <cstdint>
#include <string>
#include <tbb/global_control.h>
#include <tuple>
#include <vector>

#include "io/results.hpp"
#include "scenario/loader.hpp"

using namespace incubsim;

namespace {

std::string scenario_path(const std::string& relative) { return std::string(INCUBSIM_SOURCE_DIR) + "/" + relative; }

using incubsim::testing::difference;
using incubsim::testing::same_event;

std::vector<io::RunOutput> execute_with(const engine::RunPlan& plan, std::size_t threads, std::size_t max_in_flight) {
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, threads);
  std::vector<io::RunOutput> outputs;
  engine::execute(plan, max_in_flight, [&](io::RunOutput&& output) {
    outputs.push_back(std::move(output));
  });
  return outputs;
}

}  // namespace

TEST_CASE("RunPlan numbers runs scenario-major", "[engine]") {
  const scenario::Scenario small = scenario::load_scenario(scenario_path("scenarios/test/small.toml"));
  const scenario::Scenario baseline = scenario::load_scenario(scenario_path("scenarios/yiyuan/baseline-4n.toml"));
  engine::RunPlan plan;
  plan.scenarios = {&small.setup, &baseline.setup};
  plan.replications = 3;
  plan.seed = 77;
  CHECK(plan.total_runs() == 6);
  const engine::RunSpec spec = plan.spec(4);
  CHECK(spec.run == 4);
  CHECK(spec.scenario == 1);
  CHECK(spec.replication == 1);
  CHECK(spec.seed == 77);
  CHECK(plan.spec(2).scenario == 0);
  CHECK(plan.spec(2).replication == 2);
  CHECK(plan.spec(3).scenario == 1);
  CHECK(plan.spec(3).replication == 0);
  CHECK(plan.target_offsets() == std::vector<std::size_t>{0, 1, 9});  // small has 1 target, the baseline 8
}

TEST_CASE("execute gives the same outputs, in run order, with 1 and 2 threads", "[engine]") {
  const scenario::Scenario scenario = scenario::load_scenario(scenario_path("scenarios/yiyuan/baseline-4n.toml"));
  engine::RunPlan plan;
  plan.scenarios = {&scenario.setup};
  plan.replications = 8;
  plan.seed = 20210729;
  plan.record = io::RecordLevel::trajectories;
  const std::vector<io::RunOutput> one = execute_with(plan, 1, 2);
  const std::vector<io::RunOutput> two = execute_with(plan, 2, 4);
  const std::vector<io::RunOutput> narrow = execute_with(plan, 2, 1);  // one run in flight at a time
  REQUIRE(one.size() == 8);
  REQUIRE(two.size() == 8);
  REQUIRE(narrow.size() == 8);
  for (std::uint32_t r = 0; r < 8; ++r) {
    INFO("run " << r);
    CHECK(one[r].run == r);
    CHECK(two[r].run == r);
    CHECK(difference(one[r], two[r]) == "");
    CHECK(difference(one[r], narrow[r]) == "");
    // The pipeline adds nothing to a plain simulate_run of the same spec.
    CHECK(difference(one[r], engine::simulate_run(scenario.setup, plan.spec(r), plan.record)) == "");
  }
  CHECK(one[0].indicators != one[1].indicators);
}

TEST_CASE("execute widens targets_met to every scenario's targets, 255 for the others", "[engine]") {
  const scenario::Scenario small = scenario::load_scenario(scenario_path("scenarios/test/small.toml"));
  const scenario::Scenario baseline = scenario::load_scenario(scenario_path("scenarios/yiyuan/baseline-4n.toml"));
  engine::RunPlan plan;
  plan.scenarios = {&small.setup, &baseline.setup};
  plan.replications = 2;
  plan.seed = 5;
  plan.record = io::RecordLevel::indicators;
  const std::vector<io::RunOutput> outputs = execute_with(plan, 2, 4);
  REQUIRE(outputs.size() == 4);
  const std::vector<std::size_t> offsets = plan.target_offsets();
  for (std::uint32_t r = 0; r < 4; ++r) {
    INFO("run " << r);
    const io::RunOutput& output = outputs[r];
    const engine::RunSpec spec = plan.spec(r);
    CHECK(output.run == r);
    CHECK(output.scenario == spec.scenario);
    CHECK(output.replication == spec.replication);
    REQUIRE(output.targets_met.size() == 9);
    const io::RunOutput own = engine::simulate_run(*plan.scenarios[spec.scenario], spec, plan.record);
    for (std::size_t t = 0; t < 9; ++t) {
      INFO("target " << t);
      const bool mine = t >= offsets[spec.scenario] && t < offsets[spec.scenario + 1];
      if (mine) {
        CHECK(output.targets_met[t] == own.targets_met[t - offsets[spec.scenario]]);
        CHECK(output.targets_met[t] <= 1);
      } else {
        CHECK(output.targets_met[t] == 255);
      }
    }
    CHECK(output.indicators == own.indicators);
  }
}
