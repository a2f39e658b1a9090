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
};

}  // namespace incubsim::model
