// Template bodies of <persist/tolerant_conversion.hpp>.
#ifndef PERSIST_IMPL_TOLERANT_CONVERSION_HPP
#define PERSIST_IMPL_TOLERANT_CONVERSION_HPP

#include <boost/describe/enum_from_string.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/conversion.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace persist::detail {

namespace json = boost::json;

/// Why a conversion failed and where. The path is gathered while the failure
/// unwinds, innermost segment first, so a successful conversion builds none.
struct conversion_failure {
    std::vector<std::string> reversed_path;  ///< ".width", "[2]", "[\"key\"]"
    std::string problem;                     ///< "expected number"
};

inline bool fail(conversion_failure& failure, std::string problem) {
    failure.problem = std::move(problem);
    return false;
}

inline std::string member_segment(std::string_view name) { return "." + std::string(name); }
inline std::string index_segment(std::size_t index) { return "[" + std::to_string(index) + "]"; }
inline std::string key_segment(std::string_view key) {
    std::string segment = "[\"";
    for (char const c : key) {
        if (c == '"' || c == '\\') segment += '\\';
        segment += c;
    }
    return segment + "\"]";
}

/// "root.a[1].b: problem", or "a[1].b: problem" without a root.
inline std::string describe_failure(conversion_failure const& failure, std::string_view root) {
    std::string path(root);
    for (auto it = failure.reversed_path.rbegin(); it != failure.reversed_path.rend(); ++it)
        path += *it;
    if (root.empty() && !path.empty() && path.front() == '.') path.erase(0, 1);
    return path.empty() ? failure.problem : path + ": " + failure.problem;
}

template <class T>
inline constexpr bool dependent_false = false;

template <class T>
struct is_std_optional : std::false_type {};
template <class U>
struct is_std_optional<std::optional<U>> : std::true_type {};

/// Opted in with PERSIST_TOLERANT_CONVERSION: found by ADL in T's namespace.
template <class T>
concept tolerant_opted_in = requires(T const* p) {
    persist_tolerant_conversion(p);
};

template <class T>
concept has_user_json_to = requires(json::value const& v) {
    tag_invoke(json::value_to_tag<T>{}, v);
};
template <class T>
concept has_user_json_try_to = requires(json::value const& v) {
    tag_invoke(json::try_value_to_tag<T>{}, v);
};
template <class T>
concept has_user_json_from = requires(json::value& v, T const& t) {
    tag_invoke(json::value_from_tag{}, v, t);
};

template <class T>
concept described_struct =
    std::is_class_v<T> && !std::is_union_v<T> && boost::describe::has_describe_members<T>::value;
template <class T>
concept described_enum = std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;

template <class T>
concept json_native = std::is_same_v<T, json::value> || std::is_same_v<T, json::object> ||
    std::is_same_v<T, json::array> || std::is_same_v<T, json::string>;

// A struct persist converts itself: opted in, or described with no
// conversion of its own in that direction.
template <class T>
concept tolerant_struct_to = tolerant_opted_in<T> ||
    (described_struct<T> && !has_user_json_to<T> && !has_user_json_try_to<T>);
template <class T>
concept tolerant_struct_from = tolerant_opted_in<T> ||
    (described_struct<T> && !has_user_json_from<T>);

template <class T>
concept insertable_sequence = json::is_sequence_like<T>::value &&
    std::is_default_constructible_v<typename T::value_type> &&(
        requires(T& c, typename T::value_type e) { c.push_back(std::move(e)); } ||
        requires(T & c, typename T::value_type e) { c.insert(c.end(), std::move(e)); });

template <class T>
concept string_keyed_map = json::is_map_like<T>::value && requires {
    typename T::mapped_type;
} && std::is_default_constructible_v<typename T::mapped_type>;

template <class T>
using described_fields = boost::describe::describe_members<T, boost::describe::mod_any_access |
                                                                  boost::describe::mod_inherited>;

template <class T>
bool read_into(json::value const& v, T& out, conversion_failure& failure);

template <class T>
bool read_struct(json::value const& v, T& out, conversion_failure& failure) {
    auto const* object = v.if_object();
    if (object == nullptr) return fail(failure, "expected object");
    bool ok = true;
    boost::mp11::mp_for_each<described_fields<T>>([&](auto field) {
        if (!ok) return;
        auto const* member = object->if_contains(field.name);
        if (member == nullptr) return;  // missing: keeps its default
        if (!read_into(*member, out.*field.pointer, failure)) {
            failure.reversed_path.push_back(member_segment(field.name));
            ok = false;
        }
    });
    return ok;
}

