// Pictures of drivers and of benchmark results.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pxi/format.h"

namespace pxos::pxi {

// `pxos pxi render`: the op grid scaled up, op types coloured, line changes and
// invalid ops marked, a legend with the histogram below. scale 0 = automatic.
// Draws at most kRenderMaxOps ops (the legend says when it stopped).
inline constexpr uint64_t kRenderMaxOps = 1u << 20;
std::vector<uint8_t> render_png(const Program& p, int scale = 0);

// A log-log line plot, one line per series.
struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), both > 0
};
std::vector<uint8_t> plot_png(const std::string& title, const std::string& x_label, const std::string& y_label,
                              const std::vector<Series>& series);

}  // namespace pxos::pxi
