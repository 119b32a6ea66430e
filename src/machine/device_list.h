// The devices of a machine, in the order they joined it (kvmtool's init
// lists): each with its name, its timer and its counters, so that the monitor
// runs every timer and --verbose prints every counter without naming a device.
// join() attaches a device to the port bus and takes whatever of timer() and
// print_stats() it has; own() also keeps the device itself, for devices that
// nothing else names.
#pragma once

#include <concepts>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "vm/bus.h"
#include "vm/clock.h"

namespace pxos {

class DeviceList {
 public:
  struct Entry {
    std::string name;
    TimerCallback timer;                          // empty: none
    std::function<void(std::ostream&)> counters;  // empty: none
  };

  explicit DeviceList(PortBus& ports) : ports_(ports) {}

  template <class D>
  D& join(std::string name, D& d) {
    if constexpr (requires { d.attach(ports_); }) d.attach(ports_);
    Entry e{std::move(name), {}, {}};
    if constexpr (requires { { d.timer() } -> std::convertible_to<TimerCallback>; }) e.timer = d.timer();
    if constexpr (requires(std::ostream& os) { d.print_stats(os); })
      e.counters = [&d](std::ostream& os) { d.print_stats(os); };
    entries_.push_back(std::move(e));
    return d;
  }
  template <class D>
  D& own(std::string name, std::unique_ptr<D> d) {
    D& ref = *d;
    owned_.push_back(std::shared_ptr<void>(std::move(d)));
    return join(std::move(name), ref);
  }
  // A timer that is no device's (the BIOS's wait).
  void add_timer(std::string name, TimerCallback t) { entries_.push_back({std::move(name), std::move(t), {}}); }

  // Runs every timer; the earliest next event (kNoEvent: none).
  uint64_t run_timers(uint64_t now_ns) {
    uint64_t next = kNoEvent;
    for (Entry& e : entries_)
      if (e.timer) next = std::min(next, e.timer(now_ns));
    return next;
  }
  void print_counters(std::ostream& os) const {
    for (const Entry& e : entries_)
      if (e.counters) e.counters(os);
  }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  PortBus& ports_;
  std::vector<Entry> entries_;
  std::vector<std::shared_ptr<void>> owned_;
};

}  // namespace pxos
