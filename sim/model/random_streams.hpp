#pragma once
// Counter-based random numbers (Random123 Philox4x32-10), the only source of randomness in the
// model. There are no engines with hidden state: every draw is a pure function of
//   key     = (seed, replication)
//   counter = (entity kind, entity id, month, purpose, draw index)
// so a run gives the same numbers whatever thread runs it and in whatever order, and two
// scenarios that ask for the same (entity, month, purpose) get the same numbers (common random
// numbers). Boost.Random distributions sit on top (not std:: ones, which differ between
// standard libraries).
//
// Counter layout (documented in docs/odd.md, "Random numbers"):
//   word 0: entity id ................................. 32 bits (potential entrants: source in
//           bits 28-31, the source's entrant number in bits 0-27)
//   word 1: month (bits 0-15) | purpose (16-23) | entity kind (24-31)
//   word 2: draw block index .......................... 32 bits (4 numbers per block)
//   word 3: always 0 (reserved)
// Lives in model/ (not engine/) because the model's processes draw from it and the model must
// not depend on the engine.

#include <Random123/philox.h>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

namespace incubsim::model {

// Who a stream belongs to. Values are part of the counter layout: never renumber.
enum class EntityKind : std::uint8_t {
  entry_source = 1,       // a source of potential entrants (entity id = source index)
  potential_entrant = 2,  // entity id = global potential-entrant number k
  initial_venture = 3,    // ventures present at the start (entity id = their index)
  carrier = 4,            // entity id = carrier index
  county = 5,             // county-wide draws (entity id 0)
  programme_talent = 6,   // talents brought by talent programmes (entity id = talent number)
};

// What a draw is for. Values are part of the counter layout: never renumber.
enum class Purpose : std::uint8_t {
  entrant_count = 1,       // Poisson count of a source's potential entrants in a month
  entrant_attributes = 2,  // a potential entrant's entry decision and attributes (month 0)
  application = 3,         // whether and where a venture applies, and its admission signal
  monthly = 4,             // a venture's routine draws of the month (MonthlyDraws)
  finance = 5,             // investors' and the guidance fund's view of an applicant
  talent_placement = 6,    // which venture a programme talent joins (county stream)
  construction_delay = 7,  // a planned carrier's delay (carrier stream, month 0)
};

struct CounterWidths {
  static constexpr unsigned entity_id_bits = 32;
  static constexpr unsigned month_bits = 16;
  static constexpr unsigned purpose_bits = 8;
  static constexpr unsigned kind_bits = 8;
  static constexpr unsigned draw_block_bits = 32;
  static constexpr std::uint64_t max_entities = (std::uint64_t{1} << entity_id_bits);
  // Potential entrants are numbered per source so a change to one source's rate leaves every
  // other source's entrants (and their draws) unchanged.
  static constexpr unsigned entrant_number_bits = 28;
  static constexpr std::uint64_t max_entrants_per_source = (std::uint64_t{1} << entrant_number_bits);
  static constexpr std::uint64_t max_months = (std::uint64_t{1} << month_bits);
};

// A uniform random bit generator over one (entity, month, purpose) stream. Cheap to construct
// (a few integer stores); produces 2^34 numbers before its draw index would wrap.
class Stream {
 public:
  using result_type = std::uint32_t;
  using Philox = r123::Philox4x32;

  Stream(std::uint32_t seed, std::uint32_t replication, EntityKind kind, std::uint32_t entity,
         std::uint32_t month, Purpose purpose) noexcept
      : key_{{seed, replication}},
        counter_{{entity,
                  (month & 0xFFFFu) | (std::uint32_t{static_cast<std::uint8_t>(purpose)} << 16) |
                      (std::uint32_t{static_cast<std::uint8_t>(kind)} << 24),
                  0u, 0u}} {}

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  result_type operator()() noexcept {
    if (position_ == 4) {
      block_ = Philox{}(counter_, key_);
      ++counter_.v[2];
      position_ = 0;
    }
    return block_.v[position_++];
  }

  // Uniform on [0, 1) with 53 random bits.
  double uniform() noexcept {
    const std::uint64_t high = (*this)() >> 5;  // 27 bits
    const std::uint64_t low = (*this)() >> 6;   // 26 bits
    return static_cast<double>((high << 26) | low) * 0x1.0p-53;
  }
  bool bernoulli(double probability) noexcept { return uniform() < probability; }
  // Uniform on [0, 1) with 32 random bits: enough resolution for yes/no decisions.
  static double uniform32(std::uint32_t bits) noexcept { return bits * 0x1.0p-32; }
  // Standard Laplace (mean 0, sd 1: scale 1/sqrt(2)) from 32 random bits by inversion: a
  // tent-shaped density with fat tails (|x| reaches about 15 at the extreme bits).
  // In single precision (logf): as exact as 32 input bits allow, and about twice as fast as log.
  static double laplace32(std::uint32_t bits) noexcept {
    constexpr float scale = 0.70710678F;
    if (bits < 0x80000000u) return scale * std::log((static_cast<float>(bits) + 0.5F) * 0x1.0p-31F);
    return -scale * std::log((static_cast<float>(0xFFFFFFFFu - bits) + 0.5F) * 0x1.0p-31F);
  }
  // Out of line on purpose: with a phase per file, GCC inlines the ziggurat into each phase's
  // loop, which runs more instructions than one shared copy (callgrind on bench/large.toml).
  [[gnu::noinline]] double normal(double mean = 0.0, double sd = 1.0) {
    return boost::random::normal_distribution<double>(mean, sd)(*this);
  }
  std::uint32_t poisson(double mean) {
    if (mean <= 0.0) return 0;
    return static_cast<std::uint32_t>(boost::random::poisson_distribution<std::int64_t, double>(mean)(*this));
  }

 private:
  Philox::key_type key_;
  Philox::ctr_type counter_;
  Philox::ctr_type block_{};
  unsigned position_ = 4;
};

// The per-run key and the factory for streams. Plain value; copy freely.
struct RandomKey {
  std::uint32_t seed = 0;
  std::uint32_t replication = 0;

  Stream stream(EntityKind kind, std::uint32_t entity, std::uint32_t month, Purpose purpose) const noexcept {
    return Stream(seed, replication, kind, entity, month, purpose);
  }
};

}  // namespace incubsim::model