template <class T>
bool read_enum(json::value const& v, T& out, conversion_failure& failure) {
    if (auto const* name = v.if_string()) {
        if (boost::describe::enum_from_string(name->c_str(), out)) return true;
    } else if (v.is_number()) {
        boost::system::error_code ec;
        auto const number = v.to_number<std::underlying_type_t<T>>(ec);
        if (!ec) {
            out = static_cast<T>(number);
            return true;
        }
    }
    std::string expected = "expected one of:";
    char const* separator = " ";
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) {
        expected.append(separator).append(e.name);
        separator = ", ";
    });
    return fail(failure, std::move(expected));
}

// std::in_range, but for every integer type (char too).
template <class T>
bool integer_fits(std::int64_t i) {
    using limits = std::numeric_limits<T>;
    if constexpr (limits::is_signed)
        return i >= static_cast<std::int64_t>(limits::min()) &&
               i <= static_cast<std::int64_t>(limits::max());
    else
        return i >= 0 && static_cast<std::uint64_t>(i) <= static_cast<std::uint64_t>(limits::max());
}
template <class T>
bool integer_fits(std::uint64_t u) {
    return u <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
}

template <class T>
bool read_integer(json::value const& v, T& out, conversion_failure& failure) {
    using limits = std::numeric_limits<T>;
    if (v.is_int64() && integer_fits<T>(v.get_int64())) {
        out = static_cast<T>(v.get_int64());
        return true;
    }
    if (v.is_uint64() && integer_fits<T>(v.get_uint64())) {
        out = static_cast<T>(v.get_uint64());
        return true;
    }
    if (v.is_double()) {
        // [min, 2^digits) is exactly T's range, and both ends are exact doubles.
        double const d = v.get_double();
        double const upper = std::ldexp(1.0, limits::digits);
        double const lower = limits::is_signed ? -upper : 0.0;
        if (std::isfinite(d) && d == std::trunc(d) && d >= lower && d < upper) {
            out = static_cast<T>(d);
            return true;
        }
    }
    return fail(failure, "expected integer from " + std::to_string(limits::min()) + " to " +
                             std::to_string(limits::max()));
}

template <class T>
bool read_floating(json::value const& v, T& out, conversion_failure& failure) {
    if (!v.is_number()) return fail(failure, "expected number");
    double const d = v.to_number<double>();
    if (std::abs(d) > static_cast<double>(std::numeric_limits<T>::max())) {
        return fail(failure, "expected number within the range of a " +
                                 std::to_string(sizeof(T) * 8) + "-bit float");
    }
    out = static_cast<T>(d);
    return true;
}

template <class T>
bool read_map(json::value const& v, T& out, conversion_failure& failure) {
    auto const* object = v.if_object();
    if (object == nullptr) return fail(failure, "expected object");
    out.clear();
    for (auto const& entry : *object) {
        typename T::mapped_type element{};
        if (!read_into(entry.value(), element, failure)) {
            failure.reversed_path.push_back(key_segment(entry.key()));
            return false;
        }
        out.emplace(typename T::key_type(std::string_view(entry.key())), std::move(element));
    }
    return true;
}

template <class T>
bool read_sequence(json::value const& v, T& out, conversion_failure& failure) {
    auto const* array = v.if_array();
    if (array == nullptr) return fail(failure, "expected array");
    out.clear();
    if constexpr (requires { out.reserve(array->size()); }) out.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
        typename T::value_type element{};
        if (!read_into((*array)[i], element, failure)) {
            failure.reversed_path.push_back(index_segment(i));
            return false;
        }
        if constexpr (requires { out.push_back(std::move(element)); }) {
            out.push_back(std::move(element));
        } else {
            out.insert(out.end(), std::move(element));
        }
    }
    return true;
}

/// Through Boost.JSON: a user's tag_invoke, or one of Boost's own.
template <class T>
bool read_through_boost(json::value const& v, T& out, conversion_failure& failure) {
    if constexpr (has_user_json_to<T>) {
        // Called directly, not through try_value_to, which would swallow
        // the exception's message.
        try {
            out = tag_invoke(json::value_to_tag<T>{}, v);
            return true;
        } catch (std::bad_alloc const&) {
            throw;
        } catch (std::exception const& e) {
            return fail(failure, e.what());
        }
    } else {
        auto converted = json::try_value_to<T>(v);
        if (!converted) return fail(failure, converted.error().message());
        out = std::move(*converted);
        return true;
    }
}

