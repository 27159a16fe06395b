// Out-of-line definitions for <persist/detail/temp_name.hpp>.
#ifndef PERSIST_DETAIL_IMPL_TEMP_NAME_IPP
#define PERSIST_DETAIL_IMPL_TEMP_NAME_IPP

#include <persist/detail/temp_name.hpp>

#include <pthread.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <random>

namespace persist::detail {

// Named, not anonymous, and inline: in a header-only build this file is in
// every translation unit, and they must share one state.
namespace temp_name_state {

// 64 random bits from the OS CSPRNG, one getrandom(2) per
// random_batch_names of them: each thread draws from its own buffer, which
// a fork child throws away (fork_state below), so parent and child never
// use the same bytes. The bits are never stretched by a PRNG.
constexpr std::size_t random_batch_names = 32;

struct random_buffer {
    std::uint64_t bits[random_batch_names];
    std::size_t next = random_batch_names;  // == random_batch_names: empty
};

inline thread_local random_buffer thread_random;

// What fork() must not let a child inherit: the pid cache and the calling
// thread's random buffer. Registered once, on the first temp name.
struct fork_state {
    std::atomic<pid_t> pid{0};

    fork_state() { ::pthread_atfork(nullptr, nullptr, &forget_in_child); }
    static void forget_in_child();
};

inline fork_state& process_state() {
    static fork_state state;
    return state;
}

inline void fork_state::forget_in_child() {
    process_state().pid.store(0, std::memory_order_relaxed);
    thread_random.next = random_batch_names;
}

inline void fill_from_os(void* out, std::size_t size) {
    auto* bytes = static_cast<unsigned char*>(out);
    while (size > 0) {
        auto const got = ::getrandom(bytes, size, 0);
        if (got > 0) {
            bytes += got;
            size -= static_cast<std::size_t>(got);
            continue;
        }
        if (got == -1 && errno == EINTR) continue;
        // getrandom can only fail before the entropy pool is ready at boot,
        // or under seccomp; random_device is the portable fallback.
        std::random_device device;
        while (size > 0) {
            auto const word = device();
            auto const n = std::min(size, sizeof word);
            std::memcpy(bytes, &word, n);
            bytes += n;
            size -= n;
        }
    }
}

// The pid, read once per process (and again in a fork child).
inline pid_t current_pid() {
    auto& state = process_state();
    pid_t pid = state.pid.load(std::memory_order_relaxed);
    if (pid == 0) {
        pid = ::getpid();
        state.pid.store(pid, std::memory_order_relaxed);
    }
    return pid;
}

}  // namespace temp_name_state

PERSIST_DECL std::uint64_t random_bits() {
    using namespace temp_name_state;
    (void)process_state();  // the fork handler, before the first buffer exists
    auto& buffer = thread_random;
    if (buffer.next == random_batch_names) {
        fill_from_os(buffer.bits, sizeof buffer.bits);
        buffer.next = 0;
    }
    auto const bits = buffer.bits[buffer.next];
    buffer.bits[buffer.next++] = 0;  // used once: never again in memory
    return bits;
}

PERSIST_DECL std::string make_temp_name(std::string_view target_name) {
    static std::atomic<std::uint64_t> counter{0};
    // Leaves room for the suffix within NAME_MAX (255).
    constexpr std::size_t max_embedded_name = 160;
    auto const random = random_bits();
    auto const embedded = target_name.substr(0, max_embedded_name);
    // `<pid>-<counter>-<16 hex digits>`, by hand: snprintf cost as much as
    // the rest of a replace's user-space work.
    char suffix[64];
    char* end = std::to_chars(suffix, suffix + 20, temp_name_state::current_pid()).ptr;
    *end++ = '-';
    end = std::to_chars(end, end + 20, counter.fetch_add(1, std::memory_order_relaxed)).ptr;
    *end++ = '-';
    for (int shift = 60; shift >= 0; shift -= 4)
        *end++ = "0123456789abcdef"[(random >> shift) & 0xf];
    std::string name;
    name.reserve(1 + embedded.size() + temp_marker.size() + static_cast<std::size_t>(end - suffix));
    name += '.';
    name.append(embedded);
    name.append(temp_marker);
    name.append(suffix, end);
    return name;
}

PERSIST_DECL std::optional<pid_t> temp_name_owner(std::string_view name) noexcept {
    // From the end: 16 hex digits, '-', a counter, '-', a pid, ".tmp-", a name, '.'.
    constexpr std::size_t random_digits = 16;
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    auto is_hex = [&](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); };
    if (name.size() < random_digits + 1 || name.front() != '.') return std::nullopt;
    auto const random = name.substr(name.size() - random_digits);
    if (!std::all_of(random.begin(), random.end(), is_hex)) return std::nullopt;
    name.remove_suffix(random_digits);
    auto take_number = [&](std::string_view& rest) -> std::optional<unsigned long long> {
        if (rest.empty() || rest.back() != '-') return std::nullopt;
        rest.remove_suffix(1);
        std::size_t digits = 0;
        while (digits < rest.size() && is_digit(rest[rest.size() - 1 - digits]))
            ++digits;
        if (digits == 0 || digits > 19) return std::nullopt;
        unsigned long long value = 0;
        for (char c : rest.substr(rest.size() - digits))
            value = value * 10 + static_cast<unsigned>(c - '0');
        rest.remove_suffix(digits);
        return value;
    };
    if (!take_number(name)) return std::nullopt;  // the counter
    auto const pid = take_number(name);
    if (!pid || *pid == 0 || *pid > 0x7fffffffULL) return std::nullopt;
    if (!name.ends_with(temp_marker) || name.size() < temp_marker.size() + 1) return std::nullopt;
    return static_cast<pid_t>(*pid);
}

}  // namespace persist::detail

#endif
