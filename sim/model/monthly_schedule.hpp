#pragma once
// The monthly schedule: one free function per named phase, run in the order of
// `monthly_schedule` (docs/odd.md, "Process overview and scheduling"), one file each in
// model/phases/. Each reads the resolved setup, draws only from counter-based streams keyed by
// (venture, month, purpose), and writes the run state. Events go to an optional sink.

#include "model/month_context.hpp"
#include "model/state.hpp"

namespace incubsim::model {

// Phase 1 (phases/calendar.cpp): reset of the month's flows; annual budgets and talent
// programme in January; carrier openings (planned, delayed, on demand); reviews in December.
void calendar(RunState& state, const MonthContext& context);
// Phase 2 (phases/entry.cpp): potential entrants arrive; some start up.
void entry(RunState& state, const MonthContext& context);
// Phase 3 (phases/application_and_admission.cpp): applications, ranking and admission,
// integration's reserved places.
void application_and_admission(RunState& state, const MonthContext& context);
// Phase 4 (phases/services.cpp): skill learning in and out of carriers, county training places,
// talents cultivated.
void services(RunState& state, const MonthContext& context);
// Phase 5a (phases/markets.cpp): sector demand and outside markets grow, incumbents follow, and
// last month's sales set how full each market is.
void markets(RunState& state, const MonthContext& context);
// Phase 5 (phases/growth_and_cash.cpp): revenue, headcount, costs, rent subsidy, loan
// repayments, cash.
void growth_and_cash(RunState& state, const MonthContext& context);
// Phase 6 (phases/finance.cpp): bank loans (phases/loans.hpp), investors, the guidance fund.
void finance(RunState& state, const MonthContext& context);
// Phase 7 (phases/innovation.cpp): technology, platforms, pilot bases, patents.
void innovation(RunState& state, const MonthContext& context);
// Phase 8 (phases/case_by_case_support.cpp): case-by-case support (一事一议) for high-growth
// base residents.
void case_by_case_support(RunState& state, const MonthContext& context);
// Phase 9 (phases/transitions.cpp): registration, graduation readiness, leaving at maximum tenure.
void transitions(RunState& state, const MonthContext& context);
// Phase 10 (phases/exits.cpp): failure, relocation out of the county, acquisition.
void exits(RunState& state, const MonthContext& context);

struct Phase {
  const char* name;
  void (*run)(RunState&, const MonthContext&);
};

// The fixed order of the month (docs/odd.md, process overview and scheduling). Recording
// (phase 11) is done by the engine after these.
inline constexpr Phase monthly_schedule[] = {
    {"calendar", calendar},
    {"entry", entry},
    {"application_and_admission", application_and_admission},
    {"services", services},
    {"markets", markets},
    {"growth_and_cash", growth_and_cash},
    {"finance", finance},
    {"innovation", innovation},
    {"case_by_case_support", case_by_case_support},
    {"transitions", transitions},
    {"exits", exits},
};

}  // namespace incubsim::model
