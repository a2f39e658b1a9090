#include "model/processes.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace incubsim::model {
namespace {

constexpr std::array<const char*, status_count> status_names = {"active", "failed", "relocated", "acquired"};
constexpr std::array<const char*, event_kind_count> event_kind_names = {
    "entry", "registration", "admission", "graduation", "eviction", "failure_cash", "failure_hazard",
    "carrier_opened", "tech_sme_certified", "high_tech_certified", "talent_cultivated", "funding_round", "loan",
    "relocation", "acquisition", "case_by_case_support", "talent_joined", "carrier_level_changed"};

constexpr std::uint32_t no_venture = 0xFFFFFFFFu;

Stream venture_stream(const MonthContext& context, const Venture& venture, Purpose purpose) {
  return context.key.stream(venture.stream_kind, venture.stream_id, static_cast<std::uint32_t>(context.month), purpose);
}

float clamp01(double value) { return static_cast<float>(std::clamp(value, 0.001, 0.999)); }

Stage stage_of_kind(CarrierKind kind) { return static_cast<Stage>(static_cast<int>(kind) + 1); }

int months_since(int month, int since) { return month - since; }

int venture_age(const Venture& venture, int month) {
  return months_since(month, venture.registered ? venture.registration_month : venture.entry_month);
}

// Graduation criteria of a stage (other than time in the stage); also what a venture outside
// every carrier must show to apply directly to the following stage.
bool meets_stage_criteria(const Venture& venture, const StageRules& rules) {
  return venture.registered && venture.skill >= rules.min_skill && venture.technology >= rules.min_technology &&
         venture.revenue >= rules.min_revenue && venture.headcount >= rules.min_headcount;
}

int sector_from_uniform(const ModelSetup& setup, double u) {
  const auto& shares = setup.sector_cumulative_share;
  const auto it = std::upper_bound(shares.begin(), shares.end(), u);
  return static_cast<int>(std::min<std::ptrdiff_t>(it - shares.begin(), static_cast<std::ptrdiff_t>(shares.size()) - 1));
}




}  // namespace

void leave_carrier(RunState& state, Venture& venture) {
  if (venture.carrier >= 0) state.carriers[static_cast<std::size_t>(venture.carrier)].residents -= 1;
  venture.carrier = -1;
  venture.stage = Stage::outside;
  venture.graduate_ready = false;
}

void record_graduation(RunState& state, const MonthContext& context, std::uint32_t index, Stage to) {
  Venture& v = state.ventures[index];
  const int kind = static_cast<int>(v.stage) - 1;
  state.flows.graduations[static_cast<std::size_t>(kind)] += 1;
  state.cumulative.graduations += 1;
  state.carriers[static_cast<std::size_t>(v.carrier)].graduates += 1;
  const ResolvedCarrier& carrier = context.setup.carriers[static_cast<std::size_t>(v.carrier)];
  if (carrier.per_outcome) {
    state.flows.operator_spending += context.setup.parameters.operators[static_cast<std::size_t>(carrier.operator_index)].payment_per_graduate;
  }
  context.sink.emit(context.month, index, EventKind::graduation, v.stage, to, v.carrier);
}

// Fills a new venture's attributes from its own stream; the number of draws is fixed so the
// stream lines up in every scenario.
Venture draw_venture(const ModelSetup& setup, const SourceParameters& source, Stream& stream) {
  const VentureDynamics& d = setup.parameters.dynamics;
  Venture venture;
  venture.sector = static_cast<std::uint8_t>(sector_from_uniform(setup, stream.uniform()));
  venture.quality = static_cast<float>(source.quality_mean + stream.normal());
  venture.skill = clamp01(source.skill_mean + 0.1 * stream.normal());
  venture.technology = clamp01(source.technology_mean + 0.1 * stream.normal());
  venture.cash = static_cast<float>(source.initial_cash * std::exp(0.3 * stream.normal() - 0.045));
  venture.headcount = static_cast<std::uint16_t>(std::max(source.founders, 1));
  venture.rd_intensity = static_cast<float>(std::max(0.0, d.rd_share + 0.02 * stream.normal()));
  venture.st_staff_share = clamp01(d.st_staff_share_mean + 0.08 * stream.normal());
  venture.high_tech_product_share = clamp01(d.high_tech_product_share_mean + 0.15 * stream.normal());
  venture.revenue = static_cast<float>(source.initial_revenue);
  return venture;
}

