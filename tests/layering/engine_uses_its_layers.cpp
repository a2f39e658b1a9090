// Must compile: the control case. The engine may use the model, the scenario and the io layers,
// so a failure of the cases above comes from the layer rule, not from a broken set-up.
#include "engine/runner.hpp"
#include "io/results_writer.hpp"
#include "model/state.hpp"
#include "scenario/loader.hpp"
