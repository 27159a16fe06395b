// Out-of-line definitions for <persist/json_edit.hpp>.
//
// The editor walks the old document's parsed value and target side by side,
// and the old text beside them (detail::jsonc_scanner gives the offsets of
// each member). Only the containers on the path to a change are scanned.
// Each change becomes a text_edit (a byte range and its replacement), and
// the edits are applied in one pass at the end. The text of what is added
// is written by detail::jsonc_writer (json_edit_writer.ipp), in the style
// learnt here.
#ifndef PERSIST_IMPL_JSON_EDIT_IPP
#define PERSIST_IMPL_JSON_EDIT_IPP

#include <persist/json_edit.hpp>

#include <persist/detail/jsonc_layout.hpp>
#include <persist/impl/json_edit_writer.ipp>
#include <persist/impl/json_pointer.ipp>  // array_index_of
#include <persist/json_text.hpp>

#include <boost/json/parse.hpp>

#include <boost/assert.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace persist {

namespace detail {

/// Bytes [begin, end) of the old text become `replacement`.
struct text_edit {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string replacement;
};

/// Where a container's text is: the indentation of the line its member
/// starts on, and whether that member has its lines to itself (else it
/// shares a line with others, and what is added to it stays on that line).
struct placement {
    std::string_view indent;
    bool multiline = true;
};

/// a == b as boost::json::value's operator== decides it (an int64 equals a
/// uint64 of the same value; object members in any order), without the
/// copy of every member that Boost.JSON 1.81's object comparison makes.
inline bool equal_values(boost::json::value const& a, boost::json::value const& b) noexcept {
    if (auto const* object = a.if_object()) {
        auto const* other = b.if_object();
        if (other == nullptr || other->size() != object->size()) return false;
        return std::all_of(object->begin(), object->end(), [&](auto const& member) {
            auto const* found = other->if_contains(member.key());
            return found != nullptr && equal_values(member.value(), *found);
        });
    }
    if (auto const* array = a.if_array()) {
        auto const* other = b.if_array();
        if (other == nullptr || other->size() != array->size()) return false;
        for (std::size_t i = 0; i < array->size(); ++i) {
            if (!equal_values((*array)[i], (*other)[i])) return false;
        }
        return true;
    }
    return a == b;
}

/// Number of object members (of all objects) in v.
inline std::size_t count_object_members(boost::json::value const& v) {
    std::size_t count = 0;
    if (auto const* object = v.if_object()) {
        count += object->size();
        for (auto const& member : *object)
            count += count_object_members(member.value());
    } else if (auto const* array = v.if_array()) {
        for (auto const& element : *array)
            count += count_object_members(element);
    }
    return count;
}

class jsonc_editor {
public:
    explicit jsonc_editor(std::string_view text) : text_(text), scan_(text), writer_(text) {}

    /// The offset of an object that holds a key twice, if one does.
    std::optional<std::size_t> find_duplicate_key(boost::json::value const& old,
                                                  std::size_t root) const {
        if (count_colons() == count_object_members(old)) return std::nullopt;
        return find_duplicate_in(old, root);
    }

    /// Records the edits of a change at path alone (see edit_json_text_at)
    /// to the value at begin, which parsed to what target is but at path.
    /// With root_layout: the layout of the container at begin, if the
    /// caller knows it.
    void edit_at(std::size_t begin, std::span<std::string const> path,
                 boost::json::value const* before, boost::json::value const& target,
                 std::optional<jsonc_container> root_layout = std::nullopt) {
        root_open_ = begin;
        if (root_layout && root_layout->open == begin) root_ = std::move(root_layout);
        jsonc_member root;
        root.begin = root.value_begin = begin;
        root.value_end = path.empty() ? scan_.skip_value(begin) : no_offset;
        edit_along(root, path, before, target, scan_.line_indent(begin), true);
    }

    /// The layout of the top-level container in the old text, if the
    /// edit had it (given, or scanned because the change is inside it).
    std::optional<jsonc_container>& root_layout() noexcept { return root_; }

