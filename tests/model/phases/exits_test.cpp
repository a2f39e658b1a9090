#include "model/phases/exits.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace incubsim;

namespace {

model::VentureDynamics hazard(double alpha, double beta, double multiplier = 1.0) {
  model::VentureDynamics d;
  d.hazard_scale_months = alpha;
  d.hazard_shape = beta;
  d.hazard_multiplier = multiplier;
  return d;
}

}  // namespace

TEST_CASE("monthly_hazard: log-logistic with shape 1 halves survival at the scale", "[model]") {
  const auto d = hazard(60.0, 1.0);
  double survival = 1.0;
  for (int t = 0; t < 60; ++t) survival *= 1.0 - model::monthly_hazard(d, t);
  CHECK(survival == Approx(0.5).margin(1e-9));  // S(60) = 1 / (1 + 60/60)
  for (int t = 60; t < 120; ++t) survival *= 1.0 - model::monthly_hazard(d, t);
  CHECK(survival == Approx(1.0 / 3.0).margin(1e-9));  // S(120) = 1 / (1 + 2)
  CHECK(model::monthly_hazard(d, 0.0) == Approx(1.0 / 61.0).epsilon(1e-12));
  // Shape 1: the monthly hazard falls with age.
  for (int t = 0; t < 300; ++t) CHECK(model::monthly_hazard(d, t + 1) < model::monthly_hazard(d, t));
  // Negative ages (ventures founded before the start are never negative, but be safe) count as 0.
  CHECK(model::monthly_hazard(d, -5.0) == model::monthly_hazard(d, 0.0));
}

TEST_CASE("monthly_hazard: shape above 1 rises then falls", "[model]") {
  const auto d = hazard(60.0, 3.0);
  std::vector<double> p;
  for (int t = 0; t <= 400; ++t) p.push_back(model::monthly_hazard(d, t));
  std::size_t peak = 0;
  for (std::size_t t = 1; t < p.size(); ++t)
    if (p[t] > p[peak]) peak = t;
  // The continuous hazard of a log-logistic peaks at alpha (beta-1)^(1/beta) = 75.6 months.
  CHECK(peak > 60);
  CHECK(peak < 90);
  for (std::size_t t = 0; t < peak; ++t) CHECK(p[t] < p[t + 1]);
  for (std::size_t t = peak; t + 1 < p.size(); ++t) CHECK(p[t] > p[t + 1]);
  // Shape below 1 falls from the start.
  const auto falling = hazard(60.0, 0.7);
  for (int t = 0; t < 100; ++t) CHECK(model::monthly_hazard(falling, t + 1) < model::monthly_hazard(falling, t));
}

TEST_CASE("monthly_hazard: the multiplier scales the curve and the result stays a probability", "[model]") {
  const auto one = hazard(90.0, 2.0, 1.0);
  const auto scaled = hazard(90.0, 2.0, 2.5);
  for (double t : {0.0, 6.0, 24.0, 90.0, 200.0}) {
    CHECK(model::monthly_hazard(scaled, t) == Approx(2.5 * model::monthly_hazard(one, t)).epsilon(1e-12));
    CHECK(model::monthly_hazard(hazard(90.0, 2.0, 0.0), t) == 0.0);
  }
  // A huge multiplier is clamped to 1.
  const auto extreme = hazard(1.0, 1.0, 100.0);
  CHECK(model::monthly_hazard(extreme, 1.0) == 1.0);
  for (double t = 0; t < 50; t += 1) {
    const double p = model::monthly_hazard(hazard(5.0, 4.0, 3.0), t);
    CHECK(p >= 0.0);
    CHECK(p <= 1.0);
  }
}
