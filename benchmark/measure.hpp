// Timing: batches of operations, latency samples and their statistics; and
// the small helpers every section's setup shares.
#ifndef PERSIST_BENCH_MEASURE_HPP
#define PERSIST_BENCH_MEASURE_HPP

#include <persist/error.hpp>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace persist::bench {

using bench_clock = std::chrono::steady_clock;

/// Seconds since `start`, as a double.
inline double seconds_since(bench_clock::time_point start) {
    return std::chrono::duration<double>(bench_clock::now() - start).count();
}

/// CPU time this thread has used, in microseconds: user and kernel, but not
/// time spent waiting for the disk or for a turn on a busy CPU.
inline double thread_cpu_us() {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

/// One batch: the latency of each operation, in microseconds, and the CPU
/// time the whole batch used.
struct batch {
    std::vector<double> latencies_us;
    double cpu_us = 0;

    double total_us() const {
        double total = 0;
        for (double const l : latencies_us)
            total += l;
        return total;
    }
    /// The cost of one operation: total time / operations.
    double mean_us() const {
        return latencies_us.empty() ? 0 : total_us() / static_cast<double>(latencies_us.size());
    }
    double cpu_per_op_us() const {
        return latencies_us.empty() ? 0 : cpu_us / static_cast<double>(latencies_us.size());
    }
};

/// How long a batch may run: `operations` calls, cut short once it has taken
/// `time_limit_s` (a disk that suddenly slows down must not blow the budget).
struct batch_size {
    std::size_t operations = 1;
    double time_limit_s = 1.0;
};

/// Calls op() up to size.operations times and times each call.
/// REQUIRES: op is callable with no arguments; it throws to report failure.
template <class Op>
batch run_batch(Op&& op, batch_size size) {
    batch result;
    result.latencies_us.reserve(size.operations);
    auto const cpu_start = thread_cpu_us();
    auto const start = bench_clock::now();
    for (std::size_t i = 0; i < size.operations; ++i) {
        auto const before = bench_clock::now();
        op();
        auto const after = bench_clock::now();
        result.latencies_us.push_back(
            std::chrono::duration<double, std::micro>(after - before).count());
        if (std::chrono::duration<double>(after - start).count() > size.time_limit_s) break;
    }
    result.cpu_us = thread_cpu_us() - cpu_start;
    return result;
}

/// Calls first() and second() in alternation, first, second, first, ...,
/// up to size.operations times each, and times each call: drift of the
/// machine, even a burst of other work lasting a few milliseconds, then hits
/// both alike. Returns one batch for each. Each batch's CPU time also holds
/// half the cost of reading the CPU clock between the calls.
/// REQUIRES: both are callable with no arguments; they throw to report failure.
template <class First, class Second>
std::pair<batch, batch> run_alternating(First&& first, Second&& second, batch_size size) {
    std::pair<batch, batch> result;
    result.first.latencies_us.reserve(size.operations);
    result.second.latencies_us.reserve(size.operations);
    auto timed = [](auto& op, batch& into, double& cpu_mark) {
        auto const before = bench_clock::now();
        op();
        auto const after = bench_clock::now();
        into.latencies_us.push_back(
            std::chrono::duration<double, std::micro>(after - before).count());
        double const cpu_now = thread_cpu_us();
        into.cpu_us += cpu_now - cpu_mark;
        cpu_mark = cpu_now;
        return after;
    };
    double cpu_mark = thread_cpu_us();
    auto const start = bench_clock::now();
    for (std::size_t i = 0; i < size.operations; ++i) {
        timed(first, result.first, cpu_mark);
        auto const after = timed(second, result.second, cpu_mark);
        if (std::chrono::duration<double>(after - start).count() > size.time_limit_s) break;
    }
    return result;
}

/// The q-quantile (0 <= q <= 1) of values, by the nearest-rank method.
/// REQUIRES: values is not empty.
inline double quantile(std::vector<double> values, double q) {
    auto const rank = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank),
                     values.end());
    return values[rank];
}

inline double median(std::vector<double> values) { return quantile(std::move(values), 0.5); }

/// Rounds of first() against second(), alternating op by op; second goes
/// first in odd rounds, so neither side always follows the other.
/// round_ratios holds, per round, first's p50 latency over second's.
struct paired_rounds {
    std::vector<double> first_us;   ///< every latency of first, all rounds
    std::vector<double> second_us;  ///< every latency of second, all rounds
    std::vector<double> round_ratios;
};

/// Runs `rounds` rounds of run_alternating(first, second, size), calling
/// before_round(round) before each (for progress, and to stop on Ctrl-C).
template <class First, class Second, class BeforeRound>
paired_rounds run_paired_rounds(First&& first, Second&& second, int rounds, batch_size size,
                                BeforeRound&& before_round) {
    paired_rounds result;
    for (int round = 0; round < rounds; ++round) {
        before_round(round);
        std::pair<batch, batch> ab;
        if (round % 2 == 0) {
            ab = run_alternating(first, second, size);
        } else {
            auto ba = run_alternating(second, first, size);
            ab = {std::move(ba.second), std::move(ba.first)};
        }
        auto const& [a, b] = ab;
        result.round_ratios.push_back(median(a.latencies_us) / median(b.latencies_us));
        result.first_us.insert(result.first_us.end(), a.latencies_us.begin(), a.latencies_us.end());
        result.second_us.insert(result.second_us.end(), b.latencies_us.begin(),
                                b.latencies_us.end());
    }
    return result;
}

/// Stops the benchmark (with the library's message) if a measured or setup
/// operation failed.
inline void require(result<void> const& r) {
    if (!r) throw std::runtime_error(r.error().message());
}

/// The bytes of the file at path, as a section hands them to its bare
/// replace baseline.
inline std::string file_bytes(std::filesystem::path const& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

/// Every latency sample of one measured stream, over all its rounds.
struct latency_summary {
    std::size_t operations = 0;
    double mean_us = 0;
    double p50_us = 0;
    double p99_us = 0;
    double ops_per_s() const { return mean_us > 0 ? 1e6 / mean_us : 0; }
};

inline latency_summary summarize(std::vector<double> const& latencies_us) {
    latency_summary s;
    if (latencies_us.empty()) return s;
    s.operations = latencies_us.size();
    double total = 0;
    for (double const l : latencies_us)
        total += l;
    s.mean_us = total / static_cast<double>(latencies_us.size());
    s.p50_us = quantile(latencies_us, 0.50);
    s.p99_us = quantile(latencies_us, 0.99);
    return s;
}

}  // namespace persist::bench

#endif
