// The soak driver's process management: start workers (some under strace
// with a random injection plan), read their acks, SIGKILL them at random,
// restart them, and stop them all at the end.
#include "soak/soak_driver.hpp"

#include "soak/soak.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace soak {

namespace {

using clock_type = std::chrono::steady_clock;

/// One strace injection plan: syscalls, the errno they fail with, and how
/// far into the run the first failure comes (startup's own calls come first).
struct strace_plan {
    std::string_view syscalls;
    std::string_view error;
    std::uint64_t first_at_least;
};
// AddressSanitizer probes memory with write(2)s to a pipe of its own, and an
// injected write error there fails a CHECK inside the sanitizer, which kills
// the worker outside persist's code. So a sanitizer build leaves write
// faults to the fault_fs workers, which inject them above the system call.
constexpr std::array strace_plans = {
    strace_plan{"fsync,fdatasync", "EIO", 1},
#if !defined(__SANITIZE_ADDRESS__)
    strace_plan{"write", "ENOSPC", 1},
    strace_plan{"write", "EIO", 1},
#endif
    strace_plan{"rename,renameat,renameat2", "EIO", 1},
    strace_plan{"openat", "EACCES", 60},
    strace_plan{"flock", "ENOLCK", 1},
    strace_plan{"pread64", "EIO", 10},  // a log's tail check; the loader reads libc with two
};

struct worker_process {
    int slot = 0;
    pid_t child = -1;   ///< what the driver forked: the worker, or strace around it
    pid_t worker = -1;  ///< the worker's own pid, once it said so
    int channel = -1;
    std::string buffer;
    bool killed = false;
    bool stopping = false;
    bool told_to_stop = false;
    std::filesystem::path strace_output;  ///< empty: not under strace
};

bool strace_runs() {
    std::fflush(nullptr);
    pid_t const pid = ::fork();
    if (pid == 0) {
        int const null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::execlp("strace", "strace", "-qq", "-o", "/dev/null", "true", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    return pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

std::uint64_t count_injections(std::filesystem::path const& strace_output) {
    std::ifstream in(strace_output);
    std::uint64_t count = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.find("(INJECTED)") != std::string::npos) ++count;
    }
    return count;
}

class driver {
public:
    explicit driver(driver_options const& options)
        : options_(options), random_(options.seed), data_(options.dir / "data") {
        self_ = std::filesystem::read_symlink("/proc/self/exe");
        std::filesystem::remove_all(options.dir);
        std::filesystem::create_directories(data_);
        std::filesystem::create_directories(options.dir / "strace");
        strace_ = options.use_strace && strace_runs();
        if (options.use_strace && !strace_)
            std::puts("soak: strace does not run here; no strace faults");
        run_.numbers.workers = options.workers;
    }

    soak_run run() {
        auto const start = clock_type::now();
        auto const end = start + std::chrono::duration_cast<clock_type::duration>(
                                     std::chrono::duration<double>(options_.duration_seconds));
        for (int slot = 0; slot < options_.workers; ++slot)
            processes_.push_back(start_worker(slot));
        auto next_kill = clock_type::now() + kill_interval();
        while (clock_type::now() < end) {
            pump(std::min(next_kill, end));
            if (clock_type::now() >= next_kill) {
                kill_one();
                next_kill = clock_type::now() + kill_interval();
            }
        }
        stop_all();
        run_.numbers.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
        check_files(data_, run_);
        if (run_.numbers.violations.empty() && !options_.keep) {
            std::filesystem::remove_all(options_.dir);
        }
        return std::move(run_);
    }

private:
    clock_type::duration kill_interval() { return std::chrono::milliseconds(50 + random_() % 950); }

    worker_process start_worker(int slot) {
        auto const incarnation = ++run_.numbers.processes_started;
        auto const durability = static_cast<tier>((slot + incarnation) % tier_count);
        bool const fault_fs = slot % 2 == 1;
        worker_process process;
        process.slot = slot;
        std::vector<std::string> args;
        if (!fault_fs && strace_) {
            process.strace_output =
                options_.dir / "strace" / ("worker-" + std::to_string(incarnation) + ".txt");
            auto const& plan = strace_plans[random_() % strace_plans.size()];
            auto const first = plan.first_at_least + random_() % 100;
            auto const every = 20 + random_() % 200;
            auto const injection = std::string(plan.syscalls) +
                                   ":error=" + std::string(plan.error) +
                                   ":when=" + std::to_string(first) + "+" + std::to_string(every);
            // LeakSanitizer refuses to run under ptrace: in a sanitizer
            // build it would fail every traced worker's exit.
            auto const* asan_options = std::getenv("ASAN_OPTIONS");
            auto const no_leak_check =
                "ASAN_OPTIONS=" + std::string(asan_options ? asan_options : "") + ":detect_leaks=0";
            args = {"strace", "-f", "-qq", "-Z", "-e", "signal=none", "-E", no_leak_check};
            args.insert(args.end(), {"-o", process.strace_output.string()});
            args.insert(args.end(), {"-e", "trace=" + std::string(plan.syscalls)});
            args.insert(args.end(), {"-e", "inject=" + injection});
            ++run_.numbers.strace_workers;
        }
        args.insert(args.end(), {self_.string(), "--worker", "--dir", data_.string(), "--slot",
                                 std::to_string(slot), "--tier", std::string(to_string(durability)),
                                 "--seq-base", std::to_string(incarnation << 32), "--seed",
                                 std::to_string(random_())});
        if (fault_fs) args.push_back("--fault-fs");

        std::array<int, 2> ends{};
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends.data()) != 0) {
            throw std::system_error(errno, std::generic_category(), "socketpair");
        }
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        std::fflush(nullptr);
        pid_t const pid = ::fork();
        if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
        if (pid == 0) {
            if (ends[1] == ack_fd) {
                ::fcntl(ack_fd, F_SETFD, 0);
            } else {
                ::dup2(ends[1], ack_fd);
            }
            ::execvp(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(ends[1]);
        ::fcntl(ends[0], F_SETFL, O_NONBLOCK);
        process.child = pid;
        process.channel = ends[0];
        return process;
    }

    /// Reads acks and reaps exits until deadline.
    void pump(clock_type::time_point deadline) {
        std::vector<pollfd> fds;
        for (auto const& p : processes_)
            fds.push_back(pollfd{p.channel, POLLIN, 0});
        auto const wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
        ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<long>(wait.count(), 0, 50)));
        for (auto& p : processes_)
            read_channel(p);
        reap();
    }

