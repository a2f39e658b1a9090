#include "scenario/registry.hpp"

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
const char* const most_rules = "MOST incubator rules, Guo Ke Fa Qu [2018] No. 300 (CALIBRATION.md)";
const char* const calibrated_bls = "calibrated to BLS BED survival (CALIBRATION.md)";
const char* const high_tech_rules = "High-tech enterprise measures, Guo Ke Fa Huo [2016] No. 32 (CALIBRATION.md)";
const char* const tech_sme_rules = "Tech-SME evaluation measures, Guo Ke Fa Zheng [2017] No. 115 (CALIBRATION.md)";

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

template <class Element>
void add_citation_field(ElementTable<Element>& table) {
  table.fields.push_back(make_binding<Element>(table.name, "source", &Element::source, ValueType::text, "", -infinity, infinity, "",
                                       "Citation for this element's values (plan section, publication, \"calibrated\" or \"assumption\")."));
}

ParameterRegistry make_registry() {
  ParameterRegistry r;
  using M = ModelParameters;
  auto& s = r.scalars;

  // [scenario]
  s.push_back(make_binding<M>("scenario", "name", &M::name, ValueType::text, "", -infinity, infinity, "", "Short name of the scenario (defaults to the file name)."));
  s.push_back(make_binding<M>("scenario", "description", &M::description, ValueType::text, "", -infinity, infinity, "", "What the scenario represents."));

  // [simulation]
  auto simulation = [](auto member, ValueType type, std::string name, std::string unit, double min, double max, std::string provenance, std::string meaning) {
    FieldBinding<M> b;
    b.name = name;
    b.spec = ParameterSpec{"simulation." + name, type, std::move(unit), "", min, max, {}, std::move(provenance), std::move(meaning)};
    b.field = [member](M& m) -> FieldRef { return &(m.simulation.*member); };
    return b;
  };
  s.push_back(simulation(&model::SimulationParameters::start, ValueType::month, "start", "YYYY-MM", -infinity, infinity,
                         "plan issued 2021-07-29 (BRIEF.md)", "First simulated month."));
  s.push_back(simulation(&model::SimulationParameters::horizon_months, ValueType::integer, "horizon_months", "months", 1, 1000000,
                         "plan runs to end 2025 (BRIEF.md)", "Number of simulated months; validation also holds it to the RNG counter's 16-bit month field and the results' 16-bit month columns (at most 32,767)."));
  s.push_back(simulation(&model::SimulationParameters::potential_scale, ValueType::real, "potential_scale", "factor", 0, 1e6, assumption,
                         "Multiplies every source's potential entrants (benchmark and county-size studies)."));

  // [dynamics]
  auto dynamics = [](auto member, ValueType type, std::string name, std::string unit, double min, double max, std::string provenance, std::string meaning) {
    FieldBinding<M> b;
    b.name = name;
    b.spec = ParameterSpec{"dynamics." + name, type, std::move(unit), "", min, max, {}, std::move(provenance), std::move(meaning)};
    b.field = [member](M& m) -> FieldRef { return &(m.dynamics.*member); };
    return b;
  };
  using D = model::VentureDynamics;
  const ValueType real = ValueType::real;
  const ValueType integer = ValueType::integer;
  s.push_back(dynamics(&D::registration_probability, real, "registration_probability", "1/month", 0, 1, assumption, "Monthly chance that a team outside carriers registers as a firm."));
  s.push_back(dynamics(&D::carrier_registration_boost, real, "carrier_registration_boost", "factor", 0, 100, assumption, "Registration odds inside a carrier are multiplied by (1 + this)."));
  s.push_back(dynamics(&D::first_revenue, real, "first_revenue", "RMB/month", 0, 1e9, assumption, "Monthly revenue when a firm of average quality first sells (scaled by exp(0.5 quality))."));
  s.push_back(dynamics(&D::revenue_growth, real, "revenue_growth", "1/month", -1, 1, assumption, "Baseline monthly log-growth of revenue."));
  s.push_back(dynamics(&D::quality_growth_effect, real, "quality_growth_effect", "1/month per sd", -1, 1, assumption, "Extra monthly log-growth per standard deviation of latent quality."));
  s.push_back(dynamics(&D::skill_growth_effect, real, "skill_growth_effect", "1/month", -1, 1, assumption, "Extra monthly log-growth at founder skill 1."));
  s.push_back(dynamics(&D::technology_growth_effect, real, "technology_growth_effect", "1/month", -1, 1, assumption, "Extra monthly log-growth at technology level 1."));
  s.push_back(dynamics(&D::service_growth_effect, real, "service_growth_effect", "1/month", -1, 1, assumption, "Extra monthly log-growth inside a carrier whose operator's service quality is 1."));
  s.push_back(dynamics(&D::revenue_volatility, real, "revenue_volatility", "1/sqrt(month)", 0, 5, assumption, "Standard deviation of the monthly log-revenue shock."));
  s.push_back(dynamics(&D::revenue_per_employee, real, "revenue_per_employee", "RMB/month", 1, 1e9, assumption, "Monthly revenue that sustains one job; sets the target headcount."));
  s.push_back(dynamics(&D::headcount_adjustment, real, "headcount_adjustment", "share/month", 0, 1, assumption, "Share of the gap to the target headcount closed each month."));
  s.push_back(dynamics(&D::wage_per_month, real, "wage_per_month", "RMB/month", 0, 1e7, assumption, "Monthly cost of one employee of a registered firm."));
  s.push_back(dynamics(&D::other_costs_per_month, real, "other_costs_per_month", "RMB/month", 0, 1e8, assumption, "Monthly costs other than wages and rent (teams pay only these)."));
  s.push_back(dynamics(&D::skill_learning_outside, real, "skill_learning_outside", "share/month", 0, 1, assumption, "Monthly closing of the gap between founder skill and 1, outside carriers."));
  s.push_back(dynamics(&D::skill_learning_in_carrier, real, "skill_learning_in_carrier", "share/month", 0, 1, assumption, "Monthly skill learning inside a carrier, at operator service quality 1."));
  s.push_back(dynamics(&D::rd_share, real, "rd_share", "share of revenue", 0, 1, assumption, "Share of revenue spent on R&D; raises technology."));
  s.push_back(dynamics(&D::technology_learning, real, "technology_learning", "share/month", 0, 1, assumption, "Monthly technology gain at founder skill 1 (towards 1)."));
  s.push_back(dynamics(&D::patent_rate, real, "patent_rate", "patents/month", 0, 10, assumption, "Monthly chance of a new patent at technology 1 (registered firms)."));
  s.push_back(dynamics(&D::hazard_scale_months, real, "hazard_scale_months", "months", 1, 10000, calibrated_bls, "Scale alpha of the log-logistic failure hazard: half of ventures would survive alpha months from the hazard alone."));
  s.push_back(dynamics(&D::hazard_shape, real, "hazard_shape", "", 0.05, 20, calibrated_bls, "Shape beta of the log-logistic hazard: <= 1 falls with age (US), > 1 rises then falls (China's inverted U)."));
  s.push_back(dynamics(&D::hazard_multiplier, real, "hazard_multiplier", "factor", 0, 100, assumption, "Scales the whole failure hazard."));
  s.push_back(dynamics(&D::talent_skill_threshold, real, "talent_skill_threshold", "skill", 0, 1, assumption, "Founder skill at which a base resident counts as an innovative talent cultivated."));
  s.push_back(dynamics(&D::tech_sme_min_technology, real, "tech_sme_min_technology", "technology", 0, 1, tech_sme_rules, "Technology level standing in for the tech-SME evaluation score of 60."));
  s.push_back(dynamics(&D::high_tech_min_technology, real, "high_tech_min_technology", "technology", 0, 1, high_tech_rules, "Technology level standing in for the innovation-capability evaluation."));
  s.push_back(dynamics(&D::high_tech_min_patents, integer, "high_tech_min_patents", "patents", 0, 1000, high_tech_rules, "Patents needed as owned IP on the core technology."));
  s.push_back(dynamics(&D::high_tech_validity_months, integer, "high_tech_validity_months", "months", 1, 600, high_tech_rules, "Validity of a high-tech certificate before re-evaluation."));

  // [stage.<kind>]
  const char* kinds[] = {"nursery", "incubator", "accelerator", "park"};
  for (std::size_t k = 0; k < model::carrier_kind_count; ++k) {
    const std::string prefix = std::string("stage.") + kinds[k];
    auto stage = [k, prefix](auto member, ValueType type, std::string name, std::string unit, double min, double max, std::string provenance, std::string meaning) {
      FieldBinding<M> b;
      b.name = name;
      b.spec = ParameterSpec{prefix + "." + name, type, std::move(unit), "", min, max, {}, std::move(provenance), std::move(meaning)};
      b.field = [member, k](M& m) -> FieldRef { return &(m.stages[k].*member); };
      return b;
    };
    const bool incubator = k == 1;
    s.push_back(stage(&StageRules::max_entry_age_months, integer, "max_entry_age_months", "months", 0, 1200, incubator ? most_rules : assumption,
                      "Applicants older than this (since registration, or entry for teams) are not admitted unless graduating from the feeder stage; 0: no limit."));
    s.push_back(stage(&StageRules::min_months, integer, "min_months", "months", 0, 1200, assumption, "Graduation needs at least this many months in the stage."));
    s.push_back(stage(&StageRules::min_skill, real, "min_skill", "skill", 0, 1, assumption, "Graduation (and direct entry to the next stage) needs this founder skill."));
    s.push_back(stage(&StageRules::min_technology, real, "min_technology", "technology", 0, 1, assumption, "Graduation needs this technology level."));
    s.push_back(stage(&StageRules::min_revenue, real, "min_revenue", "RMB/month", 0, 1e12, assumption, "Graduation needs this monthly revenue (MOST's national rule is 10 M RMB over two years; county carriers set their own)."));
    s.push_back(stage(&StageRules::min_headcount, integer, "min_headcount", "persons", 0, 65535, assumption, "Graduation needs this headcount."));
    s.push_back(stage(&StageRules::application_probability, real, "application_probability", "1/month", 0, 1, assumption, "Monthly chance that an eligible venture applies to a carrier of this kind."));
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
  sector.push_back(make_binding<SectorParameters>("sector", "market_growth", &SectorParameters::market_growth, real, "1/month", -1, 1, assumption, "Monthly log-growth of revenue from the sector's market."));
  add_citation_field(r.sector);
  fill_defaults(sector, SectorParameters{});

  // [[source]]
  r.source.name = "source";
  r.source.meaning = "A source of potential entrants: grassroots, talent, spin-off or recruited.";
  auto& source = r.source.fields;
  source.push_back(make_binding<SourceParameters>("source", "id", &SourceParameters::id, ValueType::choice, "", -infinity, infinity, "", "Which origin this source is."));
  required(source.back()).spec.choices = {"grassroots", "talent", "spin-off", "recruited"};
  source.push_back(make_binding<SourceParameters>("source", "potential_per_month", &SourceParameters::potential_per_month, real, "ventures/month", 0, 1e7, assumption, "Mean number of potential entrants a month (Poisson); the same stream in every scenario."));
  source.push_back(make_binding<SourceParameters>("source", "entry_probability", &SourceParameters::entry_probability, real, "probability", 0, 1, assumption, "Chance that a potential entrant starts up in the county."));
  source.push_back(make_binding<SourceParameters>("source", "quality_mean", &SourceParameters::quality_mean, real, "sd", -10, 10, assumption, "Mean latent quality of its entrants (standard normal scale)."));
  source.push_back(make_binding<SourceParameters>("source", "skill_mean", &SourceParameters::skill_mean, real, "skill", 0, 1, assumption, "Mean founder skill of its entrants."));
  source.push_back(make_binding<SourceParameters>("source", "technology_mean", &SourceParameters::technology_mean, real, "technology", 0, 1, assumption, "Mean technology level of its entrants."));
  source.push_back(make_binding<SourceParameters>("source", "initial_cash", &SourceParameters::initial_cash, real, "RMB", 0, 1e10, assumption, "Mean cash at entry (log-normal, sd of log 0.3)."));
  source.push_back(make_binding<SourceParameters>("source", "founders", &SourceParameters::founders, integer, "persons", 1, 1000, assumption, "Initial headcount."));
  source.push_back(make_binding<SourceParameters>("source", "registered", &SourceParameters::registered, ValueType::boolean, "", -infinity, infinity, assumption, "Entrants arrive as registered firms rather than teams."));
  add_citation_field(r.source);
  fill_defaults(source, SourceParameters{});

  // [[operator]]
  r.operators.name = "operator";
  r.operators.meaning = "An operating institution (the \"N\" of 4+N) that runs carriers.";
  auto& op = r.operators.fields;
  op.push_back(make_binding<OperatorParameters>("operator", "id", &OperatorParameters::id, ValueType::text, "", -infinity, infinity, "", "Identifier used by carriers."));
  required(op.back());
  op.push_back(make_binding<OperatorParameters>("operator", "name", &OperatorParameters::name, ValueType::text, "", -infinity, infinity, "", "Display name."));
  op.push_back(make_binding<OperatorParameters>("operator", "type", &OperatorParameters::type, ValueType::choice, "", -infinity, infinity, "DESIGN.md", "Kind of institution."));
  op.back().spec.choices = {"government-agency", "state-owned-builder", "private-company", "research-institute", "agri-science-station"};
  op.push_back(make_binding<OperatorParameters>("operator", "staff", &OperatorParameters::staff, integer, "persons", 0, 100000, assumption, "Service staff."));
  op.push_back(make_binding<OperatorParameters>("operator", "service_quality", &OperatorParameters::service_quality, real, "0..1", 0, 1, assumption, "Strength of training and growth services in its carriers."));
  op.push_back(make_binding<OperatorParameters>("operator", "screening_noise", &OperatorParameters::screening_noise, real, "sd", 0, 100, assumption, "Standard deviation of the noise on the quality signal it sees at admission."));
  op.push_back(make_binding<OperatorParameters>("operator", "objective", &OperatorParameters::objective, ValueType::choice, "", -infinity, infinity, "DESIGN.md", "How it ranks applicants: quality signal, ability to pay (cash), or policy fit (signal + 2 x technology)."));
  op.back().spec.choices = {"quality", "ability-to-pay", "policy-fit"};
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
  c.push_back(make_binding<CarrierParameters>("carrier", "kind", &CarrierParameters::kind, ValueType::choice, "", -infinity, infinity, "BRIEF.md", "Stage of the pipeline this carrier serves."));
  required(c.back()).spec.choices = {"nursery", "incubator", "accelerator", "park"};
  c.push_back(make_binding<CarrierParameters>("carrier", "level", &CarrierParameters::level, ValueType::choice, "", -infinity, infinity, "BRIEF.md", "Administrative level."));
  c.back().spec.choices = {"none", "municipal", "provincial", "national"};
  c.push_back(make_binding<CarrierParameters>("carrier", "operator", &CarrierParameters::operator_id, ValueType::text, "", -infinity, infinity, "BRIEF.md", "Id of the [[operator]] that runs it."));
  required(c.back());
  c.push_back(make_binding<CarrierParameters>("carrier", "capacity", &CarrierParameters::capacity, integer, "ventures", 0, 1000000, assumption, "Seats: at most this many resident ventures."));
  c.push_back(make_binding<CarrierParameters>("carrier", "area_m2", &CarrierParameters::area_m2, real, "m2", 0, 1e8, "BRIEF.md", "Floor area (informational)."));
  c.push_back(make_binding<CarrierParameters>("carrier", "opening", &CarrierParameters::opening, ValueType::month, "YYYY-MM", -infinity, infinity, "BRIEF.md", "Planned opening month; before the start means open from the start."));
  c.push_back(make_binding<CarrierParameters>("carrier", "sectors", &CarrierParameters::sectors, ValueType::text_list, "", -infinity, infinity, "BRIEF.md", "Sector ids it admits; empty: all."));
  c.push_back(make_binding<CarrierParameters>("carrier", "max_tenure_months", &CarrierParameters::max_tenure_months, integer, "months", 1, 1200, most_rules, "Residents leave (graduate or are evicted) after this many months."));
  c.push_back(make_binding<CarrierParameters>("carrier", "rent_per_month", &CarrierParameters::rent_per_month, real, "RMB/month", 0, 1e8, assumption, "Rent per resident venture."));
  c.push_back(make_binding<CarrierParameters>("carrier", "rent_subsidy_share", &CarrierParameters::rent_subsidy_share, real, "share", 0, 1, assumption, "Share of rent paid from the public budget (1: zero-cost entry)."));
  c.push_back(make_binding<CarrierParameters>("carrier", "admission_threshold", &CarrierParameters::admission_threshold, real, "signal", -100, 100, assumption, "Lowest quality signal admitted."));
  c.push_back(make_binding<CarrierParameters>("carrier", "in_base", &CarrierParameters::in_base, ValueType::boolean, "", -infinity, infinity, "BRIEF.md", "Part of the integrated base (counts for scope \"base\")."));
  c.push_back(make_binding<CarrierParameters>("carrier", "enabled", &CarrierParameters::enabled, ValueType::boolean, "", -infinity, infinity, "", "false removes the carrier from this scenario (inherited scenarios)."));
  c.push_back(make_binding<CarrierParameters>("carrier", "initial_residents", &CarrierParameters::initial_residents, integer, "ventures", 0, 1000000, "BRIEF.md", "Ventures resident at the start (only for carriers open at the start)."));
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
  t.push_back(make_binding<TargetParameters>("target", "threshold", &TargetParameters::threshold, real, "indicator unit", -1e15, 1e15, "BRIEF.md", "The target is met when the indicator is at least this."));
  required(t.back());
  t.push_back(make_binding<TargetParameters>("target", "deadline", &TargetParameters::deadline, ValueType::month, "YYYY-MM", -infinity, infinity, "BRIEF.md", "Last month (inclusive) by which the target counts."));
  required(t.back());
  t.push_back(make_binding<TargetParameters>("target", "scope", &TargetParameters::scope, ValueType::choice, "", -infinity, infinity, "BRIEF.md", "base or county; must match the indicator's scope."));
  required(t.back()).spec.choices = {"base", "county"};
  t.push_back(make_binding<TargetParameters>("target", "measure", &TargetParameters::measure, ValueType::choice, "", -infinity, infinity, "BRIEF.md", "stock or cumulative; must match the indicator."));
  required(t.back()).spec.choices = {"stock", "cumulative"};
  t.push_back(make_binding<TargetParameters>("target", "kind", &TargetParameters::kind, ValueType::choice, "", -infinity, infinity, "BRIEF.md", "outcome, or input-driven when the target follows mostly from the plan's own inputs."));
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
