// The operation sequences of the fs_policy conformance test on names:
// lookups through symlinks, hard links, unlink, rename, mkdir, listing.
#include "support/fs_conformance_session.hpp"

namespace persist::test::conformance {

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
    BOOST_TEST((s.status(s.slash("ldir"), false)->kind ==
                file_kind::directory));  // a slash follows the link

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
    BOOST_TEST((s.names(s.dir) ==
                std::vector{"dangling"s, "dir"s, "file"s, "full"s, "ldir"s, "lfile"s, "loop"s}));
    BOOST_TEST(s.names(s.at("ldir")).empty());
    BOOST_TEST(s.names(s.at("file")) == std::vector{"<ENOTDIR>"s});
    BOOST_TEST(s.names(s.at("missing")) == std::vector{"<ENOENT>"s});
    BOOST_TEST(s.names(s.at("dangling")) == std::vector{"<ENOENT>"s});
    BOOST_TEST(outcome(s.fs.sync_directory(s.dir)) == "OK");
    BOOST_TEST(outcome(s.fs.sync_directory(s.at("ldir"))) == "OK");
    BOOST_TEST(outcome(s.fs.sync_directory(s.at("file"))) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.sync_directory(s.at("missing"))) == "ENOENT");
}

// fs_policy 9 and 10: at a name persist owns, a symbolic link (dangling,
// to a file, to a directory, or a loop), a directory or a FIFO is refused
// without following it, waiting on it, or creating or changing anything.
void names_persist_owns(session& s) {
    constexpr auto owned = name_owner::persist;
    s.make_zoo();
    s.make_fifo(s.at("fifo"));
    auto const before = s.names(s.dir);
    for (std::string const name : {"dangling", "lfile", "ldir", "loop"}) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(outcome(s.fs.lock(s.at(name))) == "ELOOP");
            BOOST_TEST(outcome(s.fs.open_read(s.at(name), owned)) == "ELOOP");
            BOOST_TEST(outcome(s.fs.open_append(s.at(name), 0600, owned)) == "ELOOP");
        }
    }
    BOOST_TEST(outcome(s.fs.lock(s.at("dir"))) == "EISDIR");
    BOOST_TEST(outcome(s.fs.open_read(s.at("dir"), owned)) == "EISDIR");
    BOOST_TEST(outcome(s.fs.open_append(s.at("dir"), 0600, owned)) == "EISDIR");
    BOOST_TEST(outcome(s.fs.lock(s.at("fifo"))) == "not_regular_file");
    BOOST_TEST(outcome(s.fs.open_read(s.at("fifo"), owned)) == "not_regular_file");
    BOOST_TEST(outcome(s.fs.open_append(s.at("fifo"), 0600, owned)) == "not_regular_file");
    // Nothing was created through the dangling link or changed through the others.
    BOOST_TEST(s.names(s.dir) == before);
    BOOST_TEST(s.content(s.at("file")) == "abc");
    BOOST_TEST(s.names(s.at("dir")) == std::vector<std::string>{});
    BOOST_TEST((s.status(s.at("fifo"), false)->kind == file_kind::other));

    // Only the last component is never followed: a link among the parents is.
    auto through_parent = s.fs.lock(s.at("ldir/lock"));
    BOOST_TEST_REQUIRE(through_parent.has_value());
    (void)s.fs.close(*through_parent);
    BOOST_TEST(s.names(s.at("dir")) == std::vector<std::string>{"lock"});
    // A regular file, or a new one, is opened as usual.
    auto read = s.fs.open_read(s.at("file"), owned);
    BOOST_TEST_REQUIRE(read.has_value());
    (void)s.fs.close(*read);
    auto appended = s.fs.open_append(s.at("new"), 0600, owned);
    BOOST_TEST_REQUIRE(appended.has_value());
    BOOST_TEST(outcome(s.fs.write(*appended, bytes_of("x"))) == "OK");
    (void)s.fs.close(*appended);
    BOOST_TEST(s.content(s.at("new")) == "x");
}

}  // namespace persist::test::conformance
