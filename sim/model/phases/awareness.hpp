#pragma once
// Whether a venture knows of programmes and investors: applications (phase 3) and finance
// (phase 6) both ask.

#include <algorithm>

#include "model/parameters.hpp"

namespace incubsim::model {

// Monthly chance that a venture knows of programmes and investors (Internet+ raises it).
inline double awareness(const PolicyParameters& policy) {
  const double base = policy.awareness_without_internet_plus;
  return std::min(1.0, policy.internet_plus ? base * (1.0 + policy.internet_plus_awareness) : base);
}

}  // namespace incubsim::model
