#pragma once
// The monthly processes, one free function per named phase, run in the order of
// `monthly_schedule` (docs/odd.md, "Process overview and scheduling"). Each reads the resolved
// setup, draws only from counter-based streams keyed by (venture, month, purpose), and writes
// the run state. Events go to an optional sink.

#include <vector>

#include "io/results.hpp"
#include "model/random_streams.hpp"
#include "model/setup.hpp"
#include "model/state.hpp"

namespace incubsim::model {

// Where processes report events; null when the run does not record them.
struct EventSink {
  std::vector<io::EventRecord>* events = nullptr;
  std::uint32_t run = 0;
  void emit(int month, std::uint32_t venture, EventKind kind, Stage from, Stage to, int carrier, float value = 0.0F) const {
    if (events == nullptr) return;
    events->push_back(io::EventRecord{run, static_cast<std::int16_t>(month), venture, static_cast<std::uint8_t>(kind),
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

// Creates the initial state: carriers, and the ventures resident at the start.
RunState initialise(const ModelSetup& setup, RandomKey key, const EventSink& sink);

void calendar(RunState& state, const MonthContext& context);
void entry(RunState& state, const MonthContext& context);
void application_and_admission(RunState& state, const MonthContext& context);
void services(RunState& state, const MonthContext& context);
void growth_and_cash(RunState& state, const MonthContext& context);
void innovation(RunState& state, const MonthContext& context);
void transitions(RunState& state, const MonthContext& context);
void exits(RunState& state, const MonthContext& context);

struct Phase {
  const char* name;
  void (*run)(RunState&, const MonthContext&);
};

// The fixed order of the month. Recording (phase 11) is done by the engine after these.
// Finance (6) and case-by-case support (8) join this list with the mechanisms issue.
inline constexpr Phase monthly_schedule[] = {
    {"calendar", calendar},
    {"entry", entry},
    {"application_and_admission", application_and_admission},
    {"services", services},
    {"growth_and_cash", growth_and_cash},
    {"innovation", innovation},
    {"transitions", transitions},
    {"exits", exits},
};

// Monthly probability of failure from the log-logistic hazard at an age in months.
double monthly_hazard(const VentureDynamics& dynamics, double age_months);

}  // namespace incubsim::model
