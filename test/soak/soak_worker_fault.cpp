// Soak workers on fault_fs<posix_fs>: a random plan fails one call at a
// time in-process, and is re-armed once it has fired.
#include "soak/soak_worker.hpp"

#include <persist/fs/posix_fs.hpp>
#include <persist/testing/fault_fs.hpp>

#include <array>
#include <cerrno>
#include <string>

namespace soak {

namespace {

using persist::fs_op;

// The calls a store operation makes on the way to success; each may fail.
// clang-format off
constexpr std::array faultable = {
    fs_op::open_read, fs_op::create_exclusive, fs_op::open_append, fs_op::write, fs_op::read,
    fs_op::read_at,   fs_op::truncate,         fs_op::sync_data,   fs_op::sync_full,
    fs_op::close,     fs_op::rename,           fs_op::unlink,      fs_op::sync_directory,
    fs_op::stat,      fs_op::lstat,            fs_op::stat_handle, fs_op::set_mode,
    fs_op::list_directory,                     fs_op::lock,
};
// clang-format on
constexpr std::array codes = {EIO, ENOSPC, EDQUOT, EACCES};

/// Keeps one random fault armed: a new one once the last has fired, or
/// after 50 operations in which it did not.
class fault_plan {
public:
    fault_plan(persist::fault_fs<persist::posix_fs> fs, std::uint64_t seed)
        : fs_(std::move(fs)), random_(seed) {
        arm();
    }

    void after_op(bool ok) {
        auto const injected = fs_.injected();
        if (injected != injected_) {
            for (; injected_ < injected; ++injected_)
                detail::send_line("inj");
            // The op succeeded over an injected failure: the store retried,
            // or the failed call did not matter (cleanup after success).
            if (ok) detail::send_line("abs " + std::string(persist::fs_op_name(armed_)));
            arm();
        } else if (++idle_ > 50) {
            arm();
        }
    }

private:
    void arm() {
        fs_.disarm();
        armed_ = faultable[random_() % faultable.size()];
        auto const nth = 1 + random_() % 40;
        auto const code = codes[random_() % codes.size()];
        fs_.arm(persist::fault{armed_, nth, persist::errno_code(code), false});
        idle_ = 0;
    }

    persist::fault_fs<persist::posix_fs> fs_;
    std::mt19937_64 random_;
    fs_op armed_ = fs_op::write;
    std::size_t injected_ = 0;
    int idle_ = 0;
};

}  // namespace

int run_fault_worker(worker_config const& config) {
    persist::fault_fs<persist::posix_fs> fs;
    fault_plan plan(fs, config.seed ^ 0x9e3779b97f4a7c15ULL);
    return work_in_tier(config, fs, [&](bool ok) { plan.after_op(ok); });
}

}  // namespace soak