    /// The old text with every recorded edit applied.
    std::string apply() {
        std::stable_sort(edits_.begin(), edits_.end(), [](text_edit const& a, text_edit const& b) {
            return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
        });
        std::size_t added = 0;
        for (auto const& edit : edits_)
            added += edit.replacement.size();
        std::string out;
        out.reserve(text_.size() + added);
        std::size_t at = 0;
        for (auto const& edit : edits_) {
            BOOST_ASSERT(edit.begin >= at);  // the edits never overlap
            auto const begin = std::max(edit.begin, at);
            out.append(text_.substr(at, begin - at));
            out += edit.replacement;
            at = std::max(edit.end, begin);
        }
        out.append(text_.substr(at));
        return out;
    }

private:
    // --- reading the old text ------------------------------------------------

    /// The container whose bracket is at `open`: the top level's is
    /// scanned once (or was given), any other is scanned into `scratch`.
    jsonc_container const& container_at(std::size_t open, std::optional<jsonc_container>& scratch) {
        if (open != root_open_) return scratch.emplace(scan_.scan_container(open));
        if (!root_) root_ = scan_.scan_container(open);
        return *root_;
    }

    std::size_t count_colons() const {
        std::size_t count = 0;
        for (std::size_t at = 0; at < text_.size();) {
            if (text_[at] == '"') {
                at = scan_.skip_string(at);
            } else if (scan_.starts_comment(at)) {
                at = scan_.comment_end(at);
            } else {
                count += text_[at++] == ':' ? 1 : 0;
            }
        }
        return count;
    }

    std::optional<std::size_t> find_duplicate_in(boost::json::value const& v,
                                                 std::size_t begin) const {
        if (!v.is_object() && !v.is_array()) return std::nullopt;
        auto const layout = scan_.scan_container(begin);
        if (auto const* object = v.if_object()) {
            if (layout.members.size() != object->size()) return begin;
            for (std::size_t i = 0; i < layout.members.size(); ++i) {
                auto const found = find_duplicate_in((object->begin() + i)->value(),
                                                     layout.members[i].value_begin);
                if (found) return found;
            }
            return std::nullopt;
        }
        auto const& array = v.get_array();
        for (std::size_t i = 0; i < layout.members.size() && i < array.size(); ++i) {
            if (auto found = find_duplicate_in(array[i], layout.members[i].value_begin))
                return found;
        }
        return std::nullopt;
    }

    /// Whether commas start the lines of c's members (else: the document's).
    bool uses_leading_commas(jsonc_container const& c) const noexcept {
        for (std::size_t i = 1; i < c.members.size(); ++i) {
            auto const& m = c.members[i];
            if (scan_.starts_line(m) && c.members[i - 1].comma >= scan_.line_start(m.begin))
                return true;
        }
        return c.members.size() > 1 ? false : writer_.style.leading_commas;
    }

    /// Takes from c what its new members should look like.
    void learn_style(jsonc_container const& c, bool object, std::string_view indent) {
        if (c.members.empty()) return;
        if (c.members.back().comma != no_offset) writer_.style.trailing_commas = true;
        if (c.members.size() > 1) writer_.style.leading_commas = uses_leading_commas(c);
        auto const& first = c.members.front();
        if (object) {
            auto const key_end = scan_.skip_string(first.begin);
            auto const colon = text_.substr(key_end, first.value_begin - key_end);
            if (colon.find_first_of("/\r\n") == std::string_view::npos) writer_.style.colon = colon;
        }
        auto const member_indent = scan_.line_indent(first.begin);
        if (writer_.style.unit.empty() && scan_.starts_line(first) &&
            member_indent.size() > indent.size() && member_indent.starts_with(indent)) {
            writer_.style.unit = member_indent.substr(indent.size());
        }
    }

    // --- recording edits -----------------------------------------------------

