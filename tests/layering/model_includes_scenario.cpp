// Must not compile: the model gets its parameters as structs, never from the scenario layer.
#include "scenario/loader.hpp"
