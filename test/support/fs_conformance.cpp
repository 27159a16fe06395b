// The operation sequences of the fs_policy conformance test. The expected
// results are Linux's (ext4 or tmpfs, as root or not): posix_fs runs them
// against the kernel, so a wrong expectation fails there first.
#include "support/fs_conformance.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace persist::test {
namespace {

using namespace std::string_literals;
using std::filesystem::path;

std::string outcome(std::error_code const& e) {
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
    return e.message();
}

template <class T>
std::string outcome(io_result<T> const& r) {
    return r ? "OK" : outcome(r.error());
}

std::span<std::byte const> bytes_of(std::string_view text) { return std::as_bytes(std::span(text.data(), text.size())); }

/// One sequence's directory and helpers.
struct session {
    any_fs& fs;
    path dir;
    std::function<void(path const&, path const&)> const& make_symlink;

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
    void make_dir(std::string const& name) { BOOST_TEST_REQUIRE(fs.make_directory(at(name), 0755).has_value()); }
    void symlink(std::string const& target, std::string const& name) { make_symlink(target, at(name)); }
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

void create_write_read(session& s) {
    mode_t const mask = s.fs.umask();
    auto created = s.fs.create_exclusive(s.at("a"), 0666);
    BOOST_TEST_REQUIRE(created.has_value());
    BOOST_TEST(outcome(s.fs.write(*created, bytes_of("hel"))) == "OK");
    BOOST_TEST(outcome(s.fs.write(*created, bytes_of("lo"))) == "OK");
    BOOST_TEST(outcome(s.fs.write(*created, {})) == "OK");
    auto const by_handle = s.fs.stat(*created);
    BOOST_TEST_REQUIRE(by_handle.has_value());
    BOOST_TEST(by_handle->size == 5u);
    BOOST_TEST(outcome(s.fs.close(*created)) == "OK");
    auto const st = s.status(s.at("a"));
    BOOST_TEST_REQUIRE(st.has_value());
    BOOST_TEST((st->kind == file_kind::regular));
    BOOST_TEST(st->size == 5u);
    BOOST_TEST(st->mode == (0666 & ~mask));
    BOOST_TEST(st->links == 1u);
    BOOST_TEST(st->inode == by_handle->inode);
    BOOST_TEST(st->owner == ::geteuid());
    BOOST_TEST(st->device == s.status(s.dir)->device);
    BOOST_TEST(s.content(s.at("a")) == "hello");

    // Reads continue where the last stopped, and return 0 at the end.
    auto opened = s.fs.open_read(s.at("a"));
    BOOST_TEST_REQUIRE(opened.has_value());
    std::array<std::byte, 3> buffer{};
    BOOST_TEST(*s.fs.read(*opened, buffer) == 3u);
    BOOST_TEST(*s.fs.read(*opened, buffer) == 2u);
    BOOST_TEST(*s.fs.read(*opened, buffer) == 0u);
    BOOST_TEST(outcome(s.fs.close(*opened)) == "OK");

    std::string const big(1 << 20, 'b');
    s.make_file("big", big);
    BOOST_TEST((s.content(s.at("big")) == big));
}

void create_exclusive_errors(session& s) {
    s.make_zoo();
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("file"), 0600)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("dir"), 0600)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("dangling"), 0600)) == "EEXIST");  // O_NOFOLLOW|O_EXCL
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("lfile"), 0600)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("loop"), 0600)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("missing/x"), 0600)) == "ENOENT");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("file/x"), 0600)) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.slash("new"), 0600)) == "EISDIR");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.slash("dir"), 0600)) == "EISDIR");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("loop/x"), 0600)) == "ELOOP");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("dangling/x"), 0600)) == "ENOENT");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at(std::string(256, 'n')), 0600)) == "ENAMETOOLONG");
    auto through_link = s.fs.create_exclusive(s.at("ldir/x"), 0600);  // a symlinked directory on the way is fine
    BOOST_TEST_REQUIRE(through_link.has_value());
    (void)s.fs.close(*through_link);
    BOOST_TEST(s.names(s.at("dir")) == std::vector{"x"s});
    auto longest = s.fs.create_exclusive(s.at(std::string(255, 'n')), 0600);
    BOOST_TEST_REQUIRE(longest.has_value());
    (void)s.fs.close(*longest);
    BOOST_TEST(s.content(s.at("file")) == "abc");  // failed calls changed nothing
    BOOST_TEST(outcome(s.fs.lstat(s.at("nowhere"))) == "ENOENT");
}

