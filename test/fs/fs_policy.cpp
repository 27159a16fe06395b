// fs_policy: the concept asks for exactly what PERSIST_FS_OPERATIONS and
// PERSIST_FS_SHORT_CALLS list (and umask), each requirement on its own, and
// every operation has a name.
#include <persist/fs/fs_policy.hpp>

#include <boost/test/unit_test.hpp>

#include <set>
#include <string_view>
#include <utility>

namespace persist::test {
namespace {

/// What fs_policy requires, numbered: the operations (as fs_op), then the
/// short calls, then umask.
enum class short_call : std::size_t {
#define PERSIST_TEST_SHORT_CALL_ENUMERATOR(op, member, value, parameters, arguments, omitted) op,
    PERSIST_FS_SHORT_CALLS(PERSIST_TEST_SHORT_CALL_ENUMERATOR)
#undef PERSIST_TEST_SHORT_CALL_ENUMERATOR
        count
};
constexpr std::size_t number_of(short_call c) { return fs_op_count + static_cast<std::size_t>(c); }
constexpr std::size_t umask_number = number_of(short_call::count);
constexpr std::size_t requirement_count = umask_number + 1;

/// A model declared from the lists alone, without the requirement numbered
/// Omitted (none if Omitted is requirement_count). Declared, never defined:
/// the concept only looks at signatures.
template <std::size_t Omitted>
struct list_model {
    using handle = int;
    using path = std::filesystem::path;

#define PERSIST_LIST_MODEL_MEMBER(op, member, value, parameters, arguments) \
    io_result<value> member parameters requires(static_cast<std::size_t>(fs_op::op) != Omitted);
    PERSIST_FS_OPERATIONS(PERSIST_LIST_MODEL_MEMBER)
#undef PERSIST_LIST_MODEL_MEMBER
#define PERSIST_LIST_MODEL_SHORT_CALL(op, member, value, parameters, arguments, omitted) \
    io_result<value> member parameters requires(number_of(short_call::op) != Omitted);
    PERSIST_FS_SHORT_CALLS(PERSIST_LIST_MODEL_SHORT_CALL)
#undef PERSIST_LIST_MODEL_SHORT_CALL
    mode_t umask() requires(umask_number != Omitted);
};

// The concept asks for nothing the lists lack...
static_assert(fs_policy<list_model<requirement_count>>);

// ...and for everything in them: a model without any one operation, short
// call or umask is not an Fs.
template <std::size_t... Omitted>
constexpr bool each_requirement_counts(std::index_sequence<Omitted...>) {
    return (!fs_policy<list_model<Omitted>> && ...);
}
static_assert(each_requirement_counts(std::make_index_sequence<requirement_count>{}));

// Each requirement is its own concept, so that a model that fails one is
// told which: here, a model without lock fails fs_has_lock alone.
static_assert(!detail::fs_has_lock<list_model<static_cast<std::size_t>(fs_op::lock)>>);
static_assert(detail::fs_has_open_read<list_model<static_cast<std::size_t>(fs_op::lock)>>);
static_assert(!detail::fs_has_short_open_read<list_model<number_of(short_call::open_read)>>);
static_assert(detail::fs_has_open_read<list_model<number_of(short_call::open_read)>>);

/// A model whose open_read returns the wrong type is not an Fs either.
struct wrong_value_model : list_model<static_cast<std::size_t>(fs_op::open_read)> {
    io_result<void> open_read(path const& p, name_owner o);
};
static_assert(!detail::fs_has_open_read<wrong_value_model>);
static_assert(!fs_policy<wrong_value_model>);

}  // namespace

BOOST_AUTO_TEST_SUITE(fs_policy_operations)

BOOST_AUTO_TEST_CASE(every_operation_has_its_own_name) {
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < fs_op_count; ++i)
        names.insert(fs_op_name(static_cast<fs_op>(i)));
    BOOST_TEST(names.size() == fs_op_count);
    BOOST_TEST(names.count("unknown fs_op") == 0u);
    BOOST_TEST(fs_op_name(fs_op::open_read) == "open_read");
    BOOST_TEST(fs_op_name(fs_op::stat_handle) == "stat_handle");
    BOOST_TEST(fs_op_name(fs_op::lock) == "lock");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
