#include "engine/resources.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>

#include "engine/experiment_errors.hpp"
#include "engine/simulation.hpp"
#include "io/results_writer.hpp"
#include "io/schema.hpp"
#include "model/population.hpp"
#include "model/setup.hpp"

namespace incubsim::engine {
namespace fs = std::filesystem;

namespace {

// ---- Bytes per row, measured (docs/reliability.md, "Resource limits") -----------------------
// Bytes of one stored row, before compression: the sizes of the registry's columns.
const double event_row_bytes = static_cast<double>(io::schema::row_bytes(io::schema::event_columns()));
const double trajectory_row_bytes = static_cast<double>(io::schema::row_bytes(io::schema::trajectory_columns()));
const double runs_row_bytes = static_cast<double>(io::schema::row_bytes(io::schema::run_columns()));
const double venture_row_bytes = static_cast<double>(io::schema::row_bytes(io::schema::venture_columns()));
// Stored / raw size after shuffle + deflate 4, from h5py's get_storage_size() on real files
// (Yiyuan baseline -r 20, test/small -r 50, bench/large -r 1): indicators 0.21-0.35,
// events 0.11-0.17, trajectories 0.37-0.41. The upper ends, so the estimate errs high.
constexpr double indicators_compression = 0.30;
constexpr double events_compression = 0.17;
constexpr double trajectories_compression = 0.41;
// /ventures (one row per venture at record level events and above): floats of latent quality and
// skill compress least; taken as high as trajectories' (assumption, erring high).
constexpr double ventures_compression = 0.6;
// HDF5 object headers, labels, carriers, targets, ... of a file (measured: 178-185 kB for one
// scenario beside its resolved text) and per further scenario (about 20 kB); the chunk index of
// /indicators/values (one chunk per run) and the /runs chunks, per run.
constexpr double file_fixed_bytes = 184e3;
constexpr double file_scenario_bytes = 24e3;
constexpr double file_run_overhead_bytes = 64.0;
// Part files are not compressed, and a chunk is written whole (sim/io/schema.hpp).
constexpr auto record_chunk_rows = static_cast<double>(io::schema::record_chunk_rows);
constexpr auto venture_chunk_rows = static_cast<double>(io::schema::venture_chunk_rows);
constexpr auto run_chunk_rows = static_cast<double>(io::schema::run_chunk_rows);
// Memory: a run's state per venture (the Venture struct, 52 bytes, and its indices), vector
// growth (push_back doubles capacity: 1.5 on average), the writer's copy blocks (8 MiB each,
// sim/io/hdf5.cpp; a part's columns while it is written), and the final file's chunk index in
// HDF5's metadata cache while it is assembled (measured: about 1 kB a run, flat above 32 MiB;
// docs/performance.md, "Bounded memory"), and HDF5's chunk cache of each open record column.
constexpr double state_bytes_per_venture = 96.0;
constexpr double vector_growth = 1.5;
constexpr double writer_block_bytes = 16.0 * 1024 * 1024;
constexpr double index_bytes_per_run = 1024.0;
constexpr double index_cache_limit = 32.0 * 1024 * 1024;
constexpr double chunk_cache_bytes = 1024.0 * 1024;  // HDF5's default rdcc_nbytes
// The pilot simulates at most one run's worth of this many expected venture-months per point.
constexpr std::size_t max_sweep_pilots = 16;

std::uint64_t to_bytes(double value) {
  if (!(value > 0.0)) return 0;
  if (value >= 1.8e19) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(std::ceil(value));
}

std::uint64_t read_u64(const std::string& text, bool& ok) {
  ok = false;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return 0;
  try {
    ok = true;
    return std::stoull(text);
  } catch (const std::exception&) {
    ok = false;
    return 0;
  }
}

// A byte count from the environment; nullopt-like: `found` false when unset.
std::uint64_t environment_bytes(const char* name, bool& found) {
  found = false;
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return 0;
  bool ok = false;
  const std::uint64_t bytes = read_u64(value, ok);
  if (!ok) throw InvalidExperiment(std::string(name) + " must be a number of bytes, got '" + value + "'");
  found = true;
  return bytes;
}

// "VmRSS:  21580 kB" of /proc/self/status, in bytes.
std::uint64_t resident_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      std::uint64_t kilobytes = 0;
      fields >> kilobytes;
      return kilobytes * 1024;
    }
  }
  return 0;
}

