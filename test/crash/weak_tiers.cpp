// A checker that cannot fail proves nothing: the weaker tiers, held to a
// stronger tier's promise, must be caught breaking it, with the image that
// shows how.
#include "support/replace_crash_checks.hpp"

#include "support/policy_matrix.hpp"

#include <boost/test/unit_test.hpp>

namespace persist::test {
namespace {

using weak_matrix =
    boost::mp11::mp_product<combo, std::tuple<memory_fs>, std::tuple<no_sync, data_sync, file_sync>,
                            naming_policies>;

template <class Combo>
struct weak_tier;
template <class Fs, class Durability, class Naming>
struct weak_tier<combo<Fs, Durability, Naming>> {
    static std::string name() {
        return std::string(Durability::name) + " + " + std::string(Naming::name);
    }
    static replace_function replace() { return replace_with_policies<Durability, Naming>(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_weak_tiers)

BOOST_AUTO_TEST_CASE_TEMPLATE(break_full_syncs_promise, Combo, weak_matrix) {
    using t = weak_tier<Combo>;
    expect_broken_promise(t::name() + " held to full_sync", power_loss_promise::durable, true,
                          one_replace(t::replace()));
}

BOOST_AUTO_TEST_CASE(no_sync_breaks_data_syncs_promise) {
    expect_broken_promise("no_sync + sibling_temp held to data_sync",
                          power_loss_promise::whole_if_present, false,
                          one_replace(replace_with_policies<no_sync, sibling_temp>()));
}

BOOST_AUTO_TEST_CASE(data_sync_breaks_file_syncs_promise) {
    expect_broken_promise("data_sync + sibling_temp held to file_sync",
                          power_loss_promise::whole_if_present, true,
                          one_replace(replace_with_policies<data_sync, sibling_temp>()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
