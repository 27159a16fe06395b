// Which calls a durability tier makes around the rename, recorded with
// counting_fs over the real filesystem.
#ifndef PERSIST_TEST_SUPPORT_TIER_TRACE_HPP
#define PERSIST_TEST_SUPPORT_TIER_TRACE_HPP

#include "support/policy_matrix.hpp"

#include <persist/testing/counting_fs.hpp>

#include <algorithm>
#include <ostream>
#include <vector>

namespace persist {

/// For Boost.Test's failure messages: the operation's name.
inline std::ostream& operator<<(std::ostream& out, fs_op op) { return out << fs_op_name(op); }

}  // namespace persist

namespace persist::test {

/// The calls of one replace over an existing file (or, with new_parents, of
/// a replace that creates root/a/b first), through Tier and Naming.
template <class Tier, class Naming>
std::vector<fs_op> trace_replace(bool new_parents = false) {
    fs_environment<counting_fs<>> env;
    atomic_file<counting_fs<>, Tier, Naming> af(env.fs, {}, make_naming<Naming>(env));
    auto const target = new_parents ? env.root() / "a" / "b" / "file" : env.root() / "file";
    if (!new_parents) af.replace(target, "old").value();
    env.fs.reset();
    af.replace(target, "new").value();
    return env.fs.calls();
}

inline std::size_t count_of(std::vector<fs_op> const& calls, fs_op op) {
    return static_cast<std::size_t>(std::count(calls.begin(), calls.end(), op));
}

/// Index of the first call of op, or calls.size() if there is none.
inline std::size_t first_of(std::vector<fs_op> const& calls, fs_op op) {
    return static_cast<std::size_t>(std::find(calls.begin(), calls.end(), op) - calls.begin());
}

/// Index of the last call of op, or calls.size() if there is none.
inline std::size_t last_of(std::vector<fs_op> const& calls, fs_op op) {
    auto const found = std::find(calls.rbegin(), calls.rend(), op);
    return found == calls.rend() ? calls.size()
                                 : static_cast<std::size_t>(calls.rend() - found - 1);
}

using every_naming = naming_policies;

}  // namespace persist::test

#endif
