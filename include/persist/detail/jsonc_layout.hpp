// Where the members of a JSONC object or array lie in its text, and the
// lines around them: the byte offsets that json_edit needs to change one
// member and keep the rest.
#ifndef PERSIST_DETAIL_JSONC_LAYOUT_HPP
#define PERSIST_DETAIL_JSONC_LAYOUT_HPP

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace persist::detail {

inline constexpr std::size_t no_offset = std::string_view::npos;

inline bool is_space_or_tab(char c) noexcept { return c == ' ' || c == '\t'; }

/// One member of an object, or one element of an array, as offsets into
/// the text.
struct jsonc_member {
    std::size_t begin = 0;          ///< the key's opening quote; an element's value
    std::size_t value_begin = 0;    ///< the value's first byte
    std::size_t value_end = 0;      ///< one past the value's last byte
    std::size_t comma = no_offset;  ///< the comma that follows it, if one does
};

/// An object or array: its brackets and its members in text order.
struct jsonc_container {
    std::size_t open = 0;   ///< offset of '{' or '['
    std::size_t close = 0;  ///< offset of '}' or ']'
    std::vector<jsonc_member> members;
};

/// Skips over JSONC text (whitespace, // and /* */ comments, strings,
/// scalars and whole containers), lists the members of a container, and
/// finds the lines a member has to itself. It does not validate.
/// REQUIRES: the text parses as JSONC (comments and trailing commas
/// allowed); on other text the offsets are meaningless, but they stay in
/// [0, size()], so nothing reads out of bounds.
class jsonc_scanner {
public:
    explicit jsonc_scanner(std::string_view text) noexcept : text_(text) {}

    std::string_view text() const noexcept { return text_; }

    /// The first offset at or after `at` that is not whitespace or comment.
    std::size_t skip_trivia(std::size_t at) const noexcept {
        while (at < text_.size()) {
            char const c = text_[at];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                ++at;
            } else if (starts_comment(at)) {
                at = comment_end(at);
            } else {
                break;
            }
        }
        return at;
    }

    /// Whether a // or /* comment starts at `at`.
    bool starts_comment(std::size_t at) const noexcept {
        return at + 1 < text_.size() && text_[at] == '/' &&
               (text_[at + 1] == '/' || text_[at + 1] == '*');
    }

    /// One past the comment that starts at `at`: a // comment ends before
    /// its line's end of line (which stays outside it), a /* comment after
    /// the first */ past its opening (so "/*/" does not close), as
    /// json_parser reads them.
    std::size_t comment_end(std::size_t at) const noexcept {
        if (text_[at + 1] == '/') return std::min(text_.find('\n', at), text_.size());
        auto const close = text_.find("*/", at + 2);
        return close == std::string_view::npos ? text_.size() : close + 2;
    }

    /// One past the value that starts at `at`.
    std::size_t skip_value(std::size_t at) const noexcept {
        if (at >= text_.size()) return text_.size();
        char const c = text_[at];
        if (c == '"') return skip_string(at);
        if (c == '{' || c == '[') return skip_container(at);
        while (at < text_.size() && !ends_scalar(text_[at]))
            ++at;
        return at;
    }

    /// The members of the object or array whose bracket is at `open`.
    jsonc_container scan_container(std::size_t open) const {
        jsonc_container found;
        found.open = open;
        bool const object = text_[open] == '{';
        std::size_t at = skip_trivia(open + 1);
        while (at < text_.size() && text_[at] != '}' && text_[at] != ']') {
            jsonc_member member;
            member.begin = at;
            if (object) at = skip_trivia(skip_trivia(skip_string(at)) + 1);  // key, ':'
            member.value_begin = at;
            member.value_end = at = skip_value(at);
            at = skip_trivia(at);
            if (at < text_.size() && text_[at] == ',') {
                member.comma = at;
                at = skip_trivia(at + 1);
            }
            found.members.push_back(member);
            if (at == member.begin) break;  // text that is not JSONC: stop, never loop
        }
        found.close = std::min(at, text_.size());
        return found;
    }

    // --- lines: what an edit of one member keeps and takes ---------------

    std::size_t line_start(std::size_t at) const noexcept {
        if (at == 0) return 0;
        auto const newline = text_.rfind('\n', at - 1);
        return newline == std::string_view::npos ? 0 : newline + 1;
    }

    /// The spaces and tabs that start the line holding `at`.
    std::string_view line_indent(std::size_t at) const noexcept {
        auto const start = line_start(at);
        auto end = start;
        while (end < at && is_space_or_tab(text_[end]))
            ++end;
        return text_.substr(start, end - start);
    }

    /// Whether only blanks, and at most one comma, come before m on its line.
    bool starts_line(jsonc_member const& m) const noexcept {
        bool comma = false;
        for (auto at = line_start(m.begin); at < m.begin; ++at) {
            if (is_space_or_tab(text_[at])) continue;
            if (text_[at] != ',' || comma) return false;
            comma = true;
        }
        return true;
    }

    /// Past m's comma and the comments on its line. With `to_eol`: one past
    /// the end of m's line, or no_offset if more than that (another member,
    /// a bracket, a comment that goes on) follows on it; without: one past
    /// the last comma or comment that does (where text added after m goes).
    std::size_t after_line_tail(jsonc_member const& m, bool to_eol) const noexcept {
        std::size_t at = m.value_end;
        std::size_t last = at;
        while (true) {
            while (at < text_.size() && is_space_or_tab(text_[at]))
                ++at;
            if (at == text_.size()) return to_eol ? at : last;
            if (text_[at] == ',' || starts_comment(at)) {
                auto const end = text_[at] == ',' ? at + 1 : comment_end(at);
                if (text_.substr(at, end - at).find('\n') != std::string_view::npos) break;
                at = last = end;
                continue;
            }
            if (!to_eol) return last;
            if (text_[at] == '\n') return at + 1;
            if (text_[at] == '\r' && at + 1 < text_.size() && text_[at + 1] == '\n') return at + 2;
            break;
        }
        return to_eol ? no_offset : last;
    }

    /// The bytes that go when member i is erased: its lines when it has
    /// them to itself, otherwise the member and the comma after it.
    std::pair<std::size_t, std::size_t> erase_span(jsonc_member const& m) const noexcept {
        if (starts_line(m)) {
            if (auto const end = after_line_tail(m, true); end != no_offset)
                return {line_start(m.begin), end};
        }
        auto begin = m.begin;
        auto end = m.value_end;
        auto after = end;
        while (after < text_.size() && is_space_or_tab(text_[after]))
            ++after;
        if (after < text_.size() && text_[after] == ',') {
            end = after + 1;
            while (end < text_.size() && is_space_or_tab(text_[end]))
                ++end;
        } else {
            while (begin > 0 && is_space_or_tab(text_[begin - 1]))
                --begin;
        }
        return {begin, end};
    }

    /// One past the string whose opening quote is at `at`.
    std::size_t skip_string(std::size_t at) const noexcept {
        for (++at; at < text_.size(); ++at) {
            if (text_[at] == '\\') {
                ++at;
            } else if (text_[at] == '"') {
                return at + 1;
            }
        }
        return text_.size();
    }

private:
    /// Whether c is a byte that skip_container must look at: a quote, a
    /// bracket or a slash.
    static bool is_structural(char c) noexcept {
        static constexpr auto table = [] {
            std::array<bool, 256> marks{};
            for (unsigned char const mark : std::string_view("\"{}[]/"))
                marks[mark] = true;
            return marks;
        }();
        return table[static_cast<unsigned char>(c)];
    }

    static bool ends_scalar(char c) noexcept {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ']' ||
               c == '}' || c == '/' || c == ':';
    }

    std::size_t skip_container(std::size_t at) const noexcept {
        std::size_t depth = 0;
        while (at < text_.size()) {
            char const c = text_[at];
            if (!is_structural(c)) {  // most bytes: the test that all of them need
                ++at;
                continue;
            }
            if (c == '"') {
                at = skip_string(at);
                continue;
            }
            if (starts_comment(at)) {
                at = comment_end(at);
                continue;
            }
            if (c == '{' || c == '[') ++depth;
            if ((c == '}' || c == ']') && --depth == 0) return at + 1;
            ++at;
        }
        return text_.size();
    }

    std::string_view text_;
};

}  // namespace persist::detail

#endif
