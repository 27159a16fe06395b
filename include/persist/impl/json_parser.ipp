// Out-of-line definitions for <persist/json_parser.hpp>.
#ifndef PERSIST_IMPL_JSON_PARSER_IPP
#define PERSIST_IMPL_JSON_PARSER_IPP

#include <persist/json_parser.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/value_stack.hpp>
#include <boost/version.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <system_error>

// Boost 1.83 added a precise mode to Boost.JSON's number parsing; before it,
// the handler converts each double's text itself.
#if BOOST_VERSION >= 108300
#define PERSIST_JSON_PRECISE_NUMBERS 1
#else
#define PERSIST_JSON_PRECISE_NUMBERS 0
#endif

namespace persist {

namespace detail {

/// The reasons json_parser fails text that Boost.JSON's parser would take.
class json_parser_category final : public boost::system::error_category {
public:
    enum : int { number_out_of_range = 1, unclosed_comment };
    char const* name() const noexcept override { return "persist.json"; }
    std::string message(int reason) const override {
        return reason == unclosed_comment ? "a /* comment is not closed"
                                          : "number is out of range for a double";
    }
};

inline json_parser_category const& json_parser_errors() noexcept {
    static json_parser_category const category;
    return category;
}

/// Turns the comments of JSONC text into spaces (keeping line ends, so
/// every offset, line and column stays where it was), as the text streams
/// in: Boost.JSON then parses what is left, and every Boost version reads
/// comments alike. (Boost 1.81's own comment parser does not end a /*
/// comment at "**/".) A // comment runs to the end of its line; a /*
/// comment to the first */ after its /*, so "/*/" does not close one.
class comment_blanker {
public:
    /// in as the parser should see it, appended to out.
    void blank(std::string_view in, std::string& out) {
        for (char const c : in) {
            step(c, out);
            ++seen_;
        }
    }
    /// Whether the text ended inside a /* comment.
    bool in_block_comment() const noexcept { return state_ == block || state_ == block_star; }
    /// Where the last /* comment began: its '/', as an offset in all the
    /// text blanked since the last reset.
    std::size_t block_comment_start() const noexcept { return block_start_; }
    /// A '/' held back at the end of the text: not the start of a comment.
    void flush(std::string& out) {
        if (state_ == slash) out += '/';
        state_ = code;
    }
    void reset() noexcept {
        state_ = code;
        seen_ = block_start_ = 0;
    }

private:
    enum state_type { code, string, escape, slash, line, block, block_star };

    void step(char c, std::string& out) {
        switch (state_) {
            case code: break;
            case string:
                state_ = c == '\\' ? escape : c == '"' ? code : string;
                out += c;
                return;
            case escape:
                state_ = string;
                out += c;
                return;
            case slash:
                if (c == '/' || c == '*') {
                    state_ = c == '/' ? line : block;
                    if (c == '*') block_start_ = seen_ - 1;  // at its '/
                    out += "  ";
                    return;
                }
                out += '/';  // not a comment: the parser says what is wrong
                state_ = code;
                break;
            case line:
                if (c == '\n') state_ = code;
                out += c == '\n' || c == '\r' ? c : ' ';
                return;
            case block:
            case block_star:
                state_ = c == '/' && state_ == block_star ? code : c == '*' ? block_star : block;
                out += c == '\n' || c == '\r' ? c : ' ';
                return;
        }
        if (c == '/') {
            state_ = slash;
            return;
        }
        if (c == '"') state_ = string;
        out += c;
    }

    state_type state_ = code;
    std::size_t seen_ = 0;
    std::size_t block_start_ = 0;
};

/// The double nearest `text`, a JSON number that is not an integer (or is
/// too long for one); false if its magnitude is too large for a double.
/// from_chars reports both overflow and underflow as out of range without a
/// value: an underflow is the signed zero it rounds to.
inline bool exact_double(std::string_view text, double& out) noexcept {
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    (void)end;
    if (ec != std::errc::result_out_of_range) return ec == std::errc();
    // The decimal exponent of the first significant digit tells which.
    auto const mark = text.find_first_of("eE");
    long exponent = 0;
    if (mark != std::string_view::npos) {
        auto const digits = text.substr(mark + 1 + (text[mark + 1] == '+' ? 1 : 0));
        if (std::from_chars(digits.data(), digits.data() + digits.size(), exponent).ec !=
            std::errc()) {
            exponent = digits.front() == '-' ? -1'000'000 : 1'000'000;  // beyond long
        }
    }
    auto const mantissa = text.substr(0, mark);
    auto const first = mantissa.find_first_of("123456789");
    auto const point = std::min(mantissa.find('.'), mantissa.size());
    long const magnitude = exponent + (first < point ? static_cast<long>(point - first)
                                                     : -static_cast<long>(first - point) + 1);
    if (magnitude > 0) return false;
    out = text.front() == '-' ? -0.0 : 0.0;
    return true;
}

/// A Boost.JSON basic_parser handler that builds a value as Boost's own
/// parsers do, except for doubles (see json_parser).
struct exact_number_handler {
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();

