// Out-of-line definitions for <persist/detail/temp_name.hpp>.
#ifndef PERSIST_DETAIL_IMPL_TEMP_NAME_IPP
#define PERSIST_DETAIL_IMPL_TEMP_NAME_IPP

#include <persist/detail/temp_name.hpp>

#include <sys/random.h>
#include <unistd.h>

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

}  // namespace persist::detail

#endif
