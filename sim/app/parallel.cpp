#include "app/parallel.hpp"

#ifdef INCUBSIM_WITH_MPI
#define OMPI_SKIP_MPICXX 1  // the C API only: no deprecated C++ bindings to link
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace incubsim::app {

#ifdef INCUBSIM_WITH_MPI

ParallelSession::ParallelSession(int& argc, char**& argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
}

ParallelSession::~ParallelSession() { MPI_Finalize(); }

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

bool all_ranks_ok(bool ok) {
  int mine = ok ? 1 : 0;
  int all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return all == 1;
}

#else

ParallelSession::ParallelSession(int& /*argc*/, char**& /*argv*/) {}
ParallelSession::~ParallelSession() = default;
int world_rank() { return 0; }
int world_size() { return 1; }
bool all_ranks_ok(bool ok) { return ok; }

#endif

}  // namespace incubsim::app
