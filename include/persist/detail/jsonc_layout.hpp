// Where the members of a JSONC object or array lie in its text, and the
// lines around them: the byte offsets that json_edit needs to change one
// member and keep the rest.
#ifndef PERSIST_DETAIL_JSONC_LAYOUT_HPP
#define PERSIST_DETAIL_JSONC_LAYOUT_HPP

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <optional>
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

    friend bool operator==(jsonc_member const&, jsonc_member const&) = default;
};

/// An object or array: its brackets and its members in text order.
struct jsonc_container {
    std::size_t open = 0;   ///< offset of '{' or '['
    std::size_t close = 0;  ///< offset of '}' or ']'
    std::vector<jsonc_member> members;

    friend bool operator==(jsonc_container const&, jsonc_container const&) = default;
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

/// How many bytes a and b have in common from their first (or, with
/// `from_end`, from their last), compared a block at a time by memcmp.
inline std::size_t common_run(std::string_view a, std::string_view b, bool from_end) noexcept {
    constexpr std::size_t block = 256;
    auto const size = std::min(a.size(), b.size());
    auto const at = [&](std::string_view s, std::size_t i, std::size_t n) {
        return s.data() + (from_end ? s.size() - i - n : i);
    };
    std::size_t same = 0;
    while (same + block <= size && std::memcmp(at(a, same, block), at(b, same, block), block) == 0)
        same += block;
    while (same < size && *at(a, same, 1) == *at(b, same, 1))
        ++same;
    return same;
}

/// c, the layout of a container in `before`, as it lies in `after`, when
/// the two texts differ only inside the value of one of c's members (as an
/// edit below that member leaves them); else nullopt, and the container
/// has to be scanned again. Costs a comparison of the texts, and a scan of
/// that one value in `after`.
///
/// Sound for any two texts: the bytes before the value and after it are
/// the same in both, and the value's new bytes are one whole value, so a
/// scan of `after` would find every other member where c, shifted, has it.
inline std::optional<jsonc_container> carry_layout(jsonc_container c, std::string_view before,
                                                   std::string_view after) {
    auto const prefix = common_run(before, after, false);
    if (prefix == before.size() && prefix == after.size()) return c;
    auto const suffix = common_run(before.substr(prefix), after.substr(prefix), true);
    auto const changed_end = before.size() - suffix;  // [prefix, changed_end) in before
    auto const member = std::find_if(c.members.begin(), c.members.end(), [&](auto const& m) {
        return m.value_begin <= prefix && changed_end <= m.value_end;
    });
    if (member == c.members.end()) return std::nullopt;
    auto const shift = [&](std::size_t& at) {
        if (at != no_offset) at = at - before.size() + after.size();  // modulo 2^N: exact
    };
    auto value_end = member->value_end;
    shift(value_end);
    if (value_end <= member->value_begin || value_end > after.size() ||
        jsonc_scanner(after).skip_value(member->value_begin) != value_end) {
        return std::nullopt;
    }
    member->value_end = value_end;
    shift(member->comma);
    for (auto m = member + 1; m != c.members.end(); ++m) {
        shift(m->begin);
        shift(m->value_begin);
        shift(m->value_end);
        shift(m->comma);
    }
    shift(c.close);
    return c;
}

}  // namespace persist::detail

#endif