std::uint32_t add_venture(RunState& state, const MonthContext& context, const Venture& venture) {
  if (state.ventures.size() >= ModelSetup::max_ventures_per_run) {
    throw PopulationExploded("scenario '" + context.setup.parameters.name + "': the population exploded in month " +
                             context.setup.month_label(context.month) + ": more than " +
                             std::to_string(ModelSetup::max_ventures_per_run) +
                             " ventures in one run, the cap per run (docs/odd.md); lower the entry rates, potential_scale or the horizon");
  }
  Venture v = venture;
  v.entry_month = static_cast<std::int16_t>(context.month);
  v.stage_entry_month = v.entry_month;
  if (v.registered) v.registration_month = v.entry_month;
  const auto index = static_cast<std::uint32_t>(state.ventures.size());
  state.ventures.push_back(v);
  state.active.push_back(index);
  state.flows.entries_by_source[v.origin] += 1;
  context.sink.emit(context.month, index, EventKind::entry, Stage::outside, Stage::outside, -1);
  return index;
}

double service_quality(const RunState& state, const ModelSetup& setup, int carrier) {
  const ResolvedCarrier& resolved = setup.carriers[static_cast<std::size_t>(carrier)];
  if (state.operator_unpaid[static_cast<std::size_t>(resolved.operator_index)]) return 0.0;
  // An operator with too few staff and mentors for its residents spreads its services thin.
  double quality = resolved.service_quality * state.operator_load_factor[static_cast<std::size_t>(resolved.operator_index)];
  if (setup.parameters.integration.enabled && resolved.in_base) quality += setup.parameters.integration.shared_service_quality;
  return std::min(quality, 1.0);
}

double awareness(const PolicyParameters& policy) {
  const double base = policy.awareness_without_internet_plus;
  return std::min(1.0, policy.internet_plus ? base * (1.0 + policy.internet_plus_awareness) : base);
}

const char* stage_name(int stage) { return stage_names.at(static_cast<std::size_t>(stage)); }
const char* status_name(int status) { return status_names.at(static_cast<std::size_t>(status)); }
const char* event_kind_name(int kind) { return event_kind_names.at(static_cast<std::size_t>(kind)); }

double monthly_hazard(const VentureDynamics& dynamics, double age_months) {
  // Log-logistic survival S(t) = 1 / (1 + (t/alpha)^beta); the monthly probability of failure
  // is 1 - S(t+1)/S(t), scaled by the multiplier.
  const double alpha = dynamics.hazard_scale_months;
  const double beta = dynamics.hazard_shape;
  const double t = std::max(age_months, 0.0);
  const double now = std::pow(t / alpha, beta);
  const double next = std::pow((t + 1.0) / alpha, beta);
  const double probability = 1.0 - (1.0 + now) / (1.0 + next);
  return std::clamp(probability * dynamics.hazard_multiplier, 0.0, 1.0);
}

