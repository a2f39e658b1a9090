#pragma once
// The tables the simulating commands print from what an experiment concludes: targets, key
// outcomes, the paired comparison, robustness, sensitivity, and the closing line with the
// command's throughput.

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

#include "engine/experiment.hpp"
#include "engine/merge.hpp"
#include "io/results.hpp"

namespace incubsim::app {

void print_targets(std::ostream& out, const io::ResultsHeader& header, const io::ResultsSummary& summary);
void print_outcomes(std::ostream& out, const io::ResultsHeader& header, const io::ResultsSummary& summary);
void print_comparison(std::ostream& out, const io::ResultsHeader& header, const io::ResultsSummary& summary);
void print_robustness(std::ostream& out, const io::ResultsHeader& header, const io::RobustnessResult& result, std::uint32_t points);
void print_sensitivity(std::ostream& out, const io::ResultsSummary& summary);

// "incubsim run: 10 runs, 1,234 venture-months, 0.52 s wall, ...": the last line of run, compare
// and sweep.
void print_throughput(std::ostream& out, const std::string& command, const engine::ExperimentResult& result);

// What merge prints about the file it wrote, `seconds` after it started.
void print_merge(std::ostream& out, const std::filesystem::path& output, const engine::MergeResult& merged, double seconds);

}  // namespace incubsim::app
