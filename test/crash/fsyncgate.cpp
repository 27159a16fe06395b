// fsyncgate (PostgreSQL, 2018): after a failed fsync the kernel may have
// dropped the dirty data and the next fsync reports success. persist must
// never report success once an fsync failed. Three replaces run on
// memory_fs; the second one's file sync fails under fault_fs's fsyncgate
// mode. It must fail, and at every crash point the tier's promise must
// hold with that version never counted. A tier that retries the fsync is
// caught losing the data.
#include "support/fault_sweep.hpp"
#include "support/replace_crash.hpp"

#include "support/policy_matrix.hpp"

#include <boost/test/unit_test.hpp>

namespace persist::test {
namespace {

using syncing_matrix =
    boost::mp11::mp_product<combo, std::tuple<memory_fs>,
                            std::tuple<data_sync, file_sync, full_sync>, naming_policies>;

/// Wrong on purpose: retries a failed file sync, which "succeeds" over
/// data the kernel has dropped.
struct retrying_full_sync {
    static constexpr std::string_view name = "retrying_full_sync";
    static constexpr power_loss_promise promise = power_loss_promise::durable;

    template <class Fs>
    static io_result<void> sync_file(Fs& fs, typename Fs::handle h) {
        if (auto synced = fs.sync_full(h); synced) return synced;
        return fs.sync_full(h);
    }
    template <class Fs>
    static io_result<void> sync_directory(Fs& fs, std::filesystem::path const& dir) {
        return fs.sync_directory(dir);
    }
};

/// Three replaces through `replace`; the second one's file sync fails.
crash_report run_with_fsyncgate(faulty_replace const& replace, fs_op sync_op,
                                power_loss_promise promise, bool mode_durable,
                                std::vector<std::string>& errors) {
    auto step = std::make_shared<int>(0);
    auto workload = three_replaces([=, &errors](memory_fs& fs, std::filesystem::path const& target,
                                                std::string const& content) {
        faulty_fs faulty(fs);
        bool const doomed = ++*step == 2;
        if (doomed) faulty.arm_fsyncgate(sync_op);
        auto const replaced = replace(faulty, {}, target, content);
        if (doomed && replaced.has_error())
            errors.push_back(std::string(to_string(replaced.error().stage())) + ": " +
                             replaced.error().code().message());
        return replaced.has_value();
    });
    crash_check check;
    check.power_loss = power_loss_invariant(promise, mode_durable, workload.history);
    check.process_crash = process_crash_invariant(workload.history);
    check.kept_violations = 1;
    return run_crash_check(workload.workload, check);
}

template <class Combo>
struct fsyncgate_case;
template <class Fs, class Durability, class Naming>
struct fsyncgate_case<combo<Fs, Durability, Naming>> {
    static void run() {
        auto const name = std::string(Durability::name) + " + " + std::string(Naming::name);
        auto const sync_op =
            std::is_same_v<Durability, data_sync> ? fs_op::sync_data : fs_op::sync_full;
        std::vector<std::string> errors;
        auto const report =
            run_with_fsyncgate(faulty_replace_with_policies<Durability, Naming>(), sync_op,
                               Durability::promise, mode_is_durable<Durability>, errors);
        BOOST_TEST_MESSAGE(name << ", fsyncgate in the second of three replaces: "
                                << report.summary());
        BOOST_TEST((report.step_results == std::vector{true, false, true}));
        BOOST_TEST((errors == std::vector<std::string>{"sync_temp: " + errno_code(EIO).message()}));
        BOOST_TEST(report.violation_count == 0u, name << ": " << report.first_violations());
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_fsyncgate)

BOOST_AUTO_TEST_CASE_TEMPLATE(a_failed_fsync_is_never_reported_as_success, Combo, syncing_matrix) {
    fsyncgate_case<Combo>::run();
}

BOOST_AUTO_TEST_CASE(a_tier_that_retries_the_fsync_is_caught) {
    static_assert(durability_policy<retrying_full_sync, faulty_fs>);
    std::vector<std::string> errors;
    auto const report =
        run_with_fsyncgate(faulty_replace_with_policies<retrying_full_sync, sibling_temp>(),
                           fs_op::sync_full, power_loss_promise::durable, true, errors);
    BOOST_TEST((report.step_results == std::vector{true, true, true}));  // the lie
    BOOST_TEST(report.violation_count > 0u, "a retried fsync went unnoticed: " << report.summary());
    if (!report.violations.empty()) {
        BOOST_TEST_MESSAGE("retrying_full_sync + sibling_temp: "
                           << report.violation_count << " images lose acknowledged data, e.g. "
                           << report.violations.front().describe());
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
