// What the settings_store tests on posix_fs share: a global and a local
// settings file in a fresh directory, reading and planting their bytes,
// and the check of a failed result.
#ifndef PERSIST_TEST_SUPPORT_SETTINGS_FILES_HPP
#define PERSIST_TEST_SUPPORT_SETTINGS_FILES_HPP

#include "support/fs_inspect.hpp"
#include "support/temp_directory.hpp"

#include <persist/error.hpp>
#include <persist/fs/posix_fs.hpp>

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace persist::test {

/// Real files: a global file under a "home" directory and a local one
/// under a "project", neither created yet.
struct posix_files {
    temp_directory dir;
    std::filesystem::path global = dir / "home" / "settings.json";
    std::filesystem::path local = dir / "project" / ".app" / "settings.json";
};

/// Writes bytes at p as a hand edit would, creating its directories.
inline void write_by_hand(std::filesystem::path const& p, std::string const& bytes) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

inline std::string on_disk(std::filesystem::path const& p) { return content_of(posix_fs{}, p); }

/// p's mtime, to the nanosecond.
inline ::timespec mtime_of(std::filesystem::path const& p) {
    struct ::stat s {};
    BOOST_TEST_REQUIRE(::stat(p.c_str(), &s) == 0, p);
    return s.st_mtim;
}

/// Sets p's mtime (and atime) to `when`, as `touch -d` would.
inline void set_mtime(std::filesystem::path const& p, ::timespec when) {
    ::timespec const times[2] = {when, when};
    BOOST_TEST_REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, 0) == 0, p);
}

/// Makes p look written an hour ago: older than settings_racy_window, so
/// that the store's cache trusts an unchanged stat(2) of it.
inline void age_by_an_hour(std::filesystem::path const& p) {
    auto when = mtime_of(p);
    when.tv_sec -= 3600;
    set_mtime(p, when);
}

/// r failed at stage `where` with `code`, and its detail mentions in_detail.
template <class T>
void check_failure(result<T> const& r, stage where, errc code, std::string const& in_detail) {
    BOOST_TEST_REQUIRE(r.has_error());
    BOOST_TEST((r.error().stage() == where), to_string(r.error().stage()));
    BOOST_TEST(r.error().code() == make_error_code(code), r.error().code().message());
    BOOST_TEST(r.error().detail().find(in_detail) != std::string::npos, r.error().detail());
}

}  // namespace persist::test

#endif