RunState initialise(const ModelSetup& setup, RandomKey key, const EventSink& sink) {
  RunState state;
  state.carriers.resize(setup.carriers.size());
  state.applicants.resize(setup.carriers.size());
  state.flows.entries_by_source.assign(setup.parameters.sources.size(), 0);
  state.operator_unpaid.assign(setup.parameters.operators.size(), 0);
  state.operator_load_factor.assign(setup.parameters.operators.size(), 1.0);
  state.budgets.guidance_fund = setup.parameters.finance.guidance_fund_capital;  // total, not annual
  state.ventures.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(setup.venture_bound() / 2 + 64, 1u << 26)));
  const VentureDynamics& d = setup.parameters.dynamics;
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    const ResolvedCarrier& carrier = setup.carriers[c];
    // A planned opening after the start is late by a Poisson number of months (construction).
    int delay = 0;
    if (carrier.opening_month > 0 && !carrier.demand_opening && setup.parameters.carrier_dynamics.construction_delay_mean > 0.0) {
      // Keyed by the carrier's place in the scenario file, so disabling another carrier does not
      // redraw this one's delay.
      Stream stream = key.stream(EntityKind::carrier, static_cast<std::uint32_t>(carrier.parameter_index), 0, Purpose::construction_delay);
      delay = static_cast<int>(stream.poisson(setup.parameters.carrier_dynamics.construction_delay_mean));
    }
    state.carriers[c].opening_month = carrier.opening_month + delay;
    state.carriers[c].level = static_cast<int>(carrier.level);
    if (state.carriers[c].opening_month <= 0 && !carrier.demand_opening) state.carriers[c].open = true;
  }
  // The firms of 2021, numbered over every carrier that lists them (disabled ones too), so each
  // firm draws the same attributes in every scenario.
  std::uint32_t initial_id = 0;
  for (const ModelSetup::InitialFirms& firms : setup.initial_firms) {
    const CarrierParameters& parameters = setup.parameters.carriers[static_cast<std::size_t>(firms.parameter_index)];
    for (int r = 0; r < firms.count; ++r) {
      Stream stream = key.stream(EntityKind::initial_venture, initial_id, 0, Purpose::entrant_attributes);
      SourceParameters resident;  // residents of 2021: registered small firms (BRIEF.md)
      resident.quality_mean = 0.0;
      resident.skill_mean = 0.45;
      resident.technology_mean = 0.25;
      resident.initial_cash = 150000.0;
      resident.founders = 3;
      Venture v = draw_venture(setup, resident, stream);
      v.stream_kind = EntityKind::initial_venture;
      v.stream_id = initial_id++;
      if (firms.sector >= 0) v.sector = static_cast<std::uint8_t>(firms.sector);
      v.registered = true;
      v.entry_month = static_cast<std::int16_t>(-1 - static_cast<int>(stream.uniform() * 36.0));
      v.registration_month = v.entry_month;
      v.stage_entry_month = static_cast<std::int16_t>(std::max<int>(v.entry_month, -static_cast<int>(stream.uniform() * std::min(parameters.max_tenure_months, 24))));
      v.revenue = static_cast<float>(d.first_revenue * std::exp(0.5 * v.quality));
      const auto index = static_cast<std::uint32_t>(state.ventures.size());
      if (firms.carrier >= 0) {
        const auto c = static_cast<std::size_t>(firms.carrier);
        v.stage = v.highest_stage = stage_of_kind(setup.carriers[c].kind);
        v.carrier = static_cast<std::int16_t>(c);
        v.ever_in_base = parameters.in_base;
        state.carriers[c].residents += 1;
      } else {
        v.stage_entry_month = v.entry_month;
      }
      state.ventures.push_back(v);
      state.active.push_back(index);
      sink.emit(0, index, EventKind::entry, Stage::outside, Stage::outside, -1);
      if (firms.carrier >= 0) sink.emit(0, index, EventKind::admission, Stage::outside, v.stage, firms.carrier);
    }
  }
  return state;
}

void entry(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const PolicyParameters& policy = setup.parameters.policy;
  const double boost = policy.zero_cost_entry ? 1.0 + policy.zero_cost_entry_boost : 1.0;
  const auto month = static_cast<std::uint32_t>(context.month);
  for (std::size_t s = 0; s < setup.parameters.sources.size(); ++s) {
    const SourceParameters& source = setup.parameters.sources[s];
    Stream count_stream = context.key.stream(EntityKind::entry_source, static_cast<std::uint32_t>(s), month, Purpose::entrant_count);
    const std::uint32_t potential = count_stream.poisson(setup.potential_per_month(s));
    for (std::uint32_t j = 0; j < potential; ++j) {
      // Entrants are numbered per source (source in the top bits), so one source's rate never
      // renumbers another's entrants.
      const std::uint32_t k = (static_cast<std::uint32_t>(s) << CounterWidths::entrant_number_bits) | state.next_entrant_by_source[s]++;
      Stream stream = context.key.stream(EntityKind::potential_entrant, k, 0, Purpose::entrant_attributes);
      const double enter = stream.uniform();
      Venture v = draw_venture(setup, source, stream);
      if (enter >= std::min(1.0, source.entry_probability * boost)) continue;
      v.stream_kind = EntityKind::potential_entrant;
      v.stream_id = k;
      v.origin = static_cast<std::uint8_t>(s);
      v.registered = source.registered;
      v.direct_stage = static_cast<std::uint8_t>(setup.source_direct_stage[s]);
      v.recruited_direct = v.direct_stage > 0;
      add_venture(state, context, v);
    }
  }
}

