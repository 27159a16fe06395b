// Out-of-line definitions for <persist/detail/jsonl_line.hpp>.
#ifndef PERSIST_DETAIL_IMPL_JSONL_LINE_IPP
#define PERSIST_DETAIL_IMPL_JSONL_LINE_IPP

#include <persist/detail/jsonl_line.hpp>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <cmath>
#include <ctime>

namespace persist::detail {

inline std::string unwritable_reason_at(boost::json::value const& v, std::size_t depth) {
    switch (v.kind()) {
        case boost::json::kind::double_:
            if (!std::isfinite(v.get_double())) return "a number is not finite (NaN or infinity)";
            return {};
        case boost::json::kind::string:
            if (!is_valid_utf8(v.get_string())) return "a string is not valid UTF-8";
            return {};
        case boost::json::kind::array:
            if (depth == jsonl_max_depth)
                return "nesting is deeper than " + std::to_string(jsonl_max_depth);
            for (auto const& element : v.get_array()) {
                if (auto reason = unwritable_reason_at(element, depth + 1); !reason.empty())
                    return reason;
            }
            return {};
        case boost::json::kind::object:
            if (depth == jsonl_max_depth)
                return "nesting is deeper than " + std::to_string(jsonl_max_depth);
            for (auto const& member : v.get_object()) {
                if (!is_valid_utf8(member.key())) return "an object key is not valid UTF-8";
                if (auto reason = unwritable_reason_at(member.value(), depth + 1); !reason.empty())
                    return reason;
            }
            return {};
        default: return {};
    }
}

PERSIST_DECL std::string unwritable_reason(boost::json::value const& v) {
    return unwritable_reason_at(v, 0);
}

PERSIST_DECL void append_jsonl_line(std::string& out, boost::json::value const& v) {
    out += boost::json::serialize(v);
    out += '\n';
}

PERSIST_DECL bool is_valid_utf8(std::string_view s) noexcept {
    auto const* p = reinterpret_cast<unsigned char const*>(s.data());
    auto const* const end = p + s.size();
    auto in = [](unsigned char c, unsigned char low, unsigned char high) {
        return c >= low && c <= high;
    };
    while (p != end) {
        unsigned char const lead = *p;
        if (lead < 0x80) {
            ++p;
            continue;
        }
        std::size_t length = 0;
        unsigned char second_low = 0x80;
        unsigned char second_high = 0xBF;
        if (in(lead, 0xC2, 0xDF)) {
            length = 2;
        } else if (in(lead, 0xE0, 0xEF)) {
            length = 3;
            if (lead == 0xE0) second_low = 0xA0;
            if (lead == 0xED) second_high = 0x9F;  // no UTF-16 surrogates
        } else if (in(lead, 0xF0, 0xF4)) {
            length = 4;
            if (lead == 0xF0) second_low = 0x90;
            if (lead == 0xF4) second_high = 0x8F;  // nothing above U+10FFFF
        } else {
            return false;
        }
        if (static_cast<std::size_t>(end - p) < length) return false;
        if (!in(p[1], second_low, second_high)) return false;
        for (std::size_t i = 2; i < length; ++i) {
            if (!in(p[i], 0x80, 0xBF)) return false;
        }
        p += length;
    }
    return true;
}

PERSIST_DECL std::string utc_timestamp_for_file_name() {
    std::time_t const now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return text;
}

}  // namespace persist::detail

#endif