std::string with_thousands(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

const char* level_name(io::RecordLevel level) { return io::record_level_name(level); }

}  // namespace

RunFootprint pilot_run(const engine::ScenarioSchedule& schedule, const engine::RunSpec& spec, double budget_venture_months) {
  const model::ModelSetup& base = schedule.base();
  double heaviest = 0.0;
  for (const auto& epoch : schedule.epochs) heaviest = std::max(heaviest, model::expected_ventures_if_every_entrant_starts(*epoch.second) * base.months);
  double fraction = 1.0;
  if (heaviest > budget_venture_months) fraction = budget_venture_months / heaviest;
  const io::RecordLevel level = io::RecordLevel::events;  // trajectory rows are the venture-months
  io::RunOutput output;
  if (fraction < 1.0) {
    // Fewer potential entrants (and programme talents), the same model otherwise.
    std::vector<model::ModelSetup> scaled;
    scaled.reserve(schedule.epochs.size());
    engine::ScenarioSchedule small;
    for (const auto& [first_month, setup] : schedule.epochs) {
      model::ModelSetup copy = *setup;
      copy.parameters.simulation.potential_scale *= fraction;
      copy.parameters.talent.talents_per_year = static_cast<int>(std::lround(copy.parameters.talent.talents_per_year * fraction));
      scaled.push_back(std::move(copy));
      small.epochs.emplace_back(first_month, &scaled.back());
    }
    output = engine::simulate_run(small, spec, level);
  } else {
    output = engine::simulate_run(schedule, spec, level);
  }
  RunFootprint footprint;
  footprint.scale = 1.0 / fraction;
  footprint.ventures = static_cast<double>(output.ventures) * footprint.scale;
  footprint.venture_months = static_cast<double>(output.venture_months) * footprint.scale;
  footprint.events = static_cast<double>(output.events.size()) * footprint.scale;
  return footprint;
}

