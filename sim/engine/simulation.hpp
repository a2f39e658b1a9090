#pragma once
// One run: the monthly loop over the model's phases, then recording.

#include "io/results.hpp"
#include "model/random_streams.hpp"
#include "model/setup.hpp"

namespace incubsim::engine {

struct RunSpec {
  std::uint32_t run = 0;
  std::uint32_t scenario = 0;
  std::uint32_t replication = 0;
  std::uint32_t seed = 0;
};

// Runs one scenario replication to the horizon and returns what the record level asks for.
// `targets_met` holds one entry per target of `setup` (1 met, 0 not).
io::RunOutput simulate_run(const model::ModelSetup& setup, const RunSpec& spec, io::RecordLevel record);

}  // namespace incubsim::engine
