// Where the benchmark runs: its working directory and the machine under it.
#ifndef PERSIST_BENCH_ENVIRONMENT_HPP
#define PERSIST_BENCH_ENVIRONMENT_HPP

#include "report.hpp"

#include <filesystem>
#include <string>

namespace persist::bench {

/// A fresh directory `persist-bench-XXXXXX` under base, removed with all it
/// holds on destruction.
///
/// Errors: the constructor throws std::system_error if base is missing or the
/// directory cannot be created.
class work_directory {
public:
    explicit work_directory(std::filesystem::path const& base);
    work_directory(work_directory const&) = delete;
    work_directory& operator=(work_directory const&) = delete;
    ~work_directory();

    std::filesystem::path const& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

/// The name of the filesystem that holds p ("ext4", "tmpfs", ...), from
/// statfs(2), or its magic number in hex if it is not one persist knows.
std::string filesystem_type(std::filesystem::path const& p);

/// Whether a and b are on the same device (st_dev), so a rename between
/// them cannot fail with EXDEV.
bool same_device(std::filesystem::path const& a, std::filesystem::path const& b);

/// The 1-minute load average (/proc/loadavg), or a negative value if unknown.
double load_average();

/// Fills in the machine's cores, kernel and the filesystem under p, the
/// start time and the current load average.
void describe_machine(run_facts& run, std::filesystem::path const& p);

}  // namespace persist::bench

#endif