ResourceEstimate estimate(const ResourcePlan& plan) {
  ResourceEstimate result;
  result.runs = plan.runs;
  result.record = plan.record;
  RunFootprint mean, largest;
  for (const RunFootprint& pilot : plan.pilots) {
    mean.ventures += pilot.ventures / static_cast<double>(plan.pilots.size());
    mean.venture_months += pilot.venture_months / static_cast<double>(plan.pilots.size());
    mean.events += pilot.events / static_cast<double>(plan.pilots.size());
    largest.ventures = std::max(largest.ventures, pilot.ventures);
    largest.venture_months = std::max(largest.venture_months, pilot.venture_months);
    largest.events = std::max(largest.events, pilot.events);
  }
  const bool events = plan.record >= io::RecordLevel::events;
  const bool trajectories = plan.record >= io::RecordLevel::trajectories;
  const double indicator_bytes = static_cast<double>(plan.months * plan.indicators) * sizeof(double);
  const double target_bytes = static_cast<double>(plan.targets);

  // ---- disk: the final file, and the parts beside its .tmp while it is assembled
  auto file_run_bytes = [&](const RunFootprint& run) {
    double bytes = indicator_bytes * indicators_compression + runs_row_bytes + target_bytes + file_run_overhead_bytes;
    if (events) bytes += run.events * event_row_bytes * events_compression + run.ventures * venture_row_bytes * ventures_compression;
    if (trajectories) bytes += run.venture_months * trajectory_row_bytes * trajectories_compression;
    return bytes;
  };
  result.run_file_bytes = file_run_bytes(mean);
  const double fixed = file_fixed_bytes + file_scenario_bytes * static_cast<double>(plan.scenarios) + static_cast<double>(plan.header_bytes);
  const double file = fixed + static_cast<double>(plan.file_runs) * result.run_file_bytes;
  result.file = to_bytes(file);
  const double runs = static_cast<double>(plan.runs);
  const double part_runs = std::max<double>(1.0, plan.part_runs);
  double parts = 0.0;
  if (static_cast<double>(plan.file_runs) <= part_runs) {
    parts = file;  // one part, compressed, copied to the .tmp
  } else {
    auto part_bytes = [&](double r) {
      if (r <= 0.0) return 0.0;
      double bytes = fixed + r * indicator_bytes + std::ceil(r / run_chunk_rows) * run_chunk_rows * (runs_row_bytes + target_bytes);
      if (events) bytes += std::ceil(r * mean.events / record_chunk_rows) * record_chunk_rows * event_row_bytes +
                           std::ceil(r * mean.ventures / venture_chunk_rows) * venture_chunk_rows * venture_row_bytes;
      if (trajectories) bytes += std::ceil(r * mean.venture_months / record_chunk_rows) * record_chunk_rows * trajectory_row_bytes;
      return bytes;
    };
    const double full = std::floor(runs / part_runs);
    parts = full * part_bytes(part_runs) + part_bytes(runs - full * part_runs);
  }
  result.parts = to_bytes(parts);
  result.disk = to_bytes(file + parts);

  // ---- memory: the process so far, runs in flight, the part buffer, the writer
  auto memory_run_bytes = [&](const RunFootprint& run, bool with_records) {
    double bytes = indicator_bytes + target_bytes + sizeof(io::RunOutput);
    if (with_records && events) bytes += (run.events * sizeof(io::EventRecord) + run.ventures * sizeof(io::VentureRecord)) * vector_growth;
    if (with_records && trajectories) bytes += run.venture_months * sizeof(io::TrajectoryRecord) * vector_growth;
    return bytes;
  };
  result.run_memory_bytes = memory_run_bytes(largest, true);
  const double in_flight_slots = 2.0 * std::max(1, plan.threads);
  const double state = largest.ventures * state_bytes_per_venture;
  // A run leaves the flight when it enters the part buffer: at most part_runs + 2 x threads - 1
  // runs are held at once (a full buffer being written while the other slots finish).
  const double in_flight_runs = std::min(in_flight_slots, runs);
  const double buffered_runs = std::max(0.0, std::min(runs, part_runs + in_flight_slots - 1.0) - in_flight_runs);
  const double written_in_flight = in_flight_runs * (result.run_memory_bytes + state);
  const double unwritten_in_flight =
      std::min(in_flight_slots, static_cast<double>(plan.unwritten_runs)) * (memory_run_bytes(largest, false) + state);
  result.memory_in_flight = to_bytes(std::max(written_in_flight, unwritten_in_flight));
  result.memory_part_buffer = to_bytes(buffered_runs * memory_run_bytes(mean, true));
  const bool assembled = static_cast<double>(plan.file_runs) > part_runs;
  // HDF5 keeps a chunk cache (1 MiB by default) for every open dataset: the record columns of the
  // file being written stay open while it is written or assembled.
  auto column_cache = [&](double rows, double columns, double row_bytes) {
    return columns * std::min(chunk_cache_bytes, rows * row_bytes / columns);
  };
  const double file_runs = static_cast<double>(plan.file_runs);
  double caches = 0.0;
  if (events) caches += column_cache(file_runs * mean.events, 8.0, event_row_bytes) + column_cache(file_runs * mean.ventures, 19.0, venture_row_bytes);
  if (trajectories) caches += column_cache(file_runs * mean.venture_months, 11.0, trajectory_row_bytes);
  caches += column_cache(file_runs, 7.0, runs_row_bytes) + std::min(chunk_cache_bytes, file_runs * indicator_bytes) +
            std::min(chunk_cache_bytes, file_runs * target_bytes);
  // A part is written from its runs gathered into one indicator matrix, then one record column at
  // a time (4 bytes a row at most, grown by push_back).
  const double part_rows = std::min(part_runs, runs) * (trajectories ? mean.venture_months : events ? mean.events : 0.0);
  const double part_columns = std::min(part_runs, runs) * (indicator_bytes + target_bytes) + part_rows * 4.0 * vector_growth;
  result.memory_writer =
      to_bytes(writer_block_bytes + caches + part_columns + (assembled ? std::min(index_cache_limit, file_runs * index_bytes_per_run) : 0.0));
  result.memory_process = plan.process_bytes;
  result.memory = result.memory_process + result.memory_in_flight + result.memory_part_buffer + result.memory_writer;
  return result;
}

