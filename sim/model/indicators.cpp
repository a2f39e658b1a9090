#include "model/indicators.hpp"

#include <array>
#include <sstream>

namespace incubsim::model {

// One month's totals over the active ventures and the open carriers, added up in one pass each
// so that the indicators that read them cost nothing per venture.
struct MonthTotals {
  double ventures_active = 0.0;
  std::array<double, stage_count> ventures_by_stage{};
  double teams_active = 0.0;
  double jobs = 0.0;
  double revenue = 0.0;
  double tech_sme_stock = 0.0;
  double high_tech_stock = 0.0;
  double ventures_base = 0.0;
  double incubator_residents_base = 0.0;
  double jobs_base = 0.0;
  double technology_sum_base = 0.0;
  std::array<double, source_origins.size()> entries_by_origin{};
  std::array<double, carrier_kind_count> carriers_open{};
  std::array<double, carrier_kind_count> capacity{};
  std::array<double, carrier_kind_count> residents{};
  std::array<bool, carrier_kind_count> base_has_kind{};
  double nurseries_provincial_or_higher = 0.0;
  double carriers_provincial_or_higher = 0.0;
  double carriers_national = 0.0;
  double incumbent_jobs = 0.0;          // the county's existing firms (aggregates, §7 markets)
  double incumbent_revenue = 0.0;
  double incumbent_jobs_at_start = 0.0;
  double county_demand = 0.0;           // of the bounded sectors
  double county_demand_held = 0.0;      // incumbents' and ventures' county sales, bounded sectors

