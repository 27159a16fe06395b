// Out-of-line definitions for <persist/detail/state_document.hpp>.
#ifndef PERSIST_DETAIL_IMPL_STATE_DOCUMENT_IPP
#define PERSIST_DETAIL_IMPL_STATE_DOCUMENT_IPP

#include <persist/detail/state_document.hpp>
#include <persist/json_text.hpp>

#include <boost/json/object.hpp>

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

PERSIST_DECL std::string quarantine_suffix(std::chrono::sys_seconds time, unsigned counter) {
    auto const c = civil_of(time);
    char text[48];
    std::snprintf(text, sizeof text, ".corrupt-%04d%02d%02dT%02d%02d%02dZ", c.year, c.month, c.day,
                  c.hour, c.minute, c.second);
    std::string suffix = text;
    if (counter != 0) suffix += "-" + std::to_string(counter);
    return suffix;
}

PERSIST_DECL result<state_document> parse_state_document(std::string_view text,
                                                         std::filesystem::path const& source) {
    auto parsed = parse_json(text, source);
    if (!parsed) return parsed.error();
    auto corrupt = [&](std::string reason) {
        return error(stage::parse, errc::corrupt_data, source, {}, std::move(reason));
    };
    auto* object = parsed->if_object();
    if (object == nullptr) return corrupt("the document is not a JSON object");
    state_document document;
    auto const* version = object->if_contains("version");
    if (version == nullptr) return corrupt("\"version\" is missing");
    if (version->is_uint64()) {
        document.version = version->get_uint64();
    } else if (version->is_int64() && version->get_int64() > 0) {
        document.version = static_cast<std::uint64_t>(version->get_int64());
    }
    if (document.version == 0) return corrupt("\"version\" is not a positive integer");
    auto* state = object->if_contains("state");
    if (state == nullptr) return corrupt("\"state\" is missing");
    document.state = std::move(*state);
    if (auto const* time = object->if_contains("last_updated");
        time != nullptr && time->is_string()) {
        document.last_updated = parse_utc_time(time->get_string());
    }
    return document;
}

PERSIST_DECL std::string format_state_document(std::uint64_t version, std::chrono::sys_seconds time,
                                               boost::json::value state) {
    boost::json::object document(
        state.storage());  // the same resource, so the state moves in without a copy
    document.reserve(3);
    document.emplace("version", version);
    document.emplace("last_updated", format_utc_time(time));
    document.emplace("state", std::move(state));
    return format_json(document);
}

}  // namespace persist::detail

#endif
