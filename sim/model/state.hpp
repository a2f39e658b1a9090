#pragma once
// The state of one run: ventures and carriers as plain structs in contiguous arrays.
// The monthly phases (model/monthly_schedule.hpp) are free functions over this state.

#include <array>
#include <cstdint>
#include <vector>

#include "model/random_streams.hpp"
#include "model/setup.hpp"

namespace incubsim::model {

// Stage 0 is "outside every carrier"; stages 1..4 are carrier kinds + 1 (names: model/names.hpp).
enum class Stage : std::int8_t { outside = 0, nursery = 1, incubator = 2, accelerator = 3, park = 4 };
inline constexpr int stage_count = static_cast<int>(stage_names.size());

enum class Status : std::int8_t { active = 0, failed = 1, relocated = 2, acquired = 3, listed = 4 };
inline constexpr int status_count = 5;

// Event kinds are part of the results file (labels/event_kinds): append only.
enum class EventKind : std::uint8_t {
  entry = 0,
  registration = 1,
  admission = 2,
  graduation = 3,
  eviction = 4,
  failure_cash = 5,
  failure_hazard = 6,
  carrier_opened = 7,
  tech_sme_certified = 8,
  high_tech_certified = 9,
  talent_cultivated = 10,
  funding_round = 11,     // value: RMB raised (investor or guidance fund)
  loan = 12,              // value: RMB lent
  relocation = 13,        // left the county
  acquisition = 14,       // acquired by a leading firm
  case_by_case_support = 15,  // value: RMB granted
  talent_joined = 16,     // a programme talent joined the venture
  carrier_level_changed = 17, // value: new level (0 none .. 3 national)
  failure_closure = 18,   // the founders decided to close (value: their expected quality)
  listing = 19,           // listed on a stock-exchange board (value: board index, model/names.hpp); left the population
  market_fill = 20,       // a sector's county market this month (venture: the sector's index; value: its fill)
};
inline constexpr int event_kind_count = 21;

const char* stage_name(int stage);
const char* status_name(int status);
const char* event_kind_name(int kind);

struct Venture {
  // Identity in the random streams: (stream_kind, stream_id) is the same in every scenario for
  // the same potential entrant, which is what pairs scenarios (common random numbers).
  std::uint32_t stream_id = 0;
  EntityKind stream_kind = EntityKind::potential_entrant;
  std::uint8_t sector = 0;
  std::uint8_t origin = 0;  // source index
  Stage stage = Stage::outside;
  Stage highest_stage = Stage::outside;
  Status status = Status::active;
  bool registered = false;
  bool graduate_ready = false;
  bool ever_in_base = false;
  bool talent_counted = false;
  bool ever_tech_sme = false;
  bool ever_high_tech = false;
  bool case_by_case_supported = false;
  bool recruited_direct = false;         // may enter its source's direct stage without criteria
  bool production = false;               // needs production space (sector.production_share)
  std::uint8_t funding_rounds = 0;
  std::uint8_t direct_stage = 0;         // earliest kind it applies to (0 nursery .. 3 park)
  std::int16_t loan_months_left = 0;
  std::int16_t entry_month = 0;         // month index (may be negative: founded before start)
  std::int16_t registration_month = -1; // -1: not registered
  std::int16_t stage_entry_month = 0;
  std::int16_t carrier = -1;            // index into RunState::carriers, -1 when outside
  std::int16_t tech_sme_until = -1;     // certified through this month index (-1: never)
  std::int16_t high_tech_until = -1;
  std::int16_t exit_month = -1;         // month it left the population, -1 while active
  std::uint16_t headcount = 1;
  std::uint16_t patents = 0;
  float quality = 0.0F;      // latent, never observed directly
  float skill = 0.0F;        // founder skill 0..1
  float technology = 0.0F;   // 0..1
  float revenue = 0.0F;      // RMB per month
  float cash = 0.0F;         // RMB
  float growth = 0.0F;       // smoothed monthly log-growth of revenue
  float funding = 0.0F;      // RMB raised from investors and the guidance fund, cumulative
  float last_ticket = 0.0F;  // RMB of its last round
  float loan_balance = 0.0F; // RMB owed to a bank
  float rd_intensity = 0.0F; // R&D spending as a share of revenue
  float st_staff_share = 0.0F;       // science-and-technology staff share of employees
  float high_tech_product_share = 0.0F; // high-tech products' share of revenue (before technology)
  float entry_skill = 0.0F;  // founder skill at entry (for /ventures)
  float opportunity = 0.0F;  // monthly log-growth its growth opportunities add; runs out (§7.5)
  float belief = 0.0F;       // founders' expected latent quality (posterior mean, §7.10)
  float belief_precision = 1.0F;  // its precision (1 / variance)
  float profit_this_year = 0.0F;  // RMB, net profit since the last listing review (December)
  float profit_last_year = 0.0F;  // RMB, net profit of the 12 months before that
};

// A sector's markets this month (docs/odd.md, markets): demand, the incumbents' aggregate, and
// the ventures' sales of the month before, from which each seller sees how full its markets are.
struct SectorMarket {
  bool bounded = false;            // county_demand > 0: the sector's markets bound growth
  double county_demand = 0.0;      // RMB/month
  double outside_market = 0.0;     // RMB/month
  double incumbent_revenue = 0.0;  // RMB/month
  double incumbent_revenue_without_ventures = 0.0;  // what incumbents would sell: their start share of a growing demand
  double incumbent_jobs = 0.0;
  double revenue_per_incumbent_job = 0.0;  // from the inputs at the start
  double venture_county_sales = 0.0;   // last month's, RMB/month
  double county_sales_now = 0.0;       // this month's, summed by growth_and_cash
  double outside_sales_now = 0.0;
  double county_fill = 0.0;            // (incumbents + ventures) / demand, from last month
  double outside_fill = 0.0;           // ventures' outside sales / outside market, from last month
};

struct CarrierState {
  bool open = false;
  int opening_month = 0;  // realised opening month (planned + construction delay)
  int level = 1;          // current level: 0 none, 1 municipal, 2 provincial, 3 national
  int graduates = 0;      // cumulative graduations from this carrier
  int demand_streak = 0;  // consecutive months of demand (demand-opened carriers)
  int residents = 0;
  int applicants_this_month = 0;
  int admitted_this_month = 0;
};

// Counters of what happened this month (reset by the calendar phase at the start of each month)
// and since the start of the run.
struct FlowCounters {
  std::vector<int> entries_by_source;
  std::array<int, carrier_kind_count> admissions{};
  std::array<int, carrier_kind_count> graduations{};
  std::array<int, carrier_kind_count> waiting{};
  // Expected applicants of each kind that no open carrier serves (no carrier of the kind is open
  // for their sector): demand a market operator sees. Counted only when a carrier opens on demand.
  std::array<double, carrier_kind_count> unserved{};
  int evictions = 0;
  int failures_cash = 0;
  int failures_hazard = 0;
  int failures_closure = 0;  // founders decided to close
  int listings = 0;
  int clamps_bound = 0;      // times a cap of the model bound (headcount, patents, funding rounds)
  int registrations = 0;
  double rent_subsidy_spending = 0.0;
  double operator_spending = 0.0;
  double training_spending = 0.0;
  double case_by_case_spending = 0.0;
  double talent_spending = 0.0;
  double guidance_fund_spending = 0.0;
  double guarantee_spending = 0.0;
  double funding_raised = 0.0;     // investors and guidance fund
  double loan_interest_paid = 0.0; // interest ventures paid on bank loans (private money, not a spending line)
  int funding_rounds = 0;
  int loans = 0;
  int relocations = 0;
  int acquisitions = 0;
  int trained = 0;
  int case_by_case = 0;
  int carriers_opened = 0;
  double admitted_quality = 0.0;   // latent quality of this month's admissions, summed

