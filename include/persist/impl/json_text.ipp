// Out-of-line definitions for <persist/json_text.hpp>.
#ifndef PERSIST_IMPL_JSON_TEXT_IPP
#define PERSIST_IMPL_JSON_TEXT_IPP

#include <persist/json_text.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

#include <algorithm>

namespace persist {

namespace detail {

inline void format_json_into(std::string& out, boost::json::value const& v, std::size_t depth) {
    auto newline_indent = [&](std::size_t level) {
        out += '\n';
        out.append(2 * level, ' ');
    };
    if (auto const* object = v.if_object(); object != nullptr && !object->empty()) {
        out += '{';
        bool first = true;
        for (auto const& member : *object) {
            if (!first) out += ',';
            first = false;
            newline_indent(depth + 1);
            out += boost::json::serialize(boost::json::string_view(member.key()));
            out += ": ";
            format_json_into(out, member.value(), depth + 1);
        }
        newline_indent(depth);
        out += '}';
    } else if (auto const* array = v.if_array(); array != nullptr && !array->empty()) {
        out += '[';
        bool first = true;
        for (auto const& element : *array) {
            if (!first) out += ',';
            first = false;
            newline_indent(depth + 1);
            format_json_into(out, element, depth + 1);
        }
        newline_indent(depth);
        out += ']';
    } else {
        out += boost::json::serialize(v);  // scalars, {} and []
    }
}

}  // namespace detail

PERSIST_DECL text_position position_of(std::string_view text, std::size_t offset) noexcept {
    offset = std::min(offset, text.size());
    auto const before = text.substr(0, offset);
    text_position at;
    at.line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    auto const line_start = before.rfind('\n');
    at.column = 1 + (line_start == std::string_view::npos ? offset : offset - line_start - 1);
    return at;
}

PERSIST_DECL std::string format_json(boost::json::value const& v) {
    std::string out;
    detail::format_json_into(out, v, 0);
    out += '\n';
    return out;
}

PERSIST_DECL result<boost::json::value> parse_json(std::string_view text, std::filesystem::path const& source) {
    boost::json::stream_parser parser;
    boost::system::error_code ec;
    std::size_t const consumed = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
        auto const at = position_of(text, ec == boost::json::error::incomplete ? text.size() : consumed);
        return error(stage::parse, errc::corrupt_data, source, {},
                     "line " + std::to_string(at.line) + ", column " + std::to_string(at.column) + ": " + ec.message());
    }
    return parser.release();
}

}  // namespace persist

#endif
