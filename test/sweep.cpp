// sweep_stale_temps: removes only persist's own, abandoned, old temps.
#include <persist/sweep.hpp>

#include "support/fs_environment.hpp"
#include "support/fs_inspect.hpp"
#include "support/stale_temps.hpp"
#include "support/temp_directory.hpp"

#include <persist/atomic_file.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/naming/temp_dir.hpp>

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

namespace persist::test {

using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(stale_temp_sweeping)

BOOST_AUTO_TEST_CASE(recognizes_exactly_persists_temp_names) {
    BOOST_TEST(detail::temp_name_owner(".a.tmp-42-0-0123456789abcdef").value_or(-1) == 42);
    BOOST_TEST(detail::temp_name_owner(detail::make_temp_name("x.json")).value_or(-1) ==
               ::getpid());
    for (std::string_view other :
         {"a.tmp-42-0-0123456789abcdef", ".a.tmp-42-0-0123456789abcde",
          ".a.tmp-42-0-0123456789abcdeg", ".a.tmp--0-0123456789abcdef",
          ".a.tmp-0-0-0123456789abcdef", ".tmp-42-0-0123456789abcdef", ".a.tmp-42-0123456789abcdef",
          "settings.json", ".a.tmp-42-0-0123456789ABCDEF"}) {
        BOOST_TEST(!detail::temp_name_owner(other).has_value(), other);
    }
}

BOOST_AUTO_TEST_CASE(removes_old_temps_of_dead_processes_only) {
    temp_directory dir;
    pid_t const gone = dead_pid();
    plant_leftover(dir / temp_name_for(gone));                // stale: removed
    plant_leftover(dir / temp_name_for(gone, "young"), 0);    // too young: kept
    plant_leftover(dir / temp_name_for(::getpid(), "mine"));  // owner alive: kept
    plant_leftover(dir / "settings.json");                    // not a temp: kept
    plant_leftover(dir / ".settings.json.tmp-backup");        // not persist's name: kept
    std::filesystem::create_directory(dir / temp_name_for(gone, "dir"));  // a directory: kept

    auto const swept = sweep_stale_temps(dir.path());
    BOOST_TEST_REQUIRE(swept.has_value());
    BOOST_TEST(swept->removed == std::vector{dir / temp_name_for(gone)});
    BOOST_TEST(swept->kept_too_young == 1u);
    BOOST_TEST(swept->kept_owner_alive == 1u);
    BOOST_TEST(entries_of(posix_fs{}, dir.path()).size() == 5u);
}

BOOST_AUTO_TEST_CASE(never_follows_a_symlink) {
    temp_directory dir;
    plant_leftover(dir / "precious");
    std::filesystem::create_symlink("precious", dir / temp_name_for(dead_pid()));
    auto const swept = sweep_stale_temps(dir.path(), {});
    BOOST_TEST_REQUIRE(swept.has_value());
    BOOST_TEST(swept->removed.empty());
    BOOST_TEST(content_of(posix_fs{}, dir / "precious") == "leftover");
}

BOOST_AUTO_TEST_CASE(cleans_up_after_a_killed_writer) {
    temp_directory dir;
    pid_t const child = fork_flushed();
    if (child == 0) {
        atomic_file<posix_fs, no_sync, sibling_temp> af;
        (void)af.replace_with(dir / "state", [](sink& out) {
            out.write(std::string(100'000, 'x'));
            ::kill(::getpid(), SIGKILL);  // dies with its temp on disk
        });
        ::_exit(1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    BOOST_TEST_REQUIRE(WIFSIGNALED(status));
    BOOST_TEST_REQUIRE(temp_files_in(posix_fs{}, dir.path()).size() == 1u);

    sweep_options immediately;
    immediately.min_age = std::chrono::seconds(0);
    auto const swept = sweep_stale_temps(dir.path(), immediately);
    BOOST_TEST_REQUIRE(swept.has_value());
    BOOST_TEST(swept->removed.size() == 1u);
    BOOST_TEST(entries_of(posix_fs{}, dir.path()).empty());
}

BOOST_AUTO_TEST_CASE(missing_directory_is_a_read_error) {
    temp_directory dir;
    auto const swept = sweep_stale_temps(dir / "absent");
    BOOST_TEST_REQUIRE(swept.has_error());
    BOOST_TEST(swept.error().stage() == stage::read);
    BOOST_TEST(swept.error().code() == std::make_error_code(std::errc::no_such_file_or_directory));
}

BOOST_AUTO_TEST_CASE(a_store_sweeps_the_target_directory_and_a_temp_dirs_directory) {
    // On memory_fs, through the atomic_file's Fs: a store on memory_fs sweeps there.
    fs_environment<memory_fs> env;
    atomic_file<memory_fs, no_sync, temp_dir> af(env.fs, {}, temp_dir(env.temp_root()));
    auto const target = env.root() / "state.json";
    pid_t const gone = dead_pid();
    for (auto const& dir : {env.root(), env.temp_root()}) {
        for (pid_t owner : {gone, ::getpid()}) {
            auto created = env.fs.create_exclusive(dir / temp_name_for(owner, "state.json"), 0600);
            BOOST_TEST_REQUIRE(created.has_value());
            BOOST_TEST_REQUIRE(env.fs.close(*created).has_value());
        }
    }
    open_sweep_options options;
    options.enabled = false;
    BOOST_TEST(sweep_stale_temps_for(af, target, options) == 0u);
    BOOST_TEST(temp_files_in(env.fs, env.root()).size() == 2u);

    options.enabled = true;
    options.sweep.min_age = std::chrono::seconds(0);
    BOOST_TEST(sweep_stale_temps_for(af, target, options) == 2u);
    for (auto const& dir : {env.root(), env.temp_root()}) {
        BOOST_TEST(entries_of(env.fs, dir) == std::vector{temp_name_for(::getpid(), "state.json")});
    }
}

BOOST_AUTO_TEST_CASE(a_store_sweep_of_a_missing_directory_is_no_error) {
    temp_directory dir;
    atomic_file<posix_fs, no_sync, sibling_temp> af;
    BOOST_TEST(sweep_stale_temps_for(af, dir / "absent" / "state.json", {}) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