  // This month's spending over the lines that `spending_lines` tags as public.
  double public_spending() const;
};

// Who pays for a spending line: public lines add up to `public_spending` (and its indicators).
enum class Payer : std::uint8_t { public_budget, private_money };

// One spending line of FlowCounters: the one table that `public_spending` sums and that gives
// each line its `spending_*` indicator (model/indicators.cpp). A `double *_spending` counter
// missing here fails tests/model/indicators_test.cpp.
struct SpendingLine {
  double FlowCounters::*amount;
  Payer payer;
  const char* indicator;    // its column in /indicators
  const char* description;  // the indicator's description
  const char* computed_as;  // for docs/odd.md §7.15
};
inline constexpr std::array<SpendingLine, 7> spending_lines = {{
    {&FlowCounters::rent_subsidy_spending, Payer::public_budget, "spending_rent_subsidy",
     "Public spending this month: rent subsidies.", "§7.14"},
    {&FlowCounters::operator_spending, Payer::public_budget, "spending_operators",
     "Public spending this month: operators (fixed costs and per-graduate payments).", "§7.14"},
    {&FlowCounters::training_spending, Payer::public_budget, "spending_training",
     "Public spending this month: training places.", "§7.14"},
    {&FlowCounters::case_by_case_spending, Payer::public_budget, "spending_case_by_case",
     "Public spending this month: case-by-case support.", "§7.14"},
    {&FlowCounters::talent_spending, Payer::public_budget, "spending_talent",
     "Public spending this month: talent programmes.", "§7.14 (January only)"},
    {&FlowCounters::guidance_fund_spending, Payer::public_budget, "spending_guidance_fund",
     "Guidance-fund investments this month.", "§7.14"},
    {&FlowCounters::guarantee_spending, Payer::public_budget, "spending_loan_guarantee",
     "Loan guarantees paid on defaults this month.", "§7.14"},
}};

// Summed in table order, which is the order the lines were added in before the table existed:
// results stay the same to the bit.
inline double FlowCounters::public_spending() const {
  double total = 0.0;
  for (const SpendingLine& line : spending_lines) {
    if (line.payer == Payer::public_budget) total += this->*line.amount;
  }
  return total;
}

// What is left this year (or in total, for the guidance fund) of each public budget line and
// of private investors' capital.
struct Budgets {
  double rent_subsidy = 0.0;
  double operators = 0.0;
  double training = 0.0;
  double case_by_case = 0.0;
  double investors = 0.0;
  double guidance_fund = 0.0;
};

struct CumulativeCounters {
  int failures = 0;
  int graduations = 0;
  int tech_sme_base = 0;
  int high_tech_base = 0;
  int talents_base = 0;
  int talents_arrived = 0;
  int tech_sme = 0;   // county-wide first certifications
  int high_tech = 0;
  int relocations = 0;
  int acquisitions = 0;
  int listings = 0;
  int clamps_bound = 0;
  double jobs_listed = 0.0;  // headcount at listing of listed firms that stayed in the county
  double funding_raised = 0.0;
  double public_spending = 0.0;
};

// A venture applying to a carrier this month, with the carrier's view of it.
struct Applicant {
  double score = 0.0;    // rank key under the operator's selection objective
  double signal = 0.0;   // noisy quality signal, compared with the admission threshold
  std::uint32_t venture = 0;
  bool base_graduate = false;  // graduating from a base carrier to a base carrier
};

// A venture's routine draws for one month, taken from one stream (Purpose::monthly) at the
// start of growth_and_cash so the phases after it need no stream of their own: two blocks of
// four 32-bit numbers.
struct MonthlyDraws {
  double first_sale = 0.0;  // uniform [0,1), 32 random bits
  double patent = 0.0;
  double registration = 0.0;
  double failure = 0.0;
  double revenue_shock = 0.0;      // standard Laplace (mean 0, sd 1)
  double opportunity_arrival = 0.0;// uniform
  std::uint32_t opportunity_size = 0;  // 32 random bits: a standard Laplace (Stream::laplace32) when an opportunity arrives
  double hiring = 0.0;             // uniform, rounds hiring and firing to whole persons
};

struct RunState {
  std::vector<Venture> ventures;
  std::vector<std::uint32_t> active;  // indices of active ventures, ascending
  std::vector<CarrierState> carriers; // parallel to ModelSetup::carriers
  std::vector<SectorMarket> markets;  // parallel to ModelParameters::sectors
  std::vector<std::vector<Applicant>> applicants;  // per carrier; reused month to month
  // Parallel to `active`; valid from growth_and_cash to the end of the month.
  std::vector<MonthlyDraws> draws;
  FlowCounters flows;
  CumulativeCounters cumulative;
  Budgets budgets;
  std::array<double, carrier_kind_count> last_month_demand{};  // waiting + unserved, for demand-opened carriers
  std::vector<std::uint8_t> operator_unpaid;  // per operator: 1 when its budget line ran out this month
  std::vector<double> operator_load_factor;   // per operator: min(1, staff x tenants_per_staff / residents), set monthly
  std::array<std::uint32_t, 4> next_entrant_by_source{};  // potential entrants drawn so far, per source
  std::uint32_t next_programme_talent = 0;
  std::uint64_t venture_months = 0;
};

}  // namespace incubsim::model
