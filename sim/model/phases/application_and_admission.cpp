// Phase 3, application and admission (docs/odd.md §7.3): eligible ventures that know of the
// programme apply to one carrier serving their sector; carriers rank their applicants and admit
// up to capacity, later stages first.

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "model/monthly_schedule.hpp"
#include "model/phases/awareness.hpp"
#include "model/phases/residence.hpp"

namespace incubsim::model {
namespace {

// Open carriers of each kind, in carrier order.
using OpenCarriers = std::array<std::vector<int>, carrier_kind_count>;

// The month's open carriers by kind; last month's applicants are cleared.
OpenCarriers open_carriers_by_kind(RunState& state, const ModelSetup& setup) {
  OpenCarriers open_by_kind;
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    state.applicants[c].clear();
    state.carriers[c].applicants_this_month = state.carriers[c].admitted_this_month = 0;
    if (state.carriers[c].open) open_by_kind[static_cast<std::size_t>(setup.carriers[c].kind)].push_back(static_cast<int>(c));
  }
  return open_by_kind;
}

// Eligible ventures that know of the programme apply to one open carrier serving their sector,
// with the carrier's view of them (signal and score); demand nobody serves is counted.
void gather_applications(RunState& state, const MonthContext& context, const OpenCarriers& open_by_kind) {
  const ModelSetup& setup = context.setup;
  const auto& stages = setup.parameters.stages;
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
  // Factory space (a kind with requires_production) takes only ventures that need production space.
  auto admits = [&](const Venture& v, int kind) { return v.production || !stages[static_cast<std::size_t>(kind)].requires_production; };
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
      kind = static_cast<int>(v.stage);  // the next kind after its current stage that takes it
      while (kind < carrier_kind_count && !admits(v, kind)) ++kind;
      if (kind < carrier_kind_count) choices = serving(kind, v.sector);
      if (kind < carrier_kind_count && choices == 0 && count_unserved) unserved(kind);
    } else {
      // Outside: the furthest stage not yet reached whose entry criteria it meets and for which
      // an open carrier serves its sector.
      // Firms recruited from outside start at their source's direct stage without its criteria.
      const int lowest = std::max<int>(static_cast<int>(v.highest_stage), v.direct_stage);
      for (int k = carrier_kind_count - 1; k >= lowest; --k) {
        if (!admits(v, k)) continue;
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
}

// Carriers rank their applicants and admit up to capacity.
void admit_applicants(RunState& state, const MonthContext& context, const OpenCarriers& open_by_kind) {
  const ModelSetup& setup = context.setup;
  const IntegrationParameters& integration = setup.parameters.integration;
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

}  // namespace

void application_and_admission(RunState& state, const MonthContext& context) {
  const OpenCarriers open_by_kind = open_carriers_by_kind(state, context.setup);
  gather_applications(state, context, open_by_kind);
  admit_applicants(state, context, open_by_kind);
}

}  // namespace incubsim::model
