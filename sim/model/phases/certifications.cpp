// Certifications (docs/odd.md §7.12), each December in the calendar phase.

#include <algorithm>

#include "model/phases/calendar.hpp"

namespace incubsim::model {

// Technology-based SME and high-tech enterprise evaluations (sources.md §E7, §E8).
void certify(RunState& state, const MonthContext& context) {
  const VentureDynamics& d = context.setup.parameters.dynamics;
  const int month = context.month;
  for (std::uint32_t index : state.active) {
    Venture& v = state.ventures[index];
    if (!v.registered) continue;
    const double annual_revenue = 12.0 * v.revenue;
    // R&D intensity the high-tech rule asks for falls with size (5% / 4% / 3%).
    const double rd_needed = annual_revenue <= 50e6 ? 0.05 : annual_revenue <= 200e6 ? 0.04 : 0.03;
    const double product_share = std::min(1.0, v.high_tech_product_share + 0.5 * (v.technology - 0.5));
    const bool high_tech_due = v.high_tech_until <= month;  // never certified, or expiring this month
    if (high_tech_due && month - v.registration_month >= 12 && v.patents >= d.high_tech_min_patents &&
        v.technology >= d.high_tech_min_technology && v.st_staff_share >= d.high_tech_min_st_staff_share &&
        v.rd_intensity >= rd_needed && product_share >= d.high_tech_min_product_share) {
      v.high_tech_until = static_cast<std::int16_t>(month + d.high_tech_validity_months);
      if (!v.ever_high_tech) {
        v.ever_high_tech = true;
        state.cumulative.high_tech += 1;
        if (v.ever_in_base) state.cumulative.high_tech_base += 1;
        context.sink.emit(month, index, EventKind::high_tech_certified, v.stage, v.stage, v.carrier);
      }
    }
    // Tech-SME: small, and a score of staff, R&D and IP points; high-tech firms qualify directly.
    const bool small = v.headcount <= 500 && annual_revenue <= 200e6;
    const double score = std::min(20.0, 20.0 * v.st_staff_share / 0.3) + std::min(50.0, 50.0 * v.rd_intensity / 0.06) +
                         (v.patents > 0 ? 30.0 : 30.0 * v.technology);
    if (small && (score >= d.tech_sme_min_score || month <= v.high_tech_until)) {
      v.tech_sme_until = static_cast<std::int16_t>(month + 12);
      if (!v.ever_tech_sme) {
        v.ever_tech_sme = true;
        state.cumulative.tech_sme += 1;
        if (v.ever_in_base) state.cumulative.tech_sme_base += 1;
        context.sink.emit(month, index, EventKind::tech_sme_certified, v.stage, v.stage, v.carrier);
      }
    }
  }
}

}  // namespace incubsim::model
