// The one scheme of quarantine names: where a store moves what it cannot
// use, so that nothing is lost (state_file's `.corrupt-`, jsonl_log's
// `.torn-`).
#ifndef PERSIST_STORE_DETAIL_QUARANTINE_NAME_HPP
#define PERSIST_STORE_DETAIL_QUARANTINE_NAME_HPP

#include <persist/detail/utc_time.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace persist::detail {

/// How many names a quarantine tries (attempt 0, 1, ...) before giving up.
inline constexpr unsigned quarantine_name_attempts = 1000;

/// ".corrupt-20261121T214003Z" for attempt 0, then
/// ".corrupt-20261121T214003Z-1", "-2", ... (ISO 8601's basic format: no ':'
/// in a file name). kind is "corrupt" or "torn".
inline std::string quarantine_suffix(std::string_view kind, std::chrono::sys_seconds time,
                                     unsigned attempt) {
    std::string suffix = ".";
    suffix.append(kind).append("-").append(format_utc_time_for_file_name(time));
    if (attempt != 0) suffix.append("-").append(std::to_string(attempt));
    return suffix;
}

/// file with its quarantine suffix appended.
inline std::filesystem::path quarantine_path_of(std::filesystem::path const& file,
                                                std::string_view kind,
                                                std::chrono::sys_seconds time, unsigned attempt) {
    auto quarantine = file;
    quarantine += quarantine_suffix(kind, time, attempt);
    return quarantine;
}

}  // namespace persist::detail

#endif