    void replace(std::size_t begin, std::size_t end, std::string text) {
        edits_.push_back({begin, end, std::move(text)});
    }
    void insert(std::size_t at, std::string text) { replace(at, at, std::move(text)); }
    /// Removes the comma at `at`; one that starts its line becomes a blank,
    /// so that the member after it keeps its column.
    void erase_comma(std::size_t at) {
        bool const starts = scan_.line_indent(at).size() == at - scan_.line_start(at);
        replace(at, at + 1, starts ? " " : "");
    }

    /// The index of c's member whose key is `key`, or no_offset.
    std::size_t find_member(jsonc_container const& c, std::string_view key) const {
        for (std::size_t i = 0; i < c.members.size(); ++i) {
            auto const begin = c.members[i].begin;
            auto const quoted = text_.substr(begin, scan_.skip_string(begin) - begin);
            if (quoted.size() < 2) continue;
            auto const raw = quoted.substr(1, quoted.size() - 2);
            if (raw.find('\\') == std::string_view::npos) {
                if (raw == key) return i;
                continue;
            }
            boost::system::error_code ec;
            auto const decoded = boost::json::parse(quoted, ec);
            if (!ec && decoded.is_string() && decoded.get_string() == key) return i;
        }
        return no_offset;
    }

    // --- the diff --------------------------------------------------------------

    /// What edit_value would record for m, given that old and target differ
    /// only at path, where old held *before: the containers on the path are
    /// scanned and learnt from as edit_object and edit_array do, and their
    /// other members are known to be equal.
    void edit_along(jsonc_member const& m, std::span<std::string const> path,
                    boost::json::value const* before, boost::json::value const& target,
                    std::string_view indent, bool multiline) {
        if (path.empty()) {
            BOOST_ASSERT(before != nullptr);
            if (before != nullptr) edit_value(m, *before, target, indent, multiline);
            return;
        }
        char const bracket = m.value_begin < text_.size() ? text_[m.value_begin] : '\0';
        auto const* object = target.if_object();
        auto const* array = target.if_array();
        if (!(bracket == '{' && object != nullptr) && !(bracket == '[' && array != nullptr)) {
            BOOST_ASSERT(false);  // not what the caller promised: write target there whole
            std::string text;
            writer_.append_value(text, target, indent, 0, multiline);
            replace(m.value_begin, scan_.skip_value(m.value_begin), std::move(text));
            return;
        }
        std::optional<jsonc_container> scratch;
        auto const& c = container_at(m.value_begin, scratch);
        auto const saved = writer_.style;
        learn_style(c, object != nullptr, indent);
        placement const where{indent, multiline};
        std::vector<bool> erased(c.members.size());
        std::size_t const found = object != nullptr
                                      ? find_member(c, path.front())
                                      : array_index_of(path.front()).value_or(no_offset);
        auto const* wanted = object != nullptr       ? object->if_contains(path.front())
                             : found < array->size() ? &(*array)[found]
                                                     : nullptr;
        if (found < c.members.size() && wanted != nullptr) {
            auto const& member = c.members[found];
            edit_along(member, path.subspan(1), before, *wanted, scan_.line_indent(member.begin),
                       scan_.starts_line(member));
        } else if (found < c.members.size()) {
            erased[found] = true;
            finish_container(c, erased, {}, no_offset, where);
        } else if (wanted != nullptr && object != nullptr) {
            finish_container(c, erased, {{true, path.front(), wanted}},
                             c.members.empty() ? no_offset : c.members.size() - 1, where);
        }
        writer_.style = saved;
    }

    /// m's value parsed to old and must become target; indent is that of
    /// m's line.
    void edit_value(jsonc_member const& m, boost::json::value const& old,
                    boost::json::value const& target, std::string_view indent, bool multiline) {
        if (equal_values(old, target)) return;
        std::optional<jsonc_container> scratch;
        if (old.is_object() && target.is_object()) {
            edit_object(container_at(m.value_begin, scratch), old.get_object(), target.get_object(),
                        {indent, multiline});
        } else if (old.is_array() && target.is_array()) {
            edit_array(container_at(m.value_begin, scratch), old.get_array(), target.get_array(),
                       {indent, multiline});
        } else {
            std::string text;
            writer_.append_value(text, target, indent, 0, multiline);
            replace(m.value_begin, m.value_end, std::move(text));
        }
    }