    using error_code = boost::system::error_code;
    using string_view = boost::json::string_view;

    boost::json::value_stack values;
    std::string number_text;  // the parts of a number cut by the end of a write

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return true; }
    bool on_object_end(std::size_t n, error_code&) {
        values.push_object(n);
        return true;
    }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) {
        values.push_array(n);
        return true;
    }
    bool on_key_part(string_view s, std::size_t, error_code&) {
        values.push_chars(s);
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code&) {
        values.push_key(s);
        return true;
    }
    bool on_string_part(string_view s, std::size_t, error_code&) {
        values.push_chars(s);
        return true;
    }
    bool on_string(string_view s, std::size_t, error_code&) {
        values.push_string(s);
        return true;
    }
    bool on_number_part(string_view s, error_code&) {
        if (!PERSIST_JSON_PRECISE_NUMBERS) number_text.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, string_view, error_code&) {
        number_text.clear();
        values.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, string_view, error_code&) {
        number_text.clear();
        values.push_uint64(u);
        return true;
    }
    bool on_double(double d, string_view last_part, error_code& ec) {
        if (!PERSIST_JSON_PRECISE_NUMBERS) {
            number_text.append(last_part.data(), last_part.size());
            bool const fits = exact_double(number_text, d);
            number_text.clear();
            if (!fits) d = HUGE_VAL;
        }
        if (std::isinf(d)) {
            ec = number_out_of_range();
            return false;
        }
        values.push_double(d);
        return true;
    }
    bool on_bool(bool b, error_code&) {
        values.push_bool(b);
        return true;
    }
    bool on_null(error_code&) {
        values.push_null();
        return true;
    }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }
};

inline boost::json::parse_options parse_options_for(json_syntax syntax, std::size_t max_depth) {
    boost::json::parse_options options;
    options.max_depth = max_depth;
    options.allow_comments = false;  // comment_blanker takes them out first
    options.allow_trailing_commas = syntax == json_syntax::jsonc;
#if PERSIST_JSON_PRECISE_NUMBERS
    options.numbers = boost::json::number_precision::precise;
#endif
    return options;
}

}  // namespace detail

PERSIST_DECL boost::system::error_code number_out_of_range() noexcept {
    return {detail::json_parser_category::number_out_of_range, detail::json_parser_errors()};
}

PERSIST_DECL boost::system::error_code unclosed_comment() noexcept {
    return {detail::json_parser_category::unclosed_comment, detail::json_parser_errors()};
}

struct json_parser::impl {
    impl(json_syntax s, boost::json::parse_options const& options) : syntax(s), parser(options) {}
    json_syntax syntax;
    detail::comment_blanker comments;  // jsonc only
    std::string blanked;               // jsonc only: the last write, comments blanked
    boost::json::basic_parser<detail::exact_number_handler> parser;

    std::size_t write_some(bool more, char const* data, std::size_t size,
                           boost::system::error_code& ec) {
        if (syntax != json_syntax::jsonc) return parser.write_some(more, data, size, ec);
        blanked.clear();
        comments.blank({data, size}, blanked);
        if (!more) comments.flush(blanked);
        // A '/' held back at the end of one write goes out with the next:
        // the text given to the parser lags the input by at most one byte.
        auto const used = parser.write_some(more, blanked.data(), blanked.size(), ec);
        if (!more && !ec && used < blanked.size()) {  // a held-back '/' after the document
            ec = boost::json::error::extra_data;
            parser.fail(ec);
        }
        return used == blanked.size() ? size : std::min(used, size);
    }
};

PERSIST_DECL json_parser::json_parser(json_syntax syntax, std::size_t max_depth)
    : impl_(std::make_unique<impl>(syntax, detail::parse_options_for(syntax, max_depth))) {
    reset();
}

PERSIST_DECL json_parser::json_parser(json_parser&&) noexcept = default;
PERSIST_DECL json_parser& json_parser::operator=(json_parser&&) noexcept = default;
PERSIST_DECL json_parser::~json_parser() = default;

PERSIST_DECL void json_parser::reset() noexcept {
    impl_->parser.reset();
    impl_->parser.handler().values.reset();
    impl_->parser.handler().number_text.clear();
    impl_->comments.reset();
}

PERSIST_DECL std::size_t json_parser::write(char const* data, std::size_t size,
                                            boost::system::error_code& ec) {
    auto const used = impl_->write_some(true, data, size, ec);
    if (!ec && used < size) {
        ec = boost::json::error::extra_data;
        impl_->parser.fail(ec);
    }
    return used;
}

PERSIST_DECL void json_parser::finish(boost::system::error_code& ec) {
    if (impl_->comments.in_block_comment()) {
        ec = unclosed_comment();
        return;
    }
    impl_->write_some(false, nullptr, 0, ec);
}

PERSIST_DECL std::size_t json_parser::unclosed_comment_offset() const noexcept {
    return impl_->comments.block_comment_start();
}

PERSIST_DECL boost::json::value json_parser::release() {
    return impl_->parser.handler().values.release();
}

}  // namespace persist

#endif
