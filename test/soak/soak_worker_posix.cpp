// Soak workers on plain posix_fs: the driver may wrap them in strace, which
// injects faults into their system calls from outside.
#include "soak/soak_worker.hpp"

#include <persist/fs/posix_fs.hpp>

namespace soak {

int run_posix_worker(worker_config const& config) {
    return work_in_tier(config, persist::posix_fs{}, [](bool) {});
}

}  // namespace soak