    void edit_member(jsonc_member const& m, boost::json::value const& old,
                     boost::json::value const& target) {
        edit_value(m, old, target, scan_.line_indent(m.begin), scan_.starts_line(m));
    }

    void edit_object(jsonc_container const& c, boost::json::object const& old,
                     boost::json::object const& target, placement const& where) {
        auto const saved = writer_.style;
        learn_style(c, true, where.indent);
        std::vector<bool> erased(c.members.size());
        for (std::size_t i = 0; i < c.members.size(); ++i) {
            auto const& member = *(old.begin() + i);
            if (auto const* wanted = target.if_contains(member.key())) {
                edit_member(c.members[i], member.value(), *wanted);
            } else {
                erased[i] = true;
            }
        }
        std::vector<new_member> added;
        for (auto const& member : target) {
            if (!old.contains(member.key())) added.push_back({true, member.key(), &member.value()});
        }
        auto survivor = std::find(erased.rbegin(), erased.rend(), false);
        std::size_t anchor = survivor == erased.rend() ? no_offset : erased.rend() - survivor - 1;
        if (!added.empty() && anchor == no_offset && !c.members.empty()) {
            anchor = c.members.size() - 1;  // all erased: the first new member takes its place
            erased[anchor] = false;
            replace_member(c.members[anchor], added.front());
            added.erase(added.begin());
        }
        finish_container(c, erased, added, added.empty() ? no_offset : anchor, where);
        writer_.style = saved;
    }

    void replace_member(jsonc_member const& m, new_member const& with) {
        std::string text;
        writer_.append_member(text, with, scan_.line_indent(m.begin), scan_.starts_line(m));
        replace(m.begin, m.value_end, std::move(text));
    }

    void edit_array(jsonc_container const& c, boost::json::array const& old,
                    boost::json::array const& target, placement const& where) {
        auto const saved = writer_.style;
        learn_style(c, false, where.indent);
        std::size_t const n = old.size();
        std::size_t const m = target.size();
        std::size_t prefix = 0;
        while (prefix < std::min(n, m) && equal_values(old[prefix], target[prefix]))
            ++prefix;
        std::size_t suffix = 0;
        while (suffix < std::min(n, m) - prefix &&
               equal_values(old[n - 1 - suffix], target[m - 1 - suffix]))
            ++suffix;
        if (prefix == 0 && suffix == n && n > 0 && m > n) --suffix;  // nothing before element 0
        std::size_t const pairs = std::min(n - prefix - suffix, m - prefix - suffix);
        std::vector<bool> erased(n);
        for (std::size_t i = prefix; i < n - suffix; ++i) {
            if (i < prefix + pairs) {
                edit_member(c.members[i], old[i], target[i]);
            } else {
                erased[i] = true;
            }
        }
        std::vector<new_member> added;
        for (std::size_t i = prefix + pairs; i < m - suffix; ++i)
            added.push_back({false, {}, &target[i]});
        auto const anchor = added.empty() || n == 0 ? no_offset : prefix + pairs - 1;
        finish_container(c, erased, added, anchor, where);
        writer_.style = saved;
    }

    // --- erasing, adding and commas ------------------------------------------