void modes_and_owner(session& s) {
    mode_t const mask = s.fs.umask();
    auto created = s.fs.create_exclusive(s.at("f"), 0777);
    BOOST_TEST_REQUIRE(created.has_value());
    BOOST_TEST(s.status(s.at("f"))->mode == (0777 & ~mask));
    BOOST_TEST(outcome(s.fs.set_mode(*created, 0640)) == "OK");
    BOOST_TEST(s.status(s.at("f"))->mode == 0640u);
    BOOST_TEST(outcome(s.fs.set_mode(*created, 0666)) == "OK");  // no umask here
    BOOST_TEST(s.fs.stat(*created)->mode == 0666u);
    BOOST_TEST(outcome(s.fs.set_owner(*created, ::geteuid(), ::getegid())) == "OK");
    bool const root = ::geteuid() == 0;
    BOOST_TEST(outcome(s.fs.set_owner(*created, 12345, 54321)) == (root ? "OK" : "EPERM"));
    if (root) {
        BOOST_TEST(s.status(s.at("f"))->owner == 12345u);
        BOOST_TEST(s.status(s.at("f"))->group == 54321u);
    }
    (void)s.fs.close(*created);
    BOOST_TEST(outcome(s.fs.make_directory(s.at("d"), 0777)) == "OK");
    BOOST_TEST(s.status(s.at("d"))->mode == (0777 & ~mask));
    BOOST_TEST((s.status(s.at("d"))->kind == file_kind::directory));
    auto appended = s.fs.open_append(s.at("g"), 0666);
    BOOST_TEST_REQUIRE(appended.has_value());
    (void)s.fs.close(*appended);
    BOOST_TEST(s.status(s.at("g"))->mode == (0666 & ~mask));
}

void handle_access(session& s) {
    s.make_file("f", "abcdef");
    auto reader = s.fs.open_read(s.at("f"));
    BOOST_TEST_REQUIRE(reader.has_value());
    BOOST_TEST(outcome(s.fs.write(*reader, bytes_of("x"))) == "EBADF");
    BOOST_TEST(outcome(s.fs.truncate(*reader, 1)) == "EINVAL");
    BOOST_TEST(outcome(s.fs.sync_full(*reader)) == "OK");
    BOOST_TEST(outcome(s.fs.sync_data(*reader)) == "OK");
    BOOST_TEST(outcome(s.fs.set_mode(*reader, 0600)) == "OK");
    (void)s.fs.close(*reader);

    auto writer = s.fs.create_exclusive(s.at("w"), 0644);
    BOOST_TEST_REQUIRE(writer.has_value());
    std::array<std::byte, 4> buffer{};
    BOOST_TEST(outcome(s.fs.read(*writer, buffer)) == "EBADF");
    BOOST_TEST(outcome(s.fs.write(*writer, bytes_of("abcdef"))) == "OK");
    BOOST_TEST(outcome(s.fs.truncate(*writer, 3)) == "OK");
    BOOST_TEST(s.content(s.at("w")) == "abc");
    BOOST_TEST(outcome(s.fs.truncate(*writer, 5)) == "OK");
    BOOST_TEST(s.content(s.at("w")) == "abc\0\0"s);
    // The offset stays at 6: the next write leaves a gap of zeros.
    BOOST_TEST(outcome(s.fs.write(*writer, bytes_of("XY"))) == "OK");
    BOOST_TEST(s.content(s.at("w")) == "abc\0\0\0XY"s);
    BOOST_TEST(outcome(s.fs.sync_data(*writer)) == "OK");
    BOOST_TEST(outcome(s.fs.sync_full(*writer)) == "OK");
    (void)s.fs.close(*writer);

    s.make_dir("d");
    auto directory = s.fs.open_read(s.at("d"));
    BOOST_TEST_REQUIRE(directory.has_value());
    BOOST_TEST(outcome(s.fs.read(*directory, buffer)) == "EISDIR");
    BOOST_TEST(outcome(s.fs.truncate(*directory, 0)) == "EINVAL");
    BOOST_TEST(outcome(s.fs.sync_full(*directory)) == "OK");
    BOOST_TEST((s.fs.stat(*directory)->kind == file_kind::directory));
    (void)s.fs.close(*directory);
}

