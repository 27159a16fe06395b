// Crash checks of atomic_file::replace: workloads of replaces, and the
// invariant of each durability tier from the table in README, "Durability
// guarantees". No Boost.Test here: persist-bench compiles this (and links
// persist::testing) to derive its guarantee column; the Boost.Test checks
// are in replace_crash_checks.hpp.
#ifndef PERSIST_TEST_SUPPORT_REPLACE_CRASH_HPP
#define PERSIST_TEST_SUPPORT_REPLACE_CRASH_HPP

#include <persist/testing/crash_harness.hpp>

#include <persist/atomic_file.hpp>
#include <persist/durability/durability_policy.hpp>
#include <persist/durability/file_sync.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/naming/temp_dir.hpp>

#include <optional>
#include <type_traits>

namespace persist::test {

/// The temp directory of every crash workload, on the memory_fs.
inline std::filesystem::path const crash_temp_root = "/tmp";

/// Replaces target's content on fs; true if replace() reported success.
using replace_function = std::function<bool(memory_fs& fs, std::filesystem::path const& target,
                                            std::string const& content)>;

/// replace() through atomic_file<memory_fs, Durability, Naming>, whose
/// temp_dir (if that is the naming) is crash_temp_root.
template <class Durability, class Naming>
replace_function replace_with_policies() {
    return [](memory_fs& fs, std::filesystem::path const& target, std::string const& content) {
        Naming naming = [] {
            if constexpr (std::is_same_v<Naming, temp_dir>)
                return temp_dir(crash_temp_root);
            else
                return Naming{};
        }();
        atomic_file<memory_fs, Durability, Naming> af(fs, {}, naming);
        return af.replace(target, content).has_value();
    };
}

/// Whether a tier makes the file's mode durable with its content.
template <class Durability>
inline constexpr bool mode_is_durable =
    std::is_same_v<Durability, file_sync> || std::is_same_v<Durability, full_sync>;

/// What a workload of replaces writes to one file: versions[0] is what was
/// there before (empty: no file), versions[k] what step k writes.
struct replace_history {
    std::filesystem::path target;
    std::vector<std::optional<std::string>> versions;
    mode_t mode = 0644;  ///< every version's mode
};

struct replace_workload {
    std::string name;
    crash_workload workload;
    replace_history history;
};

/// One replace over an existing file.
replace_workload one_replace(replace_function const& replace);
/// Three replaces of one existing file in a row.
replace_workload three_replaces(replace_function const& replace);
/// `count` replaces of one existing file in a row: enough of them leave
/// more than 12 operations pending, so crash() samples.
replace_workload many_replaces(replace_function const& replace, std::size_t count);
/// One replace of a new file whose two parent directories are missing.
replace_workload replace_creating_parents(replace_function const& replace);

/// The promise as an invariant over power-loss images. A step that
/// reported an error must have changed nothing: its version never counts.
/// - none: nothing;
/// - whole_if_present: if the target resolves, it holds, whole, the
///   version before the workload, one a successful step wrote, or the
///   running step's;
/// - durable: between steps, exactly the last successful step's version
///   (or the one before the workload); during a step, that or its own.
/// With mode_durable, a present target also has the expected mode.
crash_invariant power_loss_invariant(power_loss_promise promise, bool mode_durable,
                                     replace_history history);

/// Every tier, after a process crash: like `durable` above, and the mode
/// is right too.
crash_invariant process_crash_invariant(replace_history history);

/// What a replace survives, as the crash checker finds it: each field is
/// true when no image of the workloads broke that promise.
struct crash_verdict {
    bool process_crash = false;       ///< process_crash_invariant held
    bool power_loss_atomic = false;   ///< power_loss_invariant(whole_if_present) held
    bool power_loss_durable = false;  ///< power_loss_invariant(durable, with the mode) held
    std::size_t crash_points = 0;     ///< summed over the workloads and runs
    std::size_t images = 0;           ///< power-loss and process-crash images checked
};

/// Crashes one_replace and three_replaces of `replace` at every point and
/// says which promises held. Steps that report an error count as a broken
/// promise too: the verdict is about replaces that work.
crash_verdict judge_replace(replace_function const& replace, crash_options const& options = {});

}  // namespace persist::test

#endif
