#include "model/processes.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace incubsim::model {
namespace {

constexpr std::array<const char*, stage_count> stage_names = {"outside", "nursery", "incubator", "accelerator", "park"};
constexpr std::array<const char*, status_count> status_names = {"active", "failed", "relocated", "acquired"};
constexpr std::array<const char*, event_kind_count> event_kind_names = {
    "entry", "registration", "admission", "graduation", "eviction", "failure_cash", "failure_hazard",
    "carrier_opened", "tech_sme_certified", "high_tech_certified", "talent_cultivated"};

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

void leave_carrier(RunState& state, Venture& venture) {
  if (venture.carrier >= 0) state.carriers[static_cast<std::size_t>(venture.carrier)].residents -= 1;
  venture.carrier = -1;
  venture.stage = Stage::outside;
  venture.graduate_ready = false;
}

// Fills a new venture's attributes from its own stream; the number of draws is fixed so the
// stream lines up in every scenario.
Venture draw_venture(const ModelSetup& setup, const SourceParameters& source, Stream& stream) {
  Venture venture;
  venture.sector = static_cast<std::uint8_t>(sector_from_uniform(setup, stream.uniform()));
  venture.quality = static_cast<float>(source.quality_mean + stream.normal());
  venture.skill = clamp01(source.skill_mean + 0.1 * stream.normal());
  venture.technology = clamp01(source.technology_mean + 0.1 * stream.normal());
  venture.cash = static_cast<float>(source.initial_cash * std::exp(0.3 * stream.normal() - 0.045));
  venture.headcount = static_cast<std::uint16_t>(std::max(source.founders, 1));
  return venture;
}

void certify(RunState& state, const MonthContext& context) {
  const VentureDynamics& d = context.setup.parameters.dynamics;
  const int month = context.month;
  for (std::uint32_t index : state.active) {
    Venture& v = state.ventures[index];
    if (!v.registered) continue;
    // Technology-based SME: small firm with enough technology; evaluated every year.
    const bool small = v.headcount <= 500 && v.revenue * 12.0 <= 200e6;
    if (small && v.technology >= d.tech_sme_min_technology) {
      v.tech_sme_until = static_cast<std::int16_t>(month + 12);
      if (!v.ever_tech_sme) {
        v.ever_tech_sme = true;
        if (v.ever_in_base) state.cumulative.tech_sme_base += 1;
        context.sink.emit(month, index, EventKind::tech_sme_certified, v.stage, v.stage, v.carrier);
      }
    }
    // High-tech enterprise: registered a year, owns IP, technology high enough; valid for a
    // fixed term, then re-evaluated.
    const bool due = v.high_tech_until <= month;  // never certified, or expiring this month
    if (due && months_since(month, v.registration_month) >= 12 && v.patents >= d.high_tech_min_patents &&
        v.technology >= d.high_tech_min_technology) {
      v.high_tech_until = static_cast<std::int16_t>(month + d.high_tech_validity_months);
      if (!v.ever_high_tech) {
        v.ever_high_tech = true;
        if (v.ever_in_base) state.cumulative.high_tech_base += 1;
        context.sink.emit(month, index, EventKind::high_tech_certified, v.stage, v.stage, v.carrier);
      }
    }
  }
}

}  // namespace

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
  state.ventures.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(setup.venture_bound() / 2 + 64, 1u << 26)));
  const VentureDynamics& d = setup.parameters.dynamics;
  std::uint32_t initial_id = 0;
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    const ResolvedCarrier& carrier = setup.carriers[c];
    const CarrierParameters& parameters = setup.carrier_parameters(static_cast<int>(c));
    state.carriers[c].opening_month = carrier.opening_month;
    if (carrier.opening_month <= 0) state.carriers[c].open = true;
    for (int r = 0; r < parameters.initial_residents; ++r) {
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
      if (carrier.sector_mask != ~std::uint64_t{0}) v.sector = static_cast<std::uint8_t>(std::countr_zero(carrier.sector_mask));
      v.registered = true;
      v.entry_month = static_cast<std::int16_t>(-1 - static_cast<int>(stream.uniform() * 36.0));
      v.registration_month = v.entry_month;
      v.stage_entry_month = static_cast<std::int16_t>(std::max<int>(v.entry_month, -static_cast<int>(stream.uniform() * std::min(parameters.max_tenure_months, 24))));
      v.revenue = static_cast<float>(d.first_revenue * std::exp(0.5 * v.quality));
      v.stage = v.highest_stage = stage_of_kind(carrier.kind);
      v.carrier = static_cast<std::int16_t>(c);
      v.ever_in_base = parameters.in_base;
      state.carriers[c].residents += 1;
      const auto index = static_cast<std::uint32_t>(state.ventures.size());
      state.ventures.push_back(v);
      state.active.push_back(index);
      sink.emit(0, index, EventKind::entry, Stage::outside, Stage::outside, -1);
      sink.emit(0, index, EventKind::admission, Stage::outside, v.stage, static_cast<int>(c));
    }
  }
  return state;
}

