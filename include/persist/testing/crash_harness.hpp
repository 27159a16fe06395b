// The crash-check harness: run a workload on a memory_fs, crash it at
// every point, and check an invariant on every image the crash can leave.
//
//     crash_workload w;
//     w.setup = [](memory_fs& fs) { ... };             // made durable before the steps
//     w.steps = {[](memory_fs& fs) { return af_on(fs).replace(p, "v1").has_value(); }, ...};
//     crash_check check;
//     check.power_loss = [](memory_fs& rebooted, crash_moment const& m) -> std::string { ... };
//     auto report = run_crash_check(w, check);
//     BOOST_TEST(report.violation_count == 0u, report.first_violations());
//
// A crash point is the instant before each call that may change the
// filesystem, and the instant after each step returns. At each one the
// harness takes memory_fs::crash() (power loss) and process_crash() (a
// killed process; during a write also with half of it applied), boots each
// image as a fresh memory_fs, and asks the invariant about it.
//
// REQUIRES: the steps call the filesystem from one thread at a time (the
// crash points are taken on the calling thread, unsynchronized).
//
// Nothing here is a template: workloads and invariants are std::functions,
// so the harness compiles once however many policy combinations use it.
#ifndef PERSIST_TESTING_CRASH_HARNESS_HPP
#define PERSIST_TESTING_CRASH_HARNESS_HPP

#include <persist/testing/memory_fs.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace persist {

/// Where the workload stood when the machine went down.
struct crash_moment {
    std::size_t completed = 0;    ///< steps that had returned
    bool in_step = false;         ///< step `completed` was running
    std::optional<fs_op> before;  ///< the call about to run, if inside a step
    std::vector<bool> succeeded;  ///< for each completed step: did it report success?
    std::size_t point = 0;        ///< the crash point's number, from 0

    /// "during step 2, before rename" or "after step 1 returned OK".
    PERSIST_DECL std::string describe() const;
};

/// An invariant over a rebooted machine: "" if it holds, else why not.
using crash_invariant = std::function<std::string(memory_fs& rebooted, crash_moment const& moment)>;

struct crash_workload {
    /// Builds the state the workload starts from; the harness then makes it
    /// durable (sync_all), so only what the steps do is at risk.
    std::function<void(memory_fs&)> setup;
    /// Each step returns whether it reported success.
    std::vector<std::function<bool(memory_fs&)>> steps;
};

struct crash_check {
    crash_invariant power_loss;     ///< checked on every crash() image; empty: not checked
    crash_invariant process_crash;  ///< checked on every process-crash image; empty: not checked
    crash_options options;          ///< how crash() enumerates
    memory_fs_options fs_options;   ///< the model the workload runs on (and reboots into)
    std::size_t kept_violations = 3;
};

/// One image on which an invariant failed.
struct crash_violation {
    bool power_loss = true;
    crash_moment moment;
    std::string why;
    memory_image image;

    /// The moment, the reason, how the image came about and its tree.
    PERSIST_DECL std::string describe() const;
};

struct crash_report {
    std::size_t crash_points = 0;       ///< distinct states crashed
    std::size_t power_loss_images = 0;  ///< images checked, summed over the crash points
    std::size_t process_images = 0;
    std::size_t distinct_images = 0;  ///< distinct power-loss images over the whole run
    std::size_t violation_count = 0;
    std::vector<crash_violation> violations;  ///< the first check.kept_violations of them
    std::vector<std::uint64_t> seeds;         ///< seeds of the sampled crashes, to replay them
    std::vector<bool> step_results;           ///< what each step reported

    /// "15 crash points, 212 power-loss images (41 distinct), 19 process-crash images".
    PERSIST_DECL std::string summary() const;
    /// The kept violations, described, or "" when there were none.
    PERSIST_DECL std::string first_violations() const;
};

/// Runs the workload once, crashing it at every point; see the top of this
/// file. When more operations are pending than crash_options'
/// exhaustive_limit, crash() samples: the report lists the seeds, and the
/// PERSIST_CRASH_SEED environment variable replays one (unless the check
/// sets a seed itself).
PERSIST_DECL crash_report run_crash_check(crash_workload const& workload, crash_check const& check);

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/testing/impl/crash_harness.ipp>
#endif

#endif
