#pragma once
// What run, compare and sweep share on the command line: their options, read into an
// engine::ExperimentPlan, and running that plan on a terminal (progress bar, resource estimate,
// the resume note, the crash guard for reading parts). Ctrl-C reaches the engine through
// engine/cancellation.hpp (app/signals.hpp installs the handler).

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include <boost/program_options.hpp>

#include "engine/experiment.hpp"

namespace incubsim::app {

// Options shared by the commands that simulate.
void add_simulation_options(boost::program_options::options_description& options, const char* record_default,
                            std::uint32_t part_runs = 16);

struct Simulation {
  engine::ExperimentPlan plan;  // without scenarios yet
  bool quiet = false;           // -q: no progress bar, no resource estimate line
};

// The shared options of `command` (UsageError when out of range), with `command_line` for the
// provenance and the resume hint.
Simulation read_simulation_options(const std::string& command, const boost::program_options::variables_map& values,
                                   const std::string& command_line);

// Runs the experiment with a progress bar on a terminal (unless quiet). A resume says on `out` how
// many runs its parts hold; one whose file is already complete says so on `out` and returns with
// already_complete set.
engine::ExperimentResult simulate(const Simulation& simulation, std::ostream& out);

// Reads a results file under the damaged-file guard (app/signals.hpp): a libhdf5 crash on it
// exits 2 naming the file.
void read_guarded(const std::string& path, const std::function<void()>& read);

}  // namespace incubsim::app