Availability available(const fs::path& output) {
  Availability result;
  bool found = false;
  result.memory = environment_bytes("INCUBSIM_AVAILABLE_MEMORY", found);
  if (found) {
    result.memory_source = "INCUBSIM_AVAILABLE_MEMORY";
  } else {
    result.memory = std::numeric_limits<std::uint64_t>::max();
    result.memory_source = "MemAvailable";
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    while (std::getline(meminfo, line)) {
      if (line.rfind("MemAvailable:", 0) == 0) {
        std::istringstream fields(line.substr(13));
        std::uint64_t kilobytes = 0;
        if (fields >> kilobytes) result.memory = kilobytes * 1024;
      }
    }
    std::ifstream limit_file("/sys/fs/cgroup/memory.max"), current_file("/sys/fs/cgroup/memory.current");
    std::string limit_text, current_text;
    if (limit_file >> limit_text && limit_text != "max") {
      bool ok = false;
      const std::uint64_t limit = read_u64(limit_text, ok);
      std::uint64_t current = 0;
      bool current_ok = false;
      if (current_file >> current_text) current = read_u64(current_text, current_ok);
      if (ok) {
        const std::uint64_t left = limit > current ? limit - current : 0;
        if (left < result.memory) {
          result.memory = left;
          result.memory_source = "cgroup memory.max";
        }
      }
    }
  }
  fs::path directory = output.parent_path().empty() ? fs::path(".") : output.parent_path();
  std::error_code error;
  directory = fs::absolute(directory, error);
  while (!fs::exists(directory, error) && directory.has_parent_path() && directory != directory.parent_path()) directory = directory.parent_path();
  result.disk_path = directory;
  result.disk = environment_bytes("INCUBSIM_AVAILABLE_DISK", found);
  result.disk_override = found;
  if (!found) {
    struct statvfs info{};
    if (::statvfs(directory.c_str(), &info) == 0) {
      result.disk = static_cast<std::uint64_t>(info.f_bavail) * static_cast<std::uint64_t>(info.f_frsize);
    } else {
      result.disk = std::numeric_limits<std::uint64_t>::max();  // unknown: do not refuse
    }
  }
  return result;
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int unit = 0;
  while (bytes >= 1000.0 && unit < 5) {
    bytes /= 1000.0;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%.0f B", bytes);
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", bytes, units[unit]);
  }
  return text;
}

namespace {

std::string output_parts(const ResourceEstimate& e) {
  std::ostringstream text;
  text << "final file " << human_bytes(static_cast<double>(e.file)) << " + parts " << human_bytes(static_cast<double>(e.parts))
       << " beside it while it is assembled; " << with_thousands(e.runs) << " runs x " << human_bytes(e.run_file_bytes) << " at --record "
       << level_name(e.record);
  return text.str();
}

std::string memory_parts(const ResourceEstimate& e) {
  std::ostringstream text;
  text << "process " << human_bytes(static_cast<double>(e.memory_process)) << " + runs in flight "
       << human_bytes(static_cast<double>(e.memory_in_flight)) << " + part buffer " << human_bytes(static_cast<double>(e.memory_part_buffer))
       << " + writer " << human_bytes(static_cast<double>(e.memory_writer)) << "; " << human_bytes(e.run_memory_bytes) << " a run at --record "
       << level_name(e.record);
  return text.str();
}

}  // namespace

std::string describe(const ResourceEstimate& e) {
  return "estimated peak memory " + human_bytes(static_cast<double>(e.memory)) + " (" + memory_parts(e) + "), output " +
         human_bytes(static_cast<double>(e.disk)) + " (" + output_parts(e) + ")";
}

void check_fits(const ResourceEstimate& e, const Availability& a) {
  const std::string record_less = e.record == io::RecordLevel::trajectories ? "record less (--record events or indicators), "
                                  : e.record == io::RecordLevel::events     ? "record less (--record indicators), "
                                                                            : "";
  if (e.disk > a.disk) {
    throw InvalidExperiment("estimated output " + human_bytes(static_cast<double>(e.disk)) + " (" + output_parts(e) + ") exceeds the " +
                     human_bytes(static_cast<double>(a.disk)) + " free on " + a.disk_path.string() +
                     (a.disk_override ? " (INCUBSIM_AVAILABLE_DISK)" : "") + "; " + record_less +
                     "fewer replications, or pass --ignore-limits");
  }
  if (e.memory > a.memory) {
    throw InvalidExperiment("estimated peak memory " + human_bytes(static_cast<double>(e.memory)) + " (" + memory_parts(e) + ") exceeds the " +
                     human_bytes(static_cast<double>(a.memory)) + " available (" + a.memory_source + "); " + record_less +
                     "fewer --threads or a smaller --part-runs, or pass --ignore-limits");
  }
}

