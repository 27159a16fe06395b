// The soak driver: runs workers, kills them at random, injects faults
// through strace, collects their acks, then checks the files against them.
#ifndef PERSIST_TEST_SOAK_SOAK_DRIVER_HPP
#define PERSIST_TEST_SOAK_SOAK_DRIVER_HPP

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace soak {

struct driver_options {
    double duration_seconds = 600;
    int workers = 6;
    std::filesystem::path dir;  ///< scratch directory; emptied first
    std::uint64_t seed = 0;
    bool use_strace = true;  ///< wrap the posix_fs workers in strace (if it runs)
    bool keep = false;       ///< keep the scratch directory after a clean run
};

/// What the workers acknowledged, per slot. Sequence numbers start at 1.
struct slot_acks {
    std::vector<std::uint64_t> log;  ///< every acked log record's seq
    std::uint64_t last_global = 0;   ///< last acked settings value, global scope (0: none)
    std::uint64_t last_local = 0;
    std::uint64_t last_replaced = 0;  ///< last acked version of rep-<slot>.json
    std::uint64_t last_state = 0;     ///< last acked counter in state.json
};

struct figures {
    double seconds = 0;
    int workers = 0;
    std::uint64_t processes_started = 0;
    std::uint64_t kills = 0;
    std::uint64_t log_records = 0;  ///< acked appends, per record
    std::uint64_t settings_sets = 0;
    std::uint64_t replaces = 0;  ///< own file and shared file
    std::uint64_t state_updates = 0;
    std::uint64_t in_process_faults = 0;
    std::uint64_t absorbed_faults = 0;  ///< in-process faults under an op that still succeeded
    std::uint64_t strace_workers = 0;
    std::uint64_t strace_faults = 0;
    std::uint64_t errors_seen = 0;
    std::map<std::string, std::uint64_t> errors_by_operation;
    std::map<std::string, std::uint64_t> absorbed_by_fs_op;
    std::uint64_t torn_tails = 0;  ///< quarantine files left by the log's recoveries
    std::uint64_t stale_temps_swept = 0;
    std::uint64_t temps_kept_pid_reused = 0;  ///< their worker's pid belongs to another process now
    std::uint64_t log_records_found = 0;
    std::vector<std::string> violations;
};

/// Everything the driver knows after the run.
struct soak_run {
    std::map<int, slot_acks> acks;
    figures numbers;
};

/// Runs the workers for the duration and checks the files; returns the run.
soak_run run_driver(driver_options const& options);

/// Checks the files in data against the acks; adds to run.numbers.
void check_files(std::filesystem::path const& data, soak_run& run);

}  // namespace soak

#endif
