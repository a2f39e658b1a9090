// `incubsim run SCENARIO`: replications of one scenario into a results file, and its report.

#include <filesystem>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "app/report.hpp"
#include "app/simulating.hpp"
#include "scenario/loader.hpp"

namespace incubsim::app {

namespace po = boost::program_options;

int run_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out) {
  po::options_description options("incubsim run SCENARIO [options]");
  options.add_options()("help,h", "show this help")("scenario", po::value<std::string>(), "scenario TOML file");
  add_simulation_options(options, "trajectories");
  const std::optional<po::variables_map> parsed = parse_command(arguments, options, "scenario", 1, out);
  if (!parsed) return exit_success;  // --help
  const po::variables_map& values = *parsed;
  if (!values.count("scenario")) throw UsageError("run needs a scenario file: incubsim run SCENARIO.toml");
  Simulation simulation = read_simulation_options("run", values, command_line);
  engine::ExperimentPlan& plan = simulation.plan;
  plan.scenarios.push_back(scenario::load_scenario(values["scenario"].as<std::string>(), plan.overrides));
  scenario::check_population(plan.scenarios.back());  // the population cap: exit 2 up front
  if (plan.output.empty()) plan.output = std::filesystem::path("output") / (plan.scenarios.front().name + ".h5");

  const engine::ExperimentResult result = simulate(simulation, out);
  if (result.already_complete) return exit_success;
  const io::ResultsHeader& header = result.header;
  out << "Scenario " << plan.scenarios.front().name << ": " << plan.replications << " replications, seed " << plan.seed << ", "
      << header.month_labels.front() << " to " << header.month_labels.back() << ", results in " << plan.output.string() << "\n";
  print_targets(out, header, result.summary);
  print_outcomes(out, header, result.summary);
  print_throughput(out, plan.command, result);
  return exit_success;
}

}  // namespace incubsim::app
