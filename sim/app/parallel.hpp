#pragma once
// The optional MPI layer (-DINCUBSIM_MPI=ON): `mpirun -n K incubsim sweep ...` gives each rank a
// shard of the runs (TBB threads inside each rank) and rank 0 merges the shards into one file,
// equal to a single-process sweep. Without MPI (or with one rank) these are trivial.

namespace incubsim::app {

// Initialises MPI for the process's lifetime (threads: only the main thread calls MPI).
class ParallelSession {
 public:
  ParallelSession(int& argc, char**& argv);
  ~ParallelSession();
  ParallelSession(const ParallelSession&) = delete;
  ParallelSession& operator=(const ParallelSession&) = delete;
};

int world_rank();  // 0 without MPI
int world_size();  // 1 without MPI
// True when every rank reports ok (a collective: every rank must call it).
bool all_ranks_ok(bool ok);

}  // namespace incubsim::app
