// posix_fs: the conformance test against the real kernel, which is what
// proves the expectations that every other model is held to.
#include <persist/fs/posix_fs.hpp>

#include "support/fs_conformance.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(posix_fs_model)

BOOST_AUTO_TEST_CASE(conforms_to_fs_policy) {
    fs_environment<posix_fs> env;
    test_fs_policy(env);
}

BOOST_AUTO_TEST_CASE(umask_reads_without_changing) {
    mode_t const mask = ::umask(027);
    BOOST_TEST(posix_fs{}.umask() == 027u);
    BOOST_TEST(posix_fs{}.umask() == 027u);
    ::umask(mask);
    BOOST_TEST(posix_fs{}.umask() == mask);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
