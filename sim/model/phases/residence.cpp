#include "model/phases/residence.hpp"

namespace incubsim::model {

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

}  // namespace incubsim::model
