#pragma once
// Where and how a results file was made: version, commit, command line, host, threads, times.

#include <chrono>
#include <string>

#include "io/results.hpp"

namespace incubsim::engine {

// The provenance of a command starting now.
io::Provenance start_provenance(const std::string& command_line, int threads);

// Stamps the finishing time and the wall time since `start`.
void finish_provenance(io::Provenance& provenance, std::chrono::steady_clock::time_point start);

}  // namespace incubsim::engine
