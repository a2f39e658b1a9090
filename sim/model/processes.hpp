#pragma once
// The monthly processes, one free function per named phase, run in the order of
// `monthly_schedule` (docs/odd.md, "Process overview and scheduling"). Each reads the resolved
// setup, draws only from counter-based streams keyed by (venture, month, purpose), and writes
// the run state. Events go to an optional sink.

#include <vector>

#include "model/random_streams.hpp"
#include "model/records.hpp"
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

// Creates the initial state: carriers (with their construction delays), budgets, and the
// ventures resident at the start.
RunState initialise(const ModelSetup& setup, RandomKey key, const EventSink& sink);

// Phase 1 (calendar.cpp): reset of the month's flows; annual budgets and talent programme in
// January; carrier openings (planned, delayed, on demand); reviews in December.
void calendar(RunState& state, const MonthContext& context);
// Phase 2: potential entrants arrive; some start up.
void entry(RunState& state, const MonthContext& context);
// Phase 3: applications, ranking and admission, integration's reserved places.
void application_and_admission(RunState& state, const MonthContext& context);
// Phase 4: skill learning in and out of carriers, county training places, talents cultivated.
void services(RunState& state, const MonthContext& context);
// Phase 5: revenue, headcount, costs, rent subsidy, loan repayments, cash.
void growth_and_cash(RunState& state, const MonthContext& context);
// Phase 6 (finance.cpp): investors, the guidance fund, bank loans.
void finance(RunState& state, const MonthContext& context);
// Phase 7: technology, platforms, pilot bases, patents.
void innovation(RunState& state, const MonthContext& context);
// Phase 8 (support.cpp): case-by-case support (一事一议) for high-growth base residents.
void case_by_case_support(RunState& state, const MonthContext& context);
// Phase 9: registration, graduation readiness, leaving at maximum tenure.
void transitions(RunState& state, const MonthContext& context);
// Phase 10: failure, relocation out of the county, acquisition.
void exits(RunState& state, const MonthContext& context);

struct Phase {
  const char* name;
  void (*run)(RunState&, const MonthContext&);
};

// The fixed order of the month (DESIGN.md's phases 1-10). Recording (phase 11) is done by the
// engine after these.
inline constexpr Phase monthly_schedule[] = {
    {"calendar", calendar},
    {"entry", entry},
    {"application_and_admission", application_and_admission},
    {"services", services},
    {"growth_and_cash", growth_and_cash},
    {"finance", finance},
    {"innovation", innovation},
    {"case_by_case_support", case_by_case_support},
    {"transitions", transitions},
    {"exits", exits},
};

// Shared helpers of the phases.
// A venture leaves its carrier (seat freed, stage outside, readiness cleared).
void leave_carrier(RunState& state, Venture& venture);
// Records a graduation from the venture's current carrier (counters, per-outcome payment, event).
void record_graduation(RunState& state, const MonthContext& context, std::uint32_t index, Stage to);
// Creates a venture from a source's attributes drawn from `stream` (fixed number of draws).
Venture draw_venture(const ModelSetup& setup, const SourceParameters& source, Stream& stream);
// Adds a venture to the state and emits its entry event; returns its index.
std::uint32_t add_venture(RunState& state, const MonthContext& context, const Venture& venture);
// Service quality a resident of `carrier` receives this month (0 when its operator is unpaid).
double service_quality(const RunState& state, const ModelSetup& setup, int carrier);
// Monthly chance that a venture knows of programmes and investors (Internet+ raises it).
double awareness(const PolicyParameters& policy);
// Takes `amount` from a budget line if it holds that much; true when paid.
bool spend(double& line, double amount);

// Monthly probability of failure from the log-logistic hazard at an age in months.
double monthly_hazard(const VentureDynamics& dynamics, double age_months);

}  // namespace incubsim::model
