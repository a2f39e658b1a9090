// incubsim: the command line. Each subcommand parses its own options (Boost.Program_options),
// turns bad input into one clear message and exit code 2, runtime failures into exit code 1.

#include <hdf5.h>

#include <cstdio>
#include <cstdlib>
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
  install_damaged_file_guard();
  if (const std::string problem = limit_string_reads_from_environment(); !problem.empty()) {
    std::cerr << "incubsim: " << problem << '\n';
    return 2;
  }
  if (!arguments.empty() && (arguments[0] == "run" || arguments[0] == "compare" || arguments[0] == "sweep")) install_stop_handlers();
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  const int code = dispatch(arguments, command_line, std::cout, std::cerr);
  // A file whose close failed (a full disk) stays open inside libhdf5, and libhdf5 then crashes in
  // its exit handler closing it again (upstream, 1.10.8; docs/reliability.md). Every file the
  // command opened is closed by now, so when such a file is left, leave without that handler.
  if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE) > 0) {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(code);
  }
  return code;
}
