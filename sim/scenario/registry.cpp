#include "scenario/registry.hpp"

#include "model/setup.hpp"

#include <cmath>
#include <sstream>

namespace incubsim::scenario {
namespace {

using model::CarrierParameters;
using model::ModelParameters;
using model::OperatorParameters;
using model::SectorParameters;
using model::SourceParameters;
using model::StageRules;
using model::TargetParameters;

constexpr double infinity = std::numeric_limits<double>::infinity();

const char* const assumption = "assumption";
const char* const most_rules = "MOST incubator rules, Guo Ke Fa Qu [2018] No. 300 (sources.md §E4)";
const char* const calibrated_bls = "calibrated to BLS BED survival (sources.md §E1)";
const char* const high_tech_rules = "High-tech enterprise measures, Guo Ke Fa Huo [2016] No. 32 (sources.md §E7)";
const char* const tech_sme_rules = "Tech-SME evaluation measures, Guo Ke Fa Zheng [2017] No. 115 (sources.md §E8)";

// Builds one binding; `field` maps the owner to the bound member.
template <class Owner, class Member>
FieldBinding<Owner> make_binding(std::string prefix, std::string name, Member Owner::*member, ValueType type, std::string unit,
                         double min, double max, std::string provenance, std::string meaning) {
  FieldBinding<Owner> binding;
  binding.name = name;
  binding.spec.key = prefix.empty() ? name : prefix + "." + name;
  binding.spec.type = type;
  binding.spec.unit = std::move(unit);
  binding.spec.min = min;
  binding.spec.max = max;
  binding.spec.provenance = std::move(provenance);
  binding.spec.meaning = std::move(meaning);
  binding.field = [member](Owner& owner) -> FieldRef { return &(owner.*member); };
  return binding;
}

template <class Owner>
FieldBinding<Owner>& required(FieldBinding<Owner>& binding) {
  binding.spec.required = true;
  return binding;
}

std::string format_number(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::ostringstream text;
  text << value;
  return text.str();
}

// Fills default_text of every binding from a default-constructed owner.
template <class Owner>
void fill_defaults(std::vector<FieldBinding<Owner>>& bindings, Owner owner) {
  for (auto& binding : bindings) {
    if (binding.spec.required) {
      binding.spec.default_text = "(required)";
      continue;
    }
    std::visit(
        [&](auto* field) {
          using T = std::remove_pointer_t<decltype(field)>;
          if constexpr (std::is_same_v<T, double> || std::is_same_v<T, int>) {
            binding.spec.default_text = format_number(*field);
          } else if constexpr (std::is_same_v<T, bool>) {
            binding.spec.default_text = *field ? "true" : "false";
          } else if constexpr (std::is_same_v<T, std::string>) {
            binding.spec.default_text = "\"" + *field + "\"";
          } else {
            binding.spec.default_text = "[]";
          }
        },
        binding.field(owner));
  }
}

// The names the model resolves, as a key's choices.
template <std::size_t N>
std::vector<std::string> choices(const std::array<const char*, N>& names) {
  return {names.begin(), names.end()};
}

template <class Element>
void add_citation_field(ElementTable<Element>& table) {
  table.fields.push_back(make_binding<Element>(table.name, "source", &Element::source, ValueType::text, "", -infinity, infinity, "",
                                       "Citation for this element's values (plan section, publication, \"calibrated\" or \"assumption\")."));
}

// Keys "<prefix>.<name>" bound to the members of element `index` of an array of ModelParameters:
// the tables [stage.<kind>] and [listing.<board>].
template <class Element, std::size_t N>
auto array_element_section(std::string prefix, std::array<Element, N> ModelParameters::*array, std::size_t index) {
  return [prefix = std::move(prefix), array, index](auto member, ValueType type, std::string name, std::string unit, double min,
                                                    double max, std::string provenance, std::string meaning) {
    FieldBinding<ModelParameters> binding;
    binding.name = name;
    binding.spec = ParameterSpec{prefix + "." + name, type, std::move(unit), "", min, max, {}, std::move(provenance), std::move(meaning)};
    binding.field = [array, index, member](ModelParameters& m) -> FieldRef { return &((m.*array)[index].*member); };
    return binding;
  };
}

ParameterRegistry make_registry() {
  ParameterRegistry r;
  using M = ModelParameters;
  auto& s = r.scalars;

  // [scenario]
  s.push_back(make_binding<M>("scenario", "name", &M::name, ValueType::text, "", -infinity, infinity, "", "Short name of the scenario (defaults to the file name)."));
  s.push_back(make_binding<M>("scenario", "description", &M::description, ValueType::text, "", -infinity, infinity, "", "What the scenario represents."));

  // [simulation]
  // Plain sections bound to a member struct of ModelParameters.
  auto section = [&s](std::string prefix, auto section_member) {
    return [&s, prefix, section_member](auto member, ValueType type, std::string name, std::string unit, double min, double max,
                                         std::string provenance, std::string meaning) {
      FieldBinding<M> b;
      b.name = name;
      b.spec = ParameterSpec{prefix + "." + name, type, std::move(unit), "", min, max, {}, std::move(provenance), std::move(meaning)};
      b.field = [section_member, member](M& m) -> FieldRef { return &((m.*section_member).*member); };
      s.push_back(std::move(b));
    };
  };
  auto simulation = section("simulation", &M::simulation);
  simulation(&model::SimulationParameters::start, ValueType::month, "start", "YYYY-MM", -infinity, infinity,
                         "plan issued 2021-07-29 (sources.md §P1)", "First simulated month.");
  simulation(&model::SimulationParameters::horizon_months, ValueType::integer, "horizon_months", "months", 1, 1000000,
                         "plan runs to end 2025 (sources.md §P1)", "Number of simulated months; validation also holds it to the RNG counter's 16-bit month field and the results' 16-bit month columns (at most 32,767).");
  simulation(&model::SimulationParameters::potential_scale, ValueType::real, "potential_scale", "factor", 0, 1e6, assumption,
                         "Multiplies every source's potential entrants (benchmark and county-size studies).");

  // [dynamics]
  auto dynamics = section("dynamics", &M::dynamics);
  using D = model::VentureDynamics;
  const ValueType real = ValueType::real;
  const ValueType integer = ValueType::integer;
  dynamics(&D::tenants_per_staff, integer, "tenants_per_staff", "ventures/person", 1, 10000, "MOST national incubator criteria: one service staff and one mentor per 10 tenants (sources.md §E4)", "Residents one operator staff member serves at full service quality; beyond that, services thin out in proportion.");
  dynamics(&D::institute_technology_gain, real, "institute_technology_gain", "share/month", 0, 1, assumption, "Monthly technology gain (towards 1) of residents of carriers run by research institutes or agri-science stations.");
  dynamics(&D::registration_probability, real, "registration_probability", "1/month", 0, 1, assumption, "Monthly chance that a team outside carriers registers as a firm.");
  dynamics(&D::carrier_registration_boost, real, "carrier_registration_boost", "factor", 0, 100, assumption, "Registration odds inside a carrier are multiplied by (1 + this).");
  dynamics(&D::first_revenue, real, "first_revenue", "RMB/month", 0, 1e9, assumption, "Monthly revenue when a firm of average quality first sells (scaled by exp(0.5 quality)).");
  dynamics(&D::revenue_growth, real, "revenue_growth", "1/month", -1, 1, assumption, "Monthly log-growth of revenue of a mature firm, once its growth opportunities have run out (added to the sector's market growth).");
  dynamics(&D::opportunity_initial, real, "opportunity_initial", "1/month", -1, 1, "young firms grow fastest, then growth falls with age (Haltiwanger, Jarmin & Miranda 2013; sources.md §E13); size: assumption", "Monthly log-growth a new seller's opportunities add at founding (average founders); it runs out at `opportunity_decay`.");
  dynamics(&D::quality_growth_effect, real, "quality_growth_effect", "1/month", -1, 1, assumption, "Added to a new seller's initial opportunity per standard deviation of latent quality; runs out with it.");
  dynamics(&D::skill_growth_effect, real, "skill_growth_effect", "1/month", -1, 1, assumption, "Added to a new seller's initial opportunity at founder skill 1; runs out with it.");
  dynamics(&D::technology_growth_effect, real, "technology_growth_effect", "1/month", -1, 1, assumption, "Added to a new seller's initial opportunity at technology level 1; runs out with it.");
  dynamics(&D::service_growth_effect, real, "service_growth_effect", "1/month", -1, 1, assumption, "Extra monthly log-growth inside a carrier whose operator's service quality is 1.");
  dynamics(&D::outside_reach, real, "outside_reach", "share", 0, 1, assumption, "A seller's share of sales outside the county at technology 1 (its reach is this x technology); the rest is sold in the county.");
  dynamics(&D::market_adjustment, real, "market_adjustment", "share/month", 0, 1, assumption, "When a market is over-full (fill above 1), sellers lose this share of the excess a month (log scale).");
  dynamics(&D::opportunity_decay, real, "opportunity_decay", "share/month", 0, 1, "growth opportunities run out: up or out (sources.md §E13); rate: assumption", "Share of a venture's growth opportunity that runs out each month.");
  dynamics(&D::opportunity_arrival, real, "opportunity_arrival", "1/month", 0, 1, "tent-shaped growth rates (Stanley et al. 1996; Bottazzi & Secchi 2006; sources.md §E13); rate: assumption", "Monthly chance that a new opportunity (or the loss of one) arrives and shifts the venture's growth.");
  dynamics(&D::opportunity_size, real, "opportunity_size", "1/month", 0, 1, "tent-shaped growth rates (sources.md §E13); size: assumption", "Standard deviation of the monthly log-growth a new opportunity adds (Laplace, either sign).");
  dynamics(&D::revenue_volatility, real, "revenue_volatility", "1/sqrt(month)", 0, 1, "tent-shaped growth rates (sources.md §E13); size: assumption", "Standard deviation of the monthly log-revenue shock (Laplace: tent-shaped, fat-tailed).");
  dynamics(&D::revenue_per_employee, real, "revenue_per_employee", "RMB/month", 1, 1e9, assumption, "Monthly revenue that sustains one job; sets the target headcount.");
  dynamics(&D::hiring_rate, real, "hiring_rate", "share/month", 0, 1, "headcount moves in whole persons and small firms do hire (sources.md §E13); rate: assumption", "Share of a staff shortfall (target headcount minus headcount) hired each month, in whole persons (stochastic rounding).");
  dynamics(&D::firing_rate, real, "firing_rate", "share/month", 0, 1, assumption, "Share of a staff excess (more than one person above target) shed each month, in whole persons (stochastic rounding).");
  dynamics(&D::result_noise, real, "result_noise", "sd", 0.05, 100, "founders learn their quality from results (Jovanovic 1982; sources.md §E13); size: assumption", "Standard deviation of a month's result as a signal of the venture's latent quality; larger: founders learn more slowly.");
  dynamics(&D::service_learning_effect, real, "service_learning_effect", "factor", 0, 10, "matched-control studies find small or no effects of incubation (sources.md §E11); size: assumption", "A carrier's services multiply the precision of a month's signal by (1 + this x service quality); 0: no effect on learning.");
  dynamics(&D::closing_threshold, real, "closing_threshold", "sd", -10, 10, "exit when expected efficiency falls below a threshold (Jovanovic 1982; sources.md §E13); value: assumption", "Founders close the venture when their expected latent quality falls below this.");
  dynamics(&D::closing_min_months, integer, "closing_min_months", "months", 0, 1200, assumption, "Months of results before founders may decide to close.");
  dynamics(&D::wage_per_month, real, "wage_per_month", "RMB/month", 0, 1e7, assumption, "Monthly cost of one employee of a registered firm.");
  dynamics(&D::other_costs_per_month, real, "other_costs_per_month", "RMB/month", 0, 1e8, assumption, "Monthly costs other than wages and rent (teams pay only these).");
  dynamics(&D::skill_learning_outside, real, "skill_learning_outside", "share/month", 0, 1, assumption, "Monthly closing of the gap between founder skill and 1, outside carriers.");
  dynamics(&D::skill_learning_in_carrier, real, "skill_learning_in_carrier", "share/month", 0, 1, assumption, "Monthly skill learning inside a carrier, at operator service quality 1.");
  dynamics(&D::technology_learning, real, "technology_learning", "share/month", 0, 1, assumption, "Monthly technology gain at founder skill 1 (towards 1).");
  dynamics(&D::patent_rate, real, "patent_rate", "patents/month", 0, 10, assumption, "Monthly chance of a new patent at technology 1 (registered firms).");
  dynamics(&D::hazard_scale_months, real, "hazard_scale_months", "months", 1, 10000, calibrated_bls, "Scale alpha of the log-logistic failure hazard: half of ventures would survive alpha months from the hazard alone.");
  dynamics(&D::hazard_shape, real, "hazard_shape", "", 0.05, 20, calibrated_bls, "Shape beta of the log-logistic hazard: <= 1 falls with age (US), > 1 rises then falls (China's inverted U).");
  dynamics(&D::hazard_multiplier, real, "hazard_multiplier", "factor", 0, 100, assumption, "Scales the whole failure hazard.");
  dynamics(&D::talent_skill_threshold, real, "talent_skill_threshold", "skill", 0, 1, assumption, "Founder skill at which a base resident counts as an innovative talent cultivated.");
  dynamics(&D::tech_sme_min_score, real, "tech_sme_min_score", "points", 0, 100, tech_sme_rules, "Evaluation score needed: S&T staff points (20 at a 30% share) + R&D points (50 at 6% of revenue) + IP points (30 with a patent, else 30 x technology).");
  dynamics(&D::high_tech_min_technology, real, "high_tech_min_technology", "technology", 0, 1, high_tech_rules, "Technology level standing in for the innovation-capability evaluation.");
  dynamics(&D::high_tech_min_patents, integer, "high_tech_min_patents", "patents", 0, 1000, high_tech_rules, "Patents needed as owned IP on the core technology.");
  dynamics(&D::high_tech_validity_months, integer, "high_tech_validity_months", "months", 1, 600, high_tech_rules, "Validity of a high-tech certificate before re-evaluation.");
  dynamics(&D::high_tech_min_st_staff_share, real, "high_tech_min_st_staff_share", "share", 0, 1, high_tech_rules, "Science-and-technology staff share of employees needed.");
  dynamics(&D::high_tech_min_product_share, real, "high_tech_min_product_share", "share", 0, 1, high_tech_rules, "High-tech products' share of revenue needed.");
  dynamics(&D::st_staff_share_mean, real, "st_staff_share_mean", "share", 0, 1, assumption, "Mean science-and-technology staff share of entrants (each venture draws its own, sd 0.08).");
  dynamics(&D::high_tech_product_share_mean, real, "high_tech_product_share_mean", "share", 0, 1, assumption, "Mean high-tech product share of revenue at technology 0.5 (rises with technology).");

  const ValueType boolean = ValueType::boolean;
  const char* const plan_safeguards = "sources.md §P8-§P11 (the plan's safeguards)";

  // [finance]
  using F = model::FinanceParameters;
  auto finance = section("finance", &M::finance);
  finance(&F::runway_months, real, "runway_months", "months", 0, 120, assumption, "A registered firm seeks funding when its cash is below this many months of costs.");
  finance(&F::investor_capital_per_year, real, "investor_capital_per_year", "RMB/year", 0, 1e12, assumption, "Capital angel/VC investors place in the county each year (reset each January; 0: no investors).");
  finance(&F::investor_ticket, real, "investor_ticket", "RMB", 0, 1e10, assumption, "First-round ticket.");
  finance(&F::investor_screening_per_month, integer, "investor_screening_per_month", "ventures/month", 0, 100000, "Gompers et al. 2020: VCs invest in ~2% of what they screen (sources.md §E6); capacity: assumption", "Applications investors can screen a month.");
  finance(&F::investor_noise, real, "investor_noise", "sd", 0, 100, assumption, "Noise on the quality signal investors see.");
  finance(&F::investor_threshold, real, "investor_threshold", "signal", -100, 100, assumption, "Signal needed for a first round.");
  finance(&F::follow_on_multiple, real, "follow_on_multiple", "factor", 0, 100, "CB Insights funding funnel (sources.md §E6); multiple: assumption", "Follow-on ticket as a multiple of the previous one.");
  finance(&F::follow_on_threshold, real, "follow_on_threshold", "signal", -100, 100, assumption, "Signal needed for a follow-on round by a funded firm whose revenue grew.");
  finance(&F::guidance_fund_capital, real, "guidance_fund_capital", "RMB", 0, 1e12, assumption, "Capital of the government guidance fund; investments stop when it runs out.");
  finance(&F::guidance_fund_ticket, real, "guidance_fund_ticket", "RMB", 0, 1e10, assumption, "Guidance-fund ticket.");
  finance(&F::guidance_fund_screening_per_month, integer, "guidance_fund_screening_per_month", "ventures/month", 0, 100000, assumption, "Applications the fund can screen a month.");
  finance(&F::guidance_fund_threshold, real, "guidance_fund_threshold", "signal", -100, 100, assumption, "Signal the fund needs (it takes more risk than private investors).");
  finance(&F::loan_amount, real, "loan_amount", "RMB", 0, 1e10, assumption, "Bank loan size.");
  finance(&F::loan_min_revenue, real, "loan_min_revenue", "RMB/month", 0, 1e12, assumption, "Revenue a bank needs to see without a guarantee.");
  finance(&F::loan_term_months, integer, "loan_term_months", "months", 1, 600, assumption, "Repayment term (equal monthly instalments of the principal; interest on top, see loan_interest_rate).");
  finance(&F::loan_guarantee_share, real, "loan_guarantee_share", "share", 0, 1, assumption, "Share of a defaulted loan the public guarantee pays; above 0 banks also lend to carrier residents with half the revenue.");
  finance(&F::loan_interest_rate, real, "loan_interest_rate", "share/year", 0, 1, assumption, "Annual interest on a bank loan's balance, paid monthly (balance x rate / 12) on top of the instalment; 0 = no interest. Small-firm bank rates in China are a few percent a year (the one-year LPR was 3.85% in 2021).");

  // [policy]
  using P = model::PolicyParameters;
  auto policy = section("policy", &M::policy);
  policy(&P::zero_cost_entry, boolean, "zero_cost_entry", "", -infinity, infinity, "sources.md §P4 nursery: zero-cost entrepreneurship", "Zero-cost entry: one-stop free support raises the chance potential entrants start up.");
  policy(&P::zero_cost_entry_boost, real, "zero_cost_entry_boost", "factor", 0, 10, assumption, "Relative rise of every source's entry probability under zero-cost entry.");
  policy(&P::internet_plus, boolean, "internet_plus", "", -infinity, infinity, "sources.md §P11 (Internet+)", "Internet+ information: more ventures learn of programmes and investors.");
  policy(&P::internet_plus_awareness, real, "internet_plus_awareness", "factor", 0, 10, assumption, "Relative rise of awareness under Internet+ (capped at 1).");
  policy(&P::awareness_without_internet_plus, real, "awareness_without_internet_plus", "probability", 0, 1, assumption, "Monthly chance an eligible venture knows of a programme or investor, without Internet+.");
  policy(&P::training_places_per_month, integer, "training_places_per_month", "places/month", 0, 1000000, plan_safeguards, "County training places a month (residents first, then others), paid from the training line.");
  policy(&P::training_skill_gain, real, "training_skill_gain", "share", 0, 1, assumption, "Skill gain towards 1 of a trained founder.");
  policy(&P::training_cost_per_place, real, "training_cost_per_place", "RMB", 0, 1e9, assumption, "Cost of a training place.");
  policy(&P::case_by_case_budget_per_year, real, "case_by_case_budget_per_year", "RMB/year", 0, 1e12, "sources.md §P9 (一事一议); amount: assumption", "Annual budget of case-by-case support for high-growth base residents.");
  policy(&P::case_by_case_grant, real, "case_by_case_grant", "RMB", 0, 1e10, assumption, "Support (land, finance, fiscal) per venture, as cash.");
  policy(&P::case_by_case_min_growth, real, "case_by_case_min_growth", "1/month", -1, 1, assumption, "Smoothed monthly revenue growth that counts as high-growth.");
  policy(&P::case_by_case_relocation_factor, real, "case_by_case_relocation_factor", "factor", 0, 1, assumption, "Relocation hazard multiplier of a supported venture.");
  policy(&P::rent_subsidy_budget_per_year, real, "rent_subsidy_budget_per_year", "RMB/year", 0, 1e15, assumption, "Annual rent-subsidy line; subsidies stop for the rest of the year when it runs out.");
  policy(&P::operator_budget_per_year, real, "operator_budget_per_year", "RMB/year", 0, 1e15, assumption, "Annual line for operators' public cost; operators unpaid once it runs out stop their services (service quality 0).");

  // [talent]
  using T = model::TalentParameters;
  auto talent = section("talent", &M::talent);
  talent(&T::talents_per_year, integer, "talents_per_year", "persons/year", 0, 100000, "sources.md §P9, §P10 (Zibo talent 37 articles, Yiyuan talent 25 articles); number: assumption", "High-level talents the programmes bring each January.");
  talent(&T::cost_per_talent, real, "cost_per_talent", "RMB", 0, 1e10, assumption, "Programme cost per talent (talent line).");
  talent(&T::found_share, real, "found_share", "share", 0, 1, assumption, "Share of talents who found a venture; the others join one.");
  talent(&T::join_skill_gain, real, "join_skill_gain", "share", 0, 1, assumption, "Founder-skill gain towards 1 of a venture a talent joins.");

  // [platforms]
  using L = model::PlatformParameters;
  auto platforms = section("platforms", &M::platforms);
  platforms(&L::platforms, integer, "platforms", "platforms", 0, 10000, "sources.md §P7, §P10 (university platforms, workstations, key labs)", "University/institute and innovation platforms.");
  platforms(&L::spin_offs_per_platform_year, real, "spin_offs_per_platform_year", "ventures/year", 0, 1000, assumption, "Extra spin-off potential entrants a platform yields a year.");
  platforms(&L::technology_gain_per_platform, real, "technology_gain_per_platform", "share/month", 0, 1, assumption, "Monthly technology gain (towards 1) of incubator and park residents per platform (capped at 10 platforms).");
  platforms(&L::pilot_bases, integer, "pilot_bases", "bases", 0, 1000, "sources.md §P11 (中试 bases)", "Pilot-scale bases.");
  platforms(&L::pilot_technology_gain, real, "pilot_technology_gain", "share/month", 0, 1, assumption, "Monthly technology gain of accelerator and park residents per pilot base (capped at 3).");

  // [integration]
  using I = model::IntegrationParameters;
  auto integration = section("integration", &M::integration);
  integration(&I::enabled, boolean, "enabled", "", -infinity, infinity, "sources.md §P8 (4+N)", "The base's carriers work as one pipeline (the mechanisms below apply).");
  integration(&I::feeder_noise_factor, real, "feeder_noise_factor", "factor", 0, 10, assumption, "Screening noise x this for graduates of a base carrier applying to the next base carrier.");
  integration(&I::reserved_share, real, "reserved_share", "share", 0, 1, assumption, "Share of each base carrier's seats reserved for base graduates.");
  integration(&I::transition_relocation_factor, real, "transition_relocation_factor", "factor", 0, 10, assumption, "Relocation at transition x this for base residents.");
  integration(&I::shared_service_quality, real, "shared_service_quality", "0..1", 0, 1, assumption, "Added to service quality in base carriers (one service platform, one investor network).");
  integration(&I::shared_cost_factor, real, "shared_cost_factor", "factor", 0, 10, assumption, "Public cost of operators running base carriers x this.");

  // [leading_firms]
  using G = model::LeadingFirmParameters;
  auto leading = section("leading_firms", &M::leading_firms);
  leading(&G::count, integer, "count", "firms", 0, 1000, "sources.md §P5 incubator (led by leading firms); number: assumption", "Leading firms (龙头企业) of the county.");
  leading(&G::mentoring_growth, real, "mentoring_growth", "1/month", 0, 1, assumption, "Extra monthly revenue growth of base residents per leading firm (at most 3 count).");
  leading(&G::purchase_revenue_share, real, "purchase_revenue_share", "share", 0, 1, assumption, "Extra sales to leading firms as a share of revenue, per firm (at most 3 count), for base residents.");
  leading(&G::acquisition_rate, real, "acquisition_rate", "1/month", 0, 1, assumption, "Monthly chance per leading firm of acquiring an eligible firm.");
  leading(&G::acquisition_min_technology, real, "acquisition_min_technology", "technology", 0, 1, assumption, "Technology a firm needs to be an acquisition target.");

  // [exits]
  using E = model::ExitParameters;
  auto exits = section("exits", &M::exits);
  exits(&E::relocation_rate, real, "relocation_rate", "1/month", 0, 1, assumption, "Monthly relocation hazard of a registered firm with no revenue; outside pull rises with revenue.");
  exits(&E::relocation_revenue_scale, real, "relocation_revenue_scale", "RMB/month", 1, 1e12, assumption, "Revenue at which the outside pull doubles the relocation hazard.");
  exits(&E::relocation_support_factor, real, "relocation_support_factor", "factor", 0, 1, assumption, "Relocation hazard x this while resident in a carrier (land, space, services).");
  exits(&E::relocation_at_transition, real, "relocation_at_transition", "probability", 0, 1, assumption, "Chance a registered firm leaves the county when it leaves a carrier with no next one.");

  // [carrier_dynamics]
  using C = model::CarrierDynamics;
  auto carriers = section("carrier_dynamics", &M::carrier_dynamics);
  carriers(&C::construction_delay_mean, real, "construction_delay_mean", "months", 0, 120, assumption, "A planned opening is late by a Poisson number of months with this mean.");
  carriers(&C::demand_months, integer, "demand_months", "months", 1, 120, assumption, "Consecutive months of demand that open a carrier with opening_rule = \"demand\".");
  carriers(&C::demand_waiting, integer, "demand_waiting", "ventures", 0, 100000, assumption, "Waiting applicants of a kind in a month that count as demand.");
  carriers(&C::level_reviews, boolean, "level_reviews", "", -infinity, infinity, "sources.md §E4 (national criteria)", "Annual level reviews each December.");
  carriers(&C::provincial_min_residents, integer, "provincial_min_residents", "ventures", 0, 100000, "scaled from MOST national criteria (sources.md §E4): assumption", "Residents for provincial level.");
  carriers(&C::provincial_min_graduates, integer, "provincial_min_graduates", "ventures", 0, 100000, "scaled from MOST national criteria: assumption", "Cumulative graduates for provincial level.");
  carriers(&C::national_min_residents, integer, "national_min_residents", "ventures", 0, 100000, most_rules, "Residents for national level (>= 50 tenants).");
  carriers(&C::national_min_graduates, integer, "national_min_graduates", "ventures", 0, 100000, most_rules, "Cumulative graduates for national level (>= 20).");

  // [stage.<kind>]
  for (std::size_t k = 0; k < model::carrier_kind_count; ++k) {
    auto stage = array_element_section(std::string("stage.") + model::carrier_kind_names[k], &M::stages, k);
    const bool incubator = k == 1;
    s.push_back(stage(&StageRules::max_entry_age_months, integer, "max_entry_age_months", "months", 0, 1200, incubator ? most_rules : assumption,
                      "Applicants older than this (since registration, or entry for teams) are not admitted unless graduating from the feeder stage; 0: no limit."));
    s.push_back(stage(&StageRules::min_months, integer, "min_months", "months", 0, 1200, assumption, "Graduation needs at least this many months in the stage."));
    s.push_back(stage(&StageRules::min_skill, real, "min_skill", "skill", 0, 1, assumption, "Graduation (and direct entry to the next stage) needs this founder skill."));
    s.push_back(stage(&StageRules::min_technology, real, "min_technology", "technology", 0, 1, assumption, "Graduation needs this technology level."));
    s.push_back(stage(&StageRules::min_revenue, real, "min_revenue", "RMB/month", 0, 1e12, assumption, "Graduation needs this monthly revenue (MOST's national rule is 10 M RMB over two years; county carriers set their own)."));
    s.push_back(stage(&StageRules::min_headcount, integer, "min_headcount", "persons", 0, 65535, assumption, "Graduation needs this headcount."));
    s.push_back(stage(&StageRules::application_probability, real, "application_probability", "1/month", 0, 1, assumption, "Monthly chance that an eligible venture applies to a carrier of this kind."));
    s.push_back(stage(&StageRules::requires_production, ValueType::boolean, "requires_production", "", -infinity, infinity, k == 2 ? "sources.md §P6: the accelerator is standard factory space for scale production" : assumption,
                      "Only ventures that need production space (`sector.production_share`) apply to carriers of this kind; the others skip it."));
  }

  // [listing.<board>]
  for (std::size_t b = 0; b < model::listing_board_names.size(); ++b) {
    auto board = array_element_section(std::string("listing.") + model::listing_board_names[b], &M::listing, b);
    using L = model::ListingBoard;
    const char* const rules = b == 0 ? "ChiNext listing rules (2020 registration system; sources.md §E12)" : "Beijing Stock Exchange listing rules (2021; sources.md §E12)";
    s.push_back(board(&L::enabled, ValueType::boolean, "enabled", "", -infinity, infinity, assumption, "Firms of the county may list on this board (a rare exit)."));
    s.push_back(board(&L::min_profit_last_year, real, "min_profit_last_year", "RMB", 0, 1e13, rules, "Net profit of the last 12 months needed (0: no such rule)."));
    s.push_back(board(&L::min_profit_two_years, real, "min_profit_two_years", "RMB", 0, 1e13, rules, "Net profit of the last 24 months needed, each 12 months positive (0: no such rule)."));
    s.push_back(board(&L::min_revenue_last_year, real, "min_revenue_last_year", "RMB", 0, 1e13, rules, "Revenue of the last 12 months needed (0: no such rule)."));
    s.push_back(board(&L::min_years_registered, integer, "min_years_registered", "years", 0, 100, rules, "Years since registration needed (a track record)."));
    s.push_back(board(&L::listing_probability, real, "listing_probability", "1/year", 0, 1, assumption, "Chance a year that an eligible firm lists (preparation, the queue and the review)."));
    s.push_back(board(&L::relocation_share, real, "relocation_share", "share", 0, 1, assumption, "Share of listed firms that leave the county at listing; the others' jobs stay counted in the county."));
  }
  fill_defaults(s, M{});

  // [[sector]]
  r.sector.name = "sector";
  r.sector.meaning = "A sector of potential entrants; carriers may focus on a list of sectors.";
  auto& sector = r.sector.fields;
  sector.push_back(make_binding<SectorParameters>("sector", "id", &SectorParameters::id, ValueType::text, "", -infinity, infinity, "", "Identifier used by carriers' sector lists."));
  required(sector.back());
  sector.push_back(make_binding<SectorParameters>("sector", "name", &SectorParameters::name, ValueType::text, "", -infinity, infinity, "", "Display name."));
  sector.push_back(make_binding<SectorParameters>("sector", "share", &SectorParameters::share, real, "weight", 0, 1e9, assumption, "Relative weight of the sector among potential entrants."));
  sector.push_back(make_binding<SectorParameters>("sector", "county_demand", &SectorParameters::county_demand, real, "RMB/month", 0, 1e13, assumption, "What the county buys from the sector a month at the start; 0: no market bound (ventures grow as if demand never filled)."));
  sector.push_back(make_binding<SectorParameters>("sector", "county_demand_growth", &SectorParameters::county_demand_growth, real, "1/month", -0.1, 0.1, assumption, "Monthly log-growth of the county demand (replaces market_growth)."));
  sector.push_back(make_binding<SectorParameters>("sector", "outside_market", &SectorParameters::outside_market, real, "RMB/month", 0, 1e14, assumption, "What the sector's county firms can sell outside the county a month at the start; 0 with county_demand > 0: no outside sales."));
  sector.push_back(make_binding<SectorParameters>("sector", "outside_market_growth", &SectorParameters::outside_market_growth, real, "1/month", -0.1, 0.1, assumption, "Monthly log-growth of the outside market."));
  sector.push_back(make_binding<SectorParameters>("sector", "displacement", &SectorParameters::displacement, real, "share", 0, 1, assumption, "Share of ventures' county sales taken from incumbents rather than from demand they do not hold (incumbents win it back when ventures sell less)."));
  sector.push_back(make_binding<SectorParameters>("sector", "incumbent_firms", &SectorParameters::incumbent_firms, ValueType::integer, "firms", 0, 10000000, assumption, "The county's existing firms of the sector (aggregates, not agents)."));
  sector.push_back(make_binding<SectorParameters>("sector", "incumbent_jobs", &SectorParameters::incumbent_jobs, real, "persons", 0, 1e9, assumption, "Their jobs at the start; they follow their revenue."));
  sector.push_back(make_binding<SectorParameters>("sector", "incumbent_revenue", &SectorParameters::incumbent_revenue, real, "RMB/month", 0, 1e13, assumption, "Their revenue at the start (part of the county demand)."));
  sector.push_back(make_binding<SectorParameters>("sector", "rd_intensity_mean", &SectorParameters::rd_intensity_mean, real, "share of revenue", 0, 0.5, assumption, "Mean R&D spending of the sector's ventures as a share of revenue; each draws its own, max(0, mean x (1 + 0.4 z))."));
  sector.push_back(make_binding<SectorParameters>("sector", "cost_of_sales_share", &SectorParameters::cost_of_sales_share, real, "share of revenue", 0, 0.95, assumption, "Materials and goods bought in, as a share of revenue (1 - gross margin)."));
  sector.push_back(make_binding<SectorParameters>("sector", "capital_intensity", &SectorParameters::capital_intensity, real, "factor", 0, 50, assumption, "Factor on `dynamics.other_costs_per_month` (equipment, premises) for the sector's registered firms."));
  sector.push_back(make_binding<SectorParameters>("sector", "growth_factor", &SectorParameters::growth_factor, real, "factor", 0, 10, assumption, "Factor on the growth opportunities of the sector's ventures (initial, and those that arrive later)."));
  sector.push_back(make_binding<SectorParameters>("sector", "hazard_factor", &SectorParameters::hazard_factor, real, "factor", 0, 20, assumption, "Factor on the residual failure hazard of the sector's ventures."));
  sector.push_back(make_binding<SectorParameters>("sector", "production_share", &SectorParameters::production_share, real, "share", 0, 1, assumption, "Share of the sector's ventures that need production space (only they enter a carrier kind with `requires_production`)."));
  add_citation_field(r.sector);
  fill_defaults(sector, SectorParameters{});

  // [[source]]
  r.source.name = "source";
  r.source.meaning = "A source of potential entrants: grassroots, talent, spin-off or recruited.";
  auto& source = r.source.fields;
  source.push_back(make_binding<SourceParameters>("source", "id", &SourceParameters::id, ValueType::choice, "", -infinity, infinity, "", "Which origin this source is."));
  required(source.back()).spec.choices = choices(model::source_origins);
  source.push_back(make_binding<SourceParameters>("source", "potential_per_month", &SourceParameters::potential_per_month, real, "ventures/month", 0, 1e7, assumption, "Mean number of potential entrants a month (Poisson); the same stream in every scenario."));
  source.push_back(make_binding<SourceParameters>("source", "entry_probability", &SourceParameters::entry_probability, real, "probability", 0, 1, assumption, "Chance that a potential entrant starts up in the county."));
  source.push_back(make_binding<SourceParameters>("source", "quality_mean", &SourceParameters::quality_mean, real, "sd", -10, 10, assumption, "Mean latent quality of its entrants (standard normal scale)."));
  source.push_back(make_binding<SourceParameters>("source", "skill_mean", &SourceParameters::skill_mean, real, "skill", 0, 1, assumption, "Mean founder skill of its entrants."));
  source.push_back(make_binding<SourceParameters>("source", "technology_mean", &SourceParameters::technology_mean, real, "technology", 0, 1, assumption, "Mean technology level of its entrants."));
  source.push_back(make_binding<SourceParameters>("source", "initial_cash", &SourceParameters::initial_cash, real, "RMB", 0, 1e10, assumption, "Mean cash at entry (log-normal, sd of log 0.3)."));
  source.push_back(make_binding<SourceParameters>("source", "founders", &SourceParameters::founders, integer, "persons", 1, 1000, assumption, "Initial headcount."));
  source.push_back(make_binding<SourceParameters>("source", "registered", &SourceParameters::registered, ValueType::boolean, "", -infinity, infinity, assumption, "Entrants arrive as registered firms rather than teams."));
  source.push_back(make_binding<SourceParameters>("source", "direct_stage", &SourceParameters::direct_stage, ValueType::choice, "", -infinity, infinity, "sources.md §P6 accelerator (双招双引)", "Earliest stage its entrants apply to; recruited firms may enter the accelerator or park directly, without that stage's entry criteria."));
  source.back().spec.choices = choices(model::carrier_kind_names);
  source.push_back(make_binding<SourceParameters>("source", "initial_revenue", &SourceParameters::initial_revenue, real, "RMB/month", 0, 1e12, assumption, "Monthly revenue at entry (firms recruited from outside already sell)."));
  add_citation_field(r.source);
  fill_defaults(source, SourceParameters{});

  // [[operator]]
  r.operators.name = "operator";
  r.operators.meaning = "An operating institution (the \"N\" of 4+N) that runs carriers.";
  auto& op = r.operators.fields;
  op.push_back(make_binding<OperatorParameters>("operator", "id", &OperatorParameters::id, ValueType::text, "", -infinity, infinity, "", "Identifier used by carriers."));
  required(op.back());
  op.push_back(make_binding<OperatorParameters>("operator", "name", &OperatorParameters::name, ValueType::text, "", -infinity, infinity, "", "Display name."));
  op.push_back(make_binding<OperatorParameters>("operator", "type", &OperatorParameters::type, ValueType::choice, "", -infinity, infinity, "model design (docs/odd.md, operators and carriers)", "Kind of institution."));
  for (const model::OperatorType& type : model::operator_types) op.back().spec.choices.emplace_back(type.name);
  op.push_back(make_binding<OperatorParameters>("operator", "staff", &OperatorParameters::staff, integer, "persons", 0, 100000, assumption, "Service staff."));
  op.push_back(make_binding<OperatorParameters>("operator", "service_quality", &OperatorParameters::service_quality, real, "0..1", 0, 1, assumption, "Strength of training and growth services in its carriers."));
  op.push_back(make_binding<OperatorParameters>("operator", "screening_noise", &OperatorParameters::screening_noise, real, "sd", 0, 100, assumption, "Standard deviation of the noise on the quality signal it sees at admission."));
  op.push_back(make_binding<OperatorParameters>("operator", "objective", &OperatorParameters::objective, ValueType::choice, "", -infinity, infinity, "model design (docs/odd.md, operators and carriers)", "How it ranks applicants: quality signal, ability to pay (cash), or policy fit (signal + 2 x technology)."));
  op.back().spec.choices = choices(model::objective_names);
  op.push_back(make_binding<OperatorParameters>("operator", "incentive", &OperatorParameters::incentive, ValueType::choice, "", -infinity, infinity, "model design (docs/odd.md, operators and carriers)", "fixed: paid public_cost_per_month; per-outcome: paid per graduation, and admits only signals 0.5 above the carrier's threshold."));
  op.back().spec.choices = {"fixed", "per-outcome"};
  op.push_back(make_binding<OperatorParameters>("operator", "payment_per_graduate", &OperatorParameters::payment_per_graduate, real, "RMB", 0, 1e10, assumption, "Public payment per graduation from its carriers, for per-outcome operators."));
  op.push_back(make_binding<OperatorParameters>("operator", "public_cost_per_month", &OperatorParameters::public_cost_per_month, real, "RMB/month", 0, 1e10, assumption, "Cost to the public budget while it runs at least one open carrier."));
  add_citation_field(r.operators);
  fill_defaults(op, OperatorParameters{});

  // [[carrier]]
  r.carrier.name = "carrier";
  r.carrier.meaning = "A nursery, incubator, accelerator or science park.";
  auto& c = r.carrier.fields;
  c.push_back(make_binding<CarrierParameters>("carrier", "id", &CarrierParameters::id, ValueType::text, "", -infinity, infinity, "", "Identifier (used with --set carrier.<id>.<key>=...)."));
  required(c.back());
  c.push_back(make_binding<CarrierParameters>("carrier", "name", &CarrierParameters::name, ValueType::text, "", -infinity, infinity, "", "Display name."));
  c.push_back(make_binding<CarrierParameters>("carrier", "kind", &CarrierParameters::kind, ValueType::choice, "", -infinity, infinity, "the plan's carriers (sources.md §P2, §P4-§P7)", "Stage of the pipeline this carrier serves."));
  required(c.back()).spec.choices = choices(model::carrier_kind_names);
  c.push_back(make_binding<CarrierParameters>("carrier", "level", &CarrierParameters::level, ValueType::choice, "", -infinity, infinity, "the plan's carriers (sources.md §P2, §P4-§P7)", "Administrative level."));
  c.back().spec.choices = choices(model::carrier_level_names);
  c.push_back(make_binding<CarrierParameters>("carrier", "operator", &CarrierParameters::operator_id, ValueType::text, "", -infinity, infinity, "the plan's carriers (sources.md §P2, §P4-§P7)", "Id of the [[operator]] that runs it."));
  required(c.back());
  c.push_back(make_binding<CarrierParameters>("carrier", "capacity", &CarrierParameters::capacity, integer, "ventures", 0, 1000000, assumption, "Seats: at most this many resident ventures."));
  c.push_back(make_binding<CarrierParameters>("carrier", "area_m2", &CarrierParameters::area_m2, real, "m2", 0, 1e8, "the plan's carriers (sources.md §P2, §P4-§P7)", "Floor area (informational)."));
  c.push_back(make_binding<CarrierParameters>("carrier", "opening", &CarrierParameters::opening, ValueType::month, "YYYY-MM", -infinity, infinity, "the plan's carriers (sources.md §P2, §P4-§P7)", "Planned opening month; before the start means open from the start."));
  c.push_back(make_binding<CarrierParameters>("carrier", "sectors", &CarrierParameters::sectors, ValueType::text_list, "", -infinity, infinity, "the plan's carriers (sources.md §P2, §P4-§P7)", "Sector ids it admits; empty: all."));
  c.push_back(make_binding<CarrierParameters>("carrier", "max_tenure_months", &CarrierParameters::max_tenure_months, integer, "months", 1, 1200, most_rules, "Residents leave (graduate or are evicted) after this many months."));
  c.push_back(make_binding<CarrierParameters>("carrier", "rent_per_month", &CarrierParameters::rent_per_month, real, "RMB/month", 0, 1e8, assumption, "Rent per resident venture."));
  c.push_back(make_binding<CarrierParameters>("carrier", "rent_subsidy_share", &CarrierParameters::rent_subsidy_share, real, "share", 0, 1, assumption, "Share of rent paid from the public budget (1: zero-cost entry)."));
  c.push_back(make_binding<CarrierParameters>("carrier", "admission_threshold", &CarrierParameters::admission_threshold, real, "signal", -100, 100, assumption, "Lowest quality signal admitted."));
  c.push_back(make_binding<CarrierParameters>("carrier", "in_base", &CarrierParameters::in_base, ValueType::boolean, "", -infinity, infinity, "the plan's carriers (sources.md §P2, §P4-§P7)", "Part of the integrated base (counts for scope \"base\")."));
  c.push_back(make_binding<CarrierParameters>("carrier", "enabled", &CarrierParameters::enabled, ValueType::boolean, "", -infinity, infinity, "", "false removes the carrier from this scenario (inherited scenarios)."));
  c.push_back(make_binding<CarrierParameters>("carrier", "initial_residents", &CarrierParameters::initial_residents, integer, "ventures", 0, 1000000, "the plan's carriers (sources.md §P2, §P4-§P7)", "Ventures resident at the start (only for carriers open at the start)."));
  c.push_back(make_binding<CarrierParameters>("carrier", "opening_rule", &CarrierParameters::opening_rule, ValueType::choice, "", -infinity, infinity, "model design (docs/odd.md, operators and carriers)", "planned: opens at `opening` plus a construction delay; demand: a market operator opens it (not before `opening`) once demand persists."));
  c.back().spec.choices = {"planned", "demand"};
  add_citation_field(r.carrier);
  fill_defaults(c, CarrierParameters{});

  // [[target]]
  r.target.name = "target";
  r.target.meaning = "A target of the plan: indicator >= threshold at the (inclusive) deadline.";
  auto& t = r.target.fields;
  t.push_back(make_binding<TargetParameters>("target", "id", &TargetParameters::id, ValueType::text, "", -infinity, infinity, "", "Identifier."));
  required(t.back());
  t.push_back(make_binding<TargetParameters>("target", "indicator", &TargetParameters::indicator, ValueType::text, "", -infinity, infinity, "", "Name of an indicator (docs/output-format.md)."));
  required(t.back());
  t.push_back(make_binding<TargetParameters>("target", "threshold", &TargetParameters::threshold, real, "indicator unit", -1e15, 1e15, "the plan's targets (sources.md §P12)", "The target is met when the indicator is at least this."));
  required(t.back());
  t.push_back(make_binding<TargetParameters>("target", "deadline", &TargetParameters::deadline, ValueType::month, "YYYY-MM", -infinity, infinity, "the plan's targets (sources.md §P12)", "Last month (inclusive) by which the target counts."));
  required(t.back());
  t.push_back(make_binding<TargetParameters>("target", "scope", &TargetParameters::scope, ValueType::choice, "", -infinity, infinity, "the plan's targets (sources.md §P12)", "base or county; must match the indicator's scope."));
  required(t.back()).spec.choices = {"base", "county"};
  t.push_back(make_binding<TargetParameters>("target", "measure", &TargetParameters::measure, ValueType::choice, "", -infinity, infinity, "the plan's targets (sources.md §P12)", "stock or cumulative; must match the indicator."));
  required(t.back()).spec.choices = {"stock", "cumulative"};
  t.push_back(make_binding<TargetParameters>("target", "kind", &TargetParameters::kind, ValueType::choice, "", -infinity, infinity, "the plan's targets (sources.md §P12)", "outcome, or input-driven when the target follows mostly from the plan's own inputs."));
  t.back().spec.choices = {"outcome", "input-driven"};
  t.push_back(make_binding<TargetParameters>("target", "text", &TargetParameters::text, ValueType::text, "", -infinity, infinity, "", "The plan's words."));
  add_citation_field(r.target);
  fill_defaults(t, TargetParameters{});
  return r;
}

template <class Element>
void append_specs(std::vector<ParameterSpec>& out, const ElementTable<Element>& table) {
  for (const auto& binding : table.fields) out.push_back(binding.spec);
}

std::string escape_cell(const std::string& text) {
  std::string out;
  for (char ch : text) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
  return out;
}

std::string range_text(const ParameterSpec& spec) {
  if (!spec.choices.empty()) {
    std::string out;
    for (const auto& choice : spec.choices) out += (out.empty() ? "" : ", ") + choice;
    return out;
  }
  if (spec.type == ValueType::real || spec.type == ValueType::integer) return "[" + format_number(spec.min) + ", " + format_number(spec.max) + "]";
  return "";
}

}  // namespace

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::real: return "real";
    case ValueType::integer: return "integer";
    case ValueType::boolean: return "boolean";
    case ValueType::text: return "text";
    case ValueType::choice: return "choice";
    case ValueType::month: return "month";
    case ValueType::text_list: return "text list";
  }
  return "?";
}