  double occupancy(CarrierKind kind) const {
    const auto k = static_cast<std::size_t>(kind);
    return capacity[k] > 0 ? residents[k] / capacity[k] : 0.0;
  }
  bool base_has_every_kind() const {
    bool complete = true;
    for (const bool has : base_has_kind) complete = complete && has;
    return complete;
  }
};

struct IndicatorInputs {
  const MonthTotals& totals;
  const FlowCounters& flows;
  const CumulativeCounters& cumulative;
  const Budgets& budgets;
};

namespace {

using In = const IndicatorInputs&;

constexpr std::size_t at(Stage stage) { return static_cast<std::size_t>(stage); }
constexpr std::size_t at(CarrierKind kind) { return static_cast<std::size_t>(kind); }
consteval std::size_t origin_index(std::string_view origin) {
  return static_cast<std::size_t>(known_index(source_origins, origin));
}

MonthTotals add_up_month(const RunState& state, const ModelSetup& setup, int month) {
  MonthTotals totals;
  for (std::uint32_t index : state.active) {
    const Venture& v = state.ventures[index];
    if (v.status != Status::active) continue;  // exited this month; removed after recording
    totals.ventures_active += 1;
    totals.ventures_by_stage[at(v.stage)] += 1;
    if (!v.registered) totals.teams_active += 1;
    totals.jobs += v.headcount;
    totals.revenue += v.revenue;
    if (month <= v.tech_sme_until) totals.tech_sme_stock += 1;
    if (month <= v.high_tech_until) totals.high_tech_stock += 1;
    if (v.carrier >= 0 && setup.carrier_parameters(v.carrier).in_base) {
      totals.technology_sum_base += v.technology;
      totals.ventures_base += 1;
      totals.jobs_base += v.headcount;
      if (v.stage == Stage::incubator) totals.incubator_residents_base += 1;
    }
  }
  for (const SectorMarket& market : state.markets) {
    totals.incumbent_jobs += market.incumbent_jobs;
    totals.incumbent_revenue += market.incumbent_revenue;
    if (market.bounded) {
      totals.county_demand += market.county_demand;
      totals.county_demand_held += market.incumbent_revenue + market.venture_county_sales;  // the fill growth read
    }
  }
  for (const SectorParameters& sector : setup.parameters.sectors) totals.incumbent_jobs_at_start += sector.incumbent_jobs;
  for (std::size_t s = 0; s < setup.parameters.sources.size(); ++s) {
    // Sources are validated to be one of the origins; their entries count for that origin.
    totals.entries_by_origin[static_cast<std::size_t>(setup.source_origin[s])] += state.flows.entries_by_source[s];
  }
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    if (!state.carriers[c].open) continue;
    const auto kind = at(setup.carriers[c].kind);
    const CarrierParameters& parameters = setup.carrier_parameters(static_cast<int>(c));
    totals.capacity[kind] += parameters.capacity;
    totals.residents[kind] += state.carriers[c].residents;
    totals.carriers_open[kind] += 1;
    const int level = state.carriers[c].level;  // may change at annual reviews
    const bool provincial_or_higher = level >= static_cast<int>(CarrierLevel::provincial);
    if (setup.carriers[c].kind == CarrierKind::nursery && provincial_or_higher) totals.nurseries_provincial_or_higher += 1;
    if (provincial_or_higher) totals.carriers_provincial_or_higher += 1;
    if (level == static_cast<int>(CarrierLevel::national)) totals.carriers_national += 1;
    if (parameters.in_base) totals.base_has_kind[kind] = true;
  }
  return totals;
}

// The table. Each entry reads its value from the month's totals or the run's counters; the
// spending lines come from their own table (model/state.hpp), at their place in the order.
std::vector<IndicatorDefinition> make_registry() {
  std::vector<IndicatorDefinition> registry = {
      {"ventures_active", "ventures", "county", "stock",
       "Active ventures (teams and firms) in the county, in or outside carriers.",
       "count of active ventures",
       [](In in) -> double { return in.totals.ventures_active; }},
      {"ventures_outside", "ventures", "county", "stock",
       "Active ventures outside every carrier.",
       "active, stage outside",
       [](In in) -> double { return in.totals.ventures_by_stage[at(Stage::outside)]; }},
      {"ventures_nursery", "ventures", "county", "stock",
       "Ventures resident in a nursery (maker space) carrier.",
       "active, stage nursery",
       [](In in) -> double { return in.totals.ventures_by_stage[at(Stage::nursery)]; }},
      {"ventures_incubator", "ventures", "county", "stock",
       "Ventures resident in an incubator.",
       "active, stage incubator",
       [](In in) -> double { return in.totals.ventures_by_stage[at(Stage::incubator)]; }},
      {"ventures_accelerator", "ventures", "county", "stock",
       "Ventures resident in an accelerator.",
       "active, stage accelerator",
       [](In in) -> double { return in.totals.ventures_by_stage[at(Stage::accelerator)]; }},
      {"ventures_park", "ventures", "county", "stock",
       "Ventures resident in a science park.",
       "active, stage park",
       [](In in) -> double { return in.totals.ventures_by_stage[at(Stage::park)]; }},
      {"teams_active", "ventures", "county", "stock",
       "Active ventures not yet registered as firms (teams).",
       "active, not registered",
       [](In in) -> double { return in.totals.teams_active; }},
      {"ventures_base", "ventures", "base", "stock",
       "Ventures resident in a carrier of the integrated base.",
       "active, resident in a carrier with `in_base`",
       [](In in) -> double { return in.totals.ventures_base; }},
      {"incubator_residents_base", "ventures", "base", "stock",
       "Start-ups and teams resident in the base's incubators.",
       "as above and stage incubator",
       [](In in) -> double { return in.totals.incubator_residents_base; }},
      {"jobs", "persons", "county", "stock",
       "Headcount of all active ventures, and of listed firms that stayed in the county (at listing).",
       "Σ headcount over active ventures + `jobs_listed`",
       [](In in) -> double { return in.totals.jobs + in.cumulative.jobs_listed; }},
      {"jobs_base", "persons", "base", "stock",
       "Headcount of ventures resident in the base.",
       "Σ headcount over base residents",
       [](In in) -> double { return in.totals.jobs_base; }},
      {"revenue", "RMB/month", "county", "stock",
       "Monthly revenue of all active ventures.",
       "Σ revenue over active ventures (sales to leading firms, §7.5, are not included)",
       [](In in) -> double { return in.totals.revenue; }},
      {"entries_grassroots", "ventures/month", "county", "flow",
       "New ventures this month from grassroots teams.",
       "entrants this month from the source with that id",
       [](In in) -> double { return in.totals.entries_by_origin[origin_index("grassroots")]; }},
      {"entries_talent", "ventures/month", "county", "flow",
       "New ventures this month founded by returnees or high-level talents.",
       "same, plus programme talents founding a venture in January (§7.11)",
       [](In in) -> double { return in.totals.entries_by_origin[origin_index("talent")]; }},
      {"entries_spin_off", "ventures/month", "county", "flow",
       "New ventures this month spun off from universities and institutes.",
       "same (platforms add potential entrants, §7.2)",
       [](In in) -> double { return in.totals.entries_by_origin[origin_index("spin-off")]; }},
      {"entries_recruited", "ventures/month", "county", "flow",
       "New ventures this month recruited from outside the county (双招双引).",
       "same",
       [](In in) -> double { return in.totals.entries_by_origin[origin_index("recruited")]; }},
      {"registrations", "ventures/month", "county", "flow",
       "Teams registering as firms this month.",
       "teams registering in *transitions* (not firms that enter registered)",
       [](In in) -> double { return in.flows.registrations; }},
      {"admissions_nursery", "ventures/month", "county", "flow",
       "Admissions to nurseries this month.",
       "admissions this month (initial residents not counted)",
       [](In in) -> double { return in.flows.admissions[at(CarrierKind::nursery)]; }},
      {"admissions_incubator", "ventures/month", "county", "flow",
       "Admissions to incubators this month.",
       "same",
       [](In in) -> double { return in.flows.admissions[at(CarrierKind::incubator)]; }},
      {"admissions_accelerator", "ventures/month", "county", "flow",
       "Admissions to accelerators this month.",
       "same",
       [](In in) -> double { return in.flows.admissions[at(CarrierKind::accelerator)]; }},
      {"admissions_park", "ventures/month", "county", "flow",
       "Admissions to science parks this month.",
       "same",
       [](In in) -> double { return in.flows.admissions[at(CarrierKind::park)]; }},
      {"graduations_nursery", "ventures/month", "county", "flow",
       "Ventures leaving a nursery as graduates this month.",
       "leaving the stage as graduate: admitted to the next kind, or at maximum tenure while ready",
       [](In in) -> double { return in.flows.graduations[at(CarrierKind::nursery)]; }},
      {"graduations_incubator", "ventures/month", "county", "flow",
       "Ventures leaving an incubator as graduates this month.",
       "same",
       [](In in) -> double { return in.flows.graduations[at(CarrierKind::incubator)]; }},
      {"graduations_accelerator", "ventures/month", "county", "flow",
       "Ventures leaving an accelerator as graduates this month.",
       "same",
       [](In in) -> double { return in.flows.graduations[at(CarrierKind::accelerator)]; }},
      {"graduations_cumulative", "ventures", "county", "cumulative",
       "Graduations from any carrier since the start.",
       "running total of all graduations (park included)",
       [](In in) -> double { return in.cumulative.graduations; }},
      {"evictions", "ventures/month", "county", "flow",
       "Ventures leaving a carrier at maximum tenure without graduating.",
       "leaving at maximum tenure while not ready (all kinds, park included)",
       [](In in) -> double { return in.flows.evictions; }},
      {"exits_failure_cash", "ventures/month", "county", "flow",
       "Failures this month because cash ran out.",
       "cash < 0 at *exits*",
       [](In in) -> double { return in.flows.failures_cash; }},
      {"exits_failure_hazard", "ventures/month", "county", "flow",
       "Failures this month from the age-dependent hazard.",
       "hazard draw at *exits*",
       [](In in) -> double { return in.flows.failures_hazard; }},
      {"failures_cumulative", "ventures", "county", "cumulative",
       "Failures of any cause since the start.",
       "running total of failures (relocations and acquisitions not included)",
       [](In in) -> double { return in.cumulative.failures; }},
      {"waiting_nursery", "ventures", "county", "flow",
       "Applicants to nurseries this month that were not admitted.",
       "applicants refused (no open seat for them **or** signal below threshold)",
       [](In in) -> double { return in.flows.waiting[at(CarrierKind::nursery)]; }},
      {"waiting_incubator", "ventures", "county", "flow",
       "Applicants to incubators this month that were not admitted.",
       "same",
       [](In in) -> double { return in.flows.waiting[at(CarrierKind::incubator)]; }},
      {"waiting_accelerator", "ventures", "county", "flow",
       "Applicants to accelerators this month that were not admitted.",
       "same",
       [](In in) -> double { return in.flows.waiting[at(CarrierKind::accelerator)]; }},
      {"waiting_park", "ventures", "county", "flow",
       "Applicants to science parks this month that were not admitted.",
       "same",
       [](In in) -> double { return in.flows.waiting[at(CarrierKind::park)]; }},
      {"occupancy_nursery", "share", "county", "stock",
       "Residents over capacity of open nurseries (0 when none is open).",
       "Σ residents / Σ capacity over open carriers of the kind",
       [](In in) -> double { return in.totals.occupancy(CarrierKind::nursery); }},
      {"occupancy_incubator", "share", "county", "stock",
       "Residents over capacity of open incubators.",
       "same",
       [](In in) -> double { return in.totals.occupancy(CarrierKind::incubator); }},
      {"occupancy_accelerator", "share", "county", "stock",
       "Residents over capacity of open accelerators.",
       "same",
       [](In in) -> double { return in.totals.occupancy(CarrierKind::accelerator); }},
      {"occupancy_park", "share", "county", "stock",
       "Residents over capacity of open science parks.",
       "same",
       [](In in) -> double { return in.totals.occupancy(CarrierKind::park); }},
      {"carriers_open_nursery", "carriers", "county", "stock",
       "Open nursery carriers (maker spaces, stations).",
       "open carriers of the kind, in or outside the base",
       [](In in) -> double { return in.totals.carriers_open[at(CarrierKind::nursery)]; }},
      {"carriers_open_incubator", "carriers", "county", "stock",
       "Open incubators.",
       "same",
       [](In in) -> double { return in.totals.carriers_open[at(CarrierKind::incubator)]; }},
      {"carriers_open_accelerator", "carriers", "county", "stock",
       "Open accelerators.",
       "same",
       [](In in) -> double { return in.totals.carriers_open[at(CarrierKind::accelerator)]; }},
      {"carriers_open_park", "carriers", "county", "stock",
       "Open science parks.",
       "same",
       [](In in) -> double { return in.totals.carriers_open[at(CarrierKind::park)]; }},
      {"nurseries_provincial_county", "carriers", "county", "stock",
       "Open nursery carriers at provincial level or above (provincial-level maker spaces).",
       "open nurseries whose current level (after reviews, §7.13) is provincial or national",
       [](In in) -> double { return in.totals.nurseries_provincial_or_higher; }},
      {"incubators_county", "carriers", "county", "stock",
       "Open incubators county-wide, in or outside the base.",
       "open incubators (same as `carriers_open_incubator`)",
       [](In in) -> double { return in.totals.carriers_open[at(CarrierKind::incubator)]; }},
      {"base_complete", "yes=1", "base", "stock",
       "1 when the base has an open carrier of each of the four kinds.",
       "1 if every kind has an open carrier with `in_base`",
       [](In in) -> double { return in.totals.base_has_every_kind() ? 1.0 : 0.0; }},
      {"tech_sme_stock", "firms", "county", "stock",
       "Firms holding a valid technology-based SME (科技型中小企业) evaluation.",
       "active with `month ≤ tech_sme_until`",
       [](In in) -> double { return in.totals.tech_sme_stock; }},
      {"tech_sme_cumulative_base", "firms", "base", "cumulative",
       "Firms first evaluated as technology-based SMEs while in or after the base, since the start.",
       "first certified while `ever_in_base`",
       [](In in) -> double { return in.cumulative.tech_sme_base; }},
      {"high_tech_stock", "firms", "county", "stock",
       "Firms holding a valid high-tech enterprise (高新技术企业) certificate.",
       "active with `month ≤ high_tech_until`",
       [](In in) -> double { return in.totals.high_tech_stock; }},
      {"high_tech_cumulative_base", "firms", "base", "cumulative",
       "Firms first certified high-tech while in or after the base, since the start.",
       "first certified while `ever_in_base`",
       [](In in) -> double { return in.cumulative.high_tech_base; }},
      {"talents_cultivated_base", "persons", "base", "cumulative",
       "Innovative talents cultivated: founders whose skill crossed the talent threshold while resident in the base (one per venture), plus programme talents who joined base residents.",
       "crossings in *services* (§7.4) + 1 per programme talent joining a base resident (§7.11)",
       [](In in) -> double { return in.cumulative.talents_base; }},
      {"public_spending", "RMB/month", "county", "flow",
       "Public spending this month, all policy lines (see spending_*).",
       "Σ of the seven public lines this month (§7.14)",
       [](In in) -> double { return in.flows.public_spending(); }},
      {"public_spending_cumulative", "RMB", "county", "cumulative",
       "Public spending since the start.",
       "running total of `public_spending`",
       [](In in) -> double { return in.cumulative.public_spending; }},
      {"cost_per_job", "RMB/person", "base", "cumulative",
       "Cumulative public spending (every budget line, county-wide) per job in the base (0 when the base has no jobs).",
       "`public_spending_cumulative` (all lines and carriers, county-wide) / `jobs_base`",
       [](In in) -> double { return in.totals.jobs_base > 0 ? in.cumulative.public_spending / in.totals.jobs_base : 0.0; }},
      {"relocations", "ventures/month", "county", "flow",
       "Firms that left the county this month (outside pull, or at a transition).",
       "relocations in *transitions* (§7.9) and *exits* (§7.10)",
       [](In in) -> double { return in.flows.relocations; }},
      {"relocations_cumulative", "ventures", "county", "cumulative",
       "Relocations out of the county since the start.",
       "running total",
       [](In in) -> double { return in.cumulative.relocations; }},
      {"acquisitions", "ventures/month", "county", "flow",
       "Firms acquired by leading firms this month.",
       "acquisitions at *exits*",
       [](In in) -> double { return in.flows.acquisitions; }},
      {"acquisitions_cumulative", "ventures", "county", "cumulative",
       "Acquisitions since the start.",
       "running total",
       [](In in) -> double { return in.cumulative.acquisitions; }},
      {"funding_raised", "RMB/month", "county", "flow",
       "Money raised this month from investors and the guidance fund.",
       "Σ tickets (§7.6); loans not included",
       [](In in) -> double { return in.flows.funding_raised; }},
      {"funding_raised_cumulative", "RMB", "county", "cumulative",
       "Money raised from investors and the guidance fund since the start.",
       "running total",
       [](In in) -> double { return in.cumulative.funding_raised; }},
      {"funding_rounds", "rounds/month", "county", "flow",
       "Funding rounds this month (first and follow-on).",
       "investors' and fund's rounds",
       [](In in) -> double { return in.flows.funding_rounds; }},
      {"loans", "loans/month", "county", "flow",
       "Bank loans granted this month.",
       "loans in *finance*",
       [](In in) -> double { return in.flows.loans; }},
      {"carriers_provincial_or_higher", "carriers", "county", "stock",
       "Open carriers of any kind at provincial or national level.",
       "open carriers, current level ≥ provincial",
       [](In in) -> double { return in.totals.carriers_provincial_or_higher; }},
      {"carriers_national", "carriers", "county", "stock",
       "Open carriers at national level.",
       "open carriers, current level national",
       [](In in) -> double { return in.totals.carriers_national; }},
      {"talents_arrived_cumulative", "persons", "county", "cumulative",
       "High-level talents brought by talent programmes since the start.",
       "running total of programme talents (§7.11)",
       [](In in) -> double { return in.cumulative.talents_arrived; }},
      {"trained", "persons/month", "county", "flow",
       "Founders trained on county training places this month.",
       "places taken (§7.4)",
       [](In in) -> double { return in.flows.trained; }},
      {"case_by_case_supported", "ventures/month", "base", "flow",
       "High-growth base residents given case-by-case support this month.",
       "grants made (§7.8)",
       [](In in) -> double { return in.flows.case_by_case; }},  };
  for (const SpendingLine& line : spending_lines) {
    registry.push_back({line.indicator, "RMB/month", "county", "flow", line.description, line.computed_as,
                        [amount = line.amount](In in) -> double { return in.flows.*amount; }});
  }
  const std::vector<IndicatorDefinition> after_spending = {
      {"budget_left_rent_subsidy", "RMB", "county", "stock",
       "What is left of this year's rent-subsidy line.",
       "line after this month's payments (≈ 10¹² at the default, unlimited, line)",
       [](In in) -> double { return in.budgets.rent_subsidy; }},
      {"budget_left_case_by_case", "RMB", "county", "stock",
       "What is left of this year's case-by-case line.",
       "line after this month's grants",
       [](In in) -> double { return in.budgets.case_by_case; }},
      {"budget_left_guidance_fund", "RMB", "county", "stock",
       "What is left of the guidance fund's capital.",
       "capital not yet invested",
       [](In in) -> double { return in.budgets.guidance_fund; }},
      {"technology_mean_base", "technology", "base", "stock",
       "Mean technology level of base residents (0 when none).",
       "Σ technology / `ventures_base`",
       [](In in) -> double { return in.totals.ventures_base > 0 ? in.totals.technology_sum_base / in.totals.ventures_base : 0.0; }},
      {"admitted_quality_sum", "sd", "county", "flow",
       "Sum of the latent quality of ventures admitted this month (divide by admissions for the mean: how well screening selects).",
       "Σ latent quality over this month's admissions (§7.3)",
       [](In in) -> double { return in.flows.admitted_quality; }},
      {"tech_sme_cumulative", "firms", "county", "cumulative",
       "Firms first evaluated as technology-based SMEs since the start, county-wide.",
       "first tech-SME certifications, in or outside the base (§7.12)",
       [](In in) -> double { return in.cumulative.tech_sme; }},
      {"high_tech_cumulative", "firms", "county", "cumulative",
       "Firms first certified high-tech since the start, county-wide.",
       "first high-tech certifications, in or outside the base (§7.12)",
       [](In in) -> double { return in.cumulative.high_tech; }},
      {"cost_per_high_tech", "RMB/firm", "base", "cumulative",
       "Cumulative public spending (every budget line, county-wide) per high-tech enterprise incubated (high_tech_cumulative_base; 0 when none).",
       "`public_spending_cumulative` / `high_tech_cumulative_base`",
       [](In in) -> double { return in.cumulative.high_tech_base > 0 ? in.cumulative.public_spending / in.cumulative.high_tech_base : 0.0; }},
      {"loan_interest_paid", "RMB/month", "county", "flow",
       "Interest ventures paid on bank loans this month.",
       "Σ balance × `loan_interest_rate` / 12 over loans running (§7.5); private money, not public spending",
       [](In in) -> double { return in.flows.loan_interest_paid; }},
      {"exits_failure_closure", "ventures/month", "county", "flow",
       "Failures this month because the founders decided to close.",
       "expected quality below `dynamics.closing_threshold` at *exits* (§7.10)",
       [](In in) -> double { return in.flows.failures_closure; }},
      {"listings", "firms/month", "county", "flow",
       "Firms listed on a stock-exchange board this month (they leave the venture population).",
       "December listing reviews at *exits* (§7.10)",
       [](In in) -> double { return in.flows.listings; }},
      {"listings_cumulative", "firms", "county", "cumulative",
       "Firms listed since the start.",
       "running total of `listings`",
       [](In in) -> double { return in.cumulative.listings; }},
      {"jobs_listed", "persons", "county", "stock",
       "Jobs of listed firms that stayed in the county, at their headcount when they listed (part of `jobs`).",
       "Σ headcount at listing over listed firms that did not leave the county (§7.10)",
       [](In in) -> double { return in.cumulative.jobs_listed; }},
      {"clamps_bound", "times", "county", "cumulative",
       "Times a cap of the model bound since the start (headcount 65,535, patents 65,535, funding rounds 255); should be 0.",
       "running total over *growth and cash*, *finance*, *innovation* and the talent programme; `run` and `compare` print a warning when it is above 0",
       [](In in) -> double { return in.cumulative.clamps_bound; }},
      {"incumbent_jobs", "persons", "county", "stock",
       "Jobs of the county's existing firms (aggregates per sector; they follow the incumbents' revenue).",
       "Σ over sectors of incumbent revenue / (incumbent_revenue / incumbent_jobs at the start) (markets)",
       [](In in) -> double { return in.totals.incumbent_jobs; }},
      {"incumbent_revenue", "RMB/month", "county", "stock",
       "Monthly revenue of the county's existing firms.",
       "Σ over sectors; grows with county demand, loses the displaced share of ventures' county sales last month (markets)",
       [](In in) -> double { return in.totals.incumbent_revenue; }},
      {"jobs_net", "persons", "county", "stock",
       "Net county jobs: ventures' jobs (jobs) plus incumbents' jobs minus incumbents' jobs at the start.",
       "`jobs` + `incumbent_jobs` − incumbent jobs at month 0",
       [](In in) -> double { return in.totals.jobs + in.cumulative.jobs_listed + in.totals.incumbent_jobs - in.totals.incumbent_jobs_at_start; }},
      {"county_market_fill", "share", "county", "stock",
       "How full the bounded sectors' county demand is: incumbents' and ventures' county sales over demand, the fill this month's growth read (0 when no sector is bounded).",
       "Σ (incumbent revenue + ventures' county sales last month) / Σ county demand, over sectors with county_demand > 0 (markets)",
       [](In in) -> double { return in.totals.county_demand > 0.0 ? in.totals.county_demand_held / in.totals.county_demand : 0.0; }},
  };
  registry.insert(registry.end(), after_spending.begin(), after_spending.end());
  return registry;
}

}  // namespace

