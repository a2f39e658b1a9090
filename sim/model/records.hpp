#pragma once
// What the model reports about a run beyond its indicators: events as they happen and each
// venture's state at the end of each month. The model emits these; the io layer stores them (the
// columns of /events and /trajectories are listed in sim/io/schema.cpp).

#include <cstdint>

namespace incubsim::model {

// One event: something that happened to a venture in a month (entry, admission, graduation,
// exit, ...). `kind` indexes ResultsHeader::event_kinds; stages index ResultsHeader::stages
// (-1 when not applicable); `carrier` indexes the run's scenario carriers (-1: none).
struct EventRecord {
  std::uint32_t run = 0;
  std::int16_t month = 0;
  std::uint32_t venture = 0;
  std::uint8_t kind = 0;
  std::int8_t from_stage = -1;
  std::int8_t to_stage = -1;
  std::int16_t carrier = -1;
  float value = 0.0F;
};

// One venture in one month, recorded at RecordLevel::trajectories.
struct TrajectoryRecord {
  std::uint32_t run = 0;
  std::int16_t month = 0;
  std::uint32_t venture = 0;
  std::int8_t stage = 0;   // index into ResultsHeader::stages
  std::int8_t status = 0;  // index into ResultsHeader::statuses
  std::int16_t carrier = -1;
  std::uint16_t headcount = 0;
  float revenue = 0.0F;     // RMB per month
  float cash = 0.0F;        // RMB
  float skill = 0.0F;       // 0..1
  float technology = 0.0F;  // 0..1
  std::uint16_t patents = 0;
  float belief = 0.0F;      // founders' expected latent quality (§7.10)
};

// One venture of a run (RecordLevel::events and above): what is fixed at entry, then how its
// life in the run ended. `id` is its random-stream identity (stream kind << 32 | stream id), the
// same in every scenario of a compare or sweep for the same potential entrant.
struct VentureRecord {
  std::uint32_t run = 0;
  std::uint32_t venture = 0;      // the `venture` of /events and /trajectories in this run
  std::uint64_t id = 0;
  std::uint8_t stream_kind = 0;   // EntityKind (model/random_streams.hpp)
  std::uint8_t source = 0;        // index of the scenario's [[source]]
  std::uint8_t sector = 0;        // index of the scenario's [[sector]]
  std::int16_t entry_month = 0;   // may be negative: founded before the start
  float quality = 0.0F;           // latent
  float skill = 0.0F;             // founder skill at entry
  float rd_intensity = 0.0F;
  std::uint8_t production = 0;    // needs production space
  std::int8_t status = 0;         // at exit, or at the horizon
  std::int16_t exit_month = -1;   // -1: active at the horizon
  std::int8_t highest_stage = 0;
  std::uint8_t ever_in_base = 0;
  std::uint16_t headcount = 0;    // at exit, or at the horizon
  float revenue = 0.0F;           // RMB/month, at exit or at the horizon
  std::uint16_t patents = 0;
  float funding = 0.0F;           // RMB raised from investors and the guidance fund
};

}  // namespace incubsim::model
