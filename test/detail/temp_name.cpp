// make_temp_name: the shape sweep_stale_temps reads, fresh random bits for
// every name, and a fork child that neither reuses its parent's buffered
// random bits nor names its temps with its parent's pid.
#include <persist/detail/temp_name.hpp>

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>

namespace persist::test {
namespace {

constexpr std::size_t random_digits = 16;

std::string random_part(std::string const& name) {
    return name.substr(name.size() - random_digits);
}

struct child_name {
    pid_t pid = 0;
    std::string name;
};

/// Forks; the child makes one temp name and sends it back through a pipe.
child_name name_made_in_a_child() {
    int fds[2];
    BOOST_REQUIRE(::pipe(fds) == 0);
    std::fflush(nullptr);
    pid_t const child = ::fork();
    BOOST_REQUIRE(child != -1);
    if (child == 0) {
        ::close(fds[0]);
        auto const name = detail::make_temp_name("state.json");
        bool const sent =
            ::write(fds[1], name.data(), name.size()) == static_cast<ssize_t>(name.size());
        ::_exit(sent ? 0 : 1);
    }
    ::close(fds[1]);
    std::string name;
    char buffer[512];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
        name.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    return {child, name};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(temp_name)

BOOST_AUTO_TEST_CASE(has_the_shape_that_sweep_reads) {
    auto const name = detail::make_temp_name("settings.json");
    BOOST_TEST(name.starts_with(".settings.json.tmp-" + std::to_string(::getpid()) + "-"));
    BOOST_TEST(detail::temp_name_owner(name).value_or(-1) == ::getpid());
}

BOOST_AUTO_TEST_CASE(every_name_has_fresh_random_bits) {
    // 200 names go through several refills of the per-thread buffer.
    std::set<std::string> randoms;
    for (int i = 0; i < 200; ++i)
        randoms.insert(random_part(detail::make_temp_name("x")));
    BOOST_TEST(randoms.size() == 200u);
    BOOST_TEST(randoms.count(std::string(random_digits, '0')) == 0u);
}

BOOST_AUTO_TEST_CASE(a_fork_child_uses_its_own_pid_and_random_bits) {
    (void)detail::make_temp_name("state.json");  // the parent's buffer now holds unused bits
    auto const child = name_made_in_a_child();
    auto const parents_next = detail::make_temp_name("state.json");
    BOOST_TEST(detail::temp_name_owner(child.name).value_or(-1) == child.pid);
    BOOST_TEST(detail::temp_name_owner(parents_next).value_or(-1) == ::getpid());
    BOOST_TEST(random_part(child.name) != random_part(parents_next),
               "the child reused the random bits buffered in its parent");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
