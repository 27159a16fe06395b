// The state the state_file tests store: a session with nested containers,
// an optional and an enum; sample versions of it, a fixed clock, and the
// helpers that plant and find files next to a state file.
#ifndef PERSIST_TEST_SUPPORT_SAMPLE_SESSION_HPP
#define PERSIST_TEST_SUPPORT_SAMPLE_SESSION_HPP

#include "support/fs_inspect.hpp"

#include <persist/store/state_file.hpp>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace state_test {

enum class activity { idle, editing, building };
BOOST_DESCRIBE_ENUM(activity, idle, editing, building)

struct window {
    int width = 800;
    int height = 600;
    friend bool operator==(window const&, window const&) = default;
};
BOOST_DESCRIBE_STRUCT(window, (), (width, height))

struct session {
    std::string name = "default";
    window main_window;
    std::vector<std::string> open_files;
    std::map<std::string, int> cursor_by_file;
    std::optional<std::string> last_error;
    activity current = activity::idle;
    std::uint64_t counter = 0;
    double zoom = 1.0;
    friend bool operator==(session const&, session const&) = default;
};
BOOST_DESCRIBE_STRUCT(session, (),
                      (name, main_window, open_files, cursor_by_file, last_error, current, counter,
                       zoom))

}  // namespace state_test

namespace persist::test {

using namespace state_test;

/// Version n of a session: every field differs from the defaults, and
/// last_error is set only for odd n.
inline session sample(std::uint64_t n) {
    session s;
    s.name = "session " + std::to_string(n);
    s.main_window = {1000 + static_cast<int>(n), 700};
    s.open_files = {"/src/main.cpp", "/src/file" + std::to_string(n) + ".hpp"};
    s.cursor_by_file = {{"/src/main.cpp", static_cast<int>(n) * 10}};
    if (n % 2 == 1) s.last_error = "error " + std::to_string(n);
    s.current = activity::editing;
    s.counter = n;
    s.zoom = 1.5;
    return s;
}

/// A torn state document.
inline constexpr std::string_view garbage = "{\"version\": 1, \"state\": {\"name\": \"torn\n";

inline std::chrono::system_clock::time_point fixed_time() {
    using namespace std::chrono;
    return sys_days(year(2026) / 11 / 21) + hours(21) + minutes(40) + seconds(3);
}

inline state_file_options fixed_clock_options(std::uint64_t version = 1) {
    state_file_options options;
    options.version = version;
    options.clock = fixed_time;
    return options;
}

/// The names in dir that start with prefix.
template <class Fs>
std::vector<std::string> entries_starting(Fs fs, std::filesystem::path const& dir,
                                          std::string_view prefix) {
    auto names = entries_of(fs, dir);
    std::erase_if(names, [&](std::string const& n) { return !n.starts_with(prefix); });
    return names;
}

/// Writes bytes at path as they are: what a foreign writer or a bad disk leaves.
template <class AtomicFile>
void plant(AtomicFile const& af, std::filesystem::path const& path, std::string_view bytes) {
    BOOST_TEST_REQUIRE(af.replace(path, bytes).has_value());
}

}  // namespace persist::test

#endif