void application_and_admission(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const auto& stages = setup.parameters.stages;
  // Open carriers of each kind, in carrier order.
  std::array<std::vector<int>, carrier_kind_count> open_by_kind;
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    state.applicants[c].clear();
    state.carriers[c].applicants_this_month = state.carriers[c].admitted_this_month = 0;
    if (state.carriers[c].open) open_by_kind[static_cast<std::size_t>(setup.carriers[c].kind)].push_back(static_cast<int>(c));
  }
  // Number of open carriers of each kind that admit each sector, counted once a month.
  const std::size_t sector_count = setup.parameters.sectors.size();
  std::vector<int> serving_table(carrier_kind_count * sector_count, 0);
  for (int kind = 0; kind < carrier_kind_count; ++kind) {
    for (int c : open_by_kind[static_cast<std::size_t>(kind)]) {
      for (std::size_t sector = 0; sector < sector_count; ++sector) {
        serving_table[static_cast<std::size_t>(kind) * sector_count + sector] += static_cast<int>(setup.carriers[static_cast<std::size_t>(c)].sector_mask >> sector & 1u);
      }
    }
  }
  auto serving = [&](int kind, int sector) { return serving_table[static_cast<std::size_t>(kind) * sector_count + static_cast<std::size_t>(sector)]; };
  const IntegrationParameters& integration = setup.parameters.integration;
  const double aware = awareness(setup.parameters.policy);
  // Demand nobody serves, for carriers a market operator opens on demand: an eligible venture
  // would apply with the stage's application probability.
  const bool count_unserved = setup.has_demand_carriers;
  auto unserved = [&](int kind) { state.flows.unserved[static_cast<std::size_t>(kind)] += stages[static_cast<std::size_t>(kind)].application_probability * aware; };
  auto eligible_by_age = [&](const Venture& v, int kind) {
    const StageRules& rules = stages[static_cast<std::size_t>(kind)];
    return v.graduate_ready || rules.max_entry_age_months == 0 || venture_age(v, context.month) <= rules.max_entry_age_months;
  };
  for (std::uint32_t index : state.active) {
    const Venture& v = state.ventures[index];
    int kind = -1;  // the carrier kind this venture applies to this month
    int choices = 0;
    if (v.stage != Stage::outside) {
      if (!v.graduate_ready) continue;
      kind = static_cast<int>(v.stage);  // the next kind after its current stage
      if (kind < carrier_kind_count) choices = serving(kind, v.sector);
      if (kind < carrier_kind_count && choices == 0 && count_unserved) unserved(kind);
    } else {
      // Outside: the furthest stage not yet reached whose entry criteria it meets and for which
      // an open carrier serves its sector.
      // Firms recruited from outside start at their source's direct stage without its criteria.
      const int lowest = std::max<int>(static_cast<int>(v.highest_stage), v.direct_stage);
      for (int k = carrier_kind_count - 1; k >= lowest; --k) {
        const bool recruited_entry = v.recruited_direct && k == v.direct_stage && v.highest_stage == Stage::outside;
        if (!recruited_entry && !eligible_by_age(v, k)) continue;
        if (!recruited_entry && k > 0 && !meets_stage_criteria(v, stages[static_cast<std::size_t>(k - 1)])) continue;
        choices = serving(k, v.sector);
        if (choices > 0) {
          kind = k;
          break;
        }
        if (count_unserved) unserved(k);
      }
    }
    if (kind < 0 || kind >= carrier_kind_count || choices == 0) continue;
    // One Philox block serves the whole application: two 32-bit uniforms, then the signal's normal.
    Stream stream = venture_stream(context, v, Purpose::application);
    // It applies if it knows of the programme (Internet+ raises that) and decides to.
    if (!(Stream::uniform32(stream()) < stages[static_cast<std::size_t>(kind)].application_probability * aware)) continue;
    // Choose uniformly among the serving carriers, in carrier order.
    int pick = std::min(static_cast<int>(Stream::uniform32(stream()) * choices), choices - 1);
    int chosen = -1;
    for (int c : open_by_kind[static_cast<std::size_t>(kind)]) {
      if ((setup.carriers[static_cast<std::size_t>(c)].sector_mask >> v.sector & 1u) && pick-- == 0) {
        chosen = c;
        break;
      }
    }
    const ResolvedCarrier& carrier = setup.carriers[static_cast<std::size_t>(chosen)];
    // Integration: the next base carrier knows its feeder's graduates (less screening noise).
    const bool base_graduate = v.carrier >= 0 && setup.carriers[static_cast<std::size_t>(v.carrier)].in_base && carrier.in_base;
    const double noise = carrier.screening_noise * (integration.enabled && base_graduate ? integration.feeder_noise_factor : 1.0);
    const double signal = v.quality + noise * stream.normal();
    double score = signal;
    if (carrier.objective == SelectionObjective::ability_to_pay) score = std::log1p(std::max(v.cash, 0.0F) / 1e5) + 0.25 * signal;
    if (carrier.objective == SelectionObjective::policy_fit) score = signal + 2.0 * v.technology;
    state.applicants[static_cast<std::size_t>(chosen)].push_back(Applicant{score, signal, index, base_graduate});
  }

  // Carriers admit in a fixed order (later stages first, then carrier order); ties go to the
  // lower venture index, so the result does not depend on how applicants were gathered.
  for (int kind = carrier_kind_count - 1; kind >= 0; --kind) {
    for (int c : open_by_kind[static_cast<std::size_t>(kind)]) {
      auto& applicants = state.applicants[static_cast<std::size_t>(c)];
      std::sort(applicants.begin(), applicants.end(), [](const Applicant& a, const Applicant& b) {
        return a.score != b.score ? a.score > b.score : a.venture < b.venture;
      });
      CarrierState& carrier_state = state.carriers[static_cast<std::size_t>(c)];
      const CarrierParameters& parameters = setup.carrier_parameters(c);
      const ResolvedCarrier& resolved = setup.carriers[static_cast<std::size_t>(c)];
      carrier_state.applicants_this_month = static_cast<int>(applicants.size());
      // Integration reserves a share of a base carrier's seats for base graduates (hand-off
      // without a gap); per-outcome operators select harder.
      const bool has_feeder = kind > 0;  // the nursery has no feeder stage to reserve seats for
      const int open_seats = integration.enabled && resolved.in_base && has_feeder
                                 ? static_cast<int>(std::floor(parameters.capacity * (1.0 - integration.reserved_share)))
                                 : parameters.capacity;
      const double threshold = parameters.admission_threshold + (resolved.per_outcome ? 0.5 : 0.0);
      for (const Applicant& applicant : applicants) {
        const int seats = applicant.base_graduate ? parameters.capacity : open_seats;
        if (carrier_state.residents >= seats || applicant.signal < threshold) {
          state.flows.waiting[static_cast<std::size_t>(kind)] += 1;
          continue;
        }
        Venture& v = state.ventures[applicant.venture];
        const Stage from = v.stage;
        if (v.carrier >= 0) {
          record_graduation(state, context, applicant.venture, stage_of_kind(static_cast<CarrierKind>(kind)));
          leave_carrier(state, v);
        }
        v.carrier = static_cast<std::int16_t>(c);
        v.stage = stage_of_kind(static_cast<CarrierKind>(kind));
        v.highest_stage = std::max(v.highest_stage, v.stage);
        v.stage_entry_month = static_cast<std::int16_t>(context.month);
        v.ever_in_base = v.ever_in_base || parameters.in_base;
        carrier_state.residents += 1;
        carrier_state.admitted_this_month += 1;
        state.flows.admissions[static_cast<std::size_t>(kind)] += 1;
        state.flows.admitted_quality += v.quality;
        context.sink.emit(context.month, applicant.venture, EventKind::admission, from, v.stage, c, static_cast<float>(applicant.score));
      }
    }
  }
}

