// The conformance test of the Fs policy: test_fs_policy<Fs>(env) runs the
// same operation sequences on any model and checks the results and errno
// values that Linux gives. posix_fs passing it proves the expectations;
// every other model passing it proves it behaves like the real thing.
//
// The sequences are compiled once (support/fs_conformance.cpp) against
// any_fs, a virtual interface; test_fs_policy<Fs> only wraps Fs in it.
#ifndef PERSIST_TEST_SUPPORT_FS_CONFORMANCE_HPP
#define PERSIST_TEST_SUPPORT_FS_CONFORMANCE_HPP

#include "support/fs_environment.hpp"

#include <persist/fs/fs_policy.hpp>

#include <functional>
#include <string>
#include <vector>

namespace persist::test {

/// fs_policy behind virtual calls. Handles are small numbers.
class any_fs {
public:
    using handle = std::size_t;
    using path = std::filesystem::path;

    virtual ~any_fs() = default;
    virtual io_result<handle> open_read(path const& p, name_owner o = name_owner::caller) = 0;
    virtual io_result<handle> create_exclusive(path const& p, mode_t mode) = 0;
    virtual io_result<handle> create_anonymous(path const& dir, mode_t mode) = 0;
    virtual io_result<handle> open_append(path const& p, mode_t mode,
                                          name_owner o = name_owner::caller) = 0;
    virtual io_result<void> write(handle h, std::span<std::byte const> bytes) = 0;
    virtual io_result<std::size_t> read(handle h, std::span<std::byte> buffer) = 0;
    virtual io_result<void> truncate(handle h, std::uint64_t size) = 0;
    virtual io_result<void> sync_data(handle h) = 0;
    virtual io_result<void> sync_full(handle h) = 0;
    virtual io_result<void> close(handle h) = 0;
    virtual io_result<void> rename(path const& from, path const& to) = 0;
    virtual io_result<void> link_handle(handle h, path const& p) = 0;
    virtual io_result<void> link(path const& from, path const& to) = 0;
    virtual io_result<void> unlink(path const& p) = 0;
    virtual io_result<void> sync_directory(path const& dir) = 0;
    virtual io_result<void> make_directory(path const& p, mode_t mode) = 0;
    virtual io_result<file_status> stat(path const& p) = 0;
    virtual io_result<file_status> lstat(path const& p) = 0;
    virtual io_result<file_status> stat(handle h) = 0;
    virtual io_result<void> set_mode(handle h, mode_t mode) = 0;
    virtual io_result<void> set_owner(handle h, uid_t owner, gid_t group) = 0;
    virtual io_result<path> read_symlink(path const& p) = 0;
    virtual io_result<std::vector<std::string>> list_directory(path const& dir) = 0;
    virtual io_result<handle> lock(path const& p) = 0;
    virtual mode_t umask() = 0;
    /// A copy of the model, for another thread (it shares the filesystem).
    virtual std::unique_ptr<any_fs> clone() const = 0;
};

/// Wraps a copy of an Fs (which shares the original's filesystem).
template <class Fs>
class any_fs_of final : public any_fs {
public:
    explicit any_fs_of(Fs fs) : fs_(std::move(fs)) {}

    io_result<handle> open_read(path const& p, name_owner o) override {
        return keep(fs_.open_read(p, o));
    }
    io_result<handle> create_exclusive(path const& p, mode_t m) override {
        return keep(fs_.create_exclusive(p, m));
    }
    io_result<handle> create_anonymous(path const& d, mode_t m) override {
        return keep(fs_.create_anonymous(d, m));
    }
    io_result<handle> open_append(path const& p, mode_t m, name_owner o) override {
        return keep(fs_.open_append(p, m, o));
    }
    io_result<void> write(handle h, std::span<std::byte const> b) override {
        return fs_.write(at(h), b);
    }
    io_result<std::size_t> read(handle h, std::span<std::byte> b) override {
        return fs_.read(at(h), b);
    }
    io_result<void> truncate(handle h, std::uint64_t n) override { return fs_.truncate(at(h), n); }
    io_result<void> sync_data(handle h) override { return fs_.sync_data(at(h)); }
    io_result<void> sync_full(handle h) override { return fs_.sync_full(at(h)); }
    io_result<void> close(handle h) override { return fs_.close(at(h)); }
    io_result<void> rename(path const& f, path const& t) override { return fs_.rename(f, t); }
    io_result<void> link_handle(handle h, path const& p) override {
        return fs_.link_handle(at(h), p);
    }
    io_result<void> link(path const& f, path const& t) override { return fs_.link(f, t); }
    io_result<void> unlink(path const& p) override { return fs_.unlink(p); }
    io_result<void> sync_directory(path const& d) override { return fs_.sync_directory(d); }
    io_result<void> make_directory(path const& p, mode_t m) override {
        return fs_.make_directory(p, m);
    }
    io_result<file_status> stat(path const& p) override { return fs_.stat(p); }
    io_result<file_status> lstat(path const& p) override { return fs_.lstat(p); }
    io_result<file_status> stat(handle h) override { return fs_.stat(at(h)); }
    io_result<void> set_mode(handle h, mode_t m) override { return fs_.set_mode(at(h), m); }
    io_result<void> set_owner(handle h, uid_t u, gid_t g) override {
        return fs_.set_owner(at(h), u, g);
    }
    io_result<path> read_symlink(path const& p) override { return fs_.read_symlink(p); }
    io_result<std::vector<std::string>> list_directory(path const& d) override {
        return fs_.list_directory(d);
    }
    io_result<handle> lock(path const& p) override { return keep(fs_.lock(p)); }
    mode_t umask() override { return fs_.umask(); }
    std::unique_ptr<any_fs> clone() const override { return std::make_unique<any_fs_of>(fs_); }

private:
    io_result<handle> keep(io_result<typename Fs::handle> opened) {
        if (!opened) return opened.error();
        handles_.push_back(*opened);
        return handles_.size() - 1;
    }
    typename Fs::handle at(handle h) const { return handles_.at(h); }

    Fs fs_;
    std::vector<typename Fs::handle> handles_;
};

/// Where the conformance sequences run.
struct conformance_target {
    any_fs& fs;
    std::filesystem::path root;  ///< an empty directory the sequences may fill
    std::function<void(std::filesystem::path const& target, std::filesystem::path const& link)>
        make_symlink;
    std::function<void(std::filesystem::path const& p)> make_fifo;
};

/// Runs every sequence, each in a fresh directory under target.root, with
/// Boost.Test assertions. Defined in support/fs_conformance.cpp.
void run_fs_conformance(conformance_target const& target);

/// The conformance test of fs_policy, for any model with an fs_environment.
template <fs_policy Fs>
void test_fs_policy(fs_environment<Fs>& env) {
    any_fs_of<Fs> fs(env.fs);
    run_fs_conformance(
        {fs, env.root(),
         [&](auto const& target, auto const& link) { env.make_symlink(target, link); },
         [&](auto const& p) { env.make_fifo(p); }});
}

}  // namespace persist::test

#endif
