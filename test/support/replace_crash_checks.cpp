// Boost.Test checks of the tier promises (see replace_crash_checks.hpp).
#include "support/replace_crash_checks.hpp"

#include <boost/test/unit_test.hpp>

namespace persist::test {

void check_tier_promise(std::string_view combination, power_loss_promise promise, bool mode_durable,
                        replace_workload const& workload, crash_options const& options) {
    crash_check check;
    check.power_loss = power_loss_invariant(promise, mode_durable, workload.history);
    check.process_crash = process_crash_invariant(workload.history);
    check.options = options;
    auto const report = run_crash_check(workload.workload, check);
    BOOST_TEST_MESSAGE(combination << ", " << workload.name << ": " << report.summary());
    BOOST_TEST((report.step_results == std::vector<bool>(workload.workload.steps.size(), true)));
    BOOST_TEST(report.crash_points >= workload.workload.steps.size() * 3);
    BOOST_TEST(report.violation_count == 0u, combination << ", " << workload.name << ": "
                                                         << report.summary() << "\n"
                                                         << report.first_violations());
}

void expect_broken_promise(std::string_view combination, power_loss_promise promise,
                           bool mode_durable, replace_workload const& workload) {
    crash_check check;
    check.power_loss = power_loss_invariant(promise, mode_durable, workload.history);
    check.kept_violations = 1;
    auto const report = run_crash_check(workload.workload, check);
    BOOST_TEST(report.violation_count > 0u,
               combination << " passed for a stronger tier: the checker cannot fail ("
                           << report.summary() << ")");
    if (!report.violations.empty()) {
        BOOST_TEST_MESSAGE(combination << ", " << workload.name << ": " << report.violation_count
                                       << " of " << report.power_loss_images
                                       << " images break the promise, e.g. "
                                       << report.violations.front().describe());
    }
}

}  // namespace persist::test