void services(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  const PolicyParameters& policy = setup.parameters.policy;
  // County training places: residents first (in venture order), then everyone else, while the
  // places and the training line last.
  int places = policy.training_places_per_month;
  // Cultivated: the founder's skill crosses the threshold while resident in the base.
  auto count_if_cultivated = [&](Venture& v, std::uint32_t index, bool was_below) {
    if (!was_below || v.talent_counted || v.carrier < 0 || v.skill < d.talent_skill_threshold) return;
    if (!setup.carriers[static_cast<std::size_t>(v.carrier)].in_base) return;
    v.talent_counted = true;
    state.cumulative.talents_base += 1;
    context.sink.emit(context.month, index, EventKind::talent_cultivated, v.stage, v.stage, v.carrier);
  };
  auto train = [&](Venture& v, std::uint32_t index) {
    if (places <= 0 || v.skill >= d.talent_skill_threshold) return;
    if (!spend(state.budgets.training, policy.training_cost_per_place)) {
      places = 0;
      return;
    }
    --places;
    state.flows.trained += 1;
    state.flows.training_spending += policy.training_cost_per_place;
    const bool was_below = v.skill < d.talent_skill_threshold;
    v.skill = static_cast<float>(v.skill + policy.training_skill_gain * (1.0 - v.skill));
    count_if_cultivated(v, index, was_below);
  };
  for (int pass = 0; pass < 2 && places > 0; ++pass) {
    for (std::uint32_t index : state.active) {
      Venture& v = state.ventures[index];
      if ((v.carrier >= 0) == (pass == 0)) train(v, index);
    }
  }
  for (std::uint32_t index : state.active) {
    Venture& v = state.ventures[index];
    double learning = d.skill_learning_outside;
    if (v.carrier >= 0) learning = d.skill_learning_in_carrier * service_quality(state, setup, v.carrier);
    const bool was_below = v.skill < d.talent_skill_threshold;
    v.skill = static_cast<float>(v.skill + learning * (1.0 - v.skill));
    count_if_cultivated(v, index, was_below);
  }
}

