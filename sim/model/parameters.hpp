#pragma once
// Typed parameters of the model: plain data filled by the scenario layer (which knows TOML,
// defaults, units and provenance) and read by the model's processes (which know none of that).
// Every field here has exactly one entry in the parameter registry (scenario/registry.cpp).
// Text fields that name other things (operator ids, sector ids, months) are resolved into
// indices by `resolve` (model/setup.hpp) before a run starts.

#include <array>
#include <string>
#include <vector>

#include "model/names.hpp"

namespace incubsim::model {

struct SimulationParameters {
  std::string start = "2021-07";  // first simulated month, "YYYY-MM"
  int horizon_months = 54;         // number of simulated months
  double potential_scale = 1.0;    // multiplies every source's potential entrants (benchmarks)
};

struct SectorParameters {
  std::string id;
  std::string name;
  double share = 1.0;           // relative weight among potential entrants
  // The sector's markets (docs/odd.md, markets; issue 17). 0 demand: no market bound (the
  // unbounded model of issue 16). Demand and the outside market grow at their own rates.
  double county_demand = 0.0;          // RMB/month the county buys from the sector at the start
  double county_demand_growth = 0.0;   // monthly log-growth of the county demand
  double outside_market = 0.0;         // RMB/month the sector's firms can sell outside the county at the start
  double outside_market_growth = 0.0;  // monthly log-growth of the outside market
  double displacement = 0.5;           // share of ventures' county sales taken from incumbents
  int incumbent_firms = 0;             // the county's existing firms of the sector (aggregates, not agents)
  double incumbent_jobs = 0.0;         // their jobs at the start
  double incumbent_revenue = 0.0;      // their revenue at the start, RMB/month (all in the county demand)
  double rd_intensity_mean = 0.05;  // mean R&D spending, share of revenue (ventures draw around it)
  double cost_of_sales_share = 0.3; // materials and goods bought in, share of revenue (1 - gross margin)
  double capital_intensity = 1.0;   // factor on dynamics.other_costs_per_month (equipment, premises)
  double growth_factor = 1.0;       // factor on a venture's growth opportunities
  double hazard_factor = 1.0;       // factor on the residual failure hazard
  double production_share = 0.0;   // share of the sector's ventures that need production space
  std::string source;           // citation
};

// A source of potential entrants: grassroots teams, returnees/talents, university spin-offs,
// firms recruited from outside (双招双引).
struct SourceParameters {
  std::string id;
  double potential_per_month = 0.0;  // mean potential entrants a month (Poisson)
  double entry_probability = 0.5;    // chance a potential entrant actually starts up locally
  double quality_mean = 0.0;         // mean latent quality (standard normal scale)
  double skill_mean = 0.3;           // mean founder skill (0..1)
  double technology_mean = 0.2;      // mean technology level (0..1)
  double initial_cash = 200000.0;    // RMB at entry
  int founders = 2;                  // initial headcount
  bool registered = false;           // enters as a registered firm (else as a team)
  std::string direct_stage = carrier_kind_names[0]; // nursery; earliest stage it may apply to directly (recruited firms: accelerator or park)
  double initial_revenue = 0.0;      // RMB/month at entry (recruited firms already sell)
  std::string source;
};

struct OperatorParameters {
  std::string id;
  std::string name;
  std::string type = operator_types[2].name;  // private-company; choices: model/names.hpp
  int staff = 5;                    // service staff and mentors; each serves `tenants_per_staff` residents
  double service_quality = 0.5;     // 0..1: strength of training and growth services
  double screening_noise = 1.0;     // sd of the noise on the quality signal at admission
  std::string objective = objective_names[0];  // quality | ability-to-pay | policy-fit
  double public_cost_per_month = 0.0; // RMB from the public budget
  std::string incentive = "fixed";    // fixed subsidy | per-outcome (paid per graduation; selects harder)
  double payment_per_graduate = 0.0;  // RMB per graduation, for per-outcome operators
  std::string source;
};

struct CarrierParameters {
  std::string id;
  std::string name;
  std::string kind = carrier_kind_names[0];     // nursery | incubator | accelerator | park
  std::string level = carrier_level_names[1];  // municipal; none | municipal | provincial | national
  std::string operator_id;
  int capacity = 20;                // seats (ventures)
  double area_m2 = 0.0;             // floor area, informational until space-based capacity
  std::string opening = "2021-07";  // planned opening month
  std::vector<std::string> sectors; // sector ids served; empty: all sectors
  int max_tenure_months = 48;
  double rent_per_month = 1000.0;   // RMB per venture
  double rent_subsidy_share = 0.0;  // share of rent paid by the public budget
  double admission_threshold = -0.5;// minimum quality signal to be admitted
  bool in_base = true;              // part of the integrated base (scope "base")
  bool enabled = true;              // false: the carrier does not exist in this scenario
  int initial_residents = 0;        // ventures resident at the start (initial state)
  std::string opening_rule = "planned";  // planned (on `opening`, plus delay) | demand (opens when waiting persists, from `opening`)
  std::string source;
};

// Rules that apply to every carrier of one kind: who may apply and when a venture graduates.
struct StageRules {
  int max_entry_age_months = 24;  // applicants older than this are not admitted (0: no limit)
  int min_months = 6;             // graduation: at least this long in the stage
  double min_skill = 0.0;
  double min_technology = 0.0;
  double min_revenue = 0.0;       // RMB per month
  int min_headcount = 0;
  double application_probability = 0.2;  // monthly chance an eligible venture applies
  bool requires_production = false;      // admits only ventures that need production space (factory space)
};

struct VentureDynamics {
  int tenants_per_staff = 10;              // residents one operator staff member serves at full quality
  double institute_technology_gain = 0.005;// monthly technology gain of residents of research-institute and agri-science-station operators
  double registration_probability = 0.08;  // monthly, for teams outside carriers
  double carrier_registration_boost = 1.0; // extra registration odds inside a carrier (x(1+b))
  double first_revenue = 20000.0;          // RMB/month when a firm first sells
  double revenue_growth = 0.0;             // monthly log-growth of a mature firm (no opportunities left)
  double opportunity_initial = 0.03;       // monthly log-growth from a new seller's opportunities (average founders)
  double quality_growth_effect = 0.02;     // added to the initial opportunity per sd of latent quality
  double skill_growth_effect = 0.02;       // added at skill 1
  double technology_growth_effect = 0.02;  // added at technology 1
  double opportunity_decay = 0.04;         // share of the opportunity that runs out a month
  double opportunity_arrival = 0.012;      // monthly chance a new opportunity (or a loss) arrives
  double opportunity_size = 0.07;          // sd of a new opportunity's monthly log-growth (Laplace)
  double service_growth_effect = 0.02;     // at service quality 1, inside a carrier
  double outside_reach = 0.5;              // share of sales outside the county at technology 1 (reach = this x technology)
  double market_adjustment = 0.2;          // share of a market's excess (fill above 1) that sellers lose a month
  double revenue_volatility = 0.04;        // sd of the monthly log-revenue shock (Laplace)
  double revenue_per_employee = 25000.0;   // RMB/month of revenue that sustains one job
  double hiring_rate = 0.5;                // share of a shortfall of staff hired a month (whole persons)
  double firing_rate = 0.15;               // share of an excess of staff shed a month (whole persons)
  double result_noise = 6.0;               // sd of a month's result as a signal of quality (sd units)
  double service_learning_effect = 0.5;    // a carrier's services raise a month's signal precision by x(1 + this x service quality)
  double closing_threshold = -1.0;         // founders close when their expected quality falls below this
  int closing_min_months = 12;             // months of results before founders decide
  double wage_per_month = 5000.0;          // RMB per head
  double other_costs_per_month = 3000.0;   // RMB
  double skill_learning_outside = 0.005;   // monthly learning towards 1, outside carriers
  double skill_learning_in_carrier = 0.03; // at service quality 1
  double technology_learning = 0.01;       // monthly technology gain at skill 1 (plus R&D)
  double patent_rate = 0.02;               // monthly patents per unit technology
  double hazard_scale_months = 116.7;      // log-logistic hazard scale (alpha)
  double hazard_shape = 0.6721;            // log-logistic shape (beta): <=1 falling, >1 hump
  double hazard_multiplier = 1.0;          // scales the whole hazard curve
  double talent_skill_threshold = 0.7;     // founder skill that counts as a cultivated talent
  double tech_sme_min_score = 60.0;        // tech-SME evaluation score needed (staff, R&D, IP points)
  double high_tech_min_technology = 0.6;
  int high_tech_min_patents = 1;
  int high_tech_validity_months = 36;
  double high_tech_min_st_staff_share = 0.10;   // science-and-technology staff share
  double high_tech_min_product_share = 0.60;    // high-tech products' share of revenue
  double st_staff_share_mean = 0.15;            // mean S&T staff share of ventures (per venture, beta-like)
  double high_tech_product_share_mean = 0.5;    // mean high-tech product share (rises with technology)
};

struct TargetParameters {
  std::string id;
  std::string indicator;
  double threshold = 0.0;
  std::string deadline;        // "YYYY-MM", inclusive
  std::string scope;           // base | county
  std::string measure;         // stock | cumulative
  std::string kind = "outcome";// outcome | input-driven
  std::string text;
  std::string source;
};


// Angel/VC investors and the government guidance fund (docs/odd.md, finance submodel).
struct FinanceParameters {
  double runway_months = 6.0;             // a firm seeks funding when cash < runway x monthly costs
  double investor_capital_per_year = 0.0; // RMB angel/VC investors place in the county each year
  double investor_ticket = 1000000.0;     // RMB per first round
  int investor_screening_per_month = 10;  // applications investors can screen a month
  double investor_noise = 1.0;            // sd of noise on the quality signal investors see
  double investor_threshold = 1.0;        // signal needed for a first round
  double follow_on_multiple = 2.0;        // follow-on ticket = multiple x previous ticket
  double follow_on_threshold = 0.5;       // signal needed for a follow-on round (with growth)
  double guidance_fund_capital = 0.0;     // RMB in the government guidance fund (runs out)
  double guidance_fund_ticket = 2000000.0;
  int guidance_fund_screening_per_month = 5;
  double guidance_fund_threshold = 0.5;   // signal needed (the fund takes more risk than VCs)
  double loan_amount = 500000.0;          // RMB per bank loan
  double loan_min_revenue = 50000.0;      // RMB/month a bank wants to see
  int loan_term_months = 24;
  double loan_guarantee_share = 0.0;      // share of a defaulted loan the public guarantee pays; >0 makes banks lend to carrier residents
  double loan_interest_rate = 0.0;        // annual interest on a bank loan's balance, share per year (paid monthly)
};

// Policies of the plan (sources.md §P8-§P11) and the annual public budget lines that pay them.
struct PolicyParameters {
  bool zero_cost_entry = false;             // "zero-cost entrepreneurship" in the nursery
  double zero_cost_entry_boost = 0.3;       // relative rise in potential entrants' entry probability
  bool internet_plus = false;               // Internet+ information services
  double internet_plus_awareness = 0.5;     // relative rise in application and investor-reach probabilities
  double awareness_without_internet_plus = 0.6; // chance an eligible venture knows of a programme / investors in a month
  int training_places_per_month = 0;        // training places (county-wide) beyond carriers' own services
  double training_skill_gain = 0.05;        // skill gain towards 1 per training month
  double training_cost_per_place = 2000.0;  // RMB
  double case_by_case_budget_per_year = 0.0;// RMB for 一事一议 support
  double case_by_case_grant = 500000.0;     // RMB per supported venture
  double case_by_case_min_growth = 0.05;    // smoothed monthly revenue growth (0.8 x previous + 0.2 x this month) that counts as high-growth
  double case_by_case_relocation_factor = 0.3; // relocation hazard multiplier after support (land, space)
  double rent_subsidy_budget_per_year = 1e12;  // RMB; subsidies stop for the year when it runs out
  double operator_budget_per_year = 1e12;      // RMB; operators' public cost
};

// Talent programmes (Zibo talent 37 articles, Yiyuan talent 25 articles; sources.md §P9, §P10).
struct TalentParameters {
  int talents_per_year = 0;            // high-level talents brought in each January
  double cost_per_talent = 300000.0;   // RMB, paid from the public budget (spending_talent; no cap)
  double found_share = 0.3;            // share who found a venture (the others join one)
  double join_skill_gain = 0.1;        // founder-skill gain of a venture a talent joins
};

// University and institute platforms, innovation platforms, pilot-scale bases
// (sources.md §P7, §P10, §P11).
struct PlatformParameters {
  int platforms = 0;                         // academician/post-doc workstations, key labs, institutes
  double spin_offs_per_platform_year = 0.5;  // extra spin-off potential entrants a platform yields a year
  double technology_gain_per_platform = 0.002; // monthly technology gain of park/incubator residents per platform
  int pilot_bases = 0;                       // pilot-scale (中试) bases
  double pilot_technology_gain = 0.01;       // monthly technology gain of accelerator/park residents per base
};

// What "4+N" integration buys over the same carriers run apart (docs/odd.md, docs/operating-models.md).
struct IntegrationParameters {
  bool enabled = false;
  double feeder_noise_factor = 0.5;      // screening noise x this for graduates of a base feeder carrier
  double reserved_share = 0.2;           // share of each base carrier's seats reserved for base graduates
  double transition_relocation_factor = 0.5;  // relocation at transition x this
  double shared_service_quality = 0.1;   // added to operators' service quality in base carriers
  double shared_cost_factor = 0.8;       // operators' public cost x this (one service platform)
};

// Leading firms (龙头企业) of the county: mentor, buy from, acquire.
struct LeadingFirmParameters {
  int count = 0;
  double mentoring_growth = 0.005;       // extra monthly revenue growth per leading firm for base residents (capped at 3 firms)
  double purchase_revenue_share = 0.05;  // extra revenue share a base resident sells to leading firms, per firm (capped at 3)
  double acquisition_rate = 0.002;       // monthly chance per leading firm of acquiring an eligible venture
  double acquisition_min_technology = 0.6;
};

// A stock-exchange board a firm may list on (sources.md); boards: model/names.hpp.
struct ListingBoard {
  bool enabled = false;
  double min_profit_last_year = 0.0;   // RMB, net profit of the last 12 months
  double min_profit_two_years = 0.0;   // RMB, net profit of the last 24 months (each year positive)
  double min_revenue_last_year = 0.0;  // RMB, revenue of the last 12 months
  int min_years_registered = 3;
  double listing_probability = 0.3;    // chance a year that an eligible firm lists (queue, review)
  double relocation_share = 0.1;       // share of listed firms that leave the county at listing
};

// Exits other than failure.
struct ExitParameters {
  double relocation_rate = 0.002;           // monthly relocation hazard of a registered firm at the pull scale
  double relocation_revenue_scale = 500000.0; // RMB/month at which outside pull doubles the base rate
  double relocation_support_factor = 0.5;   // hazard x this while resident in a carrier (land, space, services)
  double relocation_at_transition = 0.1;    // chance of leaving the county when leaving a carrier without a next one
};

// Carriers over time (docs/odd.md, carriers over time).
struct CarrierDynamics {
  double construction_delay_mean = 0.0;  // months; a planned opening is late by a Poisson draw with this mean
  int demand_months = 6;                 // months of waiting applicants that make a demand carrier open
  int demand_waiting = 5;                // waiting applicants a month that count as demand
  bool level_reviews = false;            // annual level reviews each December
  int provincial_min_residents = 20;     // residents for provincial level (scaled national criteria, sources.md §E4)
  int provincial_min_graduates = 5;      // cumulative graduates for provincial level
  int national_min_residents = 50;       // MOST national incubator: >= 50 tenants
  int national_min_graduates = 20;       // >= 20 cumulative graduates
};

struct ModelParameters {
  std::string name;
  std::string description;
  SimulationParameters simulation;
  VentureDynamics dynamics;
  std::array<StageRules, carrier_kind_count> stages;  // nursery, incubator, accelerator, park
  std::vector<SectorParameters> sectors;
  std::vector<SourceParameters> sources;
  std::vector<OperatorParameters> operators;
  std::vector<CarrierParameters> carriers;
  std::vector<TargetParameters> targets;
  FinanceParameters finance;
  PolicyParameters policy;
  TalentParameters talent;
  PlatformParameters platforms;
  IntegrationParameters integration;
  LeadingFirmParameters leading_firms;
  ExitParameters exits;
  // ChiNext standard 1 (net profit positive in each of the last two years, 50 M RMB together)
  // and the Beijing Stock Exchange's profit standard (25 M RMB last year); sources.md §E12.
  std::array<ListingBoard, listing_board_count> listing = {{
      {true, 0.0, 50e6, 0.0, 3, 0.3, 0.1},
      {true, 25e6, 0.0, 0.0, 2, 0.3, 0.1},
  }};
  CarrierDynamics carrier_dynamics;
};

}  // namespace incubsim::model
