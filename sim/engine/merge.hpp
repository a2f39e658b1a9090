#pragma once
// Joins the shards of one sweep (`incubsim merge`, and rank 0 under mpirun) into the file the
// whole sweep would have written, with its conclusions drawn over all the shards' runs.

#include <filesystem>
#include <string>
#include <vector>

#include "engine/experiment.hpp"
#include "io/results.hpp"

namespace incubsim::engine {

struct MergeResult {
  io::ResultsHeader header;
  io::ResultsSummary summary;
  std::size_t shards = 0;
};

// Shards that are missing, damaged, of another sweep, overlapping or leaving runs out are bad
// input (InvalidExperiment), with nothing written.
MergeResult merge_shards(const std::filesystem::path& output, const std::vector<std::string>& shard_files, bool force,
                         const std::string& command_line, const GuardedRead& guarded_read = {});

}  // namespace incubsim::engine
