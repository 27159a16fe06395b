// Out-of-line definitions for <persist/json_text.hpp>.
#ifndef PERSIST_IMPL_JSON_TEXT_IPP
#define PERSIST_IMPL_JSON_TEXT_IPP

#include <persist/json_text.hpp>

#include <boost/json/error.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

namespace persist {

namespace detail {

/// Appends what serializer sr holds (after a reset) to out, through a
/// stack buffer: no allocation per scalar or key.
inline void append_serialized(std::string& out, boost::json::serializer& sr) {
    char buffer[256];
    while (!sr.done()) {
        auto const piece = sr.read(buffer);
        out.append(piece.data(), piece.size());
    }
}

/// Appends s as a JSON string when it needs no escaping (no '"', '\\' or
/// control character), as the serializer would write it; false otherwise.
inline bool append_plain_string(std::string& out, std::string_view s) {
    for (char const c : s) {
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
    }
    out += '"';
    out.append(s);
    out += '"';
    return true;
}

/// d as its shortest round-trip decimal: d = D.DDD x 10^exponent for the
/// digits DDDD, the fewest that read back as exactly d.
struct shortest_decimal {
    bool negative = false;
    std::string_view digits;  // no point, no sign: "15" for -1.5, "0" for zero
    int exponent = 0;
};

/// The digits are kept in buffer.
inline shortest_decimal shortest_decimal_of(double d, std::array<char, 32>& buffer) {
    // to_chars in scientific form without a precision writes the shortest
    // round-trip digits: "-1.5e+00", "5e-324", "0e+00".
    char* const begin = buffer.data();
    char* const end =
        std::to_chars(begin, begin + buffer.size(), d, std::chars_format::scientific).ptr;
    shortest_decimal out;
    out.negative = *begin == '-';
    char* const first = begin + (out.negative ? 1 : 0);
    char* const mark = std::find(first, end, 'e');
    char const* exponent = mark + 1;
    if (*exponent == '+') ++exponent;
    std::from_chars(exponent, end, out.exponent);
    // Close up the point: "1.2345" becomes "12345".
    char* const last = mark - first > 1 ? std::copy(first + 2, mark, first + 1) : mark;
    out.digits = std::string_view(first, static_cast<std::size_t>(last - first));
    return out;
}

}  // namespace detail

PERSIST_DECL void append_json_double(std::string& out, double d) {
    if (!std::isfinite(d)) {  // not JSON: what find_unrepresentable refuses
        out += std::isnan(d) ? "NaN" : d < 0 ? "-Infinity" : "Infinity";
        return;
    }
    std::array<char, 32> buffer{};
    auto const decimal = detail::shortest_decimal_of(d, buffer);
    auto const& digits = decimal.digits;
    auto const k = static_cast<int>(digits.size());
    int const n = decimal.exponent + 1;  // where the point goes, after n digits
    if (decimal.negative) out += '-';
    if (k <= n && n <= 21) {  // an integer: 100.0, 123456789012345680.0
        out.append(digits);
        out.append(static_cast<std::size_t>(n - k), '0');
        out += ".0";
    } else if (0 < n && n <= 21) {  // 1.5, 0.85 has n = 0 (below)
        out.append(digits.substr(0, static_cast<std::size_t>(n)));
        out += '.';
        out.append(digits.substr(static_cast<std::size_t>(n)));
    } else if (-6 < n && n <= 0) {  // 0.85, 0.000001
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out.append(digits);
    } else {  // 1e-7, 1.5e+300, 5e-324
        out += digits.front();
        if (k > 1) {
            out += '.';
            out.append(digits.substr(1));
        }
        out += n - 1 < 0 ? "e-" : "e+";
        char exponent[8];
        auto const magnitude = n - 1 < 0 ? 1 - n : n - 1;
        out.append(exponent, std::to_chars(exponent, exponent + sizeof exponent, magnitude).ptr);
    }
}

namespace detail {

/// Appends a scalar as JSON: doubles by append_json_double, plain strings,
/// integers, booleans and null directly, and strings that need escapes
/// through the serializer.
inline void append_scalar(std::string& out, boost::json::serializer& sr,
                          boost::json::value const& v) {
    char digits[24];
    switch (v.kind()) {
        case boost::json::kind::string:
            if (append_plain_string(out, v.get_string())) return;
            break;
        case boost::json::kind::int64:
            out.append(digits, std::to_chars(digits, digits + sizeof digits, v.get_int64()).ptr);
            return;
        case boost::json::kind::uint64:
            out.append(digits, std::to_chars(digits, digits + sizeof digits, v.get_uint64()).ptr);
            return;
        case boost::json::kind::double_: append_json_double(out, v.get_double()); return;
        case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; return;
        case boost::json::kind::null: out += "null"; return;
        default: break;
    }
    sr.reset(&v);  // escaped strings, {} and []
    append_serialized(out, sr);
}

/// Writes v into out: with `indent`, one member or element per line at
/// 2 spaces per level (depth levels in); without, on one line with no spaces.
inline void format_json_into(std::string& out, boost::json::serializer& sr,
                             boost::json::value const& v, bool indent, std::size_t depth) {
    auto next_line = [&](std::size_t level) {
        if (!indent) return;
        out += '\n';
        out.append(2 * level, ' ');
    };
    if (auto const* object = v.if_object(); object != nullptr && !object->empty()) {
        out += '{';
        bool first = true;
        for (auto const& member : *object) {
            if (!first) out += ',';
            first = false;
            next_line(depth + 1);
            if (!append_plain_string(out, member.key())) {
                sr.reset(member.key());
                append_serialized(out, sr);
            }
            out += indent ? ": " : ":";
            format_json_into(out, sr, member.value(), indent, depth + 1);
        }
        next_line(depth);
        out += '}';
    } else if (auto const* array = v.if_array(); array != nullptr && !array->empty()) {
        out += '[';
        bool first = true;
        for (auto const& element : *array) {
            if (!first) out += ',';
            first = false;
            next_line(depth + 1);
            format_json_into(out, sr, element, indent, depth + 1);
        }
        next_line(depth);
        out += ']';
    } else {
        append_scalar(out, sr, v);
    }
}

/// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
inline bool is_valid_utf8(std::string_view s) noexcept {
    auto const* p = reinterpret_cast<unsigned char const*>(s.data());
    auto const* const end = p + s.size();
    auto continuation = [&](std::size_t i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
    while (p < end) {
        unsigned char const c = *p;
        if (c < 0x80) {
            ++p;
        } else if (c >= 0xC2 && c <= 0xDF) {
            if (!continuation(1)) return false;
            p += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            if (!continuation(1) || !continuation(2)) return false;
            if (c == 0xE0 && p[1] < 0xA0) return false;  // overlong
            if (c == 0xED && p[1] > 0x9F) return false;  // a surrogate
            p += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (!continuation(1) || !continuation(2) || !continuation(3)) return false;
            if (c == 0xF0 && p[1] < 0x90) return false;  // overlong
            if (c == 0xF4 && p[1] > 0x8F) return false;  // past U+10FFFF
            p += 4;
        } else {
            return false;
        }
    }
    return true;
}

inline std::string member_path_segment(std::string_view key) {
    bool const identifier = !key.empty() &&
                            std::isdigit(static_cast<unsigned char>(key.front())) == 0 &&
                            std::all_of(key.begin(), key.end(), [](char c) {
                                return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
                            });
    if (identifier) return "." + std::string(key);
    std::string segment = "[\"";
    for (char const c : key) {
        if (c == '"' || c == '\\') segment += '\\';
        segment += c;
    }
    return segment + "\"]";
}

/// What find_unrepresentable found: the reason, and the path to it, gathered
/// innermost first while the search unwinds, so a clean value costs no
/// string work at all.
struct unrepresentable_value {
    std::vector<std::string> reversed_path;
    std::string_view reason;
};

/// Whether v nests arrays and objects more than `allowed` levels deep.
inline bool nests_deeper_than(boost::json::value const& v, std::size_t allowed) {
    if (auto const* array = v.if_array()) {
        if (allowed == 0) return true;
        return std::any_of(array->begin(), array->end(), [&](boost::json::value const& e) {
            return nests_deeper_than(e, allowed - 1);
        });
    }
    if (auto const* object = v.if_object()) {
        if (allowed == 0) return true;
        return std::any_of(object->begin(), object->end(), [&](auto const& member) {
            return nests_deeper_than(member.value(), allowed - 1);
        });
    }
    return false;
}

inline bool find_unrepresentable_in(boost::json::value const& v, unrepresentable_value& found) {
    switch (v.kind()) {
        case boost::json::kind::double_:
            if (std::isfinite(v.get_double())) return false;
            found.reason = "NaN and infinity cannot be written as JSON";
            return true;
        case boost::json::kind::string:
            if (is_valid_utf8(v.get_string())) return false;
            found.reason = "string is not valid UTF-8";
            return true;
        case boost::json::kind::array: {
            auto const& array = v.get_array();
            for (std::size_t i = 0; i < array.size(); ++i) {
                if (find_unrepresentable_in(array[i], found)) {
                    found.reversed_path.push_back("[" + std::to_string(i) + "]");
                    return true;
                }
            }
            return false;
        }
        case boost::json::kind::object:
            for (auto const& member : v.get_object()) {
                if (!is_valid_utf8(member.key())) {
                    found.reason = "member name is not valid UTF-8";
                } else if (!find_unrepresentable_in(member.value(), found)) {
                    continue;
                }
                found.reversed_path.push_back(member_path_segment(member.key()));
                return true;
            }
            return false;
        default: return false;
    }
}

}  // namespace detail

PERSIST_DECL std::optional<std::string> find_unrepresentable(boost::json::value const& v,
                                                             std::string_view root,
                                                             std::size_t enclosing) {
    detail::unrepresentable_value found;
    if (!detail::find_unrepresentable_in(v, found)) {
        auto const allowed = enclosing < json_max_depth ? json_max_depth - enclosing : 0;
        if (!detail::nests_deeper_than(v, allowed)) return std::nullopt;
        auto const why = "nesting is deeper than " + std::to_string(allowed);
        return root.empty() ? why : std::string(root) + ": " + why;
    }
    std::string path(root);
    for (auto it = found.reversed_path.rbegin(); it != found.reversed_path.rend(); ++it)
        path += *it;
    if (!path.empty() && path.front() == '.') path.erase(0, 1);
    return path.empty() ? std::string(found.reason) : path + ": " + std::string(found.reason);
}

PERSIST_DECL text_position position_of(std::string_view text, std::size_t offset) noexcept {
    offset = std::min(offset, text.size());
    auto const before = text.substr(0, offset);
    text_position at;
    at.line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    auto const line_start = before.rfind('\n');
    at.column = 1 + (line_start == std::string_view::npos ? offset : offset - line_start - 1);
    return at;
}

PERSIST_DECL error malformed_at(std::string_view text, std::size_t offset,
                                std::filesystem::path const& source, std::string_view reason) {
    auto const at = position_of(text, offset);
    return error(stage::parse, errc::corrupt_data, source, {},
                 "line " + std::to_string(at.line) + ", column " + std::to_string(at.column) +
                     ": " + std::string(reason));
}

PERSIST_DECL std::string format_json(boost::json::value const& v) {
    std::string out;
    out.reserve(1024);  // settings and small states fit; larger ones grow by doubling
    boost::json::serializer sr;
    detail::format_json_into(out, sr, v, true, 0);
    out += '\n';
    return out;
}

PERSIST_DECL std::string format_json_line(boost::json::value const& v) {
    std::string out;
    boost::json::serializer sr;
    detail::format_json_into(out, sr, v, false, 0);
    return out;
}

PERSIST_DECL result<boost::json::value> parse_json(std::string_view text,
                                                   std::filesystem::path const& source,
                                                   json_syntax syntax) {
    if (syntax == json_syntax::jsonc && text.starts_with(utf8_byte_order_mark))
        text.remove_prefix(utf8_byte_order_mark.size());
    json_parser parser(syntax);
    boost::system::error_code ec;
    std::size_t const consumed = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
        auto const at = ec == unclosed_comment()               ? parser.unclosed_comment_offset()
                        : ec == boost::json::error::incomplete ? text.size()
                                                               : consumed;
        return malformed_at(text, at, source, ec.message());
    }
    return parser.release();
}

}  // namespace persist

#endif
