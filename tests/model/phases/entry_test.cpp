#include "model/phases/entry.hpp"

#include <catch2/catch.hpp>

using namespace incubsim;

TEST_CASE("start_up_probability: zero-cost entry raises every source's chance, never above 1", "[model]") {
  model::PolicyParameters policy;
  policy.zero_cost_entry_boost = 0.3;
  model::SourceParameters source;
  source.entry_probability = 0.5;
  policy.zero_cost_entry = false;
  CHECK(model::start_up_probability(policy, source) == 0.5);
  policy.zero_cost_entry = true;
  CHECK(model::start_up_probability(policy, source) == Approx(0.65));
  source.entry_probability = 0.9;
  CHECK(model::start_up_probability(policy, source) == 1.0);
}
