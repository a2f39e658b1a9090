// `incubsim compare REFERENCE OTHER...`: scenarios paired on common random numbers, each
// compared with the first, optionally at robustness points over their declared ranges.

#include <filesystem>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "app/report.hpp"
#include "app/simulating.hpp"
#include "engine/robustness_points.hpp"
#include "scenario/loader.hpp"

namespace incubsim::app {

namespace po = boost::program_options;

int compare_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out) {
  po::options_description options("incubsim compare REFERENCE.toml OTHER.toml... [options]  (the first is the reference)");
  options.add_options()("help,h", "show this help")("scenarios", po::value<std::vector<std::string>>(), "scenario TOML files")(
      "robustness", po::value<std::uint32_t>()->default_value(0),
      "M: also run every scenario at M Latin-hypercube points over the [uncertainty] ranges they declare");
  add_simulation_options(options, "trajectories");
  const std::optional<po::variables_map> parsed = parse_command(arguments, options, "scenarios", -1, out);
  if (!parsed) return exit_success;  // --help
  const po::variables_map& values = *parsed;
  const std::vector<std::string> files = values.count("scenarios") ? values["scenarios"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() < 2) throw UsageError("compare needs at least two scenarios: incubsim compare REFERENCE.toml OTHER.toml...");
  Simulation simulation = read_simulation_options("compare", values, command_line);
  engine::ExperimentPlan& plan = simulation.plan;
  std::vector<scenario::Scenario>& scenarios = plan.scenarios;
  for (const std::string& file : files) scenarios.push_back(scenario::load_scenario(file, plan.overrides));
  for (const scenario::Scenario& loaded : scenarios) scenario::check_population(loaded);  // the population cap: exit 2 up front
  for (std::size_t i = 1; i < scenarios.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (scenarios[i].name == scenarios[j].name) {
        throw UsageError("two scenarios are named '" + scenarios[i].name + "' (" + files[j] + ", " + files[i] + "); give each its own [scenario] name");
      }
    }
    if (scenarios[i].setup.months != scenarios[0].setup.months || scenarios[i].setup.start_year != scenarios[0].setup.start_year ||
        scenarios[i].setup.start_month != scenarios[0].setup.start_month) {
      throw UsageError("'" + files[i] + "' simulates other months than '" + files[0] + "'; compared scenarios share start and horizon");
    }
  }
  plan.robustness_points = values["robustness"].as<std::uint32_t>();
  if (plan.robustness_points > 0) {
    if (engine::assumptions_of(scenarios).empty()) {
      throw UsageError("--robustness needs assumptions with ranges, but none of the scenarios declares an [uncertainty] table (docs/scenarios.md)");
    }
    if (plan.robustness_points < 2) throw UsageError("--robustness needs at least 2 points");
    if (plan.replications < 2) throw UsageError("--robustness needs at least 2 replications (-r): a paired interval needs them");
  }
  if (plan.output.empty()) plan.output = std::filesystem::path("output") / ("compare-" + scenarios.front().name + ".h5");

  const engine::ExperimentResult result = simulate(simulation, out);
  if (result.already_complete) return exit_success;
  const io::ResultsHeader& header = result.header;
  out << "Compare " << scenarios.size() << " scenarios against " << scenarios.front().name << ": " << plan.replications
      << " replications each on common random numbers, seed " << plan.seed << ", " << header.month_labels.front() << " to "
      << header.month_labels.back() << ", results in " << plan.output.string() << "\n";
  print_comparison(out, header, result.summary);
  if (!result.summary.robustness.empty()) print_robustness(out, header, result.summary.robustness, plan.robustness_points);
  print_throughput(out, plan.command, result);
  return exit_success;
}

}  // namespace incubsim::app
