// incubsim: the command line. Each subcommand parses its own options (Boost.Program_options),
// turns bad input into one clear message and exit code 2, runtime failures into exit code 1.

#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/parallel.hpp"
#include "app/signals.hpp"

int main(int argc, char** argv) {
  using namespace incubsim::app;
  const ParallelSession session(argc, argv);  // MPI builds only; a no-op otherwise
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  ignore_file_size_signal();
  if (!arguments.empty() && (arguments[0] == "run" || arguments[0] == "compare" || arguments[0] == "sweep")) install_stop_handlers();
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  return dispatch(arguments, command_line, std::cout, std::cerr);
}