    void finish_container(jsonc_container const& c, std::vector<bool> const& erased,
                          std::vector<new_member> const& added, std::size_t anchor,
                          placement const& where) {
        if (c.members.empty()) {
            if (!added.empty()) fill_empty(c, added, where);
            return;
        }
        std::vector<std::pair<std::size_t, std::size_t>> spans(c.members.size());
        std::size_t erased_up_to = 0;
        for (std::size_t i = 0; i < c.members.size(); ++i) {
            if (!erased[i]) continue;
            spans[i] = scan_.erase_span(c.members[i]);
            spans[i].first = std::max(spans[i].first, erased_up_to);
            erased_up_to = spans[i].second;
            replace(spans[i].first, spans[i].second, {});
        }
        std::vector<std::size_t> survivors;
        for (std::size_t i = 0; i < c.members.size(); ++i) {
            if (!erased[i]) survivors.push_back(i);
        }
        auto kept_commas = [&](std::size_t from, std::size_t to) {
            std::vector<std::size_t> kept;
            for (auto j = from; j < to; ++j) {
                auto const comma = c.members[j].comma;
                auto covered = [&](std::size_t i) {
                    return i < erased.size() && erased[i] && comma >= spans[i].first &&
                           comma < spans[i].second;
                };
                if (comma != no_offset && !covered(j) && !covered(j + 1)) kept.push_back(comma);
            }
            return kept;
        };
        fix_commas(c, survivors, kept_commas, added, anchor);
    }

    template <class KeptCommas>
    void fix_commas(jsonc_container const& c, std::vector<std::size_t> const& survivors,
                    KeptCommas const& kept_commas, std::vector<new_member> const& added,
                    std::size_t anchor) {
        std::size_t const n = c.members.size();
        if (survivors.empty()) {
            for (auto comma : kept_commas(0, n))
                erase_comma(comma);
            return;
        }
        for (auto comma : kept_commas(0, survivors.front()))
            erase_comma(comma);
        for (std::size_t s = 0; s < survivors.size(); ++s) {
            bool const last = s + 1 == survivors.size();
            auto const here = survivors[s];
            auto const next = last ? n : survivors[s + 1];
            if (here != anchor && next == here + 1) continue;  // nothing erased after it
            auto const kept = kept_commas(here, next);
            if (here == anchor) {
                add_after(c, here, !last, kept, added);
            } else {
                bool const want = !last || c.members.back().comma != no_offset;
                if (want && kept.empty()) insert(c.members[here].value_end, ",");
                for (std::size_t k = want ? 1 : 0; k < kept.size(); ++k)
                    erase_comma(kept[k]);
            }
        }
    }

    /// What starts the line of a new member after k in a container with
    /// leading commas: the prefix of a line that starts with one.
    std::string leading_prefix(jsonc_container const& c, std::size_t k) const {
        for (std::size_t i = k + 1; i-- > 0;) {
            auto const& m = c.members[i];
            auto const prefix =
                text_.substr(scan_.line_start(m.begin), m.begin - scan_.line_start(m.begin));
            if (scan_.starts_line(m) && prefix.find(',') != std::string_view::npos)
                return std::string(prefix);
        }
        return std::string(scan_.line_indent(c.members[k].begin)) + ", ";
    }

    /// Adds the new members after member k (`more`: other members follow
    /// k), and fixes the commas `kept` between k and what follows.
    void add_after(jsonc_container const& c, std::size_t k, bool more,
                   std::vector<std::size_t> const& kept, std::vector<new_member> const& added) {
        auto const& m = c.members[k];
        bool const own_line = scan_.starts_line(m);
        bool const comma_first = !own_line || uses_leading_commas(c);
        auto const at = own_line ? scan_.after_line_tail(m, false) : m.value_end;
        auto const split = std::partition_point(kept.begin(), kept.end(),
                                                [&](std::size_t comma) { return comma < at; });
        std::vector<std::size_t> const before(kept.begin(), split);
        std::vector<std::size_t> const after(split, kept.end());
        for (std::size_t i = comma_first ? 0 : 1; i < before.size(); ++i)
            erase_comma(before[i]);
        if (!comma_first && before.empty()) insert(m.value_end, ",");
        auto const indent = scan_.line_indent(m.begin);
        auto const prefix = comma_first && own_line ? leading_prefix(c, k) : std::string();
        std::string text;
        for (std::size_t i = 0; i < added.size(); ++i) {
            if (comma_first) {
                text += own_line ? std::string(writer_.style.eol) + prefix : std::string(", ");
            } else {
                text += i > 0 ? "," : "";
                text.append(writer_.style.eol).append(indent);
            }
            writer_.append_member(text, added[i], indent, own_line);
        }
        bool const want = more || c.members.back().comma != no_offset;
        if (want && after.empty()) text += ',';
        for (std::size_t i = want ? 1 : 0; i < after.size(); ++i)
            erase_comma(after[i]);
        insert(at, std::move(text));
    }

