// Every call of a replace fails, one at a time, with every relevant errno,
// on every policy combination: the error names the right stage and cause,
// the target is intact and no temp file is left (see support/fault_sweep.hpp).
#include "support/fault_sweep.hpp"

#include "support/policy_matrix.hpp"

#include <boost/test/unit_test.hpp>

namespace persist::test {
namespace {

using memory_matrix =
    boost::mp11::mp_product<combo, std::tuple<memory_fs>, durability_tiers, naming_policies>;

template <class Combo>
struct swept;
template <class Fs, class Durability, class Naming>
struct swept<combo<Fs, Durability, Naming>> {
    static void sweep(sweep_case const& c) {
        sweep_faults(std::string(Durability::name) + " + " + std::string(Naming::name),
                     faulty_replace_with_policies<Durability, Naming>(), c,
                     std::is_same_v<Naming, temp_dir>);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_fault_sweep)

BOOST_AUTO_TEST_CASE_TEMPLATE(replace_over_an_existing_file, Combo, memory_matrix) {
    swept<Combo>::sweep(existing_file());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(replace_creating_two_parents, Combo, memory_matrix) {
    swept<Combo>::sweep(new_file_in_new_parents());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(replace_keeping_a_backup, Combo, memory_matrix) {
    swept<Combo>::sweep(existing_file_with_backup());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