void calendar(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  FlowCounters& flows = state.flows;
  std::fill(flows.entries_by_source.begin(), flows.entries_by_source.end(), 0);
  flows.admissions = {};
  flows.graduations = {};
  flows.waiting = {};
  flows.evictions = flows.failures_cash = flows.failures_hazard = flows.registrations = 0;
  flows.rent_subsidy_spending = flows.operator_spending = 0.0;

  std::vector<bool> operator_active(setup.parameters.operators.size(), false);
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    CarrierState& carrier = state.carriers[c];
    if (!carrier.open && context.month >= carrier.opening_month) {
      carrier.open = true;
      context.sink.emit(context.month, no_venture, EventKind::carrier_opened, Stage::outside, Stage::outside, static_cast<int>(c));
    }
    if (carrier.open) operator_active[static_cast<std::size_t>(setup.carriers[c].operator_index)] = true;
  }
  for (std::size_t o = 0; o < operator_active.size(); ++o) {
    if (operator_active[o]) flows.operator_spending += setup.parameters.operators[o].public_cost_per_month;
  }
  // Annual reviews in December.
  const int calendar_month = (setup.start_month - 1 + context.month) % 12 + 1;
  if (calendar_month == 12) certify(state, context);
}

void entry(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const auto month = static_cast<std::uint32_t>(context.month);
  for (std::size_t s = 0; s < setup.parameters.sources.size(); ++s) {
    const SourceParameters& source = setup.parameters.sources[s];
    Stream count_stream = context.key.stream(EntityKind::entry_source, static_cast<std::uint32_t>(s), month, Purpose::entrant_count);
    const std::uint32_t potential = count_stream.poisson(source.potential_per_month * setup.parameters.simulation.potential_scale);
    for (std::uint32_t j = 0; j < potential; ++j) {
      const std::uint32_t k = state.next_potential_entrant++;
      Stream stream = context.key.stream(EntityKind::potential_entrant, k, 0, Purpose::entrant_attributes);
      const double enter = stream.uniform();
      Venture v = draw_venture(setup, source, stream);
      if (enter >= source.entry_probability) continue;
      v.stream_kind = EntityKind::potential_entrant;
      v.stream_id = k;
      v.origin = static_cast<std::uint8_t>(s);
      v.entry_month = static_cast<std::int16_t>(context.month);
      v.stage_entry_month = v.entry_month;
      v.registered = source.registered;
      if (v.registered) v.registration_month = v.entry_month;
      const auto index = static_cast<std::uint32_t>(state.ventures.size());
      state.ventures.push_back(v);
      state.active.push_back(index);
      state.flows.entries_by_source[s] += 1;
      context.sink.emit(context.month, index, EventKind::entry, Stage::outside, Stage::outside, -1);
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
    } else {
      // Outside: the furthest stage not yet reached whose entry criteria it meets and for which
      // an open carrier serves its sector.
      for (int k = carrier_kind_count - 1; k >= static_cast<int>(v.highest_stage); --k) {
        if (!eligible_by_age(v, k)) continue;
        if (k > 0 && !meets_stage_criteria(v, stages[static_cast<std::size_t>(k - 1)])) continue;
        choices = serving(k, v.sector);
        if (choices > 0) {
          kind = k;
          break;
        }
      }
    }
    if (kind < 0 || kind >= carrier_kind_count || choices == 0) continue;
    // One Philox block serves the whole application: two 32-bit uniforms, then the signal's normal.
    Stream stream = venture_stream(context, v, Purpose::application);
    if (!(Stream::uniform32(stream()) < stages[static_cast<std::size_t>(kind)].application_probability)) continue;
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
    const double signal = v.quality + carrier.screening_noise * stream.normal();
    double score = signal;
    if (carrier.objective == SelectionObjective::ability_to_pay) score = std::log1p(std::max(v.cash, 0.0F) / 1e5) + 0.25 * signal;
    if (carrier.objective == SelectionObjective::policy_fit) score = signal + 2.0 * v.technology;
    state.applicants[static_cast<std::size_t>(chosen)].push_back(Applicant{score, signal, index});
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
      carrier_state.applicants_this_month = static_cast<int>(applicants.size());
      for (const Applicant& applicant : applicants) {
        if (carrier_state.residents >= parameters.capacity || applicant.signal < parameters.admission_threshold) {
          state.flows.waiting[static_cast<std::size_t>(kind)] += 1;
          continue;
        }
        Venture& v = state.ventures[applicant.venture];
        const Stage from = v.stage;
        if (v.carrier >= 0) {
          state.flows.graduations[static_cast<std::size_t>(static_cast<int>(v.stage) - 1)] += 1;
          state.cumulative.graduations += 1;
          context.sink.emit(context.month, applicant.venture, EventKind::graduation, from, stage_of_kind(static_cast<CarrierKind>(kind)), v.carrier);
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
        context.sink.emit(context.month, applicant.venture, EventKind::admission, from, v.stage, c, static_cast<float>(applicant.score));
      }
    }
  }
}

