// Part of the out-of-line definitions for <persist/json_edit.hpp>: how
// the editor writes the text it adds (new members, changed values) in the
// style of the document it edits. json_edit.ipp learns the style from the
// containers on the path to a change; this file only writes with it.
#ifndef PERSIST_IMPL_JSON_EDIT_WRITER_IPP
#define PERSIST_IMPL_JSON_EDIT_WRITER_IPP

#include <persist/impl/json_text.ipp>  // format_json's writers: append_scalar, append_plain_string

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace persist::detail {

/// How the document writes what the editor adds: taken from the
/// containers on the path to the change, outermost first.
struct edit_style {
    std::string_view eol = "\n";
    std::string_view unit;          ///< one level of indentation, if seen
    std::string_view colon = ": ";  ///< between a key and its value
    bool trailing_commas = false;   ///< a last member followed by a comma
    bool leading_commas = false;    ///< commas that start lines
};

/// A member that target has and the old document has not.
struct new_member {
    bool keyed = false;  ///< an object member, not an array element
    std::string_view key;
    boost::json::value const* value = nullptr;
};

/// Writes keys and values as format_json does, but in a document's style:
/// its line ends, its indentation unit and its colon.
class jsonc_writer {
public:
    /// For additions to `text`, whose first line end gives the style's.
    explicit jsonc_writer(std::string_view text) : text_(text) {
        auto const newline = text.find('\n');
        if (newline != std::string_view::npos && newline > 0 && text[newline - 1] == '\r')
            style.eol = "\r\n";
    }

    edit_style style;

    /// One level of indentation: as the containers on the path indent, or
    /// else a tab if any line starts with one, or else two spaces. Looked
    /// for only when new text needs it.
    std::string_view unit() {
        if (!style.unit.empty()) return style.unit;
        if (!default_unit_)
            default_unit_ = text_.find("\n\t") != std::string_view::npos ? "\t" : "  ";
        return *default_unit_;
    }

    void append_key(std::string& out, std::string_view key) {
        if (!append_plain_string(out, key)) {
            serializer_.reset(key);
            append_serialized(out, serializer_);
        }
    }

    /// v laid out as format_json does, each line starting with base and
    /// `depth` units; or, unless multiline, on one line.
    void append_value(std::string& out, boost::json::value const& v, std::string_view base,
                      std::size_t depth, bool multiline) {
        auto const* object = v.if_object();
        auto const* array = v.if_array();
        if ((object == nullptr || object->empty()) && (array == nullptr || array->empty())) {
            append_scalar(out, serializer_, v);
            return;
        }
        auto newline = [&](std::size_t level) {
            if (!multiline) return;
            out += style.eol;
            out += base;
            for (std::size_t i = 0; i < level; ++i)
                out += unit();
        };
        out += object != nullptr ? '{' : '[';
        std::size_t const size = object != nullptr ? object->size() : array->size();
        for (std::size_t i = 0; i < size; ++i) {
            if (i > 0) out += multiline ? "," : ", ";
            newline(depth + 1);
            if (object != nullptr) {
                auto const& member = *(object->begin() + i);
                append_key(out, member.key());
                out += style.colon;
                append_value(out, member.value(), base, depth + 1, multiline);
            } else {
                append_value(out, (*array)[i], base, depth + 1, multiline);
            }
        }
        newline(depth);
        out += object != nullptr ? '}' : ']';
    }

    void append_member(std::string& out, new_member const& m, std::string_view base,
                       bool multiline) {
        if (m.keyed) {
            append_key(out, m.key);
            out += style.colon;
        }
        append_value(out, *m.value, base, 0, multiline);
    }

private:
    std::string_view text_;
    std::optional<std::string_view> default_unit_;
    boost::json::serializer serializer_;
};

}  // namespace persist::detail

#endif
