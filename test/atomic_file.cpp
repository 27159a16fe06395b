// The atomic_file contract, run on every cell of the policy matrix, and the
// real-kernel faults that only posix_fs can show. The races between threads
// are in test/concurrency/atomic_file.cpp.
#include <persist/atomic_file.hpp>

#include "support/byte_pattern.hpp"
#include "support/fs_inspect.hpp"
#include "support/policy_matrix.hpp"

#include <persist/testing/counting_fs.hpp>

#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <csignal>

namespace persist::test {
namespace {

using namespace std::string_literals;

}  // namespace

BOOST_AUTO_TEST_SUITE(atomic_file_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(creates_new_file_with_umask_mode, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const target = f.env.root() / "settings.json";
    BOOST_TEST_REQUIRE(f.make().replace(target, "hello\n").has_value());
    BOOST_TEST(content_of(f.env.fs, target) == "hello\n");
    BOOST_TEST(mode_of(f.env.fs, target) == (0666 & ~f.env.fs.umask()));
    BOOST_TEST(entries_of(f.env.fs, f.env.root()) == std::vector{"settings.json"s});
    BOOST_TEST(temp_files_in(f.env.fs, f.env.temp_root()).empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(overwrites_existing_file, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const af = f.make();
    auto const target = f.env.root() / "state";
    BOOST_TEST_REQUIRE(af.replace(target, "old content that is longer").has_value());
    BOOST_TEST_REQUIRE(af.replace(target, "new").has_value());
    BOOST_TEST(content_of(f.env.fs, target) == "new");
    BOOST_TEST(entries_of(f.env.fs, f.env.root()) == std::vector{"state"s});
}

BOOST_AUTO_TEST_CASE_TEMPLATE(writes_empty_content, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const af = f.make();
    auto const target = f.env.root() / "empty";
    BOOST_TEST_REQUIRE(af.replace(target, "something").has_value());
    BOOST_TEST_REQUIRE(af.replace(target, "").has_value());
    BOOST_TEST(content_of(f.env.fs, target) == "");
}

BOOST_AUTO_TEST_CASE_TEMPLATE(writes_8_mib, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const target = f.env.root() / "big";
    auto const big = pattern(8 << 20, 3);
    BOOST_TEST_REQUIRE(f.make().replace(target, big).has_value());
    BOOST_TEST((content_of(f.env.fs, target) == big));  // not printed: 8 MiB
}

BOOST_AUTO_TEST_CASE_TEMPLATE(streams_uneven_pieces, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const target = f.env.root() / "streamed";
    std::string const expected = pattern(300'000, 5);
    auto const written = f.make().replace_with(target, [&](sink& out) {
        // 1, 2, 3, ... bytes, then one piece larger than the sink's buffer.
        std::size_t at = 0;
        for (std::size_t piece = 1; at + piece < 150'000; at += piece, ++piece)
            out.write(expected.substr(at, piece));
        out.write(std::string_view(expected).substr(at, 100'000));
        out.write(std::string_view(expected).substr(at + 100'000));
    });
    BOOST_TEST_REQUIRE(written.has_value());
    BOOST_TEST((content_of(f.env.fs, target) == expected));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(creates_missing_parent_directories, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const target = f.env.root() / "a" / "b" / "c" / "file";
    BOOST_TEST_REQUIRE(f.make().replace(target, "deep").has_value());
    BOOST_TEST(content_of(f.env.fs, target) == "deep");
    BOOST_TEST(entries_of(f.env.fs, f.env.root() / "a" / "b" / "c") == std::vector{"file"s});
}

BOOST_AUTO_TEST_CASE_TEMPLATE(follows_symlink_by_default, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const af = f.make();
    auto const real = f.env.root() / "dotfiles" / "real.conf";
    auto const link = f.env.root() / "link.conf";
    BOOST_TEST_REQUIRE(af.replace(real, "v1").has_value());
    f.env.make_symlink("dotfiles/real.conf", link);
    BOOST_TEST_REQUIRE(af.replace(link, "v2").has_value());
    BOOST_TEST(content_of(f.env.fs, real) == "v2");
    BOOST_TEST((f.env.fs.lstat(link)->kind == file_kind::symlink));
    BOOST_TEST(temp_files_in(f.env.fs, f.env.root() / "dotfiles").empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(replaces_symlink_when_asked, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const real = f.env.root() / "real";
    auto const link = f.env.root() / "link";
    BOOST_TEST_REQUIRE(f.make().replace(real, "kept").has_value());
    f.env.make_symlink("real", link);
    atomic_file_options replace_links;
    replace_links.symlinks = symlink_mode::replace;
    BOOST_TEST_REQUIRE(f.make(replace_links).replace(link, "own").has_value());
    BOOST_TEST((f.env.fs.lstat(link)->kind == file_kind::regular));
    BOOST_TEST(content_of(f.env.fs, link) == "own");
    BOOST_TEST(content_of(f.env.fs, real) == "kept");
}

BOOST_AUTO_TEST_CASE_TEMPLATE(keeps_mode_of_existing_file, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const af = f.make();
    auto const target = f.env.root() / "secret";
    BOOST_TEST_REQUIRE(af.replace(target, "v1").has_value());
    set_mode_of(f.env.fs, target, 0640);
    BOOST_TEST_REQUIRE(af.replace(target, "v2").has_value());
    BOOST_TEST(mode_of(f.env.fs, target) == 0640u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(modes_hold_under_a_umask_that_masks_owner_bits, Combo,
                              policy_matrix) {
    // The temp is created 0600 & ~umask, so a umask like 0222 makes it 0400:
    // a final mode of 0600 must still be applied, not assumed.
    matrix_fixture<Combo> f;
    auto const target = f.env.root() / "private";
    BOOST_TEST_REQUIRE(f.make().replace(target, "v1").has_value());
    set_mode_of(f.env.fs, target, 0600);
    f.env.set_umask(0222);
    BOOST_TEST_REQUIRE(f.make().replace(target, "v2").has_value());
    BOOST_TEST(mode_of(f.env.fs, target) == 0600u);
    atomic_file_options exact;
    exact.new_file_mode = 0600;
    BOOST_TEST_REQUIRE(f.make(exact).replace(f.env.root() / "token", "t").has_value());
    BOOST_TEST(mode_of(f.env.fs, f.env.root() / "token") == 0600u);
    BOOST_TEST_REQUIRE(f.make().replace(f.env.root() / "default", "d").has_value());
    BOOST_TEST(mode_of(f.env.fs, f.env.root() / "default") ==
               0444u);  // 0666 & ~0222, as open(2) would
}

BOOST_AUTO_TEST_CASE_TEMPLATE(applies_configured_mode_to_new_file, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const target = f.env.root() / "token";
    atomic_file_options options;
    options.new_file_mode = 0604;
    BOOST_TEST_REQUIRE(f.make(options).replace(target, "x").has_value());
    BOOST_TEST(mode_of(f.env.fs, target) == 0604u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(keeps_backup_of_previous_content, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    atomic_file_options options;
    options.keep_backup = true;
    auto const af = f.make(options);
    auto const target = f.env.root() / "config";
    BOOST_TEST_REQUIRE(af.replace(target, "v1").has_value());
    BOOST_TEST(entries_of(f.env.fs, f.env.root()) ==
               std::vector{"config"s});  // nothing to back up yet
    BOOST_TEST_REQUIRE(af.replace(target, "v2").has_value());
    BOOST_TEST_REQUIRE(af.replace(target, "v3").has_value());
    BOOST_TEST(content_of(f.env.fs, target) == "v3");
    BOOST_TEST(content_of(f.env.fs, f.env.root() / "config.bak") == "v2");
    BOOST_TEST((entries_of(f.env.fs, f.env.root()) == std::vector{"config"s, "config.bak"s}));
}

BOOST_AUTO_TEST_CASE(backup_is_a_synced_copy_where_link_is_not_supported) {
    // FAT and many FUSE filesystems answer link(2) with EPERM.
    fs_environment<fault_fs<memory_fs>> env;
    env.fs.arm({fs_op::link, 1, errno_code(EPERM), true});
    atomic_file_options options;
    options.keep_backup = true;
    options.new_file_mode = 0640;
    atomic_file<fault_fs<memory_fs>, file_sync, sibling_temp> const af(env.fs, options);
    auto const target = env.root() / "config";
    BOOST_TEST_REQUIRE(af.replace(target, "v1").has_value());
    BOOST_TEST_REQUIRE(af.replace(target, "v2").has_value());
    auto const syncs_before = env.fs.count(fs_op::sync_full);
    BOOST_TEST_REQUIRE(af.replace(target, "v3").has_value());
    BOOST_TEST(env.fs.count(fs_op::sync_full) ==
               syncs_before + 2);  // the copy, then the new content
    BOOST_TEST(content_of(env.fs, target) == "v3");
    BOOST_TEST(content_of(env.fs, env.root() / "config.bak") == "v2");
    BOOST_TEST(mode_of(env.fs, env.root() / "config.bak") == 0640u);
    BOOST_TEST((entries_of(env.fs, env.root()) == std::vector{"config"s, "config.bak"s}));
}

BOOST_AUTO_TEST_CASE(backup_failing_for_another_reason_fails_the_replace) {
    fs_environment<fault_fs<memory_fs>> env;
    atomic_file_options options;
    options.keep_backup = true;
    atomic_file<fault_fs<memory_fs>, file_sync, sibling_temp> const af(env.fs, options);
    auto const target = env.root() / "config";
    BOOST_TEST_REQUIRE(af.replace(target, "v1").has_value());
    env.fs.arm({fs_op::link, 1, errno_code(EIO)});
    auto const failed = af.replace(target, "v2");
    BOOST_TEST_REQUIRE(failed.has_error());
    BOOST_TEST(failed.error().stage() == stage::backup);
    BOOST_TEST(failed.error().code() == errno_code(EIO));
    BOOST_TEST(content_of(env.fs, target) == "v1");
    BOOST_TEST((entries_of(env.fs, env.root()) == std::vector{"config"s}));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(rejects_bad_paths_and_changes_nothing, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const af = f.make();
    auto const file = f.env.root() / "file";
    BOOST_TEST_REQUIRE(af.replace(file, "original").has_value());
    auto const before = entries_of(f.env.fs, f.env.root());

    struct bad_case {
        std::filesystem::path path;
        std::error_code cause;
    };
    auto const invalid = make_error_code(errc::invalid_input);
    auto const is_dir = std::make_error_code(std::errc::is_a_directory);
    bad_case const cases[] = {
        {"", invalid},
        {"  \t ", invalid},
        {f.env.root() / std::string("nul\0byte", 8), invalid},
        {f.env.root(), is_dir},
        {f.env.root() / "dir" / "", is_dir},
        {f.env.root() / "..", is_dir},
        {file / "child", std::make_error_code(std::errc::not_a_directory)},
        {file / "deeper" / "child", std::make_error_code(std::errc::not_a_directory)},
    };
    for (auto const& bad : cases) {
        BOOST_TEST_CONTEXT("path '" << bad.path.string() << "'") {
            auto const replaced = af.replace(bad.path, "x");
            BOOST_TEST_REQUIRE(replaced.has_error());
            BOOST_TEST((replaced.error().stage() == stage::validate));
            BOOST_TEST(replaced.error().code() == bad.cause);
            BOOST_TEST(replaced.error().path() == bad.path);
        }
    }
    BOOST_TEST(entries_of(f.env.fs, f.env.root()) == before);
    BOOST_TEST(content_of(f.env.fs, file) == "original");
}

BOOST_AUTO_TEST_CASE_TEMPLATE(writer_error_replaces_nothing, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const af = f.make();
    auto const target = f.env.root() / "log";
    BOOST_TEST_REQUIRE(af.replace(target, "intact").has_value());
    auto const refused = af.replace_with(target, [](sink& out) {
        out.write(std::string(100'000, 'x'));
        return make_error_code(errc::writer_failed);
    });
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST((refused.error().stage() == stage::write_temp));
    BOOST_TEST(refused.error().code() == make_error_code(errc::writer_failed));
    BOOST_CHECK_THROW((void)af.replace_with(target,
                                            [](sink& out) {
                                                out.write(std::string(100'000, 'y'));
                                                throw std::runtime_error("writer gave up");
                                            }),
                      std::runtime_error);
    BOOST_TEST(content_of(f.env.fs, target) == "intact");
    BOOST_TEST(entries_of(f.env.fs, f.env.root()) == std::vector{"log"s});
    BOOST_TEST(temp_files_in(f.env.fs, f.env.temp_root()).empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(read_reports_missing_file, Combo, policy_matrix) {
    matrix_fixture<Combo> f;
    auto const missing = f.env.root() / "missing";
    auto const read = f.make().read(missing);
    BOOST_TEST_REQUIRE(read.has_error());
    BOOST_TEST((read.error().stage() == stage::read));
    BOOST_TEST(read.error().code() == std::make_error_code(std::errc::no_such_file_or_directory));
    BOOST_TEST(read.error().path() == missing);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(atomic_file_on_the_real_kernel)

BOOST_AUTO_TEST_CASE(temp_dir_on_another_device_copies_and_stays_atomic) {
    temp_directory work;
    temp_directory shm("/dev/shm");
    if (std::filesystem::status(shm.path()).type() != std::filesystem::file_type::directory) {
        BOOST_TEST_MESSAGE("skipped: /dev/shm is not available");
        return;
    }
    counting_fs<> fs;
    if (fs.stat(work.path())->device == fs.stat(shm.path())->device) {
        BOOST_TEST_MESSAGE("skipped: /dev/shm and " << work.path()
                                                    << " are on the same device, so no EXDEV");
        return;
    }
    atomic_file<counting_fs<>, full_sync, temp_dir> af(fs, {}, temp_dir(shm.path()));
    auto const target = work / "target";
    BOOST_TEST_REQUIRE(af.replace(target, "first").has_value());
    BOOST_TEST_REQUIRE(af.replace(target, "second").has_value());
    BOOST_TEST(content_of(fs, target) == "second");
    // Per replace: the rename from /dev/shm fails with EXDEV, the sibling copy's succeeds.
    BOOST_TEST(fs.count(fs_op::rename) == 4u);
    BOOST_TEST(fs.count(fs_op::create_exclusive) == 4u);
    BOOST_TEST(entries_of(fs, work.path()) == std::vector{"target"s});
    BOOST_TEST(entries_of(fs, shm.path()).empty());
}

BOOST_AUTO_TEST_CASE(file_size_limit_fails_cleanly) {
    temp_directory work;
    atomic_file<posix_fs, full_sync, sibling_temp> af;
    auto const target = work / "target";
    BOOST_TEST_REQUIRE(af.replace(target, "small and intact").has_value());

    rlimit saved{};
    BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    rlimit limited = saved;
    limited.rlim_cur = 4096;
    auto const old_handler = std::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of being killed
    BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
    auto const replaced = af.replace(target, std::string(64 * 1024, 'z'));
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);

    BOOST_TEST_REQUIRE(replaced.has_error());
    BOOST_TEST((replaced.error().stage() == stage::write_temp));
    BOOST_TEST(replaced.error().code() == std::make_error_code(std::errc::file_too_large));
    BOOST_TEST(replaced.error().message().find("cannot write temporary file") != std::string::npos);
    BOOST_TEST(content_of(posix_fs{}, target) == "small and intact");
    BOOST_TEST(entries_of(posix_fs{}, work.path()) == std::vector{"target"s});
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
