#include "model/indicators.hpp"

#include <array>

namespace incubsim::model {
namespace {

// Column positions; must follow the order of the registry below (checked at start-up).
enum Column : int {
  ventures_active,
  ventures_outside,
  ventures_nursery,
  ventures_incubator,
  ventures_accelerator,
  ventures_park,
  teams_active,
  ventures_base,
  incubator_residents_base,
  jobs,
  jobs_base,
  revenue,
  entries_grassroots,
  entries_talent,
  entries_spin_off,
  entries_recruited,
  registrations,
  admissions_nursery,
  admissions_incubator,
  admissions_accelerator,
  admissions_park,
  graduations_nursery,
  graduations_incubator,
  graduations_accelerator,
  graduations_cumulative,
  evictions,
  exits_failure_cash,
  exits_failure_hazard,
  failures_cumulative,
  waiting_nursery,
  waiting_incubator,
  waiting_accelerator,
  waiting_park,
  occupancy_nursery,
  occupancy_incubator,
  occupancy_accelerator,
  occupancy_park,
  carriers_open_nursery,
  carriers_open_incubator,
  carriers_open_accelerator,
  carriers_open_park,
  nurseries_provincial_county,
  incubators_county,
  base_complete,
  tech_sme_stock,
  tech_sme_cumulative_base,
  high_tech_stock,
  high_tech_cumulative_base,
  talents_cultivated_base,
  public_spending,
  public_spending_cumulative,
  cost_per_job,
  relocations,
  relocations_cumulative,
  acquisitions,
  acquisitions_cumulative,
  funding_raised,
  funding_raised_cumulative,
  funding_rounds,
  loans,
  carriers_provincial_or_higher,
  carriers_national,
  talents_arrived_cumulative,
  trained,
  case_by_case_supported,
  spending_rent_subsidy,
  spending_operators,
  spending_training,
  spending_case_by_case,
  spending_talent,
  spending_guidance_fund,
  spending_loan_guarantee,
  budget_left_rent_subsidy,
  budget_left_case_by_case,
  budget_left_guidance_fund,
  technology_mean_base,
  admitted_quality_sum,
  tech_sme_cumulative,
  high_tech_cumulative,
  cost_per_high_tech,
  column_count
};

std::vector<IndicatorDefinition> make_registry() {
  std::vector<IndicatorDefinition> r = {
      {"ventures_active", "ventures", "county", "stock", "Active ventures (teams and firms) in the county, in or outside carriers."},
      {"ventures_outside", "ventures", "county", "stock", "Active ventures outside every carrier."},
      {"ventures_nursery", "ventures", "county", "stock", "Ventures resident in a nursery (maker space) carrier."},
      {"ventures_incubator", "ventures", "county", "stock", "Ventures resident in an incubator."},
      {"ventures_accelerator", "ventures", "county", "stock", "Ventures resident in an accelerator."},
      {"ventures_park", "ventures", "county", "stock", "Ventures resident in a science park."},
      {"teams_active", "ventures", "county", "stock", "Active ventures not yet registered as firms (teams)."},
      {"ventures_base", "ventures", "base", "stock", "Ventures resident in a carrier of the integrated base."},
      {"incubator_residents_base", "ventures", "base", "stock", "Start-ups and teams resident in the base's incubators."},
      {"jobs", "persons", "county", "stock", "Headcount of all active ventures."},
      {"jobs_base", "persons", "base", "stock", "Headcount of ventures resident in the base."},
      {"revenue", "RMB/month", "county", "stock", "Monthly revenue of all active ventures."},
      {"entries_grassroots", "ventures/month", "county", "flow", "New ventures this month from grassroots teams."},
      {"entries_talent", "ventures/month", "county", "flow", "New ventures this month founded by returnees or high-level talents."},
      {"entries_spin_off", "ventures/month", "county", "flow", "New ventures this month spun off from universities and institutes."},
      {"entries_recruited", "ventures/month", "county", "flow", "New ventures this month recruited from outside the county (双招双引)."},
      {"registrations", "ventures/month", "county", "flow", "Teams registering as firms this month."},
      {"admissions_nursery", "ventures/month", "county", "flow", "Admissions to nurseries this month."},
      {"admissions_incubator", "ventures/month", "county", "flow", "Admissions to incubators this month."},
      {"admissions_accelerator", "ventures/month", "county", "flow", "Admissions to accelerators this month."},
      {"admissions_park", "ventures/month", "county", "flow", "Admissions to science parks this month."},
      {"graduations_nursery", "ventures/month", "county", "flow", "Ventures leaving a nursery as graduates this month."},
      {"graduations_incubator", "ventures/month", "county", "flow", "Ventures leaving an incubator as graduates this month."},
      {"graduations_accelerator", "ventures/month", "county", "flow", "Ventures leaving an accelerator as graduates this month."},
      {"graduations_cumulative", "ventures", "county", "cumulative", "Graduations from any carrier since the start."},
      {"evictions", "ventures/month", "county", "flow", "Ventures leaving a carrier at maximum tenure without graduating."},
      {"exits_failure_cash", "ventures/month", "county", "flow", "Failures this month because cash ran out."},
      {"exits_failure_hazard", "ventures/month", "county", "flow", "Failures this month from the age-dependent hazard."},
      {"failures_cumulative", "ventures", "county", "cumulative", "Failures of any cause since the start."},
      {"waiting_nursery", "ventures", "county", "flow", "Applicants to nurseries this month that were not admitted."},
      {"waiting_incubator", "ventures", "county", "flow", "Applicants to incubators this month that were not admitted."},
      {"waiting_accelerator", "ventures", "county", "flow", "Applicants to accelerators this month that were not admitted."},
      {"waiting_park", "ventures", "county", "flow", "Applicants to science parks this month that were not admitted."},
      {"occupancy_nursery", "share", "county", "stock", "Residents over capacity of open nurseries (0 when none is open)."},
      {"occupancy_incubator", "share", "county", "stock", "Residents over capacity of open incubators."},
      {"occupancy_accelerator", "share", "county", "stock", "Residents over capacity of open accelerators."},
      {"occupancy_park", "share", "county", "stock", "Residents over capacity of open science parks."},
      {"carriers_open_nursery", "carriers", "county", "stock", "Open nursery carriers (maker spaces, stations)."},
      {"carriers_open_incubator", "carriers", "county", "stock", "Open incubators."},
      {"carriers_open_accelerator", "carriers", "county", "stock", "Open accelerators."},
      {"carriers_open_park", "carriers", "county", "stock", "Open science parks."},
      {"nurseries_provincial_county", "carriers", "county", "stock", "Open nursery carriers at provincial level or above (provincial-level maker spaces)."},
      {"incubators_county", "carriers", "county", "stock", "Open incubators county-wide, in or outside the base."},
      {"base_complete", "yes=1", "base", "stock", "1 when the base has an open carrier of each of the four kinds."},
      {"tech_sme_stock", "firms", "county", "stock", "Firms holding a valid technology-based SME (科技型中小企业) evaluation."},
      {"tech_sme_cumulative_base", "firms", "base", "cumulative", "Firms first evaluated as technology-based SMEs while in or after the base, since the start."},
      {"high_tech_stock", "firms", "county", "stock", "Firms holding a valid high-tech enterprise (高新技术企业) certificate."},
      {"high_tech_cumulative_base", "firms", "base", "cumulative", "Firms first certified high-tech while in or after the base, since the start."},
      {"talents_cultivated_base", "persons", "base", "cumulative", "Innovative talents cultivated: founders whose skill crossed the talent threshold while resident in the base (one per venture), plus programme talents who joined base residents."},
      {"public_spending", "RMB/month", "county", "flow", "Public spending this month, all policy lines (see spending_*)."},
      {"public_spending_cumulative", "RMB", "county", "cumulative", "Public spending since the start."},
      {"cost_per_job", "RMB/person", "base", "cumulative", "Cumulative public spending (every budget line, county-wide) per job in the base (0 when the base has no jobs)."},
      {"relocations", "ventures/month", "county", "flow", "Firms that left the county this month (outside pull, or at a transition)."},
      {"relocations_cumulative", "ventures", "county", "cumulative", "Relocations out of the county since the start."},
      {"acquisitions", "ventures/month", "county", "flow", "Firms acquired by leading firms this month."},
      {"acquisitions_cumulative", "ventures", "county", "cumulative", "Acquisitions since the start."},
      {"funding_raised", "RMB/month", "county", "flow", "Money raised this month from investors and the guidance fund."},
      {"funding_raised_cumulative", "RMB", "county", "cumulative", "Money raised from investors and the guidance fund since the start."},
      {"funding_rounds", "rounds/month", "county", "flow", "Funding rounds this month (first and follow-on)."},
      {"loans", "loans/month", "county", "flow", "Bank loans granted this month."},
      {"carriers_provincial_or_higher", "carriers", "county", "stock", "Open carriers of any kind at provincial or national level."},
      {"carriers_national", "carriers", "county", "stock", "Open carriers at national level."},
      {"talents_arrived_cumulative", "persons", "county", "cumulative", "High-level talents brought by talent programmes since the start."},
      {"trained", "persons/month", "county", "flow", "Founders trained on county training places this month."},
      {"case_by_case_supported", "ventures/month", "base", "flow", "High-growth base residents given case-by-case support this month."},
      {"spending_rent_subsidy", "RMB/month", "county", "flow", "Public spending this month: rent subsidies."},
      {"spending_operators", "RMB/month", "county", "flow", "Public spending this month: operators (fixed costs and per-graduate payments)."},
      {"spending_training", "RMB/month", "county", "flow", "Public spending this month: training places."},
      {"spending_case_by_case", "RMB/month", "county", "flow", "Public spending this month: case-by-case support."},
      {"spending_talent", "RMB/month", "county", "flow", "Public spending this month: talent programmes."},
      {"spending_guidance_fund", "RMB/month", "county", "flow", "Guidance-fund investments this month."},
      {"spending_loan_guarantee", "RMB/month", "county", "flow", "Loan guarantees paid on defaults this month."},
      {"budget_left_rent_subsidy", "RMB", "county", "stock", "What is left of this year's rent-subsidy line."},
      {"budget_left_case_by_case", "RMB", "county", "stock", "What is left of this year's case-by-case line."},
      {"budget_left_guidance_fund", "RMB", "county", "stock", "What is left of the guidance fund's capital."},
      {"technology_mean_base", "technology", "base", "stock", "Mean technology level of base residents (0 when none)."},
      {"admitted_quality_sum", "sd", "county", "flow", "Sum of the latent quality of ventures admitted this month (divide by admissions for the mean: how well screening selects)."},
      {"tech_sme_cumulative", "firms", "county", "cumulative", "Firms first evaluated as technology-based SMEs since the start, county-wide."},
      {"high_tech_cumulative", "firms", "county", "cumulative", "Firms first certified high-tech since the start, county-wide."},
      {"cost_per_high_tech", "RMB/firm", "base", "cumulative", "Cumulative public spending (every budget line, county-wide) per high-tech enterprise incubated (high_tech_cumulative_base; 0 when none)."},
  };
  return r;
}

}  // namespace

const std::vector<IndicatorDefinition>& indicator_registry() {
  static const std::vector<IndicatorDefinition> registry = [] {
    auto r = make_registry();
    if (static_cast<int>(r.size()) != column_count) throw std::logic_error("indicator registry and columns differ");
    return r;
  }();
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
  for (int i = 0; i < column_count; ++i) row[i] = 0.0;
  for (std::uint32_t index : state.active) {
    const Venture& v = state.ventures[index];
    if (v.status != Status::active) continue;  // exited this month; removed after recording
    row[ventures_active] += 1;
    row[ventures_outside + static_cast<int>(v.stage)] += 1;
    if (!v.registered) row[teams_active] += 1;
    row[jobs] += v.headcount;
    row[revenue] += v.revenue;
    if (month <= v.tech_sme_until) row[tech_sme_stock] += 1;
    if (month <= v.high_tech_until) row[high_tech_stock] += 1;
    if (v.carrier >= 0 && setup.carrier_parameters(v.carrier).in_base) {
      row[technology_mean_base] += v.technology;
      row[ventures_base] += 1;
      row[jobs_base] += v.headcount;
      if (v.stage == Stage::incubator) row[incubator_residents_base] += 1;
    }
  }
  const FlowCounters& flows = state.flows;
  for (std::size_t s = 0; s < setup.parameters.sources.size(); ++s) {
    // Sources are validated to be one of the four origins; their column follows that origin.
    const int origin = setup.source_origin[s];
    row[entries_grassroots + origin] += flows.entries_by_source[s];
  }
  row[registrations] = flows.registrations;
  std::array<double, carrier_kind_count> capacity{};
  std::array<double, carrier_kind_count> residents{};
  std::array<bool, carrier_kind_count> base_has_kind{};
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    if (!state.carriers[c].open) continue;
    const ResolvedCarrier& carrier = setup.carriers[c];
    const int kind = static_cast<int>(carrier.kind);
    const CarrierParameters& parameters = setup.carrier_parameters(static_cast<int>(c));
    capacity[kind] += parameters.capacity;
    residents[kind] += state.carriers[c].residents;
    row[carriers_open_nursery + kind] += 1;
    const int level = state.carriers[c].level;  // may change at annual reviews
    if (carrier.kind == CarrierKind::nursery && level >= static_cast<int>(CarrierLevel::provincial)) row[nurseries_provincial_county] += 1;
    if (level >= static_cast<int>(CarrierLevel::provincial)) row[carriers_provincial_or_higher] += 1;
    if (level == static_cast<int>(CarrierLevel::national)) row[carriers_national] += 1;
    if (carrier.kind == CarrierKind::incubator) row[incubators_county] += 1;
    if (parameters.in_base) base_has_kind[kind] = true;
  }
  bool complete = true;
  for (int k = 0; k < carrier_kind_count; ++k) {
    row[admissions_nursery + k] = flows.admissions[k];
    row[waiting_nursery + k] = flows.waiting[k];
    row[occupancy_nursery + k] = capacity[k] > 0 ? residents[k] / capacity[k] : 0.0;
    complete = complete && base_has_kind[k];
  }
  for (int k = 0; k < 3; ++k) row[graduations_nursery + k] = flows.graduations[k];
  row[base_complete] = complete ? 1.0 : 0.0;
  row[graduations_cumulative] = state.cumulative.graduations;
  row[evictions] = flows.evictions;
  row[exits_failure_cash] = flows.failures_cash;
  row[exits_failure_hazard] = flows.failures_hazard;
  row[failures_cumulative] = state.cumulative.failures;
  row[tech_sme_cumulative_base] = state.cumulative.tech_sme_base;
  row[high_tech_cumulative_base] = state.cumulative.high_tech_base;
  row[talents_cultivated_base] = state.cumulative.talents_base;
  row[public_spending] = flows.public_spending();
  row[relocations] = flows.relocations;
  row[relocations_cumulative] = state.cumulative.relocations;
  row[acquisitions] = flows.acquisitions;
  row[acquisitions_cumulative] = state.cumulative.acquisitions;
  row[funding_raised] = flows.funding_raised;
  row[funding_raised_cumulative] = state.cumulative.funding_raised;
  row[funding_rounds] = flows.funding_rounds;
  row[loans] = flows.loans;
  row[talents_arrived_cumulative] = state.cumulative.talents_arrived;
  row[trained] = flows.trained;
  row[case_by_case_supported] = flows.case_by_case;
  row[spending_rent_subsidy] = flows.rent_subsidy_spending;
  row[spending_operators] = flows.operator_spending;
  row[spending_training] = flows.training_spending;
  row[spending_case_by_case] = flows.case_by_case_spending;
  row[spending_talent] = flows.talent_spending;
  row[spending_guidance_fund] = flows.guidance_fund_spending;
  row[spending_loan_guarantee] = flows.guarantee_spending;
  row[budget_left_rent_subsidy] = state.budgets.rent_subsidy;
  row[budget_left_case_by_case] = state.budgets.case_by_case;
  row[budget_left_guidance_fund] = state.budgets.guidance_fund;
  row[technology_mean_base] = row[ventures_base] > 0 ? row[technology_mean_base] / row[ventures_base] : 0.0;
  row[admitted_quality_sum] = flows.admitted_quality;
  row[tech_sme_cumulative] = state.cumulative.tech_sme;
  row[high_tech_cumulative] = state.cumulative.high_tech;
  row[public_spending_cumulative] = state.cumulative.public_spending;
  row[cost_per_job] = row[jobs_base] > 0 ? state.cumulative.public_spending / row[jobs_base] : 0.0;
  row[cost_per_high_tech] = row[high_tech_cumulative_base] > 0 ? state.cumulative.public_spending / row[high_tech_cumulative_base] : 0.0;
}

}  // namespace incubsim::model
