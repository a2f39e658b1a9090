// ThreadSanitizer bridge for Debian's uninstrumented oneTBB (libtbb.so.12, 2021.8).
//
// ThreadSanitizer sees only the synchronisation of instrumented code. libtbb hands tasks from
// thread to thread through its own atomics and spin locks, which it cannot see, so without help
// every parallel_for or parallel_pipeline body that reads data written before the algorithm started
// (or whose results are read after it returned) looks like a data race in *our* code. This library
// restores the happens-before edges that oneTBB guarantees, and only those:
//
//  * ITT collector. oneTBB reports its hand-offs through the ITT API when the calling code is built
//    with TBB_USE_PROFILING_TOOLS=2 (CMakeLists.txt does so for INCUBSIM_SANITIZE=thread) and a
//    collector library is named by INTEL_LIBITTNOTIFY64 (with INTEL_ITTNOTIFY_GROUPS=sync). Here
//    sync_releasing(x) is a release on x, sync_acquired(x) an acquire on x: spawn releases the task,
//    the thread that takes it acquires it; the waiter acquires the wait_context its tasks release.
//  * Interposed entry points (LD_PRELOAD; libtbb calls them through its PLT, so this covers its
//    internal calls too): spawn releases the task; the small-object pool's deallocate releases the
//    block and allocate acquires it (libtbb recycles task memory between threads); parallel_pipeline
//    releases before and acquires after, so the pipeline's stages see what its caller wrote before
//    and the caller sees what they wrote.
//  * One process-wide sync object: the pipeline's serial_in_order stages pass from thread to
//    thread through a spin lock inside libtbb that reports no ITT event on one path, and its
//    wait_context is released inside libtbb. So every ITT event, spawn, deallocate and
//    notify_waiters also releases the global object, and parallel_pipeline acquires it on return.
//
// The price of the global object: two accesses separated in time by a oneTBB hand-off are seen as
// ordered, so TSan reports races between accesses that overlap (which is what a data race looks
// like on 2 cores, again and again) but not every race that could occur in another schedule.
// tests/sanitizers/canary.cpp proves that races in parallel_for and parallel_pipeline bodies are
// still reported with this bridge loaded; scripts/test-tsan.sh checks it on every run.
//
// Built without -fsanitize (a plain shared library): the __tsan_* entry points are weak, so the
// library is inert when preloaded into a process without ThreadSanitizer (python3 running pytest).
#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
void __tsan_acquire(void* addr) __attribute__((weak));
void __tsan_release(void* addr) __attribute__((weak));
}

namespace tbb::detail::d1 {
class task;
class task_group_context;
class small_object_pool;
class execution_data;
class filter_node;
}  // namespace tbb::detail::d1

namespace {

char global_sync;  // the process-wide sync object (see above)

void acquire(void* addr) {
  if (__tsan_acquire != nullptr) __tsan_acquire(addr);
}
void release(void* addr) {
  if (__tsan_release != nullptr) __tsan_release(addr);
}
void release_global() { release(&global_sync); }
void acquire_release_global() {
  acquire(&global_sync);
  release(&global_sync);
}

// The next definition of a mangled libtbb function (the real one, behind this library).
template <class Function>
Function real(const char* name) {
  void* symbol = dlsym(RTLD_NEXT, name);
  if (symbol == nullptr) {
    std::fprintf(stderr, "tbb_tsan_bridge: %s not found in the libraries after this one\n", name);
    std::abort();
  }
  Function function;
  static_assert(sizeof function == sizeof symbol);
  std::memcpy(&function, &symbol, sizeof function);
  return function;
}

}  // namespace

// ITT collector entry points (looked up by name by the ITT loader linked into libtbb).
extern "C" {
__attribute__((visibility("default"))) const char* __itt_api_version() { return "incubsim tbb_tsan_bridge"; }
__attribute__((visibility("default"))) void __itt_sync_releasing(void* addr) {
  release(addr);
  acquire_release_global();
}
__attribute__((visibility("default"))) void __itt_sync_acquired(void* addr) {
  acquire(addr);
  acquire_release_global();
}
__attribute__((visibility("default"))) void __itt_sync_prepare(void*) {}
__attribute__((visibility("default"))) void __itt_sync_cancel(void*) {}
}

// Interposed oneTBB entry points: same signatures as in oneapi/tbb/detail/*.h.
namespace tbb::detail::r1 {
using namespace tbb::detail;

__attribute__((visibility("default"))) void spawn(d1::task& task, d1::task_group_context& context) {
  static const auto next = real<void (*)(d1::task&, d1::task_group_context&)>(
      "_ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextE");
  release(&task);
  acquire_release_global();
  next(task, context);
}

__attribute__((visibility("default"))) void notify_waiters(std::uintptr_t wait_context) {
  static const auto next = real<void (*)(std::uintptr_t)>("_ZN3tbb6detail2r114notify_waitersEm");
  release_global();
  next(wait_context);
}

__attribute__((visibility("default"))) void parallel_pipeline(d1::task_group_context& context, std::size_t max_tokens,
                                                              const d1::filter_node& filters) {
  static const auto next = real<void (*)(d1::task_group_context&, std::size_t, const d1::filter_node&)>(
      "_ZN3tbb6detail2r117parallel_pipelineERNS0_2d118task_group_contextEmRKNS2_11filter_nodeE");
  release_global();
  next(context, max_tokens, filters);
  acquire(&global_sync);
}

__attribute__((visibility("default"))) void* allocate(d1::small_object_pool*& pool, std::size_t size) {
  static const auto next = real<void* (*)(d1::small_object_pool*&, std::size_t)>(
      "_ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEm");
  void* block = next(pool, size);
  acquire(block);
  return block;
}

__attribute__((visibility("default"))) void* allocate(d1::small_object_pool*& pool, std::size_t size,
                                                      const d1::execution_data& data) {
  static const auto next = real<void* (*)(d1::small_object_pool*&, std::size_t, const d1::execution_data&)>(
      "_ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEmRKNS2_14execution_dataE");
  void* block = next(pool, size, data);
  acquire(block);
  return block;
}

__attribute__((visibility("default"))) void deallocate(d1::small_object_pool& pool, void* block, std::size_t size,
                                                       const d1::execution_data& data) {
  static const auto next = real<void (*)(d1::small_object_pool&, void*, std::size_t, const d1::execution_data&)>(
      "_ZN3tbb6detail2r110deallocateERNS0_2d117small_object_poolEPvmRKNS2_14execution_dataE");
  release(block);
  release_global();
  next(pool, block, size, data);
}

__attribute__((visibility("default"))) void deallocate(d1::small_object_pool& pool, void* block, std::size_t size) {
  static const auto next = real<void (*)(d1::small_object_pool&, void*, std::size_t)>(
      "_ZN3tbb6detail2r110deallocateERNS0_2d117small_object_poolEPvm");
  release(block);
  release_global();
  next(pool, block, size);
}

}  // namespace tbb::detail::r1