void open_append_semantics(session& s) {
    s.make_zoo();
    auto first = s.fs.open_append(s.at("log"), 0644);
    auto second = s.fs.open_append(s.at("log"), 0644);
    BOOST_TEST_REQUIRE((first.has_value() && second.has_value()));
    BOOST_TEST(outcome(s.fs.write(*first, bytes_of("a"))) == "OK");
    BOOST_TEST(outcome(s.fs.write(*second, bytes_of("b"))) == "OK");
    BOOST_TEST(outcome(s.fs.write(*first, bytes_of("c"))) == "OK");  // O_APPEND: always at the end
    (void)s.fs.close(*first);
    (void)s.fs.close(*second);
    BOOST_TEST(s.content(s.at("log")) == "abc");
    auto existing = s.fs.open_append(s.at("file"), 0600);
    BOOST_TEST_REQUIRE(existing.has_value());
    BOOST_TEST(outcome(s.fs.write(*existing, bytes_of("d"))) == "OK");
    (void)s.fs.close(*existing);
    BOOST_TEST(s.content(s.at("file")) == "abcd");
    BOOST_TEST(s.status(s.at("file"))->mode == (0644 & ~s.fs.umask()));  // an existing file keeps its mode

    BOOST_TEST(outcome(s.fs.open_append(s.at("dir"), 0644)) == "EISDIR");
    BOOST_TEST(outcome(s.fs.open_append(s.slash("new"), 0644)) == "EISDIR");
    BOOST_TEST(outcome(s.fs.open_append(s.slash("file"), 0644)) == "EISDIR");
    BOOST_TEST(outcome(s.fs.open_append(s.at("loop"), 0644)) == "ELOOP");
    BOOST_TEST(outcome(s.fs.open_append(s.at("missing/x"), 0644)) == "ENOENT");
    // O_CREAT through a dangling symlink creates the file it names.
    auto through = s.fs.open_append(s.at("dangling"), 0644);
    BOOST_TEST_REQUIRE(through.has_value());
    (void)s.fs.close(*through);
    BOOST_TEST((s.status(s.at("nowhere"), false)->kind == file_kind::regular));
    BOOST_TEST((s.status(s.at("dangling"), false)->kind == file_kind::symlink));
}

