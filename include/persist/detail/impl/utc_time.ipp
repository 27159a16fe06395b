// Out-of-line definitions for <persist/detail/utc_time.hpp>.
#ifndef PERSIST_DETAIL_IMPL_UTC_TIME_IPP
#define PERSIST_DETAIL_IMPL_UTC_TIME_IPP

#include <persist/detail/utc_time.hpp>

#include <cstdio>

namespace persist::detail {

struct civil_time {
    int year, month, day, hour, minute, second;
};

inline civil_time civil_of(std::chrono::sys_seconds time) {
    auto const days = std::chrono::floor<std::chrono::days>(time);
    std::chrono::year_month_day const date(days);
    std::chrono::hh_mm_ss const clock(time - days);
    return {static_cast<int>(date.year()),
            static_cast<int>(static_cast<unsigned>(date.month())),
            static_cast<int>(static_cast<unsigned>(date.day())),
            static_cast<int>(clock.hours().count()),
            static_cast<int>(clock.minutes().count()),
            static_cast<int>(clock.seconds().count())};
}

PERSIST_DECL std::string format_utc_time(std::chrono::sys_seconds time) {
    auto const c = civil_of(time);
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day,
                  c.hour, c.minute, c.second);
    return text;
}

PERSIST_DECL std::string format_utc_time_for_file_name(std::chrono::sys_seconds time) {
    auto const c = civil_of(time);
    char text[32];
    std::snprintf(text, sizeof text, "%04d%02d%02dT%02d%02d%02dZ", c.year, c.month, c.day, c.hour,
                  c.minute, c.second);
    return text;
}

PERSIST_DECL std::optional<std::chrono::sys_seconds> parse_utc_time(std::string_view text) {
    // Exactly "YYYY-MM-DDTHH:MM:SSZ".
    constexpr std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
    if (text.size() != shape.size()) return std::nullopt;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        bool const digit = text[i] >= '0' && text[i] <= '9';
        if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return std::nullopt;
    }
    auto number = [&](std::size_t at, std::size_t length) {
        int n = 0;
        for (std::size_t i = at; i < at + length; ++i)
            n = n * 10 + (text[i] - '0');
        return n;
    };
    std::chrono::year_month_day const date{std::chrono::year(number(0, 4)),
                                           std::chrono::month(static_cast<unsigned>(number(5, 2))),
                                           std::chrono::day(static_cast<unsigned>(number(8, 2)))};
    int const hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
    if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
    return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
           std::chrono::seconds(second);
}

}  // namespace persist::detail

#endif
