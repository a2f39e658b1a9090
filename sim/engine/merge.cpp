#include "engine/merge.hpp"

#include <algorithm>
#include <chrono>

#include "engine/conclusions.hpp"
#include "engine/provenance.hpp"
#include "engine/sweep.hpp"
#include "io/hdf5.hpp"
#include "io/results_reader.hpp"
#include "io/results_writer.hpp"

namespace incubsim::engine {

namespace fs = std::filesystem;

namespace {

struct Shard {
  fs::path path;
  std::uint32_t first = 0, runs = 0;
};

void read_guarded(const GuardedRead& guarded_read, const fs::path& path, const std::function<void()>& read) {
  if (guarded_read) {
    guarded_read(path.string(), read);
  } else {
    read();
  }
}

// The shards in run order, with the header they share; each checked to be a shard of the same
// sweep, and together to hold every run of it exactly once.
std::vector<Shard> checked_shards(const std::vector<std::string>& shard_files, const GuardedRead& guarded_read, io::ResultsHeader& header) {
  std::vector<Shard> shards;
  std::string plan;
  for (const std::string& file : shard_files) {
    const fs::path path = file;
    if (!fs::exists(path)) throw InvalidExperiment("shard '" + path.string() + "' not found");
    try {
      read_guarded(guarded_read, path, [&] {
        const io::h5::File opened = io::open_results(path);
        const std::string this_plan = opened.has_attribute("plan") ? opened.read_string_attribute("plan") : std::string();
        if (this_plan.empty()) throw InvalidExperiment("'" + path.string() + "' has no plan fingerprint: not a shard of this incubsim's sweeps");
        if (plan.empty()) {
          plan = this_plan;
          header = io::read_header(path);
        } else if (this_plan != plan) {
          throw InvalidExperiment("'" + path.string() + "' belongs to a different sweep (plan " + this_plan + ", not " + plan + ")");
        }
        const std::vector<std::uint32_t> runs = io::read_column<std::uint32_t>(path, "/runs/run");
        if (runs.empty()) throw InvalidExperiment("'" + path.string() + "' holds no runs");
        shards.push_back(Shard{path, runs.front(), static_cast<std::uint32_t>(runs.size())});
      });
    } catch (const io::ResultsError& error) {
      throw InvalidExperiment(error.what());
    }
  }
  if (header.command != "sweep")
    throw InvalidExperiment("merge joins shards of a sweep; '" + shard_files.front() + "' is from '" + header.command + "'");
  std::sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) { return a.first < b.first; });
  std::uint32_t next = 0;
  for (const Shard& shard : shards) {
    if (shard.first < next) throw InvalidExperiment("'" + shard.path.string() + "' overlaps another shard (runs from " + std::to_string(shard.first) + ")");
    if (shard.first > next) throw InvalidExperiment("runs " + std::to_string(next) + ".." + std::to_string(shard.first - 1) + " are missing: no shard holds them");
    next = shard.first + shard.runs;
  }
  if (next != header.total_runs) throw InvalidExperiment("runs " + std::to_string(next) + ".." + std::to_string(header.total_runs - 1) + " are missing: no shard holds them");
  return shards;
}

}  // namespace

MergeResult merge_shards(const fs::path& output, const std::vector<std::string>& shard_files, bool force, const std::string& command_line,
                         const GuardedRead& guarded_read) {
  if (fs::exists(output) && !force) throw InvalidExperiment("results file '" + output.string() + "' exists; use --force to overwrite it");
  const auto start = std::chrono::steady_clock::now();
  MergeResult merged;
  const std::vector<Shard> shards = checked_shards(shard_files, guarded_read, merged.header);
  const io::ResultsHeader& header = merged.header;
  const Design design = design_from(header.design, static_cast<int>(header.design.base_samples));
  Conclusions conclusions(header, design);
  try {
    for (const Shard& shard : shards) {
      read_guarded(guarded_read, shard.path,
                   [&] { io::for_each_run_summary(shard.path, header, [&](const io::RunOutput& run) { conclusions.add(run); }); });
    }
  } catch (const io::ResultsError& error) {
    throw InvalidExperiment(error.what());  // a damaged shard: bad input, nothing written
  }
  merged.summary = conclusions.conclude();
  merged.shards = shards.size();
  io::Provenance provenance = start_provenance(command_line, 0);
  std::vector<std::pair<fs::path, std::pair<std::uint32_t, std::uint32_t>>> parts;
  for (const Shard& shard : shards) parts.push_back({shard.path, {shard.first, shard.runs}});
  finish_provenance(provenance, start);
  io::assemble_results(output, header, parts, provenance, merged.summary);
  return merged;
}

}  // namespace incubsim::engine
