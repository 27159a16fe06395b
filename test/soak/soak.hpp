// The soak test's shared vocabulary: the files the workers write, what a
// worker is told, the content of replaced files, and the ack protocol.
//
// persist-soak runs as the driver (soak_driver.cpp), which re-executes the
// same binary with --worker for each worker process (soak_worker.hpp).
// A worker reports to the driver on file descriptor ack_fd, one line per
// message, each sent with one send(2) on a stream socket (not write(2), so
// that strace's write injections never hit the channel):
//   pid <pid>            first line: the worker's own pid (strace wraps it)
//   log <seq>            a log record (slot, seq) was appended: append() returned OK
//   set <scope> <seq>    settings /w<slot> = seq in scope 'g' or 'l' returned OK
//   sta <seq>            state.json's "w<slot>" = seq: state_file::update returned OK
//   rep <seq>            rep-<slot>.json was replaced with content(slot, seq)
//   shr <seq>            shared.json was replaced with content(slot, seq)
//   err <what>: <msg>    an operation failed
//   inj                  the in-process fault_fs injected one more fault
//   abs <fs_op>          ... and the operation succeeded all the same
//   bad <what>           the worker saw what must never be (a corrupt line
//                        in the log, a quarantined state file): a violation
#ifndef PERSIST_TEST_SOAK_SOAK_HPP
#define PERSIST_TEST_SOAK_SOAK_HPP

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace soak {

inline constexpr int ack_fd = 3;

inline constexpr std::string_view log_name = "log.jsonl";
inline constexpr std::string_view global_settings_name = "settings-global.json";
inline constexpr std::string_view local_settings_name = "settings-local.json";
inline constexpr std::string_view shared_name = "shared.json";
/// A state_file of {"w<slot>": seq} counters, updated by every worker.
inline constexpr std::string_view state_name = "state.json";
/// The file only `slot` replaces.
std::string replaced_name(int slot);

/// The durability tiers, in the order workers are given them by slot.
enum class tier { full_sync, data_sync, file_sync, no_sync };
inline constexpr int tier_count = 4;
std::string_view to_string(tier t);
std::optional<tier> tier_from_string(std::string_view name);

struct worker_config {
    std::filesystem::path dir;
    int slot = 0;
    tier durability = tier::full_sync;
    bool fault_fs = false;  ///< wrap posix_fs in fault_fs with a random fault plan
    /// The worker's sequence numbers start above this; each incarnation of a
    /// slot gets a higher base, so (slot, seq) never repeats.
    std::uint64_t seq_base = 0;
    std::uint64_t seed = 0;
};

/// Runs a worker until SIGTERM; returns the exit status.
int run_worker(worker_config const& config);
int run_posix_worker(worker_config const& config);  // soak_worker_posix.cpp
int run_fault_worker(worker_config const& config);  // soak_worker_fault.cpp

/// The bytes slot writes as version seq of a replaced file: a JSON object
/// whose padding length varies with seq (0 to ~20 KB), so that a file mixing
/// two versions, or cut short, is told apart from every whole version.
std::string replaced_content(int slot, std::uint64_t seq);

/// A whole version of a replaced file, as replaced_content wrote it.
struct replaced_version {
    int slot = 0;
    std::uint64_t seq = 0;
};
/// The version bytes are, if they are exactly one that replaced_content writes.
std::optional<replaced_version> parse_replaced(std::string const& bytes);

}  // namespace soak

#endif
