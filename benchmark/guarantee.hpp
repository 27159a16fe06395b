// The guarantee column: what a durability tier survives.
//
// This is the one place that says where the column comes from. It must come
// from the crash simulator's results, never be typed in by hand.
#ifndef PERSIST_BENCH_GUARANTEE_HPP
#define PERSIST_BENCH_GUARANTEE_HPP

#include <persist/durability/durability_policy.hpp>

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

/// What a tier declares it survives: its Durability::promise. Every tier
/// promises "old or new, whole" after a process crash, from the rename.
constexpr guarantee declared_guarantee(power_loss_promise promise) {
    return {true, promise != power_loss_promise::none, promise == power_loss_promise::durable,
            guarantee_source::declared};
}

/// What Durability survives.
///
/// TODO(memory_fs): once include/persist/fs/memory_fs.hpp and the crash
/// harness (test/support/crash_harness.hpp, replace_crash.hpp on the memfs
/// branch) are on main, make this body the crash simulator's verdict, here
/// and nowhere else:
///   - run the one_replace and three_replaces workloads with
///     replace_with_policies<Durability, sibling_temp>();
///   - process_crash = no violation of process_crash_invariant;
///     power_loss_atomic = none of power_loss_invariant(whole_if_present);
///     power_loss_durable = none of power_loss_invariant(durable);
///     a weaker tier must come out "no" because a violation was found;
///   - source = guarantee_source::crash_checked.
/// persist-bench then needs those two .cpp files in its build (CMake and b2
/// glob only benchmark/*.cpp). The report drops its "(declared; ...)" mark
/// by itself, from `source`.
template <class Durability>
guarantee guarantee_of() {
    return declared_guarantee(Durability::promise);
}

/// How the report labels a guarantee's source.
constexpr std::string_view source_label(guarantee_source source) {
    return source == guarantee_source::crash_checked
               ? "crash-checked by memory_fs"
               : "declared; crash-checked once memory_fs lands";
}

}  // namespace persist::bench

#endif
