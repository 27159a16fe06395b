// UTC times as text: ISO 8601 for documents, its basic format (no ':') for
// file names. One implementation for every store.
#ifndef PERSIST_DETAIL_UTC_TIME_HPP
#define PERSIST_DETAIL_UTC_TIME_HPP

#include <persist/config.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace persist::detail {

/// The current time, in whole seconds.
inline std::chrono::sys_seconds utc_now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// "2026-11-21T21:40:03Z": ISO 8601's extended format, UTC, whole seconds.
PERSIST_DECL std::string format_utc_time(std::chrono::sys_seconds time);

/// Reads format_utc_time's format back; anything else is nullopt.
PERSIST_DECL std::optional<std::chrono::sys_seconds> parse_utc_time(std::string_view text);

/// "20261121T214003Z": ISO 8601's basic format, for file names (no ':',
/// which some filesystems and tools refuse).
PERSIST_DECL std::string format_utc_time_for_file_name(std::chrono::sys_seconds time);

}  // namespace persist::detail

#if defined(PERSIST_HEADER_ONLY)
#include <persist/detail/impl/utc_time.ipp>
#endif

#endif