std::uint64_t runs_in_finished_parts(const fs::path& output) {
  std::ifstream in(io::parts_directory_for(output) / "manifest.tsv");
  if (!in) return 0;
  std::string line;
  std::getline(in, line);  // # plan
  std::getline(in, line);  // column names
  std::uint64_t runs = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::size_t index = 0;
    std::string file;
    std::uint64_t first = 0, count = 0;
    if (fields >> index >> file >> first >> count) runs += count;
  }
  return runs;
}

ResourceEstimate check_resources(const engine::RunPlan& plan, const io::ResultsHeader& header, std::uint32_t first_run,
                                 std::uint32_t end_run, bool resume, std::uint64_t unwritten_runs, int threads,
                                 std::uint32_t part_runs, const fs::path& output, bool ignore_limits, bool show) {
  if (ignore_limits && !show) return {};  // nothing would use the estimate
  std::error_code error;
  if (resume && !fs::exists(io::parts_directory_for(output), error) && fs::exists(output, error)) return {};
  ResourcePlan resources;
  resources.command = header.command;
  resources.record = plan.record;
  resources.process_bytes = resident_bytes();
  resources.file_runs = end_run > first_run ? end_run - first_run : 0;
  const std::uint64_t finished = resume ? std::min<std::uint64_t>(runs_in_finished_parts(output), resources.file_runs) : 0;
  resources.runs = resources.file_runs - finished;
  resources.unwritten_runs = unwritten_runs;
  resources.part_runs = part_runs;
  resources.threads = threads;
  resources.months = header.month_labels.size();
  resources.indicators = header.indicators.size();
  resources.targets = header.targets.size();
  resources.scenarios = header.scenario_names.size();
  for (const std::string& text : header.scenario_texts) resources.header_bytes += text.size();
  resources.header_bytes += (header.design.unit.size() + header.design.values.size()) * sizeof(double);

  const std::uint32_t replications = std::max<std::uint32_t>(plan.replications, 1);
  if (plan.points > 0 && plan.load_point) {
    // A sweep: the points with the lowest and highest value of each factor, within the runs.
    const std::uint32_t first_point = first_run / replications;
    const std::uint32_t last_point = std::max(first_run, end_run - 1) / replications;
    const std::size_t factors = header.design.keys.size();
    std::set<std::uint32_t> chosen;
    if (factors > 0 && header.design.unit.size() >= static_cast<std::size_t>(plan.points) * factors) {
      for (std::size_t f = 0; f < factors && chosen.size() < max_sweep_pilots; ++f) {
        std::uint32_t low = first_point, high = first_point;
        for (std::uint32_t p = first_point; p <= last_point && p < plan.points; ++p) {
          const double value = header.design.unit[p * factors + f];
          if (value < header.design.unit[low * factors + f]) low = p;
          if (value > header.design.unit[high * factors + f]) high = p;
        }
        chosen.insert(low);
        if (chosen.size() < max_sweep_pilots) chosen.insert(high);
      }
    }
    if (chosen.empty()) chosen.insert(first_point);
    for (const std::uint32_t point : chosen) {
      const engine::LoadedPoint loaded = plan.load_point(point);
      resources.pilots.push_back(pilot_run(loaded.schedule, plan.spec(point * replications)));
    }
  } else {
    for (std::uint32_t s = 0; s < plan.scenarios.size(); ++s) {
      resources.pilots.push_back(pilot_run(plan.schedule(s), plan.spec(s * replications)));
    }
  }
  const ResourceEstimate result = estimate(resources);
  if (show) std::cerr << "incubsim " << header.command << ": " << describe(result) << "\n";
  if (!ignore_limits) check_fits(result, available(output));
  return result;
}

}  // namespace incubsim::engine
