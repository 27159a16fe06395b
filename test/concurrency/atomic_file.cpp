// atomic_file between threads: readers never see a torn file while writers
// replace it at once.
#include <persist/atomic_file.hpp>

#include "support/byte_pattern.hpp"
#include "support/fs_inspect.hpp"
#include "support/temp_directory.hpp"

#include <persist/durability/no_sync.hpp>
#include <persist/fs/posix_fs.hpp>
#include <persist/naming/sibling_temp.hpp>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace persist::test {

using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(atomic_file_concurrency, *boost::unit_test::label("concurrency"))

BOOST_AUTO_TEST_CASE(concurrent_replaces_never_tear) {
    temp_directory work;
    auto const target = work / "contended";
    atomic_file<posix_fs, no_sync, sibling_temp> af;
    // Each version is "<writer>:<round>\n" followed by filler derived from it,
    // so a reader can tell a whole version from a mix of two.
    auto version = [](int writer, int round) {
        std::string header = std::to_string(writer) + ":" + std::to_string(round) + "\n";
        return header + pattern(4096 + 512 * static_cast<std::size_t>(writer),
                                static_cast<unsigned>(writer * 1000 + round));
    };
    BOOST_TEST_REQUIRE(af.replace(target, version(0, 0)).has_value());

    constexpr int writers = 8;
    constexpr int rounds = 200;
    std::atomic<bool> done{false};
    std::atomic<int> failures{0};
    std::atomic<long> reads{0}, torn{0};
    std::thread reader([&] {
        posix_fs fs;
        while (!done.load()) {
            auto const seen = content_of(fs, target);
            auto const colon = seen.find(':');
            auto const newline = seen.find('\n');
            if (colon == std::string::npos || newline == std::string::npos) {
                ++torn;
                continue;
            }
            int const writer = std::stoi(seen.substr(0, colon));
            int const round = std::stoi(seen.substr(colon + 1, newline - colon - 1));
            if (seen != version(writer, round)) ++torn;
            ++reads;
        }
    });
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            for (int r = 1; r <= rounds; ++r) {
                if (!af.replace(target, version(w, r))) ++failures;
            }
        });
    }
    for (auto& t : threads)
        t.join();
    done = true;
    reader.join();

    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(torn.load() == 0);
    BOOST_TEST(reads.load() > 0);
    BOOST_TEST_MESSAGE("concurrent replace: " << reads.load() << " reads, all whole");
    BOOST_TEST(entries_of(posix_fs{}, work.path()) == std::vector{"contended"s});
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
