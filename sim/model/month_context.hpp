#pragma once
// What every monthly phase is given besides the run state: the setup in force, the run's random
// key, the month, and where to report events.

#include <vector>

#include "model/records.hpp"
#include "model/random_streams.hpp"
#include "model/setup.hpp"
#include "model/state.hpp"

namespace incubsim::model {

// Where processes report events; null when the run does not record them.
struct EventSink {
  std::vector<EventRecord>* events = nullptr;
  std::uint32_t run = 0;
  void emit(int month, std::uint32_t venture, EventKind kind, Stage from, Stage to, int carrier, float value = 0.0F) const {
    if (events == nullptr) return;
    events->push_back(EventRecord{run, static_cast<std::int16_t>(month), venture, static_cast<std::uint8_t>(kind),
                                      static_cast<std::int8_t>(from), static_cast<std::int8_t>(to),
                                      static_cast<std::int16_t>(carrier), value});
  }
};

struct MonthContext {
  const ModelSetup& setup;
  RandomKey key;
  int month;
  const EventSink& sink;
};

// A venture's stream for this month and purpose (docs/odd.md §4.1).
inline Stream venture_stream(const MonthContext& context, const Venture& venture, Purpose purpose) {
  return context.key.stream(venture.stream_kind, venture.stream_id, static_cast<std::uint32_t>(context.month), purpose);
}

inline int months_since(int month, int since) { return month - since; }

// Months since registration (since entry for a team not yet registered).
inline int venture_age(const Venture& venture, int month) {
  return months_since(month, venture.registered ? venture.registration_month : venture.entry_month);
}

}  // namespace incubsim::model
