// Runs one-off parallel work (measuring the machine, generating random weights) on a thread that exits
// when the work is done. Why: libgomp keeps an idle worker pool for every thread that ever opened a
// parallel region, and once it manages more threads than there are cores it stops spinning at
// barriers; every parallel region then pays futex wake-ups, which halved decode speed on 2 cores when
// the caller's thread kept a pool beside the engine's. A pool dies with its thread, so work run here
// leaves no pool behind. The engine's own steps always run on its one thread.
#pragma once
#include <exception>
#include <thread>

namespace nemotron {

template <class Fn>
void on_one_off_thread(Fn&& fn) {
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace nemotron
