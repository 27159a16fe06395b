// A hand-drawn SVG of a report's bar charts: no plotting dependency.
#ifndef PERSIST_BENCH_SVG_CHART_HPP
#define PERSIST_BENCH_SVG_CHART_HPP

#include "report.hpp"

#include <ostream>
#include <vector>

namespace persist::bench {

/// Writes the charts, one under the other, as one standalone SVG document.
/// The panels of a chart sit side by side and share one y axis scale, so
/// their bars can be compared by eye. Values must be positive on a log scale.
void write_svg(std::vector<bar_chart> const& charts, std::ostream& out);

}  // namespace persist::bench

#endif