const std::vector<IndicatorDefinition>& indicator_registry() {
  static const std::vector<IndicatorDefinition> registry = make_registry();
  return registry;
}

int indicator_index(std::string_view name) {
  const auto& registry = indicator_registry();
  for (std::size_t i = 0; i < registry.size(); ++i) {
    if (registry[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void compute_indicators(const RunState& state, const ModelSetup& setup, int month, double* row) {
  const MonthTotals totals = add_up_month(state, setup, month);
  const IndicatorInputs inputs{totals, state.flows, state.cumulative, state.budgets};
  const auto& registry = indicator_registry();
  for (std::size_t i = 0; i < registry.size(); ++i) row[i] = registry[i].value(inputs);
}

std::string indicators_text() {
  std::ostringstream out;
  for (const auto& indicator : indicator_registry()) {
    out << indicator.name << "  (" << indicator.unit << ", " << indicator.scope << ", " << indicator.measure << ")\n    "
        << indicator.description << "\n";
  }
  return out.str();
}

std::string indicators_markdown() {
  std::ostringstream out;
  out << "| # | name | unit | scope | measure | description (registry) | computed as |\n"
      << "|---|---|---|---|---|---|---|\n";
  const auto& registry = indicator_registry();
  for (std::size_t i = 0; i < registry.size(); ++i) {
    const auto& indicator = registry[i];
    out << "| " << i << " | `" << indicator.name << "` | " << indicator.unit << " | " << indicator.scope << " | "
        << indicator.measure << " | " << indicator.description << " | " << indicator.computed_as << " |\n";
  }
  return out.str();
}

}  // namespace incubsim::model
