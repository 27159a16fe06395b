// Every durability tier keeps its promise (README, "Durability guarantees"):
// each policy combination on memory_fs, crashed (power loss and process
// crash) at every point of three workloads, with the tier's invariant
// checked on every image.
#include "support/replace_crash_checks.hpp"

#include "support/policy_matrix.hpp"

#include <boost/test/unit_test.hpp>

namespace persist::test {
namespace {

using memory_matrix =
    boost::mp11::mp_product<combo, std::tuple<memory_fs>, durability_tiers, naming_policies>;

template <class Combo>
struct tier_of;
template <class Fs, class Durability, class Naming>
struct tier_of<combo<Fs, Durability, Naming>> {
    static std::string name() {
        return std::string(Durability::name) + " + " + std::string(Naming::name);
    }
    static replace_function replace() { return replace_with_policies<Durability, Naming>(); }
    static constexpr power_loss_promise promise = Durability::promise;
    static constexpr bool mode_durable = mode_is_durable<Durability>;
};

template <class Combo>
void check(replace_workload (*make)(replace_function const&)) {
    using t = tier_of<Combo>;
    check_tier_promise(t::name(), t::promise, t::mode_durable, make(t::replace()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_tier_promises)

BOOST_AUTO_TEST_CASE_TEMPLATE(one_replace_over_an_existing_file, Combo, memory_matrix) {
    check<Combo>(one_replace);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(three_replaces_in_a_row, Combo, memory_matrix) {
    check<Combo>(three_replaces);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(a_replace_creating_two_parents, Combo, memory_matrix) {
    check<Combo>(replace_creating_parents);
}

BOOST_AUTO_TEST_CASE(sampled_crashes_past_twelve_pending_operations) {
    // data_sync leaves three operations pending per replace (create, mode,
    // rename): five replaces go past the exhaustive limit and are sampled.
    check_tier_promise("data_sync + sibling_temp", data_sync::promise, false,
                       many_replaces(replace_with_policies<data_sync, sibling_temp>(), 5));
    check_tier_promise("no_sync + anonymous_temp", no_sync::promise, false,
                       many_replaces(replace_with_policies<no_sync, anonymous_temp>(), 5));
    check_tier_promise("full_sync + temp_dir", full_sync::promise, true,
                       many_replaces(replace_with_policies<full_sync, temp_dir>(), 5));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
