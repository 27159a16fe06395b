// persist-soak: the crash-and-fault soak test.
//
//   persist-soak [--duration SECONDS] [--workers N] [--dir DIR] [--seed N]
//                [--no-strace] [--keep]
//
// Runs N worker processes that append to one jsonl_log, set settings and
// replace files in DIR/data, while this driver SIGKILLs them at random and
// faults are injected (fault_fs in the odd slots, strace in the even ones).
// Then it checks the files against what the workers acknowledged, prints
// its figures, and exits 1 if there was any violation.
// (`--worker ...` is the mode the driver starts its workers in.)
#include "soak/soak.hpp"
#include "soak/soak_driver.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void usage(std::string const& why) {
    std::cerr << "persist-soak: " << why
              << "\nusage: persist-soak [--duration SECONDS] [--workers N] [--dir DIR]"
                 " [--seed N] [--no-strace] [--keep]\n";
    std::exit(2);
}

void print(soak::figures const& n) {
    std::printf("soak figures\n");
    std::printf("  duration            %.1f s\n", n.seconds);
    std::printf("  workers             %d at a time, %llu processes started\n", n.workers,
                static_cast<unsigned long long>(n.processes_started));
    std::printf(
        "  operations acked    %llu log records, %llu settings sets, %llu state updates, %llu "
        "replaces\n",
        static_cast<unsigned long long>(n.log_records),
        static_cast<unsigned long long>(n.settings_sets),
        static_cast<unsigned long long>(n.state_updates),
        static_cast<unsigned long long>(n.replaces));
    std::printf("  kills (SIGKILL)     %llu\n", static_cast<unsigned long long>(n.kills));
    std::printf("  faults injected     %llu in-process (fault_fs), %llu by strace (%llu workers)\n",
                static_cast<unsigned long long>(n.in_process_faults),
                static_cast<unsigned long long>(n.strace_faults),
                static_cast<unsigned long long>(n.strace_workers));
    std::printf("  faults absorbed     %llu (the operation succeeded anyway):",
                static_cast<unsigned long long>(n.absorbed_faults));
    for (auto const& [op, count] : n.absorbed_by_fs_op) {
        std::printf(" %s %llu;", op.c_str(), static_cast<unsigned long long>(count));
    }
    std::printf("\n  errors seen         %llu (faults injected - absorbed: %lld):",
                static_cast<unsigned long long>(n.errors_seen),
                static_cast<long long>(n.in_process_faults + n.strace_faults - n.absorbed_faults));
    for (auto const& [what, count] : n.errors_by_operation) {
        std::printf(" %s %llu;", what.c_str(), static_cast<unsigned long long>(count));
    }
    std::printf("\n  log records found   %llu\n",
                static_cast<unsigned long long>(n.log_records_found));
    std::printf("  torn tails          %llu quarantined by the log's recovery\n",
                static_cast<unsigned long long>(n.torn_tails));
    std::printf("  stale temps swept   %llu (%llu kept: their pid is another process's now)\n",
                static_cast<unsigned long long>(n.stale_temps_swept),
                static_cast<unsigned long long>(n.temps_kept_pid_reused));
    std::printf("  violations          %zu\n", n.violations.size());
    std::size_t shown = 0;
    for (auto const& v : n.violations) {
        if (++shown > 50) break;
        std::printf("    %s\n", v.c_str());
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    bool worker = false;
    soak::worker_config config;
    soak::driver_options options;
    options.dir =
        std::filesystem::temp_directory_path() / ("persist-soak-" + std::to_string(::getpid()));
    options.seed = static_cast<std::uint64_t>(::getpid()) * 2654435761ULL;
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto const flag = args[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size()) usage(std::string(flag) + " needs a value");
            return std::string(args[++i]);
        };
        if (flag == "--worker")
            worker = true;
        else if (flag == "--fault-fs")
            config.fault_fs = true;
        else if (flag == "--slot")
            config.slot = std::stoi(value());
        else if (flag == "--seq-base")
            config.seq_base = std::stoull(value());
        else if (flag == "--tier") {
            auto t = soak::tier_from_string(value());
            if (!t) usage("unknown tier");
            config.durability = *t;
        } else if (flag == "--dir") {
            options.dir = value();
            config.dir = options.dir;
        } else if (flag == "--seed") {
            options.seed = config.seed = std::stoull(value());
        } else if (flag == "--duration")
            options.duration_seconds = std::stod(value());
        else if (flag == "--workers")
            options.workers = std::stoi(value());
        else if (flag == "--no-strace")
            options.use_strace = false;
        else if (flag == "--keep")
            options.keep = true;
        else
            usage("unknown argument " + std::string(flag));
    }
    if (worker) return soak::run_worker(config);
    if (options.workers < 1 || options.duration_seconds <= 0) usage("nothing to run");

    std::printf("persist-soak: %d workers for %.0f s in %s, seed %llu\n", options.workers,
                options.duration_seconds, options.dir.c_str(),
                static_cast<unsigned long long>(options.seed));
    std::fflush(stdout);
    auto const run = soak::run_driver(options);
    print(run.numbers);
    if (!run.numbers.violations.empty()) {
        std::printf("scratch directory kept: %s\n", options.dir.c_str());
        return 1;
    }
    return 0;
}
