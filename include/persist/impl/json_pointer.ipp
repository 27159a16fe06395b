// Out-of-line definitions for <persist/json_pointer.hpp>.
#ifndef PERSIST_IMPL_JSON_POINTER_IPP
#define PERSIST_IMPL_JSON_POINTER_IPP

#include <persist/json_pointer.hpp>

#include <boost/json/kind.hpp>

#include <limits>
#include <optional>
#include <utility>

namespace persist {

namespace detail {

/// The pointer made of the first `count` tokens, for messages: "'/a/b'", or
/// "the document" for the empty pointer.
inline std::string pointer_prefix(std::vector<std::string> const& tokens, std::size_t count) {
    if (count == 0) return "the document";
    std::string prefix = "'";
    for (std::size_t i = 0; i < count; ++i)
        prefix.append("/").append(escape_json_pointer_token(tokens[i]));
    return prefix + "'";
}

/// An array index token: "0", or digits without a leading zero. "-" and
/// anything else is no index. A number too large for size_t is past the end
/// of every array, so it becomes the largest size_t.
inline std::optional<std::size_t> array_index_of(std::string_view token) noexcept {
    if (token.empty() || (token.size() > 1 && token.front() == '0')) return std::nullopt;
    std::size_t index = 0;
    for (char const c : token) {
        if (c < '0' || c > '9') return std::nullopt;
        auto const digit = static_cast<std::size_t>(c - '0');
        if (index > (std::numeric_limits<std::size_t>::max() - digit) / 10) {
            index = std::numeric_limits<std::size_t>::max();
        } else {
            index = index * 10 + digit;
        }
    }
    return index;
}

inline error pointer_error(stage where, errc code, std::string detail) {
    return error(where, code, {}, {}, std::move(detail));
}

/// What stopped a walk down the tokens of a pointer.
enum class walk_stop { none, missing, through_scalar, not_an_index };

template <class Value>
struct walk_result {
    Value* value = nullptr;   ///< where the walk ended: the target, or the last value reached
    std::size_t reached = 0;  ///< how many tokens were applied
    walk_stop stop = walk_stop::none;
};

/// Applies the first `count` tokens from root, stopping at the first one that
/// names nothing. Value is boost::json::value or its const.
template <class Value>
walk_result<Value> walk(Value& root, std::vector<std::string> const& tokens, std::size_t count) {
    walk_result<Value> at{&root, 0, walk_stop::none};
    for (; at.reached < count; ++at.reached) {
        auto const& token = tokens[at.reached];
        if (auto* object = at.value->if_object()) {
            auto* member = object->if_contains(token);
            if (member == nullptr) {
                at.stop = walk_stop::missing;
                return at;
            }
            at.value = member;
        } else if (auto* array = at.value->if_array()) {
            auto const index = array_index_of(token);
            if (!index) {
                at.stop = token == "-" ? walk_stop::missing : walk_stop::not_an_index;
                return at;
            }
            if (*index >= array->size()) {
                at.stop = walk_stop::missing;
                return at;
            }
            at.value = &(*array)[*index];
        } else {
            at.stop = walk_stop::through_scalar;
            return at;
        }
    }
    return at;
}

/// The error for a walk that stopped, naming the pointer and the reason.
template <class Value>
error walk_error(walk_result<Value> const& at, std::vector<std::string> const& tokens,
                 std::string_view pointer, stage where) {
    std::string const whole = "'" + std::string(pointer) + "'";
    std::string const parent = pointer_prefix(tokens, at.reached);
    std::string const& token = tokens[at.reached];
    switch (at.stop) {
        case walk_stop::missing:
            if (at.value->is_object()) {
                return pointer_error(
                    where, errc::not_found,
                    "no value at " + whole + ": " + parent + " has no member '" + token + "'");
            }
            return pointer_error(where, errc::not_found,
                                 "no value at " + whole + ": " + parent + " has " +
                                     std::to_string(at.value->as_array().size()) +
                                     " elements, no index '" + token + "'");
        case walk_stop::not_an_index:
            return pointer_error(where, errc::invalid_input,
                                 "cannot follow " + whole + ": " + parent + " is an array and '" +
                                     token + "' is not an index");
        case walk_stop::through_scalar:
        case walk_stop::none: break;
    }
    return pointer_error(where, errc::type_mismatch,
                         "cannot follow " + whole + " through " + parent + ", which is " +
                             std::string(json_kind_phrase(*at.value)) + ", not an object or array");
}

}  // namespace detail

PERSIST_DECL result<std::vector<std::string>> parse_json_pointer(std::string_view pointer) {
    std::vector<std::string> tokens;
    if (pointer.empty()) return tokens;
    if (pointer.front() != '/') {
        return detail::pointer_error(
            stage::validate, errc::invalid_input,
            "JSON pointer '" + std::string(pointer) + "' does not start with '/'");
    }
    for (std::size_t at = 0; at < pointer.size(); ++at) {
        char const c = pointer[at];
        if (c == '/') {
            tokens.emplace_back();
        } else if (c != '~') {
            tokens.back() += c;
        } else if (at + 1 < pointer.size() && (pointer[at + 1] == '0' || pointer[at + 1] == '1')) {
            tokens.back() += pointer[++at] == '0' ? '~' : '/';
        } else {
            return detail::pointer_error(stage::validate, errc::invalid_input,
                                         "JSON pointer '" + std::string(pointer) +
                                             "' has a '~' at offset " + std::to_string(at) +
                                             " not followed by '0' or '1'");
        }
    }
    return tokens;
}

PERSIST_DECL std::string escape_json_pointer_token(std::string_view token) {
    std::string escaped;
    escaped.reserve(token.size());
    for (char const c : token) {
        if (c == '~') {
            escaped += "~0";
        } else if (c == '/') {
            escaped += "~1";
        } else {
            escaped += c;
        }
    }
    return escaped;
}

PERSIST_DECL result<boost::json::value const*> find_at_pointer(boost::json::value const& root,
                                                               std::string_view pointer) {
    auto tokens = parse_json_pointer(pointer);
    if (!tokens) return tokens.error();
    auto const at = detail::walk(root, *tokens, tokens->size());
    if (at.stop != detail::walk_stop::none)
        return detail::walk_error(at, *tokens, pointer, stage::read);
    return at.value;
}

PERSIST_DECL result<boost::json::value*> find_at_pointer(boost::json::value& root,
                                                         std::string_view pointer) {
    auto found = find_at_pointer(std::as_const(root), pointer);
    if (!found) return found.error();
    return const_cast<boost::json::value*>(*found);  // it lives in root, which is not const
}

PERSIST_DECL result<void> set_at_pointer(boost::json::value& root, std::string_view pointer,
                                         boost::json::value v) {
    auto tokens = parse_json_pointer(pointer);
    if (!tokens) return tokens.error();
    if (tokens->empty()) {
        root = std::move(v);
        return {};
    }
    // Walk the existing part of the path; every failure is found here,
    // before anything is created, so that an error leaves root unchanged.
    auto const parent_count = tokens->size() - 1;
    auto at = detail::walk(root, *tokens, parent_count);
    if (at.stop == detail::walk_stop::missing && !at.value->is_object()) {
        return detail::pointer_error(
            stage::validate, errc::invalid_input,
            "cannot set '" + std::string(pointer) +
                "': " + detail::pointer_prefix(*tokens, at.reached) + " is an array of " +
                std::to_string(at.value->as_array().size()) + " elements, and '" +
                (*tokens)[at.reached] + "' names none of them");
    }
    if (at.stop != detail::walk_stop::none && at.stop != detail::walk_stop::missing) {
        return detail::walk_error(at, *tokens, pointer, stage::validate);
    }
    auto const& last = tokens->back();
    if (at.stop == detail::walk_stop::none) {
        if (auto* array = at.value->if_array()) {
            auto const index = detail::array_index_of(last);
            if (last == "-") {
                array->push_back(std::move(v));
                return {};
            }
            if (!index || *index >= array->size()) {
                return detail::pointer_error(
                    stage::validate, errc::invalid_input,
                    "cannot set '" + std::string(pointer) +
                        "': " + detail::pointer_prefix(*tokens, parent_count) + " is an array of " +
                        std::to_string(array->size()) + " elements, and '" + last +
                        "' is neither one of their indexes nor '-'");
            }
            (*array)[*index] = std::move(v);
            return {};
        }
        if (!at.value->is_object()) {
            at.reached = parent_count;
            return detail::walk_error(at, *tokens, pointer, stage::validate);
        }
    }
    // From here on every token names an object member: create what is missing.
    auto* object = &at.value->as_object();
    for (std::size_t i = at.reached; i < parent_count; ++i) {
        object = &object->emplace((*tokens)[i], boost::json::object()).first->value().as_object();
    }
    object->insert_or_assign(last, std::move(v));
    return {};
}

PERSIST_DECL result<bool> erase_at_pointer(boost::json::value& root, std::string_view pointer) {
    auto tokens = parse_json_pointer(pointer);
    if (!tokens) return tokens.error();
    if (tokens->empty()) {
        return detail::pointer_error(stage::validate, errc::invalid_input,
                                     "cannot erase the whole document ('')");
    }
    auto const at = detail::walk(root, *tokens, tokens->size() - 1);
    if (at.stop == detail::walk_stop::missing) return false;
    if (at.stop != detail::walk_stop::none)
        return detail::walk_error(at, *tokens, pointer, stage::validate);
    auto const& last = tokens->back();
    if (auto* object = at.value->if_object()) return object->stable_erase(last) != 0;
    if (auto* array = at.value->if_array()) {
        auto const index = detail::array_index_of(last);
        if (!index && last != "-") {
            auto stopped = at;
            stopped.stop = detail::walk_stop::not_an_index;
            return detail::walk_error(stopped, *tokens, pointer, stage::validate);
        }
        if (!index || *index >= array->size()) return false;
        array->erase(array->begin() + static_cast<std::ptrdiff_t>(*index));
        return true;
    }
    auto stopped = at;
    stopped.stop = detail::walk_stop::through_scalar;
    return detail::walk_error(stopped, *tokens, pointer, stage::validate);
}

PERSIST_DECL std::string_view json_kind_phrase(boost::json::value const& v) noexcept {
    switch (v.kind()) {
        case boost::json::kind::null: return "null";
        case boost::json::kind::bool_: return "a boolean";
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_: return "a number";
        case boost::json::kind::string: return "a string";
        case boost::json::kind::array: return "an array";
        case boost::json::kind::object: return "an object";
    }
    return "a value";
}

PERSIST_DECL void merge_json(boost::json::value& base, boost::json::value const& overlay) {
    auto* base_object = base.if_object();
    auto const* overlay_object = overlay.if_object();
    if (base_object == nullptr || overlay_object == nullptr) {
        base = overlay;
        return;
    }
    for (auto const& member : *overlay_object) {
        if (auto* existing = base_object->if_contains(member.key())) {
            merge_json(*existing, member.value());
        } else {
            base_object->emplace(member.key(), member.value());
        }
    }
}

}  // namespace persist

#endif
