#pragma once
// Ctrl-C and SIGTERM for the commands that simulate (run, compare, sweep). The first signal asks
// the engine to stop (engine/cancellation.hpp): the command keeps its finished runs, says how to
// resume and exits 128 + the signal. A second signal ends the process at once; finished parts are
// complete files already, so nothing finished is damaged.

#include <string>

namespace incubsim::app {

void install_stop_handlers();

// A write beyond RLIMIT_FSIZE (ulimit -f) fails with EFBIG, reported like a full disk, instead of
// killing the process with SIGXFSZ.
void ignore_file_size_signal();

// libhdf5 1.10.8 can crash (SIGSEGV) reading a damaged file: it trusts lengths in a damaged
// variable-length string heap (docs/reliability.md, "Fuzzing"). While a ReadingResults is alive,
// such a crash ends the process with exit code 2 and a message naming the file instead of a core
// dump; outside one, a crash stays a crash. Installed by main only, and not in sanitizer builds,
// whose own handlers must see every fault.
void install_damaged_file_guard();

// libhdf5 1.10.8 can also loop forever on a damaged string heap: bound each read of
// variable-length strings by `default_string_read_seconds` of CPU time (io/read_watchdog.hpp), or
// by INCUBSIM_STRING_READ_CPU_SECONDS when set (0 turns the bound off). Returns the problem with
// that variable's value, or "" (installed in every build, the sanitizer builds too).
inline constexpr double default_string_read_seconds = 10.0;
std::string limit_string_reads_from_environment();

class ReadingResults {
 public:
  explicit ReadingResults(const std::string& path) noexcept;
  ~ReadingResults();
  ReadingResults(const ReadingResults&) = delete;
  ReadingResults& operator=(const ReadingResults&) = delete;
};

}  // namespace incubsim::app
