// memory_fs between threads: copies share one filesystem, and threads
// creating files through their own copies lose none.
#include <persist/testing/memory_fs.hpp>

#include "support/fs_environment.hpp"
#include "support/fs_inspect.hpp"

#include <boost/test/unit_test.hpp>

#include <span>
#include <string>
#include <thread>
#include <vector>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(memory_fs_concurrency, *boost::unit_test::label("concurrency"))

BOOST_AUTO_TEST_CASE(copies_share_one_filesystem_across_threads) {
    fs_environment<memory_fs> env;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([fs = env.fs, t]() mutable {
            for (int i = 0; i < 50; ++i) {
                auto const name = "/work/t" + std::to_string(t) + "-" + std::to_string(i);
                auto h = fs.create_exclusive(name, 0644);
                if (!h) continue;
                (void)fs.write(*h, std::as_bytes(std::span(name.data(), name.size())));
                (void)fs.close(*h);
            }
        });
    }
    for (auto& t : threads)
        t.join();
    BOOST_TEST(entries_of(env.fs, "/work").size() == 200u);
    BOOST_TEST(content_of(env.fs, "/work/t3-49") == "/work/t3-49");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
