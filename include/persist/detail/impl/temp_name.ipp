// Out-of-line definitions for <persist/detail/temp_name.hpp>.
#ifndef PERSIST_DETAIL_IMPL_TEMP_NAME_IPP
#define PERSIST_DETAIL_IMPL_TEMP_NAME_IPP

#include <persist/detail/temp_name.hpp>

#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <random>

namespace persist::detail {

PERSIST_DECL std::uint64_t random_bits() {
    std::uint64_t bits = 0;
    if (::getrandom(&bits, sizeof bits, 0) == static_cast<ssize_t>(sizeof bits)) return bits;
    // getrandom can only fail before the entropy pool is ready at boot, or
    // under seccomp; random_device is the portable fallback.
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

PERSIST_DECL std::string make_temp_name(std::string_view target_name) {
    static std::atomic<std::uint64_t> counter{0};
    constexpr std::size_t max_embedded_name = 160;  // leaves room for the suffix within NAME_MAX (255)
    char suffix[96];
    std::snprintf(suffix, sizeof suffix, "%d-%llu-%016llx", static_cast<int>(::getpid()),
                  static_cast<unsigned long long>(counter.fetch_add(1, std::memory_order_relaxed)),
                  static_cast<unsigned long long>(random_bits()));
    std::string name = ".";
    name.append(target_name.substr(0, max_embedded_name));
    name.append(temp_marker);
    name.append(suffix);
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
        while (digits < rest.size() && is_digit(rest[rest.size() - 1 - digits])) ++digits;
        if (digits == 0 || digits > 19) return std::nullopt;
        unsigned long long value = 0;
        for (char c : rest.substr(rest.size() - digits)) value = value * 10 + static_cast<unsigned>(c - '0');
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
