// A loop whose iterations are independent, spread over the machine's cores (reading a large
// config's flows in parts).
#pragma once

#include <algorithm>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace sluice {

// One thread per core, at least 1 and at most `most`.
inline size_t coresToUse(size_t most) {
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, std::max<size_t>(most, 1));
}

// Calls f(i) for every i in [0, count), in up to `threads` contiguous ranges at once, the
// calling thread taking the first; returns when every call has returned. f must not throw. A
// range whose thread cannot be started is run by the calling thread after its own.
template <typename F>
void parallelFor(size_t count, size_t threads, const F& f) {
  threads = std::max<size_t>(1, std::min(threads, count));
  const auto range = [&](size_t part) {
    for (size_t i = count * part / threads; i < count * (part + 1) / threads; ++i) f(i);
  };
  struct Joined {
    std::vector<std::thread> threads;
    ~Joined() {
      for (auto& t : threads) t.join();
    }
  } started;
  std::vector<size_t> leftOver;
  for (size_t part = 1; part < threads; ++part) {
    try {
      started.threads.emplace_back(range, part);
    } catch (const std::system_error&) {
      leftOver.push_back(part);
    }
  }
  range(0);
  for (size_t part : leftOver) range(part);
}

}  // namespace sluice
