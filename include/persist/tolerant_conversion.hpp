// Tolerant JSON conversion for described structs: a missing field keeps its
// default, an unknown field is ignored, and a field of the wrong type is an
// error that names it ("state.window.width: expected number").
//
// Boost.JSON converts a BOOST_DESCRIBE_STRUCT type too, by rules that changed
// between versions: 1.81 rejects a document with a missing or an extra field,
// 1.83 accepts a missing std::optional one, 1.88 also ignores an extra one,
// and each rejects any other missing field. A state file written by last
// month's program, or read by it after a downgrade, has exactly those, so
// persist converts described structs itself, the same on every version.
#ifndef PERSIST_TOLERANT_CONVERSION_HPP
#define PERSIST_TOLERANT_CONVERSION_HPP

#include <persist/error.hpp>

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <string_view>

namespace persist {

/// Converts v to T, tolerantly. T is default-constructed first, then every
/// field that v holds is read into it, so each field v lacks keeps the value
/// T's default constructor (or default member initializer) gave it.
///
/// What each kind of T reads:
/// - a described struct (BOOST_DESCRIBE_STRUCT, or BOOST_DESCRIBE_CLASS with
///   described bases): a JSON object. Members are matched by name; a missing
///   member keeps its default, an unknown key is ignored. Nested described
///   structs follow the same rule, at every depth.
/// - std::optional<U>: null gives nullopt; any other value is read as U. A
///   missing member keeps its default (nullopt unless the struct says
///   otherwise).
/// - a described enum: its enumerator's name as a string, such as "dark";
///   an integer in range of the underlying type is accepted too.
/// - bool: true or false. An integer type: any JSON number with an integral
///   value in T's range (2.0 reads as 2). A floating type: any number.
/// - std::string and other types constructible from a string_view: a string.
/// - a map-like container with string keys (std::map<std::string, U>,
///   std::unordered_map, ...): an object; a sequence container
///   (std::vector<U>, std::list, std::set, ...): an array. The container is
///   cleared first; its elements are read by these same rules.
/// - boost::json::value: any value, copied.
/// - a type with its own tag_invoke for Boost.JSON: that conversion.
/// - anything else Boost.JSON can convert (tuples, variants, std::array):
///   Boost.JSON's own conversion, which is strict for described structs
///   nested inside.
///
/// Errors: stage::parse, errc::type_mismatch, an empty path, and a detail
/// naming the field and what was expected: "state.window.width: expected
/// number", "state.tabs[2].kind: expected one of: file, terminal",
/// "state.counts[\"b\"]: expected integer from 0 to 255". `root` is the name
/// the path starts with; without it the path starts at the first member
/// ("window.width"), and a mismatch at the top is just "expected object".
/// Callers that know the file attach its path (state_file does).
///
/// REQUIRES: T, and every struct, container element and optional inside it,
/// is default-constructible.
///
/// Not guaranteed: a described class with private or protected members is
/// read and written through its described member pointers, like any other,
/// but its invariants are not checked; a class with invariants should have
/// its own tag_invoke.
template <class T>
[[nodiscard]] result<T> tolerant_value_to(boost::json::value const& v, std::string_view root = {});

/// T as JSON, by the same rules as tolerant_value_to, so that
/// tolerant_value_to<T>(tolerant_value_from(t)) == t for every t whose
/// values JSON can hold. A described struct becomes an object with its
/// members in declaration order; nullopt becomes null; an enum value without
/// a described name becomes its integer.
///
/// Not guaranteed: the result is valid JSON text only if every string in t
/// is valid UTF-8 and every floating value is finite; Boost.JSON serializes
/// NaN as `NaN`, which no parser accepts. persist's stores check this before
/// they write (see find_unrepresentable in json_text.hpp).
///
/// The result, and every value inside it, uses the memory resource sp (as
/// boost::json::value_from does): a monotonic_resource makes converting a
/// large state several times cheaper.
template <class T>
[[nodiscard]] boost::json::value tolerant_value_from(T const& t, boost::json::storage_ptr sp = {});

}  // namespace persist

/// Makes Boost.JSON's own boost::json::value_to<Type> and value_from use the
/// tolerant conversion for Type, for code that converts through Boost.JSON
/// directly. Write it next to BOOST_DESCRIBE_STRUCT, in Type's namespace:
///
///     struct window { int width = 800; int height = 600; };
///     BOOST_DESCRIBE_STRUCT(window, (), (width, height))
///     PERSIST_TOLERANT_CONVERSION(window)
///
/// boost::json::value_to<window> then throws persist::exception (a
/// std::system_error) on a type mismatch. persist's own functions do not
/// need the macro: they always convert described structs tolerantly.
#define PERSIST_TOLERANT_CONVERSION(Type)                                             \
    [[maybe_unused]] inline void persist_tolerant_conversion(Type const*) noexcept {} \
    [[maybe_unused]] inline Type tag_invoke(::boost::json::value_to_tag<Type>,        \
                                            ::boost::json::value const& v) {          \
        return ::persist::tolerant_value_to<Type>(v).value();                         \
    }                                                                                 \
    [[maybe_unused]] inline void tag_invoke(::boost::json::value_from_tag,            \
                                            ::boost::json::value& v, Type const& t) { \
        v = ::persist::tolerant_value_from(t, v.storage());                           \
    }

#include <persist/impl/tolerant_conversion.hpp>

#endif
