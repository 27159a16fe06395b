// The benchmark's working directory, and facts about the machine.
#include "environment.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <system_error>
#include <thread>

namespace persist::bench {

work_directory::work_directory(std::filesystem::path const& base) {
    std::string pattern = (base / "persist-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(),
                                "cannot create a directory in '" + base.string() + "'");
    }
    path_ = pattern;
}

work_directory::~work_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string filesystem_type(std::filesystem::path const& p) {
    struct ::statfs info {};
    if (::statfs(p.c_str(), &info) != 0) return "unknown";
    switch (static_cast<unsigned long>(info.f_type)) {
        case 0xEF53: return "ext4";  // ext2/3/4 share the magic number
        case 0x58465342: return "xfs";
        case 0x9123683E: return "btrfs";
        case 0x01021994: return "tmpfs";
        case 0x794C7630: return "overlayfs";
        case 0x2FC12FC1: return "zfs";
        case 0xF2F52010: return "f2fs";
        default: break;
    }
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(info.f_type));
    return hex;
}

bool same_device(std::filesystem::path const& a, std::filesystem::path const& b) {
    struct ::stat sa {};
    struct ::stat sb {};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev;
}

double load_average() {
    double load = -1;
    if (std::FILE* file = std::fopen("/proc/loadavg", "re")) {
        if (std::fscanf(file, "%lf", &load) != 1) load = -1;
        std::fclose(file);
    }
    return load;
}

namespace {

/// The process's scheduling class: a real-time class or a nice value
/// changes how long a woken benchmark waits for the CPU on a busy machine.
std::string scheduling() {
    int const policy = ::sched_getscheduler(0);
    if (policy == SCHED_FIFO || policy == SCHED_RR) {
        sched_param param{};
        ::sched_getparam(0, &param);
        return std::string(policy == SCHED_FIFO ? "SCHED_FIFO " : "SCHED_RR ") +
               std::to_string(param.sched_priority);
    }
    errno = 0;
    int const nice = ::getpriority(PRIO_PROCESS, 0);
    if (errno == 0 && nice != 0) return "nice " + std::to_string(nice);
    return "normal";
}

}  // namespace

void describe_machine(run_facts& run, std::filesystem::path const& p) {
    run.scheduling = scheduling();
    struct ::utsname name {};
    run.kernel = "unknown";
    if (::uname(&name) == 0)
        run.kernel = std::string(name.sysname) + " " + name.release + " " + name.machine;
    run.cores = std::thread::hardware_concurrency();
    run.filesystem = filesystem_type(p);
    run.load_before = load_average();
    std::time_t const now = std::time(nullptr);
    char started[32];
    std::strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    run.started = started;
}

}  // namespace persist::bench