void growth_and_cash(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  const LeadingFirmParameters& leading = setup.parameters.leading_firms;
  const double leading_firms = std::min(leading.count, 3);
  const double volatility = d.revenue_volatility;
  state.draws.resize(state.active.size());
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    const std::uint32_t index = state.active[i];
    Venture& v = state.ventures[index];
    MonthlyDraws& draws = state.draws[i];
    {
      Stream stream = venture_stream(context, v, Purpose::monthly);
      draws.first_sale = Stream::uniform32(stream());
      draws.patent = Stream::uniform32(stream());
      draws.registration = Stream::uniform32(stream());
      draws.failure = Stream::uniform32(stream());
      // Only selling firms use the revenue shock; skipping the draw shifts no other draw.
      draws.revenue_shock = v.registered && v.revenue > 0.0F ? stream.normal() : 0.0;
    }
    double quality_of_service = 0.0;
    double rent = 0.0;
    bool base = false;
    if (v.carrier >= 0) {
      const CarrierParameters& carrier = setup.carrier_parameters(v.carrier);
      base = carrier.in_base;
      quality_of_service = service_quality(state, setup, v.carrier);
      // The subsidy is paid while the year's rent-subsidy line lasts; then the venture pays in full.
      const double subsidy = carrier.rent_per_month * carrier.rent_subsidy_share;
      const bool paid = spend(state.budgets.rent_subsidy, subsidy);
      if (paid) state.flows.rent_subsidy_spending += subsidy;
      rent = carrier.rent_per_month - (paid ? subsidy : 0.0);
    }
    double costs = d.other_costs_per_month + rent;
    double sales_to_leading_firms = 0.0;
    if (v.registered) {
      const double before = v.revenue;
      if (v.revenue <= 0.0F) {
        // A firm starts selling with a chance that rises with technology and skill.
        if (draws.first_sale < 0.05 + 0.15 * v.technology + 0.1 * v.skill) v.revenue = static_cast<float>(d.first_revenue * std::exp(0.5 * v.quality));
      } else {
        double growth = d.revenue_growth + d.quality_growth_effect * v.quality + d.skill_growth_effect * v.skill +
                        d.technology_growth_effect * v.technology + d.service_growth_effect * quality_of_service +
                        setup.parameters.sectors[v.sector].market_growth;
        if (base) growth += leading.mentoring_growth * leading_firms;  // leading firms mentor base residents
        v.revenue = static_cast<float>(v.revenue * std::exp(growth + volatility * draws.revenue_shock - 0.5 * volatility * volatility));
        v.growth = static_cast<float>(0.8 * v.growth + 0.2 * std::log(std::max<double>(v.revenue, 1.0) / std::max(before, 1.0)));
      }
      if (base) sales_to_leading_firms = leading.purchase_revenue_share * leading_firms * v.revenue;
      const double target = 1.0 + v.revenue / d.revenue_per_employee;
      const long change = std::lround(d.headcount_adjustment * (target - v.headcount));
      v.headcount = static_cast<std::uint16_t>(std::clamp<long>(v.headcount + change, 1, 65535));
      costs += v.headcount * d.wage_per_month + v.rd_intensity * v.revenue;
      if (v.loan_months_left > 0) {
        const double instalment = v.loan_balance / v.loan_months_left;
        costs += instalment;
        v.loan_balance = static_cast<float>(v.loan_balance - instalment);
        v.loan_months_left -= 1;
      }
    }
    v.cash = static_cast<float>(v.cash + v.revenue + sales_to_leading_firms - costs);
  }
}

