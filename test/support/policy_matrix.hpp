// The policy matrix: every Fs model x every durability tier x every naming
// policy, as a type list for BOOST_AUTO_TEST_CASE_TEMPLATE.
#ifndef PERSIST_TEST_SUPPORT_POLICY_MATRIX_HPP
#define PERSIST_TEST_SUPPORT_POLICY_MATRIX_HPP

#include "support/fs_environment.hpp"

#include <persist/atomic_file.hpp>
#include <persist/durability/data_sync.hpp>
#include <persist/durability/file_sync.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/naming/anonymous_temp.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/naming/temp_dir.hpp>

#include <boost/mp11/algorithm.hpp>

#include <tuple>

namespace persist::test {

/// Every Fs model that has an fs_environment. Adding a model here grows
/// every matrix test by itself.
using fs_models = std::tuple<posix_fs, memory_fs, fault_fs<memory_fs>>;
using durability_tiers = std::tuple<no_sync, data_sync, file_sync, full_sync>;
using naming_policies = std::tuple<sibling_temp, anonymous_temp, temp_dir>;

/// One cell of the matrix. Its name is what Boost.Test prints.
template <class Fs, class Durability, class Naming>
struct combo {
    using fs_type = Fs;
    using atomic_file_type = atomic_file<Fs, Durability, Naming>;
};

using policy_matrix = boost::mp11::mp_product<combo, fs_models, durability_tiers, naming_policies>;

/// The matrix for the stores' contract tests: posix_fs and memory_fs only.
/// fault_fs<memory_fs> with no fault armed is memory_fs by construction (it
/// forwards every call), so its cells would run the memory_fs cells again at
/// the cost of compiling every store once more per tier and naming. Stores
/// under faults are covered by their own fault and crash suites;
/// atomic_file, the core, keeps the full policy_matrix.
using store_fs_models = std::tuple<posix_fs, memory_fs>;
using store_matrix =
    boost::mp11::mp_product<combo, store_fs_models, durability_tiers, naming_policies>;

/// The naming policy N for an environment: temp_dir uses env.temp_root(),
/// so its rename stays on one device.
template <class N, class Env>
N make_naming(Env const& env) {
    if constexpr (std::is_same_v<N, temp_dir>) {
        return temp_dir(env.temp_root());
    } else {
        (void)env;
        return N{};
    }
}

/// An environment and an atomic_file of the combo's type that lives in it.
template <class Combo>
struct matrix_fixture {
    using atomic_file_type = typename Combo::atomic_file_type;
    using naming_type = typename atomic_file_type::naming_type;

    fs_environment<typename Combo::fs_type> env;

    atomic_file_type make(atomic_file_options options = {}) {
        return atomic_file_type(env.fs, options, make_naming<naming_type>(env));
    }
};

}  // namespace persist::test

#endif
