// Boost.Test checks of the tier promises on crash workloads (see
// replace_crash.hpp for the workloads and invariants).
#ifndef PERSIST_TEST_SUPPORT_REPLACE_CRASH_CHECKS_HPP
#define PERSIST_TEST_SUPPORT_REPLACE_CRASH_CHECKS_HPP

#include "support/replace_crash.hpp"

#include <string_view>

namespace persist::test {

/// Runs the workload under both invariants of a tier, reports the counts
/// with BOOST_TEST_MESSAGE, and checks that nothing was violated.
void check_tier_promise(std::string_view combination, power_loss_promise promise, bool mode_durable,
                        replace_workload const& workload, crash_options const& options = {});

/// Holds a weaker tier to a stronger promise, and checks that a violation
/// is found; shows the first one with BOOST_TEST_MESSAGE.
void expect_broken_promise(std::string_view combination, power_loss_promise promise,
                           bool mode_durable, replace_workload const& workload);

}  // namespace persist::test

#endif