void innovation(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  const PlatformParameters& platforms = setup.parameters.platforms;
  const double platform_gain = platforms.technology_gain_per_platform * std::min(platforms.platforms, 10);
  const double pilot_gain = platforms.pilot_technology_gain * std::min(platforms.pilot_bases, 3);
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    Venture& v = state.ventures[state.active[i]];
    const double rd_spending = v.rd_intensity * v.revenue;  // RMB/month
    double gain = d.technology_learning * v.skill + 0.01 * rd_spending / 1e5;
    // University and innovation platforms serve incubator and park residents; pilot-scale bases
    // serve accelerator and park residents.
    if (v.stage == Stage::incubator || v.stage == Stage::park) gain += platform_gain;
    if (v.stage == Stage::accelerator || v.stage == Stage::park) gain += pilot_gain;
    // Operators of type research institute or agri-science station transfer technology to their residents.
    if (v.carrier >= 0 && setup.carriers[static_cast<std::size_t>(v.carrier)].technology_operator) gain += d.institute_technology_gain;
    v.technology = static_cast<float>(std::min(v.technology + gain * (1.0 - v.technology), 0.999));
    if (v.registered && state.draws[i].patent < d.patent_rate * v.technology && v.patents < 65535) v.patents += 1;
  }
}

void transitions(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  const ExitParameters& exit_rules = setup.parameters.exits;
  const IntegrationParameters& integration = setup.parameters.integration;
  const int month = context.month;
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    const std::uint32_t index = state.active[i];
    Venture& v = state.ventures[index];
    const bool was_registered = v.registered;
    if (!v.registered) {
      const double odds = d.registration_probability * (v.carrier >= 0 ? 1.0 + d.carrier_registration_boost : 1.0);
      if (state.draws[i].registration < odds) {
        v.registered = true;
        v.registration_month = static_cast<std::int16_t>(month);
        state.flows.registrations += 1;
        context.sink.emit(month, index, EventKind::registration, v.stage, v.stage, v.carrier);
      }
    }
    if (v.carrier < 0) continue;
    const int kind = static_cast<int>(v.stage) - 1;
    const CarrierParameters& carrier = setup.carrier_parameters(v.carrier);
    const int tenure = months_since(month, v.stage_entry_month);
    if (!v.graduate_ready) {
      const StageRules& rules = setup.parameters.stages[static_cast<std::size_t>(kind)];
      v.graduate_ready = tenure >= rules.min_months && meets_stage_criteria(v, rules);
    }
    if (tenure + 1 < carrier.max_tenure_months) continue;
    const Stage from = v.stage;
    const int carrier_index = v.carrier;
    if (v.graduate_ready) {
      record_graduation(state, context, index, Stage::outside);
    } else {
      state.flows.evictions += 1;
      context.sink.emit(month, index, EventKind::eviction, from, Stage::outside, carrier_index);
    }
    leave_carrier(state, v);
    // Leaving with no next carrier, a firm may leave the county (its registration uniform is
    // free: only teams use it). Integration keeps base firms better at this moment.
    if (!was_registered) continue;
    double chance = exit_rules.relocation_at_transition;
    if (integration.enabled && carrier.in_base) chance *= integration.transition_relocation_factor;
    if (state.draws[i].registration < chance) {
      v.status = Status::relocated;
      state.flows.relocations += 1;
      state.cumulative.relocations += 1;
      context.sink.emit(month, index, EventKind::relocation, Stage::outside, Stage::outside, carrier_index);
    }
  }
}

