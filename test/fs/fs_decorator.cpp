// fs_decorator: a decorator writes only what it changes; the rest is
// forwarded, and a failed close still releases the handle.
#include <persist/fs/fs_decorator.hpp>

#include "support/fs_conformance.hpp"

#include <persist/fs/posix_fs.hpp>

#include <boost/test/unit_test.hpp>

#include <cerrno>

namespace persist::test {
namespace {

/// Changes nothing at all.
class plain_fs : public fs_decorator<plain_fs, posix_fs> {};
static_assert(fs_policy<plain_fs>);

/// Fails every close, counting how many reached posix_fs.
class failing_close_fs : public fs_decorator<failing_close_fs, posix_fs> {
public:
    std::optional<std::error_code> intercept(fs_op op) {
        if (op == fs_op::close) return errno_code(EIO);
        return std::nullopt;
    }
};

}  // namespace

/// Both run on the real filesystem, in posix_fs's environment.
template <>
struct fs_environment<plain_fs> : fs_environment<posix_fs> {
    plain_fs fs;
};
template <>
struct fs_environment<failing_close_fs> : fs_environment<posix_fs> {
    failing_close_fs fs;
};

BOOST_AUTO_TEST_SUITE(fs_decorator_base)

BOOST_AUTO_TEST_CASE(without_intercept_every_call_is_forwarded) {
    fs_environment<plain_fs> env;
    test_fs_policy(env);
}

BOOST_AUTO_TEST_CASE(a_failed_close_still_releases_the_handle) {
    fs_environment<failing_close_fs> env;
    auto created = env.fs.create_exclusive(env.root() / "f", 0644);
    BOOST_TEST_REQUIRE(created.has_value());
    auto const closed = env.fs.close(*created);
    BOOST_TEST((closed.error() == errno_code(EIO)));
    // The descriptor is gone: posix_fs reports EBADF for it now.
    BOOST_TEST((env.fs.inner().close(*created).error() == errno_code(EBADF)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
