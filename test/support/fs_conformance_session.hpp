// The pieces the fs_policy conformance sequences share (see
// support/fs_conformance.hpp): expected outcomes as errno names, and a
// session with helpers bound to one sequence's directory.
#ifndef PERSIST_TEST_SUPPORT_FS_CONFORMANCE_SESSION_HPP
#define PERSIST_TEST_SUPPORT_FS_CONFORMANCE_SESSION_HPP

#include "support/fs_conformance.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>

namespace persist::test::conformance {

using namespace std::string_literals;
using std::filesystem::path;

inline std::string outcome(std::error_code const& e) {
    if (!e) return "OK";
    if (e.category() == std::generic_category() || e.category() == std::system_category()) {
        switch (e.value()) {
            case ENOENT: return "ENOENT";
            case EEXIST: return "EEXIST";
            case ENOTDIR: return "ENOTDIR";
            case EISDIR: return "EISDIR";
            case ENOTEMPTY: return "ENOTEMPTY";
            case EINVAL: return "EINVAL";
            case EBUSY: return "EBUSY";
            case ELOOP: return "ELOOP";
            case EPERM: return "EPERM";
            case EBADF: return "EBADF";
            case ENAMETOOLONG: return "ENAMETOOLONG";
            case EOPNOTSUPP: return "EOPNOTSUPP";
            default: break;
        }
    }
    if (e == errc::not_regular_file) return "not_regular_file";
    return e.message();
}

template <class T>
std::string outcome(io_result<T> const& r) {
    return r ? "OK" : outcome(r.error());
}

inline std::span<std::byte const> bytes_of(std::string_view text) {
    return std::as_bytes(std::span(text.data(), text.size()));
}

/// One sequence's directory and helpers.
struct session {
    any_fs& fs;
    path dir;
    std::function<void(path const&, path const&)> const& make_symlink;
    std::function<void(path const&)> const& make_fifo;

    path at(std::string const& name) const { return dir / name; }
    /// at(name) as text, with a trailing slash.
    path slash(std::string const& name) const { return path(at(name).native() + "/"); }

    std::string content(path const& p) {
        auto opened = fs.open_read(p);
        if (!opened) return "<" + outcome(opened.error()) + ">";
        std::string all;
        std::array<std::byte, 7> buffer{};  // small, so reads take several rounds
        for (;;) {
            auto got = fs.read(*opened, buffer);
            if (!got) {
                all = "<" + outcome(got.error()) + ">";
                break;
            }
            if (*got == 0) break;
            all.append(reinterpret_cast<char const*>(buffer.data()), *got);
        }
        (void)fs.close(*opened);
        return all;
    }
    void make_file(std::string const& name, std::string_view text, mode_t mode = 0644) {
        auto created = fs.create_exclusive(at(name), mode);
        BOOST_TEST_REQUIRE(created.has_value(), "create " << name << ": " << outcome(created));
        BOOST_TEST_REQUIRE(fs.write(*created, bytes_of(text)).has_value());
        BOOST_TEST_REQUIRE(fs.close(*created).has_value());
    }
    void make_dir(std::string const& name) {
        BOOST_TEST_REQUIRE(fs.make_directory(at(name), 0755).has_value());
    }
    void symlink(std::string const& target, std::string const& name) {
        make_symlink(target, at(name));
    }
    std::vector<std::string> names(path const& p) {
        auto listed = fs.list_directory(p);
        if (!listed) return {"<" + outcome(listed.error()) + ">"};
        std::sort(listed->begin(), listed->end());
        return std::move(*listed);
    }
    std::optional<file_status> status(path const& p, bool follow = true) {
        auto s = follow ? fs.stat(p) : fs.lstat(p);
        if (!s) return std::nullopt;
        return *s;
    }
    /// A file, a directory with a file, and symlinks of every sort.
    void make_zoo() {
        make_file("file", "abc");
        make_dir("dir");
        make_dir("full");
        make_file("full/x", "x");
        symlink("nowhere", "dangling");
        symlink("file", "lfile");
        symlink("dir", "ldir");
        symlink("loop", "loop");
    }
};

// The sequences, in support/fs_conformance.cpp (files and handles) and
// support/fs_conformance_names.cpp (names, links and directories).
void create_write_read(session& s);
void create_exclusive_errors(session& s);
void modes_and_owner(session& s);
void handle_access(session& s);
void open_append_semantics(session& s);
void anonymous_files(session& s);
void locks_exclude_other_handles(session& s);
void names_persist_owns(session& s);
void open_read_and_stat(session& s);
void hard_links(session& s);
void unlink_semantics(session& s);
void rename_semantics(session& s);
void make_directory_semantics(session& s);
void symlinks_and_listing(session& s);

}  // namespace persist::test::conformance

#endif
