#pragma once
// Typed parameters of the model: plain data filled by the scenario layer (which knows TOML,
// defaults, units and provenance) and read by the model's processes (which know none of that).
// Every field here has exactly one entry in the parameter registry (scenario/registry.cpp).
// Text fields that name other things (operator ids, sector ids, months) are resolved into
// indices by `resolve` (model/setup.hpp) before a run starts.

#include <array>
#include <string>
#include <vector>

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
  double market_growth = 0.0;   // monthly log-growth of revenue from the sector's market
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
  std::string source;
};

struct OperatorParameters {
  std::string id;
  std::string name;
  std::string type = "private-company";  // see registry choices
  int staff = 5;
  double service_quality = 0.5;     // 0..1: strength of training and growth services
  double screening_noise = 1.0;     // sd of the noise on the quality signal at admission
  std::string objective = "quality";  // quality | ability-to-pay | policy-fit
  double public_cost_per_month = 0.0; // RMB from the public budget
  std::string source;
};

struct CarrierParameters {
  std::string id;
  std::string name;
  std::string kind = "nursery";     // nursery | incubator | accelerator | park
  std::string level = "municipal";  // none | municipal | provincial | national
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
};

struct VentureDynamics {
  double registration_probability = 0.08;  // monthly, for teams outside carriers
  double carrier_registration_boost = 1.0; // extra registration odds inside a carrier (x(1+b))
  double first_revenue = 20000.0;          // RMB/month when a firm first sells
  double revenue_growth = 0.005;           // monthly log-growth baseline
  double quality_growth_effect = 0.02;     // per sd of latent quality
  double skill_growth_effect = 0.02;       // at skill 1
  double technology_growth_effect = 0.02;  // at technology 1
  double service_growth_effect = 0.02;     // at service quality 1, inside a carrier
  double revenue_volatility = 0.12;        // sd of the monthly log-revenue shock
  double revenue_per_employee = 25000.0;   // RMB/month of revenue that sustains one job
  double headcount_adjustment = 0.1;       // share of the gap to target headcount closed a month
  double wage_per_month = 5000.0;          // RMB per head
  double other_costs_per_month = 3000.0;   // RMB
  double skill_learning_outside = 0.005;   // monthly learning towards 1, outside carriers
  double skill_learning_in_carrier = 0.03; // at service quality 1
  double rd_share = 0.05;                  // share of revenue spent on R&D
  double technology_learning = 0.01;       // monthly technology gain at skill 1 (plus R&D)
  double patent_rate = 0.02;               // monthly patents per unit technology
  double hazard_scale_months = 60.0;       // log-logistic hazard scale (alpha)
  double hazard_shape = 1.0;               // log-logistic shape (beta): <=1 falling, >1 hump
  double hazard_multiplier = 1.0;          // scales the whole hazard curve
  double talent_skill_threshold = 0.7;     // founder skill that counts as a cultivated talent
  double tech_sme_min_technology = 0.4;    // simple annual tech-SME evaluation (see odd.md)
  double high_tech_min_technology = 0.6;
  int high_tech_min_patents = 1;
  int high_tech_validity_months = 36;
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

inline constexpr int carrier_kind_count = 4;

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
};

}  // namespace incubsim::model
