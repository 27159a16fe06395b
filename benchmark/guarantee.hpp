// The guarantee column: what a durability tier survives.
//
// This is the one place that says where the column comes from: the crash
// simulator's results (test/support/replace_crash.hpp on memory_fs), never
// typed in by hand.
#ifndef PERSIST_BENCH_GUARANTEE_HPP
#define PERSIST_BENCH_GUARANTEE_HPP

#include "support/replace_crash.hpp"

#include <persist/durability/durability_policy.hpp>
#include <persist/naming/sibling_temp.hpp>

#include <string_view>

namespace persist::bench {

/// Where a guarantee comes from.
enum class guarantee_source {
    declared,       ///< the tier's own Durability::promise, not yet checked
    crash_checked,  ///< memory_fs crashed the tier at every crash point
};

/// What survives, after each kind of failure, a replace that returned OK.
struct guarantee {
    bool process_crash = false;       ///< the target is old or new, whole
    bool power_loss_atomic = false;   ///< if the name resolves, the content is whole
    bool power_loss_durable = false;  ///< the new content survives, whole
    guarantee_source source = guarantee_source::declared;
};

/// What a replace through `replace` survives, from the crash checker's
/// verdict on its workloads (guarantee.cpp).
guarantee crash_checked_guarantee(test::replace_function const& replace);

/// What Durability survives: atomic_file<memory_fs, Durability,
/// sibling_temp> crashed at every point of one replace and of three in a
/// row, each tier's invariant checked on every image. A field is "yes" only
/// if no image broke it, so a weaker tier comes out "no". Checked once per
/// tier and process.
template <class Durability>
guarantee guarantee_of() {
    static guarantee const checked =
        crash_checked_guarantee(test::replace_with_policies<Durability, sibling_temp>());
    return checked;
}

/// How the report labels a guarantee's source.
constexpr std::string_view source_label(guarantee_source source) {
    return source == guarantee_source::crash_checked
               ? "crash-checked by memory_fs"
               : "declared; not yet crash-checked by memory_fs";
}

}  // namespace persist::bench

#endif
