// The operation sequences of the fs_policy conformance test on files and
// handles, and the runner. The expected results are Linux's (ext4 or
// tmpfs, as root or not): posix_fs runs them against the kernel, so a
// wrong expectation fails there first.
#include "support/fs_conformance.hpp"

#include "support/fs_conformance_session.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace persist::test {
namespace conformance {

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
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("dangling"), 0600)) ==
               "EEXIST");  // O_NOFOLLOW|O_EXCL
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("lfile"), 0600)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("loop"), 0600)) == "EEXIST");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("missing/x"), 0600)) == "ENOENT");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("file/x"), 0600)) == "ENOTDIR");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.slash("new"), 0600)) == "EISDIR");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.slash("dir"), 0600)) == "EISDIR");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("loop/x"), 0600)) == "ELOOP");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at("dangling/x"), 0600)) == "ENOENT");
    BOOST_TEST(outcome(s.fs.create_exclusive(s.at(std::string(256, 'n')), 0600)) == "ENAMETOOLONG");
    auto through_link =
        s.fs.create_exclusive(s.at("ldir/x"), 0600);  // a symlinked directory on the way is fine
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
    BOOST_TEST(s.status(s.at("file"))->mode ==
               (0644 & ~s.fs.umask()));  // an existing file keeps its mode

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
    BOOST_TEST(outcome(s.fs.write(*first, bytes_of("held"))) ==
               "OK");  // opened for reading and writing
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

/// The text read_at(h, offset) returns in a buffer of `size` bytes, or
/// "<ERRNO>".
std::string read_at_text(session& s, any_fs::handle h, std::uint64_t offset, std::size_t size) {
    std::string text(size, '\0');
    auto got = s.fs.read_at(h, offset, std::as_writable_bytes(std::span(text)));
    if (!got) return "<" + outcome(got.error()) + ">";
    text.resize(*got);
    return text;
}

void positioned_reads(session& s) {
    s.make_file("f", "abcdef");
    auto reader = s.fs.open_read(s.at("f"));
    BOOST_TEST_REQUIRE(reader.has_value());
    BOOST_TEST(read_at_text(s, *reader, 0, 3) == "abc");
    BOOST_TEST(read_at_text(s, *reader, 2, 3) == "cde");
    BOOST_TEST(read_at_text(s, *reader, 4, 10) == "ef");  // short only at the end
    BOOST_TEST(read_at_text(s, *reader, 6, 4) == "");
    BOOST_TEST(read_at_text(s, *reader, 1000, 4) == "");
    BOOST_TEST(read_at_text(s, *reader, 0, 0) == "");
    // read_at leaves the handle's offset alone; read leaves read_at's alone.
    std::array<std::byte, 2> buffer{};
    BOOST_TEST(*s.fs.read(*reader, buffer) == 2u);
    BOOST_TEST(read_at_text(s, *reader, 0, 1) == "a");
    BOOST_TEST(*s.fs.read(*reader, buffer) == 2u);
    BOOST_TEST((buffer == std::array{std::byte{'c'}, std::byte{'d'}}));

    // It sees what another handle appends after the open.
    auto appender = s.fs.open_append(s.at("f"), 0644);
    BOOST_TEST_REQUIRE(appender.has_value());
    BOOST_TEST(outcome(s.fs.write(*appender, bytes_of("gh"))) == "OK");
    BOOST_TEST(read_at_text(s, *reader, 5, 10) == "fgh");
    // A handle not open for reading fails as read does.
    BOOST_TEST(read_at_text(s, *appender, 0, 4) == "<EBADF>");
    (void)s.fs.close(*appender);
    (void)s.fs.close(*reader);
    auto writer = s.fs.create_exclusive(s.at("w"), 0644);
    BOOST_TEST_REQUIRE(writer.has_value());
    BOOST_TEST(read_at_text(s, *writer, 0, 4) == "<EBADF>");
    (void)s.fs.close(*writer);
    // And on a closed handle, as read does (EBADF, unless the number was reused).
    BOOST_TEST(read_at_text(s, *writer, 0, 4) == "<" + outcome(s.fs.read(*writer, buffer)) + ">");

    s.make_dir("d");
    auto directory = s.fs.open_read(s.at("d"));
    BOOST_TEST_REQUIRE(directory.has_value());
    BOOST_TEST(read_at_text(s, *directory, 0, 4) == "<EISDIR>");
    (void)s.fs.close(*directory);

    std::string big(3 << 20, 'b');
    big[(3 << 20) - 1] = 'e';
    s.make_file("big", big);
    auto whole = s.fs.open_read(s.at("big"));
    BOOST_TEST_REQUIRE(whole.has_value());
    BOOST_TEST((read_at_text(s, *whole, 1, big.size()) == big.substr(1)));
    (void)s.fs.close(*whole);
}

}  // namespace conformance

void run_fs_conformance(conformance_target const& target) {
    using namespace conformance;
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
        {"positioned_reads", positioned_reads},
        {"open_append_semantics", open_append_semantics},
        {"open_read_and_stat", open_read_and_stat},
        {"hard_links", hard_links},
        {"unlink_semantics", unlink_semantics},
        {"rename_semantics", rename_semantics},
        {"make_directory_semantics", make_directory_semantics},
        {"symlinks_and_listing", symlinks_and_listing},
        {"anonymous_files", anonymous_files},
        {"locks_exclude_other_handles", locks_exclude_other_handles},
        {"names_persist_owns", names_persist_owns},
    };
    for (auto const& [name, run] : sequences) {
        BOOST_TEST_CONTEXT("sequence " << name) {
            auto const dir = target.root / name;
            BOOST_TEST_REQUIRE(target.fs.make_directory(dir, 0755).has_value());
            session s{target.fs, dir, target.make_symlink, target.make_fifo};
            run(s);
        }
    }
}

}  // namespace persist::test
