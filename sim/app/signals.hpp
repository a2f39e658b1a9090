#pragma once
// Ctrl-C and SIGTERM for the commands that simulate (run, compare, sweep). The first signal asks
// the engine to stop (engine/cancellation.hpp): the command keeps its finished runs, says how to
// resume and exits 128 + the signal. A second signal ends the process at once; finished parts are
// complete files already, so nothing finished is damaged.

namespace incubsim::app {

void install_stop_handlers();

// A write beyond RLIMIT_FSIZE (ulimit -f) fails with EFBIG, reported like a full disk, instead of
// killing the process with SIGXFSZ.
void ignore_file_size_signal();

}  // namespace incubsim::app
