// Planting what a killed writer leaves: temps named as persist names them,
// owned by a process that is gone, with an old mtime.
#ifndef PERSIST_TEST_SUPPORT_STALE_TEMPS_HPP
#define PERSIST_TEST_SUPPORT_STALE_TEMPS_HPP

#include "support/child_process.hpp"

#include <sys/time.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace persist::test {

/// A pid that belonged to a process which has exited (and was reaped).
inline pid_t dead_pid() {
    pid_t const child = fork_flushed();
    if (child == 0) ::_exit(0);
    (void)exit_code_of(child);
    return child;
}

/// The name persist's naming policies give a temp for target, with owner's
/// pid in it.
inline std::string temp_name_for(pid_t owner, std::string_view target = "settings.json") {
    return "." + std::string(target) + ".tmp-" + std::to_string(owner) + "-7-0123456789abcdef";
}

/// Creates p holding "leftover", last modified age_seconds ago.
inline void plant_leftover(std::filesystem::path const& p, int age_seconds = 3600) {
    std::ofstream(p) << "leftover";
    timeval const times[2] = {{::time(nullptr) - age_seconds, 0},
                              {::time(nullptr) - age_seconds, 0}};
    ::utimes(p.c_str(), times);
}

}  // namespace persist::test

#endif
