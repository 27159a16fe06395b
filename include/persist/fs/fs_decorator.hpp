// fs_decorator: the base of Fs models that wrap another Fs model.
#ifndef PERSIST_FS_FS_DECORATOR_HPP
#define PERSIST_FS_FS_DECORATOR_HPP

#include <persist/fs/fs_policy.hpp>

#include <optional>
#include <utility>

namespace persist {

/// Forwards every operation of fs_policy to an Inner model, after asking
/// Derived::intercept(op) whether to fail it instead. A decorator such as
/// counting_fs or fault_fs derives from it (CRTP) and only writes what it
/// changes; an operation it needs to alter further it hides by name.
///
/// Derived must provide
///     std::optional<std::error_code> intercept(fs_op op);
/// returning an error to fail the call without forwarding it.
///
/// Thread safety: as Inner's and Derived::intercept's.
template <class Derived, fs_policy Inner>
class fs_decorator {
public:
    using handle = typename Inner::handle;
    using path = std::filesystem::path;

    explicit fs_decorator(Inner inner = Inner{}) : inner_(std::move(inner)) {}

    Inner& inner() noexcept { return inner_; }

    io_result<handle> open_read(path const& p, name_owner o = name_owner::caller) {
        return call(fs_op::open_read, [&] { return inner_.open_read(p, o); });
    }
    io_result<handle> create_exclusive(path const& p, mode_t m) {
        return call(fs_op::create_exclusive, [&] { return inner_.create_exclusive(p, m); });
    }
    io_result<handle> create_anonymous(path const& d, mode_t m) {
        return call(fs_op::create_anonymous, [&] { return inner_.create_anonymous(d, m); });
    }
    io_result<handle> open_append(path const& p, mode_t m, name_owner o = name_owner::caller) {
        return call(fs_op::open_append, [&] { return inner_.open_append(p, m, o); });
    }
    io_result<void> write(handle h, std::span<std::byte const> b) {
        return call(fs_op::write, [&] { return inner_.write(h, b); });
    }
    io_result<std::size_t> read(handle h, std::span<std::byte> b) {
        return call(fs_op::read, [&] { return inner_.read(h, b); });
    }
    io_result<void> truncate(handle h, std::uint64_t n) {
        return call(fs_op::truncate, [&] { return inner_.truncate(h, n); });
    }
    io_result<void> sync_data(handle h) {
        return call(fs_op::sync_data, [&] { return inner_.sync_data(h); });
    }
    io_result<void> sync_full(handle h) {
        return call(fs_op::sync_full, [&] { return inner_.sync_full(h); });
    }
    io_result<void> close(handle h) {
        // A failed close still releases the handle (fs_policy 2): forward it
        // even when failing it, so an injected fault leaks nothing.
        auto injected = derived().intercept(fs_op::close);
        auto closed = inner_.close(h);
        if (injected) return *injected;
        return closed;
    }
    io_result<void> rename(path const& f, path const& t) {
        return call(fs_op::rename, [&] { return inner_.rename(f, t); });
    }
    io_result<void> link_handle(handle h, path const& p) {
        return call(fs_op::link_handle, [&] { return inner_.link_handle(h, p); });
    }
    io_result<void> link(path const& f, path const& t) {
        return call(fs_op::link, [&] { return inner_.link(f, t); });
    }
    io_result<void> unlink(path const& p) {
        return call(fs_op::unlink, [&] { return inner_.unlink(p); });
    }
    io_result<void> sync_directory(path const& d) {
        return call(fs_op::sync_directory, [&] { return inner_.sync_directory(d); });
    }
    io_result<void> make_directory(path const& p, mode_t m) {
        return call(fs_op::make_directory, [&] { return inner_.make_directory(p, m); });
    }
    io_result<file_status> stat(path const& p) {
        return call(fs_op::stat, [&] { return inner_.stat(p); });
    }
    io_result<file_status> lstat(path const& p) {
        return call(fs_op::lstat, [&] { return inner_.lstat(p); });
    }
    io_result<file_status> stat(handle h) {
        return call(fs_op::stat_handle, [&] { return inner_.stat(h); });
    }
    io_result<void> set_mode(handle h, mode_t m) {
        return call(fs_op::set_mode, [&] { return inner_.set_mode(h, m); });
    }
    io_result<void> set_owner(handle h, uid_t u, gid_t g) {
        return call(fs_op::set_owner, [&] { return inner_.set_owner(h, u, g); });
    }
    io_result<path> read_symlink(path const& p) {
        return call(fs_op::read_symlink, [&] { return inner_.read_symlink(p); });
    }
    io_result<std::vector<std::string>> list_directory(path const& d) {
        return call(fs_op::list_directory, [&] { return inner_.list_directory(d); });
    }
    io_result<handle> lock(path const& p) {
        return call(fs_op::lock, [&] { return inner_.lock(p); });
    }
    mode_t umask() { return inner_.umask(); }

protected:
    template <class F>
    auto call(fs_op op, F&& forward) -> decltype(forward()) {
        if (auto injected = derived().intercept(op)) return *injected;
        return forward();
    }

    Inner inner_;

private:
    Derived& derived() noexcept { return static_cast<Derived&>(*this); }
};

}  // namespace persist

#endif