void services(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  for (std::uint32_t index : state.active) {
    Venture& v = state.ventures[index];
    double learning = d.skill_learning_outside;
    if (v.carrier >= 0) {
      learning = d.skill_learning_in_carrier * setup.carriers[static_cast<std::size_t>(v.carrier)].service_quality;
    }
    const bool below = v.skill < d.talent_skill_threshold;
    v.skill = static_cast<float>(v.skill + learning * (1.0 - v.skill));
    // Cultivated: the founder's skill crosses the threshold while resident in the base.
    if (below && !v.talent_counted && v.carrier >= 0 && v.skill >= d.talent_skill_threshold &&
        setup.carrier_parameters(v.carrier).in_base) {
      v.talent_counted = true;
      state.cumulative.talents_base += 1;
      context.sink.emit(context.month, index, EventKind::talent_cultivated, v.stage, v.stage, v.carrier);
    }
  }
}

void growth_and_cash(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
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
    const double shock = draws.revenue_shock;
    const double first_sale = draws.first_sale;
    double service_quality = 0.0;
    double rent = 0.0;
    if (v.carrier >= 0) {
      const CarrierParameters& carrier = setup.carrier_parameters(v.carrier);
      service_quality = setup.carriers[static_cast<std::size_t>(v.carrier)].service_quality;
      rent = carrier.rent_per_month * (1.0 - carrier.rent_subsidy_share);
      state.flows.rent_subsidy_spending += carrier.rent_per_month * carrier.rent_subsidy_share;
    }
    double costs = d.other_costs_per_month + rent;
    if (v.registered) {
      if (v.revenue <= 0.0F) {
        // A firm starts selling with a chance that rises with technology and skill.
        if (first_sale < 0.05 + 0.15 * v.technology + 0.1 * v.skill) v.revenue = static_cast<float>(d.first_revenue * std::exp(0.5 * v.quality));
      } else {
        const double growth = d.revenue_growth + d.quality_growth_effect * v.quality + d.skill_growth_effect * v.skill +
                              d.technology_growth_effect * v.technology + d.service_growth_effect * service_quality +
                              setup.parameters.sectors[v.sector].market_growth;
        v.revenue = static_cast<float>(v.revenue * std::exp(growth + volatility * shock - 0.5 * volatility * volatility));
      }
      const double target = 1.0 + v.revenue / d.revenue_per_employee;
      const long change = std::lround(d.headcount_adjustment * (target - v.headcount));
      v.headcount = static_cast<std::uint16_t>(std::clamp<long>(v.headcount + change, 1, 65535));
      costs += v.headcount * d.wage_per_month + d.rd_share * v.revenue;
    }
    v.cash = static_cast<float>(v.cash + v.revenue - costs);
  }
  state.cumulative.public_spending += state.flows.rent_subsidy_spending + state.flows.operator_spending;
}

void innovation(RunState& state, const MonthContext& context) {
  const VentureDynamics& d = context.setup.parameters.dynamics;
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    Venture& v = state.ventures[state.active[i]];
    const double rd_spending = d.rd_share * v.revenue;  // RMB/month
    const double gain = d.technology_learning * v.skill + 0.01 * rd_spending / 1e5;
    v.technology = static_cast<float>(std::min(v.technology + gain * (1.0 - v.technology), 0.999));
    if (v.registered && state.draws[i].patent < d.patent_rate * v.technology && v.patents < 65535) v.patents += 1;
  }
}

void transitions(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  const int month = context.month;
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    const std::uint32_t index = state.active[i];
    Venture& v = state.ventures[index];
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
    if (tenure + 1 >= carrier.max_tenure_months) {
      const Stage from = v.stage;
      const int carrier_index = v.carrier;
      if (v.graduate_ready) {
        state.flows.graduations[static_cast<std::size_t>(kind)] += 1;
        state.cumulative.graduations += 1;
        context.sink.emit(month, index, EventKind::graduation, from, Stage::outside, carrier_index);
      } else {
        state.flows.evictions += 1;
        context.sink.emit(month, index, EventKind::eviction, from, Stage::outside, carrier_index);
      }
      leave_carrier(state, v);
    }
  }
}

void exits(RunState& state, const MonthContext& context) {
  const std::vector<double>& hazard = context.setup.hazard_by_age;
  const int month = context.month;
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    const std::uint32_t index = state.active[i];
    Venture& v = state.ventures[index];
    const double u = state.draws[i].failure;
    EventKind cause;
    if (v.cash < 0.0F) {
      cause = EventKind::failure_cash;
      state.flows.failures_cash += 1;
    } else if (u < hazard[std::min<std::size_t>(static_cast<std::size_t>(std::max(months_since(month, v.entry_month), 0)), hazard.size() - 1)]) {
      cause = EventKind::failure_hazard;
      state.flows.failures_hazard += 1;
    } else {
      continue;
    }
    const Stage from = v.stage;
    const int carrier = v.carrier;
    leave_carrier(state, v);
    v.status = Status::failed;
    state.cumulative.failures += 1;
    context.sink.emit(month, index, cause, from, Stage::outside, carrier);
  }
}

}  // namespace incubsim::model
