#include "model/phases/loans.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace incubsim;

namespace {

// A setup with a bank that lends 100,000 over 10 months to firms with 5,000 revenue a month.
model::ModelSetup bank(double guarantee_share) {
  model::ModelSetup setup;
  setup.parameters.finance.loan_amount = 100000.0;
  setup.parameters.finance.loan_term_months = 10;
  setup.parameters.finance.loan_min_revenue = 5000.0;
  setup.parameters.finance.loan_guarantee_share = guarantee_share;
  return setup;
}

}  // namespace

TEST_CASE("A bank loan: granted once, repaid in equal instalments, the guarantee pays on default", "[model]") {
  const model::ModelSetup setup = bank(0.5);
  std::vector<model::EventRecord> events;
  model::EventSink sink;
  sink.events = &events;
  const model::MonthContext context{setup, model::RandomKey{1, 0}, 3, sink};
  model::RunState state;
  state.ventures.resize(1);
  model::Venture& v = state.ventures[0];
  v.revenue = 4000.0F;  // too little outside a carrier
  CHECK_FALSE(model::grant_bank_loan(state, context, 0, v));
  v.carrier = 0;  // a resident needs half as much with the public guarantee
  REQUIRE(model::grant_bank_loan(state, context, 0, v));
  CHECK(v.loan_balance == 100000.0F);
  CHECK(v.cash == 100000.0F);
  CHECK(state.flows.loans == 1);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == static_cast<std::uint8_t>(model::EventKind::loan));
  CHECK_FALSE(model::grant_bank_loan(state, context, 0, v));  // one loan at a time

  double costs = 0.0;
  model::pay_loan_instalment(state.flows, setup.parameters.finance, v, costs);
  CHECK(costs == Approx(10000.0));
  CHECK(v.loan_months_left == 9);
  CHECK(v.loan_balance == Approx(90000.0));
  CHECK(state.flows.loan_interest_paid == 0.0);  // rate 0: no interest

  model::default_on_loan(state.flows, setup.parameters.finance, v);
  CHECK(state.flows.guarantee_spending == Approx(45000.0));
}

TEST_CASE("A firm without a loan pays no instalment", "[model]") {
  model::Venture v;
  model::FlowCounters flows;
  model::FinanceParameters finance;
  finance.loan_interest_rate = 0.1;
  double costs = 1234.0;
  model::pay_loan_instalment(flows, finance, v, costs);
  CHECK(costs == 1234.0);
  CHECK(flows.loan_interest_paid == 0.0);
}

TEST_CASE("Loan interest: balance x rate / 12 on the balance before the instalment, on top of it", "[model]") {
  const double rate = 0.06;
  model::ModelSetup setup = bank(0.0);
  setup.parameters.finance.loan_interest_rate = rate;
  model::RunState state;
  state.ventures.resize(1);
  model::Venture& v = state.ventures[0];
  v.loan_balance = 100000.0F;
  v.loan_months_left = 10;
  v.cash = 50000.0F;
  const double balance = v.loan_balance;
  double costs = 0.0;
  model::pay_loan_instalment(state.flows, setup.parameters.finance, v, costs);
  const double interest = balance * rate / 12.0;  // 500
  CHECK(state.flows.loan_interest_paid == Approx(interest));
  CHECK(state.flows.loan_interest_paid == Approx(500.0));
  CHECK(costs == Approx(10000.0 + interest));  // instalment + interest
  CHECK(v.loan_balance == Approx(90000.0));     // interest does not reduce the principal
  // Cash (growth_and_cash: cash + revenue - costs) falls by instalment + interest.
  v.cash = static_cast<float>(v.cash - costs);
  CHECK(v.cash == Approx(50000.0 - 10000.0 - 500.0));
  // The next month's interest is on the smaller balance.
  costs = 0.0;
  model::pay_loan_instalment(state.flows, setup.parameters.finance, v, costs);
  CHECK(costs == Approx(10000.0 + 90000.0 * rate / 12.0));
  CHECK(state.flows.loan_interest_paid == Approx(500.0 + 450.0));
}
