// fs_policy: the operation list PERSIST_FS_OPERATIONS and the concept that
// is written out beside it name the same operations, with the same
// signatures, and every operation has a name.
#include <persist/fs/fs_policy.hpp>

#include <boost/test/unit_test.hpp>

#include <set>
#include <string_view>
#include <utility>

namespace persist::test {
namespace {

/// A model declared from the list alone, without the operation numbered
/// Omitted (none if Omitted is fs_op_count). Declared, never defined: the
/// concept only looks at signatures.
template <std::size_t Omitted>
struct list_model {
    using handle = int;
    using path = std::filesystem::path;

#define PERSIST_LIST_MODEL_MEMBER(op, member, value, parameters, arguments) \
    io_result<value> member parameters requires(static_cast<std::size_t>(fs_op::op) != Omitted);
    PERSIST_FS_OPERATIONS(PERSIST_LIST_MODEL_MEMBER)
#undef PERSIST_LIST_MODEL_MEMBER
    mode_t umask();
};

// The concept asks for nothing the list lacks...
static_assert(fs_policy<list_model<fs_op_count>>);

// ...and for every operation in the list: a model without any one of them
// is not an Fs.
template <std::size_t... Omitted>
constexpr bool each_operation_is_required(std::index_sequence<Omitted...>) {
    return (!fs_policy<list_model<Omitted>> && ...);
}
static_assert(each_operation_is_required(std::make_index_sequence<fs_op_count>{}));

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