void exits(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const std::vector<double>& hazard = setup.hazard_by_age;
  const ExitParameters& exit_rules = setup.parameters.exits;
  const LeadingFirmParameters& leading = setup.parameters.leading_firms;
  const PolicyParameters& policy = setup.parameters.policy;
  const FinanceParameters& finance_rules = setup.parameters.finance;
  const int month = context.month;
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    const std::uint32_t index = state.active[i];
    Venture& v = state.ventures[index];
    if (v.status != Status::active) continue;  // relocated at transition this month
    // Competing risks from one uniform: [0, h) failure, [h, h + r) relocation, [h + r, h + r + a)
    // acquisition, where h, r, a are the month's probabilities of each.
    const double u = state.draws[i].failure;
    const double h = hazard[std::min<std::size_t>(static_cast<std::size_t>(std::max(months_since(month, v.entry_month), 0)), hazard.size() - 1)];
    double r = 0.0;
    double a = 0.0;
    if (v.registered) {
      r = exit_rules.relocation_rate * (1.0 + v.revenue / exit_rules.relocation_revenue_scale);
      if (v.carrier >= 0) r *= exit_rules.relocation_support_factor;
      if (v.case_by_case_supported) r *= policy.case_by_case_relocation_factor;
      if (v.technology >= leading.acquisition_min_technology) a = leading.acquisition_rate * leading.count;
    }
    EventKind cause;
    Status status = Status::failed;
    if (v.cash < 0.0F) {
      cause = EventKind::failure_cash;
      state.flows.failures_cash += 1;
    } else if (u < h) {
      cause = EventKind::failure_hazard;
      state.flows.failures_hazard += 1;
    } else if (u < h + r) {
      cause = EventKind::relocation;
      status = Status::relocated;
      state.flows.relocations += 1;
      state.cumulative.relocations += 1;
    } else if (u < h + r + a) {
      cause = EventKind::acquisition;
      status = Status::acquired;
      state.flows.acquisitions += 1;
      state.cumulative.acquisitions += 1;
    } else {
      continue;
    }
    if (status == Status::failed) {
      state.cumulative.failures += 1;
      // A failed firm defaults on its loan; the public guarantee pays its share.
      const double guarantee = finance_rules.loan_guarantee_share * v.loan_balance;
      state.flows.guarantee_spending += guarantee;
    }
    const Stage from = v.stage;
    const int carrier = v.carrier;
    leave_carrier(state, v);
    v.status = status;
    context.sink.emit(month, index, cause, from, Stage::outside, carrier);
  }
  // Every public budget line spent this month counts towards the running total.
  state.cumulative.public_spending += state.flows.public_spending();
}

}  // namespace incubsim::model