void open_read_and_stat(session& s) {
    s.make_zoo();
    s.make_dir("dir/sub");
    s.symlink("../file", "dir/up");
    BOOST_TEST(outcome(s.fs.open_read(s.slash("file"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.open_read(s.at("missing"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.open_read(s.at("loop"))) == "ELOOP");
    BOOST_TEST(outcome(s.fs.open_read(s.at("dangling"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.open_read(s.slash("lfile"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.open_read(s.at(std::string(256, 'n')))) == "ENAMETOOLONG");
    BOOST_TEST(s.content(s.at("lfile")) == "abc");
    BOOST_TEST(s.content(s.at("dir/up")) == "abc");  // relative to the link's directory
    BOOST_TEST(s.content(s.at("ldir/up")) == "abc");
    auto through_slash = s.fs.open_read(s.slash("ldir"));
    BOOST_TEST(outcome(through_slash) == "OK");
    if (through_slash) (void)s.fs.close(*through_slash);

    auto const link = s.status(s.at("lfile"), false);
    BOOST_TEST_REQUIRE(link.has_value());
    BOOST_TEST((link->kind == file_kind::symlink));
    BOOST_TEST(link->size == 4u);  // strlen("file")
    BOOST_TEST(link->mode == 0777u);
    BOOST_TEST((s.status(s.at("lfile"))->kind == file_kind::regular));
    BOOST_TEST(s.status(s.at("lfile"))->inode == s.status(s.at("file"))->inode);
    BOOST_TEST((s.status(s.slash("ldir"), false)->kind == file_kind::directory));  // a slash follows the link

    BOOST_TEST(outcome(s.fs.stat(s.at("dangling"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.lstat(s.at("dangling"))) == "OK");
    BOOST_TEST(outcome(s.fs.stat(s.at("loop"))) == "ELOOP");
    BOOST_TEST(outcome(s.fs.lstat(s.at("loop"))) == "OK");
    BOOST_TEST(outcome(s.fs.stat(s.slash("file"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.lstat(s.slash("file"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.lstat(s.slash("lfile"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.stat(s.at("missing") / "")) == "ENOENT");
    BOOST_TEST(outcome(s.fs.stat(s.at("dir/."))) == "OK");
    BOOST_TEST(outcome(s.fs.stat(s.at("file/."))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.stat(s.at("file/.."))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.stat(s.at("missing/.."))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.stat(s.at("loop/x"))) == "ELOOP");
    BOOST_TEST(outcome(s.fs.stat("")) == "ENOENT");
    BOOST_TEST(s.status(s.at("dir/sub/../../file"))->inode == s.status(s.at("file"))->inode);
    BOOST_TEST(s.status(s.at("ldir/sub/.."))->inode == s.status(s.at("dir"))->inode);
}

void hard_links(session& s) {
    s.make_zoo();
    BOOST_TEST(outcome(s.fs.link(s.at("file"), s.at("second"))) == "OK");
    BOOST_TEST(s.status(s.at("file"))->links == 2u);
    BOOST_TEST(s.status(s.at("second"))->inode == s.status(s.at("file"))->inode);
    BOOST_TEST(outcome(s.fs.link(s.at("file"), s.at("second"))) == "EEXIST");
    BOOST_TEST(outcome(s.fs.link(s.at("file"), s.at("dangling"))) == "EEXIST");
    BOOST_TEST(outcome(s.fs.link(s.at("dir"), s.at("x"))) == "EPERM");
    BOOST_TEST(outcome(s.fs.link(s.at("missing"), s.at("x"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.link(s.at("file"), s.at("missing/x"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.link(s.at("file"), s.slash("new"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.link(s.slash("file"), s.at("x"))) == "ENOTDIR");
    // link(2) does not follow a final symlink: the new name is a symlink too.
    BOOST_TEST(outcome(s.fs.link(s.at("lfile"), s.at("hardlink-to-link"))) == "OK");
    BOOST_TEST((s.status(s.at("hardlink-to-link"), false)->kind == file_kind::symlink));
    BOOST_TEST(outcome(s.fs.link(s.at("dangling"), s.at("dangling2"))) == "OK");

    auto opened = s.fs.open_read(s.at("file"));
    BOOST_TEST_REQUIRE(opened.has_value());
    BOOST_TEST(outcome(s.fs.unlink(s.at("file"))) == "OK");
    BOOST_TEST(s.status(s.at("second"))->links == 1u);
    BOOST_TEST(outcome(s.fs.unlink(s.at("second"))) == "OK");
    BOOST_TEST(s.fs.stat(*opened)->links == 0u);  // no name left, still open
    std::array<std::byte, 8> buffer{};
    BOOST_TEST(*s.fs.read(*opened, buffer) == 3u);
    (void)s.fs.close(*opened);
}

void unlink_semantics(session& s) {
    s.make_zoo();
    BOOST_TEST(outcome(s.fs.unlink(s.at("dir"))) == "EISDIR");
    BOOST_TEST(outcome(s.fs.unlink(s.slash("dir"))) == "EISDIR");
    BOOST_TEST(outcome(s.fs.unlink(s.at("dir/."))) == "EISDIR");
    BOOST_TEST(outcome(s.fs.unlink(s.slash("file"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.unlink(s.slash("ldir"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.unlink(s.at("missing"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.unlink(s.at("file/x"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.unlink(s.at("lfile"))) == "OK");  // the link, not its target
    BOOST_TEST(s.content(s.at("file")) == "abc");
    BOOST_TEST(outcome(s.fs.unlink(s.at("loop"))) == "OK");
    BOOST_TEST(outcome(s.fs.unlink(s.at("full/x"))) == "OK");
    BOOST_TEST((s.names(s.dir) == std::vector{"dangling"s, "dir"s, "file"s, "full"s, "ldir"s}));
    BOOST_TEST(s.names(s.at("full")).empty());
}

void rename_semantics(session& s) {
    s.make_zoo();
    s.make_file("old", "old content");
    s.make_file("new", "new content");
    auto reader = s.fs.open_read(s.at("old"));
    BOOST_TEST_REQUIRE(reader.has_value());
    BOOST_TEST(outcome(s.fs.rename(s.at("new"), s.at("old"))) == "OK");
    BOOST_TEST(s.content(s.at("old")) == "new content");
    BOOST_TEST(outcome(s.fs.stat(s.at("new"))) == "ENOENT");
    std::array<std::byte, 32> buffer{};
    auto const got = s.fs.read(*reader, buffer);  // the replaced inode lives on while open
    BOOST_TEST_REQUIRE(got.has_value());
    BOOST_TEST(std::string(reinterpret_cast<char const*>(buffer.data()), *got) == "old content");
    BOOST_TEST(s.fs.stat(*reader)->links == 0u);
    (void)s.fs.close(*reader);

    BOOST_TEST(outcome(s.fs.rename(s.at("old"), s.at("dir"))) == "EISDIR");
    BOOST_TEST(outcome(s.fs.rename(s.at("dir"), s.at("old"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.rename(s.at("dir"), s.at("full"))) == "ENOTEMPTY");
    BOOST_TEST(outcome(s.fs.rename(s.at("missing"), s.at("x"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.rename(s.at("old"), s.at("missing/x"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.rename(s.at("old"), s.at("file/x"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.rename(s.at("old"), s.at("old"))) == "OK");
    BOOST_TEST(outcome(s.fs.rename(s.at("dir"), s.at("dir/sub"))) == "EINVAL");
    BOOST_TEST(outcome(s.fs.rename(s.at("old"), s.slash("x"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.rename(s.slash("old"), s.at("x"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.rename(s.at("dir"), s.at("."))) == "EBUSY");
    BOOST_TEST(outcome(s.fs.rename(s.at("dir/."), s.at("x"))) == "EBUSY");
    BOOST_TEST(s.content(s.at("old")) == "new content");

    // Directories move with what is inside; an empty one can be replaced.
    s.make_file("dir/inside", "in");
    BOOST_TEST(outcome(s.fs.rename(s.at("dir"), s.slash("moved"))) == "OK");
    BOOST_TEST(s.content(s.at("moved/inside")) == "in");
    s.make_dir("empty");
    BOOST_TEST(outcome(s.fs.rename(s.slash("moved"), s.at("empty"))) == "OK");
    BOOST_TEST(s.content(s.at("empty/inside")) == "in");
    BOOST_TEST(outcome(s.fs.stat(s.at("moved"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.rename(s.at("empty"), s.at("full/deeper"))) == "OK");
    BOOST_TEST(s.content(s.at("full/deeper/inside")) == "in");

    // A symlink is renamed, and replaced, as itself.
    BOOST_TEST(outcome(s.fs.rename(s.at("lfile"), s.at("lfile2"))) == "OK");
    BOOST_TEST((s.status(s.at("lfile2"), false)->kind == file_kind::symlink));
    BOOST_TEST(outcome(s.fs.rename(s.at("old"), s.at("dangling"))) == "OK");
    BOOST_TEST((s.status(s.at("dangling"), false)->kind == file_kind::regular));
    BOOST_TEST(outcome(s.fs.stat(s.at("nowhere"))) == "ENOENT");

    // Two names of one inode: rename does nothing, both stay.
    BOOST_TEST(outcome(s.fs.link(s.at("file"), s.at("file2"))) == "OK");
    BOOST_TEST(outcome(s.fs.rename(s.at("file"), s.at("file2"))) == "OK");
    BOOST_TEST(s.status(s.at("file"))->links == 2u);
    BOOST_TEST(s.content(s.at("file")) == "abc");
}

void make_directory_semantics(session& s) {
    s.make_zoo();
    BOOST_TEST(outcome(s.fs.make_directory(s.at("file"), 0755)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.make_directory(s.at("dangling"), 0755)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.make_directory(s.at("dir"), 0755)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.make_directory(s.at("loop"), 0755)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.make_directory(s.at("dir/."), 0755)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.make_directory(s.at("dir/.."), 0755)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.make_directory(s.at("m/n"), 0755)) == "ENOENT");
    BOOST_TEST(outcome(s.fs.make_directory(s.at("file/x"), 0755)) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.make_directory(s.at("dangling/x"), 0755)) == "ENOENT");
    BOOST_TEST(outcome(s.fs.make_directory(s.slash("new"), 0755)) == "OK");
    BOOST_TEST(outcome(s.fs.make_directory(s.at("ldir/sub"), 0755)) == "OK");
    BOOST_TEST(s.names(s.at("dir")) == std::vector{"sub"s});
    BOOST_TEST(s.names(s.at("new")).empty());
}

void symlinks_and_listing(session& s) {
    s.make_zoo();
    BOOST_TEST(*s.fs.read_symlink(s.at("lfile")) == path("file"));
    BOOST_TEST(*s.fs.read_symlink(s.at("dangling")) == path("nowhere"));
    BOOST_TEST(outcome(s.fs.read_symlink(s.at("file"))) == "EINVAL");
    BOOST_TEST(outcome(s.fs.read_symlink(s.at("dir"))) == "EINVAL");
    BOOST_TEST(outcome(s.fs.read_symlink(s.at("missing"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.read_symlink(s.at("file/x"))) == "ENOTDIR");
    BOOST_TEST((s.names(s.dir) == std::vector{"dangling"s, "dir"s, "file"s, "full"s, "ldir"s, "lfile"s, "loop"s}));
    BOOST_TEST(s.names(s.at("ldir")).empty());
    BOOST_TEST(s.names(s.at("file")) == std::vector{"<ENOTDIR>"s});
    BOOST_TEST(s.names(s.at("missing")) == std::vector{"<ENOENT>"s});
    BOOST_TEST(s.names(s.at("dangling")) == std::vector{"<ENOENT>"s});
    BOOST_TEST(outcome(s.fs.sync_directory(s.dir)) == "OK");
    BOOST_TEST(outcome(s.fs.sync_directory(s.at("ldir"))) == "OK");
    BOOST_TEST(outcome(s.fs.sync_directory(s.at("file"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.sync_directory(s.at("missing"))) == "ENOENT");
}

void anonymous_files(session& s) {
    s.make_zoo();
    auto anonymous = s.fs.create_anonymous(s.dir, 0600);
    if (!anonymous && anonymous.error() == std::errc::operation_not_supported) {
        BOOST_TEST_MESSAGE("skipped: this filesystem has no O_TMPFILE");
        return;
    }
    BOOST_TEST_REQUIRE(anonymous.has_value(), outcome(anonymous));
    BOOST_TEST(outcome(s.fs.write(*anonymous, bytes_of("anon"))) == "OK");
    BOOST_TEST(s.fs.stat(*anonymous)->links == 0u);
    BOOST_TEST(s.fs.stat(*anonymous)->mode == (0600 & ~s.fs.umask()));
    BOOST_TEST(s.names(s.dir).size() == 7u);  // invisible
    BOOST_TEST(outcome(s.fs.link_handle(*anonymous, s.at("file"))) == "EEXIST");
    BOOST_TEST(outcome(s.fs.link_handle(*anonymous, s.at("missing/x"))) == "ENOENT");
    BOOST_TEST(outcome(s.fs.link_handle(*anonymous, s.at("named"))) == "OK");
    BOOST_TEST(outcome(s.fs.link_handle(*anonymous, s.at("again"))) == "OK");
    BOOST_TEST(s.fs.stat(*anonymous)->links == 2u);
    (void)s.fs.close(*anonymous);
    BOOST_TEST(s.content(s.at("named")) == "anon");
    BOOST_TEST(s.status(s.at("again"))->inode == s.status(s.at("named"))->inode);

    auto forgotten = s.fs.create_anonymous(s.at("ldir"), 0600);  // through a symlink
    BOOST_TEST_REQUIRE(forgotten.has_value());
    BOOST_TEST(outcome(s.fs.write(*forgotten, bytes_of("gone"))) == "OK");
    (void)s.fs.close(*forgotten);
    BOOST_TEST(s.names(s.at("dir")).empty());

    BOOST_TEST(outcome(s.fs.create_anonymous(s.at("file"), 0600)) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.create_anonymous(s.at("missing"), 0600)) == "ENOENT");
    BOOST_TEST(outcome(s.fs.create_anonymous(s.at("dangling"), 0600)) == "ENOENT");

    // A named file whose last name is gone cannot be linked back.
    auto unlinked = s.fs.create_exclusive(s.at("doomed"), 0600);
    BOOST_TEST_REQUIRE(unlinked.has_value());
    BOOST_TEST(outcome(s.fs.unlink(s.at("doomed"))) == "OK");
    BOOST_TEST(outcome(s.fs.link_handle(*unlinked, s.at("revived"))) == "ENOENT");
    (void)s.fs.close(*unlinked);
    // A named file can get a second name by its handle.
    auto named = s.fs.open_read(s.at("file"));
    BOOST_TEST_REQUIRE(named.has_value());
    BOOST_TEST(outcome(s.fs.link_handle(*named, s.at("file-too"))) == "OK");
    (void)s.fs.close(*named);
    BOOST_TEST(s.status(s.at("file"))->links == 2u);
}

void locks_exclude_other_handles(session& s) {
    auto const lock_path = s.at("lock");
    auto first = s.fs.lock(lock_path);
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST(s.status(lock_path)->mode == (0600 & ~s.fs.umask()));
    BOOST_TEST(outcome(s.fs.write(*first, bytes_of("held"))) == "OK");  // opened for reading and writing
    std::atomic<bool> second_holds{false};
    std::thread contender([&, other = s.fs.clone()] {
        auto second = other->lock(lock_path);
        second_holds = true;
        if (second) (void)other->close(*second);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    BOOST_TEST(!second_holds.load());  // the same process, another handle: excluded
    BOOST_TEST(outcome(s.fs.close(*first)) == "OK");
    contender.join();
    BOOST_TEST(second_holds.load());
    BOOST_TEST(s.content(lock_path) == "held");
    // Closing released it: it can be taken again at once.
    auto again = s.fs.lock(lock_path);
    BOOST_TEST_REQUIRE(again.has_value());
    std::array<std::byte, 8> buffer{};
    BOOST_TEST(*s.fs.read(*again, buffer) == 4u);
    (void)s.fs.close(*again);

    s.make_dir("d");
    BOOST_TEST(outcome(s.fs.lock(s.at("d"))) == "EISDIR");
    BOOST_TEST(outcome(s.fs.lock(s.at("missing/lock"))) == "ENOENT");
}

}  // namespace

void run_fs_conformance(conformance_target const& target) {
    using sequence = void (*)(session&);
    struct named_sequence {
        char const* name;
        sequence run;
    };
    named_sequence const sequences[] = {
        {"create_write_read", create_write_read},
        {"create_exclusive_errors", create_exclusive_errors},
        {"modes_and_owner", modes_and_owner},
        {"handle_access", handle_access},
        {"open_append_semantics", open_append_semantics},
        {"open_read_and_stat", open_read_and_stat},
        {"hard_links", hard_links},
        {"unlink_semantics", unlink_semantics},
        {"rename_semantics", rename_semantics},
        {"make_directory_semantics", make_directory_semantics},
        {"symlinks_and_listing", symlinks_and_listing},
        {"anonymous_files", anonymous_files},
        {"locks_exclude_other_handles", locks_exclude_other_handles},
    };
    for (auto const& [name, run] : sequences) {
        BOOST_TEST_CONTEXT("sequence " << name) {
            auto const dir = target.root / name;
            BOOST_TEST_REQUIRE(target.fs.make_directory(dir, 0755).has_value());
            session s{target.fs, dir, target.make_symlink};
            run(s);
        }
    }
}

}  // namespace persist::test