    /// Adds the first members to the empty container c: one per line, or,
    /// when it shares a line with other members and is written on one
    /// line, all on that line.
    void fill_empty(jsonc_container const& c, std::vector<new_member> const& added,
                    placement const& where) {
        auto from = c.close;
        while (from > c.open + 1 &&
               std::string_view(" \t\r\n").find(text_[from - 1]) != std::string_view::npos)
            --from;
        std::string text;
        if (!where.multiline &&
            text_.substr(c.open, c.close - c.open).find('\n') == std::string_view::npos) {
            for (std::size_t i = 0; i < added.size(); ++i) {
                if (i > 0) {
                    text += ", ";
                } else if (from > c.open + 1) {
                    text += ' ';  // after a comment
                }
                writer_.append_member(text, added[i], where.indent, false);
            }
            replace(from, c.close, std::move(text));
            return;
        }
        std::string const child = std::string(where.indent).append(writer_.unit());
        for (std::size_t i = 0; i < added.size(); ++i) {
            if (i > 0 && !writer_.style.leading_commas) text += ',';
            text += writer_.style.eol;
            text +=
                i > 0 && writer_.style.leading_commas ? std::string(where.indent) + ", " : child;
            writer_.append_member(text, added[i], child, true);
        }
        if (writer_.style.trailing_commas && !writer_.style.leading_commas) text += ',';
        text.append(writer_.style.eol).append(where.indent);
        replace(from, c.close, std::move(text));
    }

    std::string_view text_;
    jsonc_scanner scan_;
    std::size_t root_open_ = no_offset;
    std::optional<jsonc_container> root_;
    jsonc_writer writer_;
    std::vector<text_edit> edits_;
};

}  // namespace detail

PERSIST_DECL result<std::string> edit_json_text(std::string_view original,
                                                boost::json::value const& target,
                                                std::filesystem::path const& source) {
    auto old = parse_json(original, source, json_syntax::jsonc);  // past the mark itself
    if (!old) return old.error();
    if (auto unique = check_unique_keys(original, *old, source); !unique) return unique.error();
    return edit_json_text_at(original, target, {}, &*old);
}

PERSIST_DECL result<void> check_unique_keys(std::string_view original,
                                            boost::json::value const& parsed,
                                            std::filesystem::path const& source) {
    std::size_t const bom =
        original.starts_with(utf8_byte_order_mark) ? utf8_byte_order_mark.size() : 0;
    detail::jsonc_editor const editor(original);
    auto const root = detail::jsonc_scanner(original).skip_trivia(bom);
    if (auto const duplicate = editor.find_duplicate_key(parsed, root)) {
        return malformed_at(original.substr(bom), *duplicate - bom, source,
                            "duplicate key in this object");
    }
    return {};
}

PERSIST_DECL std::string edit_json_text_at(std::string_view original,
                                           boost::json::value const& target,
                                           std::span<std::string const> path,
                                           boost::json::value const* before) {
    std::optional<detail::jsonc_container> unknown;
    return detail::edit_json_text_at(original, target, path, before, unknown);
}

PERSIST_DECL std::string detail::edit_json_text_at(std::string_view original,
                                                   boost::json::value const& target,
                                                   std::span<std::string const> path,
                                                   boost::json::value const* before,
                                                   std::optional<jsonc_container>& root_layout) {
    std::size_t const bom =
        original.starts_with(utf8_byte_order_mark) ? utf8_byte_order_mark.size() : 0;
    jsonc_editor editor(original);
    editor.edit_at(jsonc_scanner(original).skip_trivia(bom), path, before, target,
                   std::move(root_layout));
    auto text = editor.apply();
    auto& used = editor.root_layout();
    root_layout = used ? carry_layout(std::move(*used), original, text) : std::nullopt;
    return text;
}

}  // namespace persist

#endif