const ParameterRegistry& parameter_registry() {
  static const ParameterRegistry registry = make_registry();
  return registry;
}

const FieldBinding<model::ModelParameters>* ParameterRegistry::find_scalar(const std::string& key) const {
  for (const auto& binding : scalars) {
    if (binding.spec.key == key) return &binding;
  }
  return nullptr;
}

std::vector<ParameterSpec> ParameterRegistry::all_specs() const {
  std::vector<ParameterSpec> out;
  for (const auto& binding : scalars) out.push_back(binding.spec);
  append_specs(out, sector);
  append_specs(out, source);
  append_specs(out, operators);
  append_specs(out, carrier);
  append_specs(out, target);
  return out;
}

std::string parameters_markdown() {
  std::ostringstream out;
  out << "# Parameters\n\n"
      << "Generated by `incubsim params --markdown` from the parameter registry (`sim/scenario/registry.cpp`); "
      << "do not edit by hand — a test fails when this file and the registry differ.\n\n"
      << "Keys of plain tables are written as `[section]` entries (`stage.nursery.min_months` is `min_months` in "
      << "`[stage.nursery]`). Keys starting with `sector.`, `source.`, `operator.`, `carrier.` and `target.` are fields of "
      << "each element of the array of tables `[[sector]]`, ...; on the command line they are addressed by element id: "
      << "`--set carrier.<id>.capacity=40`.\n\n"
      << "| key | type | unit | default | range | provenance | meaning |\n|---|---|---|---|---|---|---|\n";
  for (const auto& spec : parameter_registry().all_specs()) {
    out << "| `" << spec.key << "` | " << value_type_name(spec.type) << " | " << escape_cell(spec.unit) << " | "
        << escape_cell(spec.default_text) << " | " << escape_cell(range_text(spec)) << " | " << escape_cell(spec.provenance)
        << " | " << escape_cell(spec.meaning) << " |\n";
  }
  return out.str();
}

std::string parameters_text() {
  std::ostringstream out;
  for (const auto& spec : parameter_registry().all_specs()) {
    out << spec.key << "  (" << value_type_name(spec.type);
    if (!spec.unit.empty()) out << ", " << spec.unit;
    out << ")  default " << spec.default_text;
    const std::string range = range_text(spec);
    if (!range.empty()) out << "  range " << range;
    if (!spec.provenance.empty()) out << "  [" << spec.provenance << "]";
    out << "\n    " << spec.meaning << "\n";
  }
  return out.str();
}

}  // namespace incubsim::scenario