    /// Reads what the channel holds; returns false at end of file.
    bool read_channel(worker_process& p) {
        std::array<char, 65536> chunk{};
        for (;;) {
            auto const got = ::read(p.channel, chunk.data(), chunk.size());
            if (got == 0) return false;
            if (got < 0) return errno == EINTR || errno == EAGAIN;
            p.buffer.append(chunk.data(), static_cast<std::size_t>(got));
            std::size_t begin = 0;
            for (auto nl = p.buffer.find('\n'); nl != std::string::npos;
                 nl = p.buffer.find('\n', begin)) {
                handle_line(p, std::string_view(p.buffer).substr(begin, nl - begin));
                begin = nl + 1;
            }
            p.buffer.erase(0, begin);
        }
    }

    void handle_line(worker_process& p, std::string_view line) {
        auto const space = line.find(' ');
        auto const kind = line.substr(0, space);
        auto const rest =
            space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
        auto number = [](std::string_view text) -> std::uint64_t {
            return std::stoull(std::string(text));
        };
        auto& acks = run_.acks[p.slot];
        auto& n = run_.numbers;
        if (kind == "pid") {
            p.worker = static_cast<pid_t>(number(rest));
        } else if (kind == "log") {
            acks.log.push_back(number(rest));
            ++n.log_records;
        } else if (kind == "set") {
            auto& last = rest.substr(0, 1) == "g" ? acks.last_global : acks.last_local;
            last = std::max(last, number(rest.substr(2)));
            ++n.settings_sets;
        } else if (kind == "rep" || kind == "shr") {
            if (kind == "rep") acks.last_replaced = std::max(acks.last_replaced, number(rest));
            ++n.replaces;
        } else if (kind == "sta") {
            acks.last_state = std::max(acks.last_state, number(rest));
            ++n.state_updates;
        } else if (kind == "bad") {
            n.violations.push_back("slot " + std::to_string(p.slot) + ": " + std::string(rest));
        } else if (kind == "err") {
            ++n.errors_seen;
            ++n.errors_by_operation[std::string(rest.substr(0, rest.find(':')))];
        } else if (kind == "inj") {
            ++n.in_process_faults;
        } else if (kind == "abs") {
            ++n.absorbed_faults;
            ++n.absorbed_by_fs_op[std::string(rest)];
        } else {
            n.violations.push_back("slot " + std::to_string(p.slot) + " sent '" +
                                   std::string(line) + "'");
        }
    }