template <class T>
bool read_into(json::value const& v, T& out, conversion_failure& failure) {
    if constexpr (json_native<T>) {
        return read_through_boost(v, out, failure);
    } else if constexpr (is_std_optional<T>::value) {
        if (v.is_null()) {
            out.reset();
            return true;
        }
        if (!out) out.emplace();
        return read_into(v, *out, failure);
    } else if constexpr (tolerant_struct_to<T>) {
        return read_struct(v, out, failure);
    } else if constexpr (has_user_json_to<T> || has_user_json_try_to<T>) {
        return read_through_boost(v, out, failure);
    } else if constexpr (described_enum<T>) {
        return read_enum(v, out, failure);
    } else if constexpr (std::is_same_v<T, bool>) {
        if (auto const* b = v.if_bool()) {
            out = *b;
            return true;
        }
        return fail(failure, "expected boolean");
    } else if constexpr (std::is_integral_v<T>) {
        return read_integer(v, out, failure);
    } else if constexpr (std::is_floating_point_v<T>) {
        return read_floating(v, out, failure);
    } else if constexpr (json::is_string_like<T>::value &&
                         std::is_constructible_v<T, std::string_view>) {
        if (auto const* s = v.if_string()) {
            out = T(std::string_view(*s));
            return true;
        }
        return fail(failure, "expected string");
    } else if constexpr (string_keyed_map<T>) {
        return read_map(v, out, failure);
    } else if constexpr (insertable_sequence<T>) {
        return read_sequence(v, out, failure);
    } else if constexpr (json::has_value_to<T>::value) {
        return read_through_boost(v, out, failure);
    } else {
        static_assert(dependent_false<T>,
                      "persist::tolerant_value_to: no JSON conversion for this type; "
                      "describe it with BOOST_DESCRIBE_STRUCT or give it a tag_invoke");
        return false;
    }
}

template <class T>
json::value write_value(T const& t, json::storage_ptr const& sp);

template <class T>
json::value write_struct(T const& t, json::storage_ptr const& sp) {
    json::object object(sp);
    object.reserve(boost::mp11::mp_size<described_fields<T>>::value);
    boost::mp11::mp_for_each<described_fields<T>>(
        [&](auto field) { object.emplace(field.name, write_value(t.*field.pointer, sp)); });
    return object;
}

template <class T>
json::value write_value(T const& t, json::storage_ptr const& sp) {
    if constexpr (json_native<T>) {
        return json::value(t, sp);
    } else if constexpr (is_std_optional<T>::value) {
        return t ? write_value(*t, sp) : json::value(nullptr, sp);
    } else if constexpr (tolerant_struct_from<T>) {
        return write_struct(t, sp);
    } else if constexpr (has_user_json_from<T>) {
        return json::value_from(t, sp);
    } else if constexpr (described_enum<T>) {
        if (char const* name = boost::describe::enum_to_string(t, nullptr))
            return json::value(name, sp);
        return json::value(static_cast<std::underlying_type_t<T>>(t), sp);
    } else if constexpr (std::is_arithmetic_v<T>) {
        return json::value(t, sp);
    } else if constexpr (json::is_string_like<T>::value) {
        return json::value(json::string_view(std::string_view(t)), sp);
    } else if constexpr (json::is_map_like<T>::value) {
        json::object object(sp);
        object.reserve(t.size());
        for (auto const& [key, element] : t)
            object.emplace(std::string_view(key), write_value(element, sp));
        return object;
    } else if constexpr (json::is_sequence_like<T>::value && !json::is_tuple_like<T>::value) {
        json::array array(sp);
        if constexpr (requires { t.size(); }) array.reserve(t.size());
        for (auto const& element : t)
            array.push_back(write_value(element, sp));
        return array;
    } else if constexpr (json::has_value_from<T>::value) {
        return json::value_from(t, sp);
    } else {
        static_assert(dependent_false<T>,
                      "persist::tolerant_value_from: no JSON conversion for this type; "
                      "describe it with BOOST_DESCRIBE_STRUCT or give it a tag_invoke");
        return {};
    }
}

}  // namespace persist::detail

namespace persist {

template <class T>
result<T> tolerant_value_to(boost::json::value const& v, std::string_view root) {
    T converted{};
    detail::conversion_failure failure;
    if (!detail::read_into(v, converted, failure)) {
        return error(stage::parse, errc::type_mismatch, {}, {},
                     detail::describe_failure(failure, root));
    }
    return converted;
}

template <class T>
boost::json::value tolerant_value_from(T const& t, boost::json::storage_ptr sp) {
    return detail::write_value(t, sp);
}

}  // namespace persist

#endif