    void reap() {
        int status = 0;
        for (pid_t pid; (pid = ::waitpid(-1, &status, WNOHANG)) > 0;) {
            auto found = std::find_if(processes_.begin(), processes_.end(),
                                      [&](worker_process const& p) { return p.child == pid; });
            if (found == processes_.end()) continue;
            auto process = std::move(*found);
            processes_.erase(found);
            finish(process, status);
            if (!process.stopping) processes_.push_back(start_worker(process.slot));
        }
    }

    void finish(worker_process& p, int status) {
        // The writers are gone: the rest is in the socket, up to its end.
        for (int tries = 0; read_channel(p) && tries < 1000; ++tries)
            ::poll(nullptr, 0, 1);
        ::close(p.channel);
        if (!p.strace_output.empty()) {
            run_.numbers.strace_faults += count_injections(p.strace_output);
            std::filesystem::remove(p.strace_output);
        }
        bool const expected = (p.killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
                              (p.stopping && WIFEXITED(status) && WEXITSTATUS(status) == 0);
        if (!expected) {
            std::ostringstream what;
            what << "slot " << p.slot << " (pid " << p.worker << ") ended unexpectedly: ";
            if (WIFEXITED(status)) what << "exit status " << WEXITSTATUS(status);
            if (WIFSIGNALED(status)) what << "signal " << WTERMSIG(status);
            run_.numbers.violations.push_back(what.str());
        }
    }

    void kill_one() {
        std::vector<worker_process*> candidates;
        for (auto& p : processes_) {
            if (p.worker > 0 && !p.killed) candidates.push_back(&p);
        }
        if (candidates.empty()) return;
        auto* victim = candidates[random_() % candidates.size()];
        victim->killed = true;
        if (signal_worker(*victim, SIGKILL)) ++run_.numbers.kills;
    }

    /// Sends sig to p's worker, unless its pid may belong to another
    /// process now: a worker under strace is strace's child, reaped by
    /// strace as soon as it exits, so its pid is ours only while its parent
    /// is still the strace we started.
    static bool signal_worker(worker_process const& p, int sig) {
        if (!p.strace_output.empty()) {
            std::ifstream stat("/proc/" + std::to_string(p.worker) + "/stat");
            std::string line;
            std::getline(stat, line);
            auto const after_name = line.rfind(')');
            if (after_name == std::string::npos) return false;
            std::istringstream fields(line.substr(after_name + 1));
            char state = 0;
            pid_t parent = -1;
            fields >> state >> parent;
            if (parent != p.child) return false;
        }
        return ::kill(p.worker, sig) == 0;
    }

    void stop_all() {
        for (auto& p : processes_)
            p.stopping = true;
        while (!processes_.empty()) {
            for (auto& p : processes_) {
                if (p.worker > 0 && !p.killed && !p.told_to_stop) {
                    p.told_to_stop = true;
                    (void)signal_worker(p, SIGTERM);
                }
            }
            pump(clock_type::now() + std::chrono::milliseconds(50));
        }
    }

    driver_options options_;
    std::mt19937_64 random_;
    std::filesystem::path data_;
    std::filesystem::path self_;
    bool strace_ = false;
    std::vector<worker_process> processes_;
    soak_run run_;
};

}  // namespace

soak_run run_driver(driver_options const& options) { return driver(options).run(); }

}  // namespace soak
